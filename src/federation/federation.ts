/**
 * Federation: this node's links with all its peers (FED3, FED5–FED7, FED9).
 *
 * Every node listens on its federation port and dials every paired peer it has no open link
 * with, backing off from 200 ms to at most 5 s (FED6); an inbound link from the peer resets the
 * backoff. When both sides dialed at once, the connection dialed by the smaller node id is
 * kept, so there is one connection per pair. Link state (FED7): up; degraded after 7.5 s
 * without hearing from the peer or with RTT over 1 s; down after 15 s or without a link. The
 * skew alarm (FED7) rises when a heartbeat measures the peer's clock more than 2 s off ours and
 * falls only when one measures it within 2 s again (a lost link keeps it as it was). Listeners
 * hear of every change of state or of the alarm.
 *
 * Visible queues (FED6): besides the count of events the peer is not known to hold, each peer's
 * status names the `ts` of the oldest of them (`oldestQueuedAt`), looked up in the store in the
 * background on every state evaluation, so reading a status never waits for the store.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import WebSocket, { WebSocketServer } from 'ws';
import { isoTime } from '../core/clock.ts';
import type { LinkState } from '../core/types.ts';
import type { NodeRecord } from '../store/types.ts';
import { countLacking, Link, type LinkContext } from './link.ts';
import { type CallFrame, MAX_FRAME_BYTES, type ReceiptBody, type WireHeads } from './protocol.ts';

export const BACKOFF_MIN_MS = 200;
export const BACKOFF_MAX_MS = 5_000;
export const DEGRADED_AFTER_MS = 7_500;
export const DOWN_AFTER_MS = 15_000;
export const DEGRADED_RTT_MS = 1_000;
/** A peer clock further off than this raises the skew alarm (FED7). */
export const SKEW_ALARM_MS = 2_000;

/** A peer as `GET /api/v1/peers` shows it. */
export interface PeerStatus {
  nodeId: string;
  name: string;
  state: LinkState;
  rttMs: number | null;
  /** Events this node holds that the peer is not known to hold. */
  queue: number;
  lastHeartbeatAt: string | null;
  /** When the link entered its current state. */
  since: string;
  /** Estimated peer clock minus ours, in ms (FED7). */
  clockOffsetMs: number | null;
  /** The last measured |clockOffsetMs| was over 2 s (FED7); kept while the link is down. */
  skewAlarm: boolean;
  /** `ts` of the oldest event this node holds that the peer is not known to hold (FED6). */
  oldestQueuedAt: string | null;
  /** The last time a link with this peer was refused, and why (a wrong certificate or key, FED2). */
  lastRefusal: { code: string; message: string; byPeer: boolean; at: string } | null;
  /**
   * The pairing was ended (FED1), by either side: its hotline is closed and links are refused.
   * Always set by `status()`; optional only so that older fixtures still type-check.
   */
  unpaired?: boolean;
  /**
   * The peer's IANA time zone as it announced it in its last proven hello (CON2), for consoles
   * to show times in it on hover; null until it has announced one. Optional for older fixtures.
   */
  timeZone?: string | null;
}

/** The SHA-256 fingerprint of the certificate the other end of a TLS socket presented. */
function peerFingerprint(socket: TLSSocket): string | null {
  const certificate = socket.getPeerCertificate();
  return certificate && typeof certificate.fingerprint256 === 'string' ? certificate.fingerprint256 : null;
}

export interface FederationOptions extends LinkContext {
  /** This node's TLS key and certificate (FED2); null runs the links without TLS (protocol tests). */
  tls: { keyPem: string; certPem: string } | null;
  listenHost: string;
  listenPort: number;
  /** Paired peers (not this node). */
  peers(): NodeRecord[];
}

interface PeerSlot {
  link: Link | null;
  backoffMs: number;
  dialTimer: NodeJS.Timeout | null;
  dialing: WebSocket | null;
  state: LinkState;
  since: number;
  lastHeartbeatAt: number | null;
  /** What the peer was last known to hold, kept when its link closes (for the queue count). */
  peerHeads: WireHeads | null;
  lastRefusal: PeerStatus['lastRefusal'];
  skewAlarm: boolean;
  oldestQueuedAt: string | null;
  /** The zone from the peer's last proven hello, kept while its link is down (CON2). */
  peerTimeZone: string | null;
}

export class Federation {
  private server: WebSocketServer | null = null;
  private httpServer: HttpServer | null = null;
  private readonly slots = new Map<string, PeerSlot>();
  private readonly pending = new Set<Link>();
  private readonly listeners = new Set<(status: PeerStatus) => void>();
  private readonly receiptListeners = new Set<(peer: string, body: ReceiptBody) => void>();
  private readonly refusalListeners = new Set<(peer: string | null, code: string) => void>();
  private stateTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** The running lookup of every peer's oldest queued event, if any (one at a time). */
  private oldestRefresh: Promise<void> | null = null;

  constructor(private readonly options: FederationOptions) {}

  /** Listens on the federation port (TLS with client certificates) and starts dialing every peer. */
  async start(): Promise<void> {
    const tls = this.options.tls;
    const httpServer = tls
      ? createHttpsServer({
          key: tls.keyPem,
          cert: tls.certPem,
          requestCert: true,
          // Peers are not vouched for by a CA: their certificates are pinned from their cards.
          rejectUnauthorized: false,
          minVersion: 'TLSv1.3',
        })
      : createHttpServer();
    const server = new WebSocketServer({ server: httpServer, maxPayload: MAX_FRAME_BYTES });
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(this.options.listenPort, this.options.listenHost, () => resolve());
    });
    httpServer.on('error', (error) =>
      this.options.logger.error({ err: error.message }, 'federation listener error'),
    );
    server.on('connection', (socket, request) => {
      const fingerprint = tls ? peerFingerprint(request.socket as TLSSocket) : null;
      this.adopt(socket, 'remote', fingerprint);
    });
    this.server = server;
    this.httpServer = httpServer;
    for (const peer of this.options.peers()) this.slot(peer.nodeId);
    for (const peerId of this.slots.keys()) this.dial(peerId);
    this.stateTimer = setInterval(() => this.evaluateStates(), 500);
    this.stateTimer.unref();
  }

  /** Closes every link and the listener. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.stateTimer) clearInterval(this.stateTimer);
    await this.oldestRefresh;
    for (const slot of this.slots.values()) {
      if (slot.dialTimer) clearTimeout(slot.dialTimer);
      slot.dialing?.terminate();
      slot.link?.terminate();
    }
    for (const link of this.pending) link.terminate();
    const server = this.server;
    if (server) {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const httpServer = this.httpServer;
    if (httpServer) {
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    }
  }

  /** Starts dialing a newly paired (or re-paired) peer. */
  addPeer(peerId: string): void {
    if (this.stopped) return;
    const slot = this.slot(peerId);
    slot.backoffMs = BACKOFF_MIN_MS;
    this.dial(peerId);
    this.evaluateStates(true);
  }

  /**
   * Ends the links with an unpaired peer (FED1): closes the open one with `unpaired` (4008) and
   * stops dialing. The peer stays listed in `status()`, marked unpaired.
   */
  removePeer(peerId: string, message: string): void {
    const slot = this.slots.get(peerId);
    if (!slot) return;
    if (slot.dialTimer) clearTimeout(slot.dialTimer);
    slot.dialTimer = null;
    slot.dialing?.terminate();
    slot.dialing = null;
    slot.link?.close('unpaired', message);
    this.evaluateStates(true);
  }

  /** Called whenever a peer's status changes. */
  onPeerStatus(listener: (status: PeerStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called when a link is refused, by this node or by the peer (FED2, FED10). */
  onRefusal(listener: (peer: string | null, code: string) => void): () => void {
    this.refusalListeners.add(listener);
    return () => this.refusalListeners.delete(listener);
  }

  /** Called for every verified receipt from a peer (FED3). */
  onReceipt(listener: (peer: string, body: ReceiptBody) => void): () => void {
    this.receiptListeners.add(listener);
    return () => this.receiptListeners.delete(listener);
  }

  status(): PeerStatus[] {
    return [...this.slots.keys()].sort().map((peerId) => this.statusOf(peerId));
  }

  /**
   * Sends a call signalling frame to a peer (CALL1); false when no link to it is open, so the
   * caller can say the peer is unreachable instead of waiting.
   */
  sendCallFrame(peerId: string, frame: CallFrame): boolean {
    const link = this.slots.get(peerId)?.link;
    if (!link?.isOpen) return false;
    link.sendCallFrame(frame);
    return true;
  }

  /** Whether a link with the peer is open now. */
  isLinked(peerId: string): boolean {
    return this.slots.get(peerId)?.link?.isOpen === true;
  }

  /** Drops the link to a peer (tests and admins); it is dialed again after the backoff. */
  disconnect(peerId: string): void {
    this.slots.get(peerId)?.link?.terminate();
  }

  private slot(peerId: string): PeerSlot {
    let slot = this.slots.get(peerId);
    if (!slot) {
      slot = {
        link: null,
        backoffMs: BACKOFF_MIN_MS,
        dialTimer: null,
        dialing: null,
        state: 'down',
        since: this.options.clock.now(),
        lastHeartbeatAt: null,
        peerHeads: null,
        lastRefusal: null,
        skewAlarm: false,
        oldestQueuedAt: null,
        peerTimeZone: null,
      };
      this.slots.set(peerId, slot);
    }
    return slot;
  }

  private dial(peerId: string): void {
    const slot = this.slot(peerId);
    if (this.stopped || slot.link?.isOpen || slot.dialing || slot.dialTimer) return;
    const peer = this.options.peers().find((p) => p.nodeId === peerId);
    // An unpaired peer is not dialed (FED1); it stays listed, marked unpaired.
    if (!peer || this.options.isUnpaired?.(peerId)) return;
    const tls = this.options.tls;
    const socket = new WebSocket(peer.federationUrl, {
      maxPayload: MAX_FRAME_BYTES,
      handshakeTimeout: 5_000,
      ...(tls
        ? { key: tls.keyPem, cert: tls.certPem, rejectUnauthorized: false, minVersion: 'TLSv1.3' as const }
        : {}),
    });
    slot.dialing = socket;
    let fingerprint: string | null = null;
    const failed = () => {
      if (slot.dialing !== socket) return;
      slot.dialing = null;
      this.scheduleDial(peerId);
    };
    socket.once('upgrade', (response) => {
      if (tls) fingerprint = peerFingerprint(response.socket as TLSSocket);
    });
    socket.once('open', () => {
      if (slot.dialing !== socket) return;
      slot.dialing = null;
      this.adopt(socket, 'self', fingerprint, peerId);
    });
    socket.once('error', failed);
    socket.once('close', failed);
  }

  private scheduleDial(peerId: string): void {
    const slot = this.slot(peerId);
    if (this.stopped || slot.dialTimer || slot.link?.isOpen) return;
    const delay = slot.backoffMs;
    slot.backoffMs = Math.min(BACKOFF_MAX_MS, slot.backoffMs * 2);
    slot.dialTimer = setTimeout(() => {
      slot.dialTimer = null;
      this.dial(peerId);
    }, delay);
    slot.dialTimer.unref();
  }

  private adopt(
    socket: WebSocket,
    dialedBy: 'self' | 'remote',
    fingerprint: string | null,
    expectedPeer?: string,
  ): void {
    if (this.stopped) {
      socket.terminate();
      return;
    }
    const selfId = this.options.selfId;
    let link: Link | null = null;
    link = new Link(
      socket,
      this.options,
      {
        authenticated: (l) => this.onAuthenticated(l),
        heartbeat: (l) => {
          const slot = l.peerId ? this.slots.get(l.peerId) : undefined;
          if (slot?.link === l) slot.lastHeartbeatAt = this.options.clock.now();
          this.evaluateStates();
        },
        receipt: (l, body) => {
          for (const listener of this.receiptListeners) listener(l.peerId ?? body.node, body);
        },
        closed: (l, reason) => this.onClosed(l, reason),
      },
      {
        dialer: dialedBy === 'self' ? selfId : '?',
        certificateFingerprint: fingerprint,
        ...(expectedPeer ? { expectedPeer } : {}),
      },
    );
    this.pending.add(link);
  }

  private onAuthenticated(link: Link): void {
    this.pending.delete(link);
    const peerId = link.peerId;
    if (!peerId) return;
    if (!this.slots.has(peerId)) this.slot(peerId);
    const slot = this.slot(peerId);
    const dialerOf = (l: Link) => (l.dialer === '?' ? peerId : l.dialer);
    const existing = slot.link;
    if (existing?.isOpen) {
      const preferred = [this.options.selfId, peerId].sort()[0];
      const keepNew = dialerOf(link) === dialerOf(existing) || dialerOf(link) === preferred;
      if (!keepNew) {
        link.close('duplicate-connection');
        return;
      }
      slot.link = link;
      existing.close('duplicate-connection');
    }
    slot.link = link;
    slot.backoffMs = BACKOFF_MIN_MS;
    // The link is proven here, so its hello's zone is the peer's own (CON2).
    if (link.peerTimeZone !== null) slot.peerTimeZone = link.peerTimeZone;
    if (slot.dialTimer) {
      clearTimeout(slot.dialTimer);
      slot.dialTimer = null;
    }
    this.options.logger.info({ peer: peerId, dialer: dialerOf(link) }, 'link up');
    this.evaluateStates();
  }

  private onClosed(link: Link, reason: string): void {
    this.pending.delete(link);
    const refused = link.peerId ?? link.expectedPeer ?? link.claimedPeer;
    if (link.refusal) {
      this.options.logger.warn({ peer: refused, ...link.refusal }, 'link refused');
      const slot = refused ? this.slots.get(refused) : undefined;
      if (slot) slot.lastRefusal = { ...link.refusal, at: isoTime(this.options.clock.now()) };
      for (const listener of this.refusalListeners) listener(refused, link.refusal.code);
    }
    const peerId = link.peerId;
    if (!peerId) return;
    const slot = this.slots.get(peerId);
    if (!slot || slot.link !== link) return;
    slot.link = null;
    slot.peerHeads = link.knownPeerHeads();
    this.options.logger.warn({ peer: peerId, reason }, 'link closed');
    this.options.calls?.linkClosed(peerId);
    this.evaluateStates();
    this.scheduleDial(peerId);
  }

  private statusOf(peerId: string): PeerStatus {
    const slot = this.slot(peerId);
    const peer = this.options.peers().find((p) => p.nodeId === peerId);
    const link = slot.link?.isOpen ? slot.link : null;
    const queue = this.queueFor(peerId, link);
    return {
      nodeId: peerId,
      name: peer?.name ?? peerId,
      state: slot.state,
      rttMs: link?.rttMs ?? null,
      queue,
      lastHeartbeatAt: slot.lastHeartbeatAt === null ? null : isoTime(slot.lastHeartbeatAt),
      since: isoTime(slot.since),
      clockOffsetMs: link?.offsetMs === null || link === null ? null : Math.round(link.offsetMs),
      skewAlarm: slot.skewAlarm,
      // The lookup runs behind the count: an empty queue has no oldest event, whatever it found.
      oldestQueuedAt: queue === 0 ? null : slot.oldestQueuedAt,
      lastRefusal: slot.lastRefusal,
      unpaired: this.options.isUnpaired?.(peerId) ?? false,
      timeZone: slot.peerTimeZone,
    };
  }

  /**
   * What the peer is known to hold on the shared lines, or null when it confirmed nothing since
   * this node started (then every event not of the peer's own origin counts as queued).
   */
  private knownHeadsOf(peerId: string): WireHeads | null {
    const slot = this.slot(peerId);
    const link = slot.link?.isOpen ? slot.link : null;
    return link?.knownPeerHeads() ?? slot.peerHeads;
  }

  /**
   * Looks up, for every peer, the `ts` of the oldest event it is not known to hold: for each
   * (line, origin) where this node is ahead, the first event past the peer's head (FED6).
   * Runs in the background; a call while one runs is dropped (the next evaluation retries).
   */
  private refreshOldestQueued(): Promise<void> {
    if (this.oldestRefresh) return this.oldestRefresh;
    this.oldestRefresh = (async () => {
      for (const [peerId, slot] of this.slots) {
        if (this.stopped) return;
        const theirs = this.knownHeadsOf(peerId);
        const ours = this.options.ledger.headSummary(this.options.sharedLines(peerId));
        let oldest: { ms: number; ts: string } | null = null;
        for (const [line, origins] of Object.entries(ours)) {
          for (const [origin, head] of Object.entries(origins)) {
            if (!theirs && origin === peerId) continue;
            const theirSeq = theirs?.[line]?.[origin]?.seq ?? 0;
            if (head.seq <= theirSeq) continue;
            const first = await this.options.store.getEventBySeq(line, origin, theirSeq + 1);
            const ms = first ? Date.parse(first.event.ts) : Number.NaN;
            if (first && !Number.isNaN(ms) && (!oldest || ms < oldest.ms))
              oldest = { ms, ts: first.event.ts };
          }
        }
        slot.oldestQueuedAt = oldest?.ts ?? null;
      }
    })()
      .catch((error: Error) =>
        this.options.logger.warn({ err: error.message }, 'could not look up the oldest queued events'),
      )
      .finally(() => {
        this.oldestRefresh = null;
      });
    return this.oldestRefresh;
  }

  private queueFor(peerId: string, link: Link | null): number {
    if (link) return link.queueLength();
    const ours = this.options.ledger.headSummary(this.options.sharedLines(peerId));
    const slot = this.slot(peerId);
    if (slot.peerHeads) return countLacking(ours, slot.peerHeads);
    // Nothing confirmed by this peer since start: count every event that is not its own.
    let count = 0;
    for (const origins of Object.values(ours)) {
      for (const [origin, head] of Object.entries(origins)) if (origin !== peerId) count += head.seq;
    }
    return count;
  }

  /** @param isPairingChange tell listeners even without a change of link state (FED1 unpaired). */
  private evaluateStates(isPairingChange = false): void {
    const now = this.options.clock.now();
    for (const [peerId, slot] of this.slots) {
      const link = slot.link?.isOpen ? slot.link : null;
      let state: LinkState = 'down';
      if (link) {
        const silentMs = now - link.lastHeardAt;
        if (silentMs > DOWN_AFTER_MS) {
          link.close('heartbeat-timeout');
          state = 'down';
        } else if (silentMs > DEGRADED_AFTER_MS || (link.rttMs ?? 0) > DEGRADED_RTT_MS) state = 'degraded';
        else state = 'up';
      }
      // Only a measurement moves the alarm: without a link the last one stands.
      const offsetMs = link?.offsetMs ?? null;
      const skewAlarm = offsetMs === null ? slot.skewAlarm : Math.abs(offsetMs) > SKEW_ALARM_MS;
      const isStateChange = state !== slot.state;
      if (!isStateChange && skewAlarm === slot.skewAlarm && !isPairingChange) continue;
      if (isStateChange) {
        slot.state = state;
        slot.since = now;
        this.options.logger.info({ peer: peerId, state }, 'link state');
      }
      if (skewAlarm !== slot.skewAlarm) {
        slot.skewAlarm = skewAlarm;
        this.options.logger.warn({ peer: peerId, clockOffsetMs: offsetMs, skewAlarm }, 'clock skew alarm');
      }
      const status = this.statusOf(peerId);
      for (const listener of this.listeners) listener(status);
    }
    if (!this.stopped) void this.refreshOldestQueued();
  }
}
