/**
 * One peer link's state as an icon and a word, never colour alone (CON1, FED7), with its
 * round-trip time and queue. A clock that differs from ours by more than FED7's 2 s shows in
 * words too; the hover title gives the state's start, the last heartbeat and the clock offset.
 * While our own node cannot be reached the state shown is only the last one it reported, and
 * says so, rather than keep showing a link "UP" that nobody can vouch for.
 */
import type { LinkState } from '../../../src/core/types.ts';
import type { Peer } from '../api.ts';
import { t } from '../strings.ts';
import { formatDualTime } from '../time.ts';
import { Icon, type IconName } from './Icon.tsx';

const LINK_ICONS: Record<LinkState, IconName> = { up: 'dot', degraded: 'warning', down: 'cross' };

/** FED7: an offset beyond this between two nodes' clocks is an alarm. */
export const CLOCK_SKEW_ALARM_MS = 2000;

/** The peer's display name, falling back to its node id. */
export function peerName(peer: Peer): string {
  return peer.name.length > 0 ? peer.name : peer.nodeId;
}

/** Whether the peer's clock is off ours by more than FED7 allows. */
export function hasClockSkew(peer: Peer): boolean {
  return typeof peer.clockOffsetMs === 'number' && Math.abs(peer.clockOffsetMs) > CLOCK_SKEW_ALARM_MS;
}

/** A clock offset in seconds with its sign, e.g. "+2.4 s". */
export function formatOffset(offsetMs: number): string {
  const seconds = (offsetMs / 1000).toFixed(1);
  return `${offsetMs >= 0 ? '+' : ''}${seconds} s`;
}

function detail(peer: Peer, isStale: boolean): string {
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
  return lines.join('\n');
}

/** Props of `PeerIndicator`. */
export interface PeerIndicatorProps {
  peer: Peer;
  /** True while the stream to our own node is lost, so the state may be out of date. */
  isStale: boolean;
}

/** A peer link in the header. */
export function PeerIndicator({ peer, isStale }: PeerIndicatorProps) {
  const rtt = peer.rttMs === null ? t('link.rttUnknown') : t('link.rtt', { ms: Math.round(peer.rttMs) });
  return (
    <li
      data-testid="peer-state"
      data-state={peer.state}
      className={`peer peer--${peer.state}${isStale ? ' peer--stale' : ''}`}
      title={detail(peer, isStale)}
    >
      <span className="peer__name">{peerName(peer)}</span>{' '}
      <span className="peer__state">
        <Icon name={LINK_ICONS[peer.state]} className="peer__icon" />
        {t(`link.${peer.state}`)}
      </span>{' '}
      {isStale && <span className="peer__detail">{t('link.lastKnown')}</span>}
      <span className="peer__detail">{rtt}</span>
      {peer.queue > 0 && <span className="peer__detail"> {t('link.queue', { count: peer.queue })}</span>}
      {hasClockSkew(peer) && typeof peer.clockOffsetMs === 'number' && (
        <span className="peer__skew">
          <Icon name="warning" className="peer__icon" />
          {t('link.clockSkew', { offset: formatOffset(peer.clockOffsetMs) })}
        </span>
      )}
    </li>
  );
}
