/**
 * Admin routes for the node's pairings and key (LOG5, FED1), also reached by the CLI through the
 * running node with its admin token:
 *
 * - `POST /api/v1/admin/key/rotate` `{}` → a new signing key, announced by a `key.rotated`
 *   event on every line this node writes on (src/node/keyRotation.ts);
 * - `POST /api/v1/admin/peers/:nodeId/unpair` `{reason?}` → a `peer.unpaired` event on the
 *   hotline with that peer; the hotline closes and the peer's links are refused (src/node/unpairing.ts).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NODE_ID_PATTERN } from '../core/types.ts';
import { RecordError } from '../record/ledger.ts';
import { ApiError, invalidInput } from './errors.ts';
import { require } from './routes.ts';

/** What the routes ask of the node. */
export interface KeyServices {
  rotateKey(author: string): Promise<object>;
  unpair(peer: string, author: string, reason: string | undefined): Promise<object>;
}

const emptyBody = z.object({}).strict();
const unpairParams = z.object({ nodeId: z.string().regex(NODE_ID_PATTERN, 'not a node id') }).strict();
const unpairBody = z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict();

/** Refusals of the pairing services that are conflicts with the node's state, not bad input. */
const CONFLICTS: Record<string, number> = {
  'unknown-node': 404,
  'already-unpaired': 409,
  'shares-lines': 409,
  'rotation-running': 409,
  'line-not-ready': 409,
  'no-lines': 409,
};

async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RecordError && CONFLICTS[error.code] !== undefined)
      throw new ApiError(CONFLICTS[error.code] ?? 409, error.code, error.message);
    throw error;
  }
}

/** Registers the routes; without services (a node without a folder) they answer 503. */
export function registerKeyRoutes(app: FastifyInstance, options: { keys?: KeyServices | undefined }): void {
  const services = (): KeyServices => {
    if (!options.keys) throw new ApiError(503, 'unavailable', 'this node cannot rotate keys or unpair here');
    return options.keys;
  };

  app.post('/api/v1/admin/key/rotate', async (request, reply) => {
    const principal = require(request, 'pairing.manage');
    const parsed = emptyBody.safeParse(request.body ?? {});
    if (!parsed.success) throw invalidInput(parsed.error);
    const result = await mapped(() => services().rotateKey(principal.author));
    request.log.warn({ by: principal.username }, 'admin rotated the signing key');
    return reply.status(201).send(result);
  });

  app.post('/api/v1/admin/peers/:nodeId/unpair', async (request, reply) => {
    const principal = require(request, 'pairing.manage');
    const params = unpairParams.safeParse(request.params ?? {});
    if (!params.success) throw invalidInput(params.error);
    const body = unpairBody.safeParse(request.body ?? {});
    if (!body.success) throw invalidInput(body.error);
    const result = await mapped(() =>
      services().unpair(params.data.nodeId, principal.author, body.data.reason),
    );
    request.log.warn({ by: principal.username, peer: params.data.nodeId }, 'admin unpaired a peer');
    return reply.status(201).send(result);
  });
}
