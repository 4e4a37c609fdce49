/**
 * The state and checks of one pass of `verifyExport` over a LOG12 export (see exportFormat.ts
 * for the format). Node only (uses sign.ts). Internal to `verifyExport`.
 *
 * Every event line is checked in file order against maps of what came before: O(1) per
 * event. Signature verifications, the one expensive step, run on the thread pool and are kept
 * in flight; `settleSignatures` awaits them so that the first failure in file order is the
 * one reported, whether it is a signature or a later check.
 */
import { canonicalBytes } from './canonical.ts';
import { type ChainContext, checkChain, depSeqsOf, type HeldEventInfo } from './chain.ts';
import { genesisMembers, isPlainObject, isTimestamp, parseEnvelope, signedBytes } from './event.ts';
import type { ExportHead, ExportHeads, TrustedNode, VerifyError } from './exportFormat.ts';
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

/** A signature verification in flight. */
interface PendingSignature {
  lineNumber: number;
  eventId: string;
  origin: string;
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
    const index = results.indexOf(false);
    const bad = pending[index];
    if (bad === undefined) return null;
    this.events = bad.eventsBefore;
    this.#pending.length = 0;
    return failure(bad.lineNumber, 'bad-signature', `not signed by ${bad.origin}`, bad.eventId);
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
        return failure(
          lineNumber,
          'bad-header',
          `the header's key for ${nodeId} differs from the trusted card`,
        );
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
    const publicKey = this.#trusted.get(origin);
    if (publicKey === undefined)
      return failure(lineNumber, 'unknown-origin', `${origin} is not a trusted node`, id);
    this.#pending.push({
      lineNumber,
      eventId: id,
      origin,
      eventsBefore: this.events,
      isValid: verifySignatureAsync(publicKey, bytes, envelope.sig),
    });
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
    if (!verifySignature(publicKey, canonicalBytes({ heads: parsedHeads, signer, ts }), sig)) {
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
