/**
 * The signed-in user's own settings: `GET /api/v1/me` (who they are, on which node, and the
 * language they read in) and `PATCH /api/v1/me {language}` (HOT6, CON4). Any signed-in user
 * may change their own language, and only their own.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { LANGUAGES, type Language } from '../core/phrasebook/types.ts';
import type { Store } from '../store/types.ts';
import { ApiError, invalidInput } from './errors.ts';
import { require } from './routes.ts';

/** What the routes need. */
export interface MeRouteServices {
  nodeId: string;
  nodeName: string;
  store: Store;
}

const patchMeBody = z
  .object({ language: z.enum(LANGUAGES, { message: `one of ${LANGUAGES.join(', ')}` }) })
  .strict();

/** The language a user reads in; English for one without a record (the CLI's admin token). */
export async function languageOf(store: Store, username: string): Promise<Language> {
  return (await store.getUser(username))?.language ?? 'en';
}

/** Registers `GET` and `PATCH /api/v1/me`. */
export function registerMeRoutes(app: FastifyInstance, services: MeRouteServices): void {
  const { store } = services;

  app.get('/api/v1/me', async (request) => {
    const principal = require(request, 'line.read');
    return {
      user: {
        username: principal.username,
        role: principal.role,
        node: services.nodeId,
        language: await languageOf(store, principal.username),
      },
      node: { nodeId: services.nodeId, name: services.nodeName },
    };
  });

  app.patch('/api/v1/me', async (request) => {
    const principal = require(request, 'line.read');
    const parsed = patchMeBody.safeParse(request.body ?? {});
    if (!parsed.success) throw invalidInput(parsed.error);
    const user = await store.getUser(principal.username);
    if (!user) throw new ApiError(404, 'unknown-user', `${principal.username} has no settings on this node`);
    await store.putUser({ ...user, language: parsed.data.language });
    return {
      user: {
        username: principal.username,
        role: principal.role,
        node: services.nodeId,
        language: parsed.data.language,
      },
      node: { nodeId: services.nodeId, name: services.nodeName },
    };
  });
}
