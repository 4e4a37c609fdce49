/**
 * The dark header: this node, the signed-in user, one indicator per peer link, and the button
 * that opens the Pairing panel with the safety codes (FED1).
 */
import type { Me, Pairing, Peer } from '../api.ts';
import type { Connection } from '../consoleState.ts';
import { t } from '../strings.ts';
import { PeerIndicator } from './PeerIndicator.tsx';

/** Props of `Header`. */
export interface HeaderProps {
  me: Me;
  peers: readonly Peer[];
  /** The pairings, for each peer's safety code; null until read. */
  pairings: readonly Pairing[] | null;
  /** The stream's health: peer states are only the last known while it is lost. */
  connection: Connection;
  nowMs: number;
  isPairingOpen: boolean;
  onOpenPairing(): void;
  onSignOut(): void;
}

/** The console's header bar. */
export function Header({
  me,
  peers,
  pairings,
  connection,
  nowMs,
  isPairingOpen,
  onOpenPairing,
  onSignOut,
}: HeaderProps) {
  const codeOf = (nodeId: string) =>
    pairings?.find((pairing) => pairing.nodeId === nodeId)?.safetyCode ?? null;
  return (
    <header className="header">
      <div className="header__node">
        <span className="header__brand">{t('app.title')}</span>
        <span className="header__node-name">
          {t('header.node', { name: me.node.name, nodeId: me.node.nodeId })}
        </span>
      </div>
      <ul className="header__peers" aria-label={t('header.peers')}>
        {peers.map((peer) => (
          <PeerIndicator
            key={peer.nodeId}
            peer={peer}
            isStale={connection === 'lost'}
            safetyCode={codeOf(peer.nodeId)}
            nowMs={nowMs}
          />
        ))}
      </ul>
      <div className="header__user">
        <button
          type="button"
          className="button button--header"
          data-testid="pairing-open"
          aria-haspopup="dialog"
          aria-expanded={isPairingOpen}
          onClick={onOpenPairing}
        >
          {t('header.pairing')}
        </button>
        <span>
          {t('header.user', {
            username: me.user.username,
            node: me.user.node,
            role: t(`role.${me.user.role}`),
          })}
        </span>
        <button type="button" className="button button--header" onClick={onSignOut}>
          {t('header.logout')}
        </button>
      </div>
    </header>
  );
}
