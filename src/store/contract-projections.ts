/**
 * Store contract, part three: the projections committed with the events — messages (HOT3) and
 * deliveries (FED3) — and clearing them for a rebuild (LOG1).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, nth, type StoreHarness, testChain, testMessage, withStore } from './contract-fixtures.ts';
import type { DeliveryRow, ProjectionOp } from './types.ts';

const LINE = 'hotline-alpha-bravo';

function delivery(node: string, uptoSeq: number, seconds: number, origin = 'alpha'): ProjectionOp {
  const row: DeliveryRow = { line: LINE, origin, node, uptoSeq, at: at(seconds) };
  return { op: 'delivery.add', row };
}

/** Registers the tests of projection ops and their reads. */
export function projectionsContract(harness: StoreHarness): void {
  describe('messages', () => {
    it('[HOT3] message.insert stores a row once; a second insert of it changes nothing', () =>
      withStore(harness, async (store) => {
        const events = testChain(1, 2);
        const first = testMessage(nth(events, 0), { precedence: 'FLASH' });
        await store.commit({ events, receivedAt: at(0), ops: [{ op: 'message.insert', row: first }] });
        assert.deepEqual(await store.getMessage(first.id), first);
        assert.equal(await store.getMessage(nth(events, 1).id), null);
        const changed = { ...first, precedence: 'ROUTINE' as const, seenAt: at(9) };
        await store.commit({ events: [], receivedAt: at(1), ops: [{ op: 'message.insert', row: changed }] });
        assert.deepEqual(await store.getMessage(first.id), first);
      }));

    it('[HOT3] message.mark keeps the earliest mark whatever the order it arrives in', () =>
      withStore(harness, async (store) => {
        const events = testChain(1, 1);
        const message = testMessage(nth(events, 0));
        const mark = (
          kind: 'seen' | 'acked',
          seconds: number,
          by: string,
          line = message.line,
        ): ProjectionOp => ({
          op: 'message.mark',
          id: message.id,
          line,
          mark: kind,
          at: at(seconds),
          by,
        });
        await store.commit({ events, receivedAt: at(0), ops: [{ op: 'message.insert', row: message }] });
        await store.commit({
          events: [],
          receivedAt: at(1),
          ops: [mark('acked', 7, 'officer@bravo'), mark('seen', 5, 'b@bravo')],
        });
        await store.commit({
          events: [],
          receivedAt: at(2),
          ops: [
            mark('acked', 6, 'officer@charlie'),
            mark('seen', 5, 'a@bravo'),
            mark('acked', 3, 'x@bravo', 'other-line'),
          ],
        });
        await store.commit({ events: [], receivedAt: at(3), ops: [mark('acked', 9, 'late@bravo')] });
        const row = await store.getMessage(message.id);
        assert.equal(row?.ackedAt, at(6));
        assert.equal(row?.ackedBy, 'officer@charlie');
        assert.equal(row?.seenAt, at(5));
        assert.equal(row?.seenBy, 'a@bravo', 'a tie on time goes to the smaller author');
      }));

    it('[HOT3] message.update sets only the fields given, in op order', () =>
      withStore(harness, async (store) => {
        const events = testChain(1, 1);
        const message = testMessage(nth(events, 0));
        await store.commit({
          events,
          receivedAt: at(0),
          ops: [
            { op: 'message.insert', row: message },
            { op: 'message.update', id: message.id, patch: { seenAt: at(1), seenBy: 'officer@bravo' } },
          ],
        });
        assert.deepEqual(await store.getMessage(message.id), {
          ...message,
          seenAt: at(1),
          seenBy: 'officer@bravo',
        });
        await store.commit({
          events: [],
          receivedAt: at(2),
          ops: [
            { op: 'message.update', id: message.id, patch: { overdueAt: at(2) } },
            { op: 'message.update', id: message.id, patch: { ackedAt: at(3), ackedBy: 'supervisor@bravo' } },
            { op: 'message.update', id: message.id, patch: {} },
            { op: 'message.update', id: 'no-such-message', patch: { seenAt: at(4) } },
          ],
        });
        assert.deepEqual(await store.getMessage(message.id), {
          ...message,
          seenAt: at(1),
          seenBy: 'officer@bravo',
          overdueAt: at(2),
          ackedAt: at(3),
          ackedBy: 'supervisor@bravo',
        });
        await store.commit({
          events: [],
          receivedAt: at(5),
          ops: [{ op: 'message.update', id: message.id, patch: { overdueAt: null } }],
        });
        assert.equal((await store.getMessage(message.id))?.overdueAt, null);
        assert.equal((await store.getMessage(message.id))?.ackedBy, 'supervisor@bravo');
      }));

    it('[HOT3] messagesBySeqRange and latestMessages read message rows back', () =>
      withStore(harness, async (store) => {
        const alpha = testChain(1, 5);
        // bravo's messages tie alpha's clocks, so LOG7 interleaves them by origin.
        const bravo = testChain(1, 2, { origin: 'bravo', clockOf: (seq) => seq + 1 });
        const notMessage = testChain(6, 6, { type: 'drill.sent' });
        const messages = [...alpha, ...bravo].map((event) => testMessage(event));
        await store.commit({
          events: [...bravo, ...alpha, ...notMessage],
          receivedAt: at(0),
          ops: messages.map((row) => ({ op: 'message.insert' as const, row })),
        });
        assert.deepEqual(await store.messagesBySeqRange(LINE, 'alpha', 2, 4), messages.slice(1, 4));
        assert.deepEqual(await store.messagesBySeqRange(LINE, 'alpha', 6, 9), []);
        assert.deepEqual(await store.messagesBySeqRange(LINE, 'bravo', 1, 9), messages.slice(5));
        // LOG7: alpha1 (1), alpha2 (2), bravo1 (2), alpha3 (3), bravo2 (3), alpha4 (4), alpha5 (5).
        const log7 = [0, 1, 5, 2, 6, 3, 4].map((index) => nth(messages, index));
        assert.deepEqual(await store.latestMessages(LINE, 100), log7);
        assert.deepEqual(await store.latestMessages(LINE, 3), log7.slice(-3));
        assert.deepEqual(await store.latestMessages('thread-1', 3), []);
      }));
  });

  describe('equivocations', () => {
    it('[LOG9] keeps each proof once, lists the unresolved ones, and resolving keeps the proof', () =>
      withStore(harness, async (store) => {
        const [held, other] = testChain(1, 2);
        assert.ok(held && other);
        const conflicting = { ...other, seq: held.seq };
        const proof = {
          line: LINE,
          origin: 'alpha',
          seq: held.seq,
          heldId: held.id,
          conflicting,
          peer: 'bravo',
          detectedAt: at(1),
        };
        const id = await store.addEquivocation(proof);
        assert.equal(await store.addEquivocation(proof), id, 'the same conflicting event is kept once');
        const [listed] = await store.listEquivocations();
        assert.deepEqual(listed, { id, ...proof, resolvedAt: null, resolvedBy: null, resolution: null });
        assert.equal(await store.resolveEquivocation(id + 100, 'admin@alpha', 'no such', at(2)), false);
        assert.equal(await store.resolveEquivocation(id, 'admin@alpha', 'confirmed by phone', at(2)), true);
        assert.equal(await store.resolveEquivocation(id, 'admin@alpha', 'again', at(3)), false, 'only once');
        assert.deepEqual(await store.listEquivocations(), []);
        const [resolved] = await store.listEquivocations(true);
        assert.equal(resolved?.resolution, 'confirmed by phone');
        assert.equal(resolved?.resolvedAt, at(2));
        assert.equal(resolved?.conflicting.id, conflicting.id);
      }));
  });

  describe('deliveries', () => {
    it('[FED3] deliveriesFor gives each node its earliest time over receipts covering the seq', () =>
      withStore(harness, async (store) => {
        assert.deepEqual(await store.deliveriesFor(LINE, 'alpha', 1), {});
        await store.commit({
          events: [],
          receivedAt: at(0),
          ops: [
            delivery('bravo', 2, 20),
            delivery('bravo', 5, 50),
            delivery('bravo', 5, 45),
            delivery('charlie', 3, 30),
            delivery('charlie', 9, 25),
            delivery('bravo', 9, 10, 'bravo'),
          ],
        });
        await store.commit({
          events: [],
          receivedAt: at(1),
          ops: [delivery('bravo', 5, 60), delivery('bravo', 3, 40)],
        });
        assert.deepEqual(await store.deliveriesFor(LINE, 'alpha', 1), { bravo: at(20), charlie: at(25) });
        assert.deepEqual(await store.deliveriesFor(LINE, 'alpha', 3), { bravo: at(40), charlie: at(25) });
        assert.deepEqual(await store.deliveriesFor(LINE, 'alpha', 4), { bravo: at(45), charlie: at(25) });
        assert.deepEqual(await store.deliveriesFor(LINE, 'alpha', 6), { charlie: at(25) });
        assert.deepEqual(await store.deliveriesFor(LINE, 'alpha', 10), {});
        assert.deepEqual(await store.deliveriesFor(LINE, 'bravo', 9), { bravo: at(10) });
        assert.deepEqual(await store.deliveriesFor('thread-1', 'alpha', 1), {});
      }));
  });

  describe('rebuild', () => {
    it('[LOG1] clearProjections drops messages and deliveries, keeps events, and replay restores them', () =>
      withStore(harness, async (store) => {
        const events = testChain(1, 3);
        const messages = events.map((event) => testMessage(event));
        const ops: ProjectionOp[] = [
          ...messages.map((row) => ({ op: 'message.insert' as const, row })),
          {
            op: 'message.update',
            id: nth(messages, 0).id,
            patch: { ackedAt: at(5), ackedBy: 'officer@bravo' },
          },
          delivery('bravo', 3, 4),
        ];
        await store.commit({ events, receivedAt: at(0), ops });
        await store.clearProjections();
        assert.equal(await store.getMessage(nth(messages, 0).id), null);
        assert.deepEqual(await store.messagesBySeqRange(LINE, 'alpha', 1, 3), []);
        assert.deepEqual(await store.deliveriesFor(LINE, 'alpha', 1), {});
        assert.equal(await store.countEvents(), 3);
        assert.equal((await store.heads(LINE))[LINE]?.alpha?.seq, 3);

        await store.commit({ events: [], receivedAt: at(6), ops });
        assert.deepEqual(await store.getMessage(nth(messages, 0).id), {
          ...nth(messages, 0),
          ackedAt: at(5),
          ackedBy: 'officer@bravo',
        });
        assert.deepEqual(await store.deliveriesFor(LINE, 'alpha', 2), { bravo: at(4) });
      }));
  });
}
