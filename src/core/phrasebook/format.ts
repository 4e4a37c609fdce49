/**
 * Formats one parameter value for a reader (HOT6, CON2): times in UTC and the reader's zone,
 * positions in degrees and decimal minutes, distances in nautical miles (metres under 1 NM),
 * speeds in knots, frequencies in MHz, with each language's units and number conventions
 * (Chinese and Japanese write the unit against the number, with full-width brackets).
 *
 * Pure: only `Intl`, no Node built-ins, so the console renders with the same code as the node.
 */
import type { Language, ParamDecl, ParamValue, Position } from './types.ts';

/** How a reader wants values shown. */
export interface RenderOptions {
  /** The reader's IANA time zone; times show in UTC alone when it is UTC or not given. */
  timeZone?: string;
}

/** One nautical mile in metres (exact, by definition). */
export const METRES_PER_NAUTICAL_MILE = 1852;

const LOCALES: Record<Language, string> = { en: 'en-GB', zh: 'zh-CN', ja: 'ja-JP' };

const numberFormats = new Map<string, Intl.NumberFormat>();

function formatNumber(language: Language, value: number, fractionDigits: number): string {
  const key = `${language}|${fractionDigits}`;
  let format = numberFormats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(LOCALES[language], {
      minimumFractionDigits: fractionDigits,
      maximumFractionDigits: fractionDigits,
    });
    numberFormats.set(key, format);
  }
  return format.format(value);
}

/** A value with its unit: spaced in English, set against the number in Chinese and Japanese. */
function withUnit(language: Language, number: string, units: Record<Language, string>): string {
  return language === 'en' ? `${number} ${units.en}` : `${number}${units[language]}`;
}

/** Whole degrees as three digits, the way bearings and courses are spoken: 045°. */
function degrees3(language: Language, value: number): string {
  const digits = String(Math.round(value) % 360).padStart(3, '0');
  return language === 'ja' ? `${digits}度` : `${digits}°`;
}

/** One axis in degrees and decimal minutes, minutes rounded to a tenth without reaching 60. */
function degreesMinutes(value: number): { degrees: number; minutes: string } {
  const absolute = Math.abs(value);
  let degrees = Math.floor(absolute);
  let tenths = Math.round((absolute - degrees) * 600);
  if (tenths >= 600) {
    degrees += 1;
    tenths -= 600;
  }
  return { degrees, minutes: (tenths / 10).toFixed(1).padStart(4, '0') };
}

/** `24°30.0′N 122°15.5′E`; 北纬24°30.0′、东经122°15.5′; 北緯24度30.0分、東経122度15.5分. */
export function formatPosition(language: Language, position: Position): string {
  const lat = degreesMinutes(position.lat);
  const lon = degreesMinutes(position.lon);
  const isNorth = position.lat >= 0;
  const isEast = position.lon >= 0;
  switch (language) {
    case 'en':
      return `${lat.degrees}°${lat.minutes}′${isNorth ? 'N' : 'S'} ${lon.degrees}°${lon.minutes}′${isEast ? 'E' : 'W'}`;
    case 'zh':
      return `${isNorth ? '北纬' : '南纬'}${lat.degrees}°${lat.minutes}′、${isEast ? '东经' : '西经'}${lon.degrees}°${lon.minutes}′`;
    case 'ja':
      return `${isNorth ? '北緯' : '南緯'}${lat.degrees}度${lat.minutes}分、${isEast ? '東経' : '西経'}${lon.degrees}度${lon.minutes}分`;
  }
}

/** Metres as nautical miles to a tenth from 1 NM up, as whole metres below it. */
export function formatDistance(language: Language, metres: number): string {
  if (metres >= METRES_PER_NAUTICAL_MILE) {
    const miles = formatNumber(language, metres / METRES_PER_NAUTICAL_MILE, 1);
    return withUnit(language, miles, { en: 'NM', zh: '海里', ja: '海里' });
  }
  return withUnit(language, formatNumber(language, Math.round(metres), 0), {
    en: 'm',
    zh: '米',
    ja: 'メートル',
  });
}

/** Whole minutes as hours and minutes: 2 h 30 min; 2小时30分钟; 2時間30分. */
function formatDuration(language: Language, totalMinutes: number): string {
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  const parts: string[] = [];
  const hourUnit = { en: 'h', zh: '小时', ja: '時間' };
  const minuteUnit = { en: 'min', zh: '分钟', ja: '分' };
  if (hours > 0) parts.push(withUnit(language, formatNumber(language, hours, 0), hourUnit));
  if (minutes > 0 || hours === 0) parts.push(withUnit(language, String(minutes), minuteUnit));
  return parts.join(language === 'en' ? ' ' : '');
}

interface ClockParts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  zoneName: string;
}

/** The wall-clock parts of an instant in a zone, and the zone's short name in a language. */
function clockParts(language: Language, date: Date, timeZone: string): ClockParts {
  const parts = new Intl.DateTimeFormat(LOCALES[language], {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
    timeZoneName: 'short',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    year: part('year'),
    month: part('month'),
    day: part('day'),
    hour: part('hour').padStart(2, '0'),
    minute: part('minute').padStart(2, '0'),
    zoneName: part('timeZoneName'),
  };
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function dateText(language: Language, parts: ClockParts, withYear: boolean): string {
  if (language === 'en') {
    const month = MONTHS_EN[Number(parts.month) - 1] ?? parts.month;
    return withYear ? `${Number(parts.day)} ${month} ${parts.year}` : `${Number(parts.day)} ${month}`;
  }
  const monthDay = `${Number(parts.month)}月${Number(parts.day)}日`;
  return withYear ? `${parts.year}年${monthDay}` : monthDay;
}

/** Whether a zone is a name `Intl` knows; an unknown zone falls back to UTC alone. */
function isKnownZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const UTC_ZONES = new Set([
  'UTC',
  'Etc/UTC',
  'Etc/GMT',
  'GMT',
  'Etc/Universal',
  'Etc/Zulu',
  'Universal',
  'Zulu',
]);

/**
 * An instant in UTC, then in the reader's zone (CON2); the reader's date only when it is not
 * the UTC date: `14:30 UTC 5 Mar 2026 (23:30 GMT+9)`; `2026年3月5日 14:30 UTC（本地时间 22:30 GMT+8）`.
 */
export function formatTime(language: Language, iso: string, options: RenderOptions = {}): string {
  const date = new Date(iso);
  const utc = clockParts(language, date, 'UTC');
  const utcText =
    language === 'en'
      ? `${utc.hour}:${utc.minute} UTC ${dateText(language, utc, true)}`
      : `${dateText(language, utc, true)} ${utc.hour}:${utc.minute} UTC`;
  const zone = options.timeZone;
  if (zone === undefined || UTC_ZONES.has(zone) || !isKnownZone(zone)) return utcText;
  const local = clockParts(language, date, zone);
  const isSameDay = local.day === utc.day && local.month === utc.month && local.year === utc.year;
  const localDate = isSameDay ? '' : dateText(language, local, false);
  const localClock = `${local.hour}:${local.minute} ${local.zoneName}`.trim();
  switch (language) {
    case 'en':
      return `${utcText} (${localClock}${localDate ? `, ${localDate}` : ''})`;
    case 'zh':
      return `${utcText}（本地时间${localDate ? ` ${localDate}` : ''} ${localClock}）`;
    case 'ja':
      return `${utcText}（現地時間${localDate ? ` ${localDate}` : ''} ${localClock}）`;
  }
}

/**
 * The text of one valid parameter value in a language. Values must have passed
 * `validateParams`; text and platform names are shown exactly as written.
 */
export function formatParam(
  language: Language,
  decl: ParamDecl,
  value: ParamValue,
  options: RenderOptions = {},
): string {
  if (typeof value === 'object') return formatPosition(language, value);
  switch (decl.type) {
    case 'time':
      return formatTime(language, String(value), options);
    case 'bearing':
    case 'course':
      return degrees3(language, Number(value));
    case 'distance':
      return formatDistance(language, Number(value));
    case 'speed':
      return withUnit(language, formatNumber(language, Number(value), Number.isInteger(value) ? 0 : 1), {
        en: 'kn',
        zh: '节',
        ja: 'ノット',
      });
    case 'altitude':
      return withUnit(language, formatNumber(language, Math.round(Number(value)), 0), {
        en: 'm',
        zh: '米',
        ja: 'メートル',
      });
    case 'frequency':
      return withUnit(language, formatNumber(language, Number(value), 3).replace(/,/g, ''), {
        en: 'MHz',
        zh: '兆赫',
        ja: 'MHz',
      });
    case 'duration':
      return formatDuration(language, Number(value));
    case 'integer':
      return formatNumber(language, Number(value), 0);
    case 'choice':
      return decl.options?.[String(value)]?.[language] ?? String(value);
    case 'position':
    case 'platform':
    case 'text':
      return String(value);
  }
}
