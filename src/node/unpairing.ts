/**
 * Unpairing and re-pairing as events (FED1).
 *
 * `peer.unpaired` `{peer, by, reason?}` is appended by the node that ends a pairing, on the
 * hotline it shares with that peer. From its commit the hotline is closed on this node (a new
 * message gets 409 `line-closed`) and the peer's links are refused with close code 4008
 * `unpaired`. The peer, when the event reaches it, closes the hotline and ends the link too.
 *
 * Re-importing the peer's card re-pairs: the same hotline reopens with a `peer.paired`
 * `{peer, by}` event by the importing node. Each side decides for itself: until a node has
 * re-imported the peer's card it neither dials the peer nor accepts its links, whether it ended
 * the pairing or the peer did (the peer's `peer.paired` does not reopen this side).
 *
 * On a closed hotline the node's own automatic writers hold back (wired in node.ts through
 * `isLineClosed`): no drills, no escalation steps, no link events but the link going down.
 *
 * Only a peer with which this node shares no line but the hotline may be unpaired (else 409
 * `shares-lines`): a thread with several members has no single pair to end.
 *
 * The state is a projection of those events, rebuilt at start from the store in arrival order:
 * the latest of this node's own `peer.unpaired`/`peer.paired` naming a peer, and the peer's
 * `peer.unpaired` naming this node, decide.
 */
import type { JsonObject } from '../core/types.ts';
import { type Ledger, type Logger, RecordError } from '../record/ledger.ts';
import type { Store, StoredEvent } from '../store/types.ts';
import { hotlineId } from './pairing.ts';

export const PEER_UNPAIRED_EVENT_TYPE = 'peer.unpaired';
export const PEER_PAIRED_EVENT_TYPE = 'peer.paired';

export interface PairingsOptions {
  selfId: string;
  ledger: Ledger;
  store: Store;
  logger: Logger;
}

/** Which peers are unpaired, and so which hotlines are closed (FED1). */
export class Pairings {
  readonly #options: PairingsOptions;
  readonly #unpaired = new Set<string>();
  readonly #listeners = new Set<(peer: string, isUnpaired: boolean, byPeer: boolean) => void>();
  #unsubscribe: (() => void) | null = null;

  constructor(options: PairingsOptions) {
    this.#options = options;
  }

  /** Rebuilds the state from the events held, then follows every commit. */
  async start(): Promise<void> {
    const held = await this.#options.store.eventsOfTypes([PEER_UNPAIRED_EVENT_TYPE, PEER_PAIRED_EVENT_TYPE]);
    for (const stored of held) this.#apply(stored);
    this.#unsubscribe = this.#options.ledger.onCommitted((batch) => {
      for (const stored of batch.events) this.#apply(stored, true);
    });
  }

  stop(): void {
    this.#unsubscribe?.();
  }

  /** Called when a peer becomes unpaired or paired again; `byPeer` when the peer's event did it. */
  onChange(listener: (peer: string, isUnpaired: boolean, byPeer: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  isUnpaired(peer: string): boolean {
    return this.#unpaired.has(peer);
  }

  /** Whether a line is a hotline with an unpaired peer, on which no message may be posted. */
  isLineClosed(lineId: string): boolean {
    const line = this.#options.ledger.getLine(lineId);
    if (line?.kind !== 'hotline') return false;
    return line.members.some((m) => m !== this.#options.selfId && this.#unpaired.has(m));
  }

  /**
   * Ends the pairing with `peer`: appends `peer.unpaired` on the hotline (durable on return).
   * Throws RecordError `unknown-node`, `already-unpaired`, `shares-lines` or `line-not-ready`.
   */
  async unpair(peer: string, author: string, reason: string | undefined): Promise<StoredEvent> {
    const { ledger, selfId } = this.#options;
    if (peer === selfId || ledger.nodeKey(peer) === undefined)
      throw new RecordError('unknown-node', `not paired with ${peer}`);
    if (this.#unpaired.has(peer)) throw new RecordError('already-unpaired', `${peer} is unpaired already`);
    const hotline = hotlineId(selfId, peer);
    const others = ledger
      .listLines()
      .filter((l) => l.kind !== 'local' && l.id !== hotline && l.members.includes(peer))
      .map((l) => l.id);
    if (others.length > 0) {
      throw new RecordError(
        'shares-lines',
        `${peer} is also a member of ${others.join(', ')}; only a peer that shares nothing but the hotline can be unpaired`,
      );
    }
    const body: JsonObject = { peer, by: author };
    if (reason) body.reason = reason;
    return ledger.append(hotline, author, PEER_UNPAIRED_EVENT_TYPE, body);
  }

  /** Reopens the hotline with a re-imported peer: appends `peer.paired` (no-op when paired). */
  async repair(peer: string, author: string): Promise<StoredEvent | null> {
    if (!this.#unpaired.has(peer)) return null;
    const hotline = hotlineId(this.#options.selfId, peer);
    return this.#options.ledger.append(hotline, author, PEER_PAIRED_EVENT_TYPE, { peer, by: author });
  }

  #apply(stored: StoredEvent, isLive = false): void {
    const { event } = stored;
    if (event.type !== PEER_UNPAIRED_EVENT_TYPE && event.type !== PEER_PAIRED_EVENT_TYPE) return;
    const named = event.body.peer;
    if (typeof named !== 'string') return;
    const { selfId } = this.#options;
    let peer: string | null = null;
    let isUnpaired = false;
    if (event.origin === selfId) {
      peer = named;
      isUnpaired = event.type === PEER_UNPAIRED_EVENT_TYPE;
    } else if (named === selfId && event.type === PEER_UNPAIRED_EVENT_TYPE) {
      // Only the peer's unpairing counts: its re-pairing does not reopen this side's hotline.
      peer = event.origin;
      isUnpaired = true;
    }
    if (peer === null || this.#unpaired.has(peer) === isUnpaired) return;
    if (isUnpaired) this.#unpaired.add(peer);
    else this.#unpaired.delete(peer);
    if (!isLive) return;
    this.#options.logger.warn(
      { peer, isUnpaired, by: event.origin },
      isUnpaired ? 'peer unpaired' : 'peer re-paired',
    );
    for (const listener of this.#listeners) listener(peer, isUnpaired, event.origin !== selfId);
  }
}
