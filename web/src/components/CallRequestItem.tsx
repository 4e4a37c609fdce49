/**
 * One call request in the Call requests panel (HOT7): urgency, level and topic; its state in
 * words and an icon (CON1); who asked and when; the time asked for; the deadline with the time
 * left; the answers so far; and, for the side that may answer, Accept / Propose a time /
 * Decline (the requester may withdraw while the peer is to answer).
 */
import { type FormEvent, useState } from 'react';
import type { CallRequest, CallRequestState } from '../api.ts';
import { t } from '../strings.ts';
import { formatDualTime, formatFullTime, formatRelative } from '../time.ts';
import { answersNow, currentCallState } from '../useCallRequests.ts';
import { Icon, type IconName } from './Icon.tsx';
import { PrecedenceBadge } from './PrecedenceBadge.tsx';

/** Props of `CallRequestItem`. */
export interface CallRequestItemProps {
  request: CallRequest;
  nowMs: number;
  /** Whether the reader's role may answer (`call.request`). */
  canAnswer: boolean;
  isBusy: boolean;
  /** Node id → name. */
  nodeName(nodeId: string): string;
  /** Answers; rejects with the node's refusal, shown under the request. */
  onAnswer(
    answer: 'accept' | 'propose' | 'decline',
    options: { at?: string; reason?: string },
  ): Promise<void>;
}

const STATE_ICON: Record<CallRequestState, IconName> = {
  open: 'hourglass',
  proposed: 'refresh',
  agreed: 'check-circle',
  declined: 'cross',
  cancelled: 'cross',
  overdue: 'warning',
};

/** The state in words, from this desk's point of view. */
export function callStateWords(
  request: CallRequest,
  nowMs: number,
  nodeName: (id: string) => string,
): string {
  const state = currentCallState(request, nowMs);
  const now = new Date(nowMs);
  const time = request.time === null ? '' : formatDualTime(request.time, now);
  const awaited = request.awaiting.map(nodeName).join(', ');
  const isOurTurn = request.turn === request.side;
  switch (state) {
    case 'open':
      return isOurTurn
        ? t('callRequests.state.openForUs')
        : t('callRequests.state.openForPeer', { node: awaited });
    case 'proposed': {
      const proposer = nodeName(request.answers.at(-1)?.node ?? '');
      return isOurTurn
        ? t('callRequests.state.proposedForUs', { node: proposer, time })
        : t('callRequests.state.proposedForPeer', { node: awaited, time });
    }
    case 'agreed':
      return t('callRequests.state.agreed', { time });
    case 'declined':
      return t('callRequests.state.declined', { author: request.closedBy ?? '' });
    case 'cancelled':
      return t('callRequests.state.cancelled', { author: request.closedBy ?? '' });
    case 'overdue':
      return t('callRequests.state.overdue');
  }
}

/** The answers so far, one line each. */
function History({ request, nowMs }: { request: CallRequest; nowMs: number }) {
  if (request.answers.length === 0) return null;
  const now = new Date(nowMs);
  return (
    <ul className="call-request__history">
      {request.answers.map((answer) => {
        const time = formatDualTime(answer.at, now);
        const isWithdrawal = answer.answer === 'decline' && answer.node === request.requester;
        const words =
          answer.answer === 'propose'
            ? t('callRequests.history.propose', {
                author: answer.by,
                proposed: formatDualTime(answer.time ?? '', now),
                time,
              })
            : t(isWithdrawal ? 'callRequests.history.withdraw' : `callRequests.history.${answer.answer}`, {
                author: answer.by,
                time,
              });
        return (
          <li key={`${answer.by} ${answer.at}`}>
            {words}
            {answer.reason !== null && (
              <span className="call-request__reason">
                {' '}
                {t('callRequests.reason', { reason: answer.reason })}
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** A datetime-local value (the reader's zone) as an ISO instant, or null when empty. */
function localToIso(value: string): string | null {
  if (value === '') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** One call request. */
export function CallRequestItem({
  request,
  nowMs,
  canAnswer,
  isBusy,
  nodeName,
  onAnswer,
}: CallRequestItemProps) {
  const state = currentCallState(request, nowMs);
  const answers = canAnswer ? answersNow(request, nowMs) : [];
  const [isProposing, setIsProposing] = useState(false);
  const [proposedAt, setProposedAt] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);

  const send = (answer: 'accept' | 'propose' | 'decline', at?: string) => {
    setError(null);
    const options: { at?: string; reason?: string } = {};
    if (at !== undefined) options.at = at;
    if (reason.trim() !== '') options.reason = reason.trim();
    onAnswer(answer, options).then(
      () => {
        setIsProposing(false);
        setReason('');
      },
      (caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)),
    );
  };
  const propose = (event: FormEvent) => {
    event.preventDefault();
    const at = localToIso(proposedAt);
    if (at === null) setError(t('callRequests.timeRequired'));
    else send('propose', at);
  };
  const isOurTurn = answers.includes('accept');
  const now = new Date(nowMs);

  return (
    <li
      className={`call-request call-request--${state}`}
      data-testid="call-request"
      data-state={state}
      data-id={request.request}
    >
      <div className="call-request__head">
        <PrecedenceBadge precedence={request.urgency} />
        <span className="call-request__level">{t(`callRequests.level.${request.level}`)}</span>
        <span className="call-request__topic">{request.topic}</span>
      </div>
      <p className={`call-request__state call-request__state--${state}`}>
        <Icon name={STATE_ICON[state]} /> {callStateWords(request, nowMs, nodeName)}
      </p>
      <p className="call-request__meta" title={formatFullTime(request.requestedAt)}>
        {t('callRequests.askedBy', {
          author: request.requestedBy,
          time: formatDualTime(request.requestedAt, now),
        })}
      </p>
      {request.proposedAt !== null && (
        <p className="call-request__meta" title={formatFullTime(request.proposedAt)}>
          {t('callRequests.askedFor', { time: formatDualTime(request.proposedAt, now) })}
        </p>
      )}
      {state === 'open' && (
        <p className="call-request__meta" title={formatFullTime(request.deadline)}>
          {t('callRequests.deadline', {
            time: formatDualTime(request.deadline, now),
            left: formatRelative(request.deadline, nowMs) ?? '',
          })}
        </p>
      )}
      <History request={request} nowMs={nowMs} />
      {answers.length > 0 && (
        <div className="call-request__actions">
          <label className="call-request__reason-field">
            <span>{t('callRequests.reasonLabel')}</span>
            <input value={reason} maxLength={500} onChange={(event) => setReason(event.target.value)} />
          </label>
          {answers.includes('accept') && (
            <button
              type="button"
              className="button button--primary"
              data-testid="call-request-accept"
              disabled={isBusy}
              onClick={() => send('accept')}
            >
              {request.time === null ? t('callRequests.acceptNow') : t('callRequests.accept')}
            </button>
          )}
          {answers.includes('propose') && (
            <button
              type="button"
              className="button button--secondary"
              data-testid="call-request-propose"
              aria-expanded={isProposing}
              disabled={isBusy}
              onClick={() => setIsProposing(!isProposing)}
            >
              {t('callRequests.propose')}
            </button>
          )}
          {answers.includes('decline') && (
            <button
              type="button"
              className="button button--secondary"
              data-testid="call-request-decline"
              disabled={isBusy}
              onClick={() => send('decline')}
            >
              {isOurTurn ? t('callRequests.decline') : t('callRequests.withdraw')}
            </button>
          )}
        </div>
      )}
      {isProposing && answers.includes('propose') && (
        <form className="call-request__propose" onSubmit={propose}>
          <label>
            <span>{t('callRequests.proposeAt')}</span>
            <input
              type="datetime-local"
              data-testid="call-request-propose-at"
              required
              value={proposedAt}
              onChange={(event) => setProposedAt(event.target.value)}
            />
          </label>
          <button type="submit" className="button button--primary" disabled={isBusy}>
            {t('callRequests.proposeSubmit')}
          </button>
        </form>
      )}
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
