/**
 * The Call requests panel (HOT7): a form to ask the peer for a call (hotline, level, urgency,
 * topic, an optional time), then the requests still being arranged and the closed ones, each
 * with its state and, for the side that may answer, its answer buttons (CallRequestItem).
 */
import { type FormEvent, useState } from 'react';
import { PRECEDENCES, type Precedence } from '../../../src/core/types.ts';
import type { CallLevel, CallRequest, CallRequestInput, Line } from '../api.ts';
import { t } from '../strings.ts';
import { currentCallState } from '../useCallRequests.ts';
import { CallRequestItem, type CallRequestItemProps } from './CallRequestItem.tsx';
import { ModalDialog } from './ModalDialog.tsx';

const LEVELS: readonly CallLevel[] = ['duty-officer', 'director', 'minister'];
/** How many closed requests the panel lists. */
const CLOSED_SHOWN = 20;

/** Props of `CallRequestsDialog`. */
export interface CallRequestsDialogProps {
  isOpen: boolean;
  /** The hotlines a call may be asked for on. */
  hotlines: readonly Line[];
  /** Null until the node has answered. */
  requests: readonly CallRequest[] | null;
  error: string | null;
  /** Whether the reader's role may ask and answer (`call.request`). */
  canRequest: boolean;
  isBusy: boolean;
  nowMs: number;
  nodeName(nodeId: string): string;
  /** Asks for a call; rejects with the node's refusal. */
  onAsk(input: CallRequestInput): Promise<void>;
  onAnswer(id: string, ...rest: Parameters<CallRequestItemProps['onAnswer']>): Promise<void>;
  onClose(): void;
}

/** The form to ask for a call. */
function RequestForm({
  hotlines,
  isBusy,
  onAsk,
}: Pick<CallRequestsDialogProps, 'hotlines' | 'isBusy' | 'onAsk'>) {
  const [line, setLine] = useState(hotlines[0]?.id ?? '');
  const [level, setLevel] = useState<CallLevel>('duty-officer');
  const [urgency, setUrgency] = useState<Precedence>('PRIORITY');
  const [topic, setTopic] = useState('');
  const [proposedAt, setProposedAt] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const input: CallRequestInput = {
      line: line || (hotlines[0]?.id ?? ''),
      level,
      urgency,
      topic: topic.trim(),
    };
    // A datetime-local value is in the reader's own zone; the node gets the instant.
    if (proposedAt !== '') input.proposedAt = new Date(proposedAt).toISOString();
    onAsk(input).then(
      () => {
        setTopic('');
        setProposedAt('');
      },
      (caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)),
    );
  };

  return (
    <form className="call-requests-form" data-testid="call-request-form" onSubmit={submit}>
      <h3>{t('callRequests.new')}</h3>
      {hotlines.length > 1 && (
        <label>
          <span>{t('callRequests.line')}</span>
          <select value={line} onChange={(event) => setLine(event.target.value)}>
            {hotlines.map((hotline) => (
              <option key={hotline.id} value={hotline.id}>
                {hotline.title}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        <span>{t('callRequests.level')}</span>
        <select
          data-testid="call-request-level"
          value={level}
          onChange={(event) => setLevel(event.target.value as CallLevel)}
        >
          {LEVELS.map((value) => (
            <option key={value} value={value}>
              {t(`callRequests.level.${value}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('callRequests.urgency')}</span>
        <select
          data-testid="call-request-urgency"
          value={urgency}
          onChange={(event) => setUrgency(event.target.value as Precedence)}
        >
          {PRECEDENCES.map((value) => (
            <option key={value} value={value}>
              {t(`precedence.${value}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="call-requests-form__topic">
        <span>{t('callRequests.topic')}</span>
        <input
          data-testid="call-request-topic"
          required
          maxLength={500}
          value={topic}
          onChange={(event) => setTopic(event.target.value)}
        />
      </label>
      <label>
        <span>{t('callRequests.proposedAt')}</span>
        <input
          type="datetime-local"
          data-testid="call-request-time"
          value={proposedAt}
          onChange={(event) => setProposedAt(event.target.value)}
        />
      </label>
      <div className="call-requests-form__submit">
        <button
          type="submit"
          className="button button--primary"
          data-testid="call-request-submit"
          disabled={isBusy}
        >
          {isBusy ? t('callRequests.sending') : t('callRequests.submit')}
        </button>
      </div>
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/** The Call requests dialog. */
export function CallRequestsDialog(props: CallRequestsDialogProps) {
  const { isOpen, hotlines, requests, error, canRequest, isBusy, nowMs, nodeName, onAsk, onAnswer, onClose } =
    props;
  const isActive = (request: CallRequest) => {
    const state = currentCallState(request, nowMs);
    return state === 'open' || state === 'proposed';
  };
  const active = (requests ?? []).filter(isActive);
  const closed = (requests ?? []).filter((request) => !isActive(request)).slice(0, CLOSED_SHOWN);
  const list = (items: CallRequest[]) => (
    <ul className="call-requests__list">
      {items.map((request) => (
        <CallRequestItem
          key={request.request}
          request={request}
          nowMs={nowMs}
          canAnswer={canRequest}
          isBusy={isBusy}
          nodeName={nodeName}
          onAnswer={(answer, options) => onAnswer(request.request, answer, options)}
        />
      ))}
    </ul>
  );

  return (
    <ModalDialog
      isOpen={isOpen}
      title={t('callRequests.title')}
      intro={t('callRequests.intro')}
      testId="call-requests-panel"
      className="call-requests-dialog"
      onClose={onClose}
    >
      {hotlines.length === 0 ? (
        <p>{t('callRequests.noHotline')}</p>
      ) : (
        canRequest && <RequestForm hotlines={hotlines} isBusy={isBusy} onAsk={onAsk} />
      )}
      {error !== null && <p className="form-error">{error}</p>}
      {requests === null ? (
        error === null && <p role="status">{t('callRequests.loading')}</p>
      ) : (
        <>
          <h3>{t('callRequests.active')}</h3>
          {active.length === 0 ? <p>{t('callRequests.noneActive')}</p> : list(active)}
          {closed.length > 0 && (
            <>
              <h3>{t('callRequests.closed')}</h3>
              {list(closed)}
            </>
          )}
        </>
      )}
    </ModalDialog>
  );
}
