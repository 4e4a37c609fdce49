import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveStatus, maySend, unacknowledgedFlashes, unknownStatus } from './messageState.ts';
import { testEvent, testStatus } from './testEvents.ts';

const DEADLINE = '2026-11-26T21:14:05.000Z';
const BEFORE = Date.parse(DEADLINE) - 1000;
const AFTER = Date.parse(DEADLINE) + 1000;

function flash(origin: string, seq: number) {
  return testEvent(origin, seq, seq, 'message.posted', {
    text: `${origin} flash`,
    precedence: 'FLASH',
    deadline: DEADLINE,
  });
}

describe('message state shown by the console', () => {
  it('[HOT3] turns a delivered message overdue once its deadline passes without an acknowledgement', () => {
    const delivered = testStatus('m', {
      state: 'delivered',
      deliveredAt: '2026-11-26T21:04:06.000Z',
      deadline: DEADLINE,
    });
    assert.equal(effectiveStatus(delivered, BEFORE), delivered);
    const overdue = effectiveStatus(delivered, AFTER);
    assert.equal(overdue.state, 'overdue');
    assert.equal(overdue.overdueAt, DEADLINE);
    assert.equal(overdue.deliveredAt, delivered.deliveredAt, 'deliveredAt stays set: silence, not a fault');
  });

  it('[HOT3] leaves acknowledged messages alone, however late', () => {
    const acked = testStatus('m', {
      state: 'acknowledged',
      ackedAt: DEADLINE,
      ackedBy: 'officer@bravo',
      deadline: DEADLINE,
    });
    assert.equal(effectiveStatus(acked, AFTER + 3600_000), acked);
  });

  it('[HOT2] uses the deadline stamped in the message when no report has come yet', () => {
    const unknown = unknownStatus('m');
    assert.equal(unknown.state, 'sent');
    assert.equal(effectiveStatus(unknown, AFTER).state, 'sent', 'no deadline known');
    assert.equal(effectiveStatus(unknown, AFTER, DEADLINE).state, 'overdue');
    assert.equal(effectiveStatus(unknown, AFTER, 'not a time').state, 'sent');
  });

  it('[CON1] alarms for every FLASH from a peer until it is acknowledged', () => {
    const incoming = flash('bravo', 1);
    const alarms = unacknowledgedFlashes(
      [incoming],
      { [incoming.id]: testStatus(incoming.id, { state: 'delivered', deadline: DEADLINE }) },
      'alpha',
      BEFORE,
    );
    assert.deepEqual(
      alarms.map((item) => [item.event.id, item.isOwn, item.status.state]),
      [[incoming.id, false, 'delivered']],
    );
    const acked = testStatus(incoming.id, {
      state: 'acknowledged',
      ackedAt: DEADLINE,
      ackedBy: 'officer@alpha',
    });
    assert.deepEqual(unacknowledgedFlashes([incoming], { [incoming.id]: acked }, 'alpha', AFTER), []);
  });

  it('[CON1][HOT4] alarms for our own FLASH only once it is overdue; other precedences never', () => {
    const own = flash('alpha', 1);
    const routine = testEvent('bravo', 1, 2);
    const statuses = { [own.id]: testStatus(own.id, { state: 'delivered', deadline: DEADLINE }) };
    assert.deepEqual(unacknowledgedFlashes([own, routine], statuses, 'alpha', BEFORE), []);
    const late = unacknowledgedFlashes([own, routine], statuses, 'alpha', AFTER);
    assert.deepEqual(
      late.map((item) => [item.event.id, item.isOwn, item.status.state]),
      [[own.id, true, 'overdue']],
    );
  });

  it('[SEC1] lets admin, supervisor and officer send; interpreter and observer only read', () => {
    assert.deepEqual((['admin', 'supervisor', 'officer', 'interpreter', 'observer'] as const).map(maySend), [
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});
