/**
 * The phrasebook's types (HOT6): standard messages with typed parameters, each written in
 * English, Chinese (simplified) and Japanese.
 *
 * Pure types shared by the node and the console: no Node built-ins here.
 */

/** The languages every template is written in, and a user may read in (HOT6, CON4). */
export const LANGUAGES = ['en', 'zh', 'ja'] as const;

/** One of `LANGUAGES`. */
export type Language = (typeof LANGUAGES)[number];

/** Whether a value names one of the phrasebook's languages. */
export function isLanguage(value: unknown): value is Language {
  return LANGUAGES.some((language) => language === value);
}

/** A text in each language. */
export type Texts = Record<Language, string>;

/**
 * The kinds of parameter and what a value of each is on the wire:
 * - `time`: an RFC 3339 instant (`2026-03-05T14:30:00Z`); shown in UTC and the reader's zone;
 * - `position`: `{lat, lon}` in decimal degrees; shown in degrees and minutes;
 * - `platform`: a ship's or aircraft's name, hull or tail number, or call sign (text, kept as written);
 * - `bearing`, `course`: whole degrees true, 0–359;
 * - `distance`: metres; shown in nautical miles from 1 NM up, in metres below;
 * - `speed`: knots; `altitude`: metres; `frequency`: MHz; `duration`: whole minutes;
 * - `integer`: a whole number within the declared bounds;
 * - `text`: short free text, shown as written in every language (it is not translated);
 * - `choice`: one of the declared option keys, each option worded in every language.
 */
export const PARAM_TYPES = [
  'time',
  'position',
  'platform',
  'bearing',
  'course',
  'distance',
  'speed',
  'altitude',
  'frequency',
  'duration',
  'integer',
  'text',
  'choice',
] as const;

/** One of `PARAM_TYPES`. */
export type ParamType = (typeof PARAM_TYPES)[number];

/** A declared parameter of a template. */
export interface ParamDecl {
  /** The placeholder's name: `{name}` in every text. */
  name: string;
  type: ParamType;
  /** Bounds of an `integer` (inclusive). */
  min?: number;
  max?: number;
  /** The options of a `choice`, by key, worded in each language. */
  options?: Record<string, Texts>;
}

/** What a template is for, to group the picker. */
export const CATEGORIES = [
  'link',
  'notice',
  'intent',
  'manoeuvre',
  'safety',
  'deescalation',
  'call',
  'ack',
  'closing',
] as const;

/** One of `CATEGORIES`. */
export type Category = (typeof CATEGORIES)[number];

/** A standard message. */
export interface Template {
  /** Stable dotted id, e.g. `cues.intent.query`; never reused for another meaning. */
  id: string;
  category: Category;
  params: ParamDecl[];
  /** The message in each language, with `{name}` placeholders for every declared parameter. */
  text: Texts;
}

/**
 * A position on the wire: decimal degrees, north and east positive. A type, not an interface,
 * so parameter values stay assignable to an event body's JSON.
 */
export type Position = {
  lat: number;
  lon: number;
};

/** A parameter value as it travels in an event body. */
export type ParamValue = string | number | Position;

/** Parameter values by name. */
export type Params = Record<string, ParamValue>;

/** Where a parameter is wrong, and why, in the API's `fields` shape (SEC3). */
export interface ParamProblem {
  /** `params.<name>`, or `template` for an unknown template. */
  path: string;
  message: string;
}
