/**
 * The one source of time (tests inject a fake or an offset clock; nothing else reads Date.now()).
 */

/** Milliseconds since the Unix epoch, as the node believes it. */
export interface Clock {
  now(): number;
}

/** The machine's clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock shifted by `offsetMs` (tests of skewed nodes). */
export function offsetClock(offsetMs: number, base: Clock = systemClock): Clock {
  return { now: () => base.now() + offsetMs };
}

/** A clock that moves only when told to (unit tests). */
export class ManualClock implements Clock {
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  /** Moves the clock forward by `ms`. */
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
}

/** RFC 3339 UTC with milliseconds, as LOG2 requires for `ts`. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
