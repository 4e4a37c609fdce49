/**
 * Test fixture for the unit tests that run the Ledger on real in-memory SQLite stores with real
 * Ed25519 keys: nodes, the pair alpha and bravo sharing the hotline whose genesis alpha writes,
 * and the few moves those tests make on it (post, sync, read back). Only time is faked (a
 * ManualClock). Imported by tests only; it registers no tests and no hooks: a test file that
 * opens stores here closes them with `afterEach(closeStores)`.
 */
import assert from 'node:assert/strict';
import { isoTime, ManualClock } from '../core/clock.ts';
import { generateKeyPair, type KeyPair, Signer } from '../core/sign.ts';
import type { LiaisonEvent, Precedence } from '../core/types.ts';
import { silentLogger } from '../node/init.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store, StoredEvent } from '../store/types.ts';
import { Ledger } from './ledger.ts';

/** The instant every test clock starts at: 2025-03-01 08:00:00 UTC. */
export const T0 = Date.UTC(2025, 2, 1, 8, 0, 0);
/** The hotline of the pair. */
export const LINE = 'hotline-alpha-bravo';
/** The hotline's title. */
export const TITLE = 'Alpha ⇄ Bravo';
/** The hotline's members, sorted. */
export const MEMBERS = ['alpha', 'bravo'];

/** The two nodes of a pair. */
export type PairId = 'alpha' | 'bravo';

/** A node under test: its keys, and an opened Ledger on its own store. */
export interface LedgerNode {
  id: string;
  keys: KeyPair;
  signer: Signer;
  /** What the ledger writes to: the in-memory store, or what `wrapStore` made of it. */
  store: Store;
  ledger: Ledger;
}

/** alpha and bravo, on one clock, after alpha wrote the hotline's genesis. */
export interface LedgerPair {
  clock: ManualClock;
  alpha: LedgerNode;
  bravo: LedgerNode;
  /** The `line.created` event alpha appended; bravo does not hold it yet. */
  genesis: StoredEvent;
}

/** How `makeLedgerPair` varies its setup. */
export interface LedgerPairOptions {
  /** Puts both nodes in each store as `NodeRecord`s (`isSelf` on its own), as pairing would. */
  withNodes?: boolean;
  /** Replaces a node's store by a wrapper around the real one (to fake the disk edge). */
  wrapStore?: Partial<Record<PairId, (real: Store) => Store>>;
}

const openStores: Store[] = [];

/** The names of the node records `withNodes` puts in. */
const NAMES: Record<PairId, string> = { alpha: 'Alpha ministry', bravo: 'Bravo ministry' };

/** Opens an in-memory SQLite store on `clock`, to be closed by `closeStores`. */
export async function openTestStore(clock: ManualClock): Promise<Store> {
  const store = await openSqliteStore(':memory:', { clock });
  openStores.push(store);
  return store;
}

/** Closes every store opened here since the last call: pass it to `afterEach`. */
export async function closeStores(): Promise<void> {
  for (const store of openStores.splice(0)) await store.close();
}

/**
 * A node `id` with `keys` (fresh ones by default) and an opened Ledger on a new store; it knows
 * no line and no key but what its store holds.
 */
export async function openLedgerNode(
  id: string,
  clock: ManualClock,
  options: { keys?: KeyPair; wrapStore?: (real: Store) => Store } = {},
): Promise<LedgerNode> {
  const keys = options.keys ?? generateKeyPair();
  const real = await openTestStore(clock);
  const store = options.wrapStore?.(real) ?? real;
  const signer = new Signer(keys.privateKey);
  const ledger = new Ledger({ store, signer, selfId: id, clock, logger: silentLogger });
  await ledger.open();
  return { id, keys, signer, store, ledger };
}

/**
 * Two nodes, alpha and bravo, on a ManualClock at T0: each knows both keys and the hotline
 * LINE, and alpha has written its genesis.
 */
export async function makeLedgerPair(options: LedgerPairOptions = {}): Promise<LedgerPair> {
  const clock = new ManualClock(T0);
  const keys: Record<PairId, KeyPair> = { alpha: generateKeyPair(), bravo: generateKeyPair() };
  const make = async (id: PairId): Promise<LedgerNode> => {
    const node = await openLedgerNode(id, clock, { keys: keys[id], wrapStore: options.wrapStore?.[id] });
    for (const other of ['alpha', 'bravo'] as const) {
      if (options.withNodes) {
        await node.store.putNode({
          nodeId: other,
          name: NAMES[other],
          url: `http://${other}.test`,
          federationUrl: `ws://${other}.test`,
          publicKey: keys[other].publicKey,
          isSelf: other === id,
          addedAt: isoTime(T0),
          tlsFingerprint: null,
        });
      }
      node.ledger.setNodeKey(other, keys[other].publicKey);
    }
    await node.ledger.addLine({
      id: LINE,
      kind: 'hotline',
      title: TITLE,
      members: MEMBERS,
      createdAt: isoTime(T0),
    });
    return node;
  };
  const alpha = await make('alpha');
  const bravo = await make('bravo');
  const genesis = await alpha.ledger.append(LINE, 'alpha', 'line.created', {
    kind: 'hotline',
    title: TITLE,
    members: MEMBERS,
  });
  return { clock, alpha, bravo, genesis };
}

/**
 * `officer@<node>` posts `text` on LINE; by default a ROUTINE message whose deadline is six
 * hours after T0.
 */
export function post(
  node: LedgerNode,
  text: string,
  {
    precedence = 'ROUTINE',
    deadline = isoTime(T0 + 6 * 3_600_000),
  }: { precedence?: Precedence; deadline?: string } = {},
): Promise<StoredEvent> {
  return node.ledger.append(LINE, `officer@${node.id}`, 'message.posted', { text, precedence, deadline });
}

/** What travels: the events of LINE that `node` holds, after arrival `cursor`, in arrival order. */
export async function eventsOf(node: LedgerNode, cursor = 0): Promise<LiaisonEvent[]> {
  return (await node.store.eventsSince(cursor, 10_000, [LINE])).map((stored) => stored.event);
}

/**
 * Sends `to` the events of LINE, of every member's origin, that `from` holds and `to` lacks;
 * asserts that none is refused and returns when they arrived.
 */
export async function sync(from: LedgerNode, to: LedgerNode): Promise<string> {
  const events: LiaisonEvent[] = [];
  for (const origin of MEMBERS) {
    const held = to.ledger.heldSeq(LINE, origin);
    const latest = from.ledger.heldSeq(LINE, origin);
    if (latest > held) {
      for (const stored of await from.store.eventsBySeqRange(LINE, origin, held + 1, latest))
        events.push(stored.event);
    }
  }
  const result = await to.ledger.receive(events, from.id);
  assert.deepEqual(result.rejected, []);
  return result.receivedAt;
}
