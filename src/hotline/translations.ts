/**
 * Translations of free-text messages by interpreters (HOT6): a free-text message is shown as
 * written; an interpreter adds a translation as a signed `message.translated` event
 * `{message, language, text}` on the message's line, so every member holds it beside the
 * original, marked as a translation by its author.
 *
 * Only free text is translated: a templated message is already rendered in each reader's
 * language. A message may get several translations; readers show the latest per language (by
 * `ts`, then LOG7 order) and the record keeps the earlier ones. A translation event that names
 * a message of another line, or whose body does not read, is ignored.
 */
import { isLanguage, type Language } from '../core/phrasebook/types.ts';
import type { LiaisonEvent } from '../core/types.ts';
import type { Ledger } from '../record/ledger.ts';
import type { Store, StoredEvent } from '../store/types.ts';

/** The event type of a translation. */
export const MESSAGE_TRANSLATED = 'message.translated';
/** The longest translation, as the longest message (16,000 characters). */
export const MAX_TRANSLATION_LENGTH = 16_000;

/** One translation as the API shows it. */
export interface Translation {
  /** The `message.translated` event id. */
  id: string;
  message: string;
  language: Language;
  text: string;
  /** `user@node` of the interpreter. */
  author: string;
  at: string;
}

/** Reads a `message.translated` event, or null when it is not one or its body does not read. */
export function readTranslation(event: LiaisonEvent): Translation | null {
  if (event.type !== MESSAGE_TRANSLATED) return null;
  const { message, language, text } = event.body;
  if (typeof message !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(message)) return null;
  if (!isLanguage(language)) return null;
  if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_TRANSLATION_LENGTH) return null;
  return { id: event.id, message, language, text, author: event.author, at: event.ts };
}

/** The latest translation per language, from translations in any order. */
export function latestPerLanguage(translations: readonly Translation[]): Translation[] {
  const latest = new Map<Language, Translation>();
  for (const translation of translations) {
    const held = latest.get(translation.language);
    if (held === undefined || translation.at > held.at) latest.set(translation.language, translation);
  }
  return [...latest.values()].sort((a, b) => (a.language < b.language ? -1 : 1));
}

/** Why a translation is refused. */
export class TranslationError extends Error {
  constructor(
    readonly code: 'unknown-message' | 'templated-message' | 'line-closed',
    message: string,
  ) {
    super(message);
    this.name = 'TranslationError';
  }
}

/** What translating needs of the node. */
export interface TranslationDeps {
  ledger: Ledger;
  store: Store;
  isLineClosed?: ((line: string) => boolean) | null;
}

/** Adds translations and reads them back. */
export class Translations {
  constructor(private readonly deps: TranslationDeps) {}

  /** The `message.posted` event of a message held here, or a refusal. */
  private async messageEvent(id: string): Promise<LiaisonEvent> {
    const stored = await this.deps.store.getEvent(id);
    if (stored?.event.type !== 'message.posted')
      throw new TranslationError('unknown-message', `there is no message ${id}`);
    return stored.event;
  }

  /**
   * Appends a translation of a free-text message by `author` on the message's line; resolves
   * once it is durable (LOG10).
   */
  async add(messageId: string, author: string, language: Language, text: string): Promise<StoredEvent> {
    const message = await this.messageEvent(messageId);
    if (message.body.template !== undefined) {
      throw new TranslationError(
        'templated-message',
        'a phrasebook message is already shown in each reader’s language: only free text is translated',
      );
    }
    if (this.deps.isLineClosed?.(message.line))
      throw new TranslationError('line-closed', `line ${message.line} is closed`);
    return this.deps.ledger.append(message.line, author, MESSAGE_TRANSLATED, {
      message: messageId,
      language,
      text,
    });
  }

  /**
   * Every translation of a message, oldest first. Translations are rare (one event per
   * interpreter's work), so they are read by type rather than kept in a table.
   */
  async of(messageId: string): Promise<Translation[]> {
    const message = await this.messageEvent(messageId);
    const stored = await this.deps.store.eventsOfTypes([MESSAGE_TRANSLATED]);
    return stored
      .filter(({ event }) => event.line === message.line)
      .map(({ event }) => readTranslation(event))
      .filter((translation): translation is Translation => translation?.message === messageId)
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }
}
