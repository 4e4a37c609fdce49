/**
 * Translations over HTTP (HOT6):
 * - `POST /api/v1/messages/:id/translations {language, text}` → 201 with the signed
 *   `message.translated` event (interpreters and supervisors: `message.translate`); 404
 *   `unknown-message`, 409 `templated-message` for a phrasebook message;
 * - `GET /api/v1/messages/:id/translations` → `{translations, latest}`: every translation,
 *   oldest first, and the latest per language.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { LANGUAGES } from '../core/phrasebook/types.ts';
import type { Hotline } from '../hotline/messages.ts';
import {
  latestPerLanguage,
  MAX_TRANSLATION_LENGTH,
  TranslationError,
  Translations,
} from '../hotline/translations.ts';
import type { Ledger } from '../record/ledger.ts';
import type { Store } from '../store/types.ts';
import { ApiError, invalidInput } from './errors.ts';
import { require } from './routes.ts';

/** What the translation routes use of the node (the app's services satisfy it). */
export interface TranslationRouteDeps {
  store: Store;
  ledger: Ledger;
  hotline: Hotline;
}

const idParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not an event id') }).strict();
const translationBody = z
  .object({
    language: z.enum(LANGUAGES, { message: `one of ${LANGUAGES.join(', ')}` }),
    text: z.string().trim().min(1, 'a translation needs text').max(MAX_TRANSLATION_LENGTH),
  })
  .strict();

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw invalidInput(result.error);
  return result.data;
}

const STATUS: Record<TranslationError['code'], number> = {
  'unknown-message': 404,
  'templated-message': 409,
  'line-closed': 409,
};

async function refusing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TranslationError) throw new ApiError(STATUS[error.code], error.code, error.message);
    throw error;
  }
}

/** Registers the translation routes. */
export function registerTranslationRoutes(app: FastifyInstance, deps: TranslationRouteDeps): void {
  const translations = new Translations({
    ledger: deps.ledger,
    store: deps.store,
    isLineClosed: (line) => deps.hotline.isLineClosed?.(line) ?? false,
  });

  app.post('/api/v1/messages/:id/translations', async (request, reply) => {
    const principal = require(request, 'message.translate');
    const { id } = parse(idParams, request.params);
    const body = parse(translationBody, request.body);
    const stored = await refusing(() => translations.add(id, principal.author, body.language, body.text));
    return reply.status(201).send(stored.event);
  });

  app.get('/api/v1/messages/:id/translations', async (request) => {
    require(request, 'line.read');
    const { id } = parse(idParams, request.params);
    const all = await refusing(() => translations.of(id));
    return { translations: all, latest: latestPerLanguage(all) };
  });
}
