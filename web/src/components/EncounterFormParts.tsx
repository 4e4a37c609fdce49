/**
 * Parts of the encounter report form (ENC1): a field's problem under it (`field-error`, with the
 * field's path in `data-field`), the rows of platforms on each side (kind from the domain's
 * pick-list, name, hull or tail number by domain, call sign, optional position, course and
 * speed), and the rows of on-scene communications (kind, what was said, answered or not).
 */

import type { FieldIssue } from '../../../src/core/encounter.ts';
import { formatPositionDM, parsePosition } from '../../../src/core/geo.ts';
import {
  type CommunicationRow,
  emptyCommunication,
  emptyPlatform,
  fieldProblemText,
  type PlatformRow,
  type PlatformSide,
  problemsAt,
} from '../encounters/formState.ts';
import type { Domain } from '../encountersApi.ts';
import { STRING_TABLES, type StringKey, t } from '../strings.ts';
import { FieldErrorList } from './FieldErrorList.tsx';

/** The words of a code (`encounters.kind.destroyer`), or the code itself when there are none. */
export function codeName(prefix: string, code: string): string {
  const key = `${prefix}.${code}`;
  return key in STRING_TABLES.en ? t(key as StringKey) : code;
}

/** The problems of the fields at `paths`, each in the reader's language. */
export function FieldErrors({
  problems,
  paths,
}: {
  problems: readonly FieldIssue[];
  paths: readonly string[];
}) {
  return (
    <FieldErrorList problems={paths.flatMap((path) => problemsAt(problems, path))} text={fieldProblemText} />
  );
}

/** Props of `PositionPreview`. */
export interface PositionPreviewProps {
  text: string;
  testId: string;
  /** Whether the field already shows its problem (then the preview shows only a good reading). */
  hasFieldError: boolean;
}

/** What a position typed so far reads as, in degrees and minutes, or its problem. */
export function PositionPreview({ text, testId, hasFieldError }: PositionPreviewProps) {
  if (text.trim() === '') return null;
  const parsed = parsePosition(text);
  if (!parsed.ok && hasFieldError) return null;
  return (
    <span
      className={
        parsed.ok ? 'encounter-form__preview' : 'encounter-form__preview encounter-form__preview--bad'
      }
      data-testid={testId}
      data-ok={parsed.ok ? 'true' : 'false'}
    >
      {parsed.ok
        ? t('encounters.form.positionReads', { position: formatPositionDM(parsed.position) })
        : fieldProblemText({ path: 'position', message: parsed.message })}
    </span>
  );
}

/** Props of `PlatformRows`. */
export interface PlatformRowsProps {
  side: PlatformSide;
  domain: Domain;
  rows: readonly PlatformRow[];
  /** The domain's kinds, from the codes route. */
  kinds: readonly string[];
  problems: readonly FieldIssue[];
  onChange(rows: PlatformRow[]): void;
}

const SIDE_PREFIX: Record<PlatformSide, string> = { ownPlatforms: 'own', otherPlatforms: 'other' };

/** The platforms of one side, one row each, with Add and Remove. */
export function PlatformRows({ side, domain, rows, kinds, problems, onChange }: PlatformRowsProps) {
  const prefix = SIDE_PREFIX[side];
  const update = (index: number, patch: Partial<PlatformRow>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  const markLabel = domain === 'sea' ? t('encounters.form.hull') : t('encounters.form.tail');
  return (
    <fieldset className="encounter-form__platforms" data-testid={`encounter-${prefix}-platforms`}>
      <legend>
        {side === 'ownPlatforms' ? t('encounters.form.ownPlatforms') : t('encounters.form.otherPlatforms')}
      </legend>
      {rows.map((row, index) => {
        const path = `${side}.${index}`;
        const testId = (field: string) => `encounter-${prefix}-${field}-${index}`;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place.
          <div className="encounter-form__platform" key={index}>
            <label>
              <span>{t('encounters.form.kind')}</span>
              <select
                data-testid={testId('kind')}
                value={row.kind}
                onChange={(e) => update(index, { kind: e.target.value })}
              >
                <option value="">{t('encounters.form.choose')}</option>
                {kinds.map((kind) => (
                  <option key={kind} value={kind}>
                    {codeName('encounters.kind', kind)}
                  </option>
                ))}
              </select>
              <FieldErrors problems={problems} paths={[`${path}.kind`]} />
            </label>
            <label>
              <span>{t('encounters.form.name')}</span>
              <input
                data-testid={testId('name')}
                value={row.name}
                maxLength={120}
                onChange={(e) => update(index, { name: e.target.value })}
              />
              <FieldErrors problems={problems} paths={[`${path}.name`]} />
            </label>
            <label>
              <span>{markLabel}</span>
              <input
                data-testid={testId('mark')}
                value={row.mark}
                maxLength={40}
                onChange={(e) => update(index, { mark: e.target.value })}
              />
              <FieldErrors problems={problems} paths={[`${path}.hull`, `${path}.tail`]} />
            </label>
            <label>
              <span>{t('encounters.form.callSign')}</span>
              <input
                data-testid={testId('callsign')}
                value={row.callSign}
                maxLength={40}
                onChange={(e) => update(index, { callSign: e.target.value })}
              />
              <FieldErrors problems={problems} paths={[`${path}.callSign`]} />
            </label>
            <label className="encounter-form__platform-position">
              <span>{t('encounters.form.platformPosition')}</span>
              <input
                data-testid={testId('position')}
                value={row.position}
                onChange={(e) => update(index, { position: e.target.value })}
              />
              <PositionPreview
                text={row.position}
                testId={testId('position-parsed')}
                hasFieldError={problemsAt(problems, `${path}.position`).length > 0}
              />
              <FieldErrors problems={problems} paths={[`${path}.position`]} />
            </label>
            <label>
              <span>{t('encounters.form.course')}</span>
              <input
                data-testid={testId('course')}
                inputMode="decimal"
                value={row.course}
                onChange={(e) => update(index, { course: e.target.value })}
              />
              <FieldErrors problems={problems} paths={[`${path}.courseDeg`]} />
            </label>
            <label>
              <span>{t('encounters.form.speed')}</span>
              <input
                data-testid={testId('speed')}
                inputMode="decimal"
                value={row.speed}
                onChange={(e) => update(index, { speed: e.target.value })}
              />
              <FieldErrors problems={problems} paths={[`${path}.speedKn`]} />
            </label>
            {rows.length > 1 && (
              <button
                type="button"
                className="button button--secondary encounter-form__remove"
                data-testid={testId('remove')}
                onClick={() => onChange(rows.filter((_, i) => i !== index))}
              >
                {t('encounters.form.removePlatform')}
              </button>
            )}
          </div>
        );
      })}
      <FieldErrors problems={problems} paths={[side]} />
      {rows.length < 20 && (
        <button
          type="button"
          className="button button--secondary"
          data-testid={`encounter-${prefix}-add`}
          onClick={() => onChange([...rows, emptyPlatform()])}
        >
          {t('encounters.form.addPlatform')}
        </button>
      )}
    </fieldset>
  );
}

/** Props of `CommunicationRows`. */
export interface CommunicationRowsProps {
  rows: readonly CommunicationRow[];
  kinds: readonly string[];
  problems: readonly FieldIssue[];
  onChange(rows: CommunicationRow[]): void;
}

/** Signals and radio calls made on scene, one row each, answered or not. */
export function CommunicationRows({ rows, kinds, problems, onChange }: CommunicationRowsProps) {
  const update = (index: number, patch: Partial<CommunicationRow>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <fieldset className="encounter-form__comms">
      <legend>{t('encounters.form.communications')}</legend>
      {rows.length === 0 && <p className="encounter-form__hint">{t('encounters.form.noCommunications')}</p>}
      {rows.map((row, index) => {
        const path = `communications.${index}`;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place.
          <div className="encounter-form__comm" key={index}>
            <label>
              <span>{t('encounters.form.commKind')}</span>
              <select
                data-testid={`encounter-comm-kind-${index}`}
                value={row.kind}
                onChange={(e) => update(index, { kind: e.target.value })}
              >
                {kinds.map((kind) => (
                  <option key={kind} value={kind}>
                    {codeName('encounters.comm', kind)}
                  </option>
                ))}
              </select>
              <FieldErrors problems={problems} paths={[`${path}.kind`]} />
            </label>
            <label className="encounter-form__comm-text">
              <span>{t('encounters.form.commText')}</span>
              <input
                data-testid={`encounter-comm-text-${index}`}
                value={row.text}
                maxLength={1000}
                onChange={(e) => update(index, { text: e.target.value })}
              />
              <FieldErrors problems={problems} paths={[`${path}.text`]} />
            </label>
            <label>
              <span>{t('encounters.form.commAnswered')}</span>
              <select
                data-testid={`encounter-comm-answered-${index}`}
                value={row.answered}
                onChange={(e) => update(index, { answered: e.target.value === 'yes' ? 'yes' : 'no' })}
              >
                <option value="no">{t('encounters.answered.no')}</option>
                <option value="yes">{t('encounters.answered.yes')}</option>
              </select>
              <FieldErrors problems={problems} paths={[`${path}.answered`]} />
            </label>
            <button
              type="button"
              className="button button--secondary encounter-form__remove"
              data-testid={`encounter-comm-remove-${index}`}
              onClick={() => onChange(rows.filter((_, i) => i !== index))}
            >
              {t('encounters.form.removeCommunication')}
            </button>
          </div>
        );
      })}
      <FieldErrors problems={problems} paths={['communications']} />
      {rows.length < 50 && (
        <button
          type="button"
          className="button button--secondary"
          data-testid="encounter-comm-add"
          onClick={() => onChange([...rows, emptyCommunication()])}
        >
          {t('encounters.form.addCommunication')}
        </button>
      )}
    </fieldset>
  );
}
