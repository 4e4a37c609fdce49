/**
 * A banner for every peer link that is not up (FED7): down means messages wait in the queue,
 * which is a technical fault and not the peer's silence (HOT3). A peer whose clock is off ours
 * by more than FED7 allows gets a banner too: each side judges deadlines by its own clock (HOT2).
 */
import type { Peer } from '../api.ts';
import { t } from '../strings.ts';
import { formatUtcTime } from '../time.ts';
import { Icon } from './Icon.tsx';
import { formatOffset, hasClockSkew, peerName } from './PeerIndicator.tsx';

/** Props of `LinkBanners`. */
export interface LinkBannersProps {
  peers: readonly Peer[];
}

function bannerText(peer: Peer): string {
  if (peer.state === 'degraded') return t('link.bannerDegraded', { peer: peerName(peer) });
  return peer.since === null
    ? t('link.bannerDownNoTime', { peer: peerName(peer) })
    : t('link.bannerDown', { peer: peerName(peer), since: formatUtcTime(peer.since) });
}

/** Banners for links that are down or degraded. */
export function LinkBanners({ peers }: LinkBannersProps) {
  const troubled = peers.filter((peer) => peer.state !== 'up');
  return (
    <>
      {troubled.map((peer) => (
        <p
          key={peer.nodeId}
          className={`banner banner--link-${peer.state}`}
          role={peer.state === 'down' ? 'alert' : 'status'}
          data-testid="link-banner"
        >
          <Icon name={peer.state === 'down' ? 'cross' : 'warning'} className="banner__icon" />
          {bannerText(peer)}
        </p>
      ))}
      {peers.filter(hasClockSkew).map((peer) => (
        <p
          key={`${peer.nodeId}-clock`}
          className="banner banner--link-degraded"
          role="status"
          data-testid="clock-banner"
        >
          <Icon name="warning" className="banner__icon" />
          {t('link.bannerClockSkew', { peer: peerName(peer), offset: formatOffset(peer.clockOffsetMs ?? 0) })}
        </p>
      ))}
    </>
  );
}
