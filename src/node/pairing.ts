/**
 * Pairing (FED1, HOT1): each node exports a self-signed card (node id, name, URLs, signing key);
 * the other node's admin imports it. Both sides then show the same short safety code, derived
 * from the two keys, which the duty officers compare by voice.
 *
 * Importing a card makes the peer known and creates the hotline between the two nodes. The
 * hotline's genesis (`line.created`, LOG1) is written by the member with the smaller node id;
 * the other member receives it over the link before it can write on the line.
 *
 * Revocation (LOG5, issue 7 part 6): a node whose key was compromised makes a new key by a
 * rotation and a new card, signed by the NEW key, whose `revokes` names the old key and, on every
 * line, the seq and id of its `key.rotated` event (src/node/revocation.ts). A peer imports it only
 * with the safety code its admin heard by voice from the revoking node's admin (`safetyCode`),
 * since the old key, in a thief's hands, could sign anything; the import then pins those
 * rotations (src/core/keyHistory.ts) and takes the card's new TLS fingerprint.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalBytes } from '../core/canonical.ts';
import type { PinnedRotation } from '../core/keyHistory.ts';
import { fingerprint, type Signer, verifySignature } from '../core/sign.ts';
import { EVENT_ID_PATTERN, LINE_ID_PATTERN, NODE_ID_PATTERN, PUBLIC_KEY_PATTERN } from '../core/types.ts';
import type { Ledger } from '../record/ledger.ts';
import type { LineRecord, NodeRecord, Store } from '../store/types.ts';

const cardBody = z
  .object({
    liaisonCard: z.literal(1),
    nodeId: z.string().regex(NODE_ID_PATTERN),
    name: z.string().min(1).max(100),
    url: z.string().url(),
    federationUrl: z.string().url(),
    publicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    /** SHA-256 of the node's federation TLS certificate, pinned by its peers (FED2). */
    tlsFingerprint: z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/, 'a SHA-256 fingerprint as AA:BB:…'),
    /** A revocation card's: the revoked key, and where on each line the new key took over (LOG5). */
    revokes: z
      .object({
        key: z.string().regex(PUBLIC_KEY_PATTERN),
        lines: z
          .array(
            z
              .object({
                line: z.string().regex(LINE_ID_PATTERN),
                seq: z.number().int().min(1),
                id: z.string().regex(EVENT_ID_PATTERN),
              })
              .strict(),
          )
          .min(1)
          .max(10_000),
      })
      .strict()
      .optional(),
  })
  .strict();

export type CardBody = z.infer<typeof cardBody>;
export interface Card extends CardBody {
  /** The node's signature over the canonical bytes of the card without `sig`. */
  sig: string;
}

/** A card that cannot be used, with the reason and a kebab-case code for the API (SEC3). */
export class CardError extends Error {
  constructor(
    message: string,
    readonly code = 'bad-card',
  ) {
    super(message);
    this.name = 'CardError';
  }
}

/** Makes this node's signed card. */
export function makeCard(body: Omit<CardBody, 'liaisonCard'>, signer: Signer): Card {
  const unsigned: CardBody = { liaisonCard: 1, ...body };
  return { ...unsigned, sig: signer.sign(canonicalBytes(unsigned)) };
}

/** Parses and checks a card (shape and self-signature). */
export function parseCard(text: string): Card {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CardError('the card is not JSON');
  }
  if (typeof json !== 'object' || json === null || !('sig' in json) || typeof json.sig !== 'string') {
    throw new CardError('the card has no signature');
  }
  const { sig, ...rest } = json as { sig: string };
  const parsed = cardBody.safeParse(rest);
  if (!parsed.success) {
    throw new CardError(
      `the card is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  if (!verifySignature(parsed.data.publicKey, canonicalBytes(parsed.data), sig)) {
    throw new CardError('the card signature does not match its key: it was altered or forged');
  }
  return { ...parsed.data, sig };
}

/** The short code both consoles show for a pair of keys (order does not matter). */
export function safetyCode(publicKeyA: string, publicKeyB: string): string {
  const [first, second] = [publicKeyA, publicKeyB].sort();
  const digest = createHash('sha256').update(`liaison-safety-v1\n${first}\n${second}`).digest();
  const number = digest.readUIntBE(0, 6) % 1_000_000_000_000;
  const digits = String(number).padStart(12, '0');
  return `${digits.slice(0, 4)} ${digits.slice(4, 8)} ${digits.slice(8, 12)}`;
}

/** The hotline id between two nodes (HOT1). */
export function hotlineId(a: string, b: string): string {
  const [first, second] = [a, b].sort();
  return `hotline-${first}-${second}`;
}

export interface PairResult {
  peer: NodeRecord;
  line: LineRecord;
  safetyCode: string;
  fingerprint: string;
  /** False when the card was already imported with the same key. */
  isNew: boolean;
  /** The lines on which a revocation card's rotations were pinned (0 for an ordinary card). */
  revokedLines: number;
}

/**
 * Imports a peer's card: stores the peer, creates the hotline, and writes its genesis when this
 * node has the smaller id. Refuses a card for this node itself, or a known node with another key.
 */
export async function importCard(
  card: Card,
  self: { nodeId: string; name: string; publicKey: string },
  store: Store,
  ledger: Ledger,
  nowIso: string,
  options: { safetyCode?: string | undefined } = {},
): Promise<PairResult> {
  if (card.nodeId === self.nodeId)
    throw new CardError(`this is the card of this node (${self.nodeId}) itself`);
  const known = await store.getNode(card.nodeId);
  let revoked: PinnedRotation[] = [];
  if (known && known.publicKey !== card.publicKey) {
    if (!card.revokes) {
      throw new CardError(
        `node ${card.nodeId} is already paired with another key; a key changes only by a signed key.rotated event (LOG5): ` +
          'import the card once that event has arrived, or ask for its current card',
        'key-mismatch',
      );
    }
    revoked = checkRevocation(card, self.publicKey, ledger, options.safetyCode);
  }
  const peer: NodeRecord = {
    nodeId: card.nodeId,
    name: card.name,
    url: card.url,
    federationUrl: card.federationUrl,
    publicKey: card.publicKey,
    isSelf: false,
    addedAt: known?.addedAt ?? nowIso,
    tlsFingerprint: card.tlsFingerprint,
  };
  // The pins first: they carry the old key's place in the chain, which setNodeKey alone would not.
  if (revoked.length > 0) await ledger.pinRotations(revoked);
  await store.putNode(peer);
  ledger.setNodeKey(peer.nodeId, peer.publicKey);
  const members = [self.nodeId, peer.nodeId].sort();
  const names = new Map([
    [self.nodeId, self.name],
    [peer.nodeId, peer.name],
  ]);
  const id = hotlineId(self.nodeId, peer.nodeId);
  const line: LineRecord = ledger.getLine(id) ?? {
    id,
    kind: 'hotline',
    title: members.map((m) => names.get(m) ?? m).join(' ⇄ '),
    members,
    createdAt: nowIso,
  };
  if (!ledger.getLine(id)) await ledger.addLine(line);
  if (members[0] === self.nodeId && !ledger.isReady(id)) {
    await ledger.append(id, self.nodeId, 'line.created', { kind: line.kind, title: line.title, members });
  }
  return {
    peer,
    line,
    safetyCode: safetyCode(self.publicKey, peer.publicKey),
    fingerprint: fingerprint(peer.publicKey),
    isNew: !known,
    revokedLines: revoked.length,
  };
}

/** Digits only, so "1234 5678 9012" and "123456789012" compare equal. */
function digitsOf(code: string): string {
  return code.replace(/\D/g, '');
}

/**
 * Checks a revocation card against what this node holds: it must revoke a key this node knows
 * for that peer, and the admin must give the safety code heard by voice. Returns the rotations
 * to pin (one per line the card names).
 */
function checkRevocation(
  card: Card,
  selfKey: string,
  ledger: Ledger,
  spokenCode: string | undefined,
): PinnedRotation[] {
  const revokes = card.revokes;
  if (!revokes) return [];
  if (!ledger.knownKeys(card.nodeId).includes(revokes.key)) {
    throw new CardError(
      `this card revokes a key of ${card.nodeId} that this node never knew: ask for its current card`,
      'key-mismatch',
    );
  }
  const expected = safetyCode(selfKey, card.publicKey);
  if (spokenCode === undefined || spokenCode.trim() === '') {
    throw new CardError(
      `this card revokes ${card.nodeId}'s key (${fingerprint(revokes.key)}): ask its admin by voice for the new safety code and give it with the card`,
      'safety-code-required',
    );
  }
  if (digitsOf(spokenCode) !== digitsOf(expected)) {
    throw new CardError(
      `the safety code given does not match this card's: it may be forged; nothing was changed`,
      'safety-code-mismatch',
    );
  }
  return revokes.lines.map(({ line, seq, id }) => ({
    line,
    origin: card.nodeId,
    seq,
    fromSeq: seq + 1,
    previousKey: revokes.key,
    publicKey: card.publicKey,
    id,
  }));
}
