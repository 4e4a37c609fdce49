/**
 * The compose box: text, precedence (ROUTINE unless chosen, HOT2) and Send; Ctrl+Enter sends.
 * Roles that may not send (observer, interpreter) see it disabled with a note saying why
 * (SEC1); the node refuses their posts anyway.
 */
import { type FormEvent, type KeyboardEvent, useId, useRef, useState } from 'react';
import type { Language } from '../../../src/core/phrasebook/types.ts';
import { PRECEDENCES, type Precedence } from '../../../src/core/types.ts';
import { t } from '../strings.ts';
import { PhrasebookPicker, type PhrasebookSelection } from './PhrasebookPicker.tsx';

/** Props of `Compose`. */
export interface ComposeProps {
  /** Whether the signed-in user's role may send messages. */
  canSend: boolean;
  /** The user's role in words, for the note shown when they may not send. */
  roleName: string;
  /** Posts the message; rejects with an error whose message is shown. */
  onSend(text: string, precedence: Precedence): Promise<void>;
  /** The reader's language, for the phrasebook picker (HOT6). */
  language?: Language;
  /** Posts a phrasebook message (HOT6); without it the composer offers free text only. */
  onSendTemplate?(template: string, params: Record<string, unknown>, precedence: Precedence): Promise<void>;
}

const DEFAULT_PRECEDENCE: Precedence = 'ROUTINE';

function isPrecedence(value: string): value is Precedence {
  return PRECEDENCES.some((precedence) => precedence === value);
}

/** The message composer under the list. */
export function Compose({ canSend, roleName, onSend, language = 'en', onSendTemplate }: ComposeProps) {
  const [text, setText] = useState('');
  const [selection, setSelection] = useState<PhrasebookSelection | null>(null);
  // A new key empties the picker after a templated message is sent.
  const [pickerKey, setPickerKey] = useState(0);
  const [precedence, setPrecedence] = useState<Precedence>(DEFAULT_PRECEDENCE);
  const [isSending, setIsSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const textArea = useRef<HTMLTextAreaElement>(null);
  const id = useId();
  const isBlank = selection ? !selection.isValid : text.trim().length === 0;

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (isBlank || isSending || !canSend) return;
    setIsSending(true);
    setError(null);
    try {
      if (selection && onSendTemplate) {
        await onSendTemplate(selection.template, selection.params, precedence);
        setSelection(null);
        setPickerKey((key) => key + 1);
      } else {
        await onSend(text, precedence);
      }
      setText('');
      // Back to ROUTINE so a FLASH is never sent twice by accident.
      setPrecedence(DEFAULT_PRECEDENCE);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setIsSending(false);
      // The text area stays enabled (read-only) while sending, so focus can return to it.
      textArea.current?.focus();
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): void {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.current?.requestSubmit();
    }
  }

  const isDisabled = !canSend || isSending;
  return (
    <form ref={form} className="compose" onSubmit={submit} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="visually-hidden">
        {t('compose.heading')}
      </h2>
      {!canSend && (
        <p className="compose__note" role="note">
          {t('compose.readOnly', { role: roleName })}
        </p>
      )}
      {onSendTemplate && (
        <PhrasebookPicker
          key={pickerKey}
          language={language}
          isDisabled={!canSend || isSending}
          onChange={setSelection}
        />
      )}
      <div className="compose__row">
        <div className="compose__field compose__field--text" hidden={selection !== null}>
          <label htmlFor={`${id}-text`}>{t('compose.text')}</label>
          <textarea
            id={`${id}-text`}
            ref={textArea}
            data-testid="compose-text"
            rows={3}
            value={text}
            disabled={!canSend}
            readOnly={isSending}
            aria-describedby={`${id}-hint`}
            onChange={(event) => setText(event.target.value)}
            onKeyDown={onKeyDown}
          />
        </div>
        <div className="compose__controls">
          <div className="compose__field">
            <label htmlFor={`${id}-precedence`}>{t('compose.precedence')}</label>
            <select
              id={`${id}-precedence`}
              data-testid="compose-precedence"
              value={precedence}
              disabled={isDisabled}
              onChange={(event) => {
                if (isPrecedence(event.target.value)) setPrecedence(event.target.value);
              }}
            >
              {PRECEDENCES.map((option) => (
                <option key={option} value={option}>
                  {t(`precedence.${option}`)}
                </option>
              ))}
            </select>
          </div>
          <button
            type="submit"
            className="button button--primary compose__send"
            data-testid="compose-send"
            disabled={isDisabled || isBlank}
          >
            {isSending ? t('compose.sending') : t('compose.send')}
          </button>
          <p id={`${id}-hint`} className="hint">
            {t('compose.hint')}
          </p>
        </div>
      </div>
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
