/**
 * The composer's phrasebook (HOT6): search the standard messages by id or by words in the
 * reader's language, pick one, fill its typed parameters, and see it as the reader's language
 * renders it before sending. The peer's console renders the same template in its reader's
 * language.
 */
import { useEffect, useId, useMemo, useState } from 'react';
import { validateParams } from '../../../src/core/phrasebook/params.ts';
import { findTemplate, tryRenderTemplate } from '../../../src/core/phrasebook/render.ts';
import type { Language, ParamDecl } from '../../../src/core/phrasebook/types.ts';
import { formParams, searchTemplates } from '../phrasebookForm.ts';
import { type StringKey, t } from '../strings.ts';
import { readerTimeZone } from '../time.ts';

/** A picked template with its parameters, and whether they are complete and valid. */
export interface PhrasebookSelection {
  template: string;
  params: Record<string, unknown>;
  isValid: boolean;
}

/** Props of `PhrasebookPicker`. */
export interface PhrasebookPickerProps {
  language: Language;
  isDisabled: boolean;
  /** Called with the current selection, or null for free text. */
  onChange(selection: PhrasebookSelection | null): void;
}

const LABELLED_TYPES = new Set([
  'time',
  'position',
  'distance',
  'speed',
  'altitude',
  'frequency',
  'duration',
  'bearing',
  'course',
]);

function labelOf(decl: ParamDecl): string {
  const key = (
    LABELLED_TYPES.has(decl.type) ? `phrasebook.param.${decl.type}` : 'phrasebook.param.other'
  ) as StringKey;
  return t(key, { name: decl.name });
}

/** Picker, parameter form and preview. */
export function PhrasebookPicker({ language, isDisabled, onChange }: PhrasebookPickerProps) {
  const id = useId();
  const [query, setQuery] = useState('');
  const [templateId, setTemplateId] = useState('');
  const [typed, setTyped] = useState<Record<string, string>>({});
  const matches = useMemo(() => searchTemplates(query, language), [query, language]);
  const template = templateId === '' ? undefined : findTemplate(templateId);
  const params = useMemo(() => (template ? formParams(template, typed) : {}), [template, typed]);
  const check = template ? validateParams(template, params) : null;
  const preview = template
    ? tryRenderTemplate(template.id, params, language, { timeZone: readerTimeZone() })
    : null;

  useEffect(() => {
    onChange(template ? { template: template.id, params, isValid: check?.ok === true } : null);
  }, [template, params, check?.ok, onChange]);

  return (
    <div className="phrasebook">
      <div className="compose__field">
        <label htmlFor={`${id}-search`}>{t('phrasebook.search')}</label>
        <input
          id={`${id}-search`}
          type="search"
          data-testid="compose-template-search"
          value={query}
          disabled={isDisabled}
          placeholder={t('phrasebook.searchHint')}
          onChange={(event) => setQuery(event.target.value)}
        />
      </div>
      <div className="compose__field">
        <label htmlFor={`${id}-template`}>{t('phrasebook.template')}</label>
        <select
          id={`${id}-template`}
          data-testid="compose-template"
          value={templateId}
          disabled={isDisabled}
          onChange={(event) => {
            setTemplateId(event.target.value);
            setTyped({});
          }}
        >
          <option value="">{t('phrasebook.freeText')}</option>
          {template && !matches.includes(template) && <option value={template.id}>{template.id}</option>}
          {matches.map((candidate) => (
            <option key={candidate.id} value={candidate.id}>
              {candidate.id} — {candidate.text[language]}
            </option>
          ))}
        </select>
        {matches.length === 0 && <p className="hint">{t('phrasebook.noMatch', { query })}</p>}
      </div>
      {template && (
        <fieldset className="phrasebook__params" disabled={isDisabled}>
          <legend>{t('phrasebook.params')}</legend>
          {template.params.map((decl) => {
            const problem =
              check && !check.ok ? check.problems.find((p) => p.path === `params.${decl.name}`) : undefined;
            const inputId = `${id}-param-${decl.name}`;
            const value = typed[decl.name] ?? '';
            const set = (next: string) => setTyped((held) => ({ ...held, [decl.name]: next }));
            return (
              <div key={decl.name} className="compose__field phrasebook__param">
                <label htmlFor={inputId}>{labelOf(decl)}</label>
                {decl.type === 'choice' ? (
                  <select
                    id={inputId}
                    data-testid={`compose-param-${decl.name}`}
                    value={value}
                    onChange={(event) => set(event.target.value)}
                  >
                    <option value="" />
                    {Object.entries(decl.options ?? {}).map(([key, words]) => (
                      <option key={key} value={key}>
                        {words[language]}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input
                    id={inputId}
                    data-testid={`compose-param-${decl.name}`}
                    type={decl.type === 'time' ? 'datetime-local' : 'text'}
                    inputMode={LABELLED_TYPES.has(decl.type) && decl.type !== 'time' ? 'decimal' : undefined}
                    value={value}
                    aria-invalid={value !== '' && problem !== undefined}
                    title={value !== '' ? problem?.message : undefined}
                    onChange={(event) => set(event.target.value)}
                  />
                )}
              </div>
            );
          })}
        </fieldset>
      )}
      {template && (
        <div className="phrasebook__preview" aria-live="polite">
          <span className="phrasebook__preview-label">{t('phrasebook.preview')}</span>
          <p data-testid="compose-preview" lang={language}>
            {preview ?? t('phrasebook.incomplete')}
          </p>
        </div>
      )}
    </div>
  );
}
