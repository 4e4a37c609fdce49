/**
 * Calls over HTTP (CALL1–CALL3). The console places and answers calls here and posts its WebRTC
 * signals here; the node relays them to the peer node and on to the other console, which gets
 * them on its stream (`{type: "signal"}`), along with every change of a call (`{type: "call"}`).
 *
 * - `GET /api/v1/calls/config` → `{iceServers, iceTransportPolicy, ringTimeoutMs}` (CALL3)
 * - `POST /api/v1/calls {line, media, client, precedence?}` → 201 `{call}`: rings the other desk
 * - `GET /api/v1/calls/live` → `{calls}`: in progress, or ended in the last minute
 * - `POST /api/v1/calls/:id/answer {client}` → `{call}`
 * - `POST /api/v1/calls/:id/hangup {mediaFailed?}` → `{call}`: cancel, decline or hang up
 * - `POST /api/v1/calls/:id/signal {client, to, kind, data}` → 202
 * - `GET /api/v1/calls?line=ID` → `{calls}`: the call log from the record (CALL2), newest first
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CALL_EVENT_TYPES, type CallRecord, foldCallLog } from '../calls/callLog.ts';
import type { Calls } from '../calls/calls.ts';
import { sortLog7 } from '../core/order.ts';
import { LINE_ID_PATTERN, PRECEDENCES } from '../core/types.ts';
import { CALL_MEDIA, MAX_SIGNAL_BYTES } from '../federation/protocol.ts';
import type { Store } from '../store/types.ts';
import { parse, require } from './routes.ts';

/** An ICE server as RTCPeerConnection takes it (CALL3). */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** The ICE configuration a node hands its consoles (CALL3). */
export interface IceConfig {
  iceServers: IceServer[];
  iceTransportPolicy: 'all' | 'relay';
}

export interface CallRouteDeps {
  calls: Calls;
  store: Store;
  ice: IceConfig;
  ringTimeoutMs: number;
}

const clientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'a console id: 8–64 of A-Z, a-z, 0-9, _ and -');
const callParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'not a call id') }).strict();
const startBody = z
  .object({
    line: z.string().regex(LINE_ID_PATTERN, 'not a line id'),
    media: z.enum(CALL_MEDIA),
    client: clientId,
    precedence: z.enum(PRECEDENCES).optional(),
  })
  .strict();
const answerBody = z.object({ client: clientId }).strict();
const hangupBody = z.object({ mediaFailed: z.boolean().optional() }).strict();
const signalBody = z
  .object({
    client: clientId,
    to: clientId,
    kind: z.enum(['offer', 'answer', 'ice']),
    data: z.string().max(MAX_SIGNAL_BYTES),
  })
  .strict();
const logQuery = z
  .object({
    line: z.string().regex(LINE_ID_PATTERN, 'not a line id').optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .strict();

/** The call log of one line, or of every line, from the record (CALL2). */
export async function readCallLog(store: Store, line?: string): Promise<CallRecord[]> {
  const stored = await store.eventsOfTypes(CALL_EVENT_TYPES);
  const events = sortLog7(stored.map((s) => s.event).filter((e) => line === undefined || e.line === line));
  return foldCallLog(events);
}

export function registerCallRoutes(app: FastifyInstance, deps: CallRouteDeps): void {
  const { calls } = deps;

  app.get('/api/v1/calls/config', async (request) => {
    require(request, 'line.read');
    return { ...deps.ice, ringTimeoutMs: deps.ringTimeoutMs };
  });

  app.post('/api/v1/calls', async (request, reply) => {
    const principal = require(request, 'call.make');
    const body = parse(startBody, request.body);
    const call = await calls.start(
      body.line,
      body.media,
      { user: principal.author, client: body.client },
      body.precedence,
    );
    return reply.status(201).send({ call });
  });

  app.get('/api/v1/calls/live', async (request) => {
    require(request, 'line.read');
    return { calls: calls.live() };
  });

  app.post('/api/v1/calls/:id/answer', async (request) => {
    const principal = require(request, 'call.make');
    const { id } = parse(callParams, request.params);
    const body = parse(answerBody, request.body);
    return { call: await calls.answer(id, { user: principal.author, client: body.client }) };
  });

  app.post('/api/v1/calls/:id/hangup', async (request) => {
    const principal = require(request, 'call.make');
    const { id } = parse(callParams, request.params);
    const body = parse(hangupBody, request.body);
    return { call: await calls.hangUp(id, principal.author, body.mediaFailed === true) };
  });

  app.post('/api/v1/calls/:id/signal', async (request, reply) => {
    require(request, 'call.make');
    const { id } = parse(callParams, request.params);
    const body = parse(signalBody, request.body);
    calls.signal(id, body.client, body.to, body.kind, body.data);
    return reply.status(202).send({ relayed: true });
  });

  app.get('/api/v1/calls', async (request) => {
    require(request, 'line.read');
    const query = parse(logQuery, request.query);
    const log = await readCallLog(deps.store, query.line);
    return { calls: log.slice(0, query.limit) };
  });
}
