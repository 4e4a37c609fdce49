/**
 * Call requests in the console (HOT7): a strip under the duty desks with the scheduled calls
 * (agreed calls, shown the same in both consoles), the button that opens the Call requests
 * panel (with how many requests await this desk's answer), and the reminders as alert banners —
 * an agreed call due within 5 minutes, and a request to this desk in the last quarter of its
 * time to the deadline (CON1: words and icons, not colour alone).
 */
import { useCallback, useState } from 'react';
import type { CallRequest, Line } from '../api.ts';
import { t } from '../strings.ts';
import { formatDualTime, formatFullTime, formatRelative } from '../time.ts';
import { awaitsUs, callReminders, scheduledCalls, useCallRequests } from '../useCallRequests.ts';
import { CallRequestsDialog } from './CallRequestsDialog.tsx';
import { Icon } from './Icon.tsx';
import './CallRequestsStyles.css';

/** Props of `CallRequests`. */
export interface CallRequestsProps {
  /** This node's id. */
  selfId: string;
  lines: readonly Line[];
  /** How many call request events the stream has brought: each new one re-reads. */
  callRequestEvents: number;
  /** Whether the reader's role may ask and answer (`call.request`). */
  canRequest: boolean;
  nowMs: number;
  nodeName(nodeId: string): string;
  onSessionEnded(): void;
}

/** The other node of a request's hotline, as this desk names it. */
function otherSide(request: CallRequest, lines: readonly Line[], selfId: string): string {
  const line = lines.find((candidate) => candidate.id === request.line);
  return line?.members.find((member) => member !== selfId) ?? request.requester;
}

/** The strip, the reminders and the panel. */
export function CallRequests(props: CallRequestsProps) {
  const { selfId, lines, callRequestEvents, canRequest, nowMs, nodeName, onSessionEnded } = props;
  const data = useCallRequests(callRequestEvents, onSessionEnded);
  const [isOpen, setIsOpen] = useState(false);
  const open = useCallback(() => setIsOpen(true), []);
  const close = useCallback(() => setIsOpen(false), []);
  const hotlines = lines.filter((line) => line.kind === 'hotline' && line.members.includes(selfId));
  const requests = data.requests ?? [];
  const scheduled = scheduledCalls(requests, nowMs);
  const reminders = callReminders(requests, nowMs);
  const toAnswer = requests.filter((request) => awaitsUs(request, nowMs)).length;
  const now = new Date(nowMs);
  const peerName = (request: CallRequest) => nodeName(otherSide(request, lines, selfId));
  const level = (request: CallRequest) => t(`callRequests.level.${request.level}`);

  return (
    <>
      {reminders.map(({ kind, request }) => (
        <p
          key={`${kind} ${request.request}`}
          className={`banner call-requests__reminder call-requests__reminder--${kind}`}
          role="alert"
          data-testid="call-request-reminder"
          data-kind={kind}
        >
          <Icon name={kind === 'due' ? 'hourglass' : 'warning'} className="banner__icon" />
          {kind === 'due'
            ? t('callRequests.reminder.due', {
                node: peerName(request),
                level: level(request),
                when: formatRelative(request.agreedTime ?? '', nowMs) ?? '',
                topic: request.topic,
              })
            : t('callRequests.reminder.deadline', {
                node: nodeName(request.requester),
                level: level(request),
                time: formatDualTime(request.deadline, now),
                left: formatRelative(request.deadline, nowMs) ?? '',
              })}
        </p>
      ))}
      <section className="call-requests" aria-label={t('callRequests.label')}>
        <div className="call-requests__scheduled">
          <span className="call-requests__heading">{t('callRequests.scheduled')}</span>
          {scheduled.length === 0 ? (
            <span className="call-requests__none">{t('callRequests.scheduledNone')}</span>
          ) : (
            <ul className="call-requests__calls">
              {scheduled.map((request) => (
                <li key={request.request} data-testid="scheduled-call" data-id={request.request}>
                  <Icon name="check-circle" />{' '}
                  <time dateTime={request.agreedTime ?? ''} title={formatFullTime(request.agreedTime ?? '')}>
                    {formatDualTime(request.agreedTime ?? '', now)}
                  </time>{' '}
                  ({formatRelative(request.agreedTime ?? '', nowMs)}){' '}
                  {t('callRequests.scheduledCall', {
                    node: peerName(request),
                    level: level(request),
                    topic: request.topic,
                  })}
                </li>
              ))}
            </ul>
          )}
        </div>
        <button
          type="button"
          className="button button--secondary"
          data-testid="call-request-open"
          aria-haspopup="dialog"
          aria-expanded={isOpen}
          onClick={open}
        >
          {toAnswer > 0 ? t('callRequests.openWaiting', { count: toAnswer }) : t('callRequests.open')}
        </button>
      </section>
      <CallRequestsDialog
        isOpen={isOpen}
        hotlines={hotlines}
        requests={data.requests}
        error={data.error}
        canRequest={canRequest}
        isBusy={data.isBusy}
        nowMs={nowMs}
        nodeName={nodeName}
        onAsk={data.ask}
        onAnswer={data.answer}
        onClose={close}
      />
    </>
  );
}
