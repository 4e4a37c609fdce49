/**
 * The media of a call between two consoles (CALL1, CALL3): one RTCPeerConnection to one remote
 * console, fed by this console's camera and microphone, with its signals (offer, answer, ICE
 * candidates) handed to the node to relay. Used by calls (one remote) and by video talks (one per
 * other participant).
 *
 * The offerer is decided by the caller of `PeerLink` (the caller of a call; in a talk, the one who
 * joined later), so offers never cross. Candidates that arrive before the remote description are
 * held until it is set.
 *
 * `readQuality` turns getStats into what the console shows (issue 5, part 7): connection state,
 * bytes received, packet loss, round-trip time, the remote audio level and whether the path goes
 * through a TURN relay.
 */

export type SignalKind = 'offer' | 'answer' | 'ice';

export interface PeerLinkOptions {
  iceServers: RTCIceServer[];
  iceTransportPolicy: RTCIceTransportPolicy;
  localStream: MediaStream;
  isOfferer: boolean;
  /** Sends a signal to the remote console through the node. */
  send(kind: SignalKind, data: string): void;
  onRemoteStream(stream: MediaStream): void;
  onConnectionState(state: RTCPeerConnectionState): void;
}

/** What the console shows of a call's media. */
export interface CallQuality {
  connection: RTCPeerConnectionState;
  audioBytesReceived: number;
  videoBytesReceived: number;
  bytesSent: number;
  /** Lost over expected packets received, in percent; null before any packet. */
  packetLossPercent: number | null;
  rttMs: number | null;
  /** The remote audio level, 0–1; null when there is no audio. */
  audioLevel: number | null;
  /** `relay` when the media goes through a TURN server (CALL3). */
  candidateType: string | null;
}

/** Opens this console's microphone (and camera for video). */
export function openLocalMedia(media: 'voice' | 'video'): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({
    audio: true,
    video: media === 'video' ? { width: 640, height: 360 } : false,
  });
}

/** Stops every track of a stream (camera light off). */
export function stopStream(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

export class PeerLink {
  readonly connection: RTCPeerConnection;
  private readonly heldCandidates: RTCIceCandidateInit[] = [];
  private hasRemoteDescription = false;
  private closed = false;

  constructor(private readonly options: PeerLinkOptions) {
    this.connection = new RTCPeerConnection({
      iceServers: options.iceServers,
      iceTransportPolicy: options.iceTransportPolicy,
    });
    for (const track of options.localStream.getTracks()) {
      this.connection.addTrack(track, options.localStream);
    }
    this.connection.onicecandidate = (event) => {
      if (event.candidate) options.send('ice', JSON.stringify(event.candidate.toJSON()));
    };
    this.connection.ontrack = (event) => {
      const [stream] = event.streams;
      if (stream) options.onRemoteStream(stream);
    };
    this.connection.onconnectionstatechange = () =>
      options.onConnectionState(this.connection.connectionState);
  }

  /** The offerer sends its offer; the answerer waits for it. */
  async start(): Promise<void> {
    if (!this.options.isOfferer) return;
    const offer = await this.connection.createOffer();
    await this.connection.setLocalDescription(offer);
    this.options.send('offer', JSON.stringify(this.connection.localDescription));
  }

  /** Takes a signal from the remote console. */
  async receive(kind: SignalKind, data: string): Promise<void> {
    if (this.closed) return;
    const payload = JSON.parse(data) as RTCSessionDescriptionInit | RTCIceCandidateInit;
    if (kind === 'ice') {
      if (this.hasRemoteDescription) await this.connection.addIceCandidate(payload as RTCIceCandidateInit);
      else this.heldCandidates.push(payload as RTCIceCandidateInit);
      return;
    }
    await this.connection.setRemoteDescription(payload as RTCSessionDescriptionInit);
    this.hasRemoteDescription = true;
    for (const candidate of this.heldCandidates.splice(0)) await this.connection.addIceCandidate(candidate);
    if (kind === 'offer') {
      const answer = await this.connection.createAnswer();
      await this.connection.setLocalDescription(answer);
      this.options.send('answer', JSON.stringify(this.connection.localDescription));
    }
  }

  /** Reads the connection's statistics now. */
  async readQuality(): Promise<CallQuality> {
    return qualityFrom(this.connection.connectionState, await this.connection.getStats());
  }

  close(): void {
    this.closed = true;
    this.connection.close();
  }
}

/** Folds an RTCStatsReport into the figures the console shows. */
export function qualityFrom(connection: RTCPeerConnectionState, report: RTCStatsReport): CallQuality {
  const quality: CallQuality = {
    connection,
    audioBytesReceived: 0,
    videoBytesReceived: 0,
    bytesSent: 0,
    packetLossPercent: null,
    rttMs: null,
    audioLevel: null,
    candidateType: null,
  };
  let lost = 0;
  let received = 0;
  const candidates = new Map<string, string>();
  const pairs = new Map<string, Record<string, unknown>>();
  let selectedPairId: string | null = null;
  report.forEach((raw) => {
    const stat = raw as Record<string, unknown>;
    switch (stat.type) {
      case 'inbound-rtp': {
        const bytes = Number(stat.bytesReceived ?? 0);
        if (stat.kind === 'audio') {
          quality.audioBytesReceived += bytes;
          if (typeof stat.audioLevel === 'number') quality.audioLevel = stat.audioLevel;
        } else if (stat.kind === 'video') quality.videoBytesReceived += bytes;
        lost += Math.max(0, Number(stat.packetsLost ?? 0));
        received += Number(stat.packetsReceived ?? 0);
        break;
      }
      case 'outbound-rtp':
        quality.bytesSent += Number(stat.bytesSent ?? 0);
        break;
      case 'candidate-pair':
        if (typeof stat.id === 'string') pairs.set(stat.id, stat);
        break;
      case 'transport':
        if (typeof stat.selectedCandidatePairId === 'string') selectedPairId = stat.selectedCandidatePairId;
        break;
      case 'local-candidate':
        if (typeof stat.id === 'string' && typeof stat.candidateType === 'string') {
          candidates.set(stat.id, stat.candidateType);
        }
        break;
    }
  });
  if (lost + received > 0) quality.packetLossPercent = (100 * lost) / (lost + received);
  const pair = selectedPair(pairs, selectedPairId);
  if (pair) {
    if (typeof pair.currentRoundTripTime === 'number')
      quality.rttMs = Math.round(pair.currentRoundTripTime * 1000);
    if (typeof pair.localCandidateId === 'string')
      quality.candidateType = candidates.get(pair.localCandidateId) ?? null;
  }
  return quality;
}

/**
 * The candidate pair the media uses: the one the transport names as selected, else a
 * succeeded nominated pair (browsers that do not report `selectedCandidatePairId`).
 */
function selectedPair(
  pairs: ReadonlyMap<string, Record<string, unknown>>,
  selectedPairId: string | null,
): Record<string, unknown> | undefined {
  const named = selectedPairId === null ? undefined : pairs.get(selectedPairId);
  if (named) return named;
  return [...pairs.values()].find((pair) => pair.state === 'succeeded' && pair.nominated === true);
}
