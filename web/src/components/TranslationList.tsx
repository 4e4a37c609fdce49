/**
 * The translations of one free-text message (HOT6), under the original and marked as
 * translations by their interpreter, and for those who may, a control to add one.
 */
import { type FormEvent, useContext, useState } from 'react';
import { LANGUAGES, type Language } from '../../../src/core/phrasebook/types.ts';
import { ApiError } from '../api.ts';
import { t } from '../strings.ts';
import { LANGUAGE_NAMES } from './TemplatedText.tsx';
import { TranslationsContext } from './TranslationContext.tsx';
import './TranslationStyles.css';

/** Props of `TranslationList`. */
export interface TranslationListProps {
  messageId: string;
  /** Only free text is translated: a phrasebook message is rendered in each reader's language. */
  isFreeText: boolean;
}

function TranslateForm({ messageId, onDone }: { messageId: string; onDone(): void }) {
  const { onTranslate } = useContext(TranslationsContext);
  const [language, setLanguage] = useState<Language>('en');
  const [text, setText] = useState('');
  const [isSending, setIsSending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (text.trim() === '') return;
    setIsSending(true);
    setError(null);
    try {
      await onTranslate(messageId, language, text);
      setText('');
      onDone();
    } catch (caught) {
      setError(caught instanceof ApiError || caught instanceof Error ? caught.message : String(caught));
    } finally {
      setIsSending(false);
    }
  }

  return (
    <form className="translate-form" onSubmit={(event) => void submit(event)}>
      <label>
        <span className="visually-hidden">{t('translation.language')}</span>
        <select
          data-testid="translation-language"
          aria-label={t('translation.language')}
          value={language}
          onChange={(event) => setLanguage(event.target.value as Language)}
        >
          {LANGUAGES.map((code) => (
            <option key={code} value={code} lang={code}>
              {LANGUAGE_NAMES[code]}
            </option>
          ))}
        </select>
      </label>
      <textarea
        data-testid="translation-text"
        aria-label={t('translation.text')}
        lang={language}
        value={text}
        maxLength={16_000}
        rows={2}
        onChange={(event) => setText(event.target.value)}
      />
      <button
        type="submit"
        className="button button--primary button--small"
        data-testid="translation-submit"
        disabled={isSending || text.trim() === ''}
      >
        {isSending ? t('translation.sending') : t('translation.submit')}
      </button>
      <button type="button" className="button button--secondary button--small" onClick={onDone}>
        {t('translation.cancel')}
      </button>
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/** A message's translations and the control to add one. */
export function TranslationList({ messageId, isFreeText }: TranslationListProps) {
  const { byMessage, canTranslate } = useContext(TranslationsContext);
  const [isAdding, setIsAdding] = useState(false);
  const translations = byMessage.get(messageId) ?? [];
  if (!isFreeText) return null;
  return (
    <>
      {translations.length > 0 && (
        <ul className="translations">
          {translations.map((translation) => (
            <li
              key={translation.id}
              className="translation"
              data-testid="translation"
              data-language={translation.language}
            >
              <span className="translation__label">
                {t('translation.label', { language: translation.language, author: translation.author })}
              </span>
              <p className="translation__text" lang={translation.language}>
                {translation.text}
              </p>
            </li>
          ))}
        </ul>
      )}
      {canTranslate &&
        (isAdding ? (
          <TranslateForm messageId={messageId} onDone={() => setIsAdding(false)} />
        ) : (
          <button
            type="button"
            className="button button--secondary button--small"
            data-testid="translate"
            onClick={() => setIsAdding(true)}
          >
            {t('translation.add')}
          </button>
        ))}
    </>
  );
}
