/**
 * Marking peers' messages seen (HOT3 "seen"): the console tells its node once per message, when
 * the message is on screen in the open line while the page is visible, so the sender learns a
 * person has it in front of them.
 *
 * `SeenMarks` keeps the dedupe: each message is reported at most once per console, unless the
 * report failed for want of an answer (network, 5xx, rate limit), when the next sighting
 * retries. Refusals (403 for a role that may not, 409, 404) are final: asking again would get
 * the same answer.
 */
import type { MessageStatus } from './api.ts';

/** Whether a message still wants a seen mark from this desk: a peer's, neither seen nor acknowledged. */
export function wantsSeenMark(status: MessageStatus, isOwn: boolean): boolean {
  return !isOwn && status.seenAt === null && status.ackedAt === null && status.state !== 'acknowledged';
}

/** Whether a failed report is worth trying again: the node did not really answer. */
export function isRetryableFailure(httpStatus: number): boolean {
  return httpStatus === 0 || httpStatus === 429 || httpStatus >= 500;
}

/** Share of a message, or of the list's viewport, that must show before it counts as seen. */
export const SEEN_SHARE = 0.5;

/** The parts of an IntersectionObserverEntry the seen rule reads. */
export interface Sighting {
  isIntersecting: boolean;
  intersectionRatio: number;
  /** Height of the part of the message on screen, in px. */
  visibleHeight: number;
  /** Height of the list's viewport, in px (null when unknown). */
  viewportHeight: number | null;
}

/**
 * Whether a message is on screen enough to count as seen: half of it, or, for a message taller
 * than the list, enough of it to fill half the list's viewport.
 */
export function isSeenEnough(sighting: Sighting): boolean {
  if (!sighting.isIntersecting) return false;
  if (sighting.intersectionRatio >= SEEN_SHARE) return true;
  return sighting.viewportHeight !== null && sighting.visibleHeight >= sighting.viewportHeight * SEEN_SHARE;
}

/** Messages reported seen, or being reported, by this console. */
export class SeenMarks {
  private readonly claimed = new Set<string>();

  /** True the first time for a message (the caller then reports it), false after. */
  claim(messageId: string): boolean {
    if (this.claimed.has(messageId)) return false;
    this.claimed.add(messageId);
    return true;
  }

  /** Settles a failed report: one that got no real answer may be tried again. */
  failed(messageId: string, httpStatus: number): void {
    if (isRetryableFailure(httpStatus)) this.claimed.delete(messageId);
  }

  /** Whether a message has been claimed (for tests and diagnostics). */
  has(messageId: string): boolean {
    return this.claimed.has(messageId);
  }
}
