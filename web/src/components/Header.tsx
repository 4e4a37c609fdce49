/**
 * The dark header: this node, the signed-in user, one indicator per peer link, and the button
 * that open the Pairing panel with the safety codes (FED1), the Drills panel (FED8) and the
 * Video talks panel (CALL5), and the Map of encounters and notified areas (ENC4); the user's
 * name opens the account menu with *Sign out* and *Sign out everywhere* (SEC2). Admins also get
 * the Users panel (SEC1); admins and supervisors the Audit log (SEC5).
 */
import { isLanguage, LANGUAGES, type Language } from '../../../src/core/phrasebook/types.ts';
import type { Me, Pairing, Peer } from '../api.ts';
import type { Connection } from '../consoleState.ts';
import { t } from '../strings.ts';
import { AccountMenu } from './AccountMenu.tsx';
import { PeerIndicator } from './PeerIndicator.tsx';
import { LANGUAGE_NAMES } from './TemplatedText.tsx';

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
  /** Changes the user's language (HOT6); rejects when the node refuses. */
  onChangeLanguage?(language: Language): Promise<void>;
  isDrillsOpen: boolean;
  onOpenDrills(): void;
  /** Opens the Reliability panel (HOT8); absent for roles that may not read the report. */
  onOpenReliability?(): void;
  isReliabilityOpen?: boolean;
  /** Opens the Video talks panel (CALL5). */
  onOpenTalks?(): void;
  isTalksOpen?: boolean;
  /** Opens the Map panel (ENC4). */
  onOpenMap?(): void;
  isMapOpen?: boolean;
  /** Opens the Users panel (SEC1); absent for roles that do not manage users. */
  onOpenUsers?(): void;
  isUsersOpen?: boolean;
  /** Opens the Audit panel (SEC5); absent for roles that do not read the audit log. */
  onOpenAudit?(): void;
  isAuditOpen?: boolean;
  onSignOut(): void;
  /** Ends every session of the user, on every device (SEC2). */
  onSignOutEverywhere?(): void;
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
  onChangeLanguage,
  isDrillsOpen,
  onOpenDrills,
  onOpenReliability,
  isReliabilityOpen = false,
  onOpenTalks,
  isTalksOpen = false,
  onOpenMap,
  isMapOpen = false,
  onOpenUsers,
  isUsersOpen = false,
  onOpenAudit,
  isAuditOpen = false,
  onSignOut,
  onSignOutEverywhere,
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
        {onOpenMap && (
          <button
            type="button"
            className="button button--header"
            data-testid="map-open"
            aria-haspopup="dialog"
            aria-expanded={isMapOpen}
            onClick={onOpenMap}
          >
            {t('map.open')}
          </button>
        )}
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
        <button
          type="button"
          className="button button--header"
          data-testid="drills-open"
          aria-haspopup="dialog"
          aria-expanded={isDrillsOpen}
          onClick={onOpenDrills}
        >
          {t('header.drills')}
        </button>
        {onOpenTalks && (
          <button
            type="button"
            className="button button--header"
            data-testid="talks-open"
            aria-haspopup="dialog"
            aria-expanded={isTalksOpen}
            onClick={onOpenTalks}
          >
            {t('talks.open')}
          </button>
        )}
        {onOpenReliability && (
          <button
            type="button"
            className="button button--header"
            data-testid="reliability-open"
            aria-haspopup="dialog"
            aria-expanded={isReliabilityOpen}
            onClick={onOpenReliability}
          >
            {t('header.reliability')}
          </button>
        )}
        {onOpenUsers && (
          <button
            type="button"
            className="button button--header"
            data-testid="users-open"
            aria-haspopup="dialog"
            aria-expanded={isUsersOpen}
            onClick={onOpenUsers}
          >
            {t('users.open')}
          </button>
        )}
        {onOpenAudit && (
          <button
            type="button"
            className="button button--header"
            data-testid="audit-open"
            aria-haspopup="dialog"
            aria-expanded={isAuditOpen}
            onClick={onOpenAudit}
          >
            {t('audit.open')}
          </button>
        )}
        {onChangeLanguage && (
          <label className="header__language">
            <span className="visually-hidden">{t('header.language')}</span>
            <select
              data-testid="language"
              aria-label={t('header.language')}
              value={me.user.language ?? 'en'}
              onChange={(event) => {
                if (isLanguage(event.target.value))
                  void onChangeLanguage(event.target.value).catch(() => undefined);
              }}
            >
              {LANGUAGES.map((language) => (
                <option key={language} value={language} lang={language}>
                  {LANGUAGE_NAMES[language]}
                </option>
              ))}
            </select>
          </label>
        )}
        <AccountMenu
          label={t('header.user', {
            username: me.user.username,
            node: me.user.node,
            role: t(`role.${me.user.role}`),
          })}
          onSignOut={onSignOut}
          {...(onSignOutEverywhere ? { onSignOutEverywhere } : {})}
        />
      </div>
    </header>
  );
}
