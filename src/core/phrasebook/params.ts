/**
 * Checks a templated message's parameters against the template's declarations (HOT6, SEC3):
 * every declared parameter present, nothing else, and each value of its type and in range.
 * Returns a result, not an exception: the node refuses an author's bad parameters with 400,
 * and the console shows a peer's message that fails here as its fallback text.
 */
import type { ParamDecl, ParamProblem, Params, ParamValue, Template } from './types.ts';

/** Longest `text` or `platform` value, in characters. */
export const MAX_TEXT_PARAM_LENGTH = 200;

/** Bounds of each numeric type, inclusive. */
export const NUMERIC_BOUNDS = {
  bearing: { min: 0, max: 359, unit: 'whole degrees' },
  course: { min: 0, max: 359, unit: 'whole degrees' },
  distance: { min: 1, max: 1_000_000, unit: 'metres' },
  speed: { min: 0, max: 2000, unit: 'knots' },
  altitude: { min: 0, max: 30_000, unit: 'metres' },
  frequency: { min: 0.003, max: 3000, unit: 'MHz' },
  duration: { min: 1, max: 10_080, unit: 'whole minutes' },
} as const;

/** RFC 3339 date-time with a zone, as the wire carries instants. */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The result of checking parameters. */
export type ParamCheck = { ok: true; params: Params } | { ok: false; problems: ParamProblem[] };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a string is a real RFC 3339 instant (not 30 February). */
function isInstant(value: string): boolean {
  const match = RFC3339.exec(value);
  if (!match) return false;
  const [, year, month, day, hour, minute] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return (
    date.getUTCMonth() === Number(month) - 1 &&
    date.getUTCDate() === Number(day) &&
    Number(hour) < 24 &&
    Number(minute) < 60 &&
    !Number.isNaN(Date.parse(value))
  );
}

/** Why one value does not fit its declaration, or null when it does. */
function problemOf(decl: ParamDecl, value: unknown): string | null {
  switch (decl.type) {
    case 'time':
      return typeof value === 'string' && isInstant(value)
        ? null
        : 'a time is an RFC 3339 instant with its zone, e.g. 2026-03-05T14:30:00Z';
    case 'position': {
      if (!isPlainObject(value)) return 'a position is {lat, lon} in decimal degrees';
      const keys = Object.keys(value).sort().join(',');
      const { lat, lon } = value;
      if (keys !== 'lat,lon' || typeof lat !== 'number' || typeof lon !== 'number')
        return 'a position is {lat, lon} in decimal degrees, and nothing else';
      if (!Number.isFinite(lat) || lat < -90 || lat > 90) return 'lat must be from -90 to 90';
      if (!Number.isFinite(lon) || lon < -180 || lon > 180) return 'lon must be from -180 to 180';
      return null;
    }
    case 'platform':
    case 'text': {
      const what = decl.type === 'platform' ? 'a platform (name, hull or tail number, call sign)' : 'a text';
      if (typeof value !== 'string') return `${what} is a string`;
      if (value.trim().length === 0) return `${what} may not be blank`;
      if (value.length > MAX_TEXT_PARAM_LENGTH)
        return `${what} has at most ${MAX_TEXT_PARAM_LENGTH} characters`;
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
      if (/[\u0000-\u001f\u007f]/.test(value)) return `${what} is one line without control characters`;
      return null;
    }
    case 'integer': {
      const min = decl.min ?? Number.MIN_SAFE_INTEGER;
      const max = decl.max ?? Number.MAX_SAFE_INTEGER;
      return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
        ? null
        : `an integer from ${min} to ${max}`;
    }
    case 'choice': {
      const keys = Object.keys(decl.options ?? {});
      return typeof value === 'string' && keys.includes(value) ? null : `one of ${keys.join(', ')}`;
    }
    default: {
      const bounds = NUMERIC_BOUNDS[decl.type];
      const isWhole = bounds.unit.startsWith('whole');
      const fits =
        typeof value === 'number' &&
        Number.isFinite(value) &&
        value >= bounds.min &&
        value <= bounds.max &&
        (!isWhole || Number.isInteger(value));
      return fits ? null : `${decl.type} in ${bounds.unit}, from ${bounds.min} to ${bounds.max}`;
    }
  }
}

/** Checks `params` against `template`'s declarations; on success returns them typed. */
export function validateParams(template: Template, params: unknown): ParamCheck {
  if (!isPlainObject(params)) {
    return { ok: false, problems: [{ path: 'params', message: 'params is an object of named values' }] };
  }
  const problems: ParamProblem[] = [];
  const declared = new Set(template.params.map((decl) => decl.name));
  for (const decl of template.params) {
    if (!Object.hasOwn(params, decl.name)) {
      problems.push({ path: `params.${decl.name}`, message: `${decl.name} is required (${decl.type})` });
      continue;
    }
    const problem = problemOf(decl, params[decl.name]);
    if (problem !== null) problems.push({ path: `params.${decl.name}`, message: `${decl.name}: ${problem}` });
  }
  for (const name of Object.keys(params)) {
    if (!declared.has(name)) {
      problems.push({
        path: `params.${name}`,
        message: `${name} is not a parameter of ${template.id}`,
      });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, params: params as Record<string, ParamValue> };
}
