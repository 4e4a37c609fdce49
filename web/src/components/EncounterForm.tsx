/**
 * The encounter report form (ENC1), made to be filled in quickly under stress: sea or air
 * (switching the platform pick-lists), the time (now by default, typed in UTC and shown in the
 * reader's zone too), the position as one text in decimal degrees or degrees and minutes (read
 * back as you type), severity with the precedence it gives the peer's acknowledgement, our and
 * their platforms, behaviours from the code list with their definitions in the reader's
 * language, on-scene communications, the narrative, attachments uploaded as blobs, and the
 * closest approach (optional).
 *
 * *Save draft* keeps it on this node unsent; *Submit* sends it to the peer (ENC2). Every field is
 * checked here with the node's own rules before sending, and the node's 400 `fields` show next to
 * their fields too (`field-error`, `data-field`).
 */

import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { FieldIssue } from '../../../src/core/encounter.ts';
import type { Language } from '../../../src/core/phrasebook/types.ts';
import { ApiError, type Line } from '../api.ts';
import {
  emptyForm,
  type EncounterForm as FormState,
  formFromReport,
  parseUtcInput,
  problemsAt,
  toReport,
} from '../encounters/formState.ts';
import {
  type Domain,
  type Encounter,
  type EncounterCodes,
  type EncounterReport,
  type Severity,
  uploadAttachment,
} from '../encountersApi.ts';
import { t } from '../strings.ts';
import { formatDualTime } from '../time.ts';
import {
  CommunicationRows,
  codeName,
  FieldErrors,
  PlatformRows,
  PositionPreview,
} from './EncounterFormParts.tsx';
import { HotlinePicker } from './HotlinePicker.tsx';
import { ModalDialog } from './ModalDialog.tsx';
import './EncounterStyles.css';

/** Props of `EncounterForm`. */
export interface EncounterFormProps {
  isOpen: boolean;
  codes: EncounterCodes | null;
  /** The open hotlines a report may go on; with several, the officer picks one. */
  hotlines: readonly Line[];
  /** A draft of ours to go on with, or null for a new report. */
  draft: Encounter | null;
  language: Language;
  isBusy: boolean;
  nodeName(nodeId: string): string;
  selfId: string;
  onSaveDraft(report: EncounterReport, draftId: string | null): Promise<Encounter>;
  onSubmit(report: EncounterReport, draftId: string | null, line: string | undefined): Promise<Encounter>;
  /** The report went to the peer. */
  onSubmitted(encounter: Encounter): void;
  onClose(): void;
}

/** Paths shown next to their own field; any other problem is listed at the foot of the form. */
const INLINE_PATHS = [
  /^(domain|occurredAt|position|severity|ownPlatforms|otherPlatforms|communications|narrative|line)$/,
  /^(behaviours|attachments|closestApproach)(\.|$)/,
  /^(own|other)Platforms\.\d+\.(kind|name|hull|tail|callSign|position|courseDeg|speedKn)$/,
  /^communications\.\d+\.(kind|text|answered)$/,
];

function isInline(path: string): boolean {
  return INLINE_PATHS.some((pattern) => pattern.test(path));
}

/** The paths of the problems under a field group (`behaviours`, `behaviours.3` …). */
function pathsUnder(problems: readonly FieldIssue[], root: string): string[] {
  return [
    ...new Set(problems.filter((p) => p.path === root || p.path.startsWith(`${root}.`)).map((p) => p.path)),
  ];
}

/** The form in its dialog; its fields are built afresh each time it opens. */
export function EncounterForm(props: EncounterFormProps) {
  return (
    <ModalDialog
      isOpen={props.isOpen}
      title={
        props.draft === null
          ? t('encounters.form.title')
          : t('encounters.form.titleDraft', { ref: props.draft.ref })
      }
      intro={t('encounters.form.intro')}
      testId="encounter-form"
      className="encounter-dialog"
      onClose={props.onClose}
    >
      {props.codes === null ? <p>{t('app.loading')}</p> : <FormBody {...props} codes={props.codes} />}
    </ModalDialog>
  );
}

function FormBody({
  codes,
  hotlines,
  draft,
  language,
  isBusy,
  nodeName,
  selfId,
  onSaveDraft,
  onSubmit,
  onSubmitted,
}: EncounterFormProps & { codes: EncounterCodes }) {
  const [form, setForm] = useState<FormState>(() =>
    draft === null ? emptyForm(Date.now()) : formFromReport(draft.report),
  );
  const [draftId, setDraftId] = useState<string | null>(draft?.id ?? null);
  const [line, setLine] = useState(hotlines.length === 1 ? (hotlines[0]?.id ?? '') : '');
  const [hasTried, setHasTried] = useState(false);
  const [nodeProblems, setNodeProblems] = useState<FieldIssue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [uploads, setUploads] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);

  const checked = toReport(form, Date.now());
  const problems: FieldIssue[] = [
    ...(hasTried && !checked.ok ? checked.problems : []),
    ...(hasTried && hotlines.length > 1 && line === ''
      ? [{ path: 'line', message: 'choose a hotline' }]
      : []),
    ...nodeProblems,
  ];
  const elsewhere = problems.filter((p) => !isInline(p.path));

  // The first problem comes into view, so the officer sees what to fix.
  useEffect(() => {
    if (problems.length === 0) return;
    formRef.current?.querySelector('[data-testid="field-error"]')?.scrollIntoView({ block: 'center' });
  }, [problems.length]);

  const change = (patch: Partial<FormState>) => {
    setForm((current) => ({ ...current, ...patch }));
    setNodeProblems([]);
    setNotice(null);
  };

  const changeDomain = (domain: Domain) => {
    const kinds = codes.platformKinds[domain];
    const keepKind = (row: FormState['ownPlatforms'][number]) =>
      kinds.includes(row.kind) ? row : { ...row, kind: '' };
    change({
      domain,
      ownPlatforms: form.ownPlatforms.map(keepKind),
      otherPlatforms: form.otherPlatforms.map(keepKind),
    });
  };

  const toggleBehaviour = (code: string, isChecked: boolean) =>
    change({
      behaviours: isChecked ? [...form.behaviours, code] : form.behaviours.filter((b) => b !== code),
    });

  const attach = async (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      setUploads((count) => count + 1);
      try {
        const { hash, size } = await uploadAttachment(file);
        setForm((current) =>
          current.attachments.some((a) => a.hash === hash)
            ? current
            : { ...current, attachments: [...current.attachments, { hash, name: file.name, size }] },
        );
      } catch (caught) {
        setError(caught instanceof Error ? caught.message : String(caught));
      } finally {
        setUploads((count) => count - 1);
      }
    }
  };

  const send = async (isDraft: boolean) => {
    setHasTried(true);
    setError(null);
    setNotice(null);
    const result = toReport(form, Date.now(), isDraft);
    if (!result.ok || (!isDraft && hotlines.length > 1 && line === '')) return;
    try {
      if (isDraft) {
        const kept = await onSaveDraft(result.report, draftId);
        setDraftId(kept.id);
        setHasTried(false);
        setNotice(t('encounters.form.draftKept', { time: formatDualTime(kept.at) }));
      } else {
        onSubmitted(await onSubmit(result.report, draftId, line === '' ? undefined : line));
      }
    } catch (caught) {
      if (caught instanceof ApiError && caught.fields.length > 0) setNodeProblems(caught.fields);
      else setError(caught instanceof Error ? caught.message : String(caught));
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void send(false);
  };

  const occurredIso = parseUtcInput(form.occurredAt);
  return (
    <form className="encounter-form" ref={formRef} onSubmit={submit} noValidate>
      <fieldset className="encounter-form__basics">
        <legend>{t('encounters.form.basics')}</legend>
        <label>
          <span>{t('encounters.form.domain')}</span>
          <select
            data-testid="encounter-domain"
            value={form.domain}
            onChange={(e) => changeDomain(e.target.value === 'air' ? 'air' : 'sea')}
          >
            <option value="sea">{t('encounters.domain.sea')}</option>
            <option value="air">{t('encounters.domain.air')}</option>
          </select>
          <FieldErrors problems={problems} paths={['domain']} />
        </label>
        <label>
          <span>{t('encounters.form.occurredAt')}</span>
          <input
            data-testid="encounter-occurred-at"
            value={form.occurredAt}
            onChange={(e) => change({ occurredAt: e.target.value })}
          />
          {occurredIso !== null && (
            <span className="encounter-form__preview" data-testid="encounter-occurred-at-preview">
              {formatDualTime(occurredIso)}
            </span>
          )}
          <FieldErrors problems={problems} paths={['occurredAt']} />
        </label>
        <label className="encounter-form__position">
          <span>{t('encounters.form.position')}</span>
          <input
            data-testid="encounter-position"
            value={form.position}
            placeholder="24°30.5′N 122°15.2′E"
            onChange={(e) => change({ position: e.target.value })}
          />
          <PositionPreview
            text={form.position}
            testId="encounter-position-parsed"
            hasFieldError={problemsAt(problems, 'position').length > 0}
          />
          <FieldErrors problems={problems} paths={['position']} />
        </label>
        <label>
          <span>{t('encounters.form.severity')}</span>
          <select
            data-testid="encounter-severity"
            value={form.severity}
            onChange={(e) => change({ severity: e.target.value as Severity })}
          >
            {codes.severities.map(({ severity, precedence }) => (
              <option key={severity} value={severity}>
                {t('encounters.form.severityOption', {
                  severity: codeName('encounters.severity', severity),
                  precedence,
                })}
              </option>
            ))}
          </select>
          <FieldErrors problems={problems} paths={['severity']} />
        </label>
        <HotlinePicker
          label={t('encounters.form.line')}
          chooseLabel={t('encounters.form.choose')}
          testId="encounter-line"
          hotlines={hotlines}
          selfId={selfId}
          nodeName={nodeName}
          value={line}
          onChange={setLine}
          errors={<FieldErrors problems={problems} paths={['line']} />}
        />
      </fieldset>
      <PlatformRows
        side="ownPlatforms"
        domain={form.domain}
        rows={form.ownPlatforms}
        kinds={codes.platformKinds[form.domain]}
        problems={problems}
        onChange={(rows) => change({ ownPlatforms: rows })}
      />
      <PlatformRows
        side="otherPlatforms"
        domain={form.domain}
        rows={form.otherPlatforms}
        kinds={codes.platformKinds[form.domain]}
        problems={problems}
        onChange={(rows) => change({ otherPlatforms: rows })}
      />
      <fieldset className="encounter-form__approach">
        <legend>{t('encounters.form.approach')}</legend>
        <label>
          <span>{t('encounters.form.approachDistance')}</span>
          <input
            data-testid="encounter-approach-distance"
            inputMode="decimal"
            value={form.approachDistance}
            onChange={(e) => change({ approachDistance: e.target.value })}
          />
        </label>
        <label>
          <span>{t('encounters.form.approachUnit')}</span>
          <select
            data-testid="encounter-approach-unit"
            value={form.approachUnit}
            onChange={(e) => change({ approachUnit: e.target.value === 'm' ? 'm' : 'nm' })}
          >
            <option value="nm">{t('encounters.unit.nm')}</option>
            <option value="m">{t('encounters.unit.m')}</option>
          </select>
        </label>
        <label>
          <span>{t('encounters.form.approachAt')}</span>
          <input
            data-testid="encounter-approach-at"
            value={form.approachAt}
            placeholder={form.occurredAt}
            onChange={(e) => change({ approachAt: e.target.value })}
          />
        </label>
        <FieldErrors problems={problems} paths={pathsUnder(problems, 'closestApproach')} />
      </fieldset>
      <fieldset className="encounter-form__behaviours">
        <legend>{t('encounters.form.behaviours')}</legend>
        <div className="encounter-form__checks">
          {codes.behaviours.map((behaviour) => (
            <label key={behaviour.code} title={behaviour.definition[language]}>
              <input
                type="checkbox"
                data-testid={`encounter-behaviour-${behaviour.code}`}
                checked={form.behaviours.includes(behaviour.code)}
                onChange={(e) => toggleBehaviour(behaviour.code, e.target.checked)}
              />{' '}
              {behaviour.name[language]}
            </label>
          ))}
        </div>
        <details className="encounter-form__definitions">
          <summary>{t('encounters.form.definitions')}</summary>
          <dl>
            {codes.behaviours.map((behaviour) => (
              <div key={behaviour.code}>
                <dt>{behaviour.name[language]}</dt>
                <dd>{behaviour.definition[language]}</dd>
              </div>
            ))}
          </dl>
        </details>
        <FieldErrors problems={problems} paths={pathsUnder(problems, 'behaviours')} />
      </fieldset>
      <CommunicationRows
        rows={form.communications}
        kinds={codes.communicationKinds}
        problems={problems}
        onChange={(rows) => change({ communications: rows })}
      />
      <label className="encounter-form__narrative">
        <span>{t('encounters.form.narrative')}</span>
        <textarea
          data-testid="encounter-narrative"
          rows={4}
          maxLength={20_000}
          value={form.narrative}
          onChange={(e) => change({ narrative: e.target.value })}
        />
        <FieldErrors problems={problems} paths={['narrative']} />
      </label>
      <fieldset className="encounter-form__attachments">
        <legend>{t('encounters.form.attachments')}</legend>
        <input
          type="file"
          multiple
          data-testid="encounter-attachment"
          accept="image/*,audio/*,video/*"
          onChange={(e) => void attach(e.target.files)}
        />
        {uploads > 0 && (
          <span className="encounter-form__hint">{t('encounters.form.uploading', { count: uploads })}</span>
        )}
        {form.attachments.length > 0 && (
          <ul className="encounter-form__files" data-testid="encounter-attachments">
            {form.attachments.map((file) => (
              <li key={file.hash} data-testid="encounter-attachment-item" data-hash={file.hash}>
                {t('encounters.form.attached', { name: file.name, hash: file.hash.slice(0, 12) })}{' '}
                <button
                  type="button"
                  className="button button--secondary"
                  onClick={() =>
                    change({ attachments: form.attachments.filter((a) => a.hash !== file.hash) })
                  }
                >
                  {t('encounters.form.removeAttachment')}
                </button>
              </li>
            ))}
          </ul>
        )}
        <FieldErrors problems={problems} paths={pathsUnder(problems, 'attachments')} />
      </fieldset>
      {elsewhere.length > 0 && <FieldErrors problems={problems} paths={elsewhere.map((p) => p.path)} />}
      {problems.length > 0 && (
        <p className="form-error" role="alert" data-testid="encounter-problems">
          {t('encounters.form.problems', { count: problems.length })}
        </p>
      )}
      {error !== null && (
        <p className="form-error" role="alert" data-testid="encounter-form-error">
          {error}
        </p>
      )}
      {notice !== null && (
        <p className="encounter-form__notice" role="status" data-testid="encounter-draft-kept">
          {notice}
        </p>
      )}
      <div className="encounter-form__actions">
        <button
          type="button"
          className="button button--secondary"
          data-testid="encounter-save-draft"
          disabled={isBusy || uploads > 0}
          onClick={() => void send(true)}
        >
          {t('encounters.form.saveDraft')}
        </button>
        <button
          type="submit"
          className="button button--primary"
          data-testid="encounter-submit"
          disabled={isBusy || uploads > 0}
        >
          {isBusy ? t('encounters.form.sending') : t('encounters.form.submit')}
        </button>
      </div>
    </form>
  );
}
