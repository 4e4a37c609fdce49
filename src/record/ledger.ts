/**
 * The Ledger: this node's side of the signed record. It is the single writer of the store.
 *
 * - append (LOG1, LOG2, LOG4, LOG6, LOG10): builds the envelope from what the node holds
 *   (seq, prev, deps, Lamport clock), signs it, and resolves only after the commit is durable.
 * - receive (LOG8, FED4): checks a peer's events (shape, membership, signature, chain) and
 *   stores the ones that hold; duplicates are no-ops; every refusal is counted with its reason.
 *
 * All writes go through one queue. Jobs that arrive while a commit is in flight are grouped
 * into the next commit ("group commit"), so one fsync serves many authors: that is how the
 * node reaches thousands of durable events a second on a disk that does a few hundred fsyncs.
 *
 * Parts: appendBuild.ts builds this node's events and key rotations; receiveCheck.ts checks a
 * peer's; this file owns the state they share (lines, heads, keys), the queue and the commit.
 */

import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { isoTime } from '../core/clock.ts';
import {
  KEY_ROTATED_EVENT_TYPE,
  KeyHistory,
  type KeyRotation,
  type PinnedRotation,
  parseRotation,
} from '../core/keyHistory.ts';
import type { Signer } from '../core/sign.ts';
import type { JsonObject, LiaisonEvent } from '../core/types.ts';
import type { DeliveryRow, LineRecord, ProjectionOp, Store, StoredEvent } from '../store/types.ts';
import { EventBuilder } from './appendBuild.ts';
import { HeadIndex } from './headIndex.ts';
import { projectEvent } from './projection.ts';
import { type EquivocationAlarm, Quarantine } from './quarantine.ts';
import { type Preverified, ReceiveChecker } from './receiveCheck.ts';
import { RecordError } from './recordError.ts';

export { RecordError };

/** What a receive did with each event of a batch. */
export interface ReceiveResult {
  accepted: number;
  duplicates: number;
  rejected: { id: string | null; index: number; code: string; message: string }[];
  /** When the accepted events became durable here (RFC 3339). */
  receivedAt: string;
  /** line → origin → the latest event held after this batch, for the lines the batch touched. */
  heads: Record<string, Record<string, { seq: number; id: string }>>;
}

/** What one durable commit added, for listeners (stream, federation, metrics). */
export interface CommittedBatch {
  events: StoredEvent[];
  deliveries: DeliveryRow[];
}

/** Minimal structured logger (pino satisfies it). */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

type Job =
  | {
      kind: 'append';
      line: string;
      author: string;
      type: string;
      body: JsonObject;
      resolve: (event: StoredEvent) => void;
      reject: (error: Error) => void;
    }
  | {
      kind: 'receive';
      envelopes: Preverified[];
      peer: string;
      resolve: (result: ReceiveResult) => void;
      reject: (error: Error) => void;
    }
  | { kind: 'deliveries'; rows: DeliveryRow[]; resolve: () => void; reject: (error: Error) => void }
  | {
      kind: 'rotate';
      signer: Signer;
      author: string;
      resolve: (events: StoredEvent[]) => void;
      reject: (error: Error) => void;
    };

/** The store meta key of the rotations pinned by imported revocation cards (LOG5, keyHistory.ts). */
export const PINNED_ROTATIONS_KEY = 'pinned-rotations';

/** The pinned rotations kept in the store's meta (written only by `pinRotations`). */
function parsePins(text: string | null): PinnedRotation[] {
  if (!text) return [];
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? (parsed as PinnedRotation[]) : [];
}

/** Jobs grouped into one commit at most; bounds the latency a huge batch can add to an author. */
const MAX_JOBS_PER_COMMIT = 512;

export interface LedgerOptions {
  store: Store;
  signer: Signer;
  selfId: string;
  clock: Clock;
  logger: Logger;
}

export class Ledger {
  readonly selfId: string;
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly index = new HeadIndex();
  private readonly quarantine: Quarantine;
  private readonly lines = new Map<string, LineRecord>();
  /** Every node's keys, and the rotations held per (line, origin) (LOG5). */
  private readonly keys = new KeyHistory();
  private readonly keyListeners = new Set<(nodeId: string, publicKey: string) => void>();
  private readonly queue: Job[] = [];
  private readonly receiveOrder = new Map<string, Promise<void>>();
  private appendHold: string | null = null;
  private draining = false;
  private readonly committedListeners = new Set<(batch: CommittedBatch) => void>();
  private readonly rejectionListeners = new Set<(code: string, peer: string) => void>();
  /** Builds this node's events (appendBuild.ts); holds the signer. */
  private readonly builder: EventBuilder;
  /** Checks received events (receiveCheck.ts). */
  private readonly checker: ReceiveChecker;

  constructor(options: LedgerOptions) {
    this.store = options.store;
    this.selfId = options.selfId;
    this.clock = options.clock;
    this.logger = options.logger;
    this.quarantine = new Quarantine(options.store, options.clock, options.logger);
    const shared = { selfId: this.selfId, lines: this.lines, keys: this.keys, index: this.index };
    this.builder = new EventBuilder(shared, options.signer);
    this.checker = new ReceiveChecker({
      ...shared,
      store: this.store,
      logger: this.logger,
      quarantine: this.quarantine,
      addLine: (line) => this.addLine(line),
    });
  }

  /** Loads lines, node keys and the heads of every (line, origin) from the store. */
  async open(): Promise<void> {
    for (const line of await this.store.listLines()) this.lines.set(line.id, line);
    const nodes = await this.store.listNodes();
    for (const node of nodes) this.keys.setNodeKey(node.nodeId, node.publicKey);
    // Rotations held (LOG5), in arrival order, i.e. in chain order per (line, origin). A node row
    // not yet moved to its newest key (a crash between the commit and the row's update) is moved now.
    for (const stored of await this.store.eventsOfTypes([KEY_ROTATED_EVENT_TYPE])) {
      const rotation = parseRotation(stored.event);
      if (typeof rotation === 'string') continue;
      this.keys.add(rotation);
    }
    // Rotations pinned by revocation cards (LOG5): in force whether or not their events arrived.
    for (const pin of parsePins(await this.store.getMeta(PINNED_ROTATIONS_KEY))) this.keys.pin(pin);
    for (const node of nodes) {
      const current = this.keys.currentKey(node.nodeId);
      if (current !== undefined && current !== node.publicKey)
        await this.store.putNode({ ...node, publicKey: current });
    }
    await this.quarantine.load();
    const heads = await this.store.heads();
    for (const [line, origins] of Object.entries(heads)) {
      for (const [origin, head] of Object.entries(origins)) {
        const stored = await this.store.getEvent(head.id);
        if (!stored) throw new Error(`head ${head.id} of ${line}/${origin} is not in the store`);
        const depSeqs: Record<string, number> = {};
        for (const [depOrigin, depId] of Object.entries(stored.event.deps)) {
          const dep = await this.store.getEvent(depId);
          if (dep) depSeqs[depOrigin] = dep.event.seq;
        }
        this.index.set(line, origin, { seq: head.seq, id: head.id, clock: head.clock, depSeqs });
      }
    }
  }

  /** Called after every durable commit, in commit order. */
  onCommitted(listener: (batch: CommittedBatch) => void): () => void {
    this.committedListeners.add(listener);
    return () => this.committedListeners.delete(listener);
  }

  /** Called for every refused event (LOG8), with its reason code and the peer that sent it. */
  onRejected(listener: (code: string, peer: string) => void): () => void {
    this.rejectionListeners.add(listener);
    return () => this.rejectionListeners.delete(listener);
  }

  /** Makes a line known (at pairing or when its genesis arrives). */
  async addLine(line: LineRecord): Promise<void> {
    await this.store.putLine(line);
    this.lines.set(line.id, line);
  }

  /** Makes a node's signing key known (at pairing). */
  setNodeKey(nodeId: string, publicKey: string): void {
    this.keys.setNodeKey(nodeId, publicKey);
  }

  /** A node's current signing key, following the rotations held (LOG5); undefined for a stranger. */
  nodeKey(nodeId: string): string | undefined {
    return this.keys.currentKey(nodeId);
  }

  /** Every key a node is known to have used, the current one first (LOG5). */
  knownKeys(nodeId: string): string[] {
    return this.keys.knownKeys(nodeId);
  }

  /**
   * Pins the rotations a revocation card names (LOG5, keyHistory.ts): kept in the store, so they
   * hold after a restart before their events arrive, and in force at once.
   */
  async pinRotations(pins: readonly PinnedRotation[]): Promise<void> {
    const held = parsePins(await this.store.getMeta(PINNED_ROTATIONS_KEY));
    const isHeld = (pin: PinnedRotation) =>
      held.some(
        (h) => h.line === pin.line && h.origin === pin.origin && h.seq === pin.seq && h.id === pin.id,
      );
    await this.store.setMeta(
      PINNED_ROTATIONS_KEY,
      JSON.stringify([...held, ...pins.filter((p) => !isHeld(p))]),
    );
    for (const pin of pins) this.keys.pin(pin);
  }

  /** The key this node signs with now. */
  get publicKey(): string {
    return this.builder.signer.publicKey;
  }

  /** The rotations held for (line, origin), ascending (LOG5). */
  rotationsOf(line: string, origin: string): readonly KeyRotation[] {
    return this.keys.rotationsOf(line, origin);
  }

  /**
   * Called after the commit of a rotation that moved a node's current key (this node's or a
   * peer's), once the node's row in the store names the new key.
   */
  onKeyChanged(listener: (nodeId: string, publicKey: string) => void): () => void {
    this.keyListeners.add(listener);
    return () => this.keyListeners.delete(listener);
  }

  /**
   * Rotates this node's signing key (LOG5): on every line it writes on whose genesis is held (its
   * local line included) appends a `key.rotated` event signed with the current key, all in one
   * commit, and signs everything after them with `newSigner`. Resolves with the rotation events
   * once they are durable. A failed commit leaves the old key in force.
   */
  rotateKey(newSigner: Signer, author: string): Promise<StoredEvent[]> {
    if (this.appendHold) return Promise.reject(new RecordError('catching-up', this.appendHold));
    return new Promise((resolve, reject) => {
      this.enqueue({ kind: 'rotate', signer: newSigner, author, resolve, reject });
    });
  }

  getLine(id: string): LineRecord | undefined {
    return this.lines.get(id);
  }

  listLines(): LineRecord[] {
    return [...this.lines.values()];
  }

  /** line → origin → latest held {seq, id}: what this node holds (FED5). */
  headSummary(lineIds?: Iterable<string>): Record<string, Record<string, { seq: number; id: string }>> {
    return this.index.summary(lineIds);
  }

  /** The seq this node holds for (line, origin), 0 when none. */
  heldSeq(line: string, origin: string): number {
    return this.index.get(line, origin)?.seq ?? 0;
  }

  /** Whether the line's genesis is held, so members may write on it. */
  isReady(line: string): boolean {
    return this.index.isReady(line);
  }

  /**
   * Appends an event of this node to a line; resolves once it is durable (LOG10).
   * Throws RecordError for an unknown line, a line this node is not a member of, a line whose
   * genesis is not yet held, or an oversized body (LOG11).
   */
  append(line: string, author: string, type: string, body: JsonObject): Promise<StoredEvent> {
    if (this.appendHold) return Promise.reject(new RecordError('catching-up', this.appendHold));
    return new Promise((resolve, reject) => {
      this.enqueue({ kind: 'append', line, author, type, body, resolve, reject });
    });
  }

  /**
   * Refuses every local append until `releaseAppends` (LOG9): a node restored from a backup
   * must first get its own latest events back from its peers, or it would reuse a seq.
   */
  holdAppends(reason: string): void {
    this.appendHold = reason;
  }

  releaseAppends(): void {
    this.appendHold = null;
  }

  /** Why local appends are held, or null. */
  get appendsHeldBecause(): string | null {
    return this.appendHold;
  }

  /** Checks and stores a peer's batch (LOG8, FED4); resolves once accepted events are durable. */
  receive(envelopes: unknown[], peer: string): Promise<ReceiveResult> {
    // Signatures are checked in parallel off the main thread; batches of one peer still enter
    // the write queue in the order they came, or later ones would find gaps.
    const checked = Promise.all(envelopes.map((raw) => this.checker.preverify(raw)));
    const previous = this.receiveOrder.get(peer) ?? Promise.resolve();
    const turn = Promise.all([checked, previous]);
    this.receiveOrder.set(
      peer,
      turn.then(
        () => undefined,
        () => undefined,
      ),
    );
    return turn.then(
      ([preverified]) =>
        new Promise((resolve, reject) => {
          this.enqueue({ kind: 'receive', envelopes: preverified, peer, resolve, reject });
        }),
    );
  }

  /** Stores delivery facts from a peer's signed receipt (FED3). */
  recordDeliveries(rows: DeliveryRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.enqueue({ kind: 'deliveries', rows, resolve, reject });
    });
  }

  /** Waits until every queued job has been committed. */
  async idle(): Promise<void> {
    while (this.draining || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
  }

  private enqueue(job: Job): void {
    this.queue.push(job);
    if (this.draining) return;
    // Start on the next turn of the event loop, not in this microtask: requests that arrive in
    // the same I/O phase then join this commit instead of each paying for its own fsync.
    this.draining = true;
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const jobs = this.queue.splice(0, MAX_JOBS_PER_COMMIT);
        await this.commitJobs(jobs);
      }
    } finally {
      this.draining = false;
    }
  }

  /** Builds every job's events against the in-memory heads, commits once, then settles the jobs. */
  private async commitJobs(jobs: Job[]): Promise<void> {
    const undo: (() => void)[] = [];
    const events: LiaisonEvent[] = [];
    const deliveries: DeliveryRow[] = [];
    const settle: (() => void)[] = [];
    const failures: (() => void)[] = [];
    const now = this.clock.now();
    const receivedAt = isoTime(now);
    const appendIndexes = new Map<Job, number>();
    const rotationIndexes = new Map<Job, number[]>();
    const rejections: { code: string; message: string; peer: string; id: string | null }[] = [];

    for (const job of jobs) {
      try {
        if (job.kind === 'append') {
          const event = this.builder.buildAppend(job, now, undo);
          appendIndexes.set(job, events.length);
          events.push(event);
        } else if (job.kind === 'rotate') {
          const first = events.length;
          this.builder.buildRotation(job, now, undo, events);
          const indexes = [...events.keys()].slice(first);
          rotationIndexes.set(job, indexes);
        } else if (job.kind === 'receive') {
          const result = await this.checker.checkBatch(job, events, undo, receivedAt);
          for (const r of result.rejected) rejections.push({ ...r, peer: job.peer });
          settle.push(() => job.resolve(result));
        } else {
          deliveries.push(...job.rows);
          settle.push(() => job.resolve());
        }
      } catch (error) {
        failures.push(() => job.reject(error instanceof Error ? error : new Error(String(error))));
      }
    }

    const ops: ProjectionOp[] = [];
    for (const event of events) ops.push(...projectEvent(event));
    // This node holds what it received from the moment it is durable: its own delivery facts
    // (the same ones its next heads.recorded puts in the record).
    const heldUpto = new Map<string, DeliveryRow>();
    for (const event of events) {
      if (event.origin === this.selfId) continue;
      heldUpto.set(`${event.line}\u0000${event.origin}`, {
        line: event.line,
        origin: event.origin,
        node: this.selfId,
        uptoSeq: event.seq,
        at: receivedAt,
      });
    }
    for (const row of heldUpto.values()) ops.push({ op: 'delivery.add', row });
    for (const row of deliveries) ops.push({ op: 'delivery.add', row });

    let arrivals: number[] = [];
    if (events.length > 0 || ops.length > 0) {
      try {
        arrivals = await this.store.commit({ events, receivedAt, ops });
      } catch (error) {
        for (const step of undo.reverse()) step();
        const failure = error instanceof Error ? error : new Error(String(error));
        this.logger.error({ err: failure.message, events: events.length }, 'commit failed');
        for (const job of jobs)
          job.reject(
            new RecordError('store-unavailable', `the record could not be written: ${failure.message}`),
          );
        return;
      }
    }

    const stored: StoredEvent[] = events.map((event, i) => ({
      event,
      arrival: arrivals[i] ?? 0,
      receivedAt,
    }));
    for (const fail of failures) fail();
    await this.afterRotations(stored);
    for (const job of jobs) {
      if (job.kind === 'rotate') {
        const indexes = rotationIndexes.get(job);
        if (indexes) job.resolve(indexes.flatMap((i) => (stored[i] ? [stored[i]] : [])));
        continue;
      }
      if (job.kind !== 'append') continue;
      const index = appendIndexes.get(job);
      const event = index === undefined ? undefined : stored[index];
      if (event) job.resolve(event);
    }
    for (const done of settle) done();
    for (const r of rejections) {
      this.logger.warn({ peer: r.peer, code: r.code, id: r.id, reason: r.message }, 'event refused');
      for (const listener of this.rejectionListeners) listener(r.code, r.peer);
      void this.store.addRejection(r.code, `${r.id ?? '-'}: ${r.message}`, r.peer).catch(() => undefined);
    }
    if (stored.length > 0 || ops.length > 0) {
      const batch: CommittedBatch = {
        events: stored,
        deliveries: ops.flatMap((op) => (op.op === 'delivery.add' ? [op.row] : [])),
      };
      for (const listener of this.committedListeners) listener(batch);
    }
  }

  /** After a commit: the node rows of nodes whose current key moved now name it, and listeners hear. */
  private async afterRotations(stored: StoredEvent[]): Promise<void> {
    const moved = new Set<string>();
    for (const { event } of stored) {
      if (event.type === KEY_ROTATED_EVENT_TYPE) moved.add(event.origin);
    }
    for (const nodeId of moved) {
      const key = this.keys.currentKey(nodeId);
      const row = await this.store.getNode(nodeId).catch(() => null);
      if (!key || !row || row.publicKey === key) continue;
      try {
        await this.store.putNode({ ...row, publicKey: key });
      } catch (error) {
        // The record holds the rotation; the row is moved again at the next start (open).
        this.logger.error({ node: nodeId, err: String(error) }, 'could not store the rotated key');
      }
      this.logger.info({ node: nodeId, publicKey: key }, 'signing key rotated');
      for (const listener of this.keyListeners) listener(nodeId, key);
    }
  }

  /**
   * Opens a line between this node and paired peers (FED9), writing its genesis. Returns the line.
   */
  async createLine(title: string, members: string[], author: string): Promise<LineRecord> {
    const all = [...new Set([this.selfId, ...members])].sort();
    if (all.length < 2)
      throw new RecordError('too-few-members', 'a line needs at least one other member node');
    const unknown = all.filter((m) => this.keys.currentKey(m) === undefined);
    if (unknown.length > 0) throw new RecordError('unknown-node', `not paired with ${unknown.join(', ')}`);
    const id = `line-${randomBytes(6).toString('hex')}`;
    const line: LineRecord = {
      id,
      kind: 'thread',
      title,
      members: all,
      createdAt: isoTime(this.clock.now()),
    };
    await this.addLine(line);
    await this.append(id, author, 'line.created', { kind: 'thread', title, members: all });
    return line;
  }

  /** Called when an equivocation is detected (LOG9), for alarms. */
  onEquivocation(listener: (alarm: EquivocationAlarm) => void): () => void {
    return this.quarantine.onEquivocation(listener);
  }

  /** Whether events of `origin` on `line` are refused because of an unresolved equivocation. */
  isQuarantined(line: string, origin: string): boolean {
    return this.quarantine.has(line, origin);
  }

  /** An admin resolves an equivocation (LOG9); false when there is no such unresolved one. */
  resolveEquivocation(id: number, by: string, resolution: string): Promise<boolean> {
    return this.quarantine.resolve(id, by, resolution);
  }
}
