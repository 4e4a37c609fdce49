/**
 * An encounter's dossier over HTTP (ENC5, ENC2):
 * `GET /api/v1/encounters/:id/dossier?format=jsonl|html|pdf&lang=en|zh|ja` (permission
 * `record.export`):
 * - `jsonl` → the export (LOG12) of the encounter's thread and its hotline, whole, up to the heads
 *   held now, for `liaison verify`;
 * - `html` (the default) → the printable page in the reader's language (`lang`, else the user's);
 * - `pdf` → the same page printed by Chromium on A4; 503 `pdf-unavailable` when this node cannot.
 * Every format carries `x-dossier-sha256`: the SHA-256 of the JSONL export it was made from,
 * which the page and the PDF print. 404 `unknown-encounter`; 409 `not-submitted` for a draft.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { LANGUAGES } from '../core/phrasebook/types.ts';
import { buildDossier, type DossierSources, dossierEncounter, exportDossier } from '../encounters/dossier.ts';
import { renderDossierHtml } from '../encounters/dossierHtml.ts';
import { DossierPrinter, PdfUnavailable } from '../encounters/dossierPdf.ts';
import { ApiError } from './errors.ts';
import { languageOf } from './meRoutes.ts';
import { parse, require } from './routes.ts';

export interface DossierRouteDeps extends DossierSources {
  /** Prints PDFs; by default Debian's Chromium, launched at the first PDF and closed with the app. */
  printer?: DossierPrinter;
}

/** The printed page allows its own inline styles and nothing else: no scripts, no fetches. */
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";

const dossierParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not an id') }).strict();
const dossierQuery = z
  .object({
    format: z.enum(['jsonl', 'html', 'pdf'], { message: 'jsonl, html or pdf' }).default('html'),
    lang: z.enum(LANGUAGES, { message: `one of ${LANGUAGES.join(', ')}` }).optional(),
    // The session token may ride in the query (as for the stream), for a page opened to print.
    token: z.string().max(200).optional(),
  })
  .strict();

/** A file name from an encounter's reference (a peer's reference may hold any character). */
function fileName(ref: string, extension: string): string {
  return `dossier-${ref.replace(/[^A-Za-z0-9_-]/g, '_')}.${extension}`;
}

export function registerDossierRoutes(app: FastifyInstance, deps: DossierRouteDeps): void {
  const printer = deps.printer ?? new DossierPrinter();
  app.addHook('onClose', async () => printer.close());

  app.get('/api/v1/encounters/:id/dossier', async (request, reply) => {
    const principal = require(request, 'record.export');
    const { id } = parse(dossierParams, request.params);
    const query = parse(dossierQuery, request.query);
    void reply.header('cache-control', 'no-store');

    if (query.format === 'jsonl') {
      const encounter = await dossierEncounter(deps, id);
      const exported = await exportDossier(deps, encounter);
      return reply
        .header('x-dossier-sha256', exported.sha256)
        .header('content-disposition', `attachment; filename="${fileName(encounter.ref, 'jsonl')}"`)
        .type('application/x-ndjson; charset=utf-8')
        .send(exported.jsonl);
    }

    const language = query.lang ?? (await languageOf(deps.store, principal.username));
    const { exported, content } = await buildDossier(deps, id, language, principal.author);
    const html = renderDossierHtml(content);
    void reply.header('x-dossier-sha256', exported.sha256);
    if (query.format === 'html') {
      return reply.header('content-security-policy', PAGE_CSP).type('text/html; charset=utf-8').send(html);
    }
    let pdf: Buffer;
    try {
      pdf = await printer.print(html, content.encounter.ref);
    } catch (error) {
      if (error instanceof PdfUnavailable) throw new ApiError(503, 'pdf-unavailable', error.message);
      throw error;
    }
    return reply
      .header('content-disposition', `inline; filename="${fileName(content.encounter.ref, 'pdf')}"`)
      .type('application/pdf')
      .send(pdf);
  });
}
