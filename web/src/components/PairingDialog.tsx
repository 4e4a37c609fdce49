/**
 * The Pairing panel (FED1): a modal dialog listing each paired node with the short safety
 * code both consoles show, in large digits, for the two duty officers to read aloud to each
 * other, and the fingerprints of the peer's signing key and TLS certificate for the admins.
 */
import { type ReactNode, useId } from 'react';
import type { Pairing } from '../api.ts';
import { peerName } from '../peerLinks.ts';
import { t } from '../strings.ts';
import { formatDualTime, formatFullTime } from '../time.ts';
import { ModalDialog } from './ModalDialog.tsx';

/** Props of `PairingDialog`. */
export interface PairingDialogProps {
  isOpen: boolean;
  /** Null until the node has answered. */
  pairings: readonly Pairing[] | null;
  /** A failure to read the pairings, in words. */
  error: string | null;
  nowMs: number;
  /** The dialog closed (Esc, the Close button). */
  onClose(): void;
}

function PairingEntry({ pairing, nowMs }: { pairing: Pairing; nowMs: number }) {
  const id = useId();
  const name = peerName(pairing);
  return (
    <li className="pairing__entry" aria-labelledby={`${id}-name`}>
      <h3 id={`${id}-name`} className="pairing__peer">
        {name} <span className="pairing__node-id">({pairing.nodeId})</span>
      </h3>
      <p
        className="safety-code"
        data-testid="safety-code"
        data-peer={pairing.nodeId}
        aria-describedby={`${id}-compare`}
      >
        {pairing.safetyCode}
      </p>
      <p id={`${id}-compare`} className="pairing__compare">
        {t('pairing.compare', { peer: name })}
      </p>
      <dl className="pairing__facts">
        <dt>{t('pairing.keyFingerprint')}</dt>
        <dd className="pairing__fingerprint" data-testid="key-fingerprint">
          {pairing.keyFingerprint}
        </dd>
        <dt>{t('pairing.tlsFingerprint')}</dt>
        <dd className="pairing__fingerprint">{pairing.tlsFingerprint}</dd>
        <dt>{t('pairing.pairedAt')}</dt>
        <dd title={formatFullTime(pairing.pairedAt)}>{formatDualTime(pairing.pairedAt, new Date(nowMs))}</dd>
      </dl>
    </li>
  );
}

/** The Pairing dialog. */
export function PairingDialog({ isOpen, pairings, error, nowMs, onClose }: PairingDialogProps) {
  let body: ReactNode;
  if (pairings === null) {
    body =
      error === null ? <p role="status">{t('pairing.loading')}</p> : <p className="form-error">{error}</p>;
  } else if (pairings.length === 0) {
    body = <p>{t('pairing.none')}</p>;
  } else {
    body = (
      <ul className="pairing__list">
        {pairings.map((pairing) => (
          <PairingEntry key={pairing.nodeId} pairing={pairing} nowMs={nowMs} />
        ))}
      </ul>
    );
  }

  return (
    <ModalDialog
      isOpen={isOpen}
      title={t('pairing.title')}
      intro={t('pairing.intro')}
      testId="pairing-panel"
      onClose={onClose}
    >
      {pairings !== null && error !== null && <p className="form-error">{error}</p>}
      {body}
    </ModalDialog>
  );
}
