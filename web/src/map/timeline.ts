/**
 * The map's time slider (ENC3, ENC4): the span of the record it runs over, the step of the slider,
 * and what the map shows at the chosen time — the encounters that occurred up to it and the
 * notices in force at it (inside their window, not yet withdrawn; the same rule as `covers` in
 * src/encounters/notices.ts).
 *
 * Pure: the current time is an argument.
 */

/** What the slider needs of an encounter. */
export interface TimedEncounter {
  state: string;
  report: { occurredAt: string };
}

/** What the slider needs of a notice. */
export interface TimedNotice {
  from: string;
  until: string;
  withdrawnAt: string | null;
}

/** The slider's run: from the earliest time of the record to now or the end of the last notice. */
export interface TimeSpan {
  fromMs: number;
  toMs: number;
  /** The slider's step in ms: about 500 steps over the span, at least a minute. */
  stepMs: number;
}

const MINUTE_MS = 60_000;
/** Steps a person may land on: a minute, five, a quarter, an hour, six hours, a day. */
const STEPS_MS = [1, 5, 15, 60, 360, 1440].map((minutes) => minutes * MINUTE_MS);
const TARGET_STEPS = 500;

/** Whether an encounter belongs on the map at all: drafts stay on their node and off the map. */
export function isOnMap(encounter: TimedEncounter): boolean {
  return encounter.state !== 'draft';
}

/** The span of the record's encounters and notices, and now; an hour before now when empty. */
export function recordSpan(
  encounters: readonly TimedEncounter[],
  notices: readonly TimedNotice[],
  nowMs: number,
): TimeSpan {
  const starts = [
    ...encounters.filter(isOnMap).map((e) => Date.parse(e.report.occurredAt)),
    ...notices.map((n) => Date.parse(n.from)),
  ].filter(Number.isFinite);
  const ends = notices.map((n) => Date.parse(n.until)).filter(Number.isFinite);
  const earliest = Math.min(nowMs - 60 * MINUTE_MS, ...starts);
  const latest = Math.max(nowMs, ...ends);
  const stepMs = STEPS_MS.find((step) => (latest - earliest) / step <= TARGET_STEPS) ?? 1440 * MINUTE_MS;
  return {
    fromMs: Math.floor(earliest / stepMs) * stepMs,
    toMs: Math.ceil(latest / stepMs) * stepMs,
    stepMs,
  };
}

/** The encounters that occurred up to `atMs` (drafts never). */
export function encountersUpTo<T extends TimedEncounter>(encounters: readonly T[], atMs: number): T[] {
  return encounters.filter((e) => isOnMap(e) && Date.parse(e.report.occurredAt) <= atMs);
}

/** Whether a notice is in force at `atMs`: inside [from, until) and not withdrawn by then. */
export function isInForceAt(notice: TimedNotice, atMs: number): boolean {
  if (atMs < Date.parse(notice.from) || atMs >= Date.parse(notice.until)) return false;
  return notice.withdrawnAt === null || Date.parse(notice.withdrawnAt) > atMs;
}

/** The notices in force at `atMs`. */
export function noticesInForceAt<T extends TimedNotice>(notices: readonly T[], atMs: number): T[] {
  return notices.filter((n) => isInForceAt(n, atMs));
}

/** The time the map shows: the one chosen on the slider, or now when none is (it then follows the clock). */
export function shownTime(chosenMs: number | null, nowMs: number): number {
  return chosenMs ?? nowMs;
}
