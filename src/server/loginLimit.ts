/**
 * The login rate limit per address (SEC4): after 30 failed logins from one address within a
 * minute, that address gets 429 `too-many-attempts` until the oldest of them is a minute old,
 * whatever account it tries. The per-account lock (sessions.ts) stops guessing one password;
 * this stops trying many accounts from one place. Only failures count, so a desk full of people
 * behind one address signing in at the change of watch never meets it.
 */
import type { Clock } from '../core/clock.ts';
import { ApiError } from './errors.ts';

/** Failed logins one address may make inside the window. */
export const MAX_FAILURES_PER_ADDRESS = 30;
export const FAILURE_WINDOW_MS = 60_000;
/** Addresses tracked at most; past it the ones idle longest are forgotten first. */
const MAX_ADDRESSES = 10_000;

/** The failure codes of a login that count towards the limit. */
const COUNTED_FAILURES = new Set(['bad-credentials', 'bad-totp', 'bad-recovery-code', 'account-locked']);

/** Whether a login's error counts as a failed attempt. */
export function isCountedFailure(error: unknown): boolean {
  return error instanceof ApiError && COUNTED_FAILURES.has(error.code);
}

export class LoginLimiter {
  /** Address → times of its failures inside the window, oldest first. */
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly clock: Clock) {}

  /** Throws 429 `too-many-attempts` (with `retryAfterSeconds`) when the address is over the limit. */
  check(address: string): void {
    const recent = this.recent(address, this.clock.now());
    if (recent.length < MAX_FAILURES_PER_ADDRESS) return;
    const oldest = recent[0] ?? this.clock.now();
    const retryAfterSeconds = Math.max(1, Math.ceil((oldest + FAILURE_WINDOW_MS - this.clock.now()) / 1000));
    throw new ApiError(
      429,
      'too-many-attempts',
      `too many failed sign-ins from this address; wait ${retryAfterSeconds} seconds before trying again`,
      undefined,
      { retryAfterSeconds },
    );
  }

  /** Counts one failed login from the address. */
  recordFailure(address: string): void {
    const now = this.clock.now();
    const recent = this.recent(address, now);
    recent.push(now);
    // Re-inserting keeps the map in order of last failure, so the idlest address is first.
    this.failures.delete(address);
    this.failures.set(address, recent.slice(-MAX_FAILURES_PER_ADDRESS));
    while (this.failures.size > MAX_ADDRESSES) {
      const idlest = this.failures.keys().next();
      if (idlest.done) break;
      this.failures.delete(idlest.value);
    }
  }

  /** The address's failures inside the window. */
  private recent(address: string, now: number): number[] {
    const times = this.failures.get(address) ?? [];
    return times.filter((time) => time > now - FAILURE_WINDOW_MS);
  }
}
