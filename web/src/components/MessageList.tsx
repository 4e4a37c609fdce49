/**
 * A line's messages in LOG7 order, as a live log. Follows new messages while the reader is at
 * the bottom, and leaves the scroll alone while they read further up.
 *
 * Peers' messages that a reader who may acknowledge has on screen are marked seen (HOT3);
 * acknowledgements are not listed themselves but show under the message they answer.
 */
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { LiaisonEvent } from '../../../src/core/types.ts';
import type { MessageStatus, Peer } from '../api.ts';
import { awaitsOurAcknowledgement, currentStatus } from '../messageState.ts';
import {
  type Acknowledgement,
  isOwnEvent,
  LINE_CREATED,
  MESSAGE_POSTED,
  readMessageBody,
} from '../messages.ts';
import { peerName } from '../peerLinks.ts';
import { wantsSeenMark } from '../seenMarks.ts';
import { describeMessageState, recipientsLinkDown } from '../stateWords.ts';
import { t } from '../strings.ts';
import { formatDualTime } from '../time.ts';
import { useSeenObserver } from '../useSeenObserver.ts';
import { MessageItem } from './MessageItem.tsx';

/** Props of `MessageList`. */
export interface MessageListProps {
  /** The line's events in LOG7 order. */
  events: readonly LiaisonEvent[];
  isLoaded: boolean;
  statusById: Readonly<Record<string, MessageStatus>>;
  ownNodeId: string;
  /** The line's member nodes, to tell which peers should hold a message. */
  members: readonly string[];
  /** Peer links, to name the one that is down when a message is not delivered. */
  peers: readonly Peer[];
  /** Message id → its acknowledgement held on this line. */
  acknowledgements: ReadonlyMap<string, Acknowledgement>;
  /** The current time, for deadlines passing (HOT3). */
  nowMs: number;
  /** Whether the reader may acknowledge (and so mark seen) peers' messages. */
  canAcknowledge: boolean;
  onAcknowledge(messageId: string, reply: string): Promise<void>;
  onSeen(messageId: string): void;
}

/** Distance from the bottom, in pixels, within which the list keeps following new messages. */
const FOLLOW_THRESHOLD_PX = 80;

/** The message list of one line. */
export function MessageList({
  events,
  isLoaded,
  statusById,
  ownNodeId,
  members,
  peers,
  acknowledgements,
  nowMs,
  canAcknowledge,
  onAcknowledge,
  onSeen,
}: MessageListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const observeSeen = useSeenObserver(scroller, onSeen);
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
    const isOwn = isOwnEvent(event, ownNodeId);
    const status = currentStatus(event, body, statusById, acknowledgements, nowMs);
    const words = describeMessageState({
      status,
      isOwn,
      sentAt: event.ts,
      bodyDeadline: body.deadline,
      nowMs,
      linkDownTo: isOwn
        ? recipientsLinkDown(members, ownNodeId, status.deliveredTo, peers).map(peerName)
        : [],
    });
    const mayAcknowledge = canAcknowledge && awaitsOurAcknowledgement(status, isOwn);
    return [
      <MessageItem
        key={event.id}
        event={event}
        body={body}
        status={status}
        words={words}
        isOwn={isOwn}
        nowMs={nowMs}
        acknowledgement={acknowledgements.get(event.id)}
        onAcknowledge={mayAcknowledge ? (reply) => onAcknowledge(event.id, reply) : undefined}
        observeSeen={canAcknowledge && wantsSeenMark(status, isOwn) ? observeSeen : undefined}
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
