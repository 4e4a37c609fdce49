/**
 * Reading what the reliability report (HOT8) needs from the store, and the report's period.
 *
 * The loader streams a line's events in LOG7 order and keeps only what `computeReliability` can
 * use, so a report over a long record stays small in memory. What it drops cannot change the
 * figures: events of other types, subjects dated outside the period, follow-ups dated more than
 * a day before it, and `heads.recorded` dated after the period's end except each origin's latest
 * (heads only grow, so the latest names what that node holds now). Both nodes apply the same
 * filter to the same events, so the figures stay identical.
 */
import { isoTime } from '../core/clock.ts';
import { GENESIS_EVENT_TYPE, type LiaisonEvent } from '../core/types.ts';
import type { LineRecord, Store } from '../store/types.ts';
import { computeReliability } from './reliability.ts';
import type { ReliabilityPeriod, ReliabilityReport } from './reliabilityTypes.ts';

const DAY_MS = 86_400_000;
/** The longest period a report covers (a leap year). */
export const MAX_PERIOD_MS = 366 * DAY_MS;
/** Follow-ups (answers, acknowledgements, arrivals) dated this long before the period still count. */
const FOLLOW_UP_MARGIN_MS = DAY_MS;

/** Subjects: counted when dated inside the period. */
const SUBJECT_TYPES = new Set(['message.posted', 'drill.sent']);
/** Follow-ups: counted when in the cut, whatever their date. */
const FOLLOW_UP_TYPES = new Set([
  'message.acknowledged',
  'escalation.raised',
  'drill.answered',
  'heads.recorded',
]);

/** The last full calendar month (UTC) before `nowMs`: the report's default period. */
export function lastFullMonth(nowMs: number): ReliabilityPeriod {
  const now = new Date(nowMs);
  const to = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const from = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1);
  return { from: isoTime(from), to: isoTime(to) };
}

/** The current calendar month (UTC) up to its end. */
export function currentMonth(nowMs: number): ReliabilityPeriod {
  const now = new Date(nowMs);
  return {
    from: isoTime(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
    to: isoTime(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)),
  };
}

/** ISO 8601 dates or UTC/offset date-times the API accepts for `from` and `to`. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Whether the date and time fields name a real calendar day and time (no 30 February, no 24:00). */
function isRealDate(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  const isDay =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  const hours = text.length > 10 ? Number(text.slice(11, 13)) : 0;
  const minutes = text.length > 10 ? Number(text.slice(14, 16)) : 0;
  const seconds = text[16] === ':' ? Number(text.slice(17, 19)) : 0;
  return isDay && hours <= 23 && minutes <= 59 && seconds <= 59;
}

/** A period, or why the given bounds do not make one. */
export type PeriodResult = { ok: true; period: ReliabilityPeriod } | { ok: false; reason: string };

/**
 * Reads `from` and `to` (both or neither; neither gives the last full month): ISO 8601 dates
 * (`2025-03-01`, midnight UTC) or date-times with `Z` or an offset. Refuses an unreadable bound,
 * `from` not before `to`, and a period longer than 366 days.
 */
export function parsePeriod(from: string | undefined, to: string | undefined, nowMs: number): PeriodResult {
  if (from === undefined && to === undefined) return { ok: true, period: lastFullMonth(nowMs) };
  if (from === undefined || to === undefined)
    return { ok: false, reason: 'give both from and to, or neither' };
  const bounds: number[] = [];
  for (const [name, text] of [
    ['from', from],
    ['to', to],
  ] as const) {
    const ms = ISO_INSTANT.test(text) && isRealDate(text) ? Date.parse(text) : Number.NaN;
    if (!Number.isFinite(ms)) return { ok: false, reason: `${name} is not an ISO 8601 date or date-time` };
    bounds.push(ms);
  }
  const [fromMs, toMs] = bounds as [number, number];
  if (fromMs >= toMs) return { ok: false, reason: 'from must be before to' };
  if (toMs - fromMs > MAX_PERIOD_MS) return { ok: false, reason: 'a report covers at most 366 days' };
  return { ok: true, period: { from: isoTime(fromMs), to: isoTime(toMs) } };
}

/** The events of `line` the report can use, in LOG7 order (see the module comment). */
export async function loadReliabilityEvents(
  store: Pick<Store, 'eventsInOrder'>,
  line: string,
  period: ReliabilityPeriod,
): Promise<LiaisonEvent[]> {
  const fromMs = Date.parse(period.from);
  const toMs = Date.parse(period.to);
  const kept: LiaisonEvent[] = [];
  const boundaryOf = new Set<string>();
  const latestHeadsAfter = new Map<string, LiaisonEvent>();
  for await (const { event } of store.eventsInOrder(line)) {
    const tsMs = Date.parse(event.ts);
    if (tsMs >= toMs) {
      // LOG7 order follows seq per origin: the first one dated after the end is the boundary.
      if (!boundaryOf.has(event.origin)) {
        boundaryOf.add(event.origin);
        kept.push(event);
      } else if (event.type === 'heads.recorded') latestHeadsAfter.set(event.origin, event);
      continue;
    }
    const isKept =
      event.type === GENESIS_EVENT_TYPE ||
      event.type === 'link.state' ||
      (SUBJECT_TYPES.has(event.type) && tsMs >= fromMs) ||
      (FOLLOW_UP_TYPES.has(event.type) && tsMs >= fromMs - FOLLOW_UP_MARGIN_MS);
    if (isKept) kept.push(event);
  }
  kept.push(...latestHeadsAfter.values());
  return kept;
}

/** Loads a line's events and computes its report for `period`. */
export async function reliabilityReport(
  store: Pick<Store, 'eventsInOrder'>,
  line: LineRecord,
  period: ReliabilityPeriod,
): Promise<ReliabilityReport> {
  const events = await loadReliabilityEvents(store, line.id, period);
  return computeReliability(events, { line: line.id, members: line.members, period });
}
