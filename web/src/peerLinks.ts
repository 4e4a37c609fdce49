/**
 * What the console says about a peer link beyond its state (FED7): a clock off ours by more
 * than 2 s, the oldest message waiting for the peer, and a recent refusal of the link, for
 * instance a TLS certificate or key that does not match the peer's card (FED2). A refusal is
 * operational news for every role, not only the admin: it explains why messages queue.
 *
 * Pure: the current time is an argument.
 */
import type { LinkRefusal, Peer } from './api.ts';
import { t } from './strings.ts';
import { formatUtcMinute } from './time.ts';

/** FED7: an offset beyond this between two nodes' clocks is an alarm. */
export const CLOCK_SKEW_ALARM_MS = 2000;

/** A refusal is shown for a day: long enough for every watch to see it, short enough to mean now. */
export const REFUSAL_RECENT_MS = 24 * 60 * 60 * 1000;

/**
 * Reasons a node records for a closed link that are not refusals: a heartbeat timeout is an
 * outage, which the link state already shows, and a duplicate connection is routine.
 */
const NOT_REFUSALS: ReadonlySet<string> = new Set(['heartbeat-timeout', 'duplicate-connection']);

/** The peer's display name, falling back to its node id. */
export function peerName(peer: Pick<Peer, 'name' | 'nodeId'>): string {
  return peer.name.length > 0 ? peer.name : peer.nodeId;
}

/** A clock offset in seconds with its sign, e.g. "+2.4 s". */
export function formatOffset(offsetMs: number): string {
  const seconds = (offsetMs / 1000).toFixed(1);
  return t('time.offsetSeconds', { offset: `${offsetMs >= 0 ? '+' : ''}${seconds}` });
}

/**
 * Whether the peer's clock is off ours by more than FED7 allows: the node's own alarm (which
 * stands while the link is down, with no fresh measurement) or the offset it reports now.
 */
export function hasClockSkew(peer: Peer): boolean {
  if (peer.skewAlarm === true) return true;
  return typeof peer.clockOffsetMs === 'number' && Math.abs(peer.clockOffsetMs) > CLOCK_SKEW_ALARM_MS;
}

/** The offset to show for a skewed peer: the measured one, or null when none is measured now. */
export function measuredSkew(peer: Peer): number | null {
  const offset = peer.clockOffsetMs;
  return typeof offset === 'number' && Math.abs(offset) > CLOCK_SKEW_ALARM_MS ? offset : null;
}

/** "CLOCK OFF +2.4 s" in the header, "CLOCK OFF > 2 s" when the alarm stands without a measurement. */
export function describeSkewShort(peer: Peer): string {
  const offset = measuredSkew(peer);
  return offset === null
    ? t('link.clockSkewUnmeasured')
    : t('link.clockSkew', { offset: formatOffset(offset) });
}

/** The clock-skew banner's sentence (HOT2: each side judges deadlines by its own clock). */
export function describeSkewBanner(peer: Peer): string {
  const offset = measuredSkew(peer);
  return offset === null
    ? t('link.bannerClockSkewUnmeasured', { peer: peerName(peer) })
    : t('link.bannerClockSkew', { peer: peerName(peer), offset: formatOffset(offset) });
}

/** The peer's last refusal when it happened within `REFUSAL_RECENT_MS` of `nowMs`, else null. */
export function recentRefusal(peer: Peer, nowMs: number): LinkRefusal | null {
  const refusal = peer.lastRefusal;
  if (refusal === undefined || refusal === null || NOT_REFUSALS.has(refusal.code)) return null;
  const atMs = Date.parse(refusal.at);
  if (Number.isNaN(atMs)) return null;
  // A time ahead of ours is the node's clock against the browser's: recent all the same.
  return nowMs - atMs <= REFUSAL_RECENT_MS ? refusal : null;
}

/** The reason in words: the node's own sentence, or a generic one for a bare code. */
function refusalReason(refusal: LinkRefusal): string {
  const message = refusal.message.trim();
  return message === '' || message === refusal.code ? t('link.refusalCode', { code: refusal.code }) : message;
}

/**
 * "Link refused at 21:04 UTC: the TLS certificate of bravo does not match the fingerprint of
 * its card", or "Link refused by Bravo at …" when the peer refused us.
 */
export function describeRefusal(peer: Peer, refusal: LinkRefusal, nowMs: number): string {
  const time = formatUtcMinute(refusal.at, new Date(nowMs));
  const reason = refusalReason(refusal);
  return refusal.byPeer
    ? t('link.refusedByPeer', { peer: peerName(peer), time, reason })
    : t('link.refused', { time, reason });
}

/** "oldest waiting since 21:02 UTC" when events wait for the peer, else null. */
export function describeOldestWaiting(peer: Peer, nowMs: number): string | null {
  const oldest = peer.oldestQueuedAt;
  if (oldest === undefined || oldest === null || Number.isNaN(Date.parse(oldest))) return null;
  return t('link.oldestWaiting', { time: formatUtcMinute(oldest, new Date(nowMs)) });
}
