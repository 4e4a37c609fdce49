/**
 * The console's live stream (CON5): WebSocket `/api/v1/stream`, frames
 * `{type:"hello", cursor}`, `{type:"event", event, cursor}` in arrival order,
 * `{type:"state", message}` when a message's state changes, `{type:"peer", peer}`; for calls
 * (CALL1) `{type:"call", call}` to the consoles of people who may take calls, and
 * `{type:"signal", …}` to the one console (`?client=ID`) a WebRTC signal is meant for.
 *
 * A client resuming with `?since=CURSOR` first gets everything that arrived after the cursor,
 * then live frames, with no gap and no repeat: live events are buffered while the backlog is
 * read, and sent only if newer than the last backlog event.
 */
import type { WebSocket } from 'ws';
import type { Federation, PeerStatus } from '../federation/federation.ts';
import type { Hotline, MessageView } from '../hotline/messages.ts';
import type { CommittedBatch, Ledger, Logger } from '../record/ledger.ts';
import { readMarkTarget } from '../record/projection.ts';
import type { Store, StoredEvent } from '../store/types.ts';
import { isAuditEvent } from './audit.ts';
import type { NodeMetrics } from './metrics.ts';

/** A client whose unsent output exceeds this is closed; it resumes from its cursor. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** State frames sent at most for this many messages per delivery fact. */
const MAX_STATES_PER_DELIVERY = 500;
const BACKLOG_PAGE = 1000;
/** Console ids remembered with their person (see `attach`). */
const MAX_CONSOLE_CLAIMS = 10_000;

interface Client {
  socket: WebSocket;
  /** The console's own id (`?client=`), for call signalling; null when it gave none. */
  clientId: string | null;
  /** Whether its person may place and take calls (`call.make`). */
  takesCalls: boolean;
  /** Whether its person may read the audit log (`audit.read`, SEC5): else audit events are skipped. */
  readsAudit: boolean;
  /** Its person (`user@node`), when known: their streams close when they are disabled (SEC1). */
  user: string | null;
  lastSent: number;
  ready: boolean;
  pending: StoredEvent[];
}

export class StreamHub {
  private readonly clients = new Set<Client>();
  /** Told of each console (with an id) whose stream closed: video talks (CALL5) let it go. */
  private readonly closedListeners = new Set<(clientId: string) => void>();
  /** Console id → the person (`user@node`) whose stream first claimed it. */
  private readonly consoleOwners = new Map<string, string>();
  /** line|origin|node → highest seq known delivered, to find the messages a delivery changes. */
  private readonly deliveredUpto = new Map<string, number>();

  constructor(
    private readonly store: Store,
    ledger: Ledger,
    private readonly hotline: Hotline,
    federation: Federation | null,
    private readonly metrics: NodeMetrics,
    private readonly logger: Logger,
  ) {
    ledger.onCommitted((batch) => {
      this.onCommitted(batch);
      void this.sendStates(batch).catch((error: Error) =>
        this.logger.warn({ err: error.message }, 'state frames failed'),
      );
    });
    federation?.onPeerStatus((peer) => this.broadcast({ type: 'peer', peer }));
  }

  /**
   * Serves one console connection, resuming after `since` when given. A console id belongs to
   * the first person whose stream claims it (a page claims its random id as it loads, before any
   * call or talk shows it to others): another person's stream claiming it is closed with 4409,
   * so nobody receives the WebRTC signals meant for someone else's console.
   */
  async attach(
    socket: WebSocket,
    since: number | null,
    identity: { clientId: string | null; takesCalls: boolean; readsAudit?: boolean; user?: string } = {
      clientId: null,
      takesCalls: false,
    },
  ): Promise<void> {
    if (
      identity.clientId !== null &&
      identity.user !== undefined &&
      !this.claim(identity.clientId, identity.user)
    ) {
      socket.close(4409, 'console id in use by another person');
      return;
    }
    const client: Client = {
      socket,
      lastSent: 0,
      ready: false,
      pending: [],
      clientId: identity.clientId,
      takesCalls: identity.takesCalls,
      readsAudit: identity.readsAudit ?? false,
      user: identity.user ?? null,
    };
    this.clients.add(client);
    this.metrics.streamClients.set(this.clients.size);
    socket.on('close', () => {
      this.clients.delete(client);
      this.metrics.streamClients.set(this.clients.size);
      if (client.clientId !== null) for (const listener of this.closedListeners) listener(client.clientId);
    });
    socket.on('message', () => undefined);
    const head = await this.store.lastArrival();
    this.send(client, { type: 'hello', cursor: since ?? head });
    client.lastSent = since ?? head;
    if (since !== null) {
      for (;;) {
        const page = await this.store.eventsSince(client.lastSent, BACKLOG_PAGE, null);
        for (const stored of page) this.sendEvent(client, stored);
        if (page.length < BACKLOG_PAGE) break;
      }
    }
    for (const stored of client.pending) this.sendEvent(client, stored);
    client.pending = [];
    client.ready = true;
  }

  /** Sends a peer status to every client (also used at connect time by the caller). */
  broadcast(frame: { type: 'peer'; peer: PeerStatus } | { type: 'state'; message: MessageView }): void {
    for (const client of this.clients) this.send(client, frame);
  }

  /** Binds a console id to a person; false when another person holds it. */
  private claim(clientId: string, user: string): boolean {
    const owner = this.consoleOwners.get(clientId);
    if (owner !== undefined) return owner === user;
    // Bounded: the oldest claims go first (their pages are long gone).
    if (this.consoleOwners.size >= MAX_CONSOLE_CLAIMS) {
      const oldest = this.consoleOwners.keys().next().value;
      if (oldest !== undefined) this.consoleOwners.delete(oldest);
    }
    this.consoleOwners.set(clientId, user);
    return true;
  }

  /** Sends a frame to the console with this id; false when none is connected. */
  toClient(clientId: string, frame: object): boolean {
    let sent = false;
    for (const client of this.clients) {
      if (client.clientId !== clientId) continue;
      this.send(client, frame);
      sent = true;
    }
    return sent;
  }

  /** Whether a console with this id has its stream open. */
  hasClient(clientId: string): boolean {
    for (const client of this.clients) if (client.clientId === clientId) return true;
    return false;
  }

  /** Calls `listener` with the id of each console whose stream closes; returns the unsubscribe. */
  onClientClosed(listener: (clientId: string) => void): () => void {
    this.closedListeners.add(listener);
    return () => this.closedListeners.delete(listener);
  }

  /**
   * Closes every stream of a person (`user@node`) whose session ended (4401: the console goes
   * back to its sign-in screen) or whose rights changed (4403: it reconnects with what its
   * session now allows), SEC1.
   */
  disconnectUser(user: string, reason: 'session-ended' | 'rights-changed'): void {
    const code = reason === 'session-ended' ? 4401 : 4403;
    for (const client of this.clients) if (client.user === user) client.socket.close(code, reason);
  }

  /** Sends a frame to every console of a person who may take calls (CALL1). */
  toCallTakers(frame: object): void {
    for (const client of this.clients) if (client.takesCalls) this.send(client, frame);
  }

  private onCommitted(batch: CommittedBatch): void {
    const fresh = batch.events.filter((e) => e.arrival > 0);
    if (fresh.length === 0) return;
    for (const client of this.clients) {
      if (!client.ready) {
        client.pending.push(...fresh);
        continue;
      }
      for (const stored of fresh) this.sendEvent(client, stored);
    }
  }

  private sendEvent(client: Client, stored: StoredEvent): void {
    if (stored.arrival <= client.lastSent) return;
    client.lastSent = stored.arrival;
    if (!client.readsAudit && isAuditEvent(stored.event)) return;
    this.send(client, { type: 'event', event: stored.event, cursor: stored.arrival });
  }

  private send(client: Client, frame: object): void {
    const { socket } = client;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      socket.close(1013, 'falling behind; reconnect with ?since=');
      return;
    }
    socket.send(JSON.stringify(frame));
  }

  /** Sends state frames for new messages and for messages a delivery fact changed. */
  private async sendStates(batch: CommittedBatch): Promise<void> {
    if (this.clients.size === 0) {
      for (const row of batch.deliveries) this.noteDelivery(row.line, row.origin, row.node, row.uptoSeq);
      return;
    }
    const views: MessageView[] = [];
    for (const stored of batch.events) {
      if (stored.arrival === 0) continue;
      const { event } = stored;
      const target =
        event.type === 'message.posted'
          ? event.id
          : event.type === 'message.seen' || event.type === 'message.acknowledged'
            ? readMarkTarget(event.body)
            : null;
      if (!target) continue;
      const view = await this.hotline.view(target);
      if (view) views.push(view);
    }
    for (const row of batch.deliveries) {
      const before = this.noteDelivery(row.line, row.origin, row.node, row.uptoSeq);
      if (before === null) continue;
      const from = Math.max(before + 1, row.uptoSeq - MAX_STATES_PER_DELIVERY + 1, 1);
      views.push(...(await this.hotline.range(row.line, row.origin, from, row.uptoSeq)));
    }
    const seen = new Set<string>();
    for (const view of views.reverse()) {
      if (seen.has(view.id)) continue;
      seen.add(view.id);
      this.broadcast({ type: 'state', message: view });
    }
  }

  /** Records a delivery fact; returns the previous upto, or null when nothing new was delivered. */
  private noteDelivery(line: string, origin: string, node: string, uptoSeq: number): number | null {
    const key = `${line}\u0000${origin}\u0000${node}`;
    const before = this.deliveredUpto.get(key) ?? 0;
    if (uptoSeq <= before) return null;
    this.deliveredUpto.set(key, uptoSeq);
    return before;
  }
}
