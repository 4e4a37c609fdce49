/**
 * The Drills panel (FED8): the latest link drills on each hotline, who sent them, whether the
 * other side's node answered and how long the round trip took, with a button to run one now.
 * A missed drill is a technical fault on the link, not silence of the duty officers: the
 * answers are automatic.
 */
import type { ReactNode } from 'react';
import type { DrillResult, Line } from '../api.ts';
import { t } from '../strings.ts';
import { formatDualTime, formatFullTime } from '../time.ts';
import { Icon } from './Icon.tsx';
import { ModalDialog } from './ModalDialog.tsx';

/** Props of `DrillsDialog`. */
export interface DrillsDialogProps {
  isOpen: boolean;
  /** The hotlines drills run on. */
  lines: readonly Line[];
  /** Null until the node has answered. */
  drills: readonly DrillResult[] | null;
  error: string | null;
  /** Whether this user may start a drill. */
  canRun: boolean;
  runningOn: string | null;
  /** Node id → name, for "sent by". */
  nodeName(nodeId: string): string;
  nowMs: number;
  onRun(line: string): void;
  onClose(): void;
}

const STATE_ICON = { answered: 'check', pending: 'hourglass', missed: 'warning' } as const;

function DrillRow({
  drill,
  nodeName,
  nowMs,
}: {
  drill: DrillResult;
  nodeName(id: string): string;
  nowMs: number;
}) {
  const answer =
    drill.state === 'answered'
      ? t('drills.answeredBy', {
          node: nodeName(drill.answeredBy ?? ''),
          ms: drill.roundTripMs === null ? '—' : String(drill.roundTripMs),
        })
      : t(`drills.${drill.state}`);
  return (
    <tr data-testid="drill" data-state={drill.state} data-line={drill.line}>
      <td title={formatFullTime(drill.sentAt)}>{formatDualTime(drill.sentAt, new Date(nowMs))}</td>
      <td>{nodeName(drill.sentBy)}</td>
      <td className={`drill-state drill-state--${drill.state}`}>
        <Icon name={STATE_ICON[drill.state]} /> {answer}
      </td>
    </tr>
  );
}

/** The Drills dialog. */
export function DrillsDialog(props: DrillsDialogProps) {
  const { isOpen, lines, drills, error, canRun, runningOn, nodeName, nowMs, onRun, onClose } = props;
  const section = (line: Line): ReactNode => {
    const ofLine = (drills ?? []).filter((drill) => drill.line === line.id);
    return (
      <section key={line.id} className="drills__line" aria-label={line.title}>
        <div className="drills__line-head">
          <h3>{line.title}</h3>
          {canRun && (
            <button
              type="button"
              className="button button--secondary"
              data-testid="drill-run"
              disabled={runningOn !== null}
              onClick={() => onRun(line.id)}
            >
              {runningOn === line.id ? t('drills.running') : t('drills.runNow')}
            </button>
          )}
        </div>
        {ofLine.length === 0 ? (
          <p>{t('drills.noneYet')}</p>
        ) : (
          <table className="drills__table">
            <thead>
              <tr>
                <th scope="col">{t('drills.sentAt')}</th>
                <th scope="col">{t('drills.sentBy')}</th>
                <th scope="col">{t('drills.result')}</th>
              </tr>
            </thead>
            <tbody>
              {ofLine.map((drill) => (
                <DrillRow key={drill.sentEvent} drill={drill} nodeName={nodeName} nowMs={nowMs} />
              ))}
            </tbody>
          </table>
        )}
      </section>
    );
  };

  let body: ReactNode;
  if (drills === null) {
    body =
      error === null ? <p role="status">{t('drills.loading')}</p> : <p className="form-error">{error}</p>;
  } else if (lines.length === 0) {
    body = <p>{t('drills.noHotline')}</p>;
  } else {
    body = lines.map(section);
  }

  return (
    <ModalDialog
      isOpen={isOpen}
      title={t('drills.title')}
      intro={t('drills.intro')}
      testId="drills-panel"
      className="drills"
      onClose={onClose}
    >
      {drills !== null && error !== null && <p className="form-error">{error}</p>}
      {body}
    </ModalDialog>
  );
}
