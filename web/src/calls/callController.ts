/**
 * This console's side of calls (CALL1): the calls the node reports (rings included), and the
 * media of the one call this console takes part in. Outside React so its life does not follow
 * renders; `useCalls` subscribes to its snapshots.
 *
 * The caller's console opens its camera when it places the call and sends the offer once the
 * node says the call was answered; the answering console opens its camera and makes its
 * connection before it tells the node it answers, so the offer always finds it ready. A
 * connection that fails hangs the call up as `media-failed`.
 *
 * Media figures are sampled every second; while a call is being set up they are sampled every
 * 100 ms until this console receives its media (sound, and picture for video), and that moment
 * is kept as `mediaFlowingAt` (what the call-setup benchmark measures, issue 5).
 */
import { CONSOLE_ID, subscribeCalls } from './callBus.ts';
import {
  answerCall,
  type CallConfig,
  type CallMedia,
  fetchCallConfig,
  fetchCallPolicy,
  fetchLiveCalls,
  hangUpCall,
  type LiveCall,
  placeCall,
  sendSignal,
  setCallRecording,
} from './callsApi.ts';
import { CallRecorder } from './recorder.ts';
import { type CallQuality, openLocalMedia, PeerLink, type SignalKind, stopStream } from './rtc.ts';

/** What the console renders of calls. */
export interface CallsSnapshot {
  /** Calls the node reported, newest first. */
  calls: LiveCall[];
  /** The call this console takes part in, if any. */
  mine: LiveCall | null;
  localStream: MediaStream | null;
  remoteStream: MediaStream | null;
  quality: CallQuality | null;
  /**
   * Wall-clock ms (`performance.timeOrigin + performance.now()`) when this console first
   * received the call's media, to within SETUP_PERIOD_MS; null until then.
   */
  mediaFlowingAt: number | null;
  /** The last failure, in words from the node or the browser. */
  error: string | null;
  /** Whether the line of this console's call allows recording (CALL4). */
  recordingAllowed: boolean;
  /** Whether this console is recording its call now. */
  isRecordingHere: boolean;
  /** The blob name of the last recording this console saved. */
  savedRecording: string | null;
}

const QUALITY_PERIOD_MS = 1000;
/** How often media figures are sampled while a call is being set up. */
const SETUP_PERIOD_MS = 100;

/** Whether `quality` shows the media of a call arriving: sound, and picture for video. */
function isMediaFlowing(quality: CallQuality, media: CallMedia): boolean {
  return quality.audioBytesReceived > 0 && (media === 'voice' || quality.videoBytesReceived > 0);
}

/** Whether this console is a party of a call. */
export function isMine(call: LiveCall): boolean {
  return call.caller.client === CONSOLE_ID || call.callee.client === CONSOLE_ID;
}

export class CallController {
  private calls = new Map<string, LiveCall>();
  private mineId: string | null = null;
  private link: PeerLink | null = null;
  private localStream: MediaStream | null = null;
  private remoteStream: MediaStream | null = null;
  private quality: CallQuality | null = null;
  private mediaFlowingAt: number | null = null;
  private error: string | null = null;
  private config: CallConfig | null = null;
  private qualityTimer: ReturnType<typeof setInterval> | null = null;
  private recordingAllowed = false;
  private recorder: CallRecorder | null = null;
  private savedRecording: string | null = null;
  private setupTimer: ReturnType<typeof setInterval> | null = null;
  private snapshot: CallsSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: () => void;

  constructor() {
    this.snapshot = this.makeSnapshot();
    this.unsubscribe = subscribeCalls(
      (frame) => this.onFrame(frame),
      () => void this.refresh(),
    );
    void this.refresh();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): CallsSnapshot => this.snapshot;

  /** Reads the calls in progress (at start, and after the stream was lost). */
  async refresh(): Promise<void> {
    try {
      for (const call of await fetchLiveCalls()) this.upsert(call);
    } catch {
      // The stream's own notice says the node is out of reach.
    }
  }

  /** Places a call on a hotline. */
  async place(line: string, media: CallMedia): Promise<void> {
    this.error = null;
    this.quality = null;
    this.recordingAllowed = false;
    this.savedRecording = null;
    try {
      await this.loadConfig();
      this.localStream = await openLocalMedia(media);
      const call = await placeCall(line, media);
      this.mineId = call.id;
      this.upsert(call);
    } catch (error) {
      this.fail(error);
    }
  }

  /** Answers a ringing call here. */
  async answer(id: string): Promise<void> {
    const call = this.calls.get(id);
    if (!call?.caller.client) return;
    this.error = null;
    this.quality = null;
    this.recordingAllowed = false;
    this.savedRecording = null;
    try {
      await this.loadConfig();
      this.localStream = await openLocalMedia(call.media);
      this.mineId = id;
      this.connect(call, call.caller.client, false);
      this.upsert(await answerCall(id));
    } catch (error) {
      this.fail(error);
    }
  }

  /** Declines a ringing call, cancels ours, or hangs up. */
  async hangUp(id: string, mediaFailed = false): Promise<void> {
    try {
      this.upsert(await hangUpCall(id, mediaFailed));
    } catch (error) {
      this.fail(error);
    }
  }

  /** Starts recording this console's call, or stops and saves the recording (CALL4). */
  async toggleRecording(): Promise<void> {
    const id = this.mineId;
    if (!id) return;
    try {
      if (this.recorder) {
        await setCallRecording(id, false);
        await this.saveRecording(id);
        return;
      }
      if (!this.localStream) return;
      await setCallRecording(id, true);
      const call = this.calls.get(id);
      this.recorder = new CallRecorder(this.localStream, this.remoteStream, call?.media === 'video');
      this.publish();
    } catch (error) {
      this.fail(error);
    }
  }

  private async saveRecording(id: string): Promise<void> {
    const recorder = this.recorder;
    if (!recorder) return;
    this.recorder = null;
    this.publish();
    try {
      this.savedRecording = await recorder.finish(id);
      this.publish();
    } catch (error) {
      this.fail(error);
    }
  }

  /** Drops the media and stops listening (sign-out, unmount). */
  close(): void {
    this.unsubscribe();
    this.dropMedia();
  }

  private async loadConfig(): Promise<CallConfig> {
    this.config ??= await fetchCallConfig();
    return this.config;
  }

  private onFrame(frame: Record<string, unknown>): void {
    if (frame.type === 'call' && typeof frame.call === 'object' && frame.call !== null) {
      this.upsert(frame.call as LiveCall);
    } else if (frame.type === 'signal' && frame.session === this.mineId && this.link) {
      void this.link
        .receive(frame.kind as SignalKind, String(frame.data))
        .catch((error: unknown) => this.fail(error));
    }
  }

  private upsert(call: LiveCall): void {
    this.calls.set(call.id, call);
    if (call.id === this.mineId) {
      const isCaller = call.caller.client === CONSOLE_ID;
      if (call.state === 'answered' && isCaller && !this.link && call.callee.client) {
        this.connect(call, call.callee.client, true);
      }
      if (call.state === 'answered' && !this.recordingAllowed) void this.readPolicy(call.line);
      if (call.state === 'ended') {
        // The recording is saved before the media goes: it was made of the call's streams.
        void this.saveRecording(call.id);
        this.dropMedia();
      }
    }
    this.publish();
  }

  private async readPolicy(line: string): Promise<void> {
    try {
      this.recordingAllowed = (await fetchCallPolicy(line)).recordingAllowed;
      this.publish();
    } catch {
      // Without the policy, no recording is offered.
    }
  }

  /** Makes the connection to the other console of the call. */
  private connect(call: LiveCall, remoteClient: string, isOfferer: boolean): void {
    const config = this.config;
    const localStream = this.localStream;
    if (!config || !localStream) return;
    const link = new PeerLink({
      iceServers: config.iceServers,
      iceTransportPolicy: config.iceTransportPolicy,
      localStream,
      isOfferer,
      send: (kind, data) => {
        sendSignal(call.id, remoteClient, kind, data).catch((error: unknown) => this.fail(error));
      },
      onRemoteStream: (stream) => {
        this.remoteStream = stream;
        this.publish();
      },
      onConnectionState: (state) => {
        if (state === 'failed' && this.mineId === call.id) void this.hangUp(call.id, true);
        void this.sampleQuality(call.media);
      },
    });
    this.link = link;
    this.quality = null;
    this.mediaFlowingAt = null;
    this.qualityTimer = setInterval(() => void this.sampleQuality(call.media), QUALITY_PERIOD_MS);
    this.setupTimer = setInterval(() => void this.sampleQuality(call.media), SETUP_PERIOD_MS);
    link.start().catch((error: unknown) => this.fail(error));
  }

  /** Reads the media figures, and notes when the call's `media` first arrives. */
  private async sampleQuality(media: CallMedia): Promise<void> {
    const link = this.link;
    if (!link) return;
    try {
      this.quality = await link.readQuality();
      if (this.mediaFlowingAt === null && isMediaFlowing(this.quality, media)) {
        this.mediaFlowingAt = performance.timeOrigin + performance.now();
        this.stopSetupSampling();
      }
      this.publish();
    } catch {
      // A closed connection has no statistics; the next call starts afresh.
    }
  }

  private stopSetupSampling(): void {
    if (this.setupTimer !== null) clearInterval(this.setupTimer);
    this.setupTimer = null;
  }

  private dropMedia(): void {
    if (this.qualityTimer !== null) clearInterval(this.qualityTimer);
    this.qualityTimer = null;
    this.stopSetupSampling();
    this.link?.close();
    this.link = null;
    stopStream(this.localStream);
    this.localStream = null;
    this.remoteStream = null;
  }

  private fail(error: unknown): void {
    this.error = error instanceof Error ? error.message : String(error);
    const mine = this.mineId ? this.calls.get(this.mineId) : undefined;
    if (!mine || mine.state === 'ended') this.dropMedia();
    this.publish();
  }

  private makeSnapshot(): CallsSnapshot {
    const calls = [...this.calls.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    return {
      calls,
      mine: this.mineId ? (this.calls.get(this.mineId) ?? null) : null,
      localStream: this.localStream,
      remoteStream: this.remoteStream,
      quality: this.quality,
      mediaFlowingAt: this.mediaFlowingAt,
      error: this.error,
      recordingAllowed: this.recordingAllowed,
      isRecordingHere: this.recorder !== null,
      savedRecording: this.savedRecording,
    };
  }

  private publish(): void {
    this.snapshot = this.makeSnapshot();
    for (const listener of this.listeners) listener();
  }
}
