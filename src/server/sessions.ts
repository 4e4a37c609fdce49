/**
 * Logins and sessions (SEC2, SEC4): scrypt passwords, TOTP, lockout after repeated failures,
 * bearer tokens that are also set as an httpOnly SameSite=Strict cookie. Only the SHA-256 of
 * a token is stored.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { isoTime } from '../core/clock.ts';
import type { Role } from '../core/types.ts';
import type { Store, UserRecord } from '../store/types.ts';
import { ApiError } from './errors.ts';
import { verifyPassword } from './passwords.ts';
import { verifyTotp } from './totp.ts';

export const SESSION_COOKIE = 'liaison_session';
export const SESSION_TTL_MS = 12 * 3600_000;
/** SEC4: this many failures inside the window lock the account for LOCK_MS. */
export const MAX_FAILED_LOGINS = 10;
export const LOCK_MS = 15 * 60_000;

/** Who is making a request. */
export interface Principal {
  username: string;
  role: Role;
  /** `user@node`, the author of the events this principal appends. */
  author: string;
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export class Sessions {
  private readonly cache = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(
    private readonly store: Store,
    private readonly nodeId: string,
    private readonly clock: Clock,
    /** The token the CLI reads from DATA/admin.token to act through the running node. */
    private readonly adminToken: string,
  ) {}

  /** Checks credentials and opens a session; throws ApiError 401/423 otherwise. */
  async login(
    username: string,
    password: string,
    totp: string | undefined,
  ): Promise<{ token: string; user: Principal }> {
    const now = this.clock.now();
    const user = await this.store.getUser(username);
    if (!user) {
      await verifyPassword(
        password,
        'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      );
      throw new ApiError(401, 'bad-credentials', 'the user name or the password is wrong');
    }
    if (user.lockedUntil && Date.parse(user.lockedUntil) > now) {
      throw new ApiError(
        423,
        'account-locked',
        `too many failed logins; try again after ${user.lockedUntil}`,
      );
    }
    if (!(await verifyPassword(password, user.passwordHash))) {
      await this.fail(user, now);
      throw new ApiError(401, 'bad-credentials', 'the user name or the password is wrong');
    }
    if (user.totpSecret) {
      if (!totp)
        throw new ApiError(401, 'totp-required', 'enter the 6-digit code from your authenticator app');
      if (!verifyTotp(user.totpSecret, totp, now)) {
        await this.fail(user, now);
        throw new ApiError(401, 'bad-totp', 'the authenticator code is wrong or expired');
      }
    }
    if (user.failedLogins > 0 || user.lockedUntil)
      await this.store.putUser({ ...user, failedLogins: 0, lockedUntil: null });
    const token = randomBytes(32).toString('base64url');
    await this.store.putSession({
      tokenHash: tokenHash(token),
      username: user.username,
      createdAt: isoTime(now),
      expiresAt: isoTime(now + SESSION_TTL_MS),
    });
    return { token, user: this.principalOf(user) };
  }

  async logout(token: string): Promise<void> {
    const hash = tokenHash(token);
    this.cache.delete(hash);
    await this.store.deleteSession(hash);
  }

  /** The principal behind a token, or null when it is unknown or expired. */
  async authenticate(token: string): Promise<Principal | null> {
    if (token.length > 200) return null;
    const admin = Buffer.from(this.adminToken);
    const given = Buffer.from(token);
    if (admin.length === given.length && timingSafeEqual(admin, given)) {
      return { username: 'cli', role: 'admin', author: `cli@${this.nodeId}` };
    }
    const hash = tokenHash(token);
    const now = this.clock.now();
    const cached = this.cache.get(hash);
    if (cached && cached.expiresAt > now) return cached.principal;
    const session = await this.store.getSession(hash);
    if (!session || Date.parse(session.expiresAt) <= now) return null;
    const user = await this.store.getUser(session.username);
    if (!user) return null;
    const principal = this.principalOf(user);
    this.cache.set(hash, { principal, expiresAt: Math.min(Date.parse(session.expiresAt), now + 60_000) });
    return principal;
  }

  private principalOf(user: UserRecord): Principal {
    return { username: user.username, role: user.role, author: `${user.username}@${this.nodeId}` };
  }

  private async fail(user: UserRecord, now: number): Promise<void> {
    const failedLogins = user.failedLogins + 1;
    const locked = failedLogins >= MAX_FAILED_LOGINS;
    await this.store.putUser({
      ...user,
      failedLogins: locked ? 0 : failedLogins,
      lockedUntil: locked ? isoTime(now + LOCK_MS) : user.lockedUntil,
    });
  }
}

/** Reads the session token from `Authorization: Bearer …`, the cookie, or `?token=` (WebSocket). */
export function tokenFrom(
  headers: Record<string, string | string[] | undefined>,
  query: unknown,
): string | null {
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim();
  const cookie = headers.cookie;
  if (typeof cookie === 'string') {
    for (const part of cookie.split(';')) {
      const [name, ...rest] = part.trim().split('=');
      if (name === SESSION_COOKIE) return rest.join('=');
    }
  }
  if (query && typeof query === 'object' && 'token' in query && typeof query.token === 'string')
    return query.token;
  return null;
}
