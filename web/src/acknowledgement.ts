/**
 * Acknowledging a peer's message (HOT3) from the console: the reply's limit, and the node's
 * refusals put in words the duty officer can act on (CON4: our own strings, not the node's
 * English text, wherever the refusal is one we know).
 */
import { t } from './strings.ts';

/** A reply is meant to be short ("received, checking"); a longer answer is a message of its own. */
export const MAX_REPLY_LENGTH = 500;

/** What the console knows of a failed acknowledgement: status, code and the node's message. */
export interface AckFailure {
  /** HTTP status, or 0 when the node could not be reached. */
  status: number;
  code: string;
  message: string;
}

/** The sentence shown under the Acknowledge button when the node refused or did not answer. */
export function ackErrorText(failure: AckFailure): string {
  switch (failure.code) {
    case 'own-message':
      return t('ack.errorOwn');
    case 'already-acknowledged':
      return t('ack.errorAlready');
    case 'unknown-message':
      return t('ack.errorUnknown');
    default:
      return failure.status === 403 ? t('ack.errorForbidden') : failure.message;
  }
}
