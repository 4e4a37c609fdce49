/**
 * Admin routes for node operations that the CLI sends to a running node with its admin token:
 * `POST /api/v1/admin/release-appends` ends the hold a restored node keeps on its own appends
 * (LOG9) before its peers have returned its latest events — for a node whose peers are gone.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { invalidInput } from './errors.ts';
import { require } from './routes.ts';

export interface AdminServices {
  /** Ends the hold on appends; says whether there was one, and why. */
  releaseAppends(): Promise<{ wasHeld: boolean; reason: string | null }>;
}

const emptyBody = z.object({}).strict();

export function registerAdminRoutes(app: FastifyInstance, services: AdminServices): void {
  app.post('/api/v1/admin/release-appends', async (request) => {
    require(request, 'node.admin');
    const parsed = emptyBody.safeParse(request.body ?? {});
    if (!parsed.success) throw invalidInput(parsed.error);
    const result = await services.releaseAppends();
    request.log.warn({ by: request.principal?.username, ...result }, 'admin released appends');
    return result;
  });
}
