/**
 * The Acknowledge control under a peer's message (HOT3): an optional short reply and the
 * button. A refusal or a failure to reach the node is said in words under it; on success the
 * control goes away with the state it answered, so focus returns to the message.
 */
import { type FormEvent, useId, useState } from 'react';
import { ackErrorText, MAX_REPLY_LENGTH } from '../acknowledgement.ts';
import { ApiError } from '../api.ts';
import { t } from '../strings.ts';

/** Props of `AckControl`. */
export interface AckControlProps {
  /** Acknowledges with the reply (possibly empty); rejects with an ApiError. */
  onAcknowledge(reply: string): Promise<void>;
  /** Runs after a successful acknowledgement (to move the focus). */
  onAcknowledged(): void;
}

/** Reply field and Acknowledge button. */
export function AckControl({ onAcknowledge, onAcknowledged }: AckControlProps) {
  const [reply, setReply] = useState('');
  const [isSending, setIsSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (isSending) return;
    setIsSending(true);
    setError(null);
    try {
      await onAcknowledge(reply);
      onAcknowledged();
    } catch (caught) {
      setError(
        caught instanceof ApiError
          ? ackErrorText(caught)
          : caught instanceof Error
            ? caught.message
            : String(caught),
      );
    } finally {
      setIsSending(false);
    }
  }

  return (
    <form className="ack" onSubmit={submit}>
      <label className="ack__label" htmlFor={`${id}-reply`}>
        {t('ack.reply')}
      </label>
      <input
        id={`${id}-reply`}
        className="ack__reply"
        type="text"
        data-testid="ack-reply"
        value={reply}
        maxLength={MAX_REPLY_LENGTH}
        readOnly={isSending}
        autoComplete="off"
        onChange={(event) => setReply(event.target.value)}
      />
      <button type="submit" className="button button--ack" data-testid="ack" disabled={isSending}>
        {isSending ? t('ack.submitting') : t('ack.submit')}
      </button>
      {error !== null && (
        <p className="form-error ack__error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
