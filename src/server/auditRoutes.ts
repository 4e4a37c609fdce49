/**
 * The audit log's routes and hooks (SEC5, audit.ts):
 *
 * - `GET /api/v1/admin/audit?limit=&before=` (`audit.read`) → `{entries, next}`, newest first;
 *   `before` is the `next` of the page before (an entry's seq on the local line).
 * - An `onSend` hook writes what a request did before its answer leaves, so a 2xx from an
 *   audited route means its entry is durable: sign-ins and their failures (by reason: bad
 *   password, bad code, locked, disabled, unknown user, rate-limited), sign-outs, second-factor
 *   enrolments, and the admin routes of the table below. Routes of this node's own modules note
 *   their entries with `noteAudit` (userRoutes.ts), since only they know e.g. the role before.
 * - Every request made with the CLI's admin token (`DATA/admin.token`) is an entry too: the
 *   route's own, marked `via: admin-token`, or an `admin-token` entry naming the route.
 *
 * Only what the table or the handler picks goes in: never a password, a code, a token or a
 * recovery code, whatever the request or the answer held.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { JsonObject } from '../core/types.ts';
import type { Store } from '../store/types.ts';
import type { AuditAction, AuditLog, LoginFailure } from './audit.ts';
import { parse, require } from './routes.ts';

/** What the routes and hooks need. */
export interface AuditRouteServices {
  nodeId: string;
  store: Store;
  audit: AuditLog;
}

/** An entry a handler asks to write once its request succeeded. */
interface NotedEntry {
  action: AuditAction;
  details: JsonObject;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Audit entries noted by the handler (`noteAudit`), written if the request succeeds. */
    auditEntries: NotedEntry[] | null;
  }
}

/** Notes an audit entry for this request, written by the hook once it succeeded (SEC5). */
export function noteAudit(request: FastifyRequest, action: AuditAction, details: JsonObject = {}): void {
  request.auditEntries = [...(request.auditEntries ?? []), { action, details }];
}

/** A route's parameters and body as plain records (the handler has already checked them). */
function recordOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The answer's JSON as a record, or an empty one. */
function answerOf(payload: unknown): Record<string, unknown> {
  if (typeof payload !== 'string') return {};
  try {
    return recordOf(JSON.parse(payload));
  } catch {
    return {};
  }
}

/** A setting from a request body, kept whole when small (policies have no secrets). */
function settingsOf(body: unknown): JsonObject {
  const text = JSON.stringify(body ?? {});
  return text.length <= 8192 ? { settings: JSON.parse(text) as JsonObject } : { settingsBytes: text.length };
}

/** A text for the log, or null. */
function textOf(value: unknown): string | null {
  return typeof value === 'string' ? value.slice(0, 200) : null;
}

interface AuditedRoute {
  action: AuditAction;
  details(request: FastifyRequest, answer: Record<string, unknown>): JsonObject;
}

/** Routes of other modules whose success is an audit entry, by `METHOD /route`. */
export const AUDITED_ROUTES: Readonly<Record<string, AuditedRoute>> = {
  'POST /api/v1/auth/logout': { action: 'logout', details: () => ({}) },
  'POST /api/v1/auth/logout-all': { action: 'logout', details: () => ({ everywhere: true }) },
  'POST /api/v1/auth/totp/re-enrol': { action: 'totp-re-enrolment', details: () => ({}) },
  'POST /api/v1/auth/recovery-codes': { action: 'recovery-codes-renewed', details: () => ({}) },
  'POST /api/v1/admin/pair': {
    action: 'pairing-imported',
    details: (_request, answer) => ({ peer: textOf(answer.peer), line: textOf(answer.line) }),
  },
  'POST /api/v1/admin/peers/:nodeId/unpair': {
    action: 'pairing-removed',
    details: (request) => ({
      peer: textOf(recordOf(request.params).nodeId),
      reason: textOf(recordOf(request.body).reason),
    }),
  },
  'POST /api/v1/admin/key/rotate': {
    action: 'key-rotated',
    details: (_request, answer) => ({
      fingerprint: textOf(answer.fingerprint),
      previousFingerprint: textOf(answer.previousFingerprint),
    }),
  },
  'POST /api/v1/lines': {
    action: 'line-created',
    details: (_request, answer) => ({ line: textOf(answer.id), title: textOf(answer.title) }),
  },
  'PUT /api/v1/lines/:id/deadlines': {
    action: 'line-deadlines-changed',
    details: (request) => ({ line: textOf(recordOf(request.params).id), ...settingsOf(request.body) }),
  },
  'PUT /api/v1/lines/:id/call-policy': {
    action: 'call-policy-changed',
    details: (request) => ({ line: textOf(recordOf(request.params).id), ...settingsOf(request.body) }),
  },
  'PUT /api/v1/escalation/policies': {
    action: 'escalation-policy-changed',
    details: (request) => settingsOf(request.body),
  },
  'POST /api/v1/admin/equivocations/:number/resolve': {
    action: 'equivocation-resolved',
    details: (request) => ({
      equivocation: textOf(recordOf(request.params).number),
      resolution: textOf(recordOf(request.body).resolution),
    }),
  },
  'POST /api/v1/admin/rebuild': { action: 'projections-rebuilt', details: () => ({}) },
  'POST /api/v1/admin/release-appends': { action: 'appends-released', details: () => ({}) },
};

const LOGIN_ROUTE = 'POST /api/v1/auth/login';
/** Enrolment confirmed: the user now has a second factor and is signed in (SEC2). */
const ENROLMENT_ROUTE = 'POST /api/v1/auth/totp/confirm';

/** The failure a login's error code stands for; null for answers that are no failure (a code asked for). */
function loginFailureOf(code: string | undefined): LoginFailure | 'bad-credentials' | null {
  switch (code) {
    case 'bad-credentials':
      return 'bad-credentials';
    case 'bad-totp':
    case 'bad-recovery-code':
      return 'bad-code';
    case 'account-locked':
      return 'locked';
    case 'account-disabled':
      return 'disabled';
    case 'too-many-attempts':
    case 'rate-limited':
      return 'rate-limited';
    default:
      return null;
  }
}

const auditQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    before: z.coerce.number().int().min(1).optional(),
  })
  .strict();

/** Registers `GET /api/v1/admin/audit` and the hooks that write the log. */
export function registerAuditRoutes(app: FastifyInstance, services: AuditRouteServices): void {
  const { audit, nodeId, store } = services;
  app.decorateRequest('auditEntries', null);

  app.get('/api/v1/admin/audit', async (request) => {
    require(request, 'audit.read');
    const query = parse(auditQuery, request.query);
    return audit.read(query.limit, query.before);
  });

  /** A sign-in, or its failure with the reason (never the password or the code). */
  const recordLogin = async (request: FastifyRequest, status: number, answer: Record<string, unknown>) => {
    const username = textOf(recordOf(request.body).username);
    if (status < 300) {
      if (username) await audit.record('login', `${username}@${nodeId}`, { address: request.ip });
      return;
    }
    const failure = loginFailureOf(textOf(answer.error) ?? undefined);
    if (failure === null) return;
    if (failure !== 'bad-credentials') {
      await audit.loginFailed(username, failure, request.ip);
      return;
    }
    // One answer for both, so a guesser learns nothing; the log says which it was.
    const isAccount = username !== null && (await store.getUser(username)) !== null;
    await audit.loginFailed(username, isAccount ? 'bad-password' : 'unknown-user', request.ip);
  };

  app.addHook('onSend', async (request, reply, payload) => {
    const route = `${request.method} ${request.routeOptions.url ?? ''}`;
    const status = reply.statusCode;
    if (route === LOGIN_ROUTE) {
      await recordLogin(request, status, answerOf(payload));
      return payload;
    }
    const principal = request.principal;
    const author = principal?.author ?? nodeId;
    const viaAdminToken = principal?.username === 'cli';
    const via: JsonObject = viaAdminToken ? { via: 'admin-token' } : {};
    const isSuccess = status < 400;
    if (isSuccess && route === ENROLMENT_ROUTE) {
      const username = textOf(recordOf(answerOf(payload).user).username);
      if (username) await audit.record('totp-enrolled', `${username}@${nodeId}`, { address: request.ip });
      return payload;
    }
    const noted = request.auditEntries ?? [];
    const audited = AUDITED_ROUTES[route];
    if (isSuccess && noted.length > 0) {
      for (const entry of noted) await audit.record(entry.action, author, { ...entry.details, ...via });
    } else if (isSuccess && audited && principal) {
      await audit.record(audited.action, author, { ...audited.details(request, answerOf(payload)), ...via });
    } else if (viaAdminToken) {
      await audit.record('admin-token', author, { route, status });
    }
    return payload;
  });
}
