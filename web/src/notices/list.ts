/**
 * The notices list's rules (ENC3; CON1, CON2, CON5): where each activity notice stands — in force
 * now, upcoming, ended or withdrawn — in what order the list shows them, the area and the altitude
 * band in words, and the acknowledgement of its item in words with a tone for its icon: who owes
 * it, the deadline and the time left, overdue said in words, never by colour alone; the item's
 * state kept live from the stream between two reads of the list.
 *
 * Pure: the current time and this node's id are arguments.
 */
import { formatPositionDM, METRES_PER_NM } from '../../../src/core/geo.ts';
import type { Role } from '../../../src/core/types.ts';
import type { MessageStatus } from '../api.ts';
import type { Notice } from '../encountersApi.ts';
import { isInForceAt } from '../map/timeline.ts';
import { currentLocale, t } from '../strings.ts';
import { formatDualTime, formatSpan } from '../time.ts';

/** The event types that change what the list shows, counted on the stream to re-read it. */
export const NOTICE_TRIGGER_TYPES: readonly string[] = [
  'notice.issued',
  'notice.withdrawn',
  'message.seen',
  'message.acknowledged',
];

/** How far an item has gone (HOT3): each state only ever gives way to a later one. */
const STATE_RANK: Record<MessageStatus['state'], number> = {
  sent: 0,
  delivered: 1,
  seen: 2,
  overdue: 3,
  acknowledged: 4,
};

/**
 * The notices with the state of their items as the stream last told it (`statusById`, kept by
 * the console for every message it holds), where that is further along than the list's read:
 * a delivery is no event the list could re-read on.
 */
export function withLiveStatus(
  notices: readonly Notice[],
  statusById: Readonly<Record<string, MessageStatus>>,
): Notice[] {
  return notices.map((notice) => {
    const live = statusById[notice.id];
    const read = notice.acknowledgement;
    if (live === undefined || (read !== null && STATE_RANK[live.state] <= STATE_RANK[read.state]))
      return notice;
    return { ...notice, acknowledgement: live };
  });
}

/** Whether a role may issue and withdraw notices (`notice.issue` in docs/SECURITY.md). */
export function mayIssueNotices(role: Role): boolean {
  return role === 'admin' || role === 'supervisor' || role === 'officer';
}

/** Where a notice stands, in the order the list shows them. */
export const NOTICE_STATES = ['in-force', 'upcoming', 'ended', 'withdrawn'] as const;

export type NoticeState = (typeof NOTICE_STATES)[number];

/** Where a notice stands at `nowMs`; a withdrawn notice says so whenever it was withdrawn. */
export function noticeState(notice: Notice, nowMs: number): NoticeState {
  if (notice.withdrawnAt !== null) return 'withdrawn';
  if (isInForceAt(notice, nowMs)) return 'in-force';
  return nowMs < Date.parse(notice.from) ? 'upcoming' : 'ended';
}

/**
 * The notices by state: in force and upcoming ones by start, the soonest first (what matters
 * now on top); ended and withdrawn ones newest first.
 */
export function noticeSections(
  notices: readonly Notice[],
  nowMs: number,
): { state: NoticeState; notices: Notice[] }[] {
  const byStart = (a: Notice, b: Notice) => Date.parse(a.from) - Date.parse(b.from);
  const byEndNewest = (a: Notice, b: Notice) =>
    Date.parse(b.withdrawnAt ?? b.until) - Date.parse(a.withdrawnAt ?? a.until);
  return NOTICE_STATES.map((state) => ({
    state,
    notices: notices
      .filter((notice) => noticeState(notice, nowMs) === state)
      .sort(state === 'in-force' || state === 'upcoming' ? byStart : byEndNewest),
  })).filter((section) => section.notices.length > 0);
}

function number(value: number, maximumFractionDigits = 0): string {
  return new Intl.NumberFormat(currentLocale(), { maximumFractionDigits }).format(value);
}

/** The area in words: its points, or its centre and radius, in degrees and minutes. */
export function areaWords(area: Notice['area']): string {
  if (area.type === 'circle') {
    return t('notices.area.circle', {
      radius: number(area.radiusM / METRES_PER_NM, 1),
      centre: formatPositionDM(area.center),
    });
  }
  return t('notices.area.polygon', {
    count: area.points.length,
    points: area.points.map(formatPositionDM).join(' · '),
  });
}

/** The altitude band in words, or that none was given. */
export function altitudeWords(altitude: Notice['altitude']): string {
  if (altitude === undefined) return t('notices.altitude.none');
  return altitude.minFt === 0
    ? t('notices.altitude.fromSurface', { max: number(altitude.maxFt) })
    : t('notices.altitude.band', { min: number(altitude.minFt), max: number(altitude.maxFt) });
}

/** The tone of an acknowledgement, for its icon. */
export type NoticeAckTone = 'none' | 'awaiting' | 'acknowledged' | 'overdue' | 'undelivered';

export interface NoticeAckWords {
  tone: NoticeAckTone;
  text: string;
}

/** Whether the item is past its deadline without an acknowledgement, on the reader's clock. */
function isOverdue(item: NonNullable<Notice['acknowledgement']>, nowMs: number): boolean {
  if (item.state === 'acknowledged') return false;
  return item.state === 'overdue' || (item.deadline !== null && nowMs > Date.parse(item.deadline));
}

/**
 * The acknowledgement of a notice's item in words: by whom and when; or, while awaited, who owes
 * it, its deadline and the time left; or that it is overdue and by how long. For our own notices,
 * an item the peer's node does not hold yet is said apart (a technical fault, not silence, HOT3).
 */
export function noticeAckWords(notice: Notice, selfId: string, nowMs: number): NoticeAckWords {
  const item = notice.acknowledgement;
  if (item === null) return { tone: 'none', text: t('notices.ack.none') };
  const now = new Date(nowMs);
  if (item.state === 'acknowledged') {
    return {
      tone: 'acknowledged',
      text: t('notices.ack.acknowledged', {
        who: item.ackedBy ?? '—',
        time: item.ackedAt === null ? '—' : formatDualTime(item.ackedAt, now),
      }),
    };
  }
  const isOurs = notice.origin === selfId;
  const deadlineMs = item.deadline === null ? null : Date.parse(item.deadline);
  if (isOverdue(item, nowMs)) {
    const span = formatSpan(Math.max(0, nowMs - (deadlineMs ?? nowMs)));
    return {
      tone: 'overdue',
      text: isOurs ? t('notices.ack.overdueOurs', { span }) : t('notices.ack.overdueTheirs', { span }),
    };
  }
  const deadline = item.deadline === null ? '—' : formatDualTime(item.deadline, now);
  const span = formatSpan(Math.max(0, (deadlineMs ?? nowMs) - nowMs));
  if (!isOurs) return { tone: 'awaiting', text: t('notices.ack.toAcknowledge', { deadline, span }) };
  if (item.state === 'sent')
    return { tone: 'undelivered', text: t('notices.ack.notDelivered', { deadline, span }) };
  const key = item.state === 'seen' ? 'notices.ack.seenByPeer' : 'notices.ack.awaitingPeer';
  return { tone: 'awaiting', text: t(key, { deadline, span }) };
}

/** Whether this desk may still acknowledge a notice: the peer's, its item not acknowledged. */
export function awaitsOurAcknowledgement(notice: Notice, selfId: string): boolean {
  return (
    notice.origin !== selfId &&
    notice.acknowledgement !== null &&
    notice.acknowledgement.state !== 'acknowledged'
  );
}
