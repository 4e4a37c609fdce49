/**
 * One encounter in full (ENC1, ENC2): its state and the acknowledgement of its item in words and
 * icons (CON1), *Acknowledge* for the receiving desk, *Open the thread* (the encounter's own line,
 * where the desks discuss it with the usual composer), *Move to consultation*, *Close* with an
 * outcome; "inside a notified area" when an activity notice covered it (ENC3); then the whole
 * report, behaviours named in the reader's language.
 */
import { type FormEvent, useState } from 'react';
import { formatPositionDM, METRES_PER_NM } from '../../../src/core/geo.ts';
import type { Language } from '../../../src/core/phrasebook/types.ts';
import { acknowledgementWords, behaviourName } from '../encounters/board.ts';
import type { Encounter, EncounterCodes } from '../encountersApi.ts';
import { t } from '../strings.ts';
import { formatDualTime, formatFullTime } from '../time.ts';
import { AckControl } from './AckControl.tsx';
import { codeName } from './EncounterFormParts.tsx';
import { EncounterAckLabel, EncounterStateLabel, SeverityLabel } from './EncounterLabels.tsx';

/** Props of `EncounterDetail`. */
export interface EncounterDetailProps {
  encounter: Encounter;
  codes: EncounterCodes | null;
  selfId: string;
  language: Language;
  nowMs: number;
  canReport: boolean;
  canAcknowledge: boolean;
  isBusy: boolean;
  nodeName(nodeId: string): string;
  onAcknowledge(messageId: string, reply: string): Promise<void>;
  onOpenThread(line: string): void;
  onConsult(id: string): Promise<void>;
  onClose(id: string, outcome: string): Promise<void>;
  onBack(): void;
}

function Time({ iso, nowMs }: { iso: string; nowMs: number }) {
  return (
    <time dateTime={iso} title={formatFullTime(iso)}>
      {formatDualTime(iso, new Date(nowMs))}
    </time>
  );
}

/** "1.2 NM (2,222 m)". */
function distanceText(distanceM: number): string {
  return t('encounters.detail.distance', {
    nm: Math.round((distanceM / METRES_PER_NM) * 100) / 100,
    m: Math.round(distanceM),
  });
}

/**
 * The dossier (ENC5) in its three forms, for the roles that report (the same roles may export the
 * record, `record.export` in docs/SECURITY.md): the printable page and the PDF in the reader's
 * language, and the JSONL that `liaison verify` checks. The session cookie authorizes the links.
 */
function DossierLinks({ id, language }: { id: string; language: Language }) {
  const base = `/api/v1/encounters/${encodeURIComponent(id)}/dossier?lang=${language}`;
  return (
    <span className="encounter-detail__dossier" data-testid="encounter-dossier">
      {t('encounters.detail.dossier')}{' '}
      <a href={`${base}&format=html`} target="_blank" rel="noopener" data-testid="encounter-dossier-html">
        {t('encounters.detail.dossierPage')}
      </a>{' '}
      <a href={`${base}&format=pdf`} target="_blank" rel="noopener" data-testid="encounter-dossier-pdf">
        PDF
      </a>{' '}
      <a href={`${base}&format=jsonl`} download={`${id}.jsonl`} data-testid="encounter-dossier-jsonl">
        {t('encounters.detail.dossierJsonl')}
      </a>
    </span>
  );
}

/** The workflow buttons: acknowledge, open the thread, consultation, close with an outcome. */
function Actions(props: EncounterDetailProps) {
  const { encounter, selfId, canReport, canAcknowledge, isBusy } = props;
  const [outcome, setOutcome] = useState('');
  const [error, setError] = useState<string | null>(null);
  const item = encounter.acknowledgement;
  const mayAcknowledge =
    canAcknowledge && item !== null && encounter.origin !== selfId && item.state !== 'acknowledged';
  const isOpen = encounter.state !== 'closed' && encounter.state !== 'draft';

  const run = (work: () => Promise<void>) => {
    setError(null);
    work().catch((caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)));
  };
  const close = (event: FormEvent) => {
    event.preventDefault();
    if (outcome.trim() === '') return setError(t('encounters.detail.outcomeRequired'));
    run(() => props.onClose(encounter.id, outcome.trim()));
  };

  return (
    <div className="encounter-detail__actions">
      {mayAcknowledge && item !== null && (
        <div className="encounter-detail__ack" data-testid="encounter-acknowledge">
          <AckControl
            onAcknowledge={(reply) => props.onAcknowledge(item.id, reply)}
            onAcknowledged={() => undefined}
          />
        </div>
      )}
      <div className="encounter-detail__buttons">
        {encounter.line !== null && (
          <button
            type="button"
            className="button button--secondary"
            data-testid="encounter-open-thread"
            onClick={() => encounter.line !== null && props.onOpenThread(encounter.line)}
          >
            {t('encounters.detail.openThread')}
          </button>
        )}
        {canReport && encounter.line !== null && <DossierLinks id={encounter.id} language={props.language} />}
        {canReport && isOpen && encounter.state !== 'consultation' && (
          <button
            type="button"
            className="button button--secondary"
            data-testid="encounter-consult"
            disabled={isBusy}
            onClick={() => run(() => props.onConsult(encounter.id))}
          >
            {t('encounters.detail.consult')}
          </button>
        )}
      </div>
      {canReport && isOpen && (
        <form className="encounter-detail__close" onSubmit={close}>
          <label>
            <span>{t('encounters.detail.outcome')}</span>
            <textarea
              data-testid="encounter-outcome"
              rows={2}
              maxLength={5000}
              value={outcome}
              onChange={(e) => setOutcome(e.target.value)}
            />
          </label>
          <button
            type="submit"
            className="button button--secondary"
            data-testid="encounter-close"
            disabled={isBusy}
          >
            {t('encounters.detail.close')}
          </button>
        </form>
      )}
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** The platforms of one side as a table. */
function Platforms({
  title,
  platforms,
  domain,
}: {
  title: string;
  platforms: Encounter['report']['ownPlatforms'];
  domain: string;
}) {
  return (
    <table className="encounter-detail__platforms">
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">{t('encounters.form.kind')}</th>
          <th scope="col">{t('encounters.form.name')}</th>
          <th scope="col">{domain === 'sea' ? t('encounters.form.hull') : t('encounters.form.tail')}</th>
          <th scope="col">{t('encounters.form.callSign')}</th>
          <th scope="col">{t('encounters.detail.track')}</th>
        </tr>
      </thead>
      <tbody>
        {platforms.map((p, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: platforms of a report keep their order.
          <tr key={index}>
            <td>{codeName('encounters.kind', p.kind)}</td>
            <td>{p.name}</td>
            <td>{p.hull ?? p.tail ?? '—'}</td>
            <td>{p.callSign ?? '—'}</td>
            <td>
              {[
                p.position ? formatPositionDM(p.position) : null,
                p.courseDeg === undefined ? null : t('encounters.detail.course', { course: p.courseDeg }),
                p.speedKn === undefined ? null : t('encounters.detail.speed', { speed: p.speedKn }),
              ]
                .filter(Boolean)
                .join(' · ') || '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The report itself, every field readable. */
function Report({ encounter, codes, language, nowMs }: EncounterDetailProps) {
  const { report, approach } = encounter;
  const definition = (code: string) => codes?.behaviours.find((b) => b.code === code)?.definition[language];
  return (
    <div className="encounter-detail__report">
      <dl className="encounter-detail__facts">
        <dt>{t('encounters.form.occurredAt')}</dt>
        <dd data-testid="encounter-detail-time">
          <Time iso={report.occurredAt} nowMs={nowMs} />
        </dd>
        <dt>{t('encounters.form.position')}</dt>
        <dd data-testid="encounter-detail-position">{formatPositionDM(report.position)}</dd>
        <dt>{t('encounters.detail.approach')}</dt>
        <dd data-testid="encounter-detail-approach">
          {approach === null ? (
            t('encounters.detail.noApproach')
          ) : (
            <>
              {distanceText(approach.distanceM)} · <Time iso={approach.at} nowMs={nowMs} /> ·{' '}
              {approach.source === 'reported'
                ? t('encounters.detail.reported')
                : t('encounters.detail.computed')}
            </>
          )}
        </dd>
      </dl>
      <Platforms
        title={t('encounters.form.ownPlatforms')}
        platforms={report.ownPlatforms}
        domain={report.domain}
      />
      <Platforms
        title={t('encounters.form.otherPlatforms')}
        platforms={report.otherPlatforms}
        domain={report.domain}
      />
      <h4>{t('encounters.form.behaviours')}</h4>
      {report.behaviours.length === 0 ? (
        <p>{t('encounters.detail.noBehaviours')}</p>
      ) : (
        <ul className="encounter-detail__behaviours" data-testid="encounter-detail-behaviours">
          {report.behaviours.map((code) => (
            <li key={code} title={definition(code)} data-code={code}>
              {behaviourName(codes?.behaviours ?? [], code, language)}
            </li>
          ))}
        </ul>
      )}
      <h4>{t('encounters.form.communications')}</h4>
      {report.communications.length === 0 ? (
        <p>{t('encounters.detail.noCommunications')}</p>
      ) : (
        <ul className="encounter-detail__comms" data-testid="encounter-detail-communications">
          {report.communications.map((c, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: communications keep their order.
            <li key={index}>
              {t('encounters.detail.communication', {
                kind: codeName('encounters.comm', c.kind),
                text: c.text,
                answered: c.answered ? t('encounters.answered.yes') : t('encounters.answered.no'),
              })}
            </li>
          ))}
        </ul>
      )}
      <h4>{t('encounters.form.narrative')}</h4>
      <p className="encounter-detail__narrative" data-testid="encounter-detail-narrative">
        {report.narrative === '' ? '—' : report.narrative}
      </p>
      {(report.attachments ?? []).length > 0 && (
        <>
          <h4>{t('encounters.form.attachments')}</h4>
          <ul className="encounter-detail__files">
            {(report.attachments ?? []).map((hash) => (
              <li key={hash}>
                <a href={`/api/v1/blobs/${hash}`} download data-testid="encounter-detail-attachment">
                  {hash.slice(0, 16)}…
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** The encounter, its workflow and its report. */
export function EncounterDetail(props: EncounterDetailProps) {
  const { encounter, selfId, nowMs, nodeName } = props;
  const ack = acknowledgementWords(encounter, selfId, nowMs);
  return (
    <article
      className="encounter-detail"
      data-testid="encounter-detail"
      data-id={encounter.id}
      data-state={encounter.state}
    >
      <button
        type="button"
        className="button button--secondary"
        data-testid="encounter-back"
        onClick={props.onBack}
      >
        {t('encounters.detail.back')}
      </button>
      <h3 className="encounter-detail__title">
        {t('encounters.detail.title', {
          ref: encounter.ref,
          domain: codeName('encounters.domain', encounter.report.domain),
        })}
      </h3>
      <p className="encounter-detail__labels">
        <EncounterStateLabel state={encounter.state} />
        <SeverityLabel severity={encounter.report.severity} />
        <EncounterAckLabel words={ack} />
      </p>
      <p className="encounter-detail__meta">
        {t('encounters.detail.reportedBy', { author: encounter.author, node: nodeName(encounter.origin) })}{' '}
        <Time iso={encounter.at} nowMs={nowMs} />
        {encounter.consultationAt !== null && (
          <>
            {' · '}
            {t('encounters.detail.consultationSince')} <Time iso={encounter.consultationAt} nowMs={nowMs} />
          </>
        )}
      </p>
      {encounter.inNotifiedAreas.length > 0 && (
        <p className="banner encounter-detail__in-area" data-testid="encounter-in-area" role="note">
          {t('encounters.detail.inNotifiedArea', { count: encounter.inNotifiedAreas.length })}
        </p>
      )}
      {encounter.closedAt !== null && (
        <p className="encounter-detail__outcome" data-testid="encounter-outcome-text">
          {t('encounters.detail.closedWith', { outcome: encounter.outcome ?? '' })}{' '}
          <Time iso={encounter.closedAt} nowMs={nowMs} />
        </p>
      )}
      <Actions {...props} />
      <Report {...props} />
    </article>
  );
}
