/**
 * `GET /api/v1/phrasebook` (HOT6): every standard message with its typed parameters and its
 * text in English, Chinese and Japanese, for any signed-in user. The phrasebook's version is
 * in the `phrasebook-version` header, so the answer keeps the shape DESIGN.md gives it.
 */
import type { FastifyInstance } from 'fastify';
import { PHRASEBOOK_VERSION, TEMPLATES } from '../core/phrasebook/render.ts';
import { require } from './routes.ts';

/** Registers the phrasebook route. */
export function registerPhrasebookRoutes(app: FastifyInstance): void {
  const listing = TEMPLATES.map((template) => ({
    id: template.id,
    category: template.category,
    params: template.params,
    text: template.text,
  }));
  app.get('/api/v1/phrasebook', async (request, reply) => {
    require(request, 'line.read');
    void reply.header('phrasebook-version', String(PHRASEBOOK_VERSION));
    return listing;
  });
}
