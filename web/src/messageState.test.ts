import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  awaitsOurAcknowledgement,
  currentStatus,
  effectiveStatus,
  mayAcknowledge,
  maySend,
  unacknowledgedFlashes,
  unknownStatus,
  withAcknowledgement,
} from './messageState.ts';
import { acknowledgementsByMessage, readAcknowledgement, readMessageBody } from './messages.ts';
import { testEvent, testStatus } from './testEvents.ts';

const DEADLINE = '2026-11-26T21:14:05.000Z';
const BEFORE = Date.parse(DEADLINE) - 1000;
const AFTER = Date.parse(DEADLINE) + 1000;

/** A `message.acknowledged` event of `origin` for message `id`, at `ts`. */
function ack(origin: string, seq: number, id: string, ts = '2026-11-26T21:06:07.000Z', text?: string) {
  const event = testEvent(origin, seq, seq + 10, 'message.acknowledged', {
    message: id,
    ...(text === undefined ? {} : { text }),
  });
  return { ...event, ts, author: `officer@${origin}` };
}

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

  it('[SEC1] lets admin, supervisor and officer acknowledge; interpreter and observer never', () => {
    assert.deepEqual(
      (['admin', 'supervisor', 'officer', 'interpreter', 'observer'] as const).map(mayAcknowledge),
      [true, true, true, false, false],
    );
  });

  it('[HOT3] offers the Acknowledge control on a peer message until it is acknowledged, also when overdue', () => {
    const delivered = testStatus('m', { state: 'delivered', deadline: DEADLINE });
    assert.equal(awaitsOurAcknowledgement(delivered, false), true);
    assert.equal(awaitsOurAcknowledgement(delivered, true), false, 'never our own message');
    assert.equal(
      awaitsOurAcknowledgement({ ...delivered, state: 'overdue', overdueAt: DEADLINE }, false),
      true,
    );
    const acked = {
      ...delivered,
      state: 'acknowledged' as const,
      ackedAt: DEADLINE,
      ackedBy: 'officer@alpha',
    };
    assert.equal(awaitsOurAcknowledgement(acked, false), false);
  });

  it('[HOT3] reads acknowledgements and their replies; the earliest one of a message wins', () => {
    const first = ack('bravo', 2, 'alpha-1-c1', '2026-11-26T21:06:07.000Z', 'Received, checking');
    const concurrent = ack('charlie', 1, 'alpha-1-c1', '2026-11-26T21:06:09.000Z');
    const other = ack('bravo', 3, 'alpha-2-c2', '2026-11-26T21:07:00.000Z');
    assert.equal(readAcknowledgement(first)?.text, 'Received, checking');
    assert.equal(readAcknowledgement(other)?.text, null);
    assert.equal(readAcknowledgement(testEvent('alpha', 1, 1)), null, 'a message is not an acknowledgement');
    const found = acknowledgementsByMessage([concurrent, first, other]);
    assert.equal(found.get('alpha-1-c1')?.event, first);
    assert.equal(found.get('alpha-2-c2')?.event, other);
    assert.equal(found.size, 2);
  });

  it('[HOT3] counts an acknowledgement held before the node reports it; the node report wins', () => {
    const delivered = testStatus('m', { state: 'delivered', deadline: DEADLINE });
    const held = readAcknowledgement(ack('bravo', 2, 'm'));
    assert.ok(held);
    const applied = withAcknowledgement(delivered, held);
    assert.equal(applied.state, 'acknowledged');
    assert.equal(applied.ackedBy, 'officer@bravo');
    assert.equal(applied.ackedAt, '2026-11-26T21:06:07.000Z');
    assert.equal(withAcknowledgement(delivered, undefined), delivered);
    const reported = testStatus('m', {
      state: 'acknowledged',
      ackedAt: DEADLINE,
      ackedBy: 'supervisor@bravo',
    });
    assert.equal(withAcknowledgement(reported, held), reported);
  });

  it('[CON1] ends the FLASH alarm at once when the acknowledgement is held, before its state frame', () => {
    const incoming = flash('bravo', 1);
    const body = readMessageBody(incoming);
    assert.ok(body);
    const statuses = { [incoming.id]: testStatus(incoming.id, { state: 'seen', deadline: DEADLINE }) };
    assert.equal(unacknowledgedFlashes([incoming], statuses, 'alpha', BEFORE).length, 1);
    const acks = acknowledgementsByMessage([ack('alpha', 2, incoming.id)]);
    assert.deepEqual(unacknowledgedFlashes([incoming], statuses, 'alpha', BEFORE, acks), []);
    assert.deepEqual(
      unacknowledgedFlashes([incoming], statuses, 'alpha', AFTER, acks),
      [],
      'even past the deadline',
    );
    assert.equal(currentStatus(incoming, body, statuses, acks, AFTER).state, 'acknowledged');
    assert.equal(currentStatus(incoming, body, statuses, new Map(), AFTER).state, 'overdue');
  });
});
