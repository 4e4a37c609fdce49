/**
 * The recovery codes (SEC2), shown once right after the second factor is set up: ten codes,
 * each good for one sign-in without the app, and a button to go on once they are saved.
 */
import { useEffect, useId, useRef } from 'react';
import { t } from '../strings.ts';
import './AuthStyles.css';

/** Props of `RecoveryCodes`. */
export interface RecoveryCodesProps {
  codes: readonly string[];
  /** Runs when the user says they have saved the codes. */
  onDone(): void;
}

/** The recovery codes screen. */
export function RecoveryCodes({ codes, onDone }: RecoveryCodesProps) {
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);

  // A new screen: start reading (and the keyboard) at its heading.
  useEffect(() => {
    heading.current?.focus();
  }, []);

  return (
    <main className="login">
      <section className="login__form auth-recovery" aria-labelledby={`${id}-heading`}>
        <p className="login__brand">{t('app.title')}</p>
        <h1 id={`${id}-heading`} ref={heading} tabIndex={-1}>
          {t('auth.recovery.heading')}
        </h1>
        <p>{t('auth.recovery.intro')}</p>
        <ol
          className="auth-recovery__codes"
          data-testid="recovery-codes"
          aria-label={t('auth.recovery.listLabel', { count: codes.length })}
        >
          {codes.map((code) => (
            <li key={code} data-testid="recovery-code">
              <code>{code}</code>
            </li>
          ))}
        </ol>
        <button
          type="button"
          className="button button--primary"
          data-testid="recovery-codes-saved"
          onClick={onDone}
        >
          {t('auth.recovery.saved')}
        </button>
      </section>
    </main>
  );
}
