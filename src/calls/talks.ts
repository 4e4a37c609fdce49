/**
 * Who is in a video talk now (CALL5), and the relay of their WebRTC signals. The media is a mesh:
 * every participant's console holds one connection to every other participant's console, so a
 * node only introduces the consoles to each other and carries their signals; nothing here is
 * stored but the `talk.joined` / `talk.left` facts of this node's own people.
 *
 * A node keeps, per talk, its own consoles (joined through its HTTP API) and the consoles its
 * peers announced (`talk.join`, `talk.leave`, `talk.roster` over the federation link, CALL1's
 * channel). On a local join it announces the console to every other member node of the talk's
 * line; a peer that hears a join answers with its own consoles (`talk.roster`), so both sides
 * know everyone without a central server. Each change goes to the talk's local consoles as one
 * frame `{type: "talk", talk, participants}`.
 *
 * Who offers: each participant carries `joinedAt`, stamped by its own node; of two participants
 * the one that joined later (ties: the greater console id) sends the offer. Every console sees
 * the same stamps, so offers never cross.
 *
 * A link that closes takes the peer's consoles out of the roster; when it opens again both sides
 * announce theirs anew. A console whose stream closes keeps its place for a short grace (a
 * reload, a network blip) and is then taken out as if it had left. A join that arrives before
 * the talk's `talk.scheduled` event (frames can overtake batches) is held briefly and replayed.
 */
import type { Clock } from '../core/clock.ts';
import { isoTime } from '../core/clock.ts';
import type { LiaisonEvent } from '../core/types.ts';
import { type CallFrame, MAX_TALK_PARTICIPANTS_PER_NODE, type TalkFrame } from '../federation/protocol.ts';
import { type Logger, RecordError } from '../record/ledger.ts';
import type { LineRecord } from '../store/types.ts';
import { readScheduled, talkIdOf } from './talkLog.ts';

/** One console in a talk, and the person at it. */
export interface TalkParticipant {
  client: string;
  /** `user@node`. */
  user: string;
  node: string;
  /** When its node saw it join, on that node's clock. */
  joinedAt: string;
}

/** What a console in a talk receives on every change of its roster. */
export interface TalkRosterView {
  type: 'talk';
  talk: string;
  participants: TalkParticipant[];
}

/** A signal for one console, on its stream (the same frame as a call's). */
export interface TalkSignalView {
  type: 'signal';
  session: string;
  from: string;
  kind: 'offer' | 'answer' | 'ice';
  data: string;
}

/** What the talks need from the rest of the node. */
export interface TalksContext {
  selfId: string;
  clock: Clock;
  logger: Logger;
  line(id: string): LineRecord | undefined;
  /** Sends a frame to a peer over its link; false when no link is open. */
  sendToPeer(peer: string, frame: CallFrame): boolean;
  /** Sends a frame to one console; false when it is not connected. */
  sendToConsole(client: string, frame: TalkRosterView | TalkSignalView): boolean;
  /** Whether a console with this id has its stream open. */
  isConsoleConnected(client: string): boolean;
  /** Appends `talk.joined` or `talk.left` by a person of this node, resolving once durable. */
  record(line: string, author: string, type: 'talk.joined' | 'talk.left', talk: string): Promise<unknown>;
  /** How long a console whose stream closed keeps its place (default 15 s). */
  consoleGraceMs?: number;
}

interface KnownTalk {
  line: string;
  isCancelled: boolean;
}

interface EarlyFrame {
  peer: string;
  frame: TalkFrame;
  atMs: number;
}

const DEFAULT_CONSOLE_GRACE_MS = 15_000;
/** Frames for a talk not known yet are held this long, at most this many. */
const EARLY_KEPT_MS = 30_000;
const MAX_EARLY_FRAMES = 64;

/** Orders participants as every console does: by join time, then console id. */
export function compareParticipants(a: TalkParticipant, b: TalkParticipant): number {
  if (a.joinedAt !== b.joinedAt) return a.joinedAt < b.joinedAt ? -1 : 1;
  return a.client < b.client ? -1 : a.client > b.client ? 1 : 0;
}

export class Talks {
  /** Talks this node holds in its record: id → line. */
  private readonly known = new Map<string, KnownTalk>();
  /** Talk id → console id → participant. */
  private readonly rooms = new Map<string, Map<string, TalkParticipant>>();
  private early: EarlyFrame[] = [];
  private readonly graceTimers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly context: TalksContext) {}

  /** Learns talks and cancellations from events this node holds (at start, then as they commit). */
  noteEvents(events: readonly LiaisonEvent[]): void {
    for (const event of events) {
      const id = talkIdOf(event.body);
      if (!id) continue;
      if (event.type === 'talk.scheduled' && !this.known.has(id) && readScheduled(event)) {
        this.known.set(id, { line: event.line, isCancelled: false });
        this.replayEarly(id);
      } else if (event.type === 'talk.cancelled') {
        const talk = this.known.get(id);
        if (talk?.line === event.line) talk.isCancelled = true;
      }
    }
  }

  /** Whether an id is a talk this node knows (its signals are the talk's, not a call's). */
  isTalk(id: string): boolean {
    return this.known.has(id);
  }

  /** Whether a frame from a peer is for the talks rather than for a call. */
  claims(frame: CallFrame): boolean {
    return frame.t.startsWith('talk.') || (frame.t === 'rtc.signal' && this.isTalk(frame.session));
  }

  /** The consoles in a talk now, in the order that decides who offers. */
  roster(talk: string): TalkParticipant[] {
    return [...(this.rooms.get(talk)?.values() ?? [])].sort(compareParticipants);
  }

  /** A console of this node joins a talk; resolves with the roster it joins. */
  async join(talk: string, client: string, user: string): Promise<TalkParticipant[]> {
    const { line, members } = this.requireOpenTalk(talk);
    const room = this.roomOf(talk);
    const existing = room.get(client);
    if (existing) {
      if (existing.node === this.context.selfId && existing.user === user) return this.roster(talk);
      throw new RecordError(
        'console-in-use',
        `console ${client} is already in this talk as ${existing.user}`,
      );
    }
    await this.context.record(line, user, 'talk.joined', talk);
    const participant: TalkParticipant = {
      client,
      user,
      node: this.context.selfId,
      joinedAt: isoTime(this.context.clock.now()),
    };
    room.set(client, participant);
    for (const peer of this.otherMembers(members)) {
      this.context.sendToPeer(peer, { t: 'talk.join', talk, client, user, joinedAt: participant.joinedAt });
    }
    this.publish(talk);
    return this.roster(talk);
  }

  /** A console of this node leaves a talk (only its own person may take it out). */
  async leave(talk: string, client: string, user: string): Promise<void> {
    const participant = this.rooms.get(talk)?.get(client);
    if (!participant || participant.node !== this.context.selfId || participant.user !== user) {
      throw new RecordError('not-a-participant', `console ${client} of ${user} is not in talk ${talk}`);
    }
    await this.removeLocal(talk, participant);
  }

  /**
   * Relays a WebRTC signal from a console here to another participant of the talk, at this node
   * or at a peer; refused unless both are in the talk and the sender is this person's console.
   */
  signal(
    talk: string,
    sender: { client: string; user: string },
    to: string,
    kind: 'offer' | 'answer' | 'ice',
    data: string,
  ): void {
    const room = this.rooms.get(talk);
    const from = room?.get(sender.client);
    const target = room?.get(to);
    if (
      !from ||
      from.node !== this.context.selfId ||
      from.user !== sender.user ||
      !target ||
      to === sender.client
    ) {
      throw new RecordError(
        'not-a-participant',
        `console ${sender.client} cannot signal ${to} in talk ${talk}`,
      );
    }
    if (target.node === this.context.selfId) {
      const sent = this.context.sendToConsole(to, {
        type: 'signal',
        session: talk,
        from: sender.client,
        kind,
        data,
      });
      if (!sent) throw new RecordError('peer-unreachable', `console ${to} is not connected`);
      return;
    }
    const sent = this.context.sendToPeer(target.node, {
      t: 'rtc.signal',
      session: talk,
      from: sender.client,
      to,
      kind,
      data,
    });
    if (!sent) throw new RecordError('peer-unreachable', `the link to ${target.node} is down`);
  }

  /** A talk frame (or a talk's signal) from a peer over its link. Never throws on the peer's input. */
  frame(peer: string, frame: CallFrame): void {
    try {
      this.onFrame(peer, frame);
    } catch (error) {
      this.context.logger.warn({ peer, frame: frame.t, err: (error as Error).message }, 'talk frame dropped');
    }
  }

  /** The link to a peer closed: its consoles leave every roster here. */
  linkClosed(peer: string): void {
    for (const [talk, room] of this.rooms) {
      let changed = false;
      for (const [client, participant] of room) {
        if (participant.node !== peer) continue;
        room.delete(client);
        changed = true;
      }
      if (changed) this.publish(talk);
    }
  }

  /** The link to a peer opened (again): this node announces its consoles in the talks they share. */
  linkOpened(peer: string): void {
    for (const [talk, room] of this.rooms) {
      const known = this.known.get(talk);
      if (!known || !this.membersOf(known).includes(peer)) continue;
      for (const participant of room.values()) {
        if (participant.node !== this.context.selfId) continue;
        const { client, user, joinedAt } = participant;
        this.context.sendToPeer(peer, { t: 'talk.join', talk, client, user, joinedAt });
      }
    }
  }

  /**
   * A console's stream closed: after the grace, if it has not come back, it leaves every talk
   * it was in, as if it had said so.
   */
  consoleClosed(client: string): void {
    if (this.graceTimers.has(client) || !this.isLocalParticipant(client)) return;
    const timer = setTimeout(() => {
      this.graceTimers.delete(client);
      if (this.context.isConsoleConnected(client)) return;
      for (const [talk, room] of this.rooms) {
        const participant = room.get(client);
        if (participant?.node !== this.context.selfId) continue;
        this.removeLocal(talk, participant).catch((error: Error) =>
          this.context.logger.warn({ talk, client, err: error.message }, 'talk.left not recorded'),
        );
      }
    }, this.context.consoleGraceMs ?? DEFAULT_CONSOLE_GRACE_MS);
    timer.unref();
    this.graceTimers.set(client, timer);
  }

  /** Stops every timer (node shutdown). */
  stop(): void {
    for (const timer of this.graceTimers.values()) clearTimeout(timer);
    this.graceTimers.clear();
  }

  private onFrame(peer: string, frame: CallFrame): void {
    switch (frame.t) {
      case 'talk.join':
      case 'talk.roster':
        if (!this.known.has(frame.talk)) {
          this.holdEarly(peer, frame);
          return;
        }
        if (frame.t === 'talk.join') this.onJoin(peer, frame);
        else this.onRoster(peer, frame);
        return;
      case 'talk.leave': {
        const room = this.rooms.get(frame.talk);
        if (room?.get(frame.client)?.node !== peer) return;
        room.delete(frame.client);
        this.publish(frame.talk);
        return;
      }
      case 'rtc.signal': {
        const room = this.rooms.get(frame.session);
        const from = room?.get(frame.from);
        const to = room?.get(frame.to);
        if (from?.node !== peer || to?.node !== this.context.selfId) return;
        const { session, kind, data } = frame;
        this.context.sendToConsole(frame.to, { type: 'signal', session, from: frame.from, kind, data });
        return;
      }
      default:
        return;
    }
  }

  private onJoin(peer: string, frame: Extract<TalkFrame, { t: 'talk.join' }>): void {
    if (!this.isPeerOfTalk(peer, frame.talk) || !frame.user.endsWith(`@${peer}`)) {
      this.context.logger.warn({ peer, talk: frame.talk }, 'talk join refused: not a member of the talk');
      return;
    }
    const room = this.roomOf(frame.talk);
    const existing = room.get(frame.client);
    if (existing && existing.node !== peer) return;
    if (!existing && this.countOf(room, peer) >= MAX_TALK_PARTICIPANTS_PER_NODE) return;
    room.set(frame.client, { client: frame.client, user: frame.user, node: peer, joinedAt: frame.joinedAt });
    this.publish(frame.talk);
    this.context.sendToPeer(peer, {
      t: 'talk.roster',
      talk: frame.talk,
      participants: this.localsOf(frame.talk).map(({ client, user, joinedAt }) => ({
        client,
        user,
        joinedAt,
      })),
    });
  }

  private onRoster(peer: string, frame: Extract<TalkFrame, { t: 'talk.roster' }>): void {
    const isOwn = frame.participants.every((p) => p.user.endsWith(`@${peer}`));
    if (!this.isPeerOfTalk(peer, frame.talk) || !isOwn) {
      this.context.logger.warn(
        { peer, talk: frame.talk },
        'talk roster refused: not the peer’s own consoles',
      );
      return;
    }
    const room = this.roomOf(frame.talk);
    for (const [client, participant] of room) if (participant.node === peer) room.delete(client);
    for (const { client, user, joinedAt } of frame.participants) {
      if (!room.has(client)) room.set(client, { client, user, node: peer, joinedAt });
    }
    this.publish(frame.talk);
  }

  private async removeLocal(talk: string, participant: TalkParticipant): Promise<void> {
    const room = this.rooms.get(talk);
    if (room?.get(participant.client) !== participant) return;
    room.delete(participant.client);
    const known = this.known.get(talk);
    for (const peer of known ? this.otherMembers(this.membersOf(known)) : []) {
      this.context.sendToPeer(peer, { t: 'talk.leave', talk, client: participant.client });
    }
    this.publish(talk);
    if (known) await this.context.record(known.line, participant.user, 'talk.left', talk);
  }

  /** Sends the roster to every console of this node in the talk. */
  private publish(talk: string): void {
    const participants = this.roster(talk);
    const view: TalkRosterView = { type: 'talk', talk, participants };
    for (const participant of participants) {
      if (participant.node === this.context.selfId) this.context.sendToConsole(participant.client, view);
    }
  }

  private requireOpenTalk(talk: string): { line: string; members: string[] } {
    const known = this.known.get(talk);
    if (!known) throw new RecordError('unknown-talk', `there is no talk ${talk}`);
    if (known.isCancelled) throw new RecordError('talk-cancelled', `talk ${talk} was cancelled`);
    const members = this.membersOf(known);
    if (!members.includes(this.context.selfId)) {
      throw new RecordError('not-member', `this node is not a member of talk ${talk}`);
    }
    return { line: known.line, members };
  }

  private membersOf(known: KnownTalk): string[] {
    return this.context.line(known.line)?.members ?? [];
  }

  private otherMembers(members: readonly string[]): string[] {
    return members.filter((member) => member !== this.context.selfId);
  }

  /** Whether `peer` and this node are both members of the talk's line. */
  private isPeerOfTalk(peer: string, talk: string): boolean {
    const known = this.known.get(talk);
    if (!known || peer === this.context.selfId) return false;
    const members = this.membersOf(known);
    return members.includes(peer) && members.includes(this.context.selfId);
  }

  private roomOf(talk: string): Map<string, TalkParticipant> {
    let room = this.rooms.get(talk);
    if (!room) {
      room = new Map();
      this.rooms.set(talk, room);
    }
    return room;
  }

  private localsOf(talk: string): TalkParticipant[] {
    return this.roster(talk).filter((participant) => participant.node === this.context.selfId);
  }

  private countOf(room: Map<string, TalkParticipant>, node: string): number {
    let count = 0;
    for (const participant of room.values()) if (participant.node === node) count += 1;
    return count;
  }

  private isLocalParticipant(client: string): boolean {
    for (const room of this.rooms.values()) {
      if (room.get(client)?.node === this.context.selfId) return true;
    }
    return false;
  }

  /** Holds a frame for a talk whose `talk.scheduled` has not arrived yet. */
  private holdEarly(peer: string, frame: TalkFrame): void {
    const nowMs = this.context.clock.now();
    this.early = this.early.filter((held) => nowMs - held.atMs < EARLY_KEPT_MS);
    if (this.early.length >= MAX_EARLY_FRAMES) this.early.shift();
    this.early.push({ peer, frame, atMs: nowMs });
  }

  private replayEarly(talk: string): void {
    const nowMs = this.context.clock.now();
    const due = this.early.filter((held) => held.frame.talk === talk && nowMs - held.atMs < EARLY_KEPT_MS);
    this.early = this.early.filter((held) => held.frame.talk !== talk);
    for (const held of due) this.frame(held.peer, held.frame);
  }
}
