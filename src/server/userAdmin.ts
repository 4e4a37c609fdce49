/**
 * Managing a node's users (SEC1): list, create, change a role, disable and enable, set a new
 * password. Used by the admin routes (userRoutes.ts) and by `liaison user` on a stopped node's
 * folder; what it does to sessions and the audit log is up to them.
 *
 * Two rules keep a node administrable: the last enabled admin can be neither demoted nor
 * disabled (409 `last-admin`), and nobody demotes or disables themselves (409 `self-lockout`):
 * another admin does it, or the CLI on the node's folder. Changes run one at a time, so two
 * admins demoting each other at once cannot both pass the first rule.
 *
 * A user created here has no second factor and is not exempt: they enrol one at their first
 * sign-in (SEC2, sessions.ts).
 */
import type { Clock } from '../core/clock.ts';
import { isoTime } from '../core/clock.ts';
import type { Language } from '../core/phrasebook/types.ts';
import type { Role } from '../core/types.ts';
import type { Store, UserRecord } from '../store/types.ts';
import { ApiError } from './errors.ts';
import { hashPassword } from './passwords.ts';

/** Shortest password accepted (as `liaison user add`). */
export const MIN_PASSWORD_LENGTH = 8;

/** The user name the CLI's admin token acts as (sessions.ts): no user may take it. */
export const CLI_USER_NAME = 'cli';

/** A user as the admin sees them; never the password hash or the TOTP secret. */
export interface UserView {
  username: string;
  role: Role;
  language: Language;
  disabled: boolean;
  /** `totp`: enrolled; `pending`: enrols at the next sign-in; `exempt`: a demo user without one. */
  secondFactor: 'totp' | 'pending' | 'exempt';
  /** Until when failed sign-ins lock the account (SEC4), or null. */
  lockedUntil: string | null;
  createdAt: string;
}

/** What an admin may change with one PATCH. */
export interface UserChange {
  role?: Role | undefined;
  disabled?: boolean | undefined;
}

/** A new user. */
export interface NewUser {
  username: string;
  role: Role;
  password: string;
  language?: Language | undefined;
}

/** The admin's view of a user. */
export function userView(user: UserRecord): UserView {
  return {
    username: user.username,
    role: user.role,
    language: user.language ?? 'en',
    disabled: user.disabled ?? false,
    secondFactor: user.totpSecret ? 'totp' : user.totpExempt ? 'exempt' : 'pending',
    lockedUntil: user.lockedUntil,
    createdAt: user.createdAt,
  };
}

/** Whether a user can act as an admin. */
function isActiveAdmin(user: UserRecord): boolean {
  return user.role === 'admin' && !user.disabled;
}

export class UserAdmin {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Every user, by name. */
  async list(): Promise<UserView[]> {
    return (await this.store.listUsers()).map(userView);
  }

  /** Creates a user who enrols a second factor at their first sign-in; 409 when the name is taken. */
  create(input: NewUser): Promise<UserRecord> {
    return this.serially(async () => {
      if (input.username === CLI_USER_NAME)
        throw new ApiError(
          409,
          'reserved-name',
          `"${CLI_USER_NAME}" is the name the CLI acts under; choose another`,
        );
      if (await this.store.getUser(input.username))
        throw new ApiError(409, 'user-exists', `there is already a user ${input.username} on this node`);
      const user: UserRecord = {
        username: input.username,
        role: input.role,
        passwordHash: await hashPassword(input.password),
        totpSecret: null,
        totpExempt: false,
        disabled: false,
        createdAt: isoTime(this.clock.now()),
        failedLogins: 0,
        lockedUntil: null,
        language: input.language ?? 'en',
      };
      await this.store.putUser(user);
      return user;
    });
  }

  /**
   * Changes a user's role and whether they are disabled, as `actor` (null for the CLI);
   * returns the user before and after. 404 `unknown-user`, 409 `self-lockout` or `last-admin`.
   */
  update(
    actor: string | null,
    username: string,
    change: UserChange,
  ): Promise<{ before: UserRecord; after: UserRecord }> {
    return this.serially(async () => {
      const before = await this.existing(username);
      const after: UserRecord = {
        ...before,
        role: change.role ?? before.role,
        disabled: change.disabled ?? before.disabled ?? false,
      };
      const losesRights = after.role !== before.role || (after.disabled && !before.disabled);
      if (actor === username && losesRights) {
        throw new ApiError(
          409,
          'self-lockout',
          'you cannot change your own role or disable yourself; another admin can',
        );
      }
      if (isActiveAdmin(before) && !isActiveAdmin(after)) {
        const admins = (await this.store.listUsers()).filter(isActiveAdmin);
        if (admins.length <= 1) {
          throw new ApiError(
            409,
            'last-admin',
            `${username} is the only enabled admin of this node; make another admin first`,
          );
        }
      }
      await this.store.putUser(after);
      return { before, after };
    });
  }

  /** Sets a new password and lifts a lock (SEC4); 404 `unknown-user`. */
  setPassword(username: string, password: string): Promise<UserRecord> {
    return this.serially(async () => {
      const user = await this.existing(username);
      const changed: UserRecord = {
        ...user,
        passwordHash: await hashPassword(password),
        failedLogins: 0,
        lockedUntil: null,
      };
      await this.store.putUser(changed);
      return changed;
    });
  }

  private async existing(username: string): Promise<UserRecord> {
    const user = await this.store.getUser(username);
    if (!user) throw new ApiError(404, 'unknown-user', `there is no user ${username} on this node`);
    return user;
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
