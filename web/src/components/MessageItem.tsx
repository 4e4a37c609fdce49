/**
 * One hotline message: precedence, author, time in UTC and the reader's zone (CON2), the text
 * exactly as written (rendered as text, never as HTML, with its line breaks), and its state in
 * words (HOT3). While an acknowledgement is awaited, its deadline shows with the time left; a
 * peer's message carries the Acknowledge control for roles that may, and the reply written
 * with an acknowledgement shows under the message on both sides.
 */
import { useCallback, useRef } from 'react';
import type { LiaisonEvent } from '../../../src/core/types.ts';
import type { MessageBody, MessageStatus } from '../api.ts';
import type { Acknowledgement } from '../messages.ts';
import type { StateWords } from '../stateWords.ts';
import { t } from '../strings.ts';
import { formatDualTime, formatFullTime, formatRelative } from '../time.ts';
import { AckControl } from './AckControl.tsx';
import { Attachments } from './Attachments.tsx';
import { MessageStateLabel } from './MessageStateLabel.tsx';
import { PrecedenceBadge } from './PrecedenceBadge.tsx';
import { TemplatedText } from './TemplatedText.tsx';
import { TranslationList } from './TranslationList.tsx';

/** Props of `MessageItem`. */
export interface MessageItemProps {
  event: LiaisonEvent;
  body: MessageBody;
  /** The state as of `nowMs` (see `currentStatus`). */
  status: MessageStatus;
  /** The state in words (see `describeMessageState`). */
  words: StateWords;
  isOwn: boolean;
  nowMs: number;
  /** The acknowledgement held for this message, for its reply text. */
  acknowledgement: Acknowledgement | undefined;
  /** Acknowledges it; present only when this reader may and the message awaits it. */
  onAcknowledge: ((reply: string) => Promise<void>) | undefined;
  /** Registers the element for seen marking; present only while a seen mark is wanted. */
  observeSeen: ((element: HTMLElement | null) => (() => void) | undefined) | undefined;
}

/** A message in the list; focusable by script so the FLASH alarm can take the reader to it. */
export function MessageItem({
  event,
  body,
  status,
  words,
  isOwn,
  nowMs,
  acknowledgement,
  onAcknowledge,
  observeSeen,
}: MessageItemProps) {
  const deadline = status.deadline ?? body.deadline;
  const isAwaitingAck = status.state !== 'acknowledged' && status.state !== 'overdue' && deadline !== '';
  const side = isOwn ? 'message--own' : 'message--peer';
  const now = new Date(nowMs);
  const element = useRef<HTMLLIElement | null>(null);
  const attach = useCallback(
    (node: HTMLLIElement | null) => {
      element.current = node;
      return observeSeen?.(node);
    },
    [observeSeen],
  );
  const focusMessage = useCallback(() => element.current?.focus(), []);
  return (
    <li
      ref={attach}
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
      {body.template ? (
        <TemplatedText template={body.template} fallbackText={body.text} />
      ) : (
        <p className="message__text">{body.text}</p>
      )}
      <TranslationList messageId={event.id} isFreeText={!body.template} />
      <Attachments body={event.body} />
      <div className="message__footer">
        <MessageStateLabel status={status} words={words} sentAt={event.ts} />
        {isAwaitingAck && (
          <time className="message__due" dateTime={deadline} title={formatFullTime(deadline)}>
            {isOwn
              ? // Our message's state already says the time left (HOT3); the moment is enough here.
                t('messages.dueAt', { time: formatDualTime(deadline, now) })
              : t('messages.due', {
                  time: formatDualTime(deadline, now),
                  relative: formatRelative(deadline, nowMs) ?? '',
                })}
          </time>
        )}
      </div>
      {acknowledgement !== undefined && acknowledgement.text !== null && (
        <blockquote className="message__reply" data-testid="ack-reply-text">
          <span className="message__reply-from">
            {t('ack.replyFrom', { who: acknowledgement.event.author })}
          </span>{' '}
          <q>{acknowledgement.text}</q>
        </blockquote>
      )}
      {onAcknowledge !== undefined && (
        <AckControl onAcknowledge={onAcknowledge} onAcknowledged={focusMessage} />
      )}
    </li>
  );
}
