/**
 * The composer's phrasebook form (HOT6), without React: finding templates by id or by words in
 * the reader's language, and turning what was typed into each parameter's wire value (times
 * typed in UTC, positions as "lat, lon" in decimal degrees, distances in nautical miles).
 * Whatever cannot be read is passed on as typed, so `validateParams` names the parameter.
 */
import { METRES_PER_NAUTICAL_MILE } from '../../src/core/phrasebook/format.ts';
import { TEMPLATES } from '../../src/core/phrasebook/render.ts';
import type { Language, ParamDecl, Template } from '../../src/core/phrasebook/types.ts';

/** Templates whose id or text in `language` contains every word of `query` (case-insensitive). */
export function searchTemplates(query: string, language: Language): readonly Template[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return TEMPLATES;
  return TEMPLATES.filter((template) => {
    const haystack = `${template.id} ${template.text[language]}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

function readNumber(typed: string): number | string {
  const trimmed = typed.trim();
  if (trimmed === '') return typed;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : typed;
}

/** The wire value of one typed parameter. */
export function paramValue(decl: ParamDecl, typed: string): unknown {
  switch (decl.type) {
    case 'time': {
      // A datetime-local input gives "2026-03-05T14:30"; the form asks for UTC.
      const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?$/.exec(typed.trim());
      return match ? `${match[1]}${match[2] ?? ':00'}Z` : typed;
    }
    case 'position': {
      const parts = typed.split(/[,\s]+/).filter(Boolean);
      const [lat, lon] = parts.map(Number);
      return parts.length === 2 && Number.isFinite(lat) && Number.isFinite(lon) ? { lat, lon } : typed;
    }
    case 'distance': {
      const miles = readNumber(typed);
      return typeof miles === 'number' ? Math.round(miles * METRES_PER_NAUTICAL_MILE) : miles;
    }
    case 'platform':
    case 'text':
    case 'choice':
      return typed.trim() === '' ? undefined : typed.trim();
    default:
      return readNumber(typed);
  }
}

/** The params object of a filled form; blank fields are left out (and so reported missing). */
export function formParams(template: Template, typed: Record<string, string>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const decl of template.params) {
    const value = paramValue(decl, typed[decl.name] ?? '');
    if (value !== undefined && value !== '') params[decl.name] = value;
  }
  return params;
}
