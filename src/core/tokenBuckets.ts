/**
 * Token buckets by key (SEC4): each key may spend `burst` requests at once and earns
 * `perSecond` back, up to `burst` again. The API limits sessions and addresses with them
 * (src/server/rateLimits.ts); the federation link limits a peer's frames
 * (src/federation/frameLimits.ts). Pure: the caller passes the time.
 *
 * Memory stays bounded: a bucket that has filled up again is the same as no bucket, so it is
 * dropped when the map grows past `maxKeys`; if every bucket is still draining, the ones
 * touched longest ago go first.
 */

/** A sustained rate and the burst allowed on top of it. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

/** Keys tracked at most unless the caller says otherwise. */
const DEFAULT_MAX_KEYS = 10_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly limit: RateLimit,
    private readonly maxKeys: number = DEFAULT_MAX_KEYS,
  ) {}

  /**
   * Spends one token of `key` at `nowMs`. Returns 0 when the request may go ahead, otherwise
   * how many milliseconds until a token is back (nothing is spent then).
   */
  take(key: string, nowMs: number): number {
    const bucket = this.refilled(key, nowMs);
    // Re-inserting keeps the map in order of last use, so the idlest key is first.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.trim(nowMs);
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / this.limit.perSecond) * 1000);
  }

  /** How many keys are tracked (for tests of the bound). */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(key: string, nowMs: number): Bucket {
    const held = this.buckets.get(key);
    if (!held) return { tokens: this.limit.burst, updatedAtMs: nowMs };
    const earned = (Math.max(0, nowMs - held.updatedAtMs) / 1000) * this.limit.perSecond;
    return { tokens: Math.min(this.limit.burst, held.tokens + earned), updatedAtMs: nowMs };
  }

  /** Drops full buckets, then the idlest ones, until at most `maxKeys` are left. */
  private trim(nowMs: number): void {
    if (this.buckets.size <= this.maxKeys) return;
    for (const key of [...this.buckets.keys()]) {
      if (this.refilled(key, nowMs).tokens >= this.limit.burst) this.buckets.delete(key);
    }
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= this.maxKeys) break;
      this.buckets.delete(key);
    }
  }
}
