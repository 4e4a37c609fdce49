/**
 * The phrasebook and its renderer (HOT6): a templated message is stored as its template id and
 * typed parameters, and every reader renders it in their own language and zone.
 *
 * Rendering fills each `{name}` placeholder of the template's text in the reader's language
 * with the parameter formatted for that language (`format.ts`). The result is plain text: the
 * console shows it as text, never as HTML.
 */
import { formatParam, type RenderOptions } from './format.ts';
import { validateParams } from './params.ts';
import { DEESCALATION_CLOSING_TEMPLATES } from './templates/deescalationClosing.ts';
import { LINK_NOTICE_INTENT_TEMPLATES } from './templates/linkNoticeIntent.ts';
import { MANOEUVRE_SAFETY_TEMPLATES } from './templates/manoeuvreSafety.ts';
import type { Language, ParamProblem, Params, Template } from './types.ts';

/**
 * The phrasebook's version, stamped into every templated message. Raise it when a template is
 * added or reworded; a template's id and parameters never change meaning once released.
 */
export const PHRASEBOOK_VERSION = 1;

/** Every template, in picker order. */
export const TEMPLATES: readonly Template[] = [
  ...LINK_NOTICE_INTENT_TEMPLATES,
  ...MANOEUVRE_SAFETY_TEMPLATES,
  ...DEESCALATION_CLOSING_TEMPLATES,
];

/** Template ids: dotted lowercase words, e.g. `cues.intent.query`. */
export const TEMPLATE_ID_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

const BY_ID = new Map(TEMPLATES.map((template) => [template.id, template]));

/** The template with this id, or undefined. */
export function findTemplate(id: string): Template | undefined {
  return BY_ID.get(id);
}

/** A template or its parameters do not fit the phrasebook; `problems` name each field. */
export class PhrasebookError extends Error {
  constructor(
    message: string,
    readonly problems: ParamProblem[],
  ) {
    super(message);
    this.name = 'PhrasebookError';
  }
}

/** The template and checked parameters, or the problems with them. */
export function checkTemplated(
  id: string,
  params: unknown,
): { ok: true; template: Template; params: Params } | { ok: false; problems: ParamProblem[] } {
  const template = findTemplate(id);
  if (!template) {
    return { ok: false, problems: [{ path: 'template', message: `the phrasebook has no template ${id}` }] };
  }
  const check = validateParams(template, params);
  return check.ok ? { ok: true, template, params: check.params } : check;
}

/** Fills a template's text in one language with already checked parameters. */
function fill(template: Template, params: Params, language: Language, options: RenderOptions): string {
  return template.text[language].replace(/\{([a-zA-Z][a-zA-Z0-9]*)\}/g, (whole, name: string) => {
    const decl = template.params.find((candidate) => candidate.name === name);
    const value = params[name];
    return decl && value !== undefined ? formatParam(language, decl, value, options) : whole;
  });
}

/**
 * A templated message in a reader's language, parameters formatted for it (times in UTC and
 * `options.timeZone`).
 *
 * @throws PhrasebookError for an unknown template or parameters that do not fit it.
 */
export function renderTemplate(
  id: string,
  params: unknown,
  language: Language,
  options: RenderOptions = {},
): string {
  const checked = checkTemplated(id, params);
  if (!checked.ok) {
    const first = checked.problems[0];
    throw new PhrasebookError(first ? `${first.path}: ${first.message}` : 'invalid', checked.problems);
  }
  return fill(checked.template, checked.params, language, options);
}

/**
 * Like `renderTemplate`, but null instead of an exception: for messages from peers, which may
 * use a newer phrasebook or be hostile, and are then shown by their fallback text.
 */
export function tryRenderTemplate(
  id: string,
  params: unknown,
  language: Language,
  options: RenderOptions = {},
): string | null {
  const checked = checkTemplated(id, params);
  return checked.ok ? fill(checked.template, checked.params, language, options) : null;
}

/** What a `message.posted` body carries for a templated message. */
export interface TemplatedBody {
  template: string;
  params: Params;
  phrasebookVersion: number;
  /**
   * The English rendering in UTC, for readers that do not know the template (an older node, an
   * export read by eye); readers that know it render their own language instead.
   */
  text: string;
}

/**
 * The body fields of a templated message, checked.
 *
 * @throws PhrasebookError for an unknown template or parameters that do not fit it.
 */
export function templatedBody(id: string, params: unknown): TemplatedBody {
  const text = renderTemplate(id, params, 'en', { timeZone: 'UTC' });
  return { template: id, params: params as Params, phrasebookVersion: PHRASEBOOK_VERSION, text };
}

/** The template reference of a `message.posted` body, or null when it is free text. */
export function readTemplateRef(
  body: Record<string, unknown>,
): { template: string; params: unknown; phrasebookVersion: number | null } | null {
  const { template, params, phrasebookVersion } = body;
  if (typeof template !== 'string' || !TEMPLATE_ID_PATTERN.test(template)) return null;
  return {
    template,
    params,
    phrasebookVersion: typeof phrasebookVersion === 'number' ? phrasebookVersion : null,
  };
}
