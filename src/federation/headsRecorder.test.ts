/**
 * The heads recorder (FED3) on a real ledger pair (in-memory SQLite stores, real keys, a
 * ManualClock): what bravo appends as `heads.recorded` after receiving alpha's events.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { isoTime } from '../core/clock.ts';
import type { LiaisonEvent } from '../core/types.ts';
import { silentLogger } from '../node/init.ts';
import {
  closeStores,
  eventsOf,
  type LedgerNode,
  LINE,
  makeLedgerPair,
  post,
  sync,
  T0,
} from '../record/testLedgers.ts';
import { HeadsRecorder, mergeRuns } from './headsRecorder.ts';

afterEach(closeStores);

/** The heads.recorded events `node` wrote itself. */
async function recordedAt(node: LedgerNode): Promise<LiaisonEvent[]> {
  return (await eventsOf(node)).filter((e) => e.origin === node.id && e.type === 'heads.recorded');
}

function recorderOf(node: LedgerNode): HeadsRecorder {
  return new HeadsRecorder({ ledger: node.ledger, store: node.store, logger: silentLogger });
}

/** The pair after bravo received alpha's genesis and one message, with a recorder at bravo. */
async function oneMessageAtBravo() {
  const pair = await makeLedgerPair();
  await post(pair.alpha, 'one');
  await sync(pair.alpha, pair.bravo);
  return { ...pair, atBravo: recorderOf(pair.bravo) };
}

describe('HeadsRecorder [FED3]', () => {
  it('[FED3] after events arrive, tick appends one heads.recorded with the heads and the arrival runs', async () => {
    const { clock, alpha, bravo } = await makeLedgerPair();
    await post(alpha, 'one');
    clock.advance(1_500);
    const firstArrival = await sync(alpha, bravo);
    await post(alpha, 'two');
    await post(alpha, 'three');
    clock.advance(2_000);
    const secondArrival = await sync(alpha, bravo);

    await recorderOf(bravo).tick();
    const recorded = await recordedAt(bravo);
    assert.equal(recorded.length, 1);
    const [event] = recorded;
    const alphaHead = await alpha.store.getEventBySeq(LINE, 'alpha', 4);
    assert.deepEqual(event?.body, {
      heads: { alpha: { seq: 4, id: alphaHead?.event.id } },
      arrivals: {
        alpha: [
          [2, firstArrival],
          [4, secondArrival],
        ],
      },
    });
    assert.equal(event?.author, 'bravo');
    assert.deepEqual(event?.deps, { alpha: alphaHead?.event.id });

    // Its projection agrees with bravo's own delivery rows.
    assert.deepEqual(await bravo.store.deliveriesFor(LINE, 'alpha', 2), { bravo: firstArrival });
    assert.deepEqual(await bravo.store.deliveriesFor(LINE, 'alpha', 3), { bravo: secondArrival });

    // [FED3] at alpha, the event puts bravo's delivery of alpha's messages in the record.
    await sync(bravo, alpha);
    assert.deepEqual(await alpha.store.deliveriesFor(LINE, 'alpha', 2), { bravo: firstArrival });
    assert.deepEqual(await alpha.store.deliveriesFor(LINE, 'alpha', 4), { bravo: secondArrival });
  });

  it('[FED3] a second tick with nothing new appends nothing', async () => {
    const { bravo, atBravo } = await oneMessageAtBravo();
    await atBravo.tick();
    await atBravo.tick();
    assert.equal((await recordedAt(bravo)).length, 1);
    // A new recorder (a restart) picks up from the cursor kept in the store.
    await recorderOf(bravo).tick();
    assert.equal((await recordedAt(bravo)).length, 1);
  });

  it('[FED3] only events other than heads.recorded trigger a new one', async () => {
    const { clock, alpha, bravo, atBravo } = await oneMessageAtBravo();
    await atBravo.tick();
    assert.equal((await recordedAt(bravo)).length, 1);

    // alpha records what it holds of bravo (the heads.recorded), bravo receives that record:
    // no new heads.recorded at bravo, so two recorders cannot ping-pong forever.
    await sync(bravo, alpha);
    await recorderOf(alpha).tick();
    assert.equal((await recordedAt(alpha)).length, 0, 'alpha received only a heads.recorded');
    await alpha.ledger.append(LINE, 'alpha', 'heads.recorded', { heads: {}, arrivals: {} });
    clock.advance(1_000);
    await sync(alpha, bravo);
    await atBravo.tick();
    assert.equal((await recordedAt(bravo)).length, 1);

    // A message does trigger one, with the runs since the last tick; its run covers the
    // heads.recorded (seq 3) too.
    await post(alpha, 'two');
    clock.advance(1_000);
    const arrived = await sync(alpha, bravo);
    await atBravo.tick();
    const recorded = await recordedAt(bravo);
    assert.equal(recorded.length, 2);
    assert.deepEqual(recorded[1]?.body.arrivals, { alpha: [[4, arrived]] });
    assert.deepEqual(await bravo.store.deliveriesFor(LINE, 'alpha', 4), { bravo: arrived });
  });

  it('[FED3] concurrent ticks share one run: one heads.recorded', async () => {
    const { bravo, atBravo } = await oneMessageAtBravo();
    await Promise.all([atBravo.tick(), atBravo.tick(), atBravo.tick()]);
    assert.equal((await recordedAt(bravo)).length, 1);
  });

  it('[FED3] own events and local lines never trigger one', async () => {
    const { alpha } = await makeLedgerPair();
    await alpha.ledger.addLine({
      id: 'local-alpha',
      kind: 'local',
      title: 'notes',
      members: ['alpha'],
      createdAt: isoTime(T0),
    });
    await alpha.ledger.append('local-alpha', 'alpha', 'line.created', {
      kind: 'local',
      title: 'notes',
      members: ['alpha'],
    });
    await post(alpha, 'one');
    await recorderOf(alpha).tick();
    assert.equal((await recordedAt(alpha)).length, 0);
  });
});

describe('mergeRuns', () => {
  const runs: [number, string][] = [
    [1, 't1'],
    [3, 't2'],
    [4, 't3'],
    [9, 't4'],
    [12, 't5'],
  ];

  it('[FED3] keeps the runs as they are when there are at most max', () => {
    assert.deepEqual(mergeRuns(runs, 5), runs);
    assert.deepEqual(mergeRuns(runs, 10), runs);
    assert.deepEqual(mergeRuns([], 1), []);
  });

  it('[FED3] keeps at most max runs, merging the oldest into one with the later time', () => {
    assert.deepEqual(mergeRuns(runs, 3), [
      [4, 't3'],
      [9, 't4'],
      [12, 't5'],
    ]);
    assert.deepEqual(mergeRuns(runs, 4), [
      [3, 't2'],
      [4, 't3'],
      [9, 't4'],
      [12, 't5'],
    ]);
    assert.deepEqual(mergeRuns(runs, 1), [[12, 't5']]);
  });

  it('[FED3] never returns more than max, for every max from 1', () => {
    const many = Array.from({ length: 500 }, (_, i): [number, string] => [i + 1, isoTime(T0 + i)]);
    for (const max of [1, 2, 3, 50, 199, 200, 499, 500, 501]) {
      const merged = mergeRuns(many, max);
      assert.equal(merged.length, Math.min(max, many.length), `max ${max}`);
      assert.deepEqual(merged.at(-1), many.at(-1), 'the latest run is kept');
    }
  });
});
