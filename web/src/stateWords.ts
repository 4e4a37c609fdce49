/**
 * A message's HOT3 state in words, as the duty officer reads it, with the time elapsed and the
 * time left.
 *
 * For our own messages the words keep the two kinds of trouble apart (HOT3): not delivered is
 * a technical fault ("Not delivered — link fault?", or the link that is down by name), while
 * delivered or seen but not acknowledged is the peer's silence ("Delivered, not acknowledged ·
 * 2 min ago · 8 min left"). A message is given a few seconds to be delivered before the fault
 * is called. For a peer's message the words say what our desk holds and owes.
 *
 * Pure: the current time, the reader's zone and the peer links are arguments.
 */
import type { MessageStatus, Peer } from './api.ts';
import { formatList, t } from './strings.ts';
import { formatDualTime, formatSpan, readerTimeZone } from './time.ts';

/**
 * How long our message may stay undelivered before the console calls it a link fault. A peer
 * on a working link stores and receipts a message well within a second (FED3).
 */
export const NOT_DELIVERED_AFTER_MS = 5000;

/** What kind of situation the words describe, for the icon and the colour. */
export type StateTone =
  /** Ours, sent moments ago, no receipt yet: nothing wrong so far. */
  | 'pending'
  /** Ours, not delivered: a technical fault. */
  | 'fault'
  /** Delivered (or seen), the acknowledgement is still awaited. */
  | 'awaiting'
  | 'acknowledged'
  | 'overdue';

/** The words for one message's state. */
export interface StateWords {
  text: string;
  tone: StateTone;
}

/** What `describeMessageState` needs to know about a message. */
export interface StateWordsInput {
  /** The message's state as of `nowMs` (see `currentStatus`). */
  status: MessageStatus;
  /** Whether our node sent it. */
  isOwn: boolean;
  /** When it was sent (the event's `ts`). */
  sentAt: string;
  /** The deadline stamped in the message, for a report without one (HOT2). */
  bodyDeadline: string;
  nowMs: number;
  /** Names of the peers that lack the message and whose link is down (`recipientsLinkDown`). */
  linkDownTo: readonly string[];
  /** The reader's IANA zone; the browser's by default. */
  readerZone?: string;
}

function joined(parts: readonly string[]): string {
  return parts.join(t('state.separator'));
}

function parsedMs(iso: string | null): number | null {
  if (iso === null || iso === '') return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** "2 min ago" since sending, then "8 min left" before the deadline when there is one. */
function elapsedAndLeft(sentMs: number | null, deadlineMs: number | null, nowMs: number): string[] {
  const parts: string[] = [];
  if (sentMs !== null) parts.push(t('time.ago', { span: formatSpan(Math.max(0, nowMs - sentMs)) }));
  if (deadlineMs !== null) parts.push(t('state.left', { span: formatSpan(Math.max(0, deadlineMs - nowMs)) }));
  return parts;
}

function acknowledgedWords(
  status: MessageStatus,
  deadlineMs: number | null,
  now: Date,
  zone: string,
): string {
  if (status.ackedAt === null) return t('state.acknowledged');
  const sentence = t('state.acknowledgedBy', {
    who: status.ackedBy ?? '—',
    time: formatDualTime(status.ackedAt, now, zone),
  });
  const ackedMs = parsedMs(status.ackedAt);
  if (deadlineMs === null || ackedMs === null || ackedMs <= deadlineMs) return sentence;
  return joined([sentence, t('state.ackedLate', { span: formatSpan(ackedMs - deadlineMs) })]);
}

function notDeliveredWords(linkDownTo: readonly string[]): string {
  return linkDownTo.length === 0
    ? t('state.notDelivered')
    : t('state.notDeliveredLinkDown', { peer: formatList(linkDownTo) });
}

function overdueWords(input: StateWordsInput, deadlineMs: number | null): string {
  const { status, isOwn, nowMs, linkDownTo } = input;
  let headline: string;
  if (!isOwn) headline = t('state.overdueNotAcknowledged');
  else if (status.deliveredAt !== null) headline = t('state.overdueNoAck');
  else if (linkDownTo.length > 0) headline = t('state.overdueLinkDown', { peer: formatList(linkDownTo) });
  else headline = t('state.overdueNotDelivered');
  if (deadlineMs === null) return headline;
  return joined([headline, t('state.pastDeadline', { span: formatSpan(Math.max(0, nowMs - deadlineMs)) })]);
}

/** The words for a message's state as of `nowMs`. */
export function describeMessageState(input: StateWordsInput): StateWords {
  const { status, isOwn, nowMs, linkDownTo } = input;
  const zone = input.readerZone ?? readerTimeZone();
  const now = new Date(nowMs);
  const deadlineMs = parsedMs(status.deadline) ?? parsedMs(input.bodyDeadline);
  const sentMs = parsedMs(input.sentAt);

  if (status.state === 'acknowledged') {
    return { text: acknowledgedWords(status, deadlineMs, now, zone), tone: 'acknowledged' };
  }
  if (status.state === 'overdue') return { text: overdueWords(input, deadlineMs), tone: 'overdue' };

  if (!isOwn) {
    // A peer's message: our node holds it; say when it came and whether someone here opened it.
    if (status.state === 'seen') {
      return {
        text:
          status.seenAt === null
            ? t('state.seen')
            : t('state.seenAt', { time: formatDualTime(status.seenAt, now, zone) }),
        tone: 'awaiting',
      };
    }
    return {
      text:
        status.deliveredAt === null
          ? t('state.delivered')
          : t('state.deliveredAt', { time: formatDualTime(status.deliveredAt, now, zone) }),
      tone: 'awaiting',
    };
  }

  const timing = elapsedAndLeft(sentMs, deadlineMs, nowMs);
  switch (status.state) {
    case 'sent': {
      const isLate = sentMs === null || nowMs - sentMs >= NOT_DELIVERED_AFTER_MS;
      if (!isLate && linkDownTo.length === 0) return { text: t('state.sent'), tone: 'pending' };
      return { text: joined([notDeliveredWords(linkDownTo), ...timing]), tone: 'fault' };
    }
    case 'delivered':
      return { text: joined([t('state.deliveredNotAcked'), ...timing]), tone: 'awaiting' };
    case 'seen':
      return { text: joined([t('state.seenNotAcked'), ...timing]), tone: 'awaiting' };
  }
}

/**
 * Peers that should hold a message but do not, and whose link is down: the line's members
 * other than us, less those that have stored it. Without a member list, every peer counts.
 */
export function recipientsLinkDown(
  members: readonly string[],
  ownNodeId: string,
  deliveredTo: Readonly<Record<string, string>>,
  peers: readonly Peer[],
): Peer[] {
  const isRecipient = (nodeId: string) =>
    nodeId !== ownNodeId && (members.length === 0 || members.includes(nodeId));
  return peers.filter(
    (peer) => peer.state === 'down' && isRecipient(peer.nodeId) && deliveredTo[peer.nodeId] === undefined,
  );
}
