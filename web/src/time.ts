/**
 * Times as duty officers read them (CON2): in UTC and in the reader's own zone, side by side,
 * e.g. "21:04:05 UTC · 22:04:05 CET". The date is added when it is not today in that zone.
 * The full date, to the second, is given for hover titles in UTC, the reader's zone and each
 * peer's zone (as the peer announced it, `GET /api/v1/peers` `timeZone`), and deadlines get
 * the time left in words ("in 9 min", "4 min ago"). Formats follow the console's language
 * (en-GB, zh-CN, ja-JP).
 *
 * Every function takes the current time, the reader's zone and the peers' zones as optional
 * arguments, so the module is pure and tests do not depend on the machine's clock or zone.
 */
import { isKnownTimeZone } from '../../src/core/timeZone.ts';
import { currentLocale, t } from './strings.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

function cached(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let found = formatters.get(key);
  if (found === undefined) {
    found = make();
    formatters.set(key, found);
  }
  return found;
}

function formatter(timeZone: string, withDate: boolean): Intl.DateTimeFormat {
  return cached(
    `short|${currentLocale()}|${timeZone}|${withDate}`,
    () =>
      new Intl.DateTimeFormat(currentLocale(), {
        ...(withDate ? { day: 'numeric', month: 'short' } : {}),
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
        timeZoneName: 'short',
        timeZone,
      }),
  );
}

function minuteFormatter(withDate: boolean): Intl.DateTimeFormat {
  return cached(
    `minute|${currentLocale()}|${withDate}`,
    () =>
      new Intl.DateTimeFormat(currentLocale(), {
        ...(withDate ? { day: 'numeric', month: 'short' } : {}),
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZoneName: 'short',
        timeZone: 'UTC',
      }),
  );
}

function fullFormatter(timeZone: string): Intl.DateTimeFormat {
  return cached(
    `full|${currentLocale()}|${timeZone}`,
    () =>
      new Intl.DateTimeFormat(currentLocale(), {
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
        timeZoneName: 'long',
        timeZone,
      }),
  );
}

/** The calendar day of `date` in a zone, for comparing days. */
function dayKey(date: Date, timeZone: string): string {
  return cached(
    `day|${timeZone}`,
    () => new Intl.DateTimeFormat('en-CA', { dateStyle: 'short', timeZone }),
  ).format(date);
}

let readerZone: string | null = null;

/**
 * The reader's own IANA time zone, as the browser (or Node) reports it. Read once: asking Intl
 * costs more than formatting a time, and every time on the screen asks.
 */
export function readerTimeZone(): string {
  readerZone ??= new Intl.DateTimeFormat().resolvedOptions().timeZone;
  return readerZone;
}

const UTC_ALIASES = new Set([
  'UTC',
  'Etc/UTC',
  'Etc/Universal',
  'Etc/Zulu',
  'Etc/GMT',
  'GMT',
  'Universal',
  'Zulu',
]);

/** True when a zone is UTC itself, so a second copy of the time would add nothing. */
export function isUtcZone(timeZone: string): boolean {
  return UTC_ALIASES.has(timeZone);
}

function parse(iso: string): Date | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** One time in one zone, with its zone's short name; the date only when not today there. */
export function formatInZone(date: Date, timeZone: string, now: Date = new Date()): string {
  const isToday = dayKey(date, timeZone) === dayKey(now, timeZone);
  return formatter(timeZone, !isToday).format(date);
}

/** "21:04:05 UTC · 22:04:05 CET" for an ISO timestamp; the input itself when it is not a time. */
export function formatDualTime(
  iso: string,
  now: Date = new Date(),
  readerZone: string = readerTimeZone(),
): string {
  const date = parse(iso);
  if (date === null) return iso;
  const utc = formatInZone(date, 'UTC', now);
  if (isUtcZone(readerZone)) return utc;
  return t('time.dual', { utc, local: formatInZone(date, readerZone, now) });
}

/** "21:04:05 UTC" alone, for sentences that name one moment, such as a link's outage. */
export function formatUtcTime(iso: string, now: Date = new Date()): string {
  const date = parse(iso);
  return date === null ? iso : formatInZone(date, 'UTC', now);
}

/**
 * "21:04 UTC", to the minute, for a sentence about something that stays true for a while (a
 * refused link, the oldest message waiting); the date is added when it is not today in UTC.
 */
export function formatUtcMinute(iso: string, now: Date = new Date()): string {
  const date = parse(iso);
  if (date === null) return iso;
  const isToday = dayKey(date, 'UTC') === dayKey(now, 'UTC');
  return minuteFormatter(!isToday).format(date);
}

/** A peer node's name and IANA zone, for hover titles (CON2). */
export interface PeerZone {
  name: string;
  timeZone: string;
}

let knownPeerZones: readonly PeerZone[] = [];

/**
 * The peers' zones that hover titles show from now on; the console sets them from the peer
 * list. Zones this browser does not know are left out (the name came from another node).
 */
export function setPeerTimeZones(peers: readonly PeerZone[]): void {
  knownPeerZones = peers.filter((peer) => isKnownTimeZone(peer.timeZone));
}

/**
 * The full moment for a hover title, one zone a line: UTC, then the reader's zone, by their
 * long names, e.g. "Thu, 26 Nov 2026, 21:04:05 Coordinated Universal Time", then the time at
 * each peer in its own zone ("At Bravo: Fri, 27 Nov 2026, 06:04:05 Japan Standard Time").
 */
export function formatFullTime(
  iso: string,
  readerZone: string = readerTimeZone(),
  peers: readonly PeerZone[] = knownPeerZones,
): string {
  const date = parse(iso);
  if (date === null) return iso;
  const zones = isUtcZone(readerZone) ? ['UTC'] : ['UTC', readerZone];
  const lines = zones.map((zone) => fullFormatter(zone).format(date));
  for (const peer of peers) {
    if (!isKnownTimeZone(peer.timeZone)) continue;
    lines.push(t('time.atPeer', { peer: peer.name, time: fullFormatter(peer.timeZone).format(date) }));
  }
  return lines.join('\n');
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** A span in words, rounded for reading at a glance: "45 s", "9 min", "2 h 05 min". */
export function formatSpan(spanMs: number): string {
  const ms = Math.abs(spanMs);
  if (ms < MINUTE_MS) return t('time.seconds', { count: Math.floor(ms / 1000) });
  if (ms < HOUR_MS) return t('time.minutes', { count: Math.floor(ms / MINUTE_MS) });
  const hours = Math.floor(ms / HOUR_MS);
  const minutes = Math.floor((ms % HOUR_MS) / MINUTE_MS);
  return t('time.hoursMinutes', { hours, minutes: String(minutes).padStart(2, '0') });
}

/** "in 9 min" before `iso`, "4 min ago" after it; null when `iso` is not a time. */
export function formatRelative(iso: string, nowMs: number): string | null {
  const date = parse(iso);
  if (date === null) return null;
  const spanMs = date.getTime() - nowMs;
  return spanMs >= 0
    ? t('time.in', { span: formatSpan(spanMs) })
    : t('time.ago', { span: formatSpan(spanMs) });
}
