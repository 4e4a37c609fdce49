/**
 * An encounter's workflow state, severity and acknowledgement as icons with words (CON1: never
 * colour alone), for the board's rows and the detail.
 */
import type { AckTone, AckWords } from '../encounters/board.ts';
import type { EncounterState, Severity } from '../encountersApi.ts';
import { t } from '../strings.ts';
import { codeName } from './EncounterFormParts.tsx';
import { Icon, type IconName } from './Icon.tsx';

const STATE_ICONS: Record<EncounterState, IconName> = {
  draft: 'dot',
  submitted: 'hourglass',
  acknowledged: 'check-circle',
  consultation: 'refresh',
  closed: 'check',
};

const SEVERITY_ICONS: Record<Severity, IconName> = {
  critical: 'warning',
  high: 'warning',
  medium: 'dot',
  low: 'dot',
};

const ACK_ICONS: Record<AckTone, IconName> = {
  none: 'dot',
  awaiting: 'hourglass',
  acknowledged: 'check-circle',
  overdue: 'warning',
};

export function EncounterStateLabel({ state }: { state: EncounterState }) {
  return (
    <span
      className={`encounter-state encounter-state--${state}`}
      data-testid="encounter-state"
      data-state={state}
    >
      <Icon name={STATE_ICONS[state]} className="state__icon" />
      {codeName('encounters.state', state)}
    </span>
  );
}

export function SeverityLabel({ severity }: { severity: Severity }) {
  return (
    <span
      className={`encounter-severity encounter-severity--${severity}`}
      data-testid="encounter-severity-label"
    >
      <Icon name={SEVERITY_ICONS[severity]} className="state__icon" />
      {t('encounters.severityLabel', { severity: codeName('encounters.severity', severity) })}
    </span>
  );
}

export function EncounterAckLabel({ words }: { words: AckWords }) {
  return (
    <span
      className={`encounter-ack encounter-ack--${words.tone}`}
      data-testid="encounter-ack"
      data-tone={words.tone}
    >
      <Icon name={ACK_ICONS[words.tone]} className="state__icon" />
      {words.text}
    </span>
  );
}
