/** The dark header: this node, the signed-in user, and one indicator per peer link. */
import type { Me, Peer } from '../api.ts';
import type { Connection } from '../consoleState.ts';
import { t } from '../strings.ts';
import { PeerIndicator } from './PeerIndicator.tsx';

/** Props of `Header`. */
export interface HeaderProps {
  me: Me;
  peers: readonly Peer[];
  /** The stream's health: peer states are only the last known while it is lost. */
  connection: Connection;
  onSignOut(): void;
}

/** The console's header bar. */
export function Header({ me, peers, connection, onSignOut }: HeaderProps) {
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
          <PeerIndicator key={peer.nodeId} peer={peer} isStale={connection === 'lost'} />
        ))}
      </ul>
      <div className="header__user">
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
