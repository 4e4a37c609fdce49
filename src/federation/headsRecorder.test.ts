/**
 * The heads recorder (FED3) on a real ledger pair (in-memory SQLite stores, real keys, a
 * ManualClock): what bravo appends as `heads.recorded` after receiving alpha's events.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { isoTime, ManualClock } from '../core/clock.ts';
import { generateKeyPair, Signer } from '../core/sign.ts';
import type { LiaisonEvent } from '../core/types.ts';
import { silentLogger } from '../node/init.ts';
import { Ledger } from '../record/ledger.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store, StoredEvent } from '../store/types.ts';
import { HeadsRecorder, mergeRuns } from './headsRecorder.ts';

const T0 = Date.UTC(2025, 2, 1, 8, 0, 0);
const LINE = 'hotline-alpha-bravo';
const TITLE = 'Alpha ⇄ Bravo';
const MEMBERS = ['alpha', 'bravo'];

interface TestNode {
  id: string;
  store: Store;
  ledger: Ledger;
}

const openStores: Store[] = [];
afterEach(async () => {
  for (const store of openStores.splice(0)) await store.close();
});

async function makePair(): Promise<{ clock: ManualClock; alpha: TestNode; bravo: TestNode }> {
  const clock = new ManualClock(T0);
  const keys = { alpha: generateKeyPair(), bravo: generateKeyPair() };
  const make = async (id: 'alpha' | 'bravo'): Promise<TestNode> => {
    const store = await openSqliteStore(':memory:', { clock });
    openStores.push(store);
    const ledger = new Ledger({
      store,
      signer: new Signer(keys[id].privateKey),
      selfId: id,
      clock,
      logger: silentLogger,
    });
    await ledger.open();
    ledger.setNodeKey('alpha', keys.alpha.publicKey);
    ledger.setNodeKey('bravo', keys.bravo.publicKey);
    await ledger.addLine({
      id: LINE,
      kind: 'hotline',
      title: TITLE,
      members: MEMBERS,
      createdAt: isoTime(T0),
    });
    return { id, store, ledger };
  };
  const alpha = await make('alpha');
  const bravo = await make('bravo');
  await alpha.ledger.append(LINE, 'alpha', 'line.created', {
    kind: 'hotline',
    title: TITLE,
    members: MEMBERS,
  });
  return { clock, alpha, bravo };
}

function post(node: TestNode, text: string): Promise<StoredEvent> {
  return node.ledger.append(LINE, `officer@${node.id}`, 'message.posted', {
    text,
    precedence: 'ROUTINE',
    deadline: isoTime(T0 + 6 * 3_600_000),
  });
}

/** Sends to `to` the events of `from`'s own origin it lacks; returns when they arrived. */
async function sync(from: TestNode, to: TestNode): Promise<string> {
  const held = to.ledger.heldSeq(LINE, from.id);
  const latest = from.ledger.heldSeq(LINE, from.id);
  const events: LiaisonEvent[] = (await from.store.eventsBySeqRange(LINE, from.id, held + 1, latest)).map(
    (s) => s.event,
  );
  const result = await to.ledger.receive(events, from.id);
  assert.deepEqual(result.rejected, []);
  return result.receivedAt;
}

/** bravo's own heads.recorded events. */
async function recordedAt(node: TestNode): Promise<LiaisonEvent[]> {
  return (await node.store.eventsSince(0, 1000, [LINE]))
    .map((s) => s.event)
    .filter((e) => e.origin === node.id && e.type === 'heads.recorded');
}

function recorderOf(node: TestNode): HeadsRecorder {
  return new HeadsRecorder({ ledger: node.ledger, store: node.store, logger: silentLogger });
}

describe('HeadsRecorder [FED3]', () => {
  it('[FED3] after events arrive, tick appends one heads.recorded with the heads and the arrival runs', async () => {
    const { clock, alpha, bravo } = await makePair();
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
    const { alpha, bravo } = await makePair();
    await post(alpha, 'one');
    await sync(alpha, bravo);
    const recorder = recorderOf(bravo);
    await recorder.tick();
    await recorder.tick();
    assert.equal((await recordedAt(bravo)).length, 1);
    // A new recorder (a restart) picks up from the cursor kept in the store.
    await recorderOf(bravo).tick();
    assert.equal((await recordedAt(bravo)).length, 1);
  });

  it('[FED3] only events other than heads.recorded trigger a new one', async () => {
    const { clock, alpha, bravo } = await makePair();
    await post(alpha, 'one');
    await sync(alpha, bravo);
    const atBravo = recorderOf(bravo);
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
    const { alpha, bravo } = await makePair();
    await post(alpha, 'one');
    await sync(alpha, bravo);
    const recorder = recorderOf(bravo);
    await Promise.all([recorder.tick(), recorder.tick(), recorder.tick()]);
    assert.equal((await recordedAt(bravo)).length, 1);
  });

  it('[FED3] own events and local lines never trigger one', async () => {
    const { alpha } = await makePair();
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
