/**
 * Wires key rotation (LOG5) and unpairing (FED1) into a running node: what the federation link
 * asks (is a peer unpaired, which rotations prove a key), and the services behind keyRoutes.ts.
 */
import { parseEnvelope, verifyEventSignature } from '../core/event.ts';
import {
  followRotations,
  KEY_ROTATED_EVENT_TYPE,
  type KeyRotation,
  parseRotation,
} from '../core/keyHistory.ts';
import type { Signer } from '../core/sign.ts';
import type { LiaisonEvent } from '../core/types.ts';
import type { Federation } from '../federation/federation.ts';
import type { Ledger, Logger } from '../record/ledger.ts';
import type { KeyServices } from '../server/keyRoutes.ts';
import type { Store } from '../store/types.ts';
import { KeyRotator } from './keyRotation.ts';
import { hotlineId } from './pairing.ts';
import type { Pairings } from './unpairing.ts';

/** How long an unpairing waits for the peer's receipt of its `peer.unpaired` before closing. */
export const UNPAIR_RECEIPT_WAIT_MS = 3_000;

/** How long a node unpaired by its peer keeps the link, so its receipt of the event goes out. */
const CLOSE_AFTER_UNPAIRED_MS = 1_000;

/**
 * This node's own `key.rotated` events, one per step of its key chain, as the handshake sends
 * them (LOG5): from the held record at start, then from every commit.
 */
export class OwnRotations {
  readonly #byPreviousKey = new Map<string, object>();

  constructor(
    private readonly selfId: string,
    ledger: Ledger,
  ) {
    ledger.onCommitted((batch) => {
      for (const { event } of batch.events) this.note(event);
    });
  }

  async load(store: Store): Promise<void> {
    for (const { event } of await store.eventsOfTypes([KEY_ROTATED_EVENT_TYPE])) this.note(event);
  }

  note(event: LiaisonEvent): void {
    if (event.type !== KEY_ROTATED_EVENT_TYPE || event.origin !== this.selfId) return;
    const previous = event.body.previousKey;
    if (typeof previous !== 'string' || this.#byPreviousKey.has(previous)) return;
    const { id: _id, ...envelope } = event;
    this.#byPreviousKey.set(previous, envelope);
  }

  list(): object[] {
    return [...this.#byPreviousKey.values()];
  }
}

/**
 * The key a paired peer must prove with: its key as held here, followed through the rotation
 * events it sent with its proof, each checked (signed by the key it retires, proved by the new
 * one). A peer that rotated while this node was away can so still link, and its rotation events
 * then arrive in the ordinary way. Undefined for a peer that is not paired.
 */
export function peerProofKey(ledger: Ledger, nodeId: string, rotations: unknown[]): string | undefined {
  const known = ledger.nodeKey(nodeId);
  if (known === undefined) return undefined;
  const valid: KeyRotation[] = [];
  for (const raw of rotations.slice(0, 16)) {
    const parsed = parseEnvelope(raw);
    if (!parsed.ok || parsed.envelope.origin !== nodeId || parsed.envelope.type !== KEY_ROTATED_EVENT_TYPE)
      continue;
    const rotation = parseRotation(parsed.envelope);
    if (typeof rotation === 'string') continue;
    if (verifyEventSignature(parsed.envelope, rotation.previousKey)) valid.push(rotation);
  }
  return followRotations(known, valid);
}

export interface KeyServicesOptions {
  dataDir: string;
  selfId: string;
  ledger: Ledger;
  logger: Logger;
  pairings: Pairings;
  federation: Federation;
  /** Makes the new key the one the node's faces sign with (links, exports, the card). */
  setSigner(signer: Signer): void;
}

/** The services of keyRoutes.ts, and the reaction to a peer's unpairing. */
export function keyServices(options: KeyServicesOptions): KeyServices {
  const { ledger, pairings, federation, selfId, logger } = options;
  const rotator = new KeyRotator({
    dataDir: options.dataDir,
    ledger,
    logger,
    rotated: (signer) => options.setSigner(signer),
  });

  pairings.onChange((peer, isUnpaired, byPeer) => {
    if (!isUnpaired) {
      federation.addPeer(peer);
      return;
    }
    if (!byPeer) return; // this node's own unpairing closes its links itself, after the receipt
    const timer = setTimeout(
      () => federation.removePeer(peer, `${peer} ended the pairing with ${selfId}`),
      CLOSE_AFTER_UNPAIRED_MS,
    );
    timer.unref();
  });

  /** Resolves true when the peer's receipt names (line, this node) at `seq` or later, false after the wait. */
  const receiptOf = (peer: string, line: string, seq: number): Promise<boolean> =>
    new Promise((resolve) => {
      const stop = federation.onReceipt((from, body) => {
        if (from !== peer || (body.heads[line]?.[selfId]?.seq ?? 0) < seq) return;
        done(true);
      });
      const timer = setTimeout(() => done(false), UNPAIR_RECEIPT_WAIT_MS);
      const done = (isDelivered: boolean) => {
        stop();
        clearTimeout(timer);
        resolve(isDelivered);
      };
    });

  return {
    rotateKey: (author) => rotator.rotate(author),
    async unpair(peer, author, reason) {
      const line = hotlineId(selfId, peer);
      const stored = await pairings.unpair(peer, author, reason);
      const isDelivered = await receiptOf(peer, line, stored.event.seq);
      federation.removePeer(peer, `${selfId} ended the pairing with ${peer}`);
      return { peer, line, event: stored.event.id, delivered: isDelivered };
    },
  };
}
