/**
 * The activity notice form as data (ENC3): what the duty officer types, kept as text, and the
 * notice it makes.
 *
 * The area is a polygon, one position a line, or a circle, a centre and a radius in nautical
 * miles; positions are read with `parsePosition` (decimal degrees or degrees and minutes). The
 * window is typed in `datetime-local` fields whose values are read in UTC or in the reader's own
 * zone, as the form says on screen (`zonedTime.ts`); it opens on now to now + 4 h, in UTC.
 * The altitude band is optional: an empty bottom is the surface. `toNotice` checks what the node
 * will check with the node's own rules (`noticeSchema`, `noticeProblems`), so each field's
 * problem shows before sending; `noticeProblemText` words a problem (the form's, or one of the
 * node's 400 `fields`) in the reader's language.
 *
 * Pure: the current time and the reader's zone are arguments.
 */

import {
  type ACTIVITY_KINDS,
  type FieldIssue,
  type NoticeInput,
  noticeProblems,
  noticeSchema,
} from '../../../src/core/encounter.ts';
import { type LatLon, METRES_PER_NM, parsePosition } from '../../../src/core/geo.ts';
import type { Precedence } from '../../../src/core/types.ts';
import { FormReader } from '../formReader.ts';
import { currentLanguage, type StringKey, t } from '../strings.ts';
import { formatZonedInput, parseZonedInput } from './zonedTime.ts';

export type ActivityKind = (typeof ACTIVITY_KINDS)[number];
export type AreaType = 'polygon' | 'circle';
/** Which clock the window's fields are typed on. */
export type TimeBasis = 'utc' | 'local';

/** The whole form as typed. */
export interface NoticeForm {
  /** Empty until chosen: the kind of activity is never guessed. */
  kind: ActivityKind | '';
  title: string;
  areaType: AreaType;
  /** One position a line; blank lines are skipped. */
  points: string;
  centre: string;
  radiusNm: string;
  timeBasis: TimeBasis;
  /** `datetime-local` values (`2026-11-27T14:30`) on the `timeBasis` clock. */
  from: string;
  until: string;
  altMinFt: string;
  altMaxFt: string;
  contact: string;
  description: string;
  precedence: Precedence;
}

/** How long a new notice lasts until the officer says otherwise. */
export const DEFAULT_DURATION_MS = 4 * 3_600_000;

/** The zone the fields of a basis are read in. */
export function basisZone(basis: TimeBasis, readerZone: string): string {
  return basis === 'utc' ? 'UTC' : readerZone;
}

/** The form as it opens: no kind yet, a polygon, from now (to the minute) to 4 h later, in UTC. */
export function emptyNoticeForm(nowMs: number): NoticeForm {
  return {
    kind: '',
    title: '',
    areaType: 'polygon',
    points: '',
    centre: '',
    radiusNm: '',
    timeBasis: 'utc',
    from: formatZonedInput(nowMs, 'UTC'),
    until: formatZonedInput(nowMs + DEFAULT_DURATION_MS, 'UTC'),
    altMinFt: '',
    altMaxFt: '',
    contact: '',
    description: '',
    precedence: 'PRIORITY',
  };
}

/**
 * The form on another clock: the window's fields are rewritten so they name the same moments.
 * A field that does not read as a time is left as typed.
 */
export function withTimeBasis(form: NoticeForm, basis: TimeBasis, readerZone: string): NoticeForm {
  if (basis === form.timeBasis) return form;
  const from = basisZone(form.timeBasis, readerZone);
  const to = basisZone(basis, readerZone);
  const convert = (value: string) => {
    const iso = parseZonedInput(value, from);
    return iso === null ? value : formatZonedInput(Date.parse(iso), to);
  };
  return { ...form, timeBasis: basis, from: convert(form.from), until: convert(form.until) };
}

/** One line of the polygon field that reads as a position, with its place among the points. */
export interface ReadPoint {
  index: number;
  text: string;
  result: ReturnType<typeof parsePosition>;
}

/** The polygon field's non-blank lines, each read as a position. */
export function readPoints(text: string): ReadPoint[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line, index) => ({ index, text: line, result: parsePosition(line) }));
}

/** Reads this form's text; times are read its own way. */
class Reader extends FormReader {
  time(text: string, zone: string, path: string): string {
    const iso = parseZonedInput(text, zone);
    if (iso !== null) return iso;
    this.add(path, text.trim() === '' ? 'a time' : 'a date and time that exists on that clock');
    return '';
  }
}

/** NaN stands in for a value that did not read, so the schema has a shape to look at. */
const UNREAD = Number.NaN;

function readArea(form: NoticeForm, reader: Reader): NoticeInput['area'] {
  if (form.areaType === 'circle') {
    const center = reader.position(form.centre, 'area.center') ?? { lat: UNREAD, lon: UNREAD };
    const radiusNm = reader.optionalNumber(form.radiusNm, 'area.radiusM');
    if (radiusNm === undefined && form.radiusNm.trim() === '') reader.add('area.radiusM', 'a radius');
    return { type: 'circle', center, radiusM: radiusNm === undefined ? UNREAD : radiusNm * METRES_PER_NM };
  }
  const points: LatLon[] = [];
  for (const point of readPoints(form.points)) {
    if (point.result.ok) points.push(point.result.position);
    else reader.add(`area.points.${point.index}`, point.result.message);
  }
  return { type: 'polygon', points };
}

function readAltitude(form: NoticeForm, reader: Reader): NoticeInput['altitude'] {
  if (form.altMinFt.trim() === '' && form.altMaxFt.trim() === '') return undefined;
  // An empty bottom is the surface; an empty top is a band not finished.
  const minFt = reader.optionalNumber(form.altMinFt, 'altitude.minFt') ?? 0;
  const maxFt = reader.optionalNumber(form.altMaxFt, 'altitude.maxFt');
  if (maxFt === undefined && form.altMaxFt.trim() === '') reader.add('altitude.maxFt', 'the top of the band');
  return { minFt, maxFt: maxFt ?? UNREAD };
}

/** The notice the form makes, as the node takes it. */
function readForm(form: NoticeForm, readerZone: string, reader: Reader): NoticeInput {
  const zone = basisZone(form.timeBasis, readerZone);
  const altitude = readAltitude(form, reader);
  const description = form.description.trim();
  return {
    kind: form.kind as ActivityKind,
    title: form.title.trim(),
    area: readArea(form, reader),
    from: reader.time(form.from, zone, 'from'),
    until: reader.time(form.until, zone, 'until'),
    ...(altitude ? { altitude } : {}),
    contact: form.contact.trim(),
    ...(description === '' ? {} : { description }),
  };
}

/** What `toNotice` gives: the notice when every check passes, else each field's problem. */
export type NoticeFormResult =
  | { ok: true; notice: NoticeInput; precedence: Precedence }
  | { ok: false; problems: FieldIssue[] };

/** The field a reading problem belongs to: a polygon's point belongs to the points field. */
function fieldRoot(path: string): string {
  return path.startsWith('area.points.') ? 'area.points' : path;
}

/**
 * Reads the form and checks it as the node will: the typed text first (times, positions,
 * numbers), then the schema for the fields that read, then the checks across fields.
 */
export function toNotice(form: NoticeForm, readerZone: string): NoticeFormResult {
  const reader = new Reader();
  const notice = readForm(form, readerZone, reader);
  const unread = [...new Set(reader.problems.map((p) => fieldRoot(p.path)))];
  const isUnread = (path: string) => unread.some((root) => path === root || path.startsWith(`${root}.`));
  const parsed = noticeSchema.safeParse(notice);
  const schemaProblems = parsed.success
    ? []
    : parsed.error.issues
        .map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message }))
        .filter((issue) => !isUnread(issue.path));
  const problems = [...reader.problems, ...schemaProblems];
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  const crossField = noticeProblems(parsed.data);
  return crossField.length > 0
    ? { ok: false, problems: crossField }
    : { ok: true, notice: parsed.data, precedence: form.precedence };
}

/** The problems at a field: its own path and any below it (`area.points` has `area.points.2` …). */
export function problemsUnder(problems: readonly FieldIssue[], root: string): FieldIssue[] {
  return problems.filter((p) => p.path === root || p.path.startsWith(`${root}.`));
}

/** The fields the form shows problems beside; any other problem is listed at its foot. */
export const NOTICE_FIELDS = [
  'kind',
  'title',
  'area.points',
  'area.center',
  'area.radiusM',
  'from',
  'until',
  'altitude',
  'contact',
  'description',
  'precedence',
  'line',
] as const;

/** Whether a problem shows beside one of the form's fields. */
export function isBesideField(path: string): boolean {
  return NOTICE_FIELDS.some((root) => path === root || path.startsWith(`${root}.`));
}

/** Field paths whose problem has its own words. */
const FIELD_WORDS: Record<string, StringKey> = {
  kind: 'notices.error.kind',
  title: 'notices.error.title',
  area: 'notices.error.area',
  'area.type': 'notices.error.area',
  'area.points': 'notices.error.points',
  'area.radiusM': 'notices.error.radius',
  from: 'notices.error.from',
  until: 'notices.error.until',
  altitude: 'notices.error.altitude',
  'altitude.minFt': 'notices.error.altitude',
  'altitude.maxFt': 'notices.error.altitude',
  contact: 'notices.error.contact',
  description: 'notices.error.description',
  precedence: 'notices.error.precedence',
  line: 'notices.error.line',
};

function capitalized(text: string): string {
  return text.length === 0 ? text : `${text[0]?.toUpperCase()}${text.slice(1)}.`.replace(/\.\.$/, '.');
}

/**
 * A position's problem: what the parser found, in English (its words are the most precise), or
 * the rule with an example in the other languages.
 */
function positionProblem(message: string): string {
  return currentLanguage() === 'en' ? capitalized(message) : t('notices.error.position');
}

/** A field's problem in the reader's language; a path without words of its own shows the node's. */
export function noticeProblemText(problem: FieldIssue): string {
  const point = /^area\.points\.(\d+)(\.(lat|lon))?$/.exec(problem.path);
  if (point) {
    const n = Number(point[1]) + 1;
    // A point the node refused (`.lat`, `.lon`) is out of range; one the form could not read
    // says why.
    const why = point[2] === undefined ? positionProblem(problem.message) : t('notices.error.position');
    return t('notices.error.point', { n, problem: why });
  }
  if (problem.path === 'area.center' || problem.path.startsWith('area.center.')) {
    return problem.path === 'area.center' ? positionProblem(problem.message) : t('notices.error.position');
  }
  const key = FIELD_WORDS[problem.path];
  return key === undefined ? capitalized(problem.message) : t(key);
}
