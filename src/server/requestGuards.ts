/**
 * What every request and response of the node's HTTP face goes through (SEC2):
 * - CSRF: a state-changing API request (POST, PUT, PATCH, DELETE) that a browser marks as from
 *   another site or origin (`Sec-Fetch-Site: cross-site` or `same-site`) is refused, and one
 *   authenticated by the session cookie alone must come from the console's own page: it carries
 *   `X-Liaison-Request: 1` (which a page elsewhere cannot add without a CORS preflight the node
 *   never grants) or `Sec-Fetch-Site: same-origin`. Otherwise 403 `csrf`. Requests with a
 *   bearer token are exempt: a page elsewhere cannot know the token.
 * - Security headers on every response: no framing, a browsing context of its own, camera and
 *   microphone for this origin only (calls need them), nothing else powerful, and
 *   Strict-Transport-Security when served over HTTPS.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './errors.ts';
import { SESSION_COOKIE } from './sessions.ts';

/** The header the console adds to its API requests. */
export const CONSOLE_REQUEST_HEADER = 'x-liaison-request';

export const PERMISSIONS_POLICY = [
  'camera=(self)',
  'microphone=(self)',
  'display-capture=()',
  'geolocation=()',
  'payment=()',
  'usb=()',
  'serial=()',
  'bluetooth=()',
].join(', ');

/** One year, as HSTS preload lists ask. */
export const HSTS = 'max-age=31536000; includeSubDomains';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Whether the request carries the session cookie and no bearer token. */
function isCookieAuthenticated(request: FastifyRequest): boolean {
  if (header(request, 'authorization')?.startsWith('Bearer ')) return false;
  const cookie = header(request, 'cookie') ?? '';
  return cookie.split(';').some((part) => part.trim().startsWith(`${SESSION_COOKIE}=`));
}

/** Why a request would be a cross-site request forgery, or null when it is not one. */
export function csrfProblem(request: FastifyRequest): string | null {
  if (!STATE_CHANGING.has(request.method) || !request.url.startsWith('/api/')) return null;
  const site = header(request, 'sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site')
    return 'the node refuses changes sent from another site’s page';
  if (!isCookieAuthenticated(request)) return null;
  if (header(request, CONSOLE_REQUEST_HEADER) === '1' || site === 'same-origin') return null;
  return `a request signed in by cookie must come from the console (header ${CONSOLE_REQUEST_HEADER}: 1)`;
}

/** Installs the CSRF check and the security headers on every response. */
export function installRequestGuards(app: FastifyInstance, options: { isHttps: boolean }): void {
  app.addHook('onRequest', async (request) => {
    const problem = csrfProblem(request);
    if (problem) throw new ApiError(403, 'csrf', problem);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    void reply.header('x-frame-options', 'DENY');
    void reply.header('cross-origin-opener-policy', 'same-origin');
    void reply.header('permissions-policy', PERMISSIONS_POLICY);
    if (options.isHttps || request.protocol === 'https') void reply.header('strict-transport-security', HSTS);
    return payload;
  });
}
