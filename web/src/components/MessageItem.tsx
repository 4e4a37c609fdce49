/**
 * One hotline message: precedence, author, time in UTC and the reader's zone (CON2), the text
 * exactly as written (rendered as text, never as HTML, with its line breaks), and its state.
 * While an acknowledgement is awaited, its deadline shows with the time left.
 */
import type { LiaisonEvent } from '../../../src/core/types.ts';
import type { MessageBody, MessageStatus } from '../api.ts';
import { t } from '../strings.ts';
import { formatDualTime, formatFullTime, formatRelative } from '../time.ts';
import { MessageStateLabel } from './MessageStateLabel.tsx';
import { PrecedenceBadge } from './PrecedenceBadge.tsx';

/** Props of `MessageItem`. */
export interface MessageItemProps {
  event: LiaisonEvent;
  body: MessageBody;
  /** The state as of `nowMs` (see `effectiveStatus`). */
  status: MessageStatus;
  isOwn: boolean;
  nowMs: number;
}

/** A message in the list; focusable by script so the FLASH alarm can take the reader to it. */
export function MessageItem({ event, body, status, isOwn, nowMs }: MessageItemProps) {
  const deadline = status.deadline ?? body.deadline;
  const isAwaitingAck = status.state !== 'acknowledged' && status.state !== 'overdue' && deadline !== '';
  const side = isOwn ? 'message--own' : 'message--peer';
  const now = new Date(nowMs);
  return (
    <li
      className={`message ${side} message--${body.precedence.toLowerCase()}`}
      data-testid="message"
      data-state={status.state}
      data-id={event.id}
      tabIndex={-1}
    >
      <div className="message__meta">
        <PrecedenceBadge precedence={body.precedence} />
        <span className="message__author">
          {event.author}
          {isOwn && <span className="message__own"> · {t('messages.own')}</span>}
        </span>
        <time className="message__time" dateTime={event.ts} title={formatFullTime(event.ts)}>
          {formatDualTime(event.ts, now)}
        </time>
      </div>
      <p className="message__text">{body.text}</p>
      <div className="message__footer">
        <MessageStateLabel status={status} />
        {isAwaitingAck && (
          <time className="message__due" dateTime={deadline} title={formatFullTime(deadline)}>
            {t('messages.due', {
              time: formatDualTime(deadline, now),
              relative: formatRelative(deadline, nowMs) ?? '',
            })}
          </time>
        )}
      </div>
    </li>
  );
}
