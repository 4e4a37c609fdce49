/**
 * The encounter report form as data (ENC1): what the officer types, kept as text, and the
 * report it makes.
 *
 * Defaults let a stressed officer start at once: sea, the time now in UTC, medium severity, one
 * of our platforms and one of theirs. Times are typed in UTC (`2026-11-27 02:40`), positions in
 * decimal degrees or degrees and minutes (`parsePosition`), the closest approach in nautical miles
 * or metres. `toReport` checks what the node will check, with the node's own rules
 * (`encounterReportSchema`, `reportProblems`), so each field's problem shows before sending;
 * `fieldProblemText` words a problem (the form's or the node's 400 `fields`) in the reader's
 * language.
 *
 * Pure: the current time is an argument.
 */

import {
  type Domain,
  type EncounterReport,
  encounterReportSchema,
  type FieldIssue,
  type Platform,
  type RecordedReport,
  reportProblems,
  type Severity,
} from '../../../src/core/encounter.ts';
import { METRES_PER_NM } from '../../../src/core/geo.ts';
import { FormReader } from '../formReader.ts';
import { currentLanguage, type StringKey, t } from '../strings.ts';

/** One platform as typed. `mark` is the hull number at sea, the tail number in the air. */
export interface PlatformRow {
  kind: string;
  name: string;
  mark: string;
  callSign: string;
  position: string;
  course: string;
  speed: string;
}

/** One on-scene communication as typed. */
export interface CommunicationRow {
  kind: string;
  text: string;
  answered: 'yes' | 'no';
}

/** An uploaded attachment: its blob name, and the file's name and size for the list. */
export interface AttachmentRow {
  hash: string;
  name: string;
  size: number;
}

export type DistanceUnit = 'nm' | 'm';

/** The whole form as typed. */
export interface EncounterForm {
  domain: Domain;
  /** UTC, `YYYY-MM-DD HH:MM`. */
  occurredAt: string;
  position: string;
  severity: Severity;
  ownPlatforms: PlatformRow[];
  otherPlatforms: PlatformRow[];
  behaviours: string[];
  communications: CommunicationRow[];
  narrative: string;
  attachments: AttachmentRow[];
  approachDistance: string;
  approachUnit: DistanceUnit;
  /** UTC, like `occurredAt`; empty means at the time of the encounter. */
  approachAt: string;
}

export type PlatformSide = 'ownPlatforms' | 'otherPlatforms';

export function emptyPlatform(): PlatformRow {
  return { kind: '', name: '', mark: '', callSign: '', position: '', course: '', speed: '' };
}

export function emptyCommunication(): CommunicationRow {
  return { kind: 'radio', text: '', answered: 'no' };
}

/** `2026-11-27 02:40`: a moment as the form shows it, in UTC to the minute. */
export function formatUtcInput(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

const UTC_INPUT = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?\s*(?:Z|UTC)?$/i;

/**
 * Reads a UTC time as typed: `2026-11-27 02:40`, with optional seconds, `T` for the space and a
 * trailing `Z` or `UTC`. Null when it is not a real moment (a 31 February, a 25th hour).
 */
export function parseUtcInput(text: string): string | null {
  const match = UTC_INPUT.exec(text.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? '0'));
  if (month === undefined || day === undefined || hour === undefined || minute === undefined) return null;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || (second ?? 0) > 59) return null;
  const date = new Date(Date.UTC(year ?? 0, month - 1, day, hour, minute, second ?? 0));
  // Date.UTC rolls a 31 February over into March: such a date is not a real one.
  if (date.getUTCDate() !== day) return null;
  return date.toISOString();
}

/** The form as it opens: sea, now, medium severity, one platform on each side. */
export function emptyForm(nowMs: number): EncounterForm {
  return {
    domain: 'sea',
    occurredAt: formatUtcInput(nowMs),
    position: '',
    severity: 'medium',
    ownPlatforms: [emptyPlatform()],
    otherPlatforms: [emptyPlatform()],
    behaviours: [],
    communications: [],
    narrative: '',
    attachments: [],
    approachDistance: '',
    approachUnit: 'nm',
    approachAt: '',
  };
}

/** A position as the form shows it back: decimal degrees as held, so nothing is lost. */
function positionText(position: { lat: number; lon: number } | undefined): string {
  return position === undefined ? '' : `${position.lat} ${position.lon}`;
}

function platformRow(platform: Platform): PlatformRow {
  return {
    kind: platform.kind,
    name: platform.name,
    mark: platform.hull ?? platform.tail ?? '',
    callSign: platform.callSign ?? '',
    position: positionText(platform.position),
    course: platform.courseDeg === undefined ? '' : String(platform.courseDeg),
    speed: platform.speedKn === undefined ? '' : String(platform.speedKn),
  };
}

/** The form filled from a report (a draft being edited). Attachment names are their hashes. */
export function formFromReport(report: RecordedReport): EncounterForm {
  const approach = report.closestApproach;
  const isWholeNm = approach !== undefined && approach.distanceM % METRES_PER_NM === 0;
  return {
    domain: report.domain,
    occurredAt: formatUtcInput(Date.parse(report.occurredAt)),
    position: positionText(report.position),
    severity: report.severity,
    ownPlatforms: report.ownPlatforms.map(platformRow),
    otherPlatforms: report.otherPlatforms.map(platformRow),
    behaviours: [...report.behaviours],
    communications: report.communications.map((c) => ({
      kind: c.kind,
      text: c.text,
      answered: c.answered ? 'yes' : 'no',
    })),
    narrative: report.narrative,
    attachments: (report.attachments ?? []).map((hash) => ({ hash, name: hash.slice(0, 12), size: 0 })),
    approachDistance:
      approach === undefined
        ? ''
        : String(isWholeNm ? approach.distanceM / METRES_PER_NM : approach.distanceM),
    approachUnit: approach === undefined || isWholeNm ? 'nm' : 'm',
    approachAt: approach === undefined ? '' : formatUtcInput(Date.parse(approach.at)),
  };
}

/** Reads this form's text; times are read its own way. */
class Reader extends FormReader {
  time(text: string, path: string): string {
    const iso = parseUtcInput(text);
    if (iso !== null) return iso;
    this.add(path, 'a UTC time like 2026-11-27 02:40');
    return '';
  }
}

function readPlatform(row: PlatformRow, domain: Domain, path: string, reader: Reader): Platform {
  const platform: Platform = { kind: row.kind, name: row.name.trim() };
  const mark = row.mark.trim();
  if (mark !== '') platform[domain === 'sea' ? 'hull' : 'tail'] = mark;
  if (row.callSign.trim() !== '') platform.callSign = row.callSign.trim();
  if (row.position.trim() !== '') {
    const position = reader.position(row.position, `${path}.position`);
    if (position) platform.position = position;
  }
  const course = reader.optionalNumber(row.course, `${path}.courseDeg`);
  if (course !== undefined) platform.courseDeg = course;
  const speed = reader.optionalNumber(row.speed, `${path}.speedKn`);
  if (speed !== undefined) platform.speedKn = speed;
  return platform;
}

function readApproach(form: EncounterForm, occurredAt: string, reader: Reader) {
  const hasDistance = form.approachDistance.trim() !== '';
  if (!hasDistance && form.approachAt.trim() === '') return undefined;
  if (!hasDistance) {
    reader.add('closestApproach.distanceM', 'the distance at the closest approach');
    return undefined;
  }
  const distance = reader.optionalNumber(form.approachDistance, 'closestApproach.distanceM');
  const at = form.approachAt.trim() === '' ? occurredAt : reader.time(form.approachAt, 'closestApproach.at');
  if (distance === undefined || at === '') return undefined;
  const distanceM = form.approachUnit === 'nm' ? Math.round(distance * METRES_PER_NM) : Math.round(distance);
  return { distanceM, at };
}

/** The report the form makes, as the node takes it (`draft` to keep it here unsent). */
function readForm(form: EncounterForm, isDraft: boolean, reader: Reader): EncounterReport {
  const occurredAt = reader.time(form.occurredAt, 'occurredAt');
  const position = reader.position(form.position, 'position') ?? { lat: 0, lon: 0 };
  const closestApproach = readApproach(form, occurredAt, reader);
  const attachments = form.attachments.map((a) => a.hash);
  return {
    domain: form.domain,
    occurredAt,
    position,
    severity: form.severity,
    ownPlatforms: form.ownPlatforms.map((row, i) =>
      readPlatform(row, form.domain, `ownPlatforms.${i}`, reader),
    ),
    otherPlatforms: form.otherPlatforms.map((row, i) =>
      readPlatform(row, form.domain, `otherPlatforms.${i}`, reader),
    ),
    ...(attachments.length > 0 ? { attachments } : {}),
    ...(closestApproach ? { closestApproach } : {}),
    behaviours: [...form.behaviours],
    communications: form.communications.map((row) => ({
      kind: row.kind as EncounterReport['communications'][number]['kind'],
      text: row.text.trim(),
      answered: row.answered === 'yes',
    })),
    narrative: form.narrative.trim(),
    ...(isDraft ? { draft: true } : {}),
  };
}

/** What `toReport` gives: the report when every check passes, else each field's problem. */
export type FormResult = { ok: true; report: EncounterReport } | { ok: false; problems: FieldIssue[] };

/**
 * Reads the form and checks it as the node will: the typed text first (times, positions,
 * numbers), then the schema for the fields that read, then the checks across fields.
 */
export function toReport(form: EncounterForm, nowMs: number, isDraft = false): FormResult {
  const reader = new Reader();
  const report = readForm(form, isDraft, reader);
  const unread = new Set(reader.problems.map((p) => p.path));
  const parsed = encounterReportSchema.safeParse(report);
  const schemaProblems = parsed.success
    ? []
    : parsed.error.issues
        .map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message }))
        .filter((issue) => !unread.has(issue.path));
  const problems = [...reader.problems, ...schemaProblems];
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  const crossField = reportProblems(parsed.data, nowMs);
  return crossField.length > 0 ? { ok: false, problems: crossField } : { ok: true, report: parsed.data };
}

/** The problems of one field (a path like `ownPlatforms.0.name`), first one first. */
export function problemsAt(problems: readonly FieldIssue[], path: string): FieldIssue[] {
  return problems.filter((p) => p.path === path);
}

/** Field paths whose problem has its own words, with the index of a row replaced by `*`. */
const FIELD_WORDS: Record<string, StringKey> = {
  domain: 'encounters.error.domain',
  occurredAt: 'encounters.error.occurredAt',
  severity: 'encounters.error.severity',
  ownPlatforms: 'encounters.error.ownPlatforms',
  otherPlatforms: 'encounters.error.otherPlatforms',
  '*.*.kind': 'encounters.error.platformKind',
  '*.*.name': 'encounters.error.platformName',
  '*.*.hull': 'encounters.error.platformMark',
  '*.*.tail': 'encounters.error.platformMark',
  '*.*.callSign': 'encounters.error.platformCallSign',
  '*.*.courseDeg': 'encounters.error.course',
  '*.*.speedKn': 'encounters.error.speed',
  attachments: 'encounters.error.attachments',
  'attachments.*': 'encounters.error.attachments',
  closestApproach: 'encounters.error.approachDistance',
  'closestApproach.distanceM': 'encounters.error.approachDistance',
  'closestApproach.at': 'encounters.error.approachAt',
  behaviours: 'encounters.error.behaviours',
  'behaviours.*': 'encounters.error.behaviours',
  communications: 'encounters.error.communications',
  'communications.*.kind': 'encounters.error.commKind',
  'communications.*.text': 'encounters.error.commText',
  'communications.*.answered': 'encounters.error.commAnswered',
  narrative: 'encounters.error.narrative',
  line: 'encounters.error.line',
};

/** A path's rule name: row numbers become `*`, and a platform's side too. */
function pathPattern(path: string): string {
  const generic = path.replace(/\.\d+(?=\.|$)/g, '.*');
  return /^(own|other)Platforms\.\*\./.test(generic) ? generic.replace(/^\w+/, '*') : generic;
}

/**
 * A field's problem in the reader's language. A position's problem says what the parser found
 * in English (the most precise words) and the rule with an example in the others; a path without
 * words of its own shows the message as the node wrote it.
 */
export function fieldProblemText(problem: FieldIssue): string {
  const pattern = pathPattern(problem.path);
  if (pattern === 'position' || pattern.endsWith('.position')) {
    return currentLanguage() === 'en' ? capitalized(problem.message) : t('encounters.error.position');
  }
  const key = FIELD_WORDS[pattern];
  return key === undefined ? capitalized(problem.message) : t(key);
}

function capitalized(text: string): string {
  return text.length === 0 ? text : `${text[0]?.toUpperCase()}${text.slice(1)}.`.replace(/\.\.$/, '.');
}
