/**
 * The reliability report over HTTP (HOT8): `GET /api/v1/reports/reliability?peer=ID&from=ISO&to=ISO`
 * → JSON; `&format=html` → the printable page. The period defaults to the last full calendar
 * month (UTC); `peer` may be left out when this node has a single hotline. Permission
 * `report.read` (docs/SECURITY.md).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type Clock, isoTime } from '../core/clock.ts';
import { NODE_ID_PATTERN } from '../core/types.ts';
import { renderReliabilityHtml } from '../hotline/reliabilityHtml.ts';
import { parsePeriod, reliabilityReport } from '../hotline/reliabilityLoader.ts';
import type { Ledger } from '../record/ledger.ts';
import type { LineRecord, Store } from '../store/types.ts';
import { ApiError, invalidInput } from './errors.ts';
import { require } from './routes.ts';

/** What the report routes use of the node (the app's services satisfy it). */
export interface ReportRouteDeps {
  nodeId: string;
  nodeName: string;
  store: Store;
  ledger: Ledger;
  clock: Clock;
}

/** The printed page allows its own inline styles and nothing else: no scripts, no fetches. */
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";

const reliabilityQuery = z
  .object({
    peer: z.string().regex(NODE_ID_PATTERN, 'not a node id').optional(),
    from: z.string().max(40).optional(),
    to: z.string().max(40).optional(),
    format: z.enum(['json', 'html']).default('json'),
    // The session token may ride in the query (as for the stream), e.g. for a page opened to print.
    token: z.string().max(200).optional(),
  })
  .strict();

/** Registers `GET /api/v1/reports/reliability`. */
export function registerReportRoutes(app: FastifyInstance, deps: ReportRouteDeps): void {
  const { ledger, store } = deps;

  /** The hotline this node shares with `peer` (or its only hotline). */
  const hotlineWith = (peer: string | undefined): { line: LineRecord; peer: string } => {
    const hotlines = ledger
      .listLines()
      .filter((line) => line.kind === 'hotline' && line.members.includes(deps.nodeId))
      .sort((a, b) => a.id.localeCompare(b.id));
    if (peer === undefined) {
      const only = hotlines[0];
      if (hotlines.length !== 1 || !only)
        throw new ApiError(400, 'peer-required', 'name the peer (?peer=ID): this node has several hotlines');
      return { line: only, peer: only.members.find((m) => m !== deps.nodeId) ?? deps.nodeId };
    }
    const line = hotlines.find(
      (l) => l.members.length === 2 && l.members.includes(peer) && peer !== deps.nodeId,
    );
    if (!line) throw new ApiError(404, 'unknown-peer', `this node shares no hotline with ${peer}`);
    return { line, peer };
  };

  app.get('/api/v1/reports/reliability', async (request, reply) => {
    require(request, 'report.read');
    const parsed = reliabilityQuery.safeParse(request.query ?? {});
    if (!parsed.success) throw invalidInput(parsed.error);
    const query = parsed.data;
    const period = parsePeriod(query.from, query.to, deps.clock.now());
    if (!period.ok) throw new ApiError(400, 'bad-period', period.reason);
    const { line, peer } = hotlineWith(query.peer);
    const report = await reliabilityReport(store, line, period.period);
    const header = {
      node: deps.nodeId,
      nodeName: deps.nodeName,
      peer,
      generatedAt: isoTime(deps.clock.now()),
    };
    if (query.format === 'html') {
      return reply
        .header('content-security-policy', REPORT_CSP)
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(renderReliabilityHtml(report, header));
    }
    return { ...header, ...report };
  });
}
