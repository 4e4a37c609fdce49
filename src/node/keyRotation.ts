/**
 * Rotating a running node's signing key (LOG5, FED1), and finishing a rotation a crash cut short.
 *
 * Order, chosen so that every crash leaves a node that starts with the right key:
 *   1. a new key is generated and its seed written durably to `node.key.next`;
 *   2. the ledger appends `key.rotated` on every line this node writes on, in ONE commit,
 *      signed with the old key, and signs everything after with the new one;
 *   3. the node's own row in the store is moved to the new key (ledger, after the commit);
 *   4. `node.key` is kept as `node.key.<n>.retired` and `node.key.next` renamed over it.
 * A crash before 2 is durable leaves `node.key.next` unnamed by any held rotation: it is
 * dropped at the next start and the old key stays. A crash after 2 leaves a staged key that a
 * held rotation names: the next start finishes 3 and 4 (`recoverKeyRotation`).
 */

import { KEY_ROTATED_EVENT_TYPE } from '../core/keyHistory.ts';
import { fingerprint, generateKeyPair, Signer } from '../core/sign.ts';
import { type Ledger, type Logger, RecordError } from '../record/ledger.ts';
import type { Store } from '../store/types.ts';
import { dropNextKey, promoteNextKey, stagedKey, stageNextKey } from './folder.ts';

/** What `rotate` did. */
export interface RotationResult {
  publicKey: string;
  fingerprint: string;
  previousFingerprint: string;
  /** The lines that carry a `key.rotated` event, with its seq and the seq the new key signs from. */
  lines: { line: string; seq: number; fromSeq: number }[];
}

/**
 * At start, before the key is loaded: finishes a rotation whose events are durable, or drops a
 * staged key whose rotation never committed. Returns what it did, for the log.
 */
export async function recoverKeyRotation(
  dataDir: string,
  store: Store,
  selfId: string,
): Promise<'none' | 'finished' | 'dropped'> {
  const staged = stagedKey(dataDir);
  if (staged === null) {
    dropNextKey(dataDir);
    return 'none';
  }
  const rotations = await store.eventsOfTypes([KEY_ROTATED_EVENT_TYPE]);
  const isDurable = rotations.some((s) => s.event.origin === selfId && s.event.body.publicKey === staged);
  if (isDurable) {
    promoteNextKey(dataDir);
    return 'finished';
  }
  dropNextKey(dataDir);
  return 'dropped';
}

/** Rotates the signing key of a running node, one rotation at a time. */
export class KeyRotator {
  #running: Promise<RotationResult> | null = null;

  constructor(
    private readonly options: {
      dataDir: string;
      ledger: Ledger;
      logger: Logger;
      /** Called once the new key is the node's key on disk too. */
      rotated(signer: Signer): void;
    },
  ) {}

  rotate(author: string): Promise<RotationResult> {
    if (this.#running)
      return Promise.reject(new RecordError('rotation-running', 'a key rotation is already running'));
    this.#running = this.#rotate(author).finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #rotate(author: string): Promise<RotationResult> {
    const { dataDir, ledger, logger } = this.options;
    const previousKey = ledger.publicKey;
    const keys = generateKeyPair();
    const signer = new Signer(keys.privateKey);
    stageNextKey(dataDir, keys.privateKey);
    let events: Awaited<ReturnType<Ledger['rotateKey']>>;
    try {
      events = await ledger.rotateKey(signer, author);
    } catch (error) {
      dropNextKey(dataDir);
      throw error;
    }
    promoteNextKey(dataDir);
    this.options.rotated(signer);
    const result: RotationResult = {
      publicKey: signer.publicKey,
      fingerprint: fingerprint(signer.publicKey),
      previousFingerprint: fingerprint(previousKey),
      lines: events.map(({ event }) => ({ line: event.line, seq: event.seq, fromSeq: event.seq + 1 })),
    };
    logger.warn(
      { by: author, fingerprint: result.fingerprint, lines: result.lines.length },
      'signing key rotated',
    );
    return result;
  }
}
