/**
 * Encounters and activity notices over HTTP (ENC1–ENC3):
 * - `GET /api/v1/encounters/codes` → the pick-lists: platform kinds per domain, behaviours with
 *   their definitions in en/zh/ja, kinds of communication, severities, kinds of activity;
 * - `GET /api/v1/encounters` → `{encounters}`, newest first (this node's drafts included);
 * - `POST /api/v1/encounters {…report, line?}` → 201 `{encounter}`: submitted to the peer of the
 *   hotline (`line`, or the only one), or kept as a local draft with `draft: true`;
 * - `GET /api/v1/encounters/:id` → `{encounter}`;
 * - `PUT /api/v1/encounters/:id {…report}` → a new version of a draft;
 * - `POST /api/v1/encounters/:id/submit {line?}` → 201 `{encounter}`: a draft submitted;
 * - `POST /api/v1/encounters/:id/consult {}`, `POST /api/v1/encounters/:id/close {outcome}`;
 * - `GET /api/v1/notices` → `{notices}`; `POST /api/v1/notices {…notice, line?, precedence?}` →
 *   201 `{notice}`; `POST /api/v1/notices/:id/withdraw {}`.
 * A report or notice that does not pass its checks gets 400 `invalid-input` naming each field.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  ACTIVITY_KINDS,
  BEHAVIOURS,
  COMMUNICATION_KINDS,
  PLATFORM_KINDS,
  SEVERITIES,
  SEVERITY_PRECEDENCE,
} from '../core/encounter.ts';
import { LINE_ID_PATTERN, PRECEDENCES } from '../core/types.ts';
import { checkReport, type Encounters, InvalidReport } from '../encounters/encounters.ts';
import { checkNotice, type Notices } from '../encounters/notices.ts';
import { ApiError } from './errors.ts';
import { parse, require } from './routes.ts';

export interface EncounterRouteDeps {
  encounters: Encounters;
  notices: Notices;
  nowMs(): number;
}

const idParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not an id') }).strict();
const lineField = z.string().regex(LINE_ID_PATTERN, 'not a line id').optional();
const submitBody = z.object({ line: lineField }).strict();
const closeBody = z.object({ outcome: z.string().trim().min(1, 'say how it ended').max(5000) }).strict();

/** Splits the routing fields (`line`, `precedence`) from the record's own. */
function split(body: unknown): { rest: unknown; line: string | undefined; precedence: unknown } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { rest: body, line: undefined, precedence: undefined };
  const { line, precedence, ...rest } = body as Record<string, unknown>;
  return { rest, line: parse(z.object({ line: lineField }).strict(), { line }).line, precedence };
}

/** Runs a check, turning its field problems into the SEC3 400. */
function checked<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof InvalidReport) {
      throw new ApiError(400, 'invalid-input', error.message, error.fields);
    }
    throw error;
  }
}

export function registerEncounterRoutes(app: FastifyInstance, deps: EncounterRouteDeps): void {
  const { encounters, notices } = deps;

  app.get('/api/v1/encounters/codes', async (request) => {
    require(request, 'line.read');
    return {
      platformKinds: PLATFORM_KINDS,
      behaviours: BEHAVIOURS,
      communicationKinds: COMMUNICATION_KINDS,
      severities: SEVERITIES.map((severity) => ({ severity, precedence: SEVERITY_PRECEDENCE[severity] })),
      activityKinds: ACTIVITY_KINDS,
    };
  });

  app.get('/api/v1/encounters', async (request) => {
    require(request, 'line.read');
    return { encounters: await encounters.list() };
  });

  app.post('/api/v1/encounters', async (request, reply) => {
    const principal = require(request, 'encounter.report');
    const { rest, line } = split(request.body);
    const report = checked(() => checkReport(rest, deps.nowMs()));
    const encounter = report.draft
      ? await encounters.draft(principal.author, report)
      : await encounters.submit(principal.author, report, line);
    return reply.status(201).send({ encounter });
  });

  app.get('/api/v1/encounters/:id', async (request) => {
    require(request, 'line.read');
    const { id } = parse(idParams, request.params);
    const encounter = await encounters.get(id);
    if (!encounter) throw new ApiError(404, 'unknown-encounter', `there is no encounter ${id}`);
    return { encounter };
  });

  app.put('/api/v1/encounters/:id', async (request) => {
    const principal = require(request, 'encounter.report');
    const { id } = parse(idParams, request.params);
    const report = checked(() => checkReport({ ...(request.body as object), draft: true }, deps.nowMs()));
    return { encounter: await encounters.draft(principal.author, report, id) };
  });

  app.post('/api/v1/encounters/:id/submit', async (request, reply) => {
    const principal = require(request, 'encounter.report');
    const { id } = parse(idParams, request.params);
    const body = parse(submitBody, request.body);
    const draft = await encounters.get(id);
    if (!draft) throw new ApiError(404, 'unknown-encounter', `there is no encounter ${id}`);
    if (draft.state !== 'draft') throw new ApiError(409, 'not-a-draft', `${draft.ref} was submitted already`);
    // A draft is checked again: it may have been kept when the time it names was still ahead.
    const report = checked(() => checkReport(draft.report, deps.nowMs()));
    const encounter = await encounters.submit(principal.author, report, body.line, id);
    return reply.status(201).send({ encounter, fromDraft: id });
  });

  app.post('/api/v1/encounters/:id/consult', async (request) => {
    const principal = require(request, 'encounter.report');
    const { id } = parse(idParams, request.params);
    parse(z.object({}).strict(), request.body);
    return { encounter: await encounters.consult(id, principal.author) };
  });

  app.post('/api/v1/encounters/:id/close', async (request) => {
    const principal = require(request, 'encounter.report');
    const { id } = parse(idParams, request.params);
    const body = parse(closeBody, request.body);
    return { encounter: await encounters.close(id, principal.author, body.outcome) };
  });

  app.get('/api/v1/notices', async (request) => {
    require(request, 'line.read');
    return { notices: await notices.list() };
  });

  app.post('/api/v1/notices', async (request, reply) => {
    const principal = require(request, 'notice.issue');
    const { rest, line, precedence } = split(request.body);
    const chosen = parse(z.object({ precedence: z.enum(PRECEDENCES).optional() }).strict(), {
      precedence,
    }).precedence;
    const notice = checked(() => checkNotice(rest));
    return reply.status(201).send({ notice: await notices.issue(principal.author, notice, line, chosen) });
  });

  app.post('/api/v1/notices/:id/withdraw', async (request) => {
    const principal = require(request, 'notice.issue');
    const { id } = parse(idParams, request.params);
    parse(z.object({}).strict(), request.body);
    return { notice: await notices.withdraw(id, principal.author) };
  });
}
