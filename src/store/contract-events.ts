/**
 * Store contract, part two: the event log — commit (atomic, idempotent per id, numbered in
 * arrival order) and every way of reading events back.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sortLog7 } from '../core/order.ts';
import type { LiaisonEvent } from '../core/types.ts';
import {
  at,
  collect,
  nth,
  type StoreHarness,
  testChain,
  testEvent,
  testMessage,
  withStore,
} from './contract-fixtures.ts';
import { StoreConflictError } from './errors.ts';
import type { RareEventType, Store } from './types.ts';

const LINE = 'hotline-alpha-bravo';

/** Commits `events` with no ops; returns their arrivals. */
function commitEvents(store: Store, events: LiaisonEvent[], receivedAt = at(0)): Promise<number[]> {
  return store.commit({ events, receivedAt, ops: [] });
}

/** Ids of stored events, for compact comparisons. */
function ids(stored: readonly { event: LiaisonEvent }[]): string[] {
  return stored.map((item) => item.event.id);
}

/**
 * Events of two origins on one line whose arrival order differs from LOG7 order, with clock
 * ties between origins: alpha 1..4 at clocks 1,2,3,4; bravo 1..3 at clocks 2,3,5 (arriving last).
 */
function interleaved(): { alpha: LiaisonEvent[]; bravo: LiaisonEvent[]; log7: LiaisonEvent[] } {
  const alpha = testChain(1, 4, { origin: 'alpha' });
  const bravoClocks = [2, 3, 5];
  const bravo = testChain(1, 3, { origin: 'bravo', clockOf: (seq) => nth(bravoClocks, seq - 1) });
  return { alpha, bravo, log7: sortLog7([...alpha, ...bravo]) };
}

/** A small seeded PRNG (mulberry32), so a failing shuffle can be replayed. */
function seededRandom(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}

/**
 * Three origins' chains with clocks rising by 1 or 2 (so origins often tie), delivered as an
 * arbitrary interleaving that keeps each chain in seq order, in batches of 1 to 7.
 */
function shuffledDelivery(seed: number): { batches: LiaisonEvent[][]; events: LiaisonEvent[] } {
  const random = seededRandom(seed);
  const chains = ['alpha', 'bravo', 'charlie'].map((origin) => {
    let clock = 0;
    return testChain(1, 12 + random(10), {
      origin,
      clockOf: () => {
        clock += 1 + random(2);
        return clock;
      },
    });
  });
  const events = chains.flat();
  const order: LiaisonEvent[] = [];
  while (chains.some((chain) => chain.length > 0)) {
    const open = chains.filter((chain) => chain.length > 0);
    const next = nth(open, random(open.length)).shift();
    if (next) order.push(next);
  }
  const batches: LiaisonEvent[][] = [];
  while (order.length > 0) batches.push(order.splice(0, 1 + random(7)));
  return { batches, events };
}

/** Registers the tests of commit and event reads. */
export function eventsContract(harness: StoreHarness): void {
  describe('commit', () => {
    it('[LOG7] numbers events in arrival order, strictly increasing across commits', () =>
      withStore(harness, async (store) => {
        assert.equal(await store.lastArrival(), 0);
        const first = await commitEvents(store, testChain(1, 3));
        const second = await commitEvents(store, testChain(1, 2, { origin: 'bravo' }));
        const arrivals = [...first, ...second];
        assert.equal(arrivals.length, 5);
        for (let index = 1; index < arrivals.length; index += 1) {
          assert.ok(nth(arrivals, index) > nth(arrivals, index - 1), `arrivals ${arrivals.join(',')}`);
        }
        assert.ok(nth(arrivals, 0) >= 1);
        assert.equal(await store.lastArrival(), nth(arrivals, 4));
      }));

    it('[LOG1] returns each event as committed, with its arrival number and time', () =>
      withStore(harness, async (store) => {
        const event = testEvent({
          seq: 1,
          body: { text: 'Ünïcödé 中文 日本語', nested: { list: [1, null, true] } },
        });
        const [arrival] = await commitEvents(store, [event], at(5));
        const expected = { event, arrival, receivedAt: at(5) };
        assert.deepEqual(await store.getEvent(event.id), expected);
        assert.deepEqual(await store.getEventBySeq(event.line, event.origin, event.seq), expected);
        assert.equal(await store.getEvent('no-such-id'), null);
        assert.equal(await store.getEventBySeq(event.line, event.origin, 2), null);
        assert.equal(await store.getEventBySeq(event.line, 'bravo', 1), null);
      }));

    it('[FED4] skips an event already held, giving it arrival 0, and stores the rest', () =>
      withStore(harness, async (store) => {
        const events = testChain(1, 4);
        await commitEvents(store, events.slice(0, 2), at(1));
        const arrivals = await commitEvents(store, events, at(2));
        assert.equal(arrivals[0], 0);
        assert.equal(arrivals[1], 0);
        assert.ok(nth(arrivals, 2) > 0 && nth(arrivals, 3) > nth(arrivals, 2));
        assert.equal(await store.countEvents(), 4);
        // The held copy keeps its first arrival time.
        assert.equal((await store.getEvent(nth(events, 0).id))?.receivedAt, at(1));
        assert.deepEqual(await commitEvents(store, events, at(3)), [0, 0, 0, 0]);
      }));

    it('[FED4] an event repeated within one batch is stored once, the repeat gets arrival 0', () =>
      withStore(harness, async (store) => {
        const [one, two] = testChain(1, 2);
        assert.ok(one && two);
        const arrivals = await commitEvents(store, [one, one, two]);
        assert.ok(nth(arrivals, 0) > 0);
        assert.equal(arrivals[1], 0);
        assert.ok(nth(arrivals, 2) > nth(arrivals, 0));
        assert.equal(await store.countEvents(), 2);
      }));

    it('[LOG9] a batch with a held (line, origin, seq) under another id writes nothing', () =>
      withStore(harness, async (store) => {
        const held = testChain(1, 2);
        const message = testMessage(nth(held, 1));
        await store.commit({
          events: held,
          receivedAt: at(0),
          ops: [{ op: 'message.insert', row: message }],
        });
        const before = await store.lastArrival();

        const fresh = testChain(1, 3, { origin: 'bravo' });
        const equivocation = testEvent({ seq: 2, body: { text: 'a different second event' } });
        const batch = {
          events: [...fresh, equivocation],
          receivedAt: at(1),
          ops: [
            { op: 'message.insert' as const, row: testMessage(nth(fresh, 0)) },
            {
              op: 'message.update' as const,
              id: message.id,
              patch: { ackedAt: at(1), ackedBy: 'officer@bravo' },
            },
            {
              op: 'delivery.add' as const,
              row: { line: LINE, origin: 'alpha', node: 'bravo', uptoSeq: 2, at: at(1) },
            },
          ],
        };
        await assert.rejects(store.commit(batch), (error: unknown) => {
          assert.ok(error instanceof StoreConflictError);
          assert.equal(error.name, 'StoreConflictError');
          assert.deepEqual(
            [error.line, error.origin, error.seq, error.heldId, error.refusedId],
            [LINE, 'alpha', 2, nth(held, 1).id, equivocation.id],
          );
          return true;
        });
        assert.equal(await store.countEvents(), 2);
        assert.equal(await store.lastArrival(), before);
        assert.equal(await store.getEvent(nth(fresh, 0).id), null);
        assert.equal(await store.getMessage(nth(fresh, 0).id), null);
        assert.deepEqual(await store.getMessage(message.id), message);
        assert.deepEqual(await store.deliveriesFor(LINE, 'alpha', 1), {});
        // The store still works, and numbers on from where it was.
        const [next] = await commitEvents(store, fresh);
        assert.ok((next ?? 0) > before);
      }));

    it('[LOG9] two events for one (line, origin, seq) within a batch are refused together', () =>
      withStore(harness, async (store) => {
        const first = testEvent({ seq: 1 });
        const other = testEvent({ seq: 1, body: { text: 'other' } });
        await assert.rejects(commitEvents(store, [first, other]), StoreConflictError);
        assert.equal(await store.countEvents(), 0);
      }));

    it('accepts an empty batch and a batch of ops only', () =>
      withStore(harness, async (store) => {
        assert.deepEqual(await store.commit({ events: [], receivedAt: at(0), ops: [] }), []);
        const delivery = { line: LINE, origin: 'alpha', node: 'bravo', uptoSeq: 1, at: at(1) };
        assert.deepEqual(
          await store.commit({ events: [], receivedAt: at(0), ops: [{ op: 'delivery.add', row: delivery }] }),
          [],
        );
        assert.deepEqual(await store.deliveriesFor(LINE, 'alpha', 1), { bravo: at(1) });
      }));

    it('[LOG7] commits made concurrently all land, with distinct increasing arrivals', () =>
      withStore(harness, async (store) => {
        const batches = Array.from({ length: 8 }, (_, index) => testChain(1, 5, { origin: `node-${index}` }));
        const results = await Promise.all(batches.map((events) => commitEvents(store, events)));
        const all = results.flat();
        assert.equal(new Set(all).size, 40);
        for (const arrivals of results) {
          for (let index = 1; index < arrivals.length; index += 1) {
            assert.ok(nth(arrivals, index) > nth(arrivals, index - 1));
          }
        }
        assert.equal(await store.countEvents(), 40);
      }));

    it('commits a batch larger than one statement may carry, in order', () =>
      withStore(harness, async (store) => {
        const events = testChain(1, 6000, { type: 'drill.sent', body: { n: 1 } });
        const arrivals = await commitEvents(store, events);
        assert.deepEqual(
          arrivals,
          events.map((_, index) => nth(arrivals, 0) + index),
        );
        const again = await commitEvents(store, [...events.slice(5990), ...testChain(6001, 6002)]);
        assert.deepEqual(again.slice(0, 10), Array(10).fill(0));
        assert.equal(await store.countEvents(), 6002);
        assert.equal((await store.hasEvents(events.map((event) => event.id))).size, 6000);
      }));
  });

  describe('reading events', () => {
    it('[FED4] hasEvents tells which ids are held', () =>
      withStore(harness, async (store) => {
        const events = testChain(1, 3);
        await commitEvents(store, events.slice(0, 2));
        assert.deepEqual(await store.hasEvents([]), new Set());
        assert.deepEqual(
          await store.hasEvents(events.map((event) => event.id)),
          new Set([nth(events, 0).id, nth(events, 1).id]),
        );
      }));

    it('[FED5] heads gives the latest event of every (line, origin), or of one line', () =>
      withStore(harness, async (store) => {
        assert.deepEqual(await store.heads(), {});
        const { alpha, bravo } = interleaved();
        const thread = testChain(1, 2, { line: 'thread-1', origin: 'bravo', clockOf: (seq) => seq + 10 });
        await commitEvents(store, [...alpha, ...thread]);
        await commitEvents(store, bravo);
        const head = (event: LiaisonEvent) => ({ seq: event.seq, id: event.id, clock: event.clock });
        const lineHeads = { alpha: head(nth(alpha, 3)), bravo: head(nth(bravo, 2)) };
        assert.deepEqual(await store.heads(), {
          [LINE]: lineHeads,
          'thread-1': { bravo: head(nth(thread, 1)) },
        });
        assert.deepEqual(await store.heads(LINE), { [LINE]: lineHeads });
        assert.deepEqual(await store.heads('no-such-line'), {});
      }));

    it('[LOG7] latestEvents gives the last N in (clock, origin, seq) order, not arrival order', () =>
      withStore(harness, async (store) => {
        const { alpha, bravo, log7 } = interleaved();
        await commitEvents(store, alpha);
        await commitEvents(store, bravo);
        await commitEvents(store, testChain(1, 3, { line: 'thread-1' }));
        const expected = log7.map((event) => event.id);
        assert.deepEqual(ids(await store.latestEvents(LINE, 100)), expected);
        assert.deepEqual(ids(await store.latestEvents(LINE, 3)), expected.slice(-3));
        assert.deepEqual(await store.latestEvents(LINE, 0), []);
        assert.deepEqual(await store.latestEvents('no-such-line', 10), []);
      }));

    it('[LOG5] eventsOfTypes gives every event of the types asked, in arrival order', () =>
      withStore(harness, async (store) => {
        const rotated = testEvent({ seq: 2, type: 'key.rotated', body: { n: 1 } });
        const unpaired = testEvent({ seq: 1, line: 'thread-1', origin: 'bravo', type: 'peer.unpaired' });
        await commitEvents(store, [testEvent({ seq: 1 }), rotated]);
        await commitEvents(store, [unpaired, testEvent({ seq: 3 })]);
        assert.deepEqual(ids(await store.eventsOfTypes(['key.rotated', 'peer.unpaired'])), [
          rotated.id,
          unpaired.id,
        ]);
        assert.deepEqual(ids(await store.eventsOfTypes(['peer.paired'])), []);
        assert.deepEqual(await store.eventsOfTypes([]), []);
      }));

    it('[HOT5][HOT6] eventsOfTypes covers desk changes and translations, and refuses a common type', () =>
      withStore(harness, async (store) => {
        const taken = testEvent({ seq: 1, type: 'duty.taken' });
        const translated = testEvent({ seq: 2, type: 'message.translated' });
        await commitEvents(store, [taken, translated, testEvent({ seq: 3 })]);
        assert.deepEqual(ids(await store.eventsOfTypes(['message.translated', 'duty.taken'])), [
          taken.id,
          translated.id,
        ]);
        // A type outside the index would scan the whole record: refused, not slow.
        await assert.rejects(
          store.eventsOfTypes(['message.posted' as RareEventType]),
          (error: Error) => error instanceof RangeError && /message\.posted/.test(error.message),
        );
      }));

    it('[LOG7] eventsSince pages through arrivals after a cursor, for all lines or some', () =>
      withStore(harness, async (store) => {
        const hotline = testChain(1, 5);
        const thread = testChain(1, 3, { line: 'thread-1', origin: 'bravo' });
        await commitEvents(store, [nth(hotline, 0), nth(thread, 0), nth(hotline, 1)]);
        await commitEvents(store, [...thread.slice(1), ...hotline.slice(2)]);
        const inArrivalOrder = [
          nth(hotline, 0),
          nth(thread, 0),
          nth(hotline, 1),
          ...thread.slice(1),
          ...hotline.slice(2),
        ];

        const pages: string[][] = [];
        let cursor = 0;
        for (;;) {
          const page = await store.eventsSince(cursor, 3, null);
          if (page.length === 0) break;
          pages.push(ids(page));
          cursor = page.at(-1)?.arrival ?? cursor;
        }
        assert.deepEqual(
          pages.flat(),
          inArrivalOrder.map((event) => event.id),
        );
        assert.deepEqual(
          pages.map((page) => page.length),
          [3, 3, 2],
        );
        assert.equal(cursor, await store.lastArrival());

        const all = await store.eventsSince(0, 100, null);
        const threadOnly = await store.eventsSince(nth(all, 0).arrival, 100, ['thread-1']);
        assert.deepEqual(
          ids(threadOnly),
          thread.map((event) => event.id),
        );
        assert.deepEqual(ids(await store.eventsSince(0, 100, [LINE, 'thread-1'])), ids(all));
        assert.deepEqual(await store.eventsSince(0, 100, []), []);
        assert.deepEqual(await store.eventsSince(await store.lastArrival(), 100, null), []);
      }));

    it('[LOG12] eventsInOrder walks a whole line in LOG7 order across page boundaries and clock ties', () =>
      withStore(harness, async (store) => {
        // Three origins with many equal clocks, committed in an order unlike LOG7.
        const clocks = [1, 1, 2, 2, 2, 4, 5, 5, 7];
        const origins = ['charlie', 'alpha', 'bravo'];
        const events = origins.flatMap((origin, index) =>
          testChain(1, 9, { origin, clockOf: (seq) => nth(clocks, seq - 1) + (index === 2 ? 1 : 0) }),
        );
        await commitEvents(store, events.slice(10));
        await commitEvents(store, events.slice(0, 10));
        await commitEvents(store, testChain(1, 4, { line: 'thread-1' }));
        const expected = sortLog7(events).map((event) => event.id);
        for (const pageSize of [1, 2, 3, 4, 9, 26, 27, 28, 1000]) {
          const walked = await collect(store.eventsInOrder(LINE, pageSize));
          assert.deepEqual(ids(walked), expected, `page size ${pageSize}`);
        }
        assert.deepEqual(ids(await collect(store.eventsInOrder(LINE))), expected);
        assert.deepEqual(await collect(store.eventsInOrder('no-such-line', 2)), []);
      }));

    for (const seed of [1, 2, 3, 4, 5]) {
      it(`[LOG7] latestEvents and eventsInOrder match LOG7 order for any arrival order (seed ${seed})`, () =>
        withStore(harness, async (store) => {
          const { batches, events } = shuffledDelivery(seed);
          for (const batch of batches) await commitEvents(store, batch);
          const expected = sortLog7(events).map((event) => event.id);
          for (const limit of [1, 5, 17, expected.length, expected.length + 1]) {
            assert.deepEqual(
              ids(await store.latestEvents(LINE, limit)),
              expected.slice(-limit),
              `limit ${limit}`,
            );
          }
          for (const pageSize of [1, 4, 10, expected.length]) {
            const walked = await collect(store.eventsInOrder(LINE, pageSize));
            assert.deepEqual(ids(walked), expected, `page size ${pageSize}`);
          }
          const arrivals = (await store.eventsSince(0, 1000, [LINE])).map((stored) => stored.event.id);
          assert.deepEqual(
            arrivals,
            batches.flat().map((event) => event.id),
          );
        }));
    }

    it('[FED5] eventsBySeqRange gives a (line, origin) range in seq order', () =>
      withStore(harness, async (store) => {
        const alpha = testChain(1, 6);
        await commitEvents(store, [...alpha.slice(3), ...testChain(1, 6, { origin: 'bravo' })]);
        await commitEvents(store, alpha.slice(0, 3));
        assert.deepEqual(
          ids(await store.eventsBySeqRange(LINE, 'alpha', 2, 5)),
          alpha.slice(1, 5).map((event) => event.id),
        );
        assert.deepEqual(ids(await store.eventsBySeqRange(LINE, 'alpha', 6, 100)), [nth(alpha, 5).id]);
        assert.deepEqual(await store.eventsBySeqRange(LINE, 'alpha', 7, 9), []);
        assert.deepEqual(await store.eventsBySeqRange(LINE, 'charlie', 1, 9), []);
      }));

    it('counts events, in all or one line', () =>
      withStore(harness, async (store) => {
        assert.equal(await store.countEvents(), 0);
        await commitEvents(store, [...testChain(1, 4), ...testChain(1, 2, { line: 'thread-1' })]);
        assert.equal(await store.countEvents(), 6);
        assert.equal(await store.countEvents(LINE), 4);
        assert.equal(await store.countEvents('thread-1'), 2);
        assert.equal(await store.countEvents('no-such-line'), 0);
      }));
  });
}
