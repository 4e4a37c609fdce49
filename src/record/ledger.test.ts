/**
 * The Ledger on real in-memory SQLite stores and real Ed25519 keys: two nodes, alpha and bravo,
 * share a hotline whose genesis alpha writes. Only time (ManualClock) and, for LOG10, the disk
 * edge (a store whose commit throws) are faked.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { isoTime } from '../core/clock.ts';
import { eventId, signEvent, unsignedOf, verifyEventSignature } from '../core/event.ts';
import { generateKeyPair, Signer, sha256 } from '../core/sign.ts';
import type { JsonObject, LiaisonEvent, UnsignedEnvelope } from '../core/types.ts';
import { silentLogger } from '../node/init.ts';
import type { CommitBatch, Store } from '../store/types.ts';
import { type CommittedBatch, Ledger, RecordError } from './ledger.ts';
import { closeStores, eventsOf, LINE, makeLedgerPair, post, T0 } from './testLedgers.ts';

afterEach(closeStores);

/** A different event signed with `signer` from a held one, with some fields changed. */
function resigned(event: LiaisonEvent, signer: Signer, change: Partial<UnsignedEnvelope>): LiaisonEvent {
  return signEvent({ ...unsignedOf(event), ...change }, signer);
}

/** A store that delegates everything to `real` but its commits, which go to `commit`. */
function interceptCommit(real: Store, commit: Store['commit']): Store {
  return new Proxy(real, {
    get(target, property) {
      if (property === 'commit') return commit;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The disk edge: `wrap` makes a store whose next commit throws while `failNext` has set failures. */
function failingDisk(): {
  wrap: (real: Store) => Store;
  failNext: (n?: number) => void;
  failedBatches: CommitBatch[];
} {
  let failures = 0;
  const failedBatches: CommitBatch[] = [];
  const wrap = (real: Store): Store =>
    interceptCommit(real, async (batch) => {
      if (failures > 0) {
        failures -= 1;
        failedBatches.push(batch);
        throw new Error('disk I/O error');
      }
      return real.commit(batch);
    });
  return { wrap, failNext: (n = 1) => (failures = n), failedBatches };
}

function isRecordError(code: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof RecordError, `expected a RecordError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('Ledger.append', () => {
  it('[LOG2][LOG4][LOG6] the genesis is seq 1, prev null, no deps, clock 1, signed by the origin', async () => {
    const { genesis, alpha } = await makeLedgerPair();
    const e = genesis.event;
    assert.deepEqual(
      { v: e.v, line: e.line, origin: e.origin, seq: e.seq, prev: e.prev, clock: e.clock, deps: e.deps },
      { v: 1, line: LINE, origin: 'alpha', seq: 1, prev: null, clock: 1, deps: {} },
    );
    assert.equal(e.ts, isoTime(T0));
    assert.equal(e.id, eventId(e));
    assert.ok(verifyEventSignature(e, alpha.keys.publicKey));
    assert.ok(genesis.arrival > 0);
    assert.deepEqual((await alpha.store.getEvent(e.id))?.event, e);
    assert.ok(alpha.ledger.isReady(LINE));
  });

  it('[LOG4][LOG6] appends chain seq and prev; after receiving, deps name the peer latest and clock = 1 + max', async () => {
    const { clock, alpha, bravo, genesis } = await makeLedgerPair();
    const a2 = (await post(alpha, 'one')).event;
    assert.deepEqual([a2.seq, a2.prev, a2.clock, a2.deps], [2, genesis.event.id, 2, {}]);

    const received = await bravo.ledger.receive(await eventsOf(alpha), 'alpha');
    assert.equal(received.accepted, 2);
    clock.advance(1000);
    const b1 = (await post(bravo, 'reply')).event;
    assert.deepEqual([b1.seq, b1.prev, b1.clock, b1.deps], [1, null, 3, { alpha: a2.id }]);
    assert.equal(b1.ts, isoTime(T0 + 1000));

    const b2 = (await post(bravo, 'more')).event;
    assert.deepEqual([b2.seq, b2.prev, b2.clock, b2.deps], [2, b1.id, 4, { alpha: a2.id }]);

    // alpha, whose own clock is 2, catches up on bravo's clock 4.
    assert.equal((await alpha.ledger.receive([b1, b2], 'bravo')).accepted, 2);
    const a3 = (await post(alpha, 'two')).event;
    assert.deepEqual([a3.seq, a3.prev, a3.clock, a3.deps], [3, a2.id, 5, { bravo: b2.id }]);
    // …and bravo accepts it: the chain alpha built holds for the peer too.
    assert.equal((await bravo.ledger.receive([a3], 'alpha')).accepted, 1);
  });

  it('[LOG4] a ledger reopened on the same store continues the chain', async () => {
    const { clock, alpha, bravo } = await makeLedgerPair();
    await bravo.ledger.receive(await eventsOf(alpha), 'alpha');
    const b1 = (await post(bravo, 'reply')).event;
    await alpha.ledger.receive([b1], 'bravo');
    const a2 = (await post(alpha, 'before restart')).event;

    const reopened = new Ledger({
      store: alpha.store,
      signer: alpha.signer,
      selfId: 'alpha',
      clock,
      logger: silentLogger,
    });
    await reopened.open();
    assert.equal(reopened.heldSeq(LINE, 'alpha'), 2);
    const a3 = (
      await reopened.append(LINE, 'alpha', 'message.posted', {
        text: 'after',
        precedence: 'ROUTINE',
        deadline: isoTime(T0),
      })
    ).event;
    assert.deepEqual([a3.seq, a3.prev, a3.clock, a3.deps], [3, a2.id, a2.clock + 1, { bravo: b1.id }]);
  });

  it('[LOG10] append resolves only after the commit', async () => {
    const order: string[] = [];
    const { alpha } = await makeLedgerPair({
      wrapStore: {
        alpha: (real) =>
          interceptCommit(real, async (batch) => {
            const arrivals = await real.commit(batch);
            order.push('committed');
            return arrivals;
          }),
      },
    });
    order.length = 0;
    await post(alpha, 'durable first').then(() => order.push('resolved'));
    assert.deepEqual(order, ['committed', 'resolved']);
  });

  it('[LOG10] 500 concurrent appends all resolve with consecutive seqs, durable, in fewer commits (group commit)', async () => {
    const { alpha } = await makeLedgerPair();
    const batches: CommittedBatch[] = [];
    alpha.ledger.onCommitted((batch) => batches.push(batch));
    const results = await Promise.all(Array.from({ length: 500 }, (_, i) => post(alpha, `message ${i}`)));
    assert.deepEqual(
      results.map((r) => r.event.seq),
      Array.from({ length: 500 }, (_, i) => i + 2),
    );
    for (const [i, r] of results.entries()) {
      assert.equal(
        r.event.prev,
        i === 0 ? (await alpha.store.getEventBySeq(LINE, 'alpha', 1))?.event.id : results[i - 1]?.event.id,
      );
    }
    assert.equal(await alpha.store.countEvents(LINE), 501);
    const held = await alpha.store.hasEvents(results.map((r) => r.event.id));
    assert.equal(held.size, 500);
    assert.equal(new Set(results.map((r) => r.arrival)).size, 500);
    assert.equal(
      batches.reduce((n, b) => n + b.events.length, 0),
      500,
    );
    assert.ok(batches.length < 500, `${batches.length} commits for 500 appends`);
    assert.ok(
      batches.some((b) => b.events.length > 1),
      'some commit served several authors',
    );
  });

  it('[LOG10] a failed append in a group does not hold back the others', async () => {
    const { alpha } = await makeLedgerPair();
    const results = await Promise.allSettled([
      post(alpha, 'one'),
      alpha.ledger.append('no-such-line', 'alpha', 'message.posted', {}),
      post(alpha, 'two'),
    ]);
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value.event.seq : (r.reason as RecordError).code)),
      [2, 'unknown-line', 3],
    );
  });

  it('[LOG1] append on an unknown line → unknown-line; on a line not a member of → not-member', async () => {
    const { bravo } = await makeLedgerPair();
    await assert.rejects(
      bravo.ledger.append('no-such-line', 'bravo', 'message.posted', {}),
      isRecordError('unknown-line'),
    );
    await bravo.ledger.addLine({
      id: 'hotline-alpha-charlie',
      kind: 'hotline',
      title: 'Alpha ⇄ Charlie',
      members: ['alpha', 'charlie'],
      createdAt: isoTime(T0),
    });
    await assert.rejects(
      bravo.ledger.append('hotline-alpha-charlie', 'bravo', 'line.created', {}),
      isRecordError('not-member'),
    );
  });

  it('[LOG1] append before the genesis is held → line-not-ready', async () => {
    const { alpha, bravo } = await makeLedgerPair();
    assert.equal(bravo.ledger.isReady(LINE), false);
    await assert.rejects(post(bravo, 'too early'), isRecordError('line-not-ready'));
    await bravo.ledger.receive(await eventsOf(alpha), 'alpha');
    assert.equal((await post(bravo, 'now')).event.seq, 1);
  });

  it('[LOG11] a body over 64 KiB → body-too-large, and nothing is written', async () => {
    const { alpha } = await makeLedgerPair();
    const body: JsonObject = { text: 'x'.repeat(64 * 1024), precedence: 'ROUTINE' };
    await assert.rejects(
      alpha.ledger.append(LINE, 'alpha', 'message.posted', body),
      isRecordError('body-too-large'),
    );
    assert.equal(await alpha.store.countEvents(LINE), 1);
    assert.equal((await post(alpha, 'small')).event.seq, 2);
  });

  it('[LOG2] an event type peers would refuse is refused at append too, and nothing is written', async () => {
    const { alpha } = await makeLedgerPair();
    for (const type of ['duty.handedOver', 'message', 'Message.posted', `x.${'y'.repeat(70)}`]) {
      await assert.rejects(
        alpha.ledger.append(LINE, 'alpha', type, { text: 'x' }),
        isRecordError('bad-event-type'),
        type,
      );
    }
    assert.equal(await alpha.store.countEvents(LINE), 1);
    assert.equal((await post(alpha, 'fine')).event.seq, 2);
  });

  it('[LOG10] a commit that throws → store-unavailable, nothing half-written, the next append reuses the seq', async () => {
    const disk = failingDisk();
    const { alpha } = await makeLedgerPair({ wrapStore: { alpha: disk.wrap } });
    const a2 = (await post(alpha, 'fine')).event;
    const headsBefore = await alpha.store.heads();
    const committed: CommittedBatch[] = [];
    alpha.ledger.onCommitted((batch) => committed.push(batch));

    disk.failNext();
    await assert.rejects(post(alpha, 'lost'), isRecordError('store-unavailable'));
    const failed = disk.failedBatches[0]?.events[0];
    assert.equal(failed?.seq, 3);
    assert.equal(await alpha.store.countEvents(LINE), 2);
    assert.equal(await alpha.store.getEvent(failed.id), null);
    assert.equal(await alpha.store.getMessage(failed.id), null);
    assert.deepEqual(await alpha.store.heads(), headsBefore);
    assert.equal(alpha.ledger.heldSeq(LINE, 'alpha'), 2);
    assert.deepEqual(alpha.ledger.headSummary()[LINE], { alpha: { seq: 2, id: a2.id } });
    assert.equal(committed.length, 0, 'no listener hears of a failed commit');

    const retried = (await post(alpha, 'again')).event;
    assert.equal(retried.seq, failed.seq);
    assert.equal(retried.prev, a2.id);
    assert.equal(await alpha.store.countEvents(LINE), 3);
  });

  it('[LOG10] a receive whose commit throws → store-unavailable, nothing stored; the same batch is accepted later', async () => {
    const disk = failingDisk();
    const { alpha, bravo } = await makeLedgerPair({ wrapStore: { bravo: disk.wrap } });
    const a2 = (await post(alpha, 'hello')).event;
    const batch = await eventsOf(alpha);
    disk.failNext();
    await assert.rejects(bravo.ledger.receive(batch, 'alpha'), isRecordError('store-unavailable'));
    assert.equal(await bravo.store.countEvents(), 0);
    assert.equal(await bravo.store.getMessage(a2.id), null);
    assert.deepEqual(await bravo.store.deliveriesFor(LINE, 'alpha', 1), {});
    assert.equal(bravo.ledger.heldSeq(LINE, 'alpha'), 0);
    assert.equal(bravo.ledger.isReady(LINE), false);

    const result = await bravo.ledger.receive(batch, 'alpha');
    assert.deepEqual([result.accepted, result.duplicates, result.rejected], [2, 0, []]);
    assert.notEqual(await bravo.store.getMessage(a2.id), null);
  });
});

describe('Ledger.receive', () => {
  it('[LOG8] accepts a peer events in order; they verify and are stored as sent', async () => {
    const { alpha, bravo } = await makeLedgerPair();
    for (const text of ['one', 'two', 'three']) await post(alpha, text);
    const sent = await eventsOf(alpha);
    const result = await bravo.ledger.receive(sent, 'alpha');
    assert.deepEqual([result.accepted, result.duplicates, result.rejected], [4, 0, []]);
    const last = sent.at(-1);
    assert.deepEqual(result.heads, { [LINE]: { alpha: { seq: 4, id: last?.id } } });
    const stored = await eventsOf(bravo);
    assert.deepEqual(stored, sent);
    for (const event of stored) assert.ok(verifyEventSignature(event, alpha.keys.publicKey));
    assert.equal(bravo.ledger.heldSeq(LINE, 'alpha'), 4);
    assert.ok(bravo.ledger.isReady(LINE));
    assert.equal((await bravo.store.latestMessages(LINE, 10)).length, 3);
  });

  it('[LOG8] envelopes without their id are accepted too (the id is recomputed)', async () => {
    const { alpha, bravo } = await makeLedgerPair();
    const sent = await eventsOf(alpha);
    const result = await bravo.ledger.receive(
      sent.map((event) => ({ ...unsignedOf(event), sig: event.sig })),
      'alpha',
    );
    assert.equal(result.accepted, 1);
    assert.deepEqual(await eventsOf(bravo), sent);
  });

  it('[FED4] events already held are duplicates: acknowledged, not stored twice', async () => {
    const { alpha, bravo } = await makeLedgerPair();
    await post(alpha, 'one');
    await post(alpha, 'two');
    const sent = await eventsOf(alpha);
    await bravo.ledger.receive(sent, 'alpha');
    const rejected: string[] = [];
    bravo.ledger.onRejected((code) => rejected.push(code));

    const again = await bravo.ledger.receive(sent, 'alpha');
    assert.deepEqual([again.accepted, again.duplicates, again.rejected], [0, 3, []]);
    assert.deepEqual(again.heads, { [LINE]: { alpha: { seq: 3, id: sent[2]?.id } } });
    assert.equal(await bravo.store.countEvents(LINE), 3);
    assert.deepEqual(rejected, []);

    // Twice in one batch, on a node that held none of it.
    const [genesis] = sent;
    const fresh = await makeLedgerPair();
    fresh.bravo.ledger.setNodeKey('alpha', alpha.keys.publicKey);
    const twice = await fresh.bravo.ledger.receive([genesis, genesis], 'alpha');
    assert.deepEqual([twice.accepted, twice.duplicates], [1, 1]);
    assert.equal(await fresh.bravo.store.countEvents(LINE), 1);
  });

  describe('[LOG8] refuses, with its code, counts and tells the onRejected listeners', () => {
    const charlieKeys = generateKeyPair();
    const charlie = new Signer(charlieKeys.privateKey);
    /** Each case: (alpha's events genesis, a2, a3, a4; bravo holds genesis and a2) → the bad envelope. */
    const cases: {
      rule: string;
      code: string;
      what: string;
      peer?: string;
      bad: (e: LiaisonEvent[], alpha: Signer) => unknown;
    }[] = [
      { rule: 'LOG4', code: 'seq-gap', what: 'a4 while a3 is missing', bad: (e) => e[3] },
      {
        rule: 'LOG4',
        code: 'prev-mismatch',
        what: 'a3 whose prev names the genesis',
        bad: (e, alpha) => e[2] && resigned(e[2], alpha, { prev: e[0]?.id ?? null }),
      },
      {
        rule: 'LOG6',
        code: 'bad-clock',
        what: 'a3 with clock 99',
        bad: (e, alpha) => e[2] && resigned(e[2], alpha, { clock: 99 }),
      },
      {
        rule: 'LOG6',
        code: 'missing-dep',
        what: 'a3 naming a bravo event nobody holds',
        bad: (e, alpha) => e[2] && resigned(e[2], alpha, { deps: { bravo: sha256(Uint8Array.of(1)) } }),
      },
      {
        rule: 'LOG6',
        code: 'dep-wrong-origin',
        what: "a3 naming alpha's genesis as bravo's",
        bad: (e, alpha) => e[2] && resigned(e[2], alpha, { deps: { bravo: e[0]?.id ?? '' } }),
      },
      {
        rule: 'LOG5',
        code: 'bad-signature',
        what: 'a3 with its body altered after signing',
        bad: (e) => e[2] && { ...e[2], body: { ...e[2].body, text: 'altered' } },
      },
      {
        rule: 'LOG5',
        code: 'bad-signature',
        what: 'a3 signed with another key',
        bad: (e) => e[2] && resigned(e[2], charlie, {}),
      },
      {
        rule: 'LOG1',
        code: 'not-member',
        what: 'an event of charlie, who is not a member',
        bad: (e) => e[0] && resigned(e[0], charlie, { origin: 'charlie', author: 'charlie' }),
      },
      {
        rule: 'LOG1',
        code: 'not-member',
        what: 'a3 sent by charlie, who is not a member',
        peer: 'charlie',
        bad: (e) => e[2],
      },
      {
        rule: 'LOG2',
        code: 'malformed',
        what: 'an object that is no envelope',
        bad: () => ({ hello: 'world' }),
      },
      { rule: 'LOG2', code: 'malformed', what: 'a3 with seq 0', bad: (e) => e[2] && { ...e[2], seq: 0 } },
      { rule: 'LOG2', code: 'bad-version', what: 'a3 with v 2', bad: (e) => e[2] && { ...e[2], v: 2 } },
    ];
    for (const { rule, code, what, peer, bad } of cases) {
      it(`[${rule}] ${what} → ${code}`, async () => {
        const { alpha, bravo } = await makeLedgerPair();
        bravo.ledger.setNodeKey('charlie', charlieKeys.publicKey);
        for (const text of ['two', 'three', 'four']) await post(alpha, text);
        const events = await eventsOf(alpha);
        await bravo.ledger.receive(events.slice(0, 2), 'alpha');
        const heard: [string, string][] = [];
        bravo.ledger.onRejected((c, p) => heard.push([c, p]));

        const envelope = bad(events, alpha.signer);
        assert.ok(envelope);
        const result = await bravo.ledger.receive([envelope], peer ?? 'alpha');
        assert.equal(result.accepted, 0);
        assert.equal(result.rejected.length, 1);
        assert.equal(result.rejected[0]?.code, code, result.rejected[0]?.message);
        assert.equal(result.rejected[0]?.index, 0);
        assert.deepEqual(heard, [[code, peer ?? 'alpha']]);
        assert.equal(await bravo.store.countEvents(), 2);
        assert.equal(bravo.ledger.heldSeq(LINE, 'alpha'), 2);
        await eventually(
          async () => (await bravo.store.rejectionCounts())[code] === 1,
          'the rejection to be counted',
        );

        // The refusal leaves the chain intact: the genuine events still go in.
        const rest = await bravo.ledger.receive(events.slice(2), 'alpha');
        assert.equal(rest.accepted, 2);
      });
    }

    it('[LOG8] a malformed envelope has no id; good events of the same batch are kept', async () => {
      const { alpha, bravo } = await makeLedgerPair();
      await post(alpha, 'two');
      const [genesis, a2] = await eventsOf(alpha);
      const result = await bravo.ledger.receive([genesis, 'not an envelope', a2], 'alpha');
      assert.equal(result.accepted, 2);
      assert.deepEqual(
        result.rejected.map((r) => [r.index, r.id, r.code]),
        [[1, null, 'malformed']],
      );
    });
  });

  describe('[LOG9] equivocation', () => {
    it('a second, different event for a held (line, origin, seq) → equivocation; the held one stays', async () => {
      const { alpha, bravo } = await makeLedgerPair();
      await post(alpha, 'two');
      const [genesis, a2] = await eventsOf(alpha);
      assert.ok(genesis && a2);
      await bravo.ledger.receive([genesis, a2], 'alpha');
      const heard: string[] = [];
      bravo.ledger.onRejected((code) => heard.push(code));

      const forkedHead = resigned(a2, alpha.signer, { body: { ...a2.body, text: 'something else' } });
      const forkedOlder = resigned(genesis, alpha.signer, { body: { ...genesis.body, title: 'another' } });
      const result = await bravo.ledger.receive([forkedHead, forkedOlder], 'alpha');
      assert.deepEqual(
        result.rejected.map((r) => [r.code, r.id]),
        [
          ['equivocation', forkedHead.id],
          ['quarantined', forkedOlder.id],
        ],
        'after the first proof the origin is quarantined on the line',
      );
      assert.deepEqual(heard, ['equivocation', 'quarantined']);
      const proofs = await bravo.store.listEquivocations();
      assert.equal(proofs.length, 1, 'the conflicting event is kept as proof');
      assert.equal(proofs[0]?.conflicting.id, forkedHead.id);
      assert.equal(proofs[0]?.heldId, a2.id);
      assert.ok(bravo.ledger.isQuarantined(LINE, 'alpha'));
      assert.ok(
        await bravo.ledger.resolveEquivocation(proofs[0]?.id ?? 0, 'admin@bravo', 'checked with alpha'),
      );
      assert.equal(bravo.ledger.isQuarantined(LINE, 'alpha'), false, 'an admin lifts the quarantine');
      assert.deepEqual(await bravo.store.listEquivocations(), []);
      assert.equal(
        (await bravo.store.listEquivocations(true))[0]?.resolvedBy,
        'admin@bravo',
        'the proof stays',
      );
      assert.equal((await bravo.store.getEventBySeq(LINE, 'alpha', 2))?.event.id, a2.id);
      assert.equal((await bravo.store.getEventBySeq(LINE, 'alpha', 1))?.event.id, genesis.id);
      assert.equal(await bravo.store.countEvents(), 2);
    });

    it('two different events for one seq in the same batch: the first is taken, the second is an equivocation', async () => {
      const { alpha, bravo } = await makeLedgerPair();
      await post(alpha, 'two');
      const [genesis, a2] = await eventsOf(alpha);
      assert.ok(genesis && a2);
      const forked = resigned(a2, alpha.signer, { body: { ...a2.body, text: 'fork' } });
      const result = await bravo.ledger.receive([genesis, a2, forked], 'alpha');
      assert.equal(result.accepted, 2);
      assert.deepEqual(
        result.rejected.map((r) => [r.index, r.code]),
        [[2, 'equivocation']],
      );
      assert.equal((await bravo.store.getEventBySeq(LINE, 'alpha', 2))?.event.id, a2.id);
    });

    it('an unsigned fork of a held seq is a bad signature, not proof of equivocation', async () => {
      const { alpha, bravo } = await makeLedgerPair();
      const [genesis] = await eventsOf(alpha);
      assert.ok(genesis);
      await bravo.ledger.receive([genesis], 'alpha');
      const forged = { ...genesis, body: { ...genesis.body, title: 'forged' } };
      const result = await bravo.ledger.receive([forged], 'alpha');
      assert.deepEqual(
        result.rejected.map((r) => r.code),
        ['bad-signature'],
      );
    });
  });

  describe('[FED3] deliveries', () => {
    it('a receive records this node as holding the events from receivedAt', async () => {
      const { clock, alpha, bravo } = await makeLedgerPair();
      await post(alpha, 'two');
      const committed: CommittedBatch[] = [];
      bravo.ledger.onCommitted((batch) => committed.push(batch));

      clock.set(T0 + 5_000);
      const first = await bravo.ledger.receive(await eventsOf(alpha), 'alpha');
      assert.equal(first.receivedAt, isoTime(T0 + 5_000));
      assert.deepEqual(await bravo.store.deliveriesFor(LINE, 'alpha', 1), { bravo: first.receivedAt });
      assert.deepEqual(await bravo.store.deliveriesFor(LINE, 'alpha', 2), { bravo: first.receivedAt });
      assert.deepEqual(await bravo.store.deliveriesFor(LINE, 'alpha', 3), {});
      assert.deepEqual(committed[0]?.deliveries, [
        { line: LINE, origin: 'alpha', node: 'bravo', uptoSeq: 2, at: first.receivedAt },
      ]);

      const a3 = (await post(alpha, 'three')).event;
      clock.set(T0 + 9_000);
      const second = await bravo.ledger.receive([a3], 'alpha');
      assert.deepEqual(await bravo.store.deliveriesFor(LINE, 'alpha', 3), { bravo: second.receivedAt });
      assert.deepEqual(await bravo.store.deliveriesFor(LINE, 'alpha', 2), { bravo: first.receivedAt });
    });

    it('a node does not record deliveries of its own events to itself; recordDeliveries stores a receipt', async () => {
      const { clock, alpha, bravo } = await makeLedgerPair();
      const a2 = (await post(alpha, 'two')).event;
      assert.deepEqual(await alpha.store.deliveriesFor(LINE, 'alpha', 2), {});
      clock.advance(2_000);
      const result = await bravo.ledger.receive(await eventsOf(alpha), 'alpha');
      const atAlpha = bravo.ledger.heldSeq(LINE, 'alpha');
      await alpha.ledger.recordDeliveries([
        { line: LINE, origin: 'alpha', node: 'bravo', uptoSeq: atAlpha, at: result.receivedAt },
      ]);
      assert.deepEqual(await alpha.store.deliveriesFor(LINE, 'alpha', a2.seq), { bravo: result.receivedAt });
      assert.equal(await alpha.ledger.recordDeliveries([]), undefined);
    });
  });
});
