/**
 * The admin's user routes (SEC1), permission `node.admin`; the CLI reaches them through the
 * running node with its admin token (`liaison user role|disable|enable`):
 *
 * - `GET /api/v1/admin/users` → `{users: [UserView]}`
 * - `POST /api/v1/admin/users {username, role, password, language?}` → 201 `{user}`; the new
 *   user enrols a second factor at their first sign-in (SEC2)
 * - `PATCH /api/v1/admin/users/:name {role?, disabled?}` → `{user}`; 409 `last-admin` or
 *   `self-lockout` (userAdmin.ts)
 * - `POST /api/v1/admin/users/:name/password {password}` → `{user}`; lifts a lock
 *
 * Disabling a user or setting their password ends every session they have and closes their
 * consoles' streams; a new role counts from their next request (their consoles reconnect).
 * Each change is an audit entry (SEC5, noteAudit).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { LANGUAGES } from '../core/phrasebook/types.ts';
import { ROLES, USER_NAME_PATTERN } from '../core/types.ts';
import { noteAudit } from './auditRoutes.ts';
import { parse, require } from './routes.ts';
import type { Sessions } from './sessions.ts';
import type { StreamHub } from './stream.ts';
import { MIN_PASSWORD_LENGTH, type UserAdmin, userView } from './userAdmin.ts';

/** What the routes need. */
export interface UserRouteServices {
  nodeId: string;
  users: UserAdmin;
  sessions: Sessions;
  /** The consoles' streams, closed for a user whose rights changed; null without a stream. */
  stream: Pick<StreamHub, 'disconnectUser'> | null;
}

const userName = z.string().regex(USER_NAME_PATTERN, '1–64 of a-z, 0-9, ".", "_" and "-"');
const password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(256, 'at most 256 characters');
const createBody = z
  .object({ username: userName, role: z.enum(ROLES), password, language: z.enum(LANGUAGES).optional() })
  .strict();
const nameParams = z.object({ name: userName }).strict();
const patchBody = z
  .object({ role: z.enum(ROLES).optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((body) => body.role !== undefined || body.disabled !== undefined, {
    message: 'give a role, disabled, or both',
  });
const passwordBody = z.object({ password }).strict();

/** Registers the user routes. */
export function registerUserRoutes(app: FastifyInstance, services: UserRouteServices): void {
  const { users, sessions, nodeId } = services;

  /** Ends what a user's sessions may still do: every session, or only what is remembered of them. */
  const cutOff = async (username: string, endSessions: boolean) => {
    if (endSessions) await sessions.logoutEverywhere(username);
    else sessions.forgetUser(username);
    services.stream?.disconnectUser(
      `${username}@${nodeId}`,
      endSessions ? 'session-ended' : 'rights-changed',
    );
  };

  app.get('/api/v1/admin/users', async (request) => {
    require(request, 'node.admin');
    return { users: await users.list() };
  });

  app.post('/api/v1/admin/users', async (request, reply) => {
    require(request, 'node.admin');
    const body = parse(createBody, request.body);
    const user = await users.create(body);
    noteAudit(request, 'user-created', { username: user.username, role: user.role });
    return reply.status(201).send({ user: userView(user) });
  });

  app.patch('/api/v1/admin/users/:name', async (request) => {
    const principal = require(request, 'node.admin');
    const { name } = parse(nameParams, request.params);
    const change = parse(patchBody, request.body);
    const { before, after } = await users.update(principal.username, name, change);
    if (after.role !== before.role) {
      noteAudit(request, 'role-changed', { username: name, from: before.role, to: after.role });
    }
    if (Boolean(after.disabled) !== Boolean(before.disabled)) {
      noteAudit(request, after.disabled ? 'user-disabled' : 'user-enabled', { username: name });
    }
    if (after.disabled && !before.disabled) await cutOff(name, true);
    else if (after.role !== before.role) await cutOff(name, false);
    return { user: userView(after) };
  });

  app.post('/api/v1/admin/users/:name/password', async (request) => {
    require(request, 'node.admin');
    const { name } = parse(nameParams, request.params);
    const body = parse(passwordBody, request.body);
    const user = await users.setPassword(name, body.password);
    noteAudit(request, 'password-changed', { username: name });
    await cutOff(name, true);
    return { user: userView(user) };
  });
}
