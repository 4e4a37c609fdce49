/**
 * The talk this console is in (CALL5): a grid of videos, this console's camera first and then
 * every other participant in join order, each with the person's name and, from getStats, the
 * state of the connection to them and what it receives (also as data attributes, so a test or
 * an operator can read the figures per participant), and Leave.
 */
import { useEffect, useRef } from 'react';
import type { CallQuality } from '../calls/rtc.ts';
import type { TalkRemote } from '../calls/talkController.ts';
import type { Talk, TalkParticipant } from '../calls/talksApi.ts';
import { t } from '../strings.ts';
import { Icon } from './Icon.tsx';
import './TalkStyles.css';

/** Props of `TalkRoom`. */
export interface TalkRoomProps {
  /** The talk as listed; null until the list has it. */
  talk: Talk | null;
  self: TalkParticipant | null;
  isJoining: boolean;
  localStream: MediaStream | null;
  remotes: readonly TalkRemote[];
  error: string | null;
  onLeave(): void;
}

/** A `<video>` of one participant, with its figures as data attributes. */
function ParticipantVideo({
  stream,
  user,
  isLocal,
  quality,
}: {
  stream: MediaStream | null;
  user: string;
  isLocal: boolean;
  quality: CallQuality | null;
}) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const element = video.current;
    if (element && element.srcObject !== stream) element.srcObject = stream;
  }, [stream]);
  return (
    <video
      ref={video}
      autoPlay
      playsInline
      // The local camera is muted so this console does not hear itself.
      muted={isLocal}
      aria-label={isLocal ? t('talks.localVideo') : t('talks.videoOf', { who: user })}
      data-testid="talk-video"
      data-participant={user}
      data-local={isLocal ? 'true' : 'false'}
      {...(quality === null
        ? {}
        : {
            'data-connection': quality.connection,
            'data-video-bytes': quality.videoBytesReceived,
            'data-audio-bytes': quality.audioBytesReceived,
            'data-candidate': quality.candidateType ?? '',
          })}
    />
  );
}

/** The figures of one connection, in words. */
function qualityText(remote: TalkRemote): string {
  const { quality } = remote;
  if (quality === null || quality.audioBytesReceived + quality.videoBytesReceived === 0) {
    return remote.connection === 'failed' ? t('talks.failed') : t('talks.qualityWaiting');
  }
  return t('talks.quality', {
    state: quality.connection,
    rtt: quality.rttMs === null ? '—' : String(quality.rttMs),
    loss: quality.packetLossPercent === null ? '—' : quality.packetLossPercent.toFixed(1),
    kb: Math.round((quality.audioBytesReceived + quality.videoBytesReceived) / 1024),
  });
}

/** The window of the talk this console is in. */
export function TalkRoom({ talk, self, isJoining, localStream, remotes, error, onLeave }: TalkRoomProps) {
  const title = talk?.title ?? '';
  return (
    <section className="talk-room" aria-label={t('talks.roomLabel', { title })} data-testid="talk-room">
      <div className="talk-room__head">
        <p className="talk-room__title" role="status">
          <Icon name="video" /> {t('talks.roomLabel', { title })}
        </p>
        <button type="button" className="talk-room__leave" data-testid="talk-leave" onClick={onLeave}>
          {t('talks.leave')}
        </button>
      </div>
      {isJoining && <p>{t('talks.joining')}</p>}
      <ul className="talk-room__grid">
        <li className="talk-tile talk-tile--self">
          <ParticipantVideo stream={localStream} user={self?.user ?? ''} isLocal quality={null} />
          <p className="talk-tile__name">{t('talks.you', { user: self?.user ?? '…' })}</p>
        </li>
        {remotes.map((remote) => (
          <li key={remote.participant.client} className="talk-tile" data-testid="talk-tile">
            <ParticipantVideo
              stream={remote.stream}
              user={remote.participant.user}
              isLocal={false}
              quality={remote.quality}
            />
            <p className="talk-tile__name">{remote.participant.user}</p>
            <p className="talk-tile__quality" data-testid="talk-quality">
              {qualityText(remote)}
            </p>
          </li>
        ))}
      </ul>
      {!isJoining && remotes.length === 0 && <p>{t('talks.waiting')}</p>}
      {error !== null && (
        <p className="talk-room__error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
