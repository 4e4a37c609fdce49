/**
 * Video talks over HTTP (CALL5): scheduled sessions between two or more nodes, each on its own
 * thread line (FED9), with an agenda and the people expected; consoles join them here and post
 * their WebRTC signals here, one connection to each other participant (a mesh).
 *
 * - `POST /api/v1/talks {title, members, startsAt, durationMin, agenda, participants}` → 201
 *   `{talk}`: opens the talk's line with this node and `members` (paired peers), and appends
 *   `talk.scheduled` on it (`talk.schedule`: supervisors and admins);
 * - `GET /api/v1/talks` → `{talks}`: every talk this node holds, soonest first, with its agenda,
 *   the people expected, who joined and left (from the record) and who is connected now;
 * - `GET /api/v1/talks/:id` → `{talk}`;
 * - `POST /api/v1/talks/:id/cancel {reason?}` → `{talk}` (`talk.schedule`);
 * - `POST /api/v1/talks/:id/join {client}` → `{talk, participants}` (`talk.join`);
 * - `POST /api/v1/talks/:id/leave {client}` → `{left: true}`;
 * - `POST /api/v1/talks/:id/signal {client, to, kind, data}` → 202.
 *
 * Refusals: 400 `invalid-input` with `fields` (a member that is not a paired peer, a participant
 * from a node that is not a member, a start long past), 404 `unknown-talk`, 409
 * `talk-cancelled`, `console-in-use`, `peer-unreachable`, 403 `not-a-participant`.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  agendaItemSchema,
  foldTalks,
  INSTANT_PATTERN,
  plannedParticipantSchema,
  TALK_EVENT_TYPES,
  TALK_ID_PATTERN,
  TALK_LIMITS,
  type TalkRecord,
} from '../calls/talkLog.ts';
import type { TalkParticipant, Talks } from '../calls/talks.ts';
import type { Clock } from '../core/clock.ts';
import { isoTime } from '../core/clock.ts';
import { sortLog7 } from '../core/order.ts';
import { MAX_SIGNAL_BYTES } from '../federation/protocol.ts';
import type { Ledger } from '../record/ledger.ts';
import type { Store } from '../store/types.ts';
import { ApiError, type FieldProblem } from './errors.ts';
import { parse, require } from './routes.ts';

export interface TalkRouteDeps {
  selfId: string;
  talks: Talks;
  store: Store;
  ledger: Ledger;
  clock: Clock;
  /** Whether a node is a peer this node is paired with now (FED1). */
  isPairedPeer(nodeId: string): boolean;
}

/**
 * A talk as the API shows it: the record, the line's members, who is connected now. Console ids
 * are left out: only the consoles in the talk learn each other's, from their roster frames.
 */
export interface TalkView extends TalkRecord {
  members: string[];
  connected: Omit<TalkParticipant, 'client'>[];
}

/** How far in the past a new talk may start (a talk scheduled as it begins), and ahead. */
const START_PAST_MS = 60 * 60_000;
const START_AHEAD_MS = 2 * 366 * 24 * 60 * 60_000;

const clientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'a console id: 8–64 of A-Z, a-z, 0-9, _ and -');
const talkParams = z.object({ id: z.string().regex(TALK_ID_PATTERN, 'not a talk id') }).strict();
const instant = z
  .string()
  .regex(INSTANT_PATTERN, 'not an ISO 8601 time with its zone, e.g. 2026-11-27T14:00:00Z')
  .refine((value) => Number.isFinite(Date.parse(value)), 'not a real time');
const scheduleBody = z
  .object({
    title: z.string().trim().min(1, 'a talk needs a title').max(TALK_LIMITS.title),
    members: z
      .array(z.string().regex(/^[a-z0-9-]{1,32}$/, 'not a node id'))
      .min(1, 'name at least one other node')
      .max(15),
    startsAt: instant,
    durationMin: z.number().int().min(TALK_LIMITS.minDurationMin).max(TALK_LIMITS.maxDurationMin),
    agenda: z.array(agendaItemSchema.strict()).min(1, 'a talk needs an agenda').max(TALK_LIMITS.agendaItems),
    participants: z.array(plannedParticipantSchema.strict()).max(TALK_LIMITS.participants).default([]),
  })
  .strict();
const cancelBody = z.object({ reason: z.string().trim().max(TALK_LIMITS.reason).optional() }).strict();
const joinBody = z.object({ client: clientId }).strict();
const signalBody = z
  .object({
    client: clientId,
    to: clientId,
    kind: z.enum(['offer', 'answer', 'ice']),
    data: z.string().max(MAX_SIGNAL_BYTES),
  })
  .strict();

/** Every talk this node holds, from the record. */
export async function readTalks(store: Store): Promise<TalkRecord[]> {
  const stored = await store.eventsOfTypes(TALK_EVENT_TYPES);
  return foldTalks(sortLog7(stored.map((s) => s.event)));
}

/** What a schedule request names that the schema cannot check: the nodes and the time. */
function scheduleProblems(
  body: z.infer<typeof scheduleBody>,
  deps: TalkRouteDeps,
  nowMs: number,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  body.members.forEach((member, index) => {
    if (member !== deps.selfId && !deps.isPairedPeer(member))
      problems.push({ path: `members.${index}`, message: `${member} is not a paired peer of this node` });
  });
  const members = new Set([deps.selfId, ...body.members]);
  body.participants.forEach((participant, index) => {
    if (!members.has(participant.node))
      problems.push({
        path: `participants.${index}.node`,
        message: `${participant.node} is not a member of this talk`,
      });
  });
  const startsMs = Date.parse(body.startsAt);
  if (startsMs < nowMs - START_PAST_MS) problems.push({ path: 'startsAt', message: 'that time has passed' });
  if (startsMs > nowMs + START_AHEAD_MS)
    problems.push({ path: 'startsAt', message: 'more than two years ahead' });
  return problems;
}

export function registerTalkRoutes(app: FastifyInstance, deps: TalkRouteDeps): void {
  const { talks, ledger } = deps;

  const viewOf = (talk: TalkRecord): TalkView => ({
    ...talk,
    members: ledger.getLine(talk.line)?.members ?? [],
    connected: talks.roster(talk.id).map(({ user, node, joinedAt }) => ({ user, node, joinedAt })),
  });

  const findTalk = async (id: string): Promise<TalkRecord> => {
    const talk = (await readTalks(deps.store)).find((t) => t.id === id);
    if (!talk) throw new ApiError(404, 'unknown-talk', `there is no talk ${id}`);
    return talk;
  };

  app.post('/api/v1/talks', async (request, reply) => {
    const principal = require(request, 'talk.schedule');
    const body = parse(scheduleBody, request.body);
    const problems = scheduleProblems(body, deps, deps.clock.now());
    if (problems.length > 0) {
      throw new ApiError(400, 'invalid-input', `${problems[0]?.path}: ${problems[0]?.message}`, problems);
    }
    const line = await ledger.createLine(body.title, body.members, principal.author);
    const id = randomBytes(12).toString('base64url');
    await ledger.append(line.id, principal.author, 'talk.scheduled', {
      talk: id,
      title: body.title,
      startsAt: isoTime(Date.parse(body.startsAt)),
      durationMin: body.durationMin,
      agenda: body.agenda,
      participants: body.participants,
    });
    return reply.status(201).send({ talk: viewOf(await findTalk(id)) });
  });

  app.get('/api/v1/talks', async (request) => {
    require(request, 'line.read');
    return { talks: (await readTalks(deps.store)).map(viewOf) };
  });

  app.get('/api/v1/talks/:id', async (request) => {
    require(request, 'line.read');
    const { id } = parse(talkParams, request.params);
    return { talk: viewOf(await findTalk(id)) };
  });

  app.post('/api/v1/talks/:id/cancel', async (request) => {
    const principal = require(request, 'talk.schedule');
    const { id } = parse(talkParams, request.params);
    const body = parse(cancelBody, request.body);
    const talk = await findTalk(id);
    if (talk.cancelledAt !== null) throw new ApiError(409, 'talk-cancelled', `talk ${id} was cancelled`);
    await ledger.append(talk.line, principal.author, 'talk.cancelled', {
      talk: id,
      ...(body.reason ? { reason: body.reason } : {}),
    });
    return { talk: viewOf(await findTalk(id)) };
  });

  app.post('/api/v1/talks/:id/join', async (request) => {
    const principal = require(request, 'talk.join');
    const { id } = parse(talkParams, request.params);
    const body = parse(joinBody, request.body);
    const participants = await talks.join(id, body.client, principal.author);
    return { talk: id, participants };
  });

  app.post('/api/v1/talks/:id/leave', async (request) => {
    const principal = require(request, 'talk.join');
    const { id } = parse(talkParams, request.params);
    const body = parse(joinBody, request.body);
    await talks.leave(id, body.client, principal.author);
    return { left: true };
  });

  app.post('/api/v1/talks/:id/signal', async (request, reply) => {
    const principal = require(request, 'talk.join');
    const { id } = parse(talkParams, request.params);
    const body = parse(signalBody, request.body);
    talks.signal(id, { client: body.client, user: principal.author }, body.to, body.kind, body.data);
    return reply.status(202).send({ relayed: true });
  });
}
