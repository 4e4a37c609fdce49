/**
 * Call requests over HTTP (HOT7):
 * - `POST /api/v1/call-requests {line, level, topic, urgency, proposedAt?, deadline?}` → 201
 *   `{event, request}`: the signed `call.requested` event and the request as listed (officers,
 *   supervisors, admins: `call.request`);
 * - `GET /api/v1/call-requests?line=ID` → `{requests}`: every request on the node's hotlines (or
 *   on `line`), newest first, each with its state, whose turn it is and what this node may answer;
 * - `POST /api/v1/call-requests/:id/answer {answer, at?, reason?}` → 201 `{event, request}`.
 *
 * Refusals: 400 `invalid-input` with `fields` (a time that has passed or is too far ahead is
 * named by its field), 404 `unknown-line` / `unknown-request`, 409 `not-a-hotline`,
 * `line-closed`, `request-closed`, `not-your-turn`, `time-mismatch`, `time-passed`.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  CALL_ANSWERS,
  CALL_LEVELS,
  CallRequestError,
  type CallRequestListing,
  type CallRequests,
  MAX_REASON_LENGTH,
  MAX_TOPIC_LENGTH,
} from '../calls/requests.ts';
import { LINE_ID_PATTERN, PRECEDENCES } from '../core/types.ts';
import type { StoredEvent } from '../store/types.ts';
import { ApiError, invalidInput } from './errors.ts';
import { require } from './routes.ts';

/** An ISO 8601 instant with its zone: `2026-11-27T14:00:00Z`, `…+09:00`, seconds optional. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const instant = z
  .string()
  .regex(INSTANT, 'not an ISO 8601 time with its zone, e.g. 2026-11-27T14:00:00Z')
  .refine((value) => Number.isFinite(Date.parse(value)), 'not a real time');

const requestBody = z
  .object({
    line: z.string().regex(LINE_ID_PATTERN, 'not a line id'),
    level: z.enum(CALL_LEVELS, { message: `one of ${CALL_LEVELS.join(', ')}` }),
    topic: z.string().trim().min(1, 'a call request needs a topic').max(MAX_TOPIC_LENGTH),
    urgency: z.enum(PRECEDENCES, { message: `one of ${PRECEDENCES.join(', ')}` }),
    proposedAt: instant.optional(),
    deadline: instant.optional(),
  })
  .strict();

const answerBody = z
  .object({
    answer: z.enum(CALL_ANSWERS, { message: `one of ${CALL_ANSWERS.join(', ')}` }),
    at: instant.optional(),
    reason: z.string().trim().max(MAX_REASON_LENGTH).optional(),
  })
  .strict()
  .refine((body) => body.answer !== 'propose' || body.at !== undefined, {
    path: ['at'],
    message: 'a proposal needs the time proposed',
  })
  .refine((body) => body.answer !== 'decline' || body.at === undefined, {
    path: ['at'],
    message: 'a decline names no time',
  });

const listQuery = z.object({ line: z.string().regex(LINE_ID_PATTERN, 'not a line id').optional() }).strict();
const requestParams = z
  .object({ id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'not a request id') })
  .strict();

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw invalidInput(result.error);
  return result.data;
}

const STATUS: Record<CallRequestError['code'], number> = {
  'unknown-line': 404,
  'unknown-request': 404,
  'not-a-hotline': 409,
  'line-closed': 409,
  'request-closed': 409,
  'not-your-turn': 409,
  'time-mismatch': 409,
  'time-passed': 409,
  'invalid-time': 400,
};

/** Runs a request or answer, turning its refusal into the API's error. */
async function refusing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof CallRequestError)) throw error;
    if (error.code === 'invalid-time') {
      const fields = [{ path: error.field ?? '(body)', message: error.message }];
      throw new ApiError(400, 'invalid-input', `${error.field}: ${error.message}`, fields);
    }
    throw new ApiError(STATUS[error.code], error.code, error.message);
  }
}

function created(stored: StoredEvent, request: CallRequestListing | null) {
  return { event: stored.event, request };
}

/** Registers the call request routes on this node's requests. */
export function registerCallRequestRoutes(app: FastifyInstance, requests: CallRequests): void {
  app.get('/api/v1/call-requests', async (request) => {
    require(request, 'line.read');
    const { line } = parse(listQuery, request.query);
    return { requests: await requests.list(line) };
  });

  app.post('/api/v1/call-requests', async (request, reply) => {
    const principal = require(request, 'call.request');
    const body = parse(requestBody, request.body);
    const stored = await refusing(() => requests.request(principal.author, body));
    const listed = await requests.get(stored.event.body.request as string);
    return reply.status(201).send(created(stored, listed));
  });

  app.post('/api/v1/call-requests/:id/answer', async (request, reply) => {
    const principal = require(request, 'call.request');
    const { id } = parse(requestParams, request.params);
    const body = parse(answerBody, request.body);
    const { stored, view } = await refusing(() => requests.answer(id, principal.author, body));
    return reply.status(201).send(created(stored, view));
  });
}
