/**
 * Drills (FED8) on a real ledger pair (in-memory SQLite stores, real keys, a ManualClock): alpha
 * drills the hotline, bravo answers by itself, and both compute the same results from the record.
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
  sync,
  T0,
} from '../record/testLedgers.ts';
import { DRILL_MISSED_AFTER_MS, Drills, listDrills, sendDrill } from './drills.ts';
import { HeadsRecorder } from './headsRecorder.ts';

const running: Drills[] = [];
afterEach(async () => {
  for (const drills of running.splice(0)) await drills.stop();
  await closeStores();
});

/** Drills at `node` on the pair's clock, without a timer unless `intervalMs` is given. */
function drillsAt(node: LedgerNode, clock: { now(): number }, intervalMs = 0): Drills {
  const drills = new Drills({
    ledger: node.ledger,
    store: node.store,
    clock,
    logger: silentLogger,
    intervalMs,
  });
  running.push(drills);
  return drills;
}

async function ofType(node: LedgerNode, type: string): Promise<LiaisonEvent[]> {
  return (await eventsOf(node)).filter((e) => e.type === type);
}

describe('Drills [FED8]', () => {
  it('[FED8] runNow appends one drill.sent with a random id on each ready hotline, by the node', async () => {
    const { clock, alpha, bravo } = await makeLedgerPair();
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
    const first = await drillsAt(alpha, clock).runNow();
    const second = await drillsAt(alpha, clock).runNow();
    assert.deepEqual(
      [...first, ...second].map((s) => [s.event.line, s.event.type, s.event.author]),
      [
        [LINE, 'drill.sent', 'alpha'],
        [LINE, 'drill.sent', 'alpha'],
      ],
    );
    assert.match(String(first[0]?.event.body.drill), /^[A-Za-z0-9_-]{12}$/);
    assert.notEqual(first[0]?.event.body.drill, second[0]?.event.body.drill);
    assert.deepEqual(await drillsAt(bravo, clock).runNow(), [], 'bravo does not hold the genesis yet');
  });

  it('[FED8] the peer answers a drill automatically, once; a node never answers its own', async () => {
    const { clock, alpha, bravo } = await makeLedgerPair();
    const atAlpha = drillsAt(alpha, clock);
    const atBravo = drillsAt(bravo, clock);
    atAlpha.start();
    atBravo.start();
    const sent = await sendDrill(alpha.ledger, LINE);
    await atAlpha.idle();
    assert.deepEqual(await ofType(alpha, 'drill.answered'), [], 'alpha does not answer itself');

    await sync(alpha, bravo);
    await atBravo.idle();
    const answers = await ofType(bravo, 'drill.answered');
    assert.equal(answers.length, 1);
    assert.equal(answers[0]?.origin, 'bravo');
    assert.equal(answers[0]?.author, 'bravo');
    assert.deepEqual(answers[0]?.body, { drill: sent.event.body.drill, sentEvent: sent.event.id });

    // The same drill arriving again (a duplicate) is not answered again.
    await bravo.ledger.receive([sent.event], 'alpha');
    await atBravo.idle();
    assert.equal((await ofType(bravo, 'drill.answered')).length, 1);

    // The answer travels back; alpha does not answer an answer.
    await sync(bravo, alpha);
    await atAlpha.idle();
    assert.equal((await ofType(alpha, 'drill.answered')).length, 1);
  });

  it('[FED8] results: pending, then answered with the round trip on the sender clock, the same on both sides; missed after 5 min', async () => {
    const { clock, alpha, bravo } = await makeLedgerPair();
    const atBravo = drillsAt(bravo, clock);
    atBravo.start();
    const answered = await sendDrill(alpha.ledger, LINE);
    const list = (node: LedgerNode) =>
      listDrills(node.store, [LINE], { limit: 10, now: clock.now(), selfId: node.id });

    assert.deepEqual(await list(alpha), [
      {
        drill: answered.event.body.drill,
        line: LINE,
        sentBy: 'alpha',
        sentEvent: answered.event.id,
        sentAt: answered.event.ts,
        answeredBy: null,
        answeredAt: null,
        roundTripMs: null,
        state: 'pending',
      },
    ]);

    clock.advance(120);
    await sync(alpha, bravo);
    await atBravo.idle();
    clock.advance(180);
    await sync(bravo, alpha);
    const [atAlpha] = await list(alpha);
    assert.equal(atAlpha?.state, 'answered');
    assert.equal(atAlpha?.answeredBy, 'bravo');
    assert.equal(atAlpha?.answeredAt, isoTime(T0 + 120));
    assert.equal(
      atAlpha?.roundTripMs,
      300,
      'from the drill ts to the answer back at alpha, both on alpha clock',
    );

    // bravo learns the arrival time from alpha's heads.recorded, and computes the same figure.
    assert.equal((await list(bravo))[0]?.roundTripMs, null, 'not yet in bravo record');
    await new HeadsRecorder({ ledger: alpha.ledger, store: alpha.store, logger: silentLogger }).tick();
    await sync(alpha, bravo);
    assert.deepEqual(await list(bravo), await list(alpha));

    // A second drill that bravo never receives: pending, then missed after 5 minutes.
    const unanswered = await sendDrill(alpha.ledger, LINE);
    clock.advance(DRILL_MISSED_AFTER_MS);
    assert.equal((await list(alpha))[0]?.state, 'pending');
    clock.advance(1);
    const [missed, first] = await list(alpha);
    assert.equal(missed?.sentEvent, unanswered.event.id, 'newest first');
    assert.equal(missed?.state, 'missed');
    assert.equal(first?.state, 'answered');
    assert.equal(
      (await listDrills(alpha.store, [LINE], { limit: 1, now: clock.now(), selfId: 'alpha' })).length,
      1,
    );
  });

  it('[FED8] at start, recent drills that the record shows unanswered are answered; answered or old ones are not', async () => {
    const { clock, alpha, bravo } = await makeLedgerPair();
    // Three drills reach bravo while it answers nothing (its node is "down").
    const old = await sendDrill(alpha.ledger, LINE);
    await sync(alpha, bravo);
    clock.advance(DRILL_MISSED_AFTER_MS + 1);
    const alreadyAnswered = await sendDrill(alpha.ledger, LINE);
    const fresh = await sendDrill(alpha.ledger, LINE);
    await sync(alpha, bravo);
    await bravo.ledger.append(LINE, 'bravo', 'drill.answered', {
      drill: String(alreadyAnswered.event.body.drill),
      sentEvent: alreadyAnswered.event.id,
    });

    const atBravo = drillsAt(bravo, clock);
    atBravo.start();
    await atBravo.idle();
    const answeredIds = (await ofType(bravo, 'drill.answered')).map((e) => e.body.sentEvent);
    assert.deepEqual(answeredIds, [alreadyAnswered.event.id, fresh.event.id]);
    assert.ok(!answeredIds.includes(old.event.id), 'a drill missed before the restart stays missed');
  });

  it('[FED8] with an interval, the timer sends drills by itself', async () => {
    const { clock, alpha } = await makeLedgerPair();
    drillsAt(alpha, clock, 20).start();
    const deadline = Date.now() + 5_000;
    while ((await ofType(alpha, 'drill.sent')).length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.ok((await ofType(alpha, 'drill.sent')).length >= 2);
  });
});
