/**
 * The call log of a line (CALL2, CALL4): every call the record holds, answered or not, with
 * who called, who answered, how long it lasted and how it ended; recordings play in place.
 * Read when opened and again whenever a call event arrives while it is open.
 */
import { useEffect, useState } from 'react';
import { type CallRecord, fetchCallLog } from '../calls/callsApi.ts';
import { t } from '../strings.ts';
import { formatDualTime, formatFullTime } from '../time.ts';
import { ModalDialog } from './ModalDialog.tsx';

/** Props of `CallLogDialog`. */
export interface CallLogDialogProps {
  isOpen: boolean;
  line: string;
  /** Changes whenever a call event arrives, so the log is read again. */
  version: number;
  nowMs: number;
  onClose(): void;
}

/** `m:ss` or `h:mm:ss`. */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

function result(call: CallRecord): string {
  if (call.endReason !== null) return t(`calls.reason.${call.endReason}`);
  return call.answeredAt === null ? t('calls.notAnswered') : t('calls.inProgress');
}

function CallRow({ call, nowMs }: { call: CallRecord; nowMs: number }) {
  return (
    <tr data-testid="call-record" data-call={call.id} data-end={call.endReason ?? ''}>
      <td title={formatFullTime(call.startedAt)}>{formatDualTime(call.startedAt, new Date(nowMs))}</td>
      <td>{call.caller}</td>
      <td>{t('calls.mediaName', { media: call.media })}</td>
      <td data-testid="call-record-answered-by">{call.answeredBy ?? t('calls.notAnswered')}</td>
      <td data-testid="call-record-duration">
        {call.durationMs === null ? '—' : formatDuration(call.durationMs)}
      </td>
      <td>
        {result(call)}
        {call.recordings.map((recording) => (
          // biome-ignore lint/a11y/useMediaCaption: a call recording has no transcript to caption it with
          <video
            key={recording.blob}
            controls
            preload="none"
            className="call-log__recording"
            data-testid="call-recording"
            src={`/api/v1/blobs/${recording.blob}`}
          />
        ))}
      </td>
    </tr>
  );
}

export function CallLogDialog({ isOpen, line, version, nowMs, onClose }: CallLogDialogProps) {
  const [calls, setCalls] = useState<CallRecord[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the trigger to read again
  useEffect(() => {
    if (!isOpen) return;
    let isCurrent = true;
    fetchCallLog(line).then(
      (log) => {
        if (!isCurrent) return;
        setCalls(log);
        setError(null);
      },
      (failure: unknown) => {
        if (isCurrent) setError(failure instanceof Error ? failure.message : String(failure));
      },
    );
    return () => {
      isCurrent = false;
    };
  }, [isOpen, line, version]);
  return (
    <ModalDialog
      isOpen={isOpen}
      title={t('calls.logTitle')}
      intro={t('calls.logIntro')}
      testId="call-log"
      className="call-log"
      onClose={onClose}
    >
      {error !== null && (
        <p className="banner banner--error" role="alert">
          {error}
        </p>
      )}
      {calls !== null && calls.length === 0 && <p>{t('calls.logNone')}</p>}
      {calls !== null && calls.length > 0 && (
        <table className="call-log__table">
          <thead>
            <tr>
              <th scope="col">{t('calls.logWhen')}</th>
              <th scope="col">{t('calls.logFrom')}</th>
              <th scope="col">{t('calls.logMedia')}</th>
              <th scope="col">{t('calls.logAnsweredBy')}</th>
              <th scope="col">{t('calls.logDuration')}</th>
              <th scope="col">{t('calls.logResult')}</th>
            </tr>
          </thead>
          <tbody>
            {calls.map((call) => (
              <CallRow key={call.id} call={call} nowMs={nowMs} />
            ))}
          </tbody>
        </table>
      )}
    </ModalDialog>
  );
}
