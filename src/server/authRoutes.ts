/**
 * Signing in and out, and the second factor (SEC2, SEC4), under `/api/v1/auth`:
 * - `POST login` opens a session (token in the body and an httpOnly SameSite=Strict cookie); a
 *   user who must first enrol a second factor gets 401 `totp-enrolment-required` with an
 *   enrolment token; an address with 30 failures in a minute gets 429 `too-many-attempts`.
 * - `POST totp/enrolment` shows the secret of an enrolment (QR code and text), `POST
 *   totp/confirm` confirms it with one code and signs in with ten recovery codes (shown once).
 * - `POST totp/re-enrol` and `POST recovery-codes` (signed in, with the password and a current
 *   code) start a new enrolment or replace the recovery codes; `GET second-factor` says where
 *   the user stands.
 * - `POST logout` ends this session, `POST logout-all` every session of the user.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import type { Store, UserRecord } from '../store/types.ts';
import { ApiError } from './errors.ts';
import { isCountedFailure, LoginLimiter } from './loginLimit.ts';
import { parse } from './routes.ts';
import { type Principal, SESSION_COOKIE, SESSION_TTL_MS, type Sessions, tokenFrom } from './sessions.ts';

/** What the routes need. */
export interface AuthRouteServices {
  nodeId: string;
  store: Store;
  sessions: Sessions;
  clock: Clock;
  /** Whether the console is served over HTTPS (decides the cookie's Secure flag). */
  isHttps: boolean;
}

const TOKEN = z.string().min(16).max(200);
const PASSWORD = z.string().min(1).max(256);
/** A 6-digit TOTP code, or in `totp` also a recovery code `XXXX-XXXX-XXXX-XXXX`. */
const CODE = z.string().max(32);

const loginBody = z
  .object({
    username: z.string().min(1).max(64),
    password: PASSWORD,
    totp: CODE.optional(),
    recoveryCode: CODE.optional(),
  })
  .strict();
const enrolmentBody = z.object({ enrolmentToken: TOKEN }).strict();
const confirmBody = z
  .object({ enrolmentToken: TOKEN, code: z.string().regex(/^\d{6}$/, 'the 6-digit code from the app') })
  .strict();
const reauthBody = z
  .object({ password: PASSWORD, totp: CODE.optional(), recoveryCode: CODE.optional() })
  .strict();

/** The principal of a signed-in request, whatever the role. */
function signedIn(request: FastifyRequest): Principal {
  if (!request.principal)
    throw new ApiError(401, 'unauthenticated', 'log in first (missing or expired session)');
  return request.principal;
}

/** The session token a request carries (bearer header first, then the cookie). */
function ownToken(request: FastifyRequest): string | null {
  return tokenFrom(request.headers, {});
}

export function registerAuthRoutes(app: FastifyInstance, services: AuthRouteServices): void {
  const { store, sessions } = services;
  const limiter = new LoginLimiter(services.clock);

  const setCookie = (reply: FastifyReply, token: string) => {
    const secure = services.isHttps ? '; Secure' : '';
    void reply.header(
      'set-cookie',
      `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_TTL_MS / 1000}${secure}`,
    );
  };
  const clearCookie = (reply: FastifyReply) => {
    void reply.header('set-cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
  };

  /** Runs a credential check under the address's rate limit, counting its failure (SEC4). */
  const limited = async <T>(
    request: FastifyRequest,
    reply: FastifyReply,
    check: () => Promise<T>,
  ): Promise<T> => {
    try {
      limiter.check(request.ip);
    } catch (error) {
      if (error instanceof ApiError && error.details?.retryAfterSeconds !== undefined)
        void reply.header('retry-after', String(error.details.retryAfterSeconds));
      throw error;
    }
    try {
      return await check();
    } catch (error) {
      if (isCountedFailure(error)) limiter.recordFailure(request.ip);
      throw error;
    }
  };

  /** The signed-in answer: the session's token and who the user is. */
  const signedInAnswer = async (reply: FastifyReply, user: UserRecord) => {
    const { token, user: principal } = await sessions.openSession(user);
    setCookie(reply, token);
    // The language is read here, not kept in the session, so a change (PATCH /me) shows at once.
    const language = (await store.getUser(principal.username))?.language ?? 'en';
    return {
      token,
      user: { username: principal.username, role: principal.role, node: services.nodeId, language },
    };
  };

  app.post('/api/v1/auth/login', async (request, reply) => {
    const body = parse(loginBody, request.body);
    const user = await limited(request, reply, () =>
      sessions.checkCredentials(body.username, body.password, body.totp, body.recoveryCode),
    );
    return signedInAnswer(reply, user);
  });

  app.post('/api/v1/auth/logout', async (request, reply) => {
    const token = ownToken(request);
    if (token) await sessions.logout(token);
    clearCookie(reply);
    return { ok: true };
  });

  app.post('/api/v1/auth/logout-all', async (request, reply) => {
    const principal = signedIn(request);
    const ended = await sessions.logoutEverywhere(principal.username);
    clearCookie(reply);
    return { ok: true, ended };
  });

  app.post('/api/v1/auth/totp/enrolment', async (request) => {
    const body = parse(enrolmentBody, request.body);
    return sessions.secondFactor.details(body.enrolmentToken);
  });

  app.post('/api/v1/auth/totp/confirm', async (request, reply) => {
    const body = parse(confirmBody, request.body);
    const { user, recoveryCodes } = await sessions.secondFactor.confirm(body.enrolmentToken, body.code);
    return { ...(await signedInAnswer(reply, user)), recoveryCodes };
  });

  app.post('/api/v1/auth/totp/re-enrol', async (request, reply) => {
    const principal = signedIn(request);
    const body = parse(reauthBody, request.body);
    await limited(request, reply, () =>
      sessions.checkCredentials(principal.username, body.password, body.totp, body.recoveryCode),
    );
    return sessions.secondFactor.begin(principal.username);
  });

  app.post('/api/v1/auth/recovery-codes', async (request, reply) => {
    const principal = signedIn(request);
    const body = parse(reauthBody, request.body);
    const user = await limited(request, reply, () =>
      sessions.checkCredentials(principal.username, body.password, body.totp, body.recoveryCode),
    );
    if (!user.totpSecret) {
      throw new ApiError(
        409,
        'no-second-factor',
        'recovery codes go with an authenticator app: enrol one first',
      );
    }
    return { recoveryCodes: await sessions.secondFactor.renewRecoveryCodes(user.username) };
  });

  app.get('/api/v1/auth/second-factor', async (request) => {
    const principal = signedIn(request);
    const user = await store.getUser(principal.username);
    const totp = user?.totpSecret ? 'enrolled' : user?.totpExempt ? 'exempt' : 'not-enrolled';
    return { totp, recoveryCodesLeft: await sessions.secondFactor.recoveryCodesLeft(principal.username) };
  });
}
