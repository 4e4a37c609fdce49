/**
 * Deadlines and escalation over HTTP:
 * - `GET /api/v1/escalation/policies` (line.read) and `PUT …` (escalation.manage): this node's
 *   escalation policies (HOT4), one per precedence, validated whole;
 * - `GET /api/v1/lines/:id/deadlines` (line.read) and `PUT …` (escalation.manage): a line's
 *   acknowledgement deadlines (HOT2); a PUT appends a signed `line.settings` event that every
 *   member holds, so both sides stamp the same deadlines.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { LINE_ID_PATTERN, PRECEDENCES, type Precedence } from '../core/types.ts';
import type { PolicyStore } from '../hotline/escalationPolicies.ts';
import { policiesSchema } from '../hotline/escalationPolicies.ts';
import {
  LINE_SETTINGS_TYPE,
  type LineSettings,
  MAX_DEADLINE_MS,
  MIN_DEADLINE_MS,
} from '../hotline/lineSettings.ts';
import { parseDuration } from '../node/config.ts';
import type { Ledger, Logger } from '../record/ledger.ts';
import type { LineRecord } from '../store/types.ts';
import { ApiError, invalidInput } from './errors.ts';
import { require } from './routes.ts';

/** What the routes use of the node. */
export interface EscalationRouteDeps {
  ledger: Ledger;
  policies: PolicyStore;
  lineSettings: LineSettings;
  logger: Logger;
}

const lineParams = z.object({ id: z.string().regex(LINE_ID_PATTERN, 'not a line id') }).strict();

/** `"10m"`, `"90s"`, `"3h"`: a duration from 1 s to 30 days. */
const duration = z.string().transform((text, context) => {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch {
    context.addIssue({ code: 'custom', message: 'a duration like 90s, 10m or 3h' });
    return z.NEVER;
  }
  if (ms < MIN_DEADLINE_MS || ms > MAX_DEADLINE_MS) {
    context.addIssue({ code: 'custom', message: 'a deadline is from 1s to 30d' });
    return z.NEVER;
  }
  return ms;
});

const deadlinesBody = z
  .object({ FLASH: duration, IMMEDIATE: duration, PRIORITY: duration, ROUTINE: duration })
  .partial()
  .strict();

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw invalidInput(result.error);
  return result.data;
}

export function registerEscalationRoutes(app: FastifyInstance, deps: EscalationRouteDeps): void {
  const { ledger, policies, lineSettings } = deps;

  const sharedLine = (id: string): LineRecord => {
    const line = ledger.getLine(id);
    if (!line || line.kind === 'local') throw new ApiError(404, 'unknown-line', `there is no line ${id}`);
    return line;
  };

  const deadlinesView = (line: LineRecord) => {
    const own = lineSettings.lineDeadlines(line.id);
    return {
      line: line.id,
      deadlinesMs: lineSettings.effective(line.id),
      sources: lineSettings.sources(line.id),
      lineDeadlinesMs: own.deadlines,
      setBy: own.setBy,
      setAt: own.setAt,
    };
  };

  app.get('/api/v1/escalation/policies', async (request) => {
    require(request, 'line.read');
    return policies.policies;
  });

  app.put('/api/v1/escalation/policies', async (request) => {
    const principal = require(request, 'escalation.manage');
    const parsed = parse(policiesSchema, request.body);
    const saved = await policies.save(parsed);
    // SEC5: admin actions are audited locally.
    deps.logger.warn({ by: principal.author, policies: saved }, 'escalation policies changed');
    return saved;
  });

  app.get('/api/v1/lines/:id/deadlines', async (request) => {
    require(request, 'line.read');
    const { id } = parse(lineParams, request.params);
    return deadlinesView(sharedLine(id));
  });

  app.put('/api/v1/lines/:id/deadlines', async (request, reply) => {
    const principal = require(request, 'escalation.manage');
    const { id } = parse(lineParams, request.params);
    const body = parse(deadlinesBody, request.body);
    const line = sharedLine(id);
    const ackDeadlinesMs: Partial<Record<Precedence, number>> = {};
    for (const p of PRECEDENCES) {
      const ms = body[p];
      if (ms !== undefined) ackDeadlinesMs[p] = ms;
    }
    const stored = await ledger.append(line.id, principal.author, LINE_SETTINGS_TYPE, { ackDeadlinesMs });
    return reply.status(201).send({ event: stored.event, ...deadlinesView(line) });
  });
}
