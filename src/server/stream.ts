/**
 * The console's live stream (CON5): WebSocket `/api/v1/stream`, frames
 * `{type:"hello", cursor}`, `{type:"event", event, cursor}` in arrival order,
 * `{type:"state", message}` when a message's state changes, `{type:"peer", peer}`.
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
import type { NodeMetrics } from './metrics.ts';

/** A client whose unsent output exceeds this is closed; it resumes from its cursor. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** State frames sent at most for this many messages per delivery fact. */
const MAX_STATES_PER_DELIVERY = 500;
const BACKLOG_PAGE = 1000;

interface Client {
  socket: WebSocket;
  lastSent: number;
  ready: boolean;
  pending: StoredEvent[];
}

export class StreamHub {
  private readonly clients = new Set<Client>();
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

  /** Serves one console connection, resuming after `since` when given. */
  async attach(socket: WebSocket, since: number | null): Promise<void> {
    const client: Client = { socket, lastSent: 0, ready: false, pending: [] };
    this.clients.add(client);
    this.metrics.streamClients.set(this.clients.size);
    socket.on('close', () => {
      this.clients.delete(client);
      this.metrics.streamClients.set(this.clients.size);
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
