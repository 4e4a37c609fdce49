import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escalatedMessages, latestEscalations, openEscalations, readEscalation } from './escalations.ts';
import { testEvent } from './testEvents.ts';

const MESSAGE = 'alpha-2-c2';

function raised(origin: string, seq: number, clock: number, step: number, side: 'receiver' | 'sender') {
  return testEvent(origin, seq, clock, 'escalation.raised', {
    message: MESSAGE,
    step,
    precedence: 'FLASH',
    side,
    roles: ['supervisor'],
    channels: ['console', 'email'],
    overdueAt: '2026-11-26T21:14:05.000Z',
  });
}

describe('escalations in the console [HOT4][CON1]', () => {
  const posted = testEvent('alpha', 2, 2, 'message.posted', {
    text: 'x',
    precedence: 'FLASH',
    deadline: '2026-11-26T21:14:05.000Z',
  });
  const events = [
    posted,
    raised('bravo', 3, 3, 1, 'receiver'),
    raised('alpha', 3, 4, 1, 'sender'),
    raised('bravo', 4, 5, 2, 'receiver'),
  ];

  it('[HOT4] reads the latest step of each node, naming roles and channels', () => {
    const atBravo = latestEscalations(events, 'bravo').get(MESSAGE);
    assert.equal(atBravo?.step, 2);
    assert.deepEqual(atBravo?.roles, ['supervisor']);
    assert.deepEqual(atBravo?.channels, ['console', 'email']);
    assert.equal(latestEscalations(events, 'alpha').get(MESSAGE)?.side, 'sender');
    assert.equal(readEscalation(testEvent('bravo', 9, 9, 'escalation.raised', { message: MESSAGE })), null);
  });

  it('[CON1] the banner shows open escalations until the acknowledgement; the FLASH alarm gives way once escalated', () => {
    assert.deepEqual(
      openEscalations(events, 'bravo').map((e) => e.step),
      [2],
    );
    assert.ok(escalatedMessages(events).has(MESSAGE));
    const acked = [...events, testEvent('bravo', 5, 6, 'message.acknowledged', { message: MESSAGE })];
    assert.deepEqual(openEscalations(acked, 'bravo'), []);
  });
});
