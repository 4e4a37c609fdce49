/**
 * The Reliability panel (HOT8): pick a peer and a period (this month, last month, or custom UTC
 * days), read the report the node computed from the record, with its charts and its digest, and
 * open the printable page. Both nodes show the same figures and digest for the same period, so
 * two desks can compare their printed reports by eye.
 */
import { useMemo, useState } from 'react';
import type { Precedence } from '../../../src/core/types.ts';
import { type ReliabilityReport, type ReportTraffic, reliabilityReportPageUrl } from '../api.ts';
import { t } from '../strings.ts';
import { type PeriodChoice, periodOf, useReliability } from '../useReliability.ts';
import { Icon } from './Icon.tsx';
import { ModalDialog } from './ModalDialog.tsx';
import { BarChart, formatDuration, formatPercent } from './ReliabilityCharts.tsx';
import './ReliabilityStyles.css';

const PRECEDENCES: readonly Precedence[] = ['FLASH', 'IMMEDIATE', 'PRIORITY', 'ROUTINE'];
const CHOICES: readonly PeriodChoice[] = ['this-month', 'last-month', 'custom'];
const CHOICE_KEY = {
  'this-month': 'reliability.thisMonth',
  'last-month': 'reliability.lastMonth',
  custom: 'reliability.custom',
} as const;

/** Props of `ReliabilityDialog`. */
export interface ReliabilityDialogProps {
  isOpen: boolean;
  /** Peers this node shares a hotline with. */
  peers: readonly string[];
  nodeName(nodeId: string): string;
  nowMs: number;
  onSessionEnded(): void;
  onClose(): void;
}

function TrafficRow({ id, label, traffic }: { id: string; label: string; traffic: ReportTraffic }) {
  const { delivery, acknowledgement, overdue, drills } = traffic;
  return (
    <tr data-testid="report-traffic" data-direction={id}>
      <th scope="row">{label}</th>
      <td data-testid="report-messages">{traffic.messages}</td>
      <td>{delivery.delivered}</td>
      <td>{formatDuration(delivery.latencyMs.p50)}</td>
      <td>{formatDuration(delivery.latencyMs.p90)}</td>
      <td>{formatPercent(acknowledgement.total.answerRatePercent)}</td>
      <td>{overdue.overdue}</td>
      <td>{t('reliability.drillsValue', { answered: drills.answered, sent: drills.sent })}</td>
    </tr>
  );
}

/**
 * What the report still waits for, in the reader's language (CON4); the node's English sentence
 * for a kind this console does not know.
 */
function missingInWords(
  missing: { kind: string; message: string },
  nodeName: (id: string) => string,
): string {
  // The node sends more fields than the console's type names; read them as unknown.
  const fields: Record<string, unknown> = { ...missing };
  const { node, origin, neededSeq, recordedSeq } = fields;
  if (missing.kind === 'later-event' && typeof origin === 'string')
    return t('reliability.missingLater', { node: nodeName(origin) });
  if (
    missing.kind === 'holdings' &&
    typeof node === 'string' &&
    typeof origin === 'string' &&
    typeof neededSeq === 'number' &&
    typeof recordedSeq === 'number'
  )
    return t('reliability.missingHoldings', {
      node: nodeName(node),
      origin: nodeName(origin),
      needed: neededSeq,
      recorded: recordedSeq,
    });
  return missing.message;
}

function ReportBody({ report, nodeName }: { report: ReliabilityReport; nodeName(id: string): string }) {
  const { figures, completeness } = report;
  const { uptime, overall } = figures;
  const known = uptime.daily.filter((day) => day.upPercent !== null);
  const worst = known.reduce<(typeof known)[number] | null>(
    (low, day) => (low === null || (day.upPercent ?? 100) < (low.upPercent ?? 100) ? day : low),
    null,
  );
  const buckets = overall.delivery.histogram.map((bucket, i, all) => ({
    id: String(bucket.upToMs),
    label:
      bucket.upToMs === null
        ? t('reliability.above', { limit: formatDuration(all[i - 1]?.upToMs ?? 0) })
        : t('reliability.upTo', { limit: formatDuration(bucket.upToMs) }),
    value: bucket.count,
    text: String(bucket.count),
  }));
  const ackBars = PRECEDENCES.map((precedence) => {
    const median = overall.acknowledgement.byPrecedence[precedence].timeToAckMs.p50;
    return { id: precedence, label: precedence, value: median, text: formatDuration(median) };
  });
  return (
    <div className="reliability__report">
      <p className="reliability__range">
        {t('reliability.range', { from: figures.period.from, to: figures.period.to })}
      </p>
      {completeness.isComplete ? (
        <p className="reliability__complete" data-testid="report-complete">
          <Icon name="check-circle" /> {t('reliability.complete')}
        </p>
      ) : (
        <div className="reliability__provisional" data-testid="report-provisional">
          <p>
            <Icon name="warning" /> {t('reliability.provisional')}
          </p>
          <ul>
            {completeness.missing.map((missing) => (
              <li key={missing.message}>{missingInWords(missing, nodeName)}</li>
            ))}
          </ul>
        </div>
      )}
      <p className="reliability__digest-line">
        {t('reliability.digest')}{' '}
        <code className="reliability__digest" data-testid="report-digest">
          {report.digest}
        </code>
      </p>

      <h3>{t('reliability.uptime')}</h3>
      <table className="reliability__table">
        <thead>
          <tr>
            <th scope="col">{t('reliability.view')}</th>
            <th scope="col">{t('reliability.up')}</th>
            <th scope="col">{t('reliability.available')}</th>
            <th scope="col">{t('reliability.down')}</th>
            <th scope="col">{t('reliability.unknown')}</th>
            <th scope="col">{t('reliability.outages')}</th>
          </tr>
        </thead>
        <tbody>
          {[
            ...uptime.views.map((view) => ({
              key: view.node,
              label: t('reliability.viewOf', { node: nodeName(view.node) }),
              value: view,
            })),
            { key: 'combined', label: t('reliability.combined'), value: uptime.combined },
          ].map(({ key, label, value }) => (
            <tr key={key} data-testid="report-uptime" data-view={key}>
              <th scope="row">{label}</th>
              <td>{formatPercent(value.upPercent)}</td>
              <td>{formatPercent(value.availablePercent)}</td>
              <td>{formatDuration(value.downMs)}</td>
              <td>{formatDuration(value.unknownMs)}</td>
              <td>{value.outages}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <BarChart
        title={t('reliability.dailyChart')}
        description={
          worst
            ? t('reliability.dailyDesc', { percent: formatPercent(worst.upPercent), day: worst.day })
            : t('reliability.dailyNone')
        }
        bars={uptime.daily.map((day) => ({
          id: day.day,
          label: day.day.slice(8),
          value: day.upPercent,
          text: formatPercent(day.upPercent),
        }))}
        max={100}
        testId="report-daily-chart"
      />

      <h3>{t('reliability.traffic')}</h3>
      <table className="reliability__table">
        <thead>
          <tr>
            <th scope="col">{t('reliability.direction')}</th>
            <th scope="col">{t('reliability.messages')}</th>
            <th scope="col">{t('reliability.delivered')}</th>
            <th scope="col">{t('reliability.latency50')}</th>
            <th scope="col">{t('reliability.latency90')}</th>
            <th scope="col">{t('reliability.answerRate')}</th>
            <th scope="col">{t('reliability.overdue')}</th>
            <th scope="col">{t('reliability.drills')}</th>
          </tr>
        </thead>
        <tbody>
          {figures.directions.map((direction) => (
            <TrafficRow
              key={`${direction.from}-${direction.to}`}
              id={`${direction.from}-${direction.to}`}
              label={`${nodeName(direction.from)} → ${nodeName(direction.to)}`}
              traffic={direction}
            />
          ))}
          <TrafficRow id="both" label={t('reliability.both')} traffic={overall} />
        </tbody>
      </table>
      <BarChart
        title={t('reliability.latencyChart')}
        description={t('reliability.latencyDesc', {
          buckets: buckets.map((bucket) => `${bucket.label}: ${bucket.text}`).join('; '),
        })}
        bars={buckets}
        max={Math.max(1, ...buckets.map((bucket) => bucket.value))}
      />

      <h3>{t('reliability.byPrecedence')}</h3>
      <table className="reliability__table">
        <thead>
          <tr>
            <th scope="col">{t('reliability.precedence')}</th>
            <th scope="col">{t('reliability.messages')}</th>
            <th scope="col">{t('reliability.answerRate')}</th>
            <th scope="col">{t('reliability.median')}</th>
            <th scope="col">{t('reliability.p90')}</th>
          </tr>
        </thead>
        <tbody>
          {PRECEDENCES.map((precedence) => {
            const acks = overall.acknowledgement.byPrecedence[precedence];
            return (
              <tr key={precedence}>
                <th scope="row">{precedence}</th>
                <td>{acks.messages}</td>
                <td>{formatPercent(acks.answerRatePercent)}</td>
                <td>{formatDuration(acks.timeToAckMs.p50)}</td>
                <td>{formatDuration(acks.timeToAckMs.p90)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <BarChart
        title={t('reliability.ackChart')}
        description={ackBars.map((bar) => `${bar.label}: ${bar.text}`).join('; ')}
        bars={ackBars}
        max={Math.max(1, ...ackBars.map((bar) => bar.value ?? 0))}
      />
    </div>
  );
}

/** The Reliability dialog. */
export function ReliabilityDialog({
  isOpen,
  peers,
  nodeName,
  nowMs,
  onSessionEnded,
  onClose,
}: ReliabilityDialogProps) {
  const [chosenPeer, setChosenPeer] = useState<string | null>(null);
  const [choice, setChoice] = useState<PeriodChoice>('last-month');
  const [firstDay, setFirstDay] = useState('');
  const [lastDay, setLastDay] = useState('');
  const peer = chosenPeer !== null && peers.includes(chosenPeer) ? chosenPeer : (peers[0] ?? null);
  // The month is read when the choice changes, not every second with the clock.
  const month = new Date(nowMs).toISOString().slice(0, 7);
  const period = useMemo(
    () => periodOf(choice, Date.parse(`${month}-15T00:00:00Z`), { firstDay, lastDay }),
    [choice, month, firstDay, lastDay],
  );
  const { report, isLoading, error } = useReliability(isOpen, peer, period, onSessionEnded);
  const isCurrent =
    report !== null &&
    period !== null &&
    report.figures.period.from === period.from &&
    report.figures.period.to === period.to &&
    report.peer === peer;

  return (
    <ModalDialog
      isOpen={isOpen}
      title={t('reliability.title')}
      intro={t('reliability.intro')}
      testId="reliability-panel"
      className="reliability"
      onClose={onClose}
    >
      {peer === null ? (
        <p>{t('reliability.noPeer')}</p>
      ) : (
        <>
          <div className="reliability__controls">
            {peers.length > 1 && (
              <label className="reliability__peer">
                {t('reliability.peer')}{' '}
                <select value={peer} onChange={(event) => setChosenPeer(event.target.value)}>
                  {peers.map((id) => (
                    <option key={id} value={id}>
                      {nodeName(id)}
                    </option>
                  ))}
                </select>
              </label>
            )}
            <fieldset className="reliability__period">
              <legend>{t('reliability.period')}</legend>
              {CHOICES.map((option) => (
                <label key={option} className="reliability__choice">
                  <input
                    type="radio"
                    name="reliability-period"
                    value={option}
                    data-testid={`report-period-${option}`}
                    checked={choice === option}
                    onChange={() => setChoice(option)}
                  />{' '}
                  {t(CHOICE_KEY[option])}
                </label>
              ))}
              {choice === 'custom' && (
                <span className="reliability__days">
                  <label>
                    {t('reliability.firstDay')}{' '}
                    <input
                      type="date"
                      value={firstDay}
                      onChange={(event) => setFirstDay(event.target.value)}
                    />
                  </label>
                  <label>
                    {t('reliability.lastDay')}{' '}
                    <input type="date" value={lastDay} onChange={(event) => setLastDay(event.target.value)} />
                  </label>
                </span>
              )}
            </fieldset>
            <button
              type="button"
              className="button button--secondary reliability__print"
              data-testid="report-print"
              disabled={period === null}
              onClick={() => {
                if (period !== null)
                  window.open(reliabilityReportPageUrl(peer, period.from, period.to), '_blank', 'noopener');
              }}
            >
              {t('reliability.print')}
            </button>
          </div>
          {choice === 'custom' && period === null && (firstDay !== '' || lastDay !== '') && (
            <p className="form-error">{t('reliability.badPeriod')}</p>
          )}
          {error !== null && <p className="form-error">{error}</p>}
          {isLoading && !isCurrent && <p role="status">{t('reliability.loading')}</p>}
          {report !== null && isCurrent && <ReportBody report={report} nodeName={nodeName} />}
        </>
      )}
    </ModalDialog>
  );
}
