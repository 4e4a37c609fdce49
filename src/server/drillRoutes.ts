/**
 * Drills over HTTP (FED8): `GET /api/v1/drills?line=ID&limit=N` shows the latest drills with
 * their answers and round trips, computed from the record; `POST /api/v1/drills {line}` runs a
 * drill now on a hotline (duty officers and tests).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import { LINE_ID_PATTERN } from '../core/types.ts';
import { listDrills, sendDrill } from '../federation/drills.ts';
import type { Ledger } from '../record/ledger.ts';
import type { LineRecord, Store } from '../store/types.ts';
import { ApiError, invalidInput } from './errors.ts';
import { require } from './routes.ts';

/** What the drill routes use of the node (the app's services satisfy it). */
export interface DrillRouteDeps {
  nodeId: string;
  store: Store;
  ledger: Ledger;
  clock: Clock;
  /** Whether a line was closed by unpairing (FED1); no drill runs there. */
  hotline?: { isLineClosed: ((line: string) => boolean) | null };
}

const drillsQuery = z
  .object({
    line: z.string().regex(LINE_ID_PATTERN, 'not a line id').optional(),
    limit: z.coerce.number().int().min(1).max(200).default(20),
  })
  .strict();
const runDrillBody = z.object({ line: z.string().regex(LINE_ID_PATTERN, 'not a line id') }).strict();

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw invalidInput(result.error);
  return result.data;
}

export function registerDrillRoutes(app: FastifyInstance, deps: DrillRouteDeps): void {
  const { ledger, store } = deps;

  const hotline = (id: string): LineRecord => {
    const line = ledger.getLine(id);
    if (!line || line.kind === 'local') throw new ApiError(404, 'unknown-line', `there is no line ${id}`);
    if (line.kind !== 'hotline')
      throw new ApiError(409, 'not-a-hotline', `${id} is not a hotline: drills run on hotlines`);
    return line;
  };

  app.get('/api/v1/drills', async (request) => {
    require(request, 'line.read');
    const query = parse(drillsQuery, request.query);
    const lines = query.line
      ? [hotline(query.line).id]
      : ledger
          .listLines()
          .filter((l) => l.kind === 'hotline')
          .map((l) => l.id)
          .sort();
    return listDrills(store, lines, { limit: query.limit, now: deps.clock.now(), selfId: deps.nodeId });
  });

  app.post('/api/v1/drills', async (request, reply) => {
    const principal = require(request, 'message.send');
    const { line } = parse(runDrillBody, request.body);
    const target = hotline(line).id;
    if (deps.hotline?.isLineClosed?.(target))
      throw new ApiError(409, 'line-closed', `line ${target} is closed: the pairing with its peer was ended`);
    const stored = await sendDrill(ledger, target, principal.author);
    return reply.status(201).send(stored.event);
  });
}
