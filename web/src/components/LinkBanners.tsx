/**
 * A banner for every peer link that is not up (FED7): down means messages wait in the queue,
 * which is a technical fault and not the peer's silence (HOT3); the banner says since when
 * the oldest of them waits and, when the link was refused in the last day (a certificate or
 * key that does not match the card, FED2), why. A peer whose clock is off ours by more than
 * FED7 allows gets a banner too: each side judges deadlines by its own clock (HOT2).
 */
import type { Peer } from '../api.ts';
import {
  describeOldestWaiting,
  describeRefusal,
  describeSkewBanner,
  hasClockSkew,
  peerName,
  recentRefusal,
} from '../peerLinks.ts';
import { t } from '../strings.ts';
import { formatUtcTime } from '../time.ts';
import { Icon } from './Icon.tsx';

/** Props of `LinkBanners`. */
export interface LinkBannersProps {
  peers: readonly Peer[];
  nowMs: number;
}

function bannerText(peer: Peer, nowMs: number): string {
  let text: string;
  if (peer.state === 'degraded') text = t('link.bannerDegraded', { peer: peerName(peer) });
  else if (peer.since === null) text = t('link.bannerDownNoTime', { peer: peerName(peer) });
  else
    text = t('link.bannerDown', { peer: peerName(peer), since: formatUtcTime(peer.since, new Date(nowMs)) });
  const oldest = describeOldestWaiting(peer, nowMs);
  return oldest === null ? text : `${text}${t('state.separator')}${oldest}`;
}

/** Banners for links that are down or degraded, and for clocks that disagree. */
export function LinkBanners({ peers, nowMs }: LinkBannersProps) {
  const troubled = peers.filter((peer) => peer.state !== 'up');
  return (
    <>
      {troubled.map((peer) => {
        const refusal = peer.state === 'down' ? recentRefusal(peer, nowMs) : null;
        return (
          <div
            key={peer.nodeId}
            className={`banner banner--link-${peer.state}`}
            role={peer.state === 'down' ? 'alert' : 'status'}
            data-testid="link-banner"
          >
            <Icon name={peer.state === 'down' ? 'cross' : 'warning'} className="banner__icon" />
            <div className="banner__text">
              <p>{bannerText(peer, nowMs)}</p>
              {refusal !== null && (
                <p className="banner__detail" data-testid="link-refusal">
                  {describeRefusal(peer, refusal, nowMs)}
                </p>
              )}
            </div>
          </div>
        );
      })}
      {peers.filter(hasClockSkew).map((peer) => (
        <p
          key={`${peer.nodeId}-clock`}
          className="banner banner--link-degraded"
          role="status"
          data-testid="clock-banner"
        >
          <Icon name="warning" className="banner__icon" />
          {describeSkewBanner(peer)}
        </p>
      ))}
    </>
  );
}
