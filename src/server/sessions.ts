/**
 * Logins and sessions (SEC2, SEC4): scrypt passwords, TOTP or a recovery code, enrolment of a
 * second factor for users who have none (secondFactor.ts), lockout after repeated failures,
 * bearer tokens that are also set as an httpOnly SameSite=Strict cookie, signing out of one
 * session or all of a user's. Only the SHA-256 of a token is stored.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { isoTime } from '../core/clock.ts';
import type { Role } from '../core/types.ts';
import type { Store, UserRecord } from '../store/types.ts';
import { ApiError } from './errors.ts';
import { verifyPassword } from './passwords.ts';
import { looksLikeRecoveryCode, SecondFactor } from './secondFactor.ts';
import { totpStep } from './totp.ts';

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
  /** TOTP enrolment and recovery codes (SEC2). */
  readonly secondFactor: SecondFactor;

  /**
   * The TOTP step each user last signed in with (SEC2: no replay). Kept in memory: a restart
   * within the 90 s a code lives forgets it, which the threat model accepts.
   */
  private readonly lastTotpStep = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly nodeId: string,
    private readonly clock: Clock,
    /** The token the CLI reads from DATA/admin.token to act through the running node. */
    private readonly adminToken: string,
  ) {
    this.secondFactor = new SecondFactor(store, nodeId, clock);
  }

  /**
   * Checks credentials and opens a session; throws ApiError 401/423 otherwise. `totp` may also
   * hold a recovery code.
   */
  async login(
    username: string,
    password: string,
    totp: string | undefined,
    recoveryCode?: string,
  ): Promise<{ token: string; user: Principal }> {
    const user = await this.checkCredentials(username, password, totp, recoveryCode);
    return this.openSession(user);
  }

  /**
   * Checks a password and the second factor (SEC2) and returns the user; throws 401/423 and
   * counts the failure towards the lock (SEC4). A user who has no second factor and is not
   * exempt gets 401 `totp-enrolment-required` with an enrolment token.
   */
  async checkCredentials(
    username: string,
    password: string,
    totp: string | undefined,
    recoveryCode?: string,
  ): Promise<UserRecord> {
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
        undefined,
        { lockedUntil: user.lockedUntil },
      );
    }
    if (!(await verifyPassword(password, user.passwordHash))) {
      await this.fail(user, now);
      throw new ApiError(401, 'bad-credentials', 'the user name or the password is wrong');
    }
    // SEC1: said only to whoever knows the password, so it tells a guesser nothing.
    if (user.disabled)
      throw new ApiError(403, 'account-disabled', 'this account is disabled; ask an admin of this node');
    const recovery = recoveryCode ?? (totp && looksLikeRecoveryCode(totp) ? totp : undefined);
    if (user.totpSecret && recovery !== undefined) {
      if (!(await this.secondFactor.redeemRecoveryCode(user.username, recovery))) {
        await this.fail(user, now);
        throw new ApiError(401, 'bad-recovery-code', 'this recovery code is wrong or has already been used');
      }
    } else if (user.totpSecret) {
      if (!totp)
        throw new ApiError(401, 'totp-required', 'enter the 6-digit code from your authenticator app');
      const step = totpStep(user.totpSecret, totp, now);
      if (step === null) {
        await this.fail(user, now);
        throw new ApiError(401, 'bad-totp', 'the authenticator code is wrong or expired');
      }
      // A code signs in once: the same or an earlier step again is a replay.
      if (step <= (this.lastTotpStep.get(user.username) ?? -1)) {
        await this.fail(user, now);
        throw new ApiError(401, 'totp-reused', 'this code was used already; wait for the next one');
      }
      this.lastTotpStep.set(user.username, step);
    } else if (!user.totpExempt) {
      throw new ApiError(
        401,
        'totp-enrolment-required',
        'set up a second factor: scan the code with an authenticator app, then enter the code it shows',
        undefined,
        { ...this.secondFactor.begin(user.username) },
      );
    }
    if (user.failedLogins > 0 || user.lockedUntil) {
      const cleared = { ...user, failedLogins: 0, lockedUntil: null };
      await this.store.putUser(cleared);
      return cleared;
    }
    return user;
  }

  /** Opens a session for a user whose credentials were checked. */
  async openSession(user: UserRecord): Promise<{ token: string; user: Principal }> {
    const now = this.clock.now();
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

  /** Ends every session of a user, on every device (SEC2); returns how many there were. */
  async logoutEverywhere(username: string): Promise<number> {
    for (const [hash, cached] of this.cache)
      if (cached.principal.username === username) this.cache.delete(hash);
    return this.store.deleteSessionsOf(username);
  }

  /**
   * Forgets what this node remembers of a user's sessions, so a changed role counts from the
   * next request (SEC1); the sessions themselves stay.
   */
  forgetUser(username: string): void {
    for (const [hash, cached] of this.cache)
      if (cached.principal.username === username) this.cache.delete(hash);
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
    if (!user || user.disabled) return null;
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
