/**
 * The console's side of the admin's user routes (SEC1) and the audit log (SEC5):
 * `GET|POST /admin/users`, `PATCH /admin/users/:name`, `GET /admin/audit`, and which roles see
 * the Users and Audit panels (docs/SECURITY.md: `node.admin` and `audit.read`).
 */
import type { Language } from '../../src/core/phrasebook/types.ts';
import type { Role } from '../../src/core/types.ts';
import { request } from './api.ts';

/** A user as the admin sees them. */
export interface UserView {
  username: string;
  role: Role;
  language: Language;
  disabled: boolean;
  /** `totp`: enrolled; `pending`: enrols at the next sign-in; `exempt`: a demo user. */
  secondFactor: 'totp' | 'pending' | 'exempt';
  lockedUntil: string | null;
  createdAt: string;
}

/** A new user, as the admin fills it in. */
export interface NewUser {
  username: string;
  role: Role;
  password: string;
  language?: Language;
}

/** One audit entry, newest first. */
export interface AuditEntry {
  seq: number;
  id: string;
  at: string;
  action: string;
  /** `user@node`, or the node id for what the node saw by itself. */
  author: string;
  details: Record<string, unknown>;
}

/** What a read found of the log's chain: whole, or where it breaks. */
export interface AuditChain {
  intact: boolean;
  from: number;
  to: number;
  problem?: { seq: number; problem: 'changed' | 'bad-signature' | 'missing-before' };
}

/** A page of the audit log. */
export interface AuditPage {
  entries: AuditEntry[];
  /** The `before` of the next (older) page, null at the first entry. */
  next: number | null;
  chain: AuditChain;
}

/** Whether a role manages this node's users (`node.admin`). */
export function mayManageUsers(role: Role): boolean {
  return role === 'admin';
}

/** Whether a role reads the audit log (`audit.read`). */
export function mayReadAudit(role: Role): boolean {
  return role === 'admin' || role === 'supervisor';
}

export async function listUsers(): Promise<UserView[]> {
  return (await request<{ users: UserView[] }>('GET', '/admin/users')).users;
}

export async function createUser(user: NewUser): Promise<UserView> {
  return (await request<{ user: UserView }>('POST', '/admin/users', user)).user;
}

export async function changeUser(
  username: string,
  change: { role?: Role; disabled?: boolean },
): Promise<UserView> {
  return (await request<{ user: UserView }>('PATCH', `/admin/users/${encodeURIComponent(username)}`, change))
    .user;
}

export function readAudit(limit: number, before?: number | null): Promise<AuditPage> {
  const cursor = before ? `&before=${before}` : '';
  return request<AuditPage>('GET', `/admin/audit?limit=${limit}${cursor}`);
}
