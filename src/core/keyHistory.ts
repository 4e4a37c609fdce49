/**
 * Key rotation (LOG5, FED1): which key signs an event of (line, origin) at a given seq.
 *
 * A node rotates its signing key by appending, on every line it writes on, a `key.rotated`
 * event signed with its OLD key:
 *
 *   body = { previousKey, publicKey, fromSeq, proof }
 *
 * - `previousKey` the key that signed every event of (line, origin) below `fromSeq`, this one too;
 * - `publicKey`   the new key, base64url of its 32 raw bytes;
 * - `fromSeq`     the rotation event's own seq + 1: from there on (line, origin) is signed
 *                 with the new key, and an event signed with the old one is refused;
 * - `proof`       the NEW key's Ed25519 signature over the canonical bytes (RFC 8785) of
 *                 `{purpose: "liaison-key-rotation-v1", line, origin, previousKey, publicKey, fromSeq}`.
 *
 * The old key vouches for the new one (it signs the event) and the new one for the old (its
 * proof names it), so trusting any key of a node's chain is trusting the chain: the export
 * verifier relies on that. `ts` plays no part.
 *
 * `KeyHistory` holds, per node, its current key and every key it is known to have used, and per
 * (line, origin) the rotations held. It is pure and in memory; the ledger rebuilds it from the
 * `key.rotated` events it holds.
 *
 * Revocation (a compromised key, issue 7 part 6): the node makes a rotation as above, and a new
 * card, signed by the new key, that names on each line the seq and id of its `key.rotated`
 * event (`revokes`, src/node/pairing.ts). A peer's admin imports that card after comparing the
 * new safety code by voice, and the rotations it names are PINNED here at once, before their
 * events arrive: on each named line, seq R may hold only the named event, and every seq after
 * R only the new key's signature. So whoever else holds the old key (the thief) can no longer
 * place an event from R on, nor a rotation of their own. The revocation point is a seq, not a
 * time: LOG5 says `ts` never decides validity, and a thief can write any `ts`.
 */
import { canonicalBytes } from './canonical.ts';
import { isPlainObject } from './event.ts';
import { type Signer, verifySignature } from './sign.ts';
import { type JsonObject, PUBLIC_KEY_PATTERN, SIGNATURE_PATTERN } from './types.ts';

/** The event type of a key rotation. */
export const KEY_ROTATED_EVENT_TYPE = 'key.rotated';

/** Domain separation of the new key's proof. */
export const ROTATION_PROOF_PURPOSE = 'liaison-key-rotation-v1';

/** One rotation of (line, origin), as read from a valid `key.rotated` event. */
export interface KeyRotation {
  line: string;
  origin: string;
  /** The seq of the `key.rotated` event itself (signed by `previousKey`). */
  seq: number;
  /** Always `seq + 1`. */
  fromSeq: number;
  previousKey: string;
  publicKey: string;
}

/** What a rotation proof covers. */
export function rotationProofPayload(
  rotation: Pick<KeyRotation, 'line' | 'origin' | 'previousKey' | 'publicKey' | 'fromSeq'>,
): JsonObject {
  return {
    purpose: ROTATION_PROOF_PURPOSE,
    line: rotation.line,
    origin: rotation.origin,
    previousKey: rotation.previousKey,
    publicKey: rotation.publicKey,
    fromSeq: rotation.fromSeq,
  };
}

/** The body of a `key.rotated` event at `seq` of (line, origin), proved by the new key. */
export function rotationBody(
  line: string,
  origin: string,
  seq: number,
  previousKey: string,
  newSigner: Signer,
): JsonObject {
  const fromSeq = seq + 1;
  const payload = rotationProofPayload({
    line,
    origin,
    previousKey,
    publicKey: newSigner.publicKey,
    fromSeq,
  });
  return {
    previousKey,
    publicKey: newSigner.publicKey,
    fromSeq,
    proof: newSigner.sign(canonicalBytes(payload)),
  };
}

/**
 * Reads a `key.rotated` event (its envelope fields), checking its body and the new key's proof.
 * Returns the rotation, or the reason it is not a valid one. The event's own signature (by
 * `previousKey`) is the caller's to check.
 */
export function parseRotation(event: {
  line: string;
  origin: string;
  seq: number;
  body: JsonObject;
}): KeyRotation | string {
  const body: unknown = event.body;
  if (!isPlainObject(body)) return 'the body is not an object';
  const keys = Object.keys(body).sort().join(',');
  if (keys !== 'fromSeq,previousKey,proof,publicKey')
    return 'the body must hold exactly previousKey, publicKey, fromSeq and proof';
  const { previousKey, publicKey, fromSeq, proof } = body;
  if (typeof previousKey !== 'string' || !PUBLIC_KEY_PATTERN.test(previousKey))
    return 'previousKey is not a public key';
  if (typeof publicKey !== 'string' || !PUBLIC_KEY_PATTERN.test(publicKey))
    return 'publicKey is not a public key';
  if (publicKey === previousKey) return 'the new key is the old key';
  if (fromSeq !== event.seq + 1) return `fromSeq must be ${event.seq + 1}, the next seq`;
  if (typeof proof !== 'string' || !SIGNATURE_PATTERN.test(proof)) return 'proof is not a signature';
  const rotation: KeyRotation = {
    line: event.line,
    origin: event.origin,
    seq: event.seq,
    fromSeq,
    previousKey,
    publicKey,
  };
  if (!verifySignature(publicKey, canonicalBytes(rotationProofPayload(rotation)), proof))
    return 'the proof is not signed by the new key';
  return rotation;
}

/**
 * Follows a node's key forward from `knownKey` through the rotations given (any lines, any
 * order): each step takes a rotation whose `previousKey` is the key reached so far. Returns the
 * last key reached (`knownKey` itself when none applies). Used by the link handshake, where a
 * peer that rotated while this node was away proves its new key with its rotation events.
 */
export function followRotations(knownKey: string, rotations: readonly KeyRotation[]): string {
  let key = knownKey;
  const used = new Set<KeyRotation>();
  for (;;) {
    const next = rotations.find((r) => !used.has(r) && r.previousKey === key);
    if (next === undefined) return key;
    used.add(next);
    key = next.publicKey;
  }
}

/** A rotation named by a revocation card (see above): pinned with its event's id. */
export interface PinnedRotation extends KeyRotation {
  /** The id of the `key.rotated` event at `seq`: the only event that may stand there. */
  id: string;
}

/** Whether two rotations are the same step at the same place. */
function isSameRotation(a: KeyRotation, b: KeyRotation): boolean {
  return (
    a.line === b.line &&
    a.origin === b.origin &&
    a.seq === b.seq &&
    a.previousKey === b.previousKey &&
    a.publicKey === b.publicKey
  );
}

/** The result of `KeyHistory.add`. */
export interface AddedRotation {
  /** Takes the rotation back (a failed commit). */
  undo(): void;
  /** Whether it moved the node's current key forward. */
  isCurrentKeyChanged: boolean;
}

function pairKey(line: string, origin: string): string {
  return `${line}\u0000${origin}`;
}

/** Per node its current key and key chain; per (line, origin) the rotations held (LOG5). */
export class KeyHistory {
  readonly #current = new Map<string, string>();
  /** node → every key it is known to have used, oldest first. */
  readonly #chains = new Map<string, string[]>();
  /** (line, origin) → rotations held, ascending by seq. */
  readonly #rotations = new Map<string, KeyRotation[]>();
  /** (line, origin) → the rotations pinned by revocation cards, ascending by seq. */
  readonly #pins = new Map<string, PinnedRotation[]>();

  /** Sets a node's current key (at start, at pairing). */
  setNodeKey(nodeId: string, publicKey: string): void {
    this.#current.set(nodeId, publicKey);
    const chain = this.#chains.get(nodeId) ?? [];
    if (!chain.includes(publicKey)) chain.push(publicKey);
    this.#chains.set(nodeId, chain);
  }

  /** The node's current key: the newest its rotations reach. */
  currentKey(nodeId: string): string | undefined {
    return this.#current.get(nodeId);
  }

  /** Every key the node is known to have used, the current one first. */
  knownKeys(nodeId: string): string[] {
    const current = this.#current.get(nodeId);
    const chain = this.#chains.get(nodeId) ?? [];
    return current === undefined ? [...chain] : [current, ...chain.filter((k) => k !== current)];
  }

  /** The rotations held for (line, origin), ascending. */
  rotationsOf(line: string, origin: string): readonly KeyRotation[] {
    return this.#rotations.get(pairKey(line, origin)) ?? [];
  }

  /**
   * The keys an event of (line, origin) at `seq` may be signed with, the likeliest first. Where
   * a rotation of (line, origin) is held, exactly one: the key in force at `seq`. Where none is
   * held, any key of the origin's chain: the rotation is appended on every line at once but may
   * reach this node on one line before another, and events of a line arrive in chain order, so
   * an event signed with the key before a rotation can arrive after the rotation of another line.
   */
  keysFor(line: string, origin: string, seq: number): string[] {
    const rotations = this.#rotations.get(pairKey(line, origin));
    if (rotations === undefined || rotations.length === 0) return this.knownKeys(origin);
    for (const rotation of rotations) if (seq < rotation.fromSeq) return [rotation.previousKey];
    const last = rotations[rotations.length - 1];
    return last ? [last.publicKey] : [];
  }

  /**
   * Whether `rotation` may be added: its `previousKey` is a key that may sign its seq, and it
   * comes after the rotations held for its (line, origin). Returns the reason when not.
   */
  check(rotation: KeyRotation): string | null {
    const rotations = this.rotationsOf(rotation.line, rotation.origin);
    // The event of a pinned rotation arriving: it is already in force.
    if (rotations.some((r) => isSameRotation(r, rotation))) return null;
    const last = rotations[rotations.length - 1];
    if (last !== undefined && rotation.seq < last.fromSeq)
      return `a rotation at seq ${rotation.seq} comes before the one held at seq ${last.seq}`;
    if (!this.keysFor(rotation.line, rotation.origin, rotation.seq).includes(rotation.previousKey))
      return `previousKey is not the key of ${rotation.origin} at seq ${rotation.seq} of ${rotation.line}`;
    return null;
  }

  /** Adds a rotation that passed `check`. */
  add(rotation: KeyRotation): AddedRotation {
    const key = pairKey(rotation.line, rotation.origin);
    const had = this.#rotations.get(key);
    if (had?.some((r) => isSameRotation(r, rotation)))
      return { isCurrentKeyChanged: false, undo: () => undefined };
    this.#rotations.set(
      key,
      [...(had ?? []), rotation].sort((a, b) => a.seq - b.seq),
    );
    const chain = this.#chains.get(rotation.origin) ?? [];
    const chainBefore = [...chain];
    for (const k of [rotation.previousKey, rotation.publicKey]) if (!chain.includes(k)) chain.push(k);
    this.#chains.set(rotation.origin, chain);
    const currentBefore = this.#current.get(rotation.origin);
    // Rotations of several lines name the same step; only a step from the current key moves it,
    // so a late rotation of another line never takes the node back to an older key.
    const isCurrentKeyChanged = currentBefore === undefined || currentBefore === rotation.previousKey;
    if (isCurrentKeyChanged) this.#current.set(rotation.origin, rotation.publicKey);
    return {
      isCurrentKeyChanged,
      undo: () => {
        if (had === undefined) this.#rotations.delete(key);
        else this.#rotations.set(key, had);
        this.#chains.set(rotation.origin, chainBefore);
        if (currentBefore === undefined) this.#current.delete(rotation.origin);
        else this.#current.set(rotation.origin, currentBefore);
      },
    };
  }

  /**
   * Pins a rotation named by a revocation card (see the file comment): in force at once, whether
   * or not its `key.rotated` event is held, and without the old key's say (the card, compared by
   * voice, is the authority). Its event, when it arrives, is taken as the same rotation.
   */
  pin(pinned: PinnedRotation): void {
    const key = pairKey(pinned.line, pinned.origin);
    const pins = this.#pins.get(key) ?? [];
    if (!pins.some((p) => isSameRotation(p, pinned) && p.id === pinned.id)) {
      this.#pins.set(
        key,
        [...pins, pinned].sort((a, b) => a.seq - b.seq),
      );
    }
    const { id: _id, ...rotation } = pinned;
    this.add(rotation);
  }

  /** The id of the only event that may stand at `seq` of (line, origin), when a revocation pinned it. */
  pinnedId(line: string, origin: string, seq: number): string | undefined {
    return this.#pins.get(pairKey(line, origin))?.find((p) => p.seq === seq)?.id;
  }

  /** The revoked key of (line, origin) at `seq`: the key a pin retired at or before it, if any. */
  revokedKeyAt(line: string, origin: string, seq: number): string | undefined {
    const pins = this.#pins.get(pairKey(line, origin)) ?? [];
    return pins.filter((p) => p.seq <= seq).at(-1)?.previousKey;
  }
}
