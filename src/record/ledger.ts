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
 */

import { randomBytes } from 'node:crypto';
import { canonicalBytes } from '../core/canonical.ts';
import { checkChain, type HeldEventInfo, nextEnvelopeFields } from '../core/chain.ts';
import type { Clock } from '../core/clock.ts';
import { isoTime } from '../core/clock.ts';
import { genesisMembers, parseEnvelope, signEvent, signedBytes, unsignedOf } from '../core/event.ts';
import {
  KEY_ROTATED_EVENT_TYPE,
  KeyHistory,
  type KeyRotation,
  parseRotation,
  rotationBody,
} from '../core/keyHistory.ts';
import type { Rejection } from '../core/rejection.ts';
import { type Signer, sha256, verifySignature, verifySignatureAsync } from '../core/sign.ts';
import {
  ENVELOPE_VERSION,
  EVENT_TYPE_PATTERN,
  type JsonObject,
  type LiaisonEvent,
  MAX_BODY_BYTES,
  MAX_EVENT_TYPE_LENGTH,
  type UnsignedEnvelope,
} from '../core/types.ts';
import type { DeliveryRow, LineRecord, ProjectionOp, Store, StoredEvent } from '../store/types.ts';
import { HeadIndex } from './headIndex.ts';
import { projectEvent } from './projection.ts';
import { type EquivocationAlarm, Quarantine } from './quarantine.ts';

/** A failure of an append that the caller can explain to a user (mapped to 4xx by the server). */
export class RecordError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RecordError';
  }
}

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

/**
 * A received envelope after the checks that need nothing held: its shape (LOG2), its id, and
 * its signature (LOG5), checked on libuv's thread pool before the event enters the write queue.
 */
interface Preverified {
  parsed: ReturnType<typeof parseEnvelope>;
  id: string | null;
  /** null when the origin's key is unknown (refused later as unknown-origin). */
  isSignatureValid: boolean | null;
  /** The key the signature was checked with (it verified with it when `isSignatureValid`). */
  keyUsed: string | null;
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
  private signer: Signer;
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

  constructor(options: LedgerOptions) {
    this.store = options.store;
    this.signer = options.signer;
    this.selfId = options.selfId;
    this.clock = options.clock;
    this.logger = options.logger;
    this.quarantine = new Quarantine(options.store, options.clock, options.logger);
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

  /** The key this node signs with now. */
  get publicKey(): string {
    return this.signer.publicKey;
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
    const checked = Promise.all(envelopes.map((raw) => this.preverify(raw)));
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

  private async preverify(raw: unknown): Promise<Preverified> {
    const parsed = parseEnvelope(raw);
    if (!parsed.ok) return { parsed, id: null, isSignatureValid: null, keyUsed: null };
    const bytes = signedBytes(parsed.envelope);
    const id = sha256(bytes);
    const { line, origin, seq, sig } = parsed.envelope;
    const candidates = this.keys.keysFor(line, origin, seq);
    if (candidates.length === 0) return { parsed, id, isSignatureValid: null, keyUsed: null };
    // Nearly always one key; more only for an origin that rotated, on a line whose rotation is
    // not held yet (KeyHistory.keysFor).
    for (const key of candidates) {
      if (await verifySignatureAsync(key, bytes, sig))
        return { parsed, id, isSignatureValid: true, keyUsed: key };
    }
    return { parsed, id, isSignatureValid: false, keyUsed: candidates[0] ?? null };
  }

  /**
   * The signature check of a preverified event, redone when a rotation committed (or accepted
   * earlier in this batch) since the preverification changed the key (LOG5).
   */
  private async signatureHolds(pre: Preverified, event: LiaisonEvent): Promise<boolean | null> {
    const expected = this.keys.keysFor(event.line, event.origin, event.seq);
    if (expected.length === 0) return null;
    if (pre.keyUsed !== null && expected.includes(pre.keyUsed)) return pre.isSignatureValid;
    const bytes = signedBytes(event);
    for (const key of expected) if (await verifySignatureAsync(key, bytes, event.sig)) return true;
    return false;
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
          const event = this.buildAppend(job, now, undo);
          appendIndexes.set(job, events.length);
          events.push(event);
        } else if (job.kind === 'rotate') {
          const first = events.length;
          this.buildRotation(job, now, undo, events);
          const indexes = [...events.keys()].slice(first);
          rotationIndexes.set(job, indexes);
        } else if (job.kind === 'receive') {
          const result = await this.checkBatch(job, events, undo, receivedAt);
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

  /**
   * Builds the `key.rotated` events of a rotation (one per line this node writes on), signed with
   * the old key, then makes the new key this node's signer for every later event (LOG5).
   */
  private buildRotation(
    job: Extract<Job, { kind: 'rotate' }>,
    now: number,
    undo: (() => void)[],
    events: LiaisonEvent[],
  ): void {
    const oldSigner = this.signer;
    if (job.signer.publicKey === oldSigner.publicKey)
      throw new RecordError('same-key', 'the new key is the key in use');
    const lines = [...this.lines.values()]
      .filter((line) => line.members.includes(this.selfId) && this.isReady(line.id))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const line of lines) {
      const seq = this.heldSeq(line.id, this.selfId) + 1;
      const body = rotationBody(line.id, this.selfId, seq, oldSigner.publicKey, job.signer);
      const event = this.buildAppend(
        {
          kind: 'append',
          line: line.id,
          author: job.author,
          type: KEY_ROTATED_EVENT_TYPE,
          body,
          resolve: () => undefined,
          reject: () => undefined,
        },
        now,
        undo,
      );
      const rotation = parseRotation(event);
      if (typeof rotation === 'string') throw new Error(`own rotation does not parse: ${rotation}`);
      undo.push(this.keys.add(rotation).undo);
      events.push(event);
    }
    this.signer = job.signer;
    undo.push(() => {
      this.signer = oldSigner;
    });
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

  private buildAppend(
    job: Extract<Job, { kind: 'append' }>,
    now: number,
    undo: (() => void)[],
  ): LiaisonEvent {
    const line = this.lines.get(job.line);
    if (!line) throw new RecordError('unknown-line', `there is no line ${job.line}`);
    if (!line.members.includes(this.selfId))
      throw new RecordError('not-member', `this node is not a member of ${job.line}`);
    const isGenesis = job.type === 'line.created';
    if (!isGenesis && !this.isReady(job.line)) {
      throw new RecordError(
        'line-not-ready',
        `line ${job.line} has not received its genesis from its peer yet`,
      );
    }
    if (canonicalBytes(job.body).length > MAX_BODY_BYTES) {
      throw new RecordError('body-too-large', `an event body may hold at most ${MAX_BODY_BYTES} bytes`);
    }
    // The check every peer applies (LOG2): an event it would refuse must not be stored here either.
    if (job.type.length > MAX_EVENT_TYPE_LENGTH || !EVENT_TYPE_PATTERN.test(job.type)) {
      throw new RecordError(
        'bad-event-type',
        `${JSON.stringify(job.type)} is not a dotted lowercase event type`,
      );
    }
    const origins = this.index.origins(job.line);
    const ownHead = origins.get(this.selfId);
    const others = new Map<string, { id: string; seq: number; clock: number }>();
    for (const [origin, head] of origins) if (origin !== this.selfId) others.set(origin, head);
    const fields = nextEnvelopeFields(ownHead, others, this.selfId);
    const unsigned: UnsignedEnvelope = {
      v: ENVELOPE_VERSION,
      line: job.line,
      origin: this.selfId,
      seq: fields.seq,
      prev: fields.prev,
      clock: fields.clock,
      deps: fields.deps,
      ts: isoTime(now),
      author: job.author,
      type: job.type,
      body: job.body,
    };
    const event = signEvent(unsigned, this.signer);
    const depSeqs: Record<string, number> = {};
    for (const [origin, head] of others) depSeqs[origin] = head.seq;
    this.index.advance(event, depSeqs, undo);
    return event;
  }

  /** Checks one received batch in order; accepted events are appended to `events`. */
  private async checkBatch(
    job: Extract<Job, { kind: 'receive' }>,
    events: LiaisonEvent[],
    undo: (() => void)[],
    receivedAt: string,
  ): Promise<ReceiveResult> {
    const result: ReceiveResult = { accepted: 0, duplicates: 0, rejected: [], receivedAt, heads: {} };
    const inBatch = new Map<string, LiaisonEvent>();
    for (const e of events) inBatch.set(`${e.line}\u0000${e.origin}\u0000${e.seq}`, e);
    const touched = new Set<string>();
    for (const [index, pre] of job.envelopes.entries()) {
      const outcome = await this.checkOne(pre, job.peer, inBatch);
      if (outcome.kind === 'rejected') {
        result.rejected.push({
          index,
          id: outcome.id,
          code: outcome.rejection.code,
          message: outcome.rejection.message,
        });
        continue;
      }
      touched.add(outcome.event.line);
      if (outcome.kind === 'duplicate') {
        result.duplicates += 1;
        continue;
      }
      const event = outcome.event;
      if (outcome.rotation) undo.push(this.keys.add(outcome.rotation).undo);
      this.index.advance(event, outcome.depSeqs, undo);
      inBatch.set(`${event.line}\u0000${event.origin}\u0000${event.seq}`, event);
      events.push(event);
      result.accepted += 1;
    }
    const summary = this.index.summary(touched);
    for (const line of touched) if (summary[line]) result.heads[line] = summary[line];
    return result;
  }

  private async checkOne(
    pre: Preverified,
    peer: string,
    inBatch: Map<string, LiaisonEvent>,
  ): Promise<
    | { kind: 'rejected'; id: string | null; rejection: Rejection }
    | { kind: 'duplicate'; event: LiaisonEvent }
    | {
        kind: 'accepted';
        event: LiaisonEvent;
        depSeqs: Record<string, number>;
        rotation?: KeyRotation;
      }
  > {
    const { parsed } = pre;
    if (!parsed.ok || pre.id === null) {
      const rejection = parsed.ok ? { code: 'malformed', message: 'no id' } : parsed.rejection;
      return { kind: 'rejected', id: null, rejection };
    }
    const id = pre.id;
    const event: LiaisonEvent = { ...unsignedOf(parsed.envelope), sig: parsed.envelope.sig, id };
    const reject = (code: string, message: string) => ({
      kind: 'rejected' as const,
      id,
      rejection: { code, message },
    });

    let line = this.lines.get(event.line);
    if (!line && event.type === 'line.created' && event.seq === 1 && pre.isSignatureValid === true) {
      const adopted = await this.adoptLine(event, peer);
      if (typeof adopted === 'string') return reject('bad-genesis', adopted);
      line = adopted;
    }
    if (!line?.members.includes(this.selfId))
      return reject('not-member', `this node is not a member of line ${event.line}`);
    if (!line.members.includes(peer))
      return reject('not-member', `peer ${peer} is not a member of line ${event.line}`);
    if (!line.members.includes(event.origin))
      return reject('not-member', `origin ${event.origin} is not a member of line ${event.line}`);
    const isSignatureValid = await this.signatureHolds(pre, event);
    if (isSignatureValid === null)
      return reject('unknown-origin', `no key is known for node ${event.origin}`);

    if (this.quarantine.has(event.line, event.origin)) {
      return reject(
        'quarantined',
        `${event.origin} signed two events for one seq on ${event.line}; its events are refused there until an admin resolves it`,
      );
    }
    const head = this.index.get(event.line, event.origin);
    if (head && event.seq <= head.seq) {
      const heldId =
        inBatch.get(`${event.line}\u0000${event.origin}\u0000${event.seq}`)?.id ??
        (event.seq === head.seq
          ? head.id
          : (await this.store.getEventBySeq(event.line, event.origin, event.seq))?.event.id);
      if (heldId === id) return { kind: 'duplicate', event };
      if (!isSignatureValid)
        return reject('bad-signature', 'the signature does not verify with the origin key');
      this.logger.error(
        { line: event.line, origin: event.origin, seq: event.seq, held: heldId, received: id },
        'equivocation: two events for one seq; origin quarantined on this line',
      );
      await this.quarantine.record(event, heldId ?? '', peer);
      return reject(
        'equivocation',
        `a different event is held for ${event.line}/${event.origin}/${event.seq}`,
      );
    }
    if (!isSignatureValid) {
      return reject('bad-signature', 'the signature does not verify with the origin key');
    }
    const deps = new Map<string, HeldEventInfo>();
    for (const depId of Object.values(event.deps)) {
      const info = await this.lookupHeld(depId);
      if (info) deps.set(depId, info);
    }
    const ownHead = head ? { ...head, line: event.line, origin: event.origin } : undefined;
    const rejection = checkChain(event, { ownHead, deps });
    if (rejection) return { kind: 'rejected', id, rejection };
    if (event.seq === 1 && event.type !== 'line.created' && !this.isReady(event.line)) {
      return reject('bad-genesis', `line ${event.line} has no genesis yet`);
    }
    const depSeqs: Record<string, number> = {};
    for (const [origin, depId] of Object.entries(event.deps)) {
      const info = deps.get(depId);
      if (info) depSeqs[origin] = info.seq;
    }
    if (event.type === KEY_ROTATED_EVENT_TYPE) {
      const rotation = parseRotation(event);
      const problem = typeof rotation === 'string' ? rotation : this.keys.check(rotation);
      if (typeof rotation === 'string' || problem !== null)
        return reject('bad-key-rotation', problem ?? 'not a key rotation');
      // The old key it names must be the one that signed it, not merely one of the chain.
      if (!verifySignature(rotation.previousKey, signedBytes(event), event.sig))
        return reject('bad-key-rotation', 'the rotation is not signed by the key it retires');
      return { kind: 'accepted', event, depSeqs, rotation };
    }
    return { kind: 'accepted', event, depSeqs };
  }

  /**
   * Makes a line known from its genesis received from a peer (FED9): a thread whose members
   * include this node, the origin and the sending peer, all of them paired here. Returns the
   * reason when the genesis cannot be adopted.
   */
  private async adoptLine(genesis: LiaisonEvent, peer: string): Promise<LineRecord | string> {
    const members = genesisMembers(genesis.body);
    const { kind, title } = genesis.body;
    if (!members) return 'the genesis does not name its members';
    if (kind !== 'thread') return 'only threads are opened by a peer; hotlines come with pairing';
    if (typeof title !== 'string' || title.length === 0 || title.length > 200)
      return 'the genesis has no usable title';
    for (const required of [this.selfId, genesis.origin, peer]) {
      if (!members.includes(required)) return `the line's members do not include ${required}`;
    }
    const unknown = members.filter((m) => this.keys.currentKey(m) === undefined);
    if (unknown.length > 0) return `members not paired with this node: ${unknown.join(', ')}`;
    const line: LineRecord = {
      id: genesis.line,
      kind: 'thread',
      title,
      members: [...members].sort(),
      createdAt: genesis.ts,
    };
    await this.addLine(line);
    return line;
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

  private async lookupHeld(id: string): Promise<HeldEventInfo | undefined> {
    const cached = this.index.cached(id);
    if (cached) return cached;
    const stored = await this.store.getEvent(id);
    if (!stored) return undefined;
    const e = stored.event;
    return { line: e.line, origin: e.origin, seq: e.seq, clock: e.clock, depSeqs: {} };
  }
}
