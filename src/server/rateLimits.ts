/**
 * The API's rate limits (SEC4): every request under `/api/` spends a token of its session (the
 * bearer token or cookie it was authenticated with), or, without a valid session, a token of
 * its address. Past the limit it gets `429 {"error": "rate-limited", "message",
 * "retryAfterSeconds"}` with a `Retry-After` header, and nothing is done.
 *
 * Per session rather than per address for signed-in work, so a desk of several consoles behind
 * one address never slows another; per address for the rest, so a flood of logins or forged
 * tokens is held back where it comes from (the per-account lock and the login limit in
 * loginLimit.ts come on top). The limits are `apiRateLimit` and `apiAddressRateLimit` in the
 * node's configuration (src/node/config.ts), generous enough that a duty desk working flat out
 * never meets them; `/healthz`, `/metrics` and the console's files are not limited.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../core/clock.ts';
import { type RateLimit, TokenBuckets } from '../core/tokenBuckets.ts';
import { tokenFrom } from './sessions.ts';

/** The limits of one node; null turns that limit off. */
export interface ApiRateLimits {
  perSession: RateLimit | null;
  perAddress: RateLimit | null;
  clock: Clock;
}

/** The body of a 429. */
export interface RateLimitedBody {
  error: 'rate-limited';
  message: string;
  retryAfterSeconds: number;
}

/** The key of a session's bucket: the token's hash, so no token is kept in memory twice. */
function sessionKey(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * Adds the limits as an `onRequest` hook. Install it after the hook that authenticates
 * requests (src/server/app.ts), so it knows whether a request carries a valid session.
 */
export function installRateLimits(app: FastifyInstance, limits: ApiRateLimits): void {
  const sessions = limits.perSession ? new TokenBuckets(limits.perSession) : null;
  const addresses = limits.perAddress ? new TokenBuckets(limits.perAddress) : null;
  if (!sessions && !addresses) return;

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    const token = request.principal ? tokenFrom(request.headers, request.query) : null;
    const isSession = token !== null;
    const buckets = isSession ? sessions : addresses;
    if (!buckets) return;
    const waitMs = buckets.take(isSession ? sessionKey(token) : request.ip, limits.clock.now());
    if (waitMs === 0) return;
    const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
    const body: RateLimitedBody = {
      error: 'rate-limited',
      message: `too many requests from this ${isSession ? 'session' : 'address'}; wait ${retryAfterSeconds} s and try again`,
      retryAfterSeconds,
    };
    // An early answer from an async hook: send, then return the reply (Fastify's rule).
    return reply.code(429).header('retry-after', String(retryAfterSeconds)).send(body);
  });
}
