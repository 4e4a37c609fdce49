/**
 * A line's messages in LOG7 order, as a live log. Follows new messages while the reader is at
 * the bottom, and leaves the scroll alone while they read further up.
 */
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { LiaisonEvent } from '../../../src/core/types.ts';
import type { MessageStatus } from '../api.ts';
import { effectiveStatus, unknownStatus } from '../messageState.ts';
import { isOwnEvent, LINE_CREATED, MESSAGE_POSTED, readMessageBody } from '../messages.ts';
import { t } from '../strings.ts';
import { formatDualTime } from '../time.ts';
import { MessageItem } from './MessageItem.tsx';

/** Props of `MessageList`. */
export interface MessageListProps {
  /** The line's events in LOG7 order. */
  events: readonly LiaisonEvent[];
  isLoaded: boolean;
  statusById: Readonly<Record<string, MessageStatus>>;
  ownNodeId: string;
  /** The current time, for deadlines passing (HOT3). */
  nowMs: number;
}

/** Distance from the bottom, in pixels, within which the list keeps following new messages. */
const FOLLOW_THRESHOLD_PX = 80;

/** The message list of one line. */
export function MessageList({ events, isLoaded, statusById, ownNodeId, nowMs }: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const isFollowing = useRef(true);
  const eventCount = events.length;
  // Only messages count: other events of our own (an acknowledgement, say) must not pull a
  // reader who has scrolled up back to the bottom.
  const lastMessage = events.findLast((event) => event.type === MESSAGE_POSTED);
  const lastOwnId = lastMessage !== undefined && isOwnEvent(lastMessage, ownNodeId) ? lastMessage.id : null;

  // Runs when the list grows; our own new message always brings the view down to it.
  const shownOwnId = useRef<string | null>(null);
  useLayoutEffect(() => {
    const element = scroller.current;
    if (element === null || eventCount === 0) return;
    const isNewOwn = lastOwnId !== null && lastOwnId !== shownOwnId.current;
    shownOwnId.current = lastOwnId;
    if (isFollowing.current || isNewOwn) element.scrollTop = element.scrollHeight;
  }, [eventCount, lastOwnId]);

  // Keeps the newest message in view while following, when a state line, a banner or the
  // compose box changes the size of the list or of its viewport.
  useEffect(() => {
    const element = scroller.current;
    const content = list.current;
    if (element === null || content === null) return;
    const observer = new ResizeObserver(() => {
      if (isFollowing.current) element.scrollTop = element.scrollHeight;
    });
    observer.observe(element);
    observer.observe(content);
    return () => observer.disconnect();
  }, []);

  function onScroll(): void {
    const element = scroller.current;
    if (element === null) return;
    isFollowing.current =
      element.scrollHeight - element.scrollTop - element.clientHeight < FOLLOW_THRESHOLD_PX;
  }

  const items = events.flatMap((event) => {
    if (event.type === LINE_CREATED) {
      return [
        <li key={event.id} className="divider">
          {t('messages.lineOpened', { time: formatDualTime(event.ts, new Date(nowMs)) })}
        </li>,
      ];
    }
    const body = readMessageBody(event);
    if (body === null) return [];
    return [
      <MessageItem
        key={event.id}
        event={event}
        body={body}
        status={effectiveStatus(statusById[event.id] ?? unknownStatus(event.id), nowMs, body.deadline)}
        isOwn={isOwnEvent(event, ownNodeId)}
        nowMs={nowMs}
      />,
    ];
  });
  const hasMessages = events.some((event) => readMessageBody(event) !== null);

  return (
    <div className="messages" ref={scroller} onScroll={onScroll}>
      <ol ref={list} className="messages__list" role="log" aria-live="polite" aria-relevant="additions">
        {items}
      </ol>
      {!hasMessages && (
        <p className="messages__empty">{isLoaded ? t('messages.empty') : t('messages.loading')}</p>
      )}
    </div>
  );
}
