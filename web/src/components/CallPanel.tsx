/**
 * Calls in the console (CALL1, CALL2, issue 5 part 7): the Voice and Video buttons of a hotline,
 * the ring of an incoming call (answer or decline), and the call window of the call this console
 * takes part in: who it is with, its state in words, the remote video, the local camera, the
 * media figures from getStats (connection, round trip, packet loss, bytes, audio level, relay,
 * when media first arrived), and Hang up. When the federation link drops during a call it says
 * so: the media may still flow.
 */
import { useEffect, useRef } from 'react';
import { isMine } from '../calls/callController.ts';
import type { CallMedia, LiveCall } from '../calls/callsApi.ts';
import type { CallQuality } from '../calls/rtc.ts';
import { t } from '../strings.ts';
import { Icon } from './Icon.tsx';
import './CallStyles.css';

/** The Voice, Video and Call log buttons of a hotline. */
export function CallButtons({
  canCall,
  isBusy,
  onCall,
  onOpenLog,
}: {
  canCall: boolean;
  /** A call is in progress on the line, or this console is in one. */
  isBusy: boolean;
  onCall(media: CallMedia): void;
  onOpenLog(): void;
}) {
  return (
    <div className="call-buttons">
      {canCall && (
        <>
          <button type="button" data-testid="call-voice" disabled={isBusy} onClick={() => onCall('voice')}>
            <Icon name="phone" /> {t('calls.voice')}
          </button>
          <button type="button" data-testid="call-video" disabled={isBusy} onClick={() => onCall('video')}>
            <Icon name="video" /> {t('calls.video')}
          </button>
        </>
      )}
      <button type="button" data-testid="call-log-open" onClick={onOpenLog}>
        {t('calls.log')}
      </button>
    </div>
  );
}

/** The ring of every incoming call this console may answer. */
export function IncomingCalls({
  calls,
  canAnswer,
  onAnswer,
  onDecline,
}: {
  calls: readonly LiveCall[];
  canAnswer: boolean;
  onAnswer(id: string): void;
  onDecline(id: string): void;
}) {
  const ringing = calls.filter((call) => call.direction === 'incoming' && call.state === 'ringing');
  if (ringing.length === 0) return null;
  return (
    <>
      {ringing.map((call) => (
        <div
          key={call.id}
          className="banner banner--call"
          role="alertdialog"
          aria-live="assertive"
          data-testid="call-incoming"
        >
          <Icon name={call.media === 'video' ? 'video' : 'phone'} />{' '}
          <strong>
            {t('calls.incoming', { caller: call.caller.user ?? call.caller.node, media: call.media })}
          </strong>
          {canAnswer && (
            <span className="banner__actions">
              <button type="button" data-testid="call-accept" onClick={() => onAnswer(call.id)}>
                {t('calls.accept')}
              </button>
              <button type="button" data-testid="call-decline" onClick={() => onDecline(call.id)}>
                {t('calls.decline')}
              </button>
            </span>
          )}
        </div>
      ))}
    </>
  );
}

/** A `<video>` showing a stream (muted for the local camera, so no echo). */
function StreamVideo({
  stream,
  isMuted,
  label,
  testId,
}: {
  stream: MediaStream | null;
  isMuted: boolean;
  label: string;
  testId: string;
}) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const element = video.current;
    if (element && element.srcObject !== stream) element.srcObject = stream;
  }, [stream]);
  return <video ref={video} autoPlay playsInline muted={isMuted} aria-label={label} data-testid={testId} />;
}

/** The call's state in words; answered but without media yet, it is still connecting. */
function stateLine(call: LiveCall, isMediaFlowing: boolean): string {
  const other = call.direction === 'outgoing' ? call.callee : call.caller;
  const who = other.user ?? other.node;
  switch (call.state) {
    case 'ringing':
      return t('calls.calling', { node: call.callee.node });
    case 'answered':
      return isMediaFlowing ? t('calls.connected', { who }) : t('calls.connecting', { who });
    case 'ended':
      return t('calls.ended', { reason: t(`calls.reason.${call.endReason ?? 'hangup'}`) });
  }
}

/**
 * The media figures of the call. `data-media-flowing-at` is the wall-clock ms when this console
 * first received the call's media, for the call-setup benchmark (bench/callSetup.ts).
 */
function QualityLine({
  quality,
  mediaFlowingAt,
}: {
  quality: CallQuality | null;
  mediaFlowingAt: number | null;
}) {
  if (!quality || quality.audioBytesReceived + quality.videoBytesReceived === 0) {
    return <p data-testid="call-quality">{t('calls.qualityWaiting')}</p>;
  }
  const kb = Math.round((quality.audioBytesReceived + quality.videoBytesReceived) / 1024);
  return (
    <p
      data-testid="call-quality"
      data-connection={quality.connection}
      data-bytes-received={quality.audioBytesReceived + quality.videoBytesReceived}
      data-video-bytes={quality.videoBytesReceived}
      data-audio-bytes={quality.audioBytesReceived}
      data-candidate={quality.candidateType ?? ''}
      data-media-flowing-at={mediaFlowingAt ?? undefined}
    >
      {t('calls.quality', {
        state: quality.connection,
        rtt: quality.rttMs === null ? '—' : String(quality.rttMs),
        loss: quality.packetLossPercent === null ? '—' : quality.packetLossPercent.toFixed(1),
        kb: String(kb),
        relay: quality.candidateType === 'relay' ? 'yes' : 'no',
      })}
      {quality.audioLevel !== null && (
        <meter
          className="call-window__level"
          min={0}
          max={1}
          value={quality.audioLevel}
          aria-label={t('calls.audioLevel')}
          data-testid="call-audio-level"
        />
      )}
    </p>
  );
}

/** The window of the call this console takes part in. */
export function CallWindow({
  call,
  localStream,
  remoteStream,
  quality,
  mediaFlowingAt,
  error,
  recording,
  onHangUp,
  onDismiss,
}: {
  call: LiveCall;
  localStream: MediaStream | null;
  remoteStream: MediaStream | null;
  quality: CallQuality | null;
  mediaFlowingAt: number | null;
  error: string | null;
  /** Recording (CALL4): whether the line allows it, whether this console records, and the switch. */
  recording: { isAllowed: boolean; isHere: boolean; savedBlob: string | null; onToggle(): void };
  onHangUp(): void;
  onDismiss(): void;
}) {
  const other = call.direction === 'outgoing' ? call.callee : call.caller;
  const who = other.user ?? other.node;
  const isOver = call.state === 'ended';
  return (
    <section
      className={`call-window call-window--${call.state}`}
      aria-label={t(call.media === 'video' ? 'calls.video' : 'calls.voice')}
      data-testid="call-window"
      data-state={call.state}
      data-call={call.id}
    >
      <p className="call-window__state" role="status" data-testid="call-state">
        <Icon name={call.media === 'video' ? 'video' : 'phone'} /> {stateLine(call, mediaFlowingAt !== null)}
      </p>
      {call.recording !== null && !isOver && (
        <p className="call-window__recording" role="status" data-testid="call-recording-indicator">
          <span aria-hidden="true">●</span> {t('calls.recordingBy', { who: call.recording.by })}
        </p>
      )}
      {recording.savedBlob !== null && (
        <p className="call-window__saved" data-testid="call-recording-saved">
          {t('calls.recordingSaved')}
        </p>
      )}
      {call.signalling === 'down' && !isOver && (
        <p className="call-window__warning" role="alert">
          <Icon name="warning" /> {t('calls.signallingDown', { node: other.node })}
        </p>
      )}
      {!isOver && (
        <div className="call-window__media">
          <StreamVideo
            stream={remoteStream}
            isMuted={false}
            label={t('calls.remoteVideo', { who })}
            testId="remote-video"
          />
          {call.media === 'video' && (
            <StreamVideo stream={localStream} isMuted label={t('calls.localVideo')} testId="local-video" />
          )}
        </div>
      )}
      {call.state === 'answered' && <QualityLine quality={quality} mediaFlowingAt={mediaFlowingAt} />}
      {error !== null && (
        <p className="call-window__error" role="alert">
          {error}
        </p>
      )}
      {call.state === 'answered' && recording.isAllowed && (
        <button
          type="button"
          data-testid="call-record"
          aria-pressed={recording.isHere}
          onClick={recording.onToggle}
        >
          {recording.isHere ? t('calls.stopRecording') : t('calls.record')}
        </button>
      )}
      {isOver ? (
        <button type="button" onClick={onDismiss}>
          {t('calls.dismiss')}
        </button>
      ) : (
        <button type="button" className="call-window__hangup" data-testid="call-hangup" onClick={onHangUp}>
          {call.state === 'ringing' ? t('calls.cancel') : t('calls.hangup')}
        </button>
      )}
    </section>
  );
}

/** Whether a call keeps this console from placing another on the line. */
export function isLineBusy(calls: readonly LiveCall[], line: string): boolean {
  return calls.some((call) => call.state !== 'ended' && (call.line === line || isMine(call)));
}
