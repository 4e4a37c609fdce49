/**
 * One authenticated connection with one peer (FED3–FED7).
 *
 * The link proves both ends hold their keys (handshake), exchanges heads (FED5 catch-up), then
 * pushes what the peer lacks in batches, oldest first, with at most MAX_IN_FLIGHT unanswered,
 * answers the peer's batches with signed receipts, and sends heartbeats.
 *
 * A peer that sends a malformed frame, floods unanswered batches or frames of one kind
 * (frameLimits.ts, SEC4) or stops heartbeating is cut off; the node itself never throws on a
 * peer's input.
 */
import { randomBytes } from 'node:crypto';
import type WebSocket from 'ws';
import { CanonicalizationError, canonicalBytes } from '../core/canonical.ts';
import type { Clock } from '../core/clock.ts';
import { type Signer, verifySignature } from '../core/sign.ts';
import { isKnownTimeZone } from '../core/timeZone.ts';
import type { Ledger, Logger } from '../record/ledger.ts';
import type { DeliveryRow, Store, StoredEvent } from '../store/types.ts';
import { PeerFrameLimits } from './frameLimits.ts';
import {
  type BlobFrame,
  type CallFrame,
  CLOSE_CODES,
  type CloseReason,
  type Frame,
  heartbeatPayload,
  MAX_BATCH_BYTES,
  MAX_BATCH_EVENTS,
  MAX_IN_FLIGHT,
  PROTOCOL_VERSION,
  parseFrame,
  proofPayload,
  type ReceiptBody,
  type WireHeads,
} from './protocol.ts';

/** Bytes this node buffers for a peer that does not read before it drops the link. */
export const MAX_UNREAD_BYTES = 4 * MAX_BATCH_BYTES + 1024 * 1024;

/** Closes that mean the link was refused (FED2, FED10), shown to the admin; not ordinary outages. */
const REFUSALS: ReadonlySet<string> = new Set([
  'incompatible-protocol',
  'unknown-node',
  'bad-proof',
  'bad-certificate',
  'unpaired',
]);

/** Heartbeat period (FED7). */
export const HEARTBEAT_MS = 5_000;

export interface LinkContext {
  selfId: string;
  signer: Signer;
  ledger: Ledger;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** The public key of a paired node, or undefined for a stranger. */
  peerKey(nodeId: string): string | undefined;
  /**
   * The TLS certificate fingerprint pinned from a paired node's card (FED2); undefined when the
   * link runs without TLS (tests of the protocol alone).
   */
  peerCertificate(nodeId: string): string | null | undefined;
  /** Line ids shared by this node and the peer. */
  sharedLines(peer: string): string[];
  /**
   * Called when the peer's `heads` frame arrived (FED5), before anything is pushed: what it
   * holds, this node's own events included (a restored node waits on these, LOG9).
   */
  peerHeadsArrived?(peer: string, heads: WireHeads): void;
  /** Whether this node unpaired the peer (FED1): its links are refused with `unpaired`. */
  isUnpaired?(nodeId: string): boolean;
  /** This node's IANA time zone, announced in its hello (CON2). */
  timeZone?: string;
  /**
   * This node's own `key.rotated` events, one per step of its key chain (LOG5), sent with the
   * handshake proof so a peer that missed a rotation can follow it to the key that signs the proof.
   */
  ownRotations?(): object[];
  /**
   * The key a peer proves with, followed from its known key through the rotation events it sent
   * with its proof (LOG5); defaults to `peerKey`.
   */
  peerProofKey?(nodeId: string, rotations: unknown[]): string | undefined;
  /** Call signalling (CALL1, src/calls/): given the peer's call frames, told of closed links. */
  calls?: {
    frame(peer: string, frame: CallFrame): void;
    linkClosed(peer: string): void;
  };
  /**
   * Each peer's frame-rate limits (SEC4, frameLimits.ts), shared by the node's links so a
   * reconnect does not refill them; without it each link keeps its own.
   */
  frameLimits?: PeerFrameLimits;
  /** The blob exchange (FED11, src/federation/blobs.ts): told of open links, given blob frames. */
  blobs?: {
    opened(link: Link): void;
    frame(link: Link, frame: BlobFrame): void;
    closed(link: Link): void;
  };
}

export interface LinkEvents {
  /** The handshake completed: the link may now be adopted for this peer. */
  authenticated(link: Link): void;
  /** A heartbeat answer arrived. */
  heartbeat(link: Link): void;
  /** A signed receipt arrived and was recorded. */
  receipt(link: Link, body: ReceiptBody): void;
  closed(link: Link, reason: string): void;
}

type Phase = 'hello' | 'proof' | 'open' | 'closed';

export class Link {
  /** The node that dialed this connection (decides which of two duplicates survives). */
  readonly dialer: string;
  private readonly certificateFingerprint: string | null;
  readonly expectedPeer: string | null;
  peerId: string | null = null;
  /** The node the other end claimed to be in its hello, even when it was then refused. */
  claimedPeer: string | null = null;
  /** Why this link was refused, by this node or by the peer (FED2, FED10): shown to the admin. */
  refusal: { code: string; message: string; byPeer: boolean } | null = null;
  rttMs: number | null = null;
  offsetMs: number | null = null;
  /** The peer's IANA time zone from its hello (CON2); null when it sent none or an unknown one. */
  peerTimeZone: string | null = null;
  lastHeardAt: number;
  private phase: Phase = 'hello';
  private readonly nonce = randomBytes(24).toString('base64url');
  private peerHeads: WireHeads = {};
  /** Nothing is pushed before the peer said what it holds (FED5). */
  private hasPeerHeads = false;
  /** What has been sent but not yet confirmed: line → origin → highest seq sent. */
  private sentHeads: Record<string, Record<string, number>> = {};
  private sendCursor = 0;
  private batchNo = 0;
  private inFlight = 0;
  private pushing = false;
  private pushAgain = false;
  private receivesPending = 0;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;
  /**
   * The keys of this link's session (LOG5): the one this node proved with, and the one the peer
   * proved with. Heartbeats and receipts keep using them when a key rotates during the link's
   * life; the next link proves the new key.
   */
  private readonly signer: Signer;
  private peerPublicKey: string | null = null;
  private readonly frameLimits: PeerFrameLimits;

  constructor(
    private readonly socket: WebSocket,
    private readonly context: LinkContext,
    private readonly events: LinkEvents,
    options: {
      dialer: string;
      /** SHA-256 fingerprint of the certificate the other end presented over TLS (FED2). */
      certificateFingerprint: string | null;
      /** For a link this node dialed: the peer it meant to reach. */
      expectedPeer?: string;
    },
  ) {
    this.dialer = options.dialer;
    this.certificateFingerprint = options.certificateFingerprint;
    this.expectedPeer = options.expectedPeer ?? null;
    this.lastHeardAt = context.clock.now();
    this.signer = context.signer;
    this.frameLimits = context.frameLimits ?? new PeerFrameLimits(context.clock);
    socket.on('message', (data, isBinary) => this.onMessageSafely(data, isBinary));
    socket.on('close', (code, reason) => this.onClose(`${code} ${reason.toString()}`.trim()));
    socket.on('error', (error) =>
      this.context.logger.warn({ peer: this.peerId, err: error.message }, 'link error'),
    );
    this.unsubscribe = context.ledger.onCommitted(() => this.schedulePush());
    this.send({
      t: 'hello',
      protocol: PROTOCOL_VERSION,
      node: context.selfId,
      nonce: this.nonce,
      ...(context.timeZone === undefined ? {} : { timeZone: context.timeZone }),
    });
  }

  get isOpen(): boolean {
    return this.phase === 'open';
  }

  /** What the peer has confirmed it holds (its hello heads, raised by receipts). */
  knownPeerHeads(): WireHeads | null {
    return this.hasPeerHeads ? this.peerHeads : null;
  }

  /** Events the peer is known or assumed to lack on the shared lines. */
  queueLength(): number {
    if (!this.peerId) return 0;
    return countLacking(
      this.context.ledger.headSummary(this.context.sharedLines(this.peerId)),
      this.peerHeads,
    );
  }

  /** Closes the connection with a protocol close code. */
  close(reason: CloseReason, message: string = reason): void {
    if (this.phase === 'closed') return;
    if (REFUSALS.has(reason)) this.refusal ??= { code: reason, message, byPeer: false };
    try {
      this.send({ t: 'error', code: reason, message });
      this.socket.close(CLOSE_CODES[reason], reason);
    } catch {
      this.socket.terminate();
    }
    this.onClose(reason);
  }

  /** Drops the connection without a goodbye (tests of faults, shutdown). */
  terminate(): void {
    this.socket.terminate();
    this.onClose('terminated');
  }

  /** Sends a frame of call signalling (CALL1). */
  sendCallFrame(frame: CallFrame): void {
    if (this.phase === 'open') this.send(frame);
  }

  /** Sends a frame of the blob exchange (FED11). */
  sendBlobFrame(frame: BlobFrame): void {
    if (this.phase === 'open') this.send(frame);
  }

  /** Bytes written to the socket that the peer has not read yet (blob chunks wait on it). */
  get bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  private send(frame: Frame): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    // A peer that stops reading cannot make this node buffer without bound: at most 4 batches
    // are unanswered anyway, so this only trips on a peer that reads nothing at all.
    if (this.socket.bufferedAmount > MAX_UNREAD_BYTES) {
      this.context.logger.warn(
        { peer: this.peerId, buffered: this.socket.bufferedAmount },
        'peer is not reading; dropping the link',
      );
      this.terminate();
      return;
    }
    this.socket.send(JSON.stringify(frame));
  }

  /**
   * The last guard of "the node never throws on a peer's input": a frame whose handling throws
   * anyway ends this link, logged as the bug it is, instead of escaping from the socket's event
   * and ending the process (the fuzz suite, SEC3, found such a frame: a receipt with a lone
   * surrogate).
   */
  private onMessageSafely(data: WebSocket.RawData, isBinary: boolean): void {
    try {
      this.onMessage(data, isBinary);
    } catch (error) {
      this.context.logger.error(
        { peer: this.peerId, err: error instanceof Error ? error.message : String(error) },
        'could not handle a frame from the peer; closing the link',
      );
      this.close('protocol-error', 'a frame this node could not handle');
    }
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    if (this.phase === 'closed') return;
    if (isBinary) {
      this.close('protocol-error', 'binary frames are not part of the protocol');
      return;
    }
    const frame = parseFrame(data.toString());
    if (!frame) {
      this.close('protocol-error', 'malformed frame');
      return;
    }
    this.lastHeardAt = this.context.clock.now();
    if (this.isFlooding(frame.t)) return;
    switch (frame.t) {
      case 'hello': {
        this.onHello(frame);
        return;
      }
      case 'proof': {
        this.onProof(frame.sig, frame.rotations ?? []);
        return;
      }
      case 'error':
        if (REFUSALS.has(frame.code)) {
          this.refusal = { code: frame.code, message: frame.message, byPeer: true };
        }
        this.context.logger.warn(
          { peer: this.peerId, code: frame.code, reason: frame.message },
          'peer closed the link',
        );
        return;
      default:
        if (this.phase !== 'open') {
          this.close('protocol-error', `${frame.t} before the handshake`);
          return;
        }
        {
          this.onOpenFrame(frame);
          return;
        }
    }
  }

  /** SEC4: a proven peer sending frames of one kind faster than FRAME_LIMITS allow is cut off. */
  private isFlooding(frameType: string): boolean {
    if (this.phase !== 'open' || !this.peerId) return false;
    const overflowing = this.frameLimits.admit(this.peerId, frameType);
    if (overflowing === null) return false;
    this.context.logger.warn(
      { peer: this.peerId, kind: overflowing },
      'peer is flooding the link; closing it',
    );
    this.close('flooding', `too many ${overflowing} frames`);
    return true;
  }

  private onHello(frame: Extract<Frame, { t: 'hello' }>): void {
    if (this.phase !== 'hello') {
      this.close('protocol-error', 'a second hello');
      return;
    }
    if (frame.protocol !== PROTOCOL_VERSION) {
      this.close(
        'incompatible-protocol',
        `this node speaks protocol ${PROTOCOL_VERSION}, the peer ${frame.protocol}`,
      );
      return;
    }
    this.claimedPeer = frame.node;
    // Display text only: a zone this runtime does not know is dropped, never an error (CON2).
    this.peerTimeZone = isKnownTimeZone(frame.timeZone) ? frame.timeZone : null;
    if (this.context.isUnpaired?.(frame.node)) {
      this.close(
        'unpaired',
        `${this.context.selfId} has unpaired ${frame.node}; import its card again to re-pair`,
      );
      return;
    }
    if (this.expectedPeer && frame.node !== this.expectedPeer) {
      this.close('unknown-node', `dialed ${this.expectedPeer} but ${frame.node} answered`);
      return;
    }
    const key = this.context.peerKey(frame.node);
    if (!key || frame.node === this.context.selfId) {
      this.close('unknown-node', `node ${frame.node} is not paired here`);
      return;
    }
    const pinned = this.context.peerCertificate(frame.node);
    if (pinned === null) {
      this.close(
        'bad-certificate',
        `no TLS certificate is pinned for ${frame.node}: import its current card`,
      );
      return;
    }
    if (pinned !== undefined && pinned !== this.certificateFingerprint) {
      this.close(
        'bad-certificate',
        `the TLS certificate of ${frame.node} does not match the fingerprint of its card`,
      );
      return;
    }
    this.peerId = frame.node;
    this.phase = 'proof';
    const payload = proofPayload(this.context.selfId, frame.node, frame.nonce);
    const rotations = this.context.ownRotations?.() ?? [];
    this.send({
      t: 'proof',
      sig: this.signer.sign(canonicalBytes(payload)),
      ...(rotations.length > 0 ? { rotations } : {}),
    });
  }

  private onProof(sig: string, rotations: unknown[]): void {
    if (this.phase !== 'proof' || !this.peerId) {
      this.close('protocol-error', 'proof before hello');
      return;
    }
    const key = this.context.peerProofKey
      ? this.context.peerProofKey(this.peerId, rotations)
      : this.context.peerKey(this.peerId);
    const payload = proofPayload(this.peerId, this.context.selfId, this.nonce);
    if (!key || !verifySignature(key, canonicalBytes(payload), sig)) {
      this.close('bad-proof', 'the peer could not prove it holds the key of its card');
      return;
    }
    this.peerPublicKey = key;
    this.phase = 'open';
    this.lastHeardAt = this.context.clock.now();
    this.events.authenticated(this);
    if (this.phase !== 'open') return; // a duplicate connection was closed by the manager
    this.send({ t: 'heads', heads: this.context.ledger.headSummary(this.context.sharedLines(this.peerId)) });
    this.heartbeatTimer = setInterval(() => this.sendHeartbeat(), HEARTBEAT_MS);
    this.heartbeatTimer.unref();
    this.sendHeartbeat();
    this.context.blobs?.opened(this);
  }

  private onOpenFrame(frame: Frame): void {
    switch (frame.t) {
      case 'heads':
        this.peerHeads = frame.heads;
        this.hasPeerHeads = true;
        this.sentHeads = {};
        if (this.peerId) this.context.peerHeadsArrived?.(this.peerId, frame.heads);
        void this.rewind().then(() => this.schedulePush());
        return;
      case 'batch': {
        this.onBatch(frame.n, frame.events);
        return;
      }
      case 'receipt': {
        this.onReceipt(frame.body, frame.sig);
        return;
      }
      case 'ping': {
        const peer = this.peerId ?? '';
        const key = this.peerPublicKey;
        if (!key || !verifySignature(key, canonicalBytes(heartbeatPayload(peer, frame.sentAt)), frame.sig)) {
          this.close('bad-proof', 'a heartbeat with a bad signature');
          return;
        }
        this.send({ t: 'pong', echo: frame.sentAt, at: this.context.clock.now() });
        return;
      }
      case 'pong': {
        const now = this.context.clock.now();
        this.rttMs = Math.max(0, now - frame.echo);
        this.offsetMs = frame.at - (frame.echo + this.rttMs / 2);
        this.events.heartbeat(this);
        return;
      }
      case 'blob.get':
      case 'blob.chunk':
      case 'blob.missing':
        this.context.blobs?.frame(this, frame);
        return;
      case 'call.invite':
      case 'call.ringing':
      case 'call.accept':
      case 'call.end':
      case 'rtc.signal':
      case 'talk.join':
      case 'talk.leave':
      case 'talk.roster':
        if (this.peerId) this.context.calls?.frame(this.peerId, frame);
        return;
      default:
        return;
    }
  }

  private sendHeartbeat(): void {
    const sentAt = this.context.clock.now();
    const sig = this.signer.sign(canonicalBytes(heartbeatPayload(this.context.selfId, sentAt)));
    this.send({ t: 'ping', sentAt, sig });
  }

  private onBatch(n: number, envelopes: unknown[]): void {
    const peer = this.peerId;
    if (!peer) return;
    this.receivesPending += 1;
    if (this.receivesPending > MAX_IN_FLIGHT * 2) {
      this.close('flooding', 'too many unanswered batches');
      return;
    }
    this.context.ledger.receive(envelopes, peer).then(
      (result) => {
        this.receivesPending -= 1;
        const body: ReceiptBody = {
          node: this.context.selfId,
          peer,
          n,
          at: result.receivedAt,
          heads: result.heads,
          rejected: result.rejected.map((r) => ({ index: r.index, id: r.id, code: r.code })),
        };
        this.send({ t: 'receipt', body, sig: this.signer.sign(canonicalBytes(body)) });
        this.notePeerHolds(envelopes, new Set(result.rejected.map((r) => r.index)));
      },
      (error: Error) => {
        // The store could not write: say nothing, the sender re-sends after reconnecting.
        this.receivesPending -= 1;
        this.context.logger.error({ peer, err: error.message }, 'could not store a batch; dropping the link');
        this.terminate();
      },
    );
  }

  /**
   * The peer holds every event it sent us that we did not refuse: counting them as held keeps
   * this node from pushing the peer's own events straight back to it.
   */
  private notePeerHolds(envelopes: unknown[], rejected: Set<number>): void {
    for (const [index, raw] of envelopes.entries()) {
      if (rejected.has(index) || typeof raw !== 'object' || raw === null) continue;
      const { line, origin, seq } = raw as { line?: unknown; origin?: unknown; seq?: unknown };
      if (typeof line !== 'string' || typeof origin !== 'string' || typeof seq !== 'number') continue;
      const origins = this.peerHeads[line] ?? {};
      const held = origins[origin];
      if (!held || held.seq < seq) {
        const id = (raw as { id?: unknown }).id;
        origins[origin] = { seq, id: typeof id === 'string' ? id : '' };
        this.peerHeads[line] = origins;
      }
    }
  }

  private onReceipt(body: ReceiptBody, sig: string): void {
    const peer = this.peerId;
    const key = this.peerPublicKey;
    if (!peer || !key || body.node !== peer || body.peer !== this.context.selfId) {
      this.close('protocol-error', 'a receipt for another pair of nodes');
      return;
    }
    if (!isSignedBy(key, body, sig)) {
      this.close('bad-proof', 'a receipt with a bad signature');
      return;
    }
    this.inFlight = Math.max(0, this.inFlight - 1);
    const deliveries: DeliveryRow[] = [];
    for (const [line, origins] of Object.entries(body.heads)) {
      const known = this.peerHeads[line] ?? {};
      for (const [origin, head] of Object.entries(origins)) {
        const before = known[origin]?.seq ?? 0;
        if (head.seq > before) {
          known[origin] = head;
          if (origin !== peer) deliveries.push({ line, origin, node: peer, uptoSeq: head.seq, at: body.at });
        }
      }
      this.peerHeads[line] = known;
    }
    if (body.rejected.length > 0) {
      this.context.logger.warn(
        { peer, rejected: body.rejected.slice(0, 5), count: body.rejected.length },
        'peer refused events',
      );
      // Re-send from what the peer confirmed; a gap it reported is then filled from our store.
      this.sentHeads = {};
      void this.rewind().then(() => this.schedulePush());
    }
    void this.context.ledger.recordDeliveries(deliveries).then(
      () => this.events.receipt(this, body),
      (error: Error) => this.context.logger.error({ err: error.message }, 'could not record deliveries'),
    );
    this.schedulePush();
  }

  /** Sets the send cursor to just before the oldest event the peer lacks (FED5). */
  private async rewind(): Promise<void> {
    const peer = this.peerId;
    if (!peer) return;
    const ours = this.context.ledger.headSummary(this.context.sharedLines(peer));
    let cursor = await this.context.store.lastArrival();
    for (const [line, origins] of Object.entries(ours)) {
      for (const [origin, head] of Object.entries(origins)) {
        const theirs = this.peerHeads[line]?.[origin]?.seq ?? 0;
        if (head.seq <= theirs) continue;
        const first = await this.context.store.getEventBySeq(line, origin, theirs + 1);
        if (first) cursor = Math.min(cursor, first.arrival - 1);
      }
    }
    this.sendCursor = cursor;
  }

  private schedulePush(): void {
    if (this.phase !== 'open' || !this.hasPeerHeads) return;
    if (this.pushing) {
      this.pushAgain = true;
      return;
    }
    void this.push();
  }

  /** Sends batches of what the peer lacks while the window allows. */
  private async push(): Promise<void> {
    const peer = this.peerId;
    if (!peer) return;
    this.pushing = true;
    try {
      do {
        this.pushAgain = false;
        while (this.phase === 'open' && this.inFlight < MAX_IN_FLIGHT) {
          const lines = this.context.sharedLines(peer);
          const page = await this.context.store.eventsSince(this.sendCursor, MAX_BATCH_EVENTS, lines);
          if (page.length === 0) break;
          const batch = this.selectLacking(page);
          const last = batch.lastArrival;
          this.sendCursor = last;
          if (batch.events.length === 0) continue;
          this.batchNo += 1;
          this.inFlight += 1;
          this.send({ t: 'batch', n: this.batchNo, events: batch.events });
        }
      } while (this.pushAgain && this.phase === 'open' && this.inFlight < MAX_IN_FLIGHT);
    } catch (error) {
      this.context.logger.error(
        { peer, err: error instanceof Error ? error.message : String(error) },
        'push failed',
      );
    } finally {
      this.pushing = false;
    }
  }

  /** Picks, in arrival order, the events the peer neither holds nor has been sent, within the byte budget. */
  private selectLacking(page: StoredEvent[]): { events: object[]; lastArrival: number } {
    const events: object[] = [];
    let bytes = 0;
    let lastArrival = this.sendCursor;
    for (const stored of page) {
      const { event } = stored;
      const held = Math.max(
        this.peerHeads[event.line]?.[event.origin]?.seq ?? 0,
        this.sentHeads[event.line]?.[event.origin] ?? 0,
      );
      if (event.seq > held) {
        const { id: _id, ...envelope } = event;
        const size = JSON.stringify(envelope).length;
        if (events.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
        bytes += size;
        events.push(envelope);
        const sent = this.sentHeads[event.line] ?? {};
        sent[event.origin] = event.seq;
        this.sentHeads[event.line] = sent;
      }
      lastArrival = stored.arrival;
    }
    return { events, lastArrival };
  }

  private onClose(reason: string): void {
    if (this.phase === 'closed') return;
    const wasOpen = this.phase === 'open';
    this.phase = 'closed';
    if (wasOpen) this.context.blobs?.closed(this);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.unsubscribe();
    this.events.closed(this, reason);
  }
}

/**
 * Whether `sig` signs the canonical bytes of `value` with `key`; false for a value that has no
 * canonical form, which nobody can have signed (a peer's text with a lone surrogate).
 */
function isSignedBy(key: string, value: unknown, sig: string): boolean {
  let bytes: Uint8Array;
  try {
    bytes = canonicalBytes(value);
  } catch (error) {
    if (error instanceof CanonicalizationError) return false;
    throw error;
  }
  return verifySignature(key, bytes, sig);
}

/** How many events `ours` holds beyond `theirs`, over every (line, origin). */
export function countLacking(
  ours: Record<string, Record<string, { seq: number }>>,
  theirs: Record<string, Record<string, { seq: number }>>,
): number {
  let count = 0;
  for (const [line, origins] of Object.entries(ours)) {
    for (const [origin, head] of Object.entries(origins)) {
      count += Math.max(0, head.seq - (theirs[line]?.[origin]?.seq ?? 0));
    }
  }
  return count;
}
