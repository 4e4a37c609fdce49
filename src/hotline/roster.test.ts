/**
 * The duty roster (HOT5) on a real ledger pair (in-memory SQLite, real keys, a ManualClock):
 * taking and handing over the desk as events on the hotline, what each side computes from
 * them, the open items a handover carries, and bodies a hostile peer could send.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { isoTime } from '../core/clock.ts';
import type { LiaisonEvent } from '../core/types.ts';
import { rebuildProjections } from '../record/export.ts';
import { closeStores, LINE, makeLedgerPair, post, sync, T0 } from '../record/testLedgers.ts';
import {
  computeDesks,
  DUTY_HANDED_OVER,
  DUTY_TAKEN,
  DutyDesk,
  type OpenItem,
  type RosterError,
  readDutyChange,
} from './roster.ts';

afterEach(closeStores);

async function pairWithDesks() {
  const pair = await makeLedgerPair();
  await sync(pair.alpha, pair.bravo);
  const alphaDesk = new DutyDesk({ ledger: pair.alpha.ledger, store: pair.alpha.store });
  const bravoDesk = new DutyDesk({ ledger: pair.bravo.ledger, store: pair.bravo.store });
  return { ...pair, alphaDesk, bravoDesk };
}

/** A roster event as a peer might send it (only the fields `readDutyChange` reads matter). */
function event(fields: Partial<LiaisonEvent> & Pick<LiaisonEvent, 'type' | 'body'>): LiaisonEvent {
  return {
    v: 1,
    line: LINE,
    origin: 'bravo',
    seq: 2,
    prev: null,
    clock: 2,
    deps: {},
    ts: isoTime(T0),
    author: 'officer@bravo',
    sig: '',
    id: 'x'.repeat(43),
    ...fields,
  };
}

describe('the duty roster [HOT5]', () => {
  it('[HOT5] nobody holds a desk before someone takes it; both nodes are listed, this one first', async () => {
    const { alphaDesk } = await pairWithDesks();
    const desks = await alphaDesk.desks();
    assert.deepEqual(
      desks.map((d) => [d.node, d.holder, d.since]),
      [
        ['alpha', null, null],
        ['bravo', null, null],
      ],
    );
  });

  it('[HOT5] taking the desk is a signed event on the hotline, and the peer sees who holds it since when', async () => {
    const { alpha, bravo, clock, alphaDesk, bravoDesk } = await pairWithDesks();
    clock.advance(60_000);
    const [taken] = await alphaDesk.take('officer@alpha');
    assert.equal(taken?.event.type, DUTY_TAKEN);
    assert.equal(taken?.event.line, LINE);
    assert.equal(taken?.event.author, 'officer@alpha');
    await sync(alpha, bravo);
    const atBravo = (await bravoDesk.desks()).find((d) => d.node === 'alpha');
    assert.equal(atBravo?.holder, 'officer@alpha');
    assert.equal(atBravo?.since, isoTime(T0 + 60_000));
    assert.equal((await bravoDesk.ownDesk()).holder, null, 'bravo’s own desk is still empty');
  });

  it('[HOT5] taking a desk one already holds is refused', async () => {
    const { alphaDesk } = await pairWithDesks();
    await alphaDesk.take('officer@alpha');
    await assert.rejects(alphaDesk.take('officer@alpha'), (e: RosterError) => e.code === 'already-on-duty');
  });

  it('[HOT5] a handover carries the open items: peer messages to acknowledge and ours awaiting the peer', async () => {
    const { alpha, bravo, clock, alphaDesk, bravoDesk } = await pairWithDesks();
    await alphaDesk.take('officer@alpha');
    const ours = await post(alpha, 'our question');
    const theirs = await post(bravo, 'their question');
    const answered = await post(bravo, 'answered already');
    await sync(bravo, alpha);
    await alpha.ledger.append(LINE, 'officer@alpha', 'message.acknowledged', {
      message: answered.event.id,
    });
    clock.advance(8 * 3_600_000);
    const [handed] = await alphaDesk.handOver('officer@alpha', 'supervisor@alpha', 'quiet night', false);
    assert.equal(handed?.event.type, DUTY_HANDED_OVER);
    const items = handed?.event.body.openItems as unknown as OpenItem[];
    assert.deepEqual(
      items.map((item) => [item.message, item.kind]).sort((a, b) => ((a[1] ?? '') < (b[1] ?? '') ? -1 : 1)),
      [
        [ours.event.id, 'awaiting-peer'],
        [theirs.event.id, 'to-acknowledge'],
      ],
    );
    const own = await alphaDesk.ownDesk();
    assert.equal(own.holder, 'supervisor@alpha');
    assert.equal(own.history[0]?.from, 'officer@alpha');
    assert.equal(own.history[0]?.note, 'quiet night');
    assert.equal(own.history[0]?.openItems.length, 2);
    assert.equal(own.history[1]?.kind, 'taken');
    await sync(alpha, bravo);
    const atBravo = (await bravoDesk.desks()).find((d) => d.node === 'alpha');
    assert.equal(atBravo?.holder, 'supervisor@alpha');
  });

  it('[HOT5] only the holder hands over, unless the one handing over may reassign; an empty desk is taken, not handed over', async () => {
    const { alphaDesk } = await pairWithDesks();
    await assert.rejects(
      alphaDesk.handOver('officer@alpha', 'supervisor@alpha', undefined, false),
      (e: RosterError) => e.code === 'desk-empty',
    );
    await alphaDesk.take('officer@alpha');
    await assert.rejects(
      alphaDesk.handOver('other@alpha', 'supervisor@alpha', undefined, false),
      (e: RosterError) => e.code === 'not-desk-holder',
    );
    await assert.rejects(
      alphaDesk.handOver('officer@alpha', 'officer@alpha', undefined, false),
      (e: RosterError) => e.code === 'already-on-duty',
    );
    const [handed] = await alphaDesk.handOver('supervisor@alpha', 'night@alpha', undefined, true);
    assert.equal(handed?.event.author, 'supervisor@alpha');
    assert.equal(handed?.event.body.from, 'officer@alpha');
    assert.equal((await alphaDesk.ownDesk()).holder, 'night@alpha');
  });

  it('[HOT5] the roster is read from the record: a new desk on the same store after a rebuild shows the same', async () => {
    const { alpha, clock, alphaDesk } = await pairWithDesks();
    await alphaDesk.take('officer@alpha');
    await alphaDesk.handOver('officer@alpha', 'supervisor@alpha', undefined, false);
    await rebuildProjections(alpha.store, clock);
    const again = new DutyDesk({ ledger: alpha.ledger, store: alpha.store });
    assert.deepEqual(await again.ownDesk(), await alphaDesk.ownDesk());
  });

  it('[HOT5] with no hotline the desk is recorded on the local line', async () => {
    const { alpha, alphaDesk } = await pairWithDesks();
    await alpha.ledger.addLine({
      id: 'local-alpha',
      kind: 'local',
      title: 'Local notes',
      members: ['alpha'],
      createdAt: isoTime(T0),
    });
    const closed = new DutyDesk({ ledger: alpha.ledger, store: alpha.store, isLineClosed: () => true });
    assert.deepEqual(
      closed.lines().map((line) => line.id),
      ['local-alpha'],
    );
    assert.deepEqual(
      alphaDesk.lines().map((line) => line.id),
      [LINE],
    );
  });
});

describe('reading roster events [HOT5]', () => {
  const taken = { change: 'c'.repeat(16), n: 1, holder: 'officer@bravo', previous: null };
  const handed = { change: 'h'.repeat(16), n: 2, from: 'officer@bravo', to: 'night@bravo', openItems: [] };
  const cases: { what: string; type: string; body: Record<string, unknown>; author?: string; ok: boolean }[] =
    [
      { what: 'a take by its holder', type: DUTY_TAKEN, body: taken, ok: true },
      {
        what: 'a take naming a user of another node',
        type: DUTY_TAKEN,
        body: { ...taken, holder: 'officer@alpha' },
        ok: false,
      },
      {
        what: 'a take authored by someone else',
        type: DUTY_TAKEN,
        body: taken,
        author: 'x@bravo',
        ok: false,
      },
      { what: 'a take without a change id', type: DUTY_TAKEN, body: { ...taken, change: 1 }, ok: false },
      { what: 'a take without its number', type: DUTY_TAKEN, body: { ...taken, n: 0 }, ok: false },
      { what: 'a handover', type: DUTY_HANDED_OVER, body: handed, ok: true },
      {
        what: 'a handover to another node’s user',
        type: DUTY_HANDED_OVER,
        body: { ...handed, to: 'x@alpha' },
        ok: false,
      },
      {
        what: 'a handover whose items are not a list',
        type: DUTY_HANDED_OVER,
        body: { ...handed, openItems: {} },
        ok: false,
      },
      {
        what: 'a handover with a broken item',
        type: DUTY_HANDED_OVER,
        body: { ...handed, openItems: [{ message: 1 }] },
        ok: false,
      },
      {
        what: 'a handover with a note that is not text',
        type: DUTY_HANDED_OVER,
        body: { ...handed, note: 5 },
        ok: false,
      },
    ];
  for (const c of cases) {
    it(`[HOT5] ${c.what} is ${c.ok ? 'read' : 'ignored'}`, () => {
      const read = readDutyChange(
        event({ type: c.type, body: c.body as LiaisonEvent['body'], author: c.author ?? 'officer@bravo' }),
      );
      assert.equal(read !== null, c.ok);
    });
  }

  it('[HOT5] copies of one change on several lines count once, their open items joined; the latest change gives the holder', () => {
    const item = (message: string) => ({
      message,
      origin: 'alpha',
      precedence: 'FLASH',
      postedAt: isoTime(T0),
      deadline: isoTime(T0 + 600_000),
      kind: 'to-acknowledge',
    });
    const events = [
      event({ type: DUTY_TAKEN, body: taken, ts: isoTime(T0) }),
      event({
        type: DUTY_HANDED_OVER,
        body: { ...handed, openItems: [item('a'.repeat(43))] },
        ts: isoTime(T0 + 5),
      }),
      event({
        type: DUTY_HANDED_OVER,
        line: 'hotline-bravo-charlie',
        body: { ...handed, openItems: [item('b'.repeat(43))] },
        ts: isoTime(T0 + 5),
      }),
    ];
    const desk = computeDesks(events).get('bravo');
    assert.equal(desk?.holder, 'night@bravo');
    assert.equal(desk?.since, isoTime(T0 + 5));
    assert.equal(desk?.history.length, 2);
    assert.deepEqual(
      desk?.history[0]?.openItems.map((i) => i.line),
      [LINE, 'hotline-bravo-charlie'],
    );
  });
});
