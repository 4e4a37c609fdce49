/**
 * What the sign-in screens say when the node refuses (SEC2, SEC4), in the reader's language
 * (CON4): a wrong password or code, a locked account with the time it opens again (CON2), an
 * address held back with the seconds to wait. Errors the console has no words for keep the
 * node's own message.
 */
import { ApiError } from './api.ts';
import { t } from './strings.ts';
import { formatDualTime } from './time.ts';

/** The sentence for a failed sign-in, enrolment or code check. */
export function signInErrorText(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  switch (error.code) {
    case 'bad-credentials':
      return t('auth.error.badCredentials');
    case 'bad-totp':
      return t('auth.error.badTotp');
    case 'bad-recovery-code':
      return t('auth.error.badRecoveryCode');
    case 'enrolment-expired':
      return t('auth.error.enrolmentExpired');
    case 'account-locked': {
      const until = error.details.lockedUntil;
      return typeof until === 'string'
        ? t('auth.error.accountLocked', { time: formatDualTime(until) })
        : error.message;
    }
    case 'too-many-attempts': {
      const seconds = error.details.retryAfterSeconds;
      return typeof seconds === 'number' ? t('auth.error.tooManyAttempts', { seconds }) : error.message;
    }
    default:
      return error.message;
  }
}
