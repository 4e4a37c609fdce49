/**
 * Frame-rate limits on the federation link, per peer (SEC4): a paired peer that sends
 * heartbeats, heads, control or call signalling frames faster than a working node ever does is
 * cut off with close code 4005 `flooding` (src/federation/link.ts), and nothing more of the
 * flood is handled. The buckets outlive a link, so reconnecting does not refill them.
 *
 * What a working node sends, and the limit (sustained per second, burst):
 * - `ping`: one every 5 s (FED7), each a signature to check → 1/s, burst 10;
 * - `heads`: one per connection (FED5), each a scan of what the peer lacks → 1/s, burst 10;
 * - `pong`, `error`: one per ping, one per close (each error is logged) → 10/s, burst 50;
 * - call and talk signalling (`call.*`, `rtc.signal`, `talk.*`, CALL1, CALL5): a call's offer,
 *   answer and a few dozen ICE candidates; a talk multiplies that by its consoles → 100/s,
 *   burst 500.
 *
 * Batches, receipts and blob frames are bounded elsewhere, by what they answer: at most
 * MAX_IN_FLIGHT unanswered batches each way (a peer over twice that is cut off as flooding), a
 * receipt per batch sent, and blob requests by MAX_SERVE_QUEUE and blob chunks by the requests
 * this node made (src/federation/blobs.ts). Frames over MAX_FRAME_BYTES never arrive.
 */
import type { Clock } from '../core/clock.ts';
import { type RateLimit, TokenBuckets } from '../core/tokenBuckets.ts';

/** The kinds of frame that are rate-limited. */
export type LimitedFrameKind = 'heartbeat' | 'heads' | 'control' | 'signalling';

/** The limit of each kind. */
export const FRAME_LIMITS: Record<LimitedFrameKind, RateLimit> = {
  heartbeat: { perSecond: 1, burst: 10 },
  heads: { perSecond: 1, burst: 10 },
  control: { perSecond: 10, burst: 50 },
  signalling: { perSecond: 100, burst: 500 },
};

const KIND_OF_FRAME: Readonly<Record<string, LimitedFrameKind>> = {
  ping: 'heartbeat',
  heads: 'heads',
  pong: 'control',
  error: 'control',
  'call.invite': 'signalling',
  'call.ringing': 'signalling',
  'call.accept': 'signalling',
  'call.end': 'signalling',
  'rtc.signal': 'signalling',
  'talk.join': 'signalling',
  'talk.leave': 'signalling',
  'talk.roster': 'signalling',
};

/** The limited kind of a frame type, or null when this module does not limit it. */
export function limitedKind(frameType: string): LimitedFrameKind | null {
  return Object.hasOwn(KIND_OF_FRAME, frameType) ? (KIND_OF_FRAME[frameType] ?? null) : null;
}

/** Each peer's buckets, one per limited kind; shared by every link of the node. */
export class PeerFrameLimits {
  private readonly buckets: Record<LimitedFrameKind, TokenBuckets>;

  constructor(
    private readonly clock: Clock,
    limits: Record<LimitedFrameKind, RateLimit> = FRAME_LIMITS,
  ) {
    this.buckets = {
      heartbeat: new TokenBuckets(limits.heartbeat, 1000),
      heads: new TokenBuckets(limits.heads, 1000),
      control: new TokenBuckets(limits.control, 1000),
      signalling: new TokenBuckets(limits.signalling, 1000),
    };
  }

  /** Counts one frame from `peer`; returns the kind it overflowed, or null when it is within limits. */
  admit(peer: string, frameType: string): LimitedFrameKind | null {
    const kind = limitedKind(frameType);
    if (kind === null) return null;
    return this.buckets[kind].take(peer, this.clock.now()) === 0 ? null : kind;
  }
}
