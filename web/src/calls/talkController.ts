/**
 * This console's side of a video talk (CALL5): a mesh of `PeerLink`s, one to every other console
 * in the talk, all fed by this console's camera and microphone. Outside React so its life does
 * not follow renders; `useTalks` subscribes to its snapshots.
 *
 * The node sends the talk's roster on every change (`{type: "talk"}` frames); for each console
 * that appears this one makes a connection, and of the two the one that joined later offers
 * (the same order on every console, so offers never cross). A console that leaves the roster
 * has its connection closed. A signal from a console this one has not met yet (its roster frame
 * is still on its way) is held and handed over once the connection exists. Each connection's
 * getStats figures are read every second, per participant.
 *
 * When the stream comes back after a loss, the console joins again: the node may have let it go
 * (src/calls/talks.ts), and a join of a console still in the talk changes nothing.
 */

import { CONSOLE_ID, subscribeCalls } from './callBus.ts';
import { type CallConfig, fetchCallConfig } from './callsApi.ts';
import { type CallQuality, openLocalMedia, PeerLink, type SignalKind, stopStream } from './rtc.ts';
import {
  compareParticipants,
  joinTalk,
  leaveTalk,
  sendTalkSignal,
  type TalkParticipant,
} from './talksApi.ts';

/** One other console in the talk, as this console's connection to it stands. */
export interface TalkRemote {
  participant: TalkParticipant;
  stream: MediaStream | null;
  connection: RTCPeerConnectionState;
  quality: CallQuality | null;
}

/** What the console renders of the talk it is in. */
export interface TalkSnapshot {
  /** The talk this console is in (or joining), or null. */
  talk: string | null;
  isJoining: boolean;
  /** This console's own place in the talk, once the node has counted it. */
  self: TalkParticipant | null;
  localStream: MediaStream | null;
  /** Every other console in the talk, in join order. */
  remotes: TalkRemote[];
  /** The last failure, in words from the node or the browser. */
  error: string | null;
}

interface Connection {
  link: PeerLink;
  remote: TalkRemote;
  /** Signals are handed over one after another, in the order they came. */
  queue: Promise<void>;
}

interface HeldSignal {
  kind: SignalKind;
  data: string;
}

const QUALITY_PERIOD_MS = 1000;
/** Signals held per unknown console, at most. */
const MAX_HELD_SIGNALS = 200;

export class TalkController {
  private talk: string | null = null;
  private isJoining = false;
  /** A join (or a join again) is waiting for the node's answer. */
  private isAwaitingJoin = false;
  private roster: TalkParticipant[] = [];
  /** The latest roster frame of the talk, and how many came: the newer of frame and answer wins. */
  private latestRosterFrame: TalkParticipant[] = [];
  private rosterFrames = 0;
  private readonly connections = new Map<string, Connection>();
  private readonly held = new Map<string, HeldSignal[]>();
  private localStream: MediaStream | null = null;
  private config: CallConfig | null = null;
  private qualityTimer: ReturnType<typeof setInterval> | null = null;
  private error: string | null = null;
  private snapshot: TalkSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: () => void;

  constructor() {
    this.snapshot = this.makeSnapshot();
    this.unsubscribe = subscribeCalls(
      (frame) => this.onFrame(frame),
      () => void this.rejoin(),
    );
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): TalkSnapshot => this.snapshot;

  /** Joins a talk with camera and microphone (leaving the one this console is in first). */
  async join(talk: string): Promise<void> {
    if (this.talk === talk) return;
    if (this.talk !== null) await this.leave();
    this.error = null;
    this.isJoining = true;
    this.talk = talk;
    this.publish();
    try {
      this.config ??= await fetchCallConfig();
      this.localStream = await openLocalMedia('video');
      await this.askToJoin(talk);
      this.qualityTimer = setInterval(() => void this.sampleQuality(), QUALITY_PERIOD_MS);
    } catch (error) {
      this.dropMedia();
      this.talk = null;
      this.fail(error);
    } finally {
      this.isJoining = false;
      this.publish();
    }
  }

  /** Leaves the talk: every connection closes, the camera goes off, the node is told. */
  async leave(): Promise<void> {
    const talk = this.talk;
    if (talk === null) return;
    this.dropMedia();
    this.talk = null;
    this.publish();
    try {
      await leaveTalk(talk);
    } catch (error) {
      this.fail(error);
    }
  }

  /** Drops the media and stops listening (sign-out, unmount); the node lets the console go. */
  close(): void {
    this.unsubscribe();
    this.dropMedia();
    this.talk = null;
  }

  private async rejoin(): Promise<void> {
    const talk = this.talk;
    if (talk === null || this.isJoining) return;
    try {
      await this.askToJoin(talk);
    } catch (error) {
      this.fail(error);
    }
  }

  /**
   * Asks the node to count this console in, and applies the roster. A roster frame that came
   * while the answer was on its way was sent after the answer was made, so it wins.
   */
  private async askToJoin(talk: string): Promise<void> {
    const framesBefore = this.rosterFrames;
    this.isAwaitingJoin = true;
    try {
      const participants = await joinTalk(talk);
      if (this.talk !== talk) return;
      this.applyRoster(this.rosterFrames === framesBefore ? participants : this.latestRosterFrame);
    } finally {
      this.isAwaitingJoin = false;
    }
  }

  private onFrame(frame: Record<string, unknown>): void {
    if (this.talk === null) return;
    if (frame.type === 'talk' && frame.talk === this.talk && Array.isArray(frame.participants)) {
      this.latestRosterFrame = frame.participants as TalkParticipant[];
      this.rosterFrames += 1;
      if (!this.isAwaitingJoin) this.applyRoster(this.latestRosterFrame);
    } else if (frame.type === 'signal' && frame.session === this.talk && typeof frame.from === 'string') {
      this.onSignal(frame.from, frame.kind as SignalKind, String(frame.data));
    }
  }

  private onSignal(from: string, kind: SignalKind, data: string): void {
    const connection = this.connections.get(from);
    if (connection) {
      this.handOver(connection, kind, data);
      return;
    }
    const held = this.held.get(from) ?? [];
    if (held.length < MAX_HELD_SIGNALS) held.push({ kind, data });
    this.held.set(from, held);
  }

  private handOver(connection: Connection, kind: SignalKind, data: string): void {
    connection.queue = connection.queue
      .then(() => connection.link.receive(kind, data))
      .catch((error: unknown) => this.fail(error));
  }

  /** Makes a connection to each console new in the roster and closes those gone from it. */
  private applyRoster(participants: readonly TalkParticipant[]): void {
    this.roster = [...participants].sort(compareParticipants);
    const self = this.roster.find((participant) => participant.client === CONSOLE_ID) ?? null;
    const present = new Set(this.roster.map((participant) => participant.client));
    for (const [client, connection] of this.connections) {
      if (present.has(client)) continue;
      connection.link.close();
      this.connections.delete(client);
      this.held.delete(client);
    }
    if (self !== null) {
      for (const participant of this.roster) {
        if (participant.client === CONSOLE_ID || this.connections.has(participant.client)) continue;
        this.connect(participant, compareParticipants(self, participant) > 0);
      }
    }
    this.publish();
  }

  private connect(participant: TalkParticipant, isOfferer: boolean): void {
    const { config, localStream, talk } = this;
    if (!config || !localStream || talk === null) return;
    const remote: TalkRemote = { participant, stream: null, connection: 'new', quality: null };
    const link = new PeerLink({
      iceServers: config.iceServers,
      iceTransportPolicy: config.iceTransportPolicy,
      localStream,
      isOfferer,
      send: (kind, data) => {
        sendTalkSignal(talk, participant.client, kind, data).catch((error: unknown) => this.fail(error));
      },
      onRemoteStream: (stream) => {
        remote.stream = stream;
        this.publish();
      },
      onConnectionState: (state) => {
        remote.connection = state;
        this.publish();
      },
    });
    const connection: Connection = { link, remote, queue: Promise.resolve() };
    this.connections.set(participant.client, connection);
    link.start().catch((error: unknown) => this.fail(error));
    for (const signal of this.held.get(participant.client) ?? [])
      this.handOver(connection, signal.kind, signal.data);
    this.held.delete(participant.client);
  }

  private async sampleQuality(): Promise<void> {
    const reads = [...this.connections.values()].map(async (connection) => {
      try {
        connection.remote.quality = await connection.link.readQuality();
      } catch {
        // A closed connection has no statistics.
      }
    });
    await Promise.all(reads);
    if (reads.length > 0) this.publish();
  }

  private dropMedia(): void {
    if (this.qualityTimer !== null) clearInterval(this.qualityTimer);
    this.qualityTimer = null;
    for (const connection of this.connections.values()) connection.link.close();
    this.connections.clear();
    this.held.clear();
    this.roster = [];
    stopStream(this.localStream);
    this.localStream = null;
  }

  private fail(error: unknown): void {
    this.error = error instanceof Error ? error.message : String(error);
    this.publish();
  }

  private makeSnapshot(): TalkSnapshot {
    const remotes = this.roster.flatMap((participant) => {
      const connection = this.connections.get(participant.client);
      return connection ? [{ ...connection.remote }] : [];
    });
    return {
      talk: this.talk,
      isJoining: this.isJoining,
      self: this.roster.find((participant) => participant.client === CONSOLE_ID) ?? null,
      localStream: this.localStream,
      remotes,
      error: this.error,
    };
  }

  private publish(): void {
    this.snapshot = this.makeSnapshot();
    for (const listener of this.listeners) listener();
  }
}
