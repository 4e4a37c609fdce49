/**
 * The activity notice form (ENC3): the kind of activity, a title, the area — a polygon typed one
 * position a line or a circle, a centre and a radius in nautical miles, each position read back
 * as typed (decimal degrees or degrees and minutes) — the time window in `datetime-local` fields
 * whose clock, UTC or this desk's zone, the form names on screen and reads back in both (CON2),
 * an optional altitude band in feet, the contact point, details, and the precedence of the item
 * the peer acknowledges (PRIORITY unless changed).
 *
 * Every field is checked with the node's own rules before sending, and the node's 400 `fields`
 * show beside their fields too (`field-error`, `data-field`); a problem of no field of the form
 * is listed at its foot.
 */

import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ACTIVITY_KINDS, type FieldIssue, type NoticeInput } from '../../../src/core/encounter.ts';
import { formatPositionDM, parsePosition } from '../../../src/core/geo.ts';
import { PRECEDENCES, type Precedence } from '../../../src/core/types.ts';
import { ApiError, type Line } from '../api.ts';
import type { Notice, NoticeRouting } from '../encountersApi.ts';
import {
  type ActivityKind,
  basisZone,
  emptyNoticeForm,
  type NoticeForm as FormState,
  isBesideField,
  noticeProblemText,
  problemsUnder,
  readPoints,
  type TimeBasis,
  toNotice,
  withTimeBasis,
} from '../notices/formState.ts';
import { parseZonedInput } from '../notices/zonedTime.ts';
import { type StringKey, t } from '../strings.ts';
import { formatDualTime, isUtcZone, readerTimeZone } from '../time.ts';
import { FieldErrorList } from './FieldErrorList.tsx';
import { HotlinePicker } from './HotlinePicker.tsx';

/** Props of `NoticeForm`. */
export interface NoticeFormProps {
  /** The open hotlines a notice may go on; with several, the officer picks one. */
  hotlines: readonly Line[];
  selfId: string;
  isBusy: boolean;
  nodeName(nodeId: string): string;
  /** Issues the notice; rejects with the node's refusal. */
  onIssue(notice: NoticeInput, routing: NoticeRouting): Promise<Notice>;
  /** The notice went to the peer. */
  onIssued(notice: Notice): void;
  onCancel(): void;
}

/** The problems of the fields under `roots`, each in the reader's language. */
function NoticeFieldErrors({
  problems,
  roots,
}: {
  problems: readonly FieldIssue[];
  roots: readonly string[];
}) {
  return (
    <FieldErrorList
      problems={roots.flatMap((root) => problemsUnder(problems, root))}
      text={noticeProblemText}
    />
  );
}

/** What the points typed so far read as, in degrees and minutes, when every line reads. */
function PointsPreview({ text }: { text: string }) {
  const points = readPoints(text);
  if (points.length === 0 || points.some((point) => !point.result.ok)) return null;
  const positions = points.flatMap((point) =>
    point.result.ok ? [formatPositionDM(point.result.position)] : [],
  );
  return (
    <span className="notice-form__preview" data-testid="notice-points-read">
      {t('notices.form.pointsRead', { count: positions.length, points: positions.join(' · ') })}
    </span>
  );
}

/** What the centre typed so far reads as, when it reads. */
function CentrePreview({ text }: { text: string }) {
  const parsed = parsePosition(text);
  if (text.trim() === '' || !parsed.ok) return null;
  return (
    <span className="notice-form__preview" data-testid="notice-centre-read">
      {t('notices.form.centreRead', { position: formatPositionDM(parsed.position) })}
    </span>
  );
}

/** A window field's moment in UTC and this desk's zone, when it reads. */
function TimePreview({ value, zone, testId }: { value: string; zone: string; testId: string }) {
  const iso = parseZonedInput(value, zone);
  if (iso === null) return null;
  return (
    <span className="notice-form__preview" data-testid={testId}>
      {t('notices.form.timeRead', { time: formatDualTime(iso) })}
    </span>
  );
}

/** The form; its fields start afresh each time it is shown. */
export function NoticeForm({
  hotlines,
  selfId,
  isBusy,
  nodeName,
  onIssue,
  onIssued,
  onCancel,
}: NoticeFormProps) {
  const readerZone = readerTimeZone();
  const [form, setForm] = useState<FormState>(() => emptyNoticeForm(Date.now()));
  const [line, setLine] = useState(hotlines.length === 1 ? (hotlines[0]?.id ?? '') : '');
  const [hasTried, setHasTried] = useState(false);
  const [nodeProblems, setNodeProblems] = useState<FieldIssue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const kindRef = useRef<HTMLSelectElement>(null);

  // The form opens where the officer starts: the kind of activity (CON3).
  useEffect(() => kindRef.current?.focus(), []);

  const checked = toNotice(form, readerZone);
  const problems: FieldIssue[] = [
    ...(hasTried && !checked.ok ? checked.problems : []),
    ...(hasTried && hotlines.length > 1 && line === ''
      ? [{ path: 'line', message: 'choose a hotline' }]
      : []),
    ...nodeProblems,
  ];
  const elsewhere = problems.filter((problem) => !isBesideField(problem.path));

  // The first problem comes into view, so the officer sees what to fix.
  useEffect(() => {
    if (problems.length === 0) return;
    formRef.current?.querySelector('[data-testid="field-error"]')?.scrollIntoView({ block: 'center' });
  }, [problems.length]);

  const change = (patch: Partial<FormState>) => {
    setForm((current) => ({ ...current, ...patch }));
    setNodeProblems([]);
    setError(null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setHasTried(true);
    setError(null);
    setNodeProblems([]);
    const result = toNotice(form, readerZone);
    if (!result.ok || (hotlines.length > 1 && line === '')) return;
    const routing: NoticeRouting = {
      precedence: result.precedence,
      ...(line === '' ? {} : { line }),
    };
    try {
      onIssued(await onIssue(result.notice, routing));
    } catch (caught) {
      if (caught instanceof ApiError && caught.fields.length > 0) setNodeProblems(caught.fields);
      else setError(caught instanceof Error ? caught.message : String(caught));
    }
  };

  const zone = basisZone(form.timeBasis, readerZone);
  const zoneName = isUtcZone(zone) ? 'UTC' : zone;
  return (
    <form className="notice-form" data-testid="notice-form" ref={formRef} onSubmit={submit} noValidate>
      <p className="notice-form__intro">{t('notices.form.intro')}</p>
      <fieldset className="notice-form__group notice-form__activity">
        <legend>{t('notices.form.activity')}</legend>
        <label>
          <span>{t('notices.form.kind')}</span>
          <select
            ref={kindRef}
            data-testid="notice-kind"
            value={form.kind}
            onChange={(e) => change({ kind: e.target.value as ActivityKind | '' })}
          >
            <option value="">{t('notices.form.choose')}</option>
            {ACTIVITY_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {t(`map.kind.${kind}` as StringKey)}
              </option>
            ))}
          </select>
          <NoticeFieldErrors problems={problems} roots={['kind']} />
        </label>
        <label className="notice-form__wide">
          <span>{t('notices.form.title')}</span>
          <input
            data-testid="notice-title"
            value={form.title}
            maxLength={200}
            onChange={(e) => change({ title: e.target.value })}
          />
          <NoticeFieldErrors problems={problems} roots={['title']} />
        </label>
      </fieldset>

      <fieldset className="notice-form__group notice-form__area">
        <legend>{t('notices.form.area')}</legend>
        <label>
          <span>{t('notices.form.areaType')}</span>
          <select
            data-testid="notice-area-type"
            value={form.areaType}
            onChange={(e) => change({ areaType: e.target.value === 'circle' ? 'circle' : 'polygon' })}
          >
            <option value="polygon">{t('notices.form.polygon')}</option>
            <option value="circle">{t('notices.form.circle')}</option>
          </select>
          <NoticeFieldErrors problems={problems} roots={['area.type']} />
        </label>
        {form.areaType === 'polygon' ? (
          <label className="notice-form__wide">
            <span>{t('notices.form.points')}</span>
            <textarea
              data-testid="notice-points"
              rows={4}
              value={form.points}
              placeholder={'24°00.0′N 122°00.0′E\n25°12.0′N 122°00.0′E\n25°12.0′N 123°30.0′E'}
              onChange={(e) => change({ points: e.target.value })}
            />
            <PointsPreview text={form.points} />
            <NoticeFieldErrors problems={problems} roots={['area.points']} />
          </label>
        ) : (
          <>
            <label className="notice-form__wide">
              <span>{t('notices.form.centre')}</span>
              <input
                data-testid="notice-centre"
                value={form.centre}
                placeholder="24°30.5′N 122°15.2′E"
                onChange={(e) => change({ centre: e.target.value })}
              />
              <CentrePreview text={form.centre} />
              <NoticeFieldErrors problems={problems} roots={['area.center']} />
            </label>
            <label>
              <span>{t('notices.form.radius')}</span>
              <input
                data-testid="notice-radius"
                inputMode="decimal"
                value={form.radiusNm}
                onChange={(e) => change({ radiusNm: e.target.value })}
              />
              <NoticeFieldErrors problems={problems} roots={['area.radiusM']} />
            </label>
          </>
        )}
      </fieldset>

      <fieldset className="notice-form__group notice-form__window">
        <legend>{t('notices.form.window')}</legend>
        <label>
          <span>{t('notices.form.timeBasis')}</span>
          <select
            data-testid="notice-time-basis"
            value={form.timeBasis}
            onChange={(e) => {
              const basis: TimeBasis = e.target.value === 'local' ? 'local' : 'utc';
              setForm((current) => withTimeBasis(current, basis, readerZone));
            }}
          >
            <option value="utc">{t('notices.form.basisUtc')}</option>
            {!isUtcZone(readerZone) && (
              <option value="local">{t('notices.form.basisLocal', { zone: readerZone })}</option>
            )}
          </select>
        </label>
        <label>
          <span>{t('notices.form.from', { zone: zoneName })}</span>
          <input
            type="datetime-local"
            step={60}
            data-testid="notice-from"
            value={form.from}
            onChange={(e) => change({ from: e.target.value })}
          />
          <TimePreview value={form.from} zone={zone} testId="notice-from-read" />
          <NoticeFieldErrors problems={problems} roots={['from']} />
        </label>
        <label>
          <span>{t('notices.form.until', { zone: zoneName })}</span>
          <input
            type="datetime-local"
            step={60}
            data-testid="notice-until"
            value={form.until}
            onChange={(e) => change({ until: e.target.value })}
          />
          <TimePreview value={form.until} zone={zone} testId="notice-until-read" />
          <NoticeFieldErrors problems={problems} roots={['until']} />
        </label>
      </fieldset>

      <fieldset className="notice-form__group notice-form__altitude">
        <legend>{t('notices.form.altitude')}</legend>
        <label>
          <span>{t('notices.form.altMin')}</span>
          <input
            data-testid="notice-alt-min"
            inputMode="numeric"
            value={form.altMinFt}
            onChange={(e) => change({ altMinFt: e.target.value })}
          />
        </label>
        <label>
          <span>{t('notices.form.altMax')}</span>
          <input
            data-testid="notice-alt-max"
            inputMode="numeric"
            value={form.altMaxFt}
            onChange={(e) => change({ altMaxFt: e.target.value })}
          />
        </label>
        <NoticeFieldErrors problems={problems} roots={['altitude']} />
      </fieldset>

      <fieldset className="notice-form__group notice-form__contact">
        <legend>{t('notices.field.contact')}</legend>
        <label className="notice-form__wide">
          <span>{t('notices.form.contact')}</span>
          <input
            data-testid="notice-contact"
            value={form.contact}
            maxLength={200}
            onChange={(e) => change({ contact: e.target.value })}
          />
          <NoticeFieldErrors problems={problems} roots={['contact']} />
        </label>
        <label className="notice-form__wide">
          <span>{t('notices.form.description')}</span>
          <textarea
            data-testid="notice-description"
            rows={3}
            maxLength={5000}
            value={form.description}
            onChange={(e) => change({ description: e.target.value })}
          />
          <NoticeFieldErrors problems={problems} roots={['description']} />
        </label>
        <label>
          <span>{t('notices.form.precedence')}</span>
          <select
            data-testid="notice-precedence"
            value={form.precedence}
            onChange={(e) => change({ precedence: e.target.value as Precedence })}
          >
            {PRECEDENCES.map((precedence) => (
              <option key={precedence} value={precedence}>
                {t(`precedence.${precedence}`)}
              </option>
            ))}
          </select>
          <NoticeFieldErrors problems={problems} roots={['precedence']} />
        </label>
        <HotlinePicker
          label={t('notices.form.line')}
          chooseLabel={t('notices.form.choose')}
          testId="notice-line"
          hotlines={hotlines}
          selfId={selfId}
          nodeName={nodeName}
          value={line}
          onChange={setLine}
          errors={<NoticeFieldErrors problems={problems} roots={['line']} />}
        />
      </fieldset>

      {elsewhere.length > 0 && (
        <NoticeFieldErrors problems={elsewhere} roots={[...new Set(elsewhere.map((p) => p.path))]} />
      )}
      {problems.length > 0 && (
        <p className="form-error" role="alert" data-testid="notice-problems">
          {t('notices.form.problems', { count: problems.length })}
        </p>
      )}
      {error !== null && (
        <p className="form-error" role="alert" data-testid="notice-form-error">
          {error}
        </p>
      )}
      <div className="notice-form__actions">
        <button
          type="button"
          className="button button--secondary"
          data-testid="notice-cancel"
          onClick={onCancel}
        >
          {t('notices.form.cancel')}
        </button>
        <button
          type="submit"
          className="button button--primary"
          data-testid="notice-submit"
          disabled={isBusy}
        >
          {isBusy ? t('notices.form.sending') : t('notices.form.submit')}
        </button>
      </div>
    </form>
  );
}
