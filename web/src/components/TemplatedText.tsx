/**
 * A phrasebook message (HOT6) in the reader's own language, with its parameters formatted for
 * them (times in UTC and their zone, positions in degrees and minutes). The template id stays
 * visible, and the other languages open beneath it, so both desks can check they read the same
 * words. A template this console does not know, or parameters that do not fit it (a newer
 * phrasebook, a hostile peer), show as the sender's English text, said to be so.
 */
import { tryRenderTemplate } from '../../../src/core/phrasebook/render.ts';
import { LANGUAGES, type Language } from '../../../src/core/phrasebook/types.ts';
import { useReaderLanguage } from '../readerLanguage.ts';
import { t } from '../strings.ts';
import { readerTimeZone } from '../time.ts';

/** Props of `TemplatedText`. */
export interface TemplatedTextProps {
  template: { id: string; params: unknown };
  /** The body's text: the English rendering the sender stamped, shown when rendering fails. */
  fallbackText: string;
}

/** Each language's name in itself, as a reader looks for it. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', zh: '中文', ja: '日本語' };

/** The text of a templated message for its reader. */
export function TemplatedText({ template, fallbackText }: TemplatedTextProps) {
  const language = useReaderLanguage();
  const timeZone = readerTimeZone();
  const render = (lang: Language) => tryRenderTemplate(template.id, template.params, lang, { timeZone });
  const own = render(language);
  if (own === null) {
    return (
      <div className="message__templated" data-testid="message-template" data-template={template.id}>
        <p className="message__template-note">{t('phrasebook.unknown', { id: template.id })}</p>
        <p className="message__text">{fallbackText}</p>
      </div>
    );
  }
  const others = LANGUAGES.filter((lang) => lang !== language);
  return (
    <div className="message__templated" data-testid="message-template" data-template={template.id}>
      <p className="message__text" lang={language} data-testid="message-template-text">
        {own}
      </p>
      <details className="message__languages">
        <summary>
          <code className="message__template-id">{template.id}</code> · {t('phrasebook.otherLanguages')}
        </summary>
        <dl>
          {others.map((lang) => (
            <div key={lang}>
              <dt>{LANGUAGE_NAMES[lang]}</dt>
              <dd lang={lang}>{render(lang)}</dd>
            </div>
          ))}
        </dl>
      </details>
    </div>
  );
}
