/**
 * The record alarms (LOG9, CON1): a red banner for every unresolved equivocation, saying in
 * words which node signed two events for one seq on which line and that its events there are
 * refused, and one while this node holds its own writes after a restore from backup. They
 * stay until the node reports the alarm gone. An admin resolves an equivocation here, with a
 * written resolution that is kept with the proof.
 */
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import {
  type AlarmNames,
  describeAppendsHeld,
  describeEquivocation,
  describeEquivocationDetail,
  MAX_RESOLUTION_LENGTH,
  MIN_RESOLUTION_LENGTH,
  resolutionProblem,
} from '../alarms.ts';
import { type Alarms, ApiError, type Equivocation } from '../api.ts';
import { t } from '../strings.ts';
import { Icon } from './Icon.tsx';

/** Props of `AlarmBanners`. */
export interface AlarmBannersProps {
  alarms: Alarms;
  names: AlarmNames;
  /** Whether the signed-in user may resolve equivocations (admin). */
  canResolve: boolean;
  nowMs: number;
  /** Resolves an equivocation; rejects with an ApiError. */
  onResolve(id: number, resolution: string): Promise<void>;
}

function errorText(caught: unknown): string {
  if (caught instanceof ApiError) {
    if (caught.status === 403) return t('alarm.errorForbidden');
    const field = caught.fields[0];
    return field === undefined ? caught.message : `${caught.message}: ${field.message}`;
  }
  return caught instanceof Error ? caught.message : String(caught);
}

interface ResolveFormProps {
  onResolve(resolution: string): Promise<void>;
  onCancel(): void;
}

/** The written resolution and its buttons; Esc cancels. */
function ResolveForm({ onResolve, onCancel }: ResolveFormProps) {
  const [resolution, setResolution] = useState('');
  const [isSending, setIsSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const textArea = useRef<HTMLTextAreaElement>(null);

  // The admin asked to write a resolution: start the keyboard there.
  useEffect(() => {
    textArea.current?.focus();
  }, []);

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (isSending) return;
    const problem = resolutionProblem(resolution);
    setError(problem);
    if (problem !== null) return;
    setIsSending(true);
    try {
      await onResolve(resolution);
    } catch (caught) {
      setError(errorText(caught));
      setIsSending(false);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLFormElement>): void {
    if (event.key === 'Escape' && !isSending) {
      event.preventDefault();
      onCancel();
    }
  }

  return (
    <form className="alarm__form" onSubmit={submit} onKeyDown={onKeyDown} noValidate>
      <label htmlFor={`${id}-text`}>{t('alarm.resolution')}</label>
      <textarea
        id={`${id}-text`}
        className="alarm__resolution"
        data-testid="alarm-resolution"
        value={resolution}
        rows={2}
        minLength={MIN_RESOLUTION_LENGTH}
        maxLength={MAX_RESOLUTION_LENGTH}
        readOnly={isSending}
        ref={textArea}
        aria-describedby={`${id}-hint${error === null ? '' : ` ${id}-error`}`}
        aria-invalid={error !== null}
        onChange={(event) => setResolution(event.target.value)}
      />
      <p id={`${id}-hint`} className="alarm__hint">
        {t('alarm.resolutionHint', { min: MIN_RESOLUTION_LENGTH })}
      </p>
      {error !== null && (
        <p id={`${id}-error`} className="alarm__error" role="alert">
          {error}
        </p>
      )}
      <div className="alarm__actions">
        <button
          type="submit"
          className="button button--alarm"
          data-testid="alarm-resolve-submit"
          disabled={isSending}
        >
          {isSending ? t('alarm.submitting') : t('alarm.submit')}
        </button>
        <button type="button" className="button button--alarm-quiet" onClick={onCancel} disabled={isSending}>
          {t('alarm.cancel')}
        </button>
      </div>
    </form>
  );
}

interface EquivocationBannerProps {
  equivocation: Equivocation;
  names: AlarmNames;
  canResolve: boolean;
  nowMs: number;
  onResolve(id: number, resolution: string): Promise<void>;
}

function EquivocationBanner({ equivocation, names, canResolve, nowMs, onResolve }: EquivocationBannerProps) {
  const [isResolving, setIsResolving] = useState(false);
  const resolveButton = useRef<HTMLButtonElement>(null);

  function cancel(): void {
    setIsResolving(false);
    // The button comes back with the next render; give it the keyboard again.
    requestAnimationFrame(() => resolveButton.current?.focus());
  }

  return (
    <section
      className="alarm"
      role="alert"
      aria-label={t('alarm.label')}
      data-testid="alarm-banner"
      data-kind="equivocation"
      data-id={equivocation.id}
    >
      <div className="alarm__row">
        <Icon name="warning" className="alarm__icon" />
        <div className="alarm__text">
          <p className="alarm__headline">{describeEquivocation(equivocation, names)}</p>
          <p className="alarm__detail">{describeEquivocationDetail(equivocation, names, nowMs)}</p>
        </div>
        {canResolve && !isResolving && (
          <button
            ref={resolveButton}
            type="button"
            className="button button--alarm"
            data-testid="alarm-resolve"
            onClick={() => setIsResolving(true)}
          >
            {t('alarm.resolve')}
          </button>
        )}
      </div>
      {canResolve && isResolving && (
        <ResolveForm onResolve={(resolution) => onResolve(equivocation.id, resolution)} onCancel={cancel} />
      )}
    </section>
  );
}

/** Every alarm the node reports; nothing when there is none. */
export function AlarmBanners({ alarms, names, canResolve, nowMs, onResolve }: AlarmBannersProps) {
  return (
    <>
      {alarms.appendsHeld !== null && (
        <section
          className="alarm"
          role="alert"
          aria-label={t('alarm.label')}
          data-testid="alarm-banner"
          data-kind="appends-held"
        >
          <div className="alarm__row">
            <Icon name="warning" className="alarm__icon" />
            <p className="alarm__headline alarm__text">{describeAppendsHeld(alarms.appendsHeld)}</p>
          </div>
        </section>
      )}
      {alarms.equivocations.map((equivocation) => (
        <EquivocationBanner
          key={equivocation.id}
          equivocation={equivocation}
          names={names}
          canResolve={canResolve}
          nowMs={nowMs}
          onResolve={onResolve}
        />
      ))}
    </>
  );
}
