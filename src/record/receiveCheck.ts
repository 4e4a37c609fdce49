/**
 * The checks of events received from a peer (LOG2, LOG5, LOG8, LOG9, FED4, FED9), for the Ledger.
 *
 * Two stages. `preverify` needs nothing held: the envelope's shape (LOG2), its id, and its
 * signature with the keys the origin may sign that seq with (LOG5), on libuv's thread pool, before
 * the event enters the write queue. `checkBatch` runs inside a commit, in batch order, against the
 * heads held (and the events accepted earlier in the same commit): membership, the signature again
 * when a rotation changed the key since, quarantine and equivocation (LOG9), duplicates (FED4),
 * the chain (LOG4, LOG6), genesis (FED9), key rotations and revocations (LOG5: from the seq a
 * revocation card pins, only the named event and then the new key). Accepted events advance the
 * in-memory heads and key history, each with an undo step in case the commit fails.
 */
import { checkChain, type HeldEventInfo } from '../core/chain.ts';
import { genesisMembers, parseEnvelope, signedBytes, unsignedOf } from '../core/event.ts';
import {
  KEY_ROTATED_EVENT_TYPE,
  type KeyHistory,
  type KeyRotation,
  parseRotation,
} from '../core/keyHistory.ts';
import type { Rejection } from '../core/rejection.ts';
import { sha256, verifySignature, verifySignatureAsync } from '../core/sign.ts';
import type { LiaisonEvent } from '../core/types.ts';
import type { LineRecord, Store } from '../store/types.ts';
import type { HeadIndex } from './headIndex.ts';
import type { Logger, ReceiveResult } from './ledger.ts';
import type { Quarantine } from './quarantine.ts';

/**
 * A received envelope after the checks that need nothing held: its shape (LOG2), its id, and
 * its signature (LOG5), checked on libuv's thread pool before the event enters the write queue.
 */
export interface Preverified {
  parsed: ReturnType<typeof parseEnvelope>;
  id: string | null;
  /** null when the origin's key is unknown (refused later as unknown-origin). */
  isSignatureValid: boolean | null;
  /** The key the signature was checked with (it verified with it when `isSignatureValid`). */
  keyUsed: string | null;
}

/** What the checks read and update of the Ledger's state (shared, not copied). */
export interface ReceiveContext {
  selfId: string;
  store: Store;
  logger: Logger;
  lines: ReadonlyMap<string, LineRecord>;
  keys: KeyHistory;
  index: HeadIndex;
  quarantine: Quarantine;
  /** Makes a line known (a thread adopted from its genesis). */
  addLine(line: LineRecord): Promise<void>;
}

/** The Ledger's checks of received events. */
export class ReceiveChecker {
  constructor(private readonly context: ReceiveContext) {}

  /** The checks of an envelope that need nothing held; run before it enters the write queue. */
  async preverify(raw: unknown): Promise<Preverified> {
    const parsed = parseEnvelope(raw);
    if (!parsed.ok) return { parsed, id: null, isSignatureValid: null, keyUsed: null };
    const bytes = signedBytes(parsed.envelope);
    const id = sha256(bytes);
    const { line, origin, seq, sig } = parsed.envelope;
    const candidates = this.context.keys.keysFor(line, origin, seq);
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
    const expected = this.context.keys.keysFor(event.line, event.origin, event.seq);
    if (expected.length === 0) return null;
    if (pre.keyUsed !== null && expected.includes(pre.keyUsed)) return pre.isSignatureValid;
    const bytes = signedBytes(event);
    for (const key of expected) if (await verifySignatureAsync(key, bytes, event.sig)) return true;
    return false;
  }

  /** Checks one received batch in order; accepted events are appended to `events`. */
  async checkBatch(
    job: { envelopes: Preverified[]; peer: string },
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
      if (outcome.rotation) undo.push(this.context.keys.add(outcome.rotation).undo);
      this.context.index.advance(event, outcome.depSeqs, undo);
      inBatch.set(`${event.line}\u0000${event.origin}\u0000${event.seq}`, event);
      events.push(event);
      result.accepted += 1;
    }
    const summary = this.context.index.summary(touched);
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

    let line = this.context.lines.get(event.line);
    if (!line && event.type === 'line.created' && event.seq === 1 && pre.isSignatureValid === true) {
      const adopted = await this.adoptLine(event, peer);
      if (typeof adopted === 'string') return reject('bad-genesis', adopted);
      line = adopted;
    }
    if (!line?.members.includes(this.context.selfId))
      return reject('not-member', `this node is not a member of line ${event.line}`);
    if (!line.members.includes(peer))
      return reject('not-member', `peer ${peer} is not a member of line ${event.line}`);
    if (!line.members.includes(event.origin))
      return reject('not-member', `origin ${event.origin} is not a member of line ${event.line}`);
    const pinnedId = this.context.keys.pinnedId(event.line, event.origin, event.seq);
    if (pinnedId !== undefined && pinnedId !== id) {
      return reject(
        'revoked-key',
        `${event.origin}'s old key was revoked on ${event.line} at seq ${event.seq}: only the key.rotated event its new card names stands there`,
      );
    }
    const isSignatureValid = await this.signatureHolds(pre, event);
    if (isSignatureValid === null)
      return reject('unknown-origin', `no key is known for node ${event.origin}`);
    if (!isSignatureValid && this.isSignedWithRevokedKey(event)) {
      return reject(
        'revoked-key',
        `signed with a key of ${event.origin} that was revoked on ${event.line} before seq ${event.seq}`,
      );
    }

    if (this.context.quarantine.has(event.line, event.origin)) {
      return reject(
        'quarantined',
        `${event.origin} signed two events for one seq on ${event.line}; its events are refused there until an admin resolves it`,
      );
    }
    const head = this.context.index.get(event.line, event.origin);
    if (head && event.seq <= head.seq) {
      const heldId =
        inBatch.get(`${event.line}\u0000${event.origin}\u0000${event.seq}`)?.id ??
        (event.seq === head.seq
          ? head.id
          : (await this.context.store.getEventBySeq(event.line, event.origin, event.seq))?.event.id);
      if (heldId === id) return { kind: 'duplicate', event };
      if (!isSignatureValid)
        return reject('bad-signature', 'the signature does not verify with the origin key');
      this.context.logger.error(
        { line: event.line, origin: event.origin, seq: event.seq, held: heldId, received: id },
        'equivocation: two events for one seq; origin quarantined on this line',
      );
      await this.context.quarantine.record(event, heldId ?? '', peer);
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
    if (event.seq === 1 && event.type !== 'line.created' && !this.context.index.isReady(event.line)) {
      return reject('bad-genesis', `line ${event.line} has no genesis yet`);
    }
    const depSeqs: Record<string, number> = {};
    for (const [origin, depId] of Object.entries(event.deps)) {
      const info = deps.get(depId);
      if (info) depSeqs[origin] = info.seq;
    }
    if (event.type === KEY_ROTATED_EVENT_TYPE) {
      const rotation = parseRotation(event);
      const problem = typeof rotation === 'string' ? rotation : this.context.keys.check(rotation);
      if (typeof rotation === 'string' || problem !== null)
        return reject('bad-key-rotation', problem ?? 'not a key rotation');
      // The old key it names must be the one that signed it, not merely one of the chain.
      if (!verifySignature(rotation.previousKey, signedBytes(event), event.sig))
        return reject('bad-key-rotation', 'the rotation is not signed by the key it retires');
      return { kind: 'accepted', event, depSeqs, rotation };
    }
    return { kind: 'accepted', event, depSeqs };
  }

  /** Whether the event verifies with a key a revocation retired before its seq (LOG5). */
  private isSignedWithRevokedKey(event: LiaisonEvent): boolean {
    const revoked = this.context.keys.revokedKeyAt(event.line, event.origin, event.seq);
    return revoked !== undefined && verifySignature(revoked, signedBytes(event), event.sig);
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
    for (const required of [this.context.selfId, genesis.origin, peer]) {
      if (!members.includes(required)) return `the line's members do not include ${required}`;
    }
    const unknown = members.filter((m) => this.context.keys.currentKey(m) === undefined);
    if (unknown.length > 0) return `members not paired with this node: ${unknown.join(', ')}`;
    const line: LineRecord = {
      id: genesis.line,
      kind: 'thread',
      title,
      members: [...members].sort(),
      createdAt: genesis.ts,
    };
    await this.context.addLine(line);
    return line;
  }

  private async lookupHeld(id: string): Promise<HeldEventInfo | undefined> {
    const cached = this.context.index.cached(id);
    if (cached) return cached;
    const stored = await this.context.store.getEvent(id);
    if (!stored) return undefined;
    const e = stored.event;
    return { line: e.line, origin: e.origin, seq: e.seq, clock: e.clock, depSeqs: {} };
  }
}
