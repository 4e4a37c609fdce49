/**
 * The phrasebook (HOT6): standard messages with typed parameters in English, Chinese and
 * Japanese, their checks, and the renderer every reader uses. Pure: the console imports it.
 */
export { formatDistance, formatParam, formatPosition, formatTime, type RenderOptions } from './format.ts';
export { MAX_TEXT_PARAM_LENGTH, NUMERIC_BOUNDS, type ParamCheck, validateParams } from './params.ts';
export {
  checkTemplated,
  findTemplate,
  PHRASEBOOK_VERSION,
  PhrasebookError,
  readTemplateRef,
  renderTemplate,
  TEMPLATE_ID_PATTERN,
  TEMPLATES,
  type TemplatedBody,
  templatedBody,
  tryRenderTemplate,
} from './render.ts';
export {
  CATEGORIES,
  type Category,
  isLanguage,
  LANGUAGES,
  type Language,
  PARAM_TYPES,
  type ParamDecl,
  type ParamProblem,
  type Params,
  type ParamType,
  type ParamValue,
  type Position,
  type Template,
  type Texts,
} from './types.ts';
