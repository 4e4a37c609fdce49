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

/** A clock that moves only when told to (unit tests); timers set with `wakeAt` fire as it moves. */
export class ManualClock implements Clock {
  private readonly timers = new Map<number, { atMs: number; fire: () => void }>();
  private nextTimerId = 1;

  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  /** Moves the clock forward by `ms`, firing the timers that fall due, earliest first. */
  advance(ms: number): void {
    this.set(this.current + ms);
  }
  set(ms: number): void {
    this.current = ms;
    const due = [...this.timers.entries()]
      .filter(([, timer]) => timer.atMs <= ms)
      .sort(([a, x], [b, y]) => x.atMs - y.atMs || a - b);
    for (const [id, timer] of due) {
      // A timer cancelled by an earlier one's callback does not fire.
      if (!this.timers.delete(id)) continue;
      timer.fire();
    }
  }
  /** Registers a timer (see `wakeAt`); returns its cancel function. */
  schedule(atMs: number, fire: () => void): () => void {
    const id = this.nextTimerId++;
    this.timers.set(id, { atMs, fire });
    return () => {
      this.timers.delete(id);
    };
  }
  /** How many timers are waiting (tests). */
  get pendingTimers(): number {
    return this.timers.size;
  }
}

/** The longest a real timer waits before re-reading the clock (setTimeout's limit is ~24.8 days). */
const MAX_TIMER_MS = 3_600_000;

/**
 * Calls `fire` once when `clock` reads `atMs` or later; returns a function that cancels it.
 * A ManualClock fires it when a test moves the clock past `atMs` (no sleeping tests); any other
 * clock uses a real, unref'd timer, re-checked at least hourly so a long wait stays exact.
 */
export function wakeAt(clock: Clock, atMs: number, fire: () => void): () => void {
  if (clock instanceof ManualClock) {
    if (atMs <= clock.now()) {
      let isCancelled = false;
      queueMicrotask(() => {
        if (!isCancelled) fire();
      });
      return () => {
        isCancelled = true;
      };
    }
    return clock.schedule(atMs, fire);
  }
  let timer: ReturnType<typeof setTimeout> | null = null;
  let isCancelled = false;
  const arm = (): void => {
    const waitMs = Math.max(0, Math.min(atMs - clock.now(), MAX_TIMER_MS));
    timer = setTimeout(() => {
      if (isCancelled) return;
      if (clock.now() >= atMs) fire();
      else arm();
    }, waitMs);
    // Node's timers can be unref'd so a pending wake-up never keeps a process alive.
    (timer as { unref?: () => void }).unref?.();
  };
  arm();
  return () => {
    isCancelled = true;
    if (timer) clearTimeout(timer);
  };
}

/** RFC 3339 UTC with milliseconds, as LOG2 requires for `ts`. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
