/**
 * Translations of free-text messages (HOT6) as the console reads them from a line's events:
 * each `message.translated` event `{message, language, text}` is a translation by its author.
 * The latest per language is shown under the original (by `ts`, then LOG7 order); earlier ones
 * stay in the record. A context carries them, and the means to add one, down to each message.
 */
import { createContext } from 'react';
import { isLanguage, type Language } from '../../../src/core/phrasebook/types.ts';
import type { LiaisonEvent } from '../../../src/core/types.ts';

/** The event type of a translation. */
export const MESSAGE_TRANSLATED = 'message.translated';

/** One translation of a message. */
export interface TranslationView {
  id: string;
  message: string;
  language: Language;
  text: string;
  /** `user@node` of the interpreter. */
  author: string;
  at: string;
}

/** Reads a `message.translated` event; null for any other event or a body that does not read. */
export function readTranslationEvent(event: LiaisonEvent): TranslationView | null {
  if (event.type !== MESSAGE_TRANSLATED) return null;
  const { message, language, text } = event.body;
  if (typeof message !== 'string' || message === '' || !isLanguage(language)) return null;
  if (typeof text !== 'string' || text.trim() === '') return null;
  return { id: event.id, message, language, text, author: event.author, at: event.ts };
}

/** Message id → its latest translation per language, from a line's events in LOG7 order. */
export function translationsByMessage(events: readonly LiaisonEvent[]): Map<string, TranslationView[]> {
  const latest = new Map<string, Map<Language, TranslationView>>();
  for (const event of events) {
    const translation = readTranslationEvent(event);
    if (translation === null) continue;
    const ofMessage = latest.get(translation.message) ?? new Map<Language, TranslationView>();
    const held = ofMessage.get(translation.language);
    // LOG7 order breaks ties: a later event with the same ts replaces the earlier.
    if (held === undefined || translation.at >= held.at) ofMessage.set(translation.language, translation);
    latest.set(translation.message, ofMessage);
  }
  return new Map(
    [...latest].map(([message, byLanguage]) => [
      message,
      [...byLanguage.values()].sort((a, b) => (a.language < b.language ? -1 : 1)),
    ]),
  );
}

/** What each message reads from the context. */
export interface TranslationsContextValue {
  byMessage: ReadonlyMap<string, readonly TranslationView[]>;
  /** Whether the reader may add translations (`message.translate`: interpreters, supervisors). */
  canTranslate: boolean;
  /** Adds a translation; rejects with an ApiError. */
  onTranslate(messageId: string, language: Language, text: string): Promise<void>;
}

/** Translations for the messages on screen; none, and no control, without a provider. */
export const TranslationsContext = createContext<TranslationsContextValue>({
  byMessage: new Map(),
  canTranslate: false,
  onTranslate: () => Promise.resolve(),
});
