/**
 * Sign-in form (SEC2): username and password, then a one-time code when the node answers
 * `totp-required`. The node's message is shown in words on every failure.
 */
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { ApiError, login } from '../api.ts';
import { t } from '../strings.ts';

/** Props of `LoginForm`. */
export interface LoginFormProps {
  /** Runs after a successful sign-in. */
  onSignedIn(): Promise<void>;
  /** An error to show before the first attempt (e.g. the node could not be reached). */
  initialError: string | null;
}

/** The sign-in screen. */
export function LoginForm({ onSignedIn, initialError }: LoginFormProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [isTotpNeeded, setIsTotpNeeded] = useState(false);
  const [isSubmitting, setIsSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(initialError);
  const id = useId();
  const usernameInput = useRef<HTMLInputElement>(null);
  const totpInput = useRef<HTMLInputElement>(null);

  // The sign-in form is the page's only task: start the keyboard there.
  useEffect(() => {
    usernameInput.current?.focus();
  }, []);

  // The code field appears after a first attempt; take the keyboard user straight to it.
  useEffect(() => {
    if (isTotpNeeded) totpInput.current?.focus();
  }, [isTotpNeeded]);

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    setIsSubmitting(true);
    setError(null);
    try {
      await login({ username, password, ...(isTotpNeeded ? { totp } : {}) });
      await onSignedIn();
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'totp-required') setIsTotpNeeded(true);
      setError(caught instanceof Error ? caught.message : String(caught));
      setIsSubmitting(false);
    }
  }

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
        {isTotpNeeded && (
          <>
            <label htmlFor={`${id}-totp`}>{t('login.totp')}</label>
            <input
              id={`${id}-totp`}
              ref={totpInput}
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
          </>
        )}
        {error !== null && (
          <p className="form-error" role="alert">
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
