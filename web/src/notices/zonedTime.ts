/**
 * The wall-clock times of a `datetime-local` input (`2026-11-27T14:30`) read in a chosen zone,
 * UTC or the reader's own (ENC3's notice window; CON2): the moment such a value names in that
 * zone, and back.
 *
 * The browser's input knows no zone, so the form says which one its values are in, and these
 * two functions are the only place that turns one into the other. A local time that does not
 * exist (skipped when the clocks go forward) is refused rather than moved, so a notice never
 * starts an hour away from what the officer typed.
 *
 * Pure: the zone is an argument; `Intl` gives each zone's offset at each moment.
 */

const MINUTE_MS = 60_000;
const INPUT_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

const partFormatters = new Map<string, Intl.DateTimeFormat>();

/** A formatter that gives a moment's calendar fields in a zone, with hours 0–23. */
function partsIn(timeZone: string): Intl.DateTimeFormat {
  let found = partFormatters.get(timeZone);
  if (found === undefined) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partFormatters.set(timeZone, found);
  }
  return found;
}

/** The wall clock of `ms` in `timeZone`, written as if it were a UTC moment (ms, to the second). */
function wallClockMs(ms: number, timeZone: string): number {
  const fields: Record<string, number> = {};
  for (const part of partsIn(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = fields;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** How far `timeZone`'s wall clock is ahead of UTC at the moment `ms`. */
function offsetMs(ms: number, timeZone: string): number {
  return wallClockMs(ms, timeZone) - Math.floor(ms / 1000) * 1000;
}

/** `2026-11-27T14:30`: the moment `ms` on the wall clock of `timeZone`, to the minute. */
export function formatZonedInput(ms: number, timeZone: string): string {
  const wall = wallClockMs(Math.floor(ms / MINUTE_MS) * MINUTE_MS, timeZone);
  return new Date(wall).toISOString().slice(0, 16);
}

/**
 * The moment (ISO, UTC) a `datetime-local` value names on the wall clock of `timeZone`; null
 * when the value is not a real date and time, or names a local time that never happened there.
 */
export function parseZonedInput(value: string, timeZone: string): string | null {
  const match = INPUT_PATTERN.exec(value.trim());
  if (!match) return null;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = match
    .slice(1, 7)
    .map((part) => Number(part ?? '0'));
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls a 31 February over into March: such a date is not a real one.
  if (new Date(wall).getUTCDate() !== day) return null;
  // The offset at the guess can differ from the offset at the answer near a change of the
  // clocks; a second step settles it, and a wall clock that still does not match never existed.
  const guess = wall - offsetMs(wall, timeZone);
  const moment = wall - offsetMs(guess, timeZone);
  if (wallClockMs(moment, timeZone) !== wall) return null;
  return new Date(moment).toISOString();
}
