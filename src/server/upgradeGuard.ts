/**
 * WebSocket upgrade requests that are refused (SEC3). A request that asks to upgrade leaves
 * Node's HTTP handling: its socket is handed to the route that may upgrade it (the console's
 * stream), and nothing closes it when the node answers with an error instead. Found by the fuzz
 * suite: such a socket stayed open for as long as the client liked, and `app.close()` waited for
 * it forever, so a node could not be stopped. And a handshake the socket library refused was
 * answered with its own text/html, not the envelope.
 *
 * - A handshake that is not one (not GET, not `Upgrade: websocket`, no valid
 *   `Sec-WebSocket-Key`, not version 13) is refused with 400 `bad-websocket-handshake`.
 * - Any answer to an upgrade request that does not upgrade it ends its connection once written.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors.ts';

/** A client's handshake key: 16 random bytes in base64 (RFC 6455 §4.1). */
const HANDSHAKE_KEY = /^[+/0-9A-Za-z]{22}==$/;

/** Whether the request came as an upgrade (Node emitted `upgrade`, not `request`, for it). */
export function isUpgradeRequest(request: FastifyRequest): boolean {
  const connection = request.headers.connection;
  return (
    request.headers.upgrade !== undefined && typeof connection === 'string' && /\bupgrade\b/i.test(connection)
  );
}

/** Why a WebSocket handshake would be refused, or null when the socket library may take it. */
export function handshakeProblem(request: FastifyRequest): string | null {
  if (request.method !== 'GET') return 'a WebSocket is opened with GET';
  if (String(request.headers.upgrade).toLowerCase() !== 'websocket')
    return 'only WebSocket upgrades are served';
  if (!HANDSHAKE_KEY.test(String(request.headers['sec-websocket-key'] ?? '')))
    return 'the Sec-WebSocket-Key header is missing or malformed';
  if (request.headers['sec-websocket-version'] !== '13') return 'only WebSocket version 13 is served';
  return null;
}

/**
 * Ends an upgrade request's connection once its answer is written (the answer did not upgrade it).
 * Called by the hook below, and by app.ts for Fastify's refusals before routing, which skip hooks.
 */
export function closeRefusedUpgrade(request: FastifyRequest, reply: FastifyReply): void {
  if (!isUpgradeRequest(request)) return;
  void reply.header('connection', 'close');
  const socket = request.raw.socket;
  reply.raw.once('finish', () => socket.end(() => socket.destroy()));
}

/** Installs the check of handshakes and the close of refused upgrades. */
export function installUpgradeGuard(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (!isUpgradeRequest(request)) return;
    const problem = handshakeProblem(request);
    if (problem) throw new ApiError(400, 'bad-websocket-handshake', problem);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    closeRefusedUpgrade(request, reply);
    return payload;
  });
}
