/**
 * The state and checks of one pass of `verifyExport` over a LOG12 export (see exportFormat.ts
 * for the format). Node only (uses sign.ts). Internal to `verifyExport`.
 *
 * Every event line is checked in file order against maps of what came before: O(1) per
 * event. Signature verifications, the one expensive step, run on the thread pool and are kept
 * in flight; `settleSignatures` awaits them so that the first failure in file order is the
 * one reported, whether it is a signature or a later check.
 *
 * Key rotations (LOG5, keyHistory.ts): a `key.rotated` event of (line, origin) names the key
 * that signed that origin's events on that line before it (`previousKey`) and the key that signs
 * from `fromSeq` on. Events after a rotation are checked with its new key only. Events before a
 * line's first rotation are checked first with the keys known for their origin (the trusted one
 * and those learned from earlier rotations); one that does not verify waits, with its bytes,
 * until the line's first rotation names its key, and fails when none does. Each valid rotation
 * links its two keys (the old one signed it, the new one signed its proof), and at the trailer
 * every key that signed, and the header's key, must be linked to the trusted key: so a card
 * given with `--trust` may carry any key of the node's chain, the first or the current one.
 */
import { canonicalBytes } from './canonical.ts';
import { type ChainContext, checkChain, depSeqsOf, type HeldEventInfo } from './chain.ts';
import { genesisMembers, isPlainObject, isTimestamp, parseEnvelope, signedBytes } from './event.ts';
import type { ExportHead, ExportHeads, TrustedNode, VerifyError } from './exportFormat.ts';
import { KEY_ROTATED_EVENT_TYPE, type KeyRotation, parseRotation } from './keyHistory.ts';
import { compareLog7, type Log7Position } from './order.ts';
import { fingerprint, sha256, verifySignature, verifySignatureAsync } from './sign.ts';
import {
  EVENT_ID_PATTERN,
  EXPORT_FORMAT_VERSION,
  GENESIS_EVENT_TYPE,
  LINE_ID_PATTERN,
  type LiaisonEvent,
  NODE_ID_PATTERN,
  PUBLIC_KEY_PATTERN,
  SIGNATURE_PATTERN,
} from './types.ts';

/** What the verifier holds about one line of the record. */
interface LineState {
  members: ReadonlySet<string>;
  last: Log7Position;
  /** origin → its latest event on the line. */
  heads: Map<string, HeldEventInfo & { id: string }>;
}

/** A signature verification in flight, or waiting for the rotation that names its key. */
interface PendingSignature {
  lineNumber: number;
  eventId: string;
  line: string;
  origin: string;
  seq: number;
  bytes: Uint8Array;
  sig: string;
  /** The key it was (or is being) checked with. */
  keyUsed: string;
  /** Events that had passed every check before this one. */
  eventsBefore: number;
  isValid: Promise<boolean>;
}

function failure(lineNumber: number, code: string, message: string, eventId?: string): VerifyError {
  return eventId === undefined ? { lineNumber, code, message } : { lineNumber, eventId, code, message };
}

function hasExactKeys(value: Record<string, unknown>, keys: readonly string[]): boolean {
  return Object.keys(value).length === keys.length && keys.every((key) => Object.hasOwn(value, key));
}

/** The state of one pass over an export; each method checks one line of the file. */
export class ExportVerifier {
  readonly trustedHeader: boolean;
  readonly fingerprints: { nodeId: string; fingerprint: string }[] = [];
  readonly lineIds: string[] = [];
  /** Events that passed every check so far (signatures still in flight included until settled). */
  events = 0;
  readonly #cards: readonly TrustedNode[] | undefined;
  /** nodeId → public key. */
  readonly #trusted = new Map<string, string>();
  /** Every event seen, by id. */
  readonly #held = new Map<string, HeldEventInfo>();
  readonly #lineStates = new Map<string, LineState>();
  #currentLine: string | undefined;
  readonly #pending: PendingSignature[] = [];
  /** Events before their line's first rotation that did not verify with the keys known then. */
  readonly #deferred: PendingSignature[] = [];
  /** (line, origin) → rotations seen, ascending. */
  readonly #rotations = new Map<string, KeyRotation[]>();
  /** origin → key → keys linked to it by a valid rotation. */
  readonly #links = new Map<string, Map<string, Set<string>>>();
  /** origin → key → first line that used it (a signature, or the header). */
  readonly #keysUsed = new Map<string, Map<string, number>>();
  /** nodeId → the key the header lists, when cards are trusted. */
  readonly #headerKeys = new Map<string, string>();

  constructor(cards: readonly TrustedNode[] | undefined) {
    this.#cards = cards;
    this.trustedHeader = cards === undefined;
  }

  /** How many signature verifications are in flight. */
  get pendingSignatures(): number {
    return this.#pending.length;
  }

  /**
   * Awaits the oldest `count` signatures in flight (all by default); returns the first that does
   * not verify, in file order.
   */
  async settleSignatures(count = Number.POSITIVE_INFINITY): Promise<VerifyError | null> {
    const pending = this.#pending.splice(0, count);
    const results = await Promise.all(pending.map((entry) => entry.isValid));
    for (const [index, entry] of pending.entries()) {
      if (results[index] === true) continue;
      // Signed before its line's first rotation with a key not known yet: wait for the rotation.
      if (this.#rotationsOf(entry.line, entry.origin).length === 0) {
        this.#deferred.push(entry);
        continue;
      }
      const key = this.#keyAt(entry.line, entry.origin, entry.seq);
      if (key !== entry.keyUsed && (await verifySignatureAsync(key, entry.bytes, entry.sig))) {
        this.#used(entry.origin, key, entry.lineNumber);
        continue;
      }
      return this.#badSignature(entry);
    }
    if (count !== Number.POSITIVE_INFINITY) return null;
    return (await this.#settleDeferred()) ?? this.#keyProblem(false);
  }

  #badSignature(bad: PendingSignature): VerifyError {
    this.events = Math.min(this.events, bad.eventsBefore);
    this.#pending.length = 0;
    return failure(bad.lineNumber, 'bad-signature', `not signed by ${bad.origin}`, bad.eventId);
  }

  /** Checks the deferred signatures whose line's first rotation has now been read. */
  async #settleDeferred(): Promise<VerifyError | null> {
    const waiting: PendingSignature[] = [];
    for (const entry of this.#deferred.sort((a, b) => a.lineNumber - b.lineNumber)) {
      if (this.#rotationsOf(entry.line, entry.origin).length === 0) {
        waiting.push(entry);
        continue;
      }
      const key = this.#keyAt(entry.line, entry.origin, entry.seq);
      if (!(await verifySignatureAsync(key, entry.bytes, entry.sig))) return this.#badSignature(entry);
      this.#used(entry.origin, key, entry.lineNumber);
    }
    this.#deferred.splice(0, this.#deferred.length, ...waiting);
    return null;
  }

  /**
   * When every signature is settled (at the trailer, or at a failure): a signature still waiting
   * for a rotation fails, and every key used (and the header's) must be linked to the trusted key
   * of its node. The first in file order is returned.
   */
  #keyProblem(isAtTrailer: boolean): VerifyError | null {
    const untrusted: { lineNumber: number; message: string; code: string }[] = [];
    for (const [origin, keys] of this.#keysUsed) {
      const trusted = this.#trusted.get(origin);
      for (const [key, lineNumber] of keys) {
        if (trusted !== undefined && this.#isLinked(origin, trusted, key)) continue;
        const isHeader = this.#headerKeys.get(origin) === key && lineNumber === 1;
        // Before the trailer, the rotation linking the header's key may still be ahead, unless
        // signatures of that node already failed for want of one.
        if (isHeader && !isAtTrailer && !this.#deferred.some((entry) => entry.origin === origin)) continue;
        untrusted.push({
          lineNumber,
          code: isHeader ? 'bad-header' : 'unknown-origin',
          message: isHeader
            ? `the header's key for ${origin} is not in the key chain of the trusted card`
            : `${origin} signed with a key that no rotation links to its trusted key`,
        });
      }
    }
    const first = untrusted.sort((a, b) => a.lineNumber - b.lineNumber)[0];
    const waiting = this.#deferred[0];
    if (waiting !== undefined && (first === undefined || waiting.lineNumber < first.lineNumber))
      return this.#badSignature(waiting);
    return first === undefined ? null : failure(first.lineNumber, first.code, first.message);
  }

  #rotationsOf(line: string, origin: string): KeyRotation[] {
    return this.#rotations.get(`${line}\u0000${origin}`) ?? [];
  }

  /** The key of (line, origin) at `seq` by the rotations seen; needs at least one rotation. */
  #keyAt(line: string, origin: string, seq: number): string {
    const rotations = this.#rotationsOf(line, origin);
    for (const rotation of rotations) if (seq < rotation.fromSeq) return rotation.previousKey;
    return rotations[rotations.length - 1]?.publicKey ?? '';
  }

  /** The keys to try for an event of (line, origin) at `seq`, the likeliest first. */
  #candidateKeys(line: string, origin: string, seq: number): string[] {
    if (this.#rotationsOf(line, origin).length > 0) return [this.#keyAt(line, origin, seq)];
    const trusted = this.#trusted.get(origin);
    if (trusted === undefined) return [];
    return [trusted, ...[...(this.#links.get(origin)?.keys() ?? [])].filter((k) => k !== trusted)];
  }

  #used(origin: string, key: string, lineNumber: number): void {
    const keys = this.#keysUsed.get(origin) ?? new Map<string, number>();
    if (!keys.has(key) || (keys.get(key) ?? 0) > lineNumber) keys.set(key, lineNumber);
    this.#keysUsed.set(origin, keys);
  }

  #link(origin: string, a: string, b: string): void {
    const links = this.#links.get(origin) ?? new Map<string, Set<string>>();
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const set = links.get(from) ?? new Set<string>();
      set.add(to);
      links.set(from, set);
    }
    this.#links.set(origin, links);
  }

  #isLinked(origin: string, from: string, to: string): boolean {
    if (from === to) return true;
    const links = this.#links.get(origin);
    const seen = new Set([from]);
    const queue = [from];
    while (queue.length > 0) {
      const key = queue.shift() ?? '';
      for (const next of links?.get(key) ?? []) {
        if (next === to) return true;
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    return false;
  }

  /** Takes the keys of the cards, when cards were given. */
  trustCards(): VerifyError | null {
    for (const card of this.#cards ?? []) {
      const problem = this.#trust(card.nodeId, card.publicKey);
      if (problem !== null) return failure(0, 'malformed', `trusted card: ${problem}`);
    }
    return null;
  }

  #trust(nodeId: unknown, publicKey: unknown): string | null {
    if (typeof nodeId !== 'string' || !NODE_ID_PATTERN.test(nodeId)) return 'a node id is malformed';
    if (typeof publicKey !== 'string' || !PUBLIC_KEY_PATTERN.test(publicKey)) {
      return `the public key of ${nodeId} is not 32 bytes of base64url`;
    }
    if (this.#trusted.has(nodeId)) return `${nodeId} is listed twice`;
    this.#trusted.set(nodeId, publicKey);
    this.fingerprints.push({ nodeId, fingerprint: fingerprint(publicKey) });
    return null;
  }

  /** Checks the header line; without cards, trusts the keys it lists. */
  header(value: unknown, lineNumber: number): VerifyError | null {
    if (!isPlainObject(value) || !hasExactKeys(value, ['liaisonExport', 'nodes'])) {
      return failure(lineNumber, 'bad-header', 'the first line is not an export header');
    }
    if (value.liaisonExport !== EXPORT_FORMAT_VERSION)
      return failure(lineNumber, 'bad-header', 'unsupported export version');
    if (!Array.isArray(value.nodes)) return failure(lineNumber, 'bad-header', 'nodes is not an array');
    const seen = new Set<string>();
    for (const node of value.nodes) {
      if (!isPlainObject(node) || !hasExactKeys(node, ['nodeId', 'name', 'publicKey'])) {
        return failure(lineNumber, 'bad-header', 'malformed node');
      }
      const { nodeId, name, publicKey } = node;
      if (typeof nodeId !== 'string' || !NODE_ID_PATTERN.test(nodeId) || seen.has(nodeId)) {
        return failure(lineNumber, 'bad-header', 'a node id is malformed or repeated');
      }
      seen.add(nodeId);
      if (typeof name !== 'string')
        return failure(lineNumber, 'bad-header', `the name of ${nodeId} is not a string`);
      if (this.trustedHeader) {
        const problem = this.#trust(nodeId, publicKey);
        if (problem !== null) return failure(lineNumber, 'bad-header', problem);
      } else if (this.#trusted.has(nodeId) && this.#trusted.get(nodeId) !== publicKey) {
        // The header names the node's current key; a card may carry an earlier one of its chain
        // (LOG5). Whether the two are linked is known once the rotations are read (settleKeys).
        if (typeof publicKey !== 'string' || !PUBLIC_KEY_PATTERN.test(publicKey))
          return failure(lineNumber, 'bad-header', `the header's key for ${nodeId} is malformed`);
        this.#headerKeys.set(nodeId, publicKey);
        this.#used(nodeId, publicKey, lineNumber);
      }
    }
    return null;
  }

  /** Checks one event line; its signature is left in flight (see `settleSignatures`). */
  event(value: unknown, lineNumber: number): VerifyError | null {
    if (!isPlainObject(value)) return failure(lineNumber, 'malformed', 'event line is not a JSON object');
    const claimedId = value.id;
    if (typeof claimedId !== 'string') return failure(lineNumber, 'malformed', 'event line has no id');
    const parsed = parseEnvelope(value);
    if (!parsed.ok) return failure(lineNumber, parsed.rejection.code, parsed.rejection.message, claimedId);
    const envelope = parsed.envelope;
    const bytes = signedBytes(envelope);
    const id = sha256(bytes);
    if (id !== claimedId)
      return failure(lineNumber, 'id-mismatch', `the signed bytes hash to ${id}`, claimedId);
    const { line, origin, seq } = envelope;
    if (!this.#trusted.has(origin))
      return failure(lineNumber, 'unknown-origin', `${origin} is not a trusted node`, id);
    let rotation: KeyRotation | null = null;
    if (envelope.type === KEY_ROTATED_EVENT_TYPE) {
      const parsedRotation = parseRotation(envelope);
      if (typeof parsedRotation === 'string')
        return failure(lineNumber, 'bad-key-rotation', parsedRotation, id);
      const held = this.#rotationsOf(line, origin);
      if (held.length > 0 && this.#keyAt(line, origin, seq) !== parsedRotation.previousKey) {
        return failure(
          lineNumber,
          'bad-key-rotation',
          `previousKey is not the key of ${origin} at seq ${seq}`,
          id,
        );
      }
      rotation = parsedRotation;
    }
    // A rotation is checked with the key it retires, which it names.
    const candidates = rotation ? [rotation.previousKey] : this.#candidateKeys(line, origin, seq);
    const sig = envelope.sig;
    const keyUsed = candidates[0] ?? '';
    const isValid = (async () => {
      for (const key of candidates) {
        if (await verifySignatureAsync(key, bytes, sig)) {
          this.#used(origin, key, lineNumber);
          return true;
        }
      }
      return false;
    })();
    this.#pending.push({
      lineNumber,
      eventId: id,
      line,
      origin,
      seq,
      bytes,
      sig,
      keyUsed,
      eventsBefore: this.events,
      isValid,
    });
    if (rotation) {
      this.#rotations.set(`${line}\u0000${origin}`, [...this.#rotationsOf(line, origin), rotation]);
      this.#link(origin, rotation.previousKey, rotation.publicKey);
    }
    if (this.#held.has(id)) return failure(lineNumber, 'duplicate', 'the event appears twice', id);
    const event: LiaisonEvent = { ...envelope, id };

    let state = this.#lineStates.get(line);
    if (line !== this.#currentLine) {
      if (state !== undefined)
        return failure(lineNumber, 'out-of-order', `the events of line ${line} are split`, id);
      const members = event.type === GENESIS_EVENT_TYPE && seq === 1 ? genesisMembers(event.body) : null;
      if (members === null)
        return failure(lineNumber, 'bad-genesis', `line ${line} does not start with a genesis`, id);
      state = { members: new Set(members), last: event, heads: new Map() };
      this.#lineStates.set(line, state);
      this.#currentLine = line;
      this.lineIds.push(line);
    } else if (state === undefined) {
      return failure(lineNumber, 'malformed', `no state for line ${line}`, id);
    } else if (event.type === GENESIS_EVENT_TYPE) {
      return failure(lineNumber, 'bad-genesis', `a second genesis on line ${line}`, id);
    }
    if (!state.members.has(origin))
      return failure(lineNumber, 'not-member', `${origin} is not a member of ${line}`, id);
    const ownHead = state.heads.get(origin);
    if (ownHead !== undefined && seq <= ownHead.seq) {
      return failure(
        lineNumber,
        'equivocation',
        `${origin} signed another event as seq ${seq} of ${line}`,
        id,
      );
    }
    if (state.heads.size > 0 && compareLog7(state.last, event) >= 0) {
      return failure(
        lineNumber,
        'out-of-order',
        `${origin}/${seq} comes before the event above it in LOG7 order`,
        id,
      );
    }
    const ctx: ChainContext = { ownHead, deps: new Map() };
    for (const depId of Object.values(event.deps)) {
      const dep = this.#held.get(depId);
      if (dep !== undefined) ctx.deps.set(depId, dep);
    }
    const broken = checkChain(event, ctx);
    if (broken !== null) return failure(lineNumber, broken.code, broken.message, id);

    const info: HeldEventInfo = { line, origin, seq, clock: event.clock, depSeqs: depSeqsOf(event, ctx) };
    this.#held.set(id, info);
    state.heads.set(origin, { ...info, id });
    state.last = info;
    this.events++;
    return null;
  }

  /** Checks the trailer line: shape, signature by a trusted node, and heads equal to what was seen. */
  trailer(value: Record<string, unknown>, lineNumber: number): VerifyError | null {
    const keyProblem = this.#keyProblem(true);
    if (keyProblem !== null) return keyProblem;
    const trailer = value.trailer;
    if (!hasExactKeys(value, ['trailer']) || !isPlainObject(trailer)) {
      return failure(lineNumber, 'bad-trailer', 'malformed trailer');
    }
    if (!hasExactKeys(trailer, ['heads', 'signer', 'ts', 'sig']))
      return failure(lineNumber, 'bad-trailer', 'malformed trailer');
    const { heads, signer, ts, sig } = trailer;
    const parsedHeads = parseHeads(heads);
    if (parsedHeads === null) return failure(lineNumber, 'bad-trailer', 'malformed heads');
    if (!isTimestamp(ts))
      return failure(lineNumber, 'bad-trailer', 'ts is not an RFC 3339 UTC timestamp with milliseconds');
    if (typeof signer !== 'string') return failure(lineNumber, 'bad-trailer', 'malformed signer');
    const publicKey = this.#trusted.get(signer);
    if (publicKey === undefined) {
      return failure(lineNumber, 'bad-trailer', `signed by ${signer.slice(0, 40)}, which is not trusted`);
    }
    if (typeof sig !== 'string' || !SIGNATURE_PATTERN.test(sig))
      return failure(lineNumber, 'bad-trailer', 'malformed sig');
    // The exporter signs with its current key: the trusted one or one its rotations link to it.
    const signerKeys = [publicKey, ...(this.#links.get(signer)?.keys() ?? [])].filter((key) =>
      this.#isLinked(signer, publicKey, key),
    );
    const trailerBytes = canonicalBytes({ heads: parsedHeads, signer, ts });
    if (!signerKeys.some((key) => verifySignature(key, trailerBytes, sig))) {
      return failure(lineNumber, 'bad-trailer', `the signature of ${signer} does not verify`);
    }
    const mismatch = this.#compareHeads(parsedHeads);
    return mismatch === null ? null : failure(lineNumber, 'trailer-mismatch', mismatch);
  }

  #compareHeads(heads: ExportHeads): string | null {
    for (const [line, state] of this.#lineStates) {
      const lineHeads = heads[line];
      if (lineHeads === undefined) return `the trailer does not name line ${line}`;
      for (const [origin, held] of state.heads) {
        const named = lineHeads[origin];
        if (named === undefined) return `the trailer does not name ${origin} on line ${line}`;
        if (named.seq !== held.seq || named.id !== held.id) {
          return `the trailer names ${origin} seq ${named.seq} on line ${line}; the export ends at ${held.seq}`;
        }
      }
      for (const origin of Object.keys(lineHeads)) {
        if (!state.heads.has(origin)) return `the export has no event of ${origin} on line ${line}`;
      }
    }
    for (const line of Object.keys(heads)) {
      if (!this.#lineStates.has(line)) return `the export has no event of line ${line}`;
    }
    return null;
  }
}

/** Parses the trailer's heads strictly, or returns null. */
function parseHeads(value: unknown): ExportHeads | null {
  if (!isPlainObject(value)) return null;
  const heads: ExportHeads = {};
  for (const [line, lineValue] of Object.entries(value)) {
    if (!LINE_ID_PATTERN.test(line) || !isPlainObject(lineValue)) return null;
    const lineHeads: Record<string, ExportHead> = {};
    for (const [origin, head] of Object.entries(lineValue)) {
      if (!NODE_ID_PATTERN.test(origin) || !isPlainObject(head) || !hasExactKeys(head, ['seq', 'id']))
        return null;
      const { seq, id } = head;
      if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return null;
      if (typeof id !== 'string' || !EVENT_ID_PATTERN.test(id)) return null;
      lineHeads[origin] = { seq, id };
    }
    heads[line] = lineHeads;
  }
  return heads;
}
