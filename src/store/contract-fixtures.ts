/**
 * Test data for the store contract: plain LiaisonEvent objects with ids and signatures of the
 * right shape (the store neither signs nor verifies), and the harness every part shares.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { JsonObject, LiaisonEvent } from '../core/types.ts';
import type { MessageRow, Store } from './types.ts';

/** How the contract gets stores of the implementation under test. */
export interface StoreHarness {
  /** A new, empty, migrated store. */
  makeStore: () => Promise<Store>;
  /** Opens again the data of a store the contract has closed; tests of durability need it. */
  reopenStore?: (closed: Store) => Promise<Store>;
}

/** Runs `test` on a fresh store and closes the store afterwards, whatever happens. */
export async function withStore(harness: StoreHarness, test: (store: Store) => Promise<void>): Promise<void> {
  const store = await harness.makeStore();
  try {
    await test(store);
  } finally {
    await store.close();
  }
}

/** What a test says about an event; the rest gets plausible defaults. */
export interface EventSpec {
  line?: string;
  origin?: string;
  seq: number;
  /** Defaults to `seq`. */
  clock?: number;
  type?: string;
  body?: JsonObject;
  prev?: string | null;
}

/** A base64url SHA-256, the shape of an event id (LOG2). */
function hashId(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** An event as the store receives it. Two specs that differ get different ids. */
export function testEvent(spec: EventSpec): LiaisonEvent {
  const line = spec.line ?? 'hotline-alpha-bravo';
  const origin = spec.origin ?? 'alpha';
  const unsigned = {
    v: 1 as const,
    line,
    origin,
    seq: spec.seq,
    prev: spec.prev ?? null,
    clock: spec.clock ?? spec.seq,
    deps: {},
    ts: new Date(Date.UTC(2025, 0, 1) + spec.seq * 1000).toISOString(),
    author: `officer@${origin}`,
    type: spec.type ?? 'message.posted',
    body: spec.body ?? { text: `message ${spec.seq} from ${origin}`, precedence: 'ROUTINE' },
  };
  const id = hashId(JSON.stringify(unsigned));
  // 64 bytes of base64url, the length of an Ed25519 signature.
  const sig = `${id}${id}`.slice(0, 86);
  return { ...unsigned, sig, id };
}

/** The events of one (line, origin) with seqs `from`..`to`, clock = seq unless `clockOf` says. */
export function testChain(
  from: number,
  to: number,
  spec: Omit<EventSpec, 'seq' | 'clock'> & { clockOf?: (seq: number) => number } = {},
): LiaisonEvent[] {
  const { clockOf, ...rest } = spec;
  const events: LiaisonEvent[] = [];
  for (let seq = from; seq <= to; seq += 1) {
    events.push(testEvent({ ...rest, seq, clock: clockOf ? clockOf(seq) : seq }));
  }
  return events;
}

/** The message row a `message.posted` event projects to (HOT3). */
export function testMessage(event: LiaisonEvent, overrides: Partial<MessageRow> = {}): MessageRow {
  return {
    id: event.id,
    line: event.line,
    origin: event.origin,
    seq: event.seq,
    author: event.author,
    precedence: 'ROUTINE',
    postedAt: event.ts,
    deadline: '2025-01-01T06:00:00.000Z',
    seenAt: null,
    seenBy: null,
    ackedAt: null,
    ackedBy: null,
    overdueAt: null,
    ...overrides,
  };
}

/** A time `seconds` after a fixed instant, as RFC 3339 with milliseconds. */
export function at(seconds: number): string {
  return new Date(Date.UTC(2025, 0, 1) + seconds * 1000).toISOString();
}

/** The item at `index`, failing the test when there is none. */
export function nth<T>(items: readonly T[], index: number): T {
  const item = items[index];
  assert.ok(item !== undefined, `no item at ${index} of ${items.length}`);
  return item;
}

/** Reads an async iterable to the end. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}
