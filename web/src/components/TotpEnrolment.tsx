/**
 * Setting up the second factor (SEC2): the QR code an authenticator app scans, the same secret
 * in text for typing in by hand, and one code from the app to confirm. On confirmation the node
 * signs the user in and hands over the recovery codes, which the caller shows next.
 */
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { confirmTotpEnrolment, type TotpEnrolment as Enrolment, fetchTotpEnrolment } from '../api.ts';
import { signInErrorText } from '../signInErrors.ts';
import { t } from '../strings.ts';
import './AuthStyles.css';

/** Props of `TotpEnrolment`. */
export interface TotpEnrolmentProps {
  /** The token of the node's `totp-enrolment-required` answer. */
  enrolmentToken: string;
  /** Runs once the code is confirmed, with the recovery codes to show once. */
  onEnrolled(recoveryCodes: string[]): void;
  /** Back to the sign-in form (the enrolment expired or the user gave up). */
  onRestart(): void;
}

/** The secret in groups of four, easier to copy by hand. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

/** The enrolment screen. */
export function TotpEnrolment({ enrolmentToken, onEnrolled, onRestart }: TotpEnrolmentProps) {
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [code, setCode] = useState('');
  const [isSubmitting, setIsSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const codeInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let isCurrent = true;
    fetchTotpEnrolment(enrolmentToken).then(
      (details) => {
        if (isCurrent) setEnrolment(details);
      },
      (caught: unknown) => {
        if (isCurrent) setError(signInErrorText(caught));
      },
    );
    return () => {
      isCurrent = false;
    };
  }, [enrolmentToken]);

  // Once the code is on screen, the next thing to do is type the app's code.
  useEffect(() => {
    if (enrolment) codeInput.current?.focus();
  }, [enrolment]);

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    setIsSubmitting(true);
    setError(null);
    try {
      const { recoveryCodes } = await confirmTotpEnrolment(enrolmentToken, code);
      onEnrolled(recoveryCodes);
    } catch (caught) {
      setError(signInErrorText(caught));
      setCode('');
      setIsSubmitting(false);
    }
  }

  return (
    <main className="login">
      <form
        className="login__form auth-enrol"
        data-testid="totp-enrol"
        onSubmit={submit}
        aria-labelledby={`${id}-heading`}
      >
        <p className="login__brand">{t('app.title')}</p>
        <h1 id={`${id}-heading`}>{t('auth.enrol.heading')}</h1>
        <p>{t('auth.enrol.intro')}</p>
        {enrolment === null && error === null && <p role="status">{t('auth.enrol.loading')}</p>}
        {enrolment !== null && (
          <>
            <img
              className="auth-enrol__qr"
              data-testid="totp-qr"
              src={enrolment.qrCode}
              alt={t('auth.enrol.qrAlt', { account: enrolment.account })}
              width={180}
              height={180}
            />
            <p>{t('auth.enrol.secretLabel')}</p>
            <code className="auth-enrol__secret" data-testid="totp-secret">
              {grouped(enrolment.secret)}
            </code>
            <label htmlFor={`${id}-code`}>{t('auth.enrol.code')}</label>
            <input
              id={`${id}-code`}
              ref={codeInput}
              data-testid="totp-confirm-code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6}"
              maxLength={6}
              value={code}
              onChange={(event) => setCode(event.target.value.trim())}
              required
            />
          </>
        )}
        {error !== null && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {enrolment !== null && (
          <button
            type="submit"
            className="button button--primary"
            data-testid="totp-confirm"
            disabled={isSubmitting}
          >
            {isSubmitting ? t('auth.enrol.confirming') : t('auth.enrol.confirm')}
          </button>
        )}
        <button type="button" className="button auth-link" data-testid="totp-restart" onClick={onRestart}>
          {t('auth.enrol.restart')}
        </button>
      </form>
    </main>
  );
}
