/**
 * Live calls on a hotline (CALL1, CALL2): the state machine of one call between two nodes' duty
 * desks, the relay of its WebRTC signalling, and the events that put it in the record.
 *
 * A call is placed by a console at the caller's node (`start`), rings every console at the
 * callee's node that may take calls, and is answered (`answer`), declined, cancelled or rung out.
 * The signalling travels console → own node → peer node → console over the federation link and is
 * never stored; the media flows directly between the two browsers (or through a TURN relay, CALL3).
 *
 * The record (CALL2), each event appended by the node that decides the fact:
 * - `call.started {call, media, callee}` by the caller (the person);
 * - `call.ringing {call}` by the callee's node when the invite reached it;
 * - `call.answered {call}` by the person who answered, at the callee's node;
 * - `call.ended {call, reason, durationMs?}` by the node whose person or timer ended it. The callee
 *   records nothing for an invite it refused at once (busy, glare): the caller records those.
 *   A call that rings out unanswered ends `missed`, and the caller's node posts a
 *   `call.missed` phrasebook message on the hotline: an item with a deadline that the callee's
 *   desk must acknowledge and that escalates like any message (HOT2–HOT4).
 *
 * Recording (CALL4): while the line's policy allows it (`recordingPolicy.ts`), a party starts or
 * stops recording with a `call.recording {call, recording: true | false}` event; every node shows
 * the live call's indicator from those events as they are committed, so every party sees it and
 * the record holds when it was on.
 *
 * Glare (both desks call each other at once): the call placed by the node with the smaller id
 * goes on ringing and the other ends `glare`; both sides decide the same without talking.
 * A lost link ends a ringing call (`link-lost`, recorded by the caller); an answered call goes on
 * while its media flows, and the consoles are told the signalling is down.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { isoTime } from '../core/clock.ts';
import type { JsonObject, LiaisonEvent, Precedence } from '../core/types.ts';
import type { CallEndReason, CallFrame, CallMedia } from '../federation/protocol.ts';
import type { CallParty, CallView } from './callTypes.ts';

export type { CallParty, CallState, CallView } from './callTypes.ts';

import { type Logger, RecordError } from '../record/ledger.ts';
import type { LineRecord, StoredEvent } from '../store/types.ts';

/** What a console receives (through the node's stream). */
export type ConsoleCallFrame =
  | { type: 'call'; call: CallView }
  | { type: 'signal'; session: string; from: string; kind: 'offer' | 'answer' | 'ice'; data: string };

/** What the call manager needs from the rest of the node. */
export interface CallsContext {
  selfId: string;
  clock: Clock;
  logger: Logger;
  /** Appends an event to a line, resolving once it is durable (LOG10). */
  append(line: string, author: string, type: string, body: JsonObject): Promise<StoredEvent>;
  line(id: string): LineRecord | undefined;
  isLineClosed(line: string): boolean;
  /** Sends a frame to a peer over its link; false when no link is open. */
  sendToPeer(peer: string, frame: CallFrame): boolean;
  /** Sends a frame to one console; false when it is not connected. */
  sendToConsole(client: string, frame: ConsoleCallFrame): boolean;
  /** Sends a frame to every console of a person who may take calls. */
  sendToCallTakers(frame: ConsoleCallFrame): void;
  /** Posts the missed-call item on the hotline (HOT2–HOT4), by the caller. */
  postMissedCall(line: string, author: string, at: string, precedence: Precedence): Promise<unknown>;
  /** How long a call rings before it is missed. */
  ringTimeoutMs: number;
  /** Whether every member node of the line allows recording its calls (CALL4). */
  recordingAllowed(line: string): boolean;
}

interface LiveCall {
  view: CallView;
  precedence: Precedence;
  answeredAtMs: number | null;
  timer: NodeJS.Timeout | null;
}

/** How long an ended call stays in `live()` so a console that reloads sees how it ended. */
const ENDED_KEPT_MS = 60_000;
/** The callee gives the caller this much longer than the ring timeout before it stops ringing. */
const CALLEE_GRACE_MS = 5_000;

/**
 * Invites a peer may send per minute; beyond it, they are answered `busy` and nothing is recorded,
 * so a hostile peer cannot make this node write without end.
 */
export const MAX_INVITES_PER_MINUTE = 60;

/** A new call id: random, base64url. */
function newCallId(): string {
  return randomBytes(12).toString('base64url');
}

export class Calls {
  private readonly calls = new Map<string, LiveCall>();
  /** Each peer's invites in the last minute (ms on this node's clock). */
  private readonly recentInvites = new Map<string, number[]>();

  constructor(private readonly context: CallsContext) {}

  /** Calls in progress, and those ended in the last minute. */
  live(): CallView[] {
    return [...this.calls.values()].map((c) => c.view);
  }

  /** The other member of a hotline, or a refusal. */
  private peerOf(lineId: string): string {
    const line = this.context.line(lineId);
    if (!line) throw new RecordError('unknown-line', `there is no line ${lineId}`);
    if (line.kind !== 'hotline') {
      throw new RecordError('not-a-hotline', 'calls are placed on a hotline; a video talk is joined instead');
    }
    const peer = line.members.find((m) => m !== this.context.selfId);
    if (!peer || !line.members.includes(this.context.selfId)) {
      throw new RecordError('not-member', `this node is not a member of line ${lineId}`);
    }
    if (this.context.isLineClosed(lineId)) {
      throw new RecordError('line-closed', `line ${lineId} is closed: the pairing with its peer was ended`);
    }
    return peer;
  }

  /** The unended call on a line, if any. */
  private activeOn(line: string): LiveCall | undefined {
    return [...this.calls.values()].find((c) => c.view.line === line && c.view.state !== 'ended');
  }

  /** Places a call from a console here to the other desk of a hotline. */
  async start(
    line: string,
    media: CallMedia,
    caller: { user: string; client: string },
    precedence: Precedence = 'IMMEDIATE',
  ): Promise<CallView> {
    const peer = this.peerOf(line);
    const busy = this.activeOn(line);
    if (busy) {
      throw new RecordError('call-in-progress', `a call is already ${busy.view.state} on this line`);
    }
    const id = newCallId();
    const now = this.context.clock.now();
    const call: LiveCall = {
      view: {
        id,
        line,
        media,
        direction: 'outgoing',
        state: 'ringing',
        caller: { node: this.context.selfId, user: caller.user, client: caller.client },
        callee: { node: peer, user: null, client: null },
        startedAt: isoTime(now),
        answeredAt: null,
        endedAt: null,
        endReason: null,
        durationMs: null,
        signalling: 'up',
        recording: null,
      },
      precedence,
      answeredAtMs: null,
      timer: null,
    };
    this.calls.set(id, call);
    await this.context.append(line, caller.user, 'call.started', { call: id, media, callee: peer });
    const sent = this.context.sendToPeer(peer, {
      t: 'call.invite',
      call: id,
      line,
      media,
      from: caller.user,
      client: caller.client,
    });
    if (!sent) {
      await this.end(call, 'unreachable', this.context.selfId, true);
      return call.view;
    }
    call.timer = setTimeout(() => void this.ringOut(call), this.context.ringTimeoutMs);
    call.timer.unref();
    this.publish(call);
    return call.view;
  }

  /** A person at this node answers a ringing incoming call from their console. */
  async answer(id: string, answerer: { user: string; client: string }): Promise<CallView> {
    const call = this.require(id);
    if (call.view.direction !== 'incoming' || call.view.state !== 'ringing') {
      throw new RecordError('not-ringing', `call ${id} is ${call.view.state}, not ringing here`);
    }
    const now = this.context.clock.now();
    call.view.state = 'answered';
    call.view.answeredAt = isoTime(now);
    call.answeredAtMs = now;
    call.view.callee = { node: this.context.selfId, user: answerer.user, client: answerer.client };
    this.clearTimer(call);
    this.context.sendToPeer(call.view.caller.node, {
      t: 'call.accept',
      call: id,
      by: answerer.user,
      client: answerer.client,
    });
    this.publish(call);
    await this.context.append(call.view.line, answerer.user, 'call.answered', { call: id });
    return call.view;
  }

  /**
   * Ends a call from a console here: a caller's ringing call is cancelled, a callee's declined,
   * an answered one hung up (or `media-failed` when the console lost the media).
   */
  async hangUp(id: string, user: string, mediaFailed = false): Promise<CallView> {
    const call = this.require(id);
    if (call.view.state === 'ended') return call.view;
    const reason: CallEndReason =
      call.view.state === 'answered'
        ? mediaFailed
          ? 'media-failed'
          : 'hangup'
        : call.view.direction === 'outgoing'
          ? 'cancelled'
          : 'declined';
    await this.end(call, reason, user, true);
    return call.view;
  }

  /**
   * Relays a WebRTC signal from a console here to the other party (CALL1); refused unless the
   * sender is a party of the call and `to` is the other one.
   */
  signal(id: string, from: string, to: string, kind: 'offer' | 'answer' | 'ice', data: string): void {
    const call = this.require(id);
    const { local, remote } = this.sides(call);
    if (call.view.state !== 'answered' || local.client !== from || remote.client !== to) {
      throw new RecordError('not-a-party', `console ${from} cannot signal ${to} on call ${id}`);
    }
    const other = remote;
    const sent = this.context.sendToPeer(other.node, { t: 'rtc.signal', session: id, from, to, kind, data });
    if (!sent) throw new RecordError('peer-unreachable', `the link to ${other.node} is down`);
  }

  /** Starts or stops recording an answered call this node takes part in (CALL4). */
  async setRecording(id: string, user: string, isOn: boolean): Promise<CallView> {
    const call = this.require(id);
    if (call.view.state !== 'answered') {
      throw new RecordError(
        'not-answered',
        `call ${id} is ${call.view.state}: only a call in progress is recorded`,
      );
    }
    if (isOn && !this.context.recordingAllowed(call.view.line)) {
      throw new RecordError(
        'recording-forbidden',
        'the policy of this line does not allow recording calls: every member node must allow it',
      );
    }
    await this.context.append(call.view.line, user, 'call.recording', { call: id, recording: isOn });
    return call.view;
  }

  /** A committed event: a `call.recording` of either side turns the live call's indicator on or off. */
  observe(event: LiaisonEvent): void {
    if (event.type !== 'call.recording') return;
    const body = event.body as Record<string, unknown>;
    const call = typeof body.call === 'string' ? this.calls.get(body.call) : undefined;
    if (!call || call.view.line !== event.line || typeof body.recording !== 'boolean') return;
    call.view.recording = body.recording ? { by: event.author, since: event.ts } : null;
    this.publish(call);
  }

  /** A call frame from a peer over its authenticated link. Never throws on the peer's input. */
  frame(peer: string, frame: CallFrame): void {
    try {
      this.onFrame(peer, frame);
    } catch (error) {
      this.context.logger.warn({ peer, frame: frame.t, err: (error as Error).message }, 'call frame dropped');
    }
  }

  private onFrame(peer: string, frame: CallFrame): void {
    switch (frame.t) {
      case 'call.invite':
        void this.onInvite(peer, frame).catch((error: Error) =>
          this.context.logger.warn({ peer, err: error.message }, 'call invite failed'),
        );
        return;
      case 'call.ringing': {
        const call = this.ownedBy(frame.call, peer, 'outgoing');
        if (call?.view.state === 'ringing') this.publish(call);
        return;
      }
      case 'call.accept': {
        const call = this.ownedBy(frame.call, peer, 'outgoing');
        if (!call) return;
        if (call.view.state !== 'ringing') {
          // It rang out or was cancelled as the answer crossed it: the callee must stop too.
          if (call.view.endReason)
            this.context.sendToPeer(peer, { t: 'call.end', call: frame.call, reason: call.view.endReason });
          return;
        }
        const now = this.context.clock.now();
        call.view.state = 'answered';
        call.view.answeredAt = isoTime(now);
        call.answeredAtMs = now;
        call.view.callee = { node: peer, user: frame.by, client: frame.client };
        this.clearTimer(call);
        this.publish(call);
        return;
      }
      case 'call.end': {
        const call = this.calls.get(frame.call);
        if (!call || call.view.state === 'ended') return;
        if (call.view.caller.node !== peer && call.view.callee.node !== peer) return;
        // The callee records nothing for an invite it turned away at once: the caller does.
        const recordHere =
          call.view.direction === 'outgoing' && (frame.reason === 'busy' || frame.reason === 'glare');
        void this.end(call, frame.reason, this.context.selfId, recordHere, false);
        return;
      }
      case 'rtc.signal': {
        const call = this.calls.get(frame.session);
        if (call?.view.state !== 'answered') return;
        const { local, remote } = this.sides(call);
        if (remote.node !== peer || remote.client !== frame.from || local.client !== frame.to) return;
        this.context.sendToConsole(frame.to, {
          type: 'signal',
          session: frame.session,
          from: frame.from,
          kind: frame.kind,
          data: frame.data,
        });
        return;
      }
    }
  }

  private async onInvite(peer: string, frame: Extract<CallFrame, { t: 'call.invite' }>): Promise<void> {
    const line = this.context.line(frame.line);
    const fromPeer = frame.from.endsWith(`@${peer}`);
    if (
      line?.kind !== 'hotline' ||
      !line.members.includes(peer) ||
      !line.members.includes(this.context.selfId) ||
      !fromPeer ||
      this.calls.has(frame.call)
    ) {
      this.context.logger.warn(
        { peer, call: frame.call },
        'call invite refused: not a call on our shared hotline',
      );
      return;
    }
    if (this.context.isLineClosed(frame.line)) {
      this.context.sendToPeer(peer, { t: 'call.end', call: frame.call, reason: 'unreachable' });
      return;
    }
    if (!this.admitInvite(peer)) {
      this.context.logger.warn(
        { peer, call: frame.call },
        'call invite refused: too many invites this minute',
      );
      this.context.sendToPeer(peer, { t: 'call.end', call: frame.call, reason: 'busy' });
      return;
    }
    const mine = this.activeOn(frame.line);
    if (mine) {
      const isGlare = mine.view.direction === 'outgoing' && mine.view.state === 'ringing';
      if (!isGlare) {
        this.context.sendToPeer(peer, { t: 'call.end', call: frame.call, reason: 'busy' });
        return;
      }
      // Both desks called at once: the smaller node id's call goes on (both sides agree).
      if (this.context.selfId < peer) {
        this.context.sendToPeer(peer, { t: 'call.end', call: frame.call, reason: 'glare' });
        return;
      }
      await this.end(mine, 'glare', this.context.selfId, true);
    }
    const now = this.context.clock.now();
    const call: LiveCall = {
      view: {
        id: frame.call,
        line: frame.line,
        media: frame.media,
        direction: 'incoming',
        state: 'ringing',
        caller: { node: peer, user: frame.from, client: frame.client },
        callee: { node: this.context.selfId, user: null, client: null },
        startedAt: isoTime(now),
        answeredAt: null,
        endedAt: null,
        endReason: null,
        durationMs: null,
        signalling: 'up',
        recording: null,
      },
      precedence: 'IMMEDIATE',
      answeredAtMs: null,
      timer: null,
    };
    this.calls.set(frame.call, call);
    // Stop ringing a little after the caller would have given up, should its word not come.
    call.timer = setTimeout(() => {
      if (call.view.state === 'ringing') void this.end(call, 'missed', this.context.selfId, false, false);
    }, this.context.ringTimeoutMs + CALLEE_GRACE_MS);
    call.timer.unref();
    this.publish(call);
    this.context.sendToPeer(peer, { t: 'call.ringing', call: frame.call });
    await this.context.append(frame.line, this.context.selfId, 'call.ringing', { call: frame.call });
  }

  /** Counts an invite from a peer; false when it sent too many in the last minute. */
  private admitInvite(peer: string): boolean {
    const now = this.context.clock.now();
    const recent = (this.recentInvites.get(peer) ?? []).filter((at) => now - at < 60_000);
    if (recent.length >= MAX_INVITES_PER_MINUTE) {
      this.recentInvites.set(peer, recent);
      return false;
    }
    recent.push(now);
    this.recentInvites.set(peer, recent);
    return true;
  }

  /** The federation link to a peer closed: ringing calls with it end, answered ones are told. */
  linkClosed(peer: string): void {
    for (const call of this.calls.values()) {
      const { view } = call;
      if (view.state === 'ended' || (view.caller.node !== peer && view.callee.node !== peer)) continue;
      if (view.state === 'ringing') {
        void this.end(call, 'link-lost', this.context.selfId, view.direction === 'outgoing', false);
      } else {
        view.signalling = 'down';
        this.publish(call);
      }
    }
  }

  /** The ring timer of an outgoing call fired: the call is missed. */
  private async ringOut(call: LiveCall): Promise<void> {
    if (call.view.state !== 'ringing') return;
    const { line, caller, callee } = call.view;
    await this.end(call, 'missed', this.context.selfId, true);
    try {
      await this.context.postMissedCall(
        line,
        caller.user ?? this.context.selfId,
        call.view.startedAt,
        call.precedence,
      );
    } catch (error) {
      this.context.logger.warn(
        { call: call.view.id, peer: callee.node, err: (error as Error).message },
        'missed call not posted',
      );
    }
  }

  /**
   * Ends a call here: updates the consoles, tells the peer when `tellPeer`, and appends
   * `call.ended` when this node is the one that records this end.
   */
  private async end(
    call: LiveCall,
    reason: CallEndReason,
    author: string,
    record: boolean,
    tellPeer = true,
  ): Promise<void> {
    if (call.view.state === 'ended') return;
    const now = this.context.clock.now();
    const { view } = call;
    view.state = 'ended';
    view.endedAt = isoTime(now);
    view.endReason = reason;
    view.durationMs = call.answeredAtMs === null ? null : now - call.answeredAtMs;
    this.clearTimer(call);
    const peer = view.caller.node === this.context.selfId ? view.callee.node : view.caller.node;
    if (tellPeer) this.context.sendToPeer(peer, { t: 'call.end', call: view.id, reason });
    this.publish(call);
    const forget = setTimeout(() => this.calls.delete(view.id), ENDED_KEPT_MS);
    forget.unref();
    if (record) {
      await this.context.append(view.line, author, 'call.ended', {
        call: view.id,
        reason,
        ...(view.durationMs === null ? {} : { durationMs: view.durationMs }),
      });
    }
  }

  private publish(call: LiveCall): void {
    this.context.sendToCallTakers({ type: 'call', call: call.view });
  }

  private clearTimer(call: LiveCall): void {
    if (call.timer) clearTimeout(call.timer);
    call.timer = null;
  }

  private require(id: string): LiveCall {
    const call = this.calls.get(id);
    if (!call) throw new RecordError('unknown-call', `there is no call ${id} in progress here`);
    return call;
  }

  /** This node's party of a call and the other node's. */
  private sides(call: LiveCall): { local: CallParty; remote: CallParty } {
    const { caller, callee, direction } = call.view;
    return direction === 'outgoing' ? { local: caller, remote: callee } : { local: callee, remote: caller };
  }

  /** A live call of the given direction whose other node is `peer`. */
  private ownedBy(id: string, peer: string, direction: 'outgoing' | 'incoming'): LiveCall | undefined {
    const call = this.calls.get(id);
    if (!call || call.view.direction !== direction) return undefined;
    const other = direction === 'outgoing' ? call.view.callee.node : call.view.caller.node;
    return other === peer ? call : undefined;
  }

  /** Stops every timer (node shutdown). */
  stop(): void {
    for (const call of this.calls.values()) this.clearTimer(call);
  }
}
