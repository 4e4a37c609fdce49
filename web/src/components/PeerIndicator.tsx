/**
 * One peer link's state as an icon and a word, never colour alone (CON1, FED7), with its
 * round-trip time, its queue and how long the oldest message in it has waited. A clock that
 * differs from ours by more than FED7's 2 s shows in words too, and so does a link refused in
 * the last day (a certificate or key that does not match the card, FED2), under the peer. The
 * hover title gives the state's start, the last heartbeat, the clock offset and the pairing's
 * safety code (FED1). While our own node cannot be reached the state shown is only the last
 * one it reported, and says so, rather than keep showing a link "UP" that nobody can vouch for.
 */
import type { LinkState } from '../../../src/core/types.ts';
import type { Peer } from '../api.ts';
import {
  describeOldestWaiting,
  describeRefusal,
  describeSkewShort,
  formatOffset,
  hasClockSkew,
  peerName,
  recentRefusal,
} from '../peerLinks.ts';
import { t } from '../strings.ts';
import { formatDualTime, formatFullTime } from '../time.ts';
import { Icon, type IconName } from './Icon.tsx';

const LINK_ICONS: Record<LinkState, IconName> = { up: 'dot', degraded: 'warning', down: 'cross' };

function detail(peer: Peer, isStale: boolean, safetyCode: string | null, nowMs: number): string {
  const lines = [t('link.label', { peer: peerName(peer), state: t(`link.${peer.state}`) })];
  if (isStale) lines.push(t('link.lastKnownTitle'));
  if (peer.since !== null) lines.push(t('link.since', { time: formatDualTime(peer.since) }));
  lines.push(
    peer.lastHeartbeatAt === null
      ? t('link.noHeartbeat')
      : t('link.lastHeartbeat', { time: formatDualTime(peer.lastHeartbeatAt) }),
  );
  if (typeof peer.clockOffsetMs === 'number') {
    lines.push(t('link.clockOffset', { offset: formatOffset(peer.clockOffsetMs) }));
  }
  const oldest = describeOldestWaiting(peer, nowMs);
  if (oldest !== null && typeof peer.oldestQueuedAt === 'string') {
    lines.push(
      t('link.queueWithOldest', { queue: t('link.queue', { count: peer.queue }), oldest }),
      formatFullTime(peer.oldestQueuedAt),
    );
  }
  if (safetyCode !== null) lines.push(t('link.safetyCode', { code: safetyCode }));
  return lines.join('\n');
}

/** Props of `PeerIndicator`. */
export interface PeerIndicatorProps {
  peer: Peer;
  /** True while the stream to our own node is lost, so the state may be out of date. */
  isStale: boolean;
  /** The pairing's safety code (FED1), once known. */
  safetyCode: string | null;
  nowMs: number;
}

/** A peer link in the header. */
export function PeerIndicator({ peer, isStale, safetyCode, nowMs }: PeerIndicatorProps) {
  const rtt = peer.rttMs === null ? t('link.rttUnknown') : t('link.rtt', { ms: Math.round(peer.rttMs) });
  const oldest = describeOldestWaiting(peer, nowMs);
  const refusal = recentRefusal(peer, nowMs);
  return (
    <li
      data-testid="peer-state"
      data-state={peer.state}
      className={`peer peer--${peer.state}${isStale ? ' peer--stale' : ''}`}
      title={detail(peer, isStale, safetyCode, nowMs)}
    >
      <span className="peer__name">{peerName(peer)}</span>{' '}
      <span className="peer__state">
        <Icon name={LINK_ICONS[peer.state]} className="peer__icon" />
        {t(`link.${peer.state}`)}
      </span>{' '}
      {isStale && <span className="peer__detail">{t('link.lastKnown')}</span>}
      {peer.unpaired === true && (
        <span className="peer__refusal" data-testid="peer-unpaired">
          <Icon name="cross" className="peer__icon" />
          {t('link.unpaired')}
        </span>
      )}
      <span className="peer__detail">{rtt}</span>
      {peer.queue > 0 && (
        <span className="peer__detail" data-testid="peer-queue">
          {' '}
          {oldest === null
            ? t('link.queue', { count: peer.queue })
            : t('link.queueWithOldest', { queue: t('link.queue', { count: peer.queue }), oldest })}
        </span>
      )}
      {hasClockSkew(peer) && (
        <span className="peer__skew">
          <Icon name="warning" className="peer__icon" />
          {describeSkewShort(peer)}
        </span>
      )}
      {refusal !== null && (
        <span className="peer__refusal" data-testid="peer-refusal" title={formatFullTime(refusal.at)}>
          <Icon name="cross" className="peer__icon" />
          {describeRefusal(peer, refusal, nowMs)}
        </span>
      )}
    </li>
  );
}
