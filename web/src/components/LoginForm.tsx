/**
 * Sign-in (SEC2, SEC4): username and password, then a one-time code when the node answers
 * `totp-required`, or one of the recovery codes instead. A user who has no second factor yet
 * (`totp-enrolment-required`) sets one up (TotpEnrolment) and is shown their recovery codes once
 * (RecoveryCodes) before the console opens. Every refusal is said in words in the reader's
 * language, the account lock and the per-address limit with when to try again.
 */
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { ApiError, login } from '../api.ts';
import { signInErrorText } from '../signInErrors.ts';
import { t } from '../strings.ts';
import { RecoveryCodes } from './RecoveryCodes.tsx';
import { TotpEnrolment } from './TotpEnrolment.tsx';
import './AuthStyles.css';

/** Props of `LoginForm`. */
export interface LoginFormProps {
  /** Runs after a successful sign-in. */
  onSignedIn(): Promise<void>;
  /** An error to show before the first attempt (e.g. the node could not be reached). */
  initialError: string | null;
}

/** Which second factor the form asks for, once the node asked for one. */
type SecondFactor = 'none' | 'totp' | 'recovery';

/** The sign-in screens. */
export function LoginForm({ onSignedIn, initialError }: LoginFormProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [recoveryCode, setRecoveryCode] = useState('');
  const [secondFactor, setSecondFactor] = useState<SecondFactor>('none');
  const [enrolmentToken, setEnrolmentToken] = useState<string | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [isSubmitting, setIsSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(initialError);
  const id = useId();
  const usernameInput = useRef<HTMLInputElement>(null);
  const codeInput = useRef<HTMLInputElement>(null);

  // The sign-in form is the page's only task: start the keyboard there.
  useEffect(() => {
    if (enrolmentToken === null && recoveryCodes === null) usernameInput.current?.focus();
  }, [enrolmentToken, recoveryCodes]);

  // The code field appears after a first attempt; take the keyboard user straight to it.
  useEffect(() => {
    if (secondFactor !== 'none') codeInput.current?.focus();
  }, [secondFactor]);

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    setIsSubmitting(true);
    setError(null);
    try {
      await login({
        username,
        password,
        ...(secondFactor === 'totp' ? { totp } : {}),
        ...(secondFactor === 'recovery' ? { recoveryCode } : {}),
      });
      await onSignedIn();
    } catch (caught) {
      setIsSubmitting(false);
      if (caught instanceof ApiError && caught.code === 'totp-enrolment-required') {
        const token = caught.details.enrolmentToken;
        if (typeof token === 'string') {
          setEnrolmentToken(token);
          return;
        }
      }
      if (caught instanceof ApiError && caught.code === 'totp-required' && secondFactor === 'none') {
        setSecondFactor('totp');
        setError(null);
        return;
      }
      setError(signInErrorText(caught));
    }
  }

  /** Back to a clean sign-in form, e.g. after an enrolment expired. */
  function restart(): void {
    setEnrolmentToken(null);
    setPassword('');
    setSecondFactor('none');
    setError(null);
  }

  function switchTo(next: SecondFactor): void {
    setSecondFactor(next);
    setError(null);
    setTotp('');
    setRecoveryCode('');
  }

  if (recoveryCodes !== null) return <RecoveryCodes codes={recoveryCodes} onDone={() => void onSignedIn()} />;
  if (enrolmentToken !== null)
    return (
      <TotpEnrolment enrolmentToken={enrolmentToken} onEnrolled={setRecoveryCodes} onRestart={restart} />
    );

  return (
    <main className="login">
      <form className="login__form" onSubmit={submit} aria-labelledby={`${id}-heading`}>
        <p className="login__brand">{t('app.title')}</p>
        <h1 id={`${id}-heading`}>{t('login.heading')}</h1>
        <label htmlFor={`${id}-username`}>{t('login.username')}</label>
        <input
          id={`${id}-username`}
          ref={usernameInput}
          data-testid="login-username"
          autoComplete="username"
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          required
        />
        <label htmlFor={`${id}-password`}>{t('login.password')}</label>
        <input
          id={`${id}-password`}
          data-testid="login-password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          required
        />
        {secondFactor === 'totp' && (
          <>
            <label htmlFor={`${id}-totp`}>{t('login.totp')}</label>
            <input
              id={`${id}-totp`}
              ref={codeInput}
              data-testid="login-totp"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6}"
              maxLength={6}
              aria-describedby={`${id}-totp-hint`}
              value={totp}
              onChange={(event) => setTotp(event.target.value.trim())}
              required
            />
            <p id={`${id}-totp-hint`} className="hint">
              {t('login.totpHint')}
            </p>
            <button
              type="button"
              className="button auth-link"
              data-testid="login-use-recovery"
              onClick={() => switchTo('recovery')}
            >
              {t('auth.recoveryLink')}
            </button>
          </>
        )}
        {secondFactor === 'recovery' && (
          <>
            <label htmlFor={`${id}-recovery`}>{t('auth.recoveryCode')}</label>
            <input
              id={`${id}-recovery`}
              ref={codeInput}
              data-testid="login-recovery-code"
              autoComplete="off"
              spellCheck={false}
              maxLength={32}
              aria-describedby={`${id}-recovery-hint`}
              value={recoveryCode}
              onChange={(event) => setRecoveryCode(event.target.value)}
              required
            />
            <p id={`${id}-recovery-hint`} className="hint">
              {t('auth.recoveryHint')}
            </p>
            <button
              type="button"
              className="button auth-link"
              data-testid="login-use-totp"
              onClick={() => switchTo('totp')}
            >
              {t('auth.totpLink')}
            </button>
          </>
        )}
        {error !== null && (
          <p className="form-error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button
          type="submit"
          className="button button--primary"
          data-testid="login-submit"
          disabled={isSubmitting}
        >
          {isSubmitting ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
    </main>
  );
}
