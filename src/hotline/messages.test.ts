/**
 * Hotline messages: the HOT3 state table (pure `messageView`), and `Hotline` on a real ledger
 * pair with in-memory SQLite stores, real keys and a ManualClock: the stamped deadline (HOT2)
 * and the state a reader sees as delivery and time go on.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { isoTime } from '../core/clock.ts';
import { PRECEDENCES, type Precedence } from '../core/types.ts';
import {
  closeStores,
  eventsOf,
  type LedgerNode,
  LINE,
  MEMBERS,
  makeLedgerPair,
  T0,
} from '../record/testLedgers.ts';
import type { MessageRow } from '../store/types.ts';
import { Hotline, type MessageView, messageView } from './messages.ts';

const at = (seconds: number): string => isoTime(T0 + seconds * 1000);
const DEADLINE_S = 600;
const TRIO = ['alpha', 'bravo', 'charlie'];

function row(fields: Partial<MessageRow> = {}): MessageRow {
  return {
    id: 'm1',
    line: LINE,
    origin: 'alpha',
    seq: 2,
    author: 'officer@alpha',
    precedence: 'FLASH',
    postedAt: at(0),
    deadline: at(DEADLINE_S),
    seenAt: null,
    seenBy: null,
    ackedAt: null,
    ackedBy: null,
    overdueAt: null,
    ...fields,
  };
}

type Expect = Pick<MessageView, 'state' | 'deliveredAt' | 'deliveredTo' | 'overdueAt'>;

/** bravo has held the message since 2 s. */
const HELD_BY_BRAVO = { bravo: at(2) };

/** The view of a message bravo has held since 2 s: in `state`, overdue from `overdueAt` if set. */
function heldByBravo(state: Expect['state'], overdueAt: string | null = null): Expect {
  return { state, deliveredAt: at(2), deliveredTo: HELD_BY_BRAVO, overdueAt };
}

describe('messageView [HOT3]', () => {
  const cases: {
    what: string;
    row?: Partial<MessageRow>;
    deliveries?: Record<string, string>;
    members?: string[];
    nowS?: number;
    expect: Expect;
  }[] = [
    {
      what: 'sent: durable at its origin, not yet held by the peer',
      expect: { state: 'sent', deliveredAt: null, deliveredTo: {}, overdueAt: null },
    },
    {
      what: "sent: the origin's own delivery row does not count",
      deliveries: { alpha: at(1) },
      expect: { state: 'sent', deliveredAt: null, deliveredTo: {}, overdueAt: null },
    },
    {
      what: 'delivered: every other member holds it',
      deliveries: HELD_BY_BRAVO,
      expect: heldByBravo('delivered'),
    },
    {
      what: 'sent, not delivered: on a 3-member line only one of the two others holds it',
      members: TRIO,
      deliveries: HELD_BY_BRAVO,
      expect: { state: 'sent', deliveredAt: null, deliveredTo: HELD_BY_BRAVO, overdueAt: null },
    },
    {
      what: 'delivered on a 3-member line once both others hold it; deliveredAt is the latest',
      members: TRIO,
      deliveries: { bravo: at(5), charlie: at(3) },
      expect: {
        state: 'delivered',
        deliveredAt: at(5),
        deliveredTo: { bravo: at(5), charlie: at(3) },
        overdueAt: null,
      },
    },
    {
      what: 'seen: opened by a person at the peer',
      row: { seenAt: at(10), seenBy: 'officer@bravo' },
      deliveries: HELD_BY_BRAVO,
      expect: heldByBravo('seen'),
    },
    {
      what: 'acknowledged',
      row: { seenAt: at(10), ackedAt: at(20), ackedBy: 'officer@bravo' },
      deliveries: HELD_BY_BRAVO,
      nowS: DEADLINE_S + 60,
      expect: heldByBravo('acknowledged'),
    },
    {
      what: 'not overdue at the deadline itself',
      deliveries: HELD_BY_BRAVO,
      nowS: DEADLINE_S,
      expect: heldByBravo('delivered'),
    },
    {
      what: 'overdue once now is past the deadline without acknowledgement; deliveredAt stays set',
      deliveries: HELD_BY_BRAVO,
      nowS: DEADLINE_S + 1,
      expect: heldByBravo('overdue', at(DEADLINE_S)),
    },
    {
      what: 'overdue wins over seen',
      row: { seenAt: at(10), seenBy: 'officer@bravo' },
      deliveries: HELD_BY_BRAVO,
      nowS: DEADLINE_S + 1,
      expect: heldByBravo('overdue', at(DEADLINE_S)),
    },
    {
      what: 'overdue without delivery (a technical fault past its deadline)',
      nowS: DEADLINE_S + 1,
      expect: { state: 'overdue', deliveredAt: null, deliveredTo: {}, overdueAt: at(DEADLINE_S) },
    },
    {
      what: 'overdue recorded by the projection is kept even before the deadline by this clock',
      row: { overdueAt: at(DEADLINE_S) },
      deliveries: HELD_BY_BRAVO,
      nowS: DEADLINE_S - 5,
      expect: heldByBravo('overdue', at(DEADLINE_S)),
    },
    {
      what: 'acknowledged wins over overdue; a late acknowledgement keeps overdueAt',
      row: { overdueAt: at(DEADLINE_S), ackedAt: at(DEADLINE_S + 30), ackedBy: 'supervisor@bravo' },
      deliveries: HELD_BY_BRAVO,
      nowS: DEADLINE_S + 60,
      expect: heldByBravo('acknowledged', at(DEADLINE_S)),
    },
  ];
  for (const { what, row: fields, deliveries = {}, members = MEMBERS, nowS = 30, expect } of cases) {
    it(`[HOT3] ${what}`, () => {
      const view = messageView(row(fields), deliveries, members, T0 + nowS * 1000);
      assert.deepEqual(
        {
          state: view.state,
          deliveredAt: view.deliveredAt,
          deliveredTo: view.deliveredTo,
          overdueAt: view.overdueAt,
        },
        expect,
      );
      assert.equal(view.deadline, at(DEADLINE_S));
    });
  }

  it('[HOT3] a line whose members are unknown never shows delivered', () => {
    assert.equal(messageView(row(), { bravo: at(2) }, [], T0).state, 'sent');
    assert.equal(messageView(row(), {}, ['alpha'], T0).state, 'sent');
  });
});

const DEADLINES: Record<Precedence, number> = {
  FLASH: 10_000,
  IMMEDIATE: 30_000,
  PRIORITY: 3 * 3_600_000,
  ROUTINE: 6 * 3_600_000,
};

afterEach(closeStores);

/** The ledger pair, each node with its Hotline on the pair's clock. */
async function makePair() {
  const { clock, alpha, bravo } = await makeLedgerPair();
  const withHotline = (node: LedgerNode) => ({
    ...node,
    hotline: new Hotline(node.ledger, node.store, DEADLINES, clock),
  });
  return { clock, alpha: withHotline(alpha), bravo: withHotline(bravo) };
}

describe('Hotline', () => {
  it('[HOT2] post stamps the absolute deadline now + the precedence deadline', async () => {
    const { clock, alpha } = await makePair();
    for (const precedence of PRECEDENCES) {
      clock.advance(1_234);
      const now = clock.now();
      const { event } = await alpha.hotline.post(LINE, 'officer@alpha', {
        text: `a ${precedence} message`,
        precedence,
      });
      assert.deepEqual(event.body, {
        text: `a ${precedence} message`,
        precedence,
        deadline: isoTime(now + DEADLINES[precedence]),
      });
      assert.equal(event.type, 'message.posted');
      assert.equal(event.author, 'officer@alpha');
      const row = await alpha.store.getMessage(event.id);
      assert.equal(row?.deadline, isoTime(now + DEADLINES[precedence]));
      assert.equal(row?.precedence, precedence);
      assert.equal(row?.postedAt, isoTime(now));
    }
  });

  it('[HOT3][HOT2] both sides see sent → delivered → overdue by the same stamped deadline', async () => {
    const { clock, alpha, bravo } = await makePair();
    const { event } = await alpha.hotline.post(LINE, 'officer@alpha', {
      text: 'Contact bearing 270',
      precedence: 'FLASH',
    });
    assert.equal((await alpha.hotline.view(event.id))?.state, 'sent');

    clock.advance(2_000);
    const sent = await eventsOf(alpha);
    const result = await bravo.ledger.receive(sent, 'alpha');
    // bravo holds it; alpha learns so from the receipt (FED3).
    await alpha.ledger.recordDeliveries([
      { line: LINE, origin: 'alpha', node: 'bravo', uptoSeq: event.seq, at: result.receivedAt },
    ]);
    for (const side of [alpha, bravo]) {
      const view = await side.hotline.view(event.id);
      assert.equal(view?.state, 'delivered');
      assert.equal(view?.deliveredAt, result.receivedAt);
      assert.deepEqual(view?.deliveredTo, { bravo: result.receivedAt });
    }

    clock.set(T0 + DEADLINES.FLASH + 1);
    for (const side of [alpha, bravo]) {
      const view = await side.hotline.view(event.id);
      assert.equal(view?.state, 'overdue');
      assert.equal(view?.overdueAt, isoTime(T0 + DEADLINES.FLASH));
      assert.equal(view?.deliveredAt, result.receivedAt);
    }
    const line = bravo.ledger.getLine(LINE);
    assert.ok(line);
    assert.deepEqual(
      (await bravo.hotline.latest(line, 10)).map((v) => [v.id, v.state]),
      [[event.id, 'overdue']],
    );
    assert.deepEqual(
      (await bravo.hotline.range(LINE, 'alpha', 1, 10)).map((v) => v.id),
      [event.id],
    );
  });

  it('view of an unknown message is null', async () => {
    const { alpha } = await makePair();
    assert.equal(await alpha.hotline.view('no-such-message'), null);
  });
});
