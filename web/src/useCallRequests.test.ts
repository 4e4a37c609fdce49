import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallRequest } from './api.ts';
import { awaitsUs, callReminders, currentCallState, scheduledCalls } from './useCallRequests.ts';

const T0 = Date.UTC(2026, 10, 27, 6, 0, 0);
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** A request from bravo to this desk (alpha), open, asked at T0 with a 40-minute deadline. */
function request(fields: Partial<CallRequest> = {}): CallRequest {
  return {
    request: 'abcdefgh12',
    line: 'hotline-alpha-bravo',
    requester: 'bravo',
    requestedBy: 'officer@bravo',
    requestedAt: iso(T0),
    level: 'director',
    topic: 'Exercise area',
    urgency: 'IMMEDIATE',
    proposedAt: null,
    deadline: iso(T0 + 40 * MINUTE),
    state: 'open',
    turn: 'peer',
    time: null,
    agreedTime: null,
    answers: [],
    closedAt: null,
    closedBy: null,
    side: 'peer',
    awaiting: ['alpha'],
    mayAnswer: ['accept', 'propose', 'decline'],
    ...fields,
  };
}

function agreed(id: string, atMs: number): CallRequest {
  return request({
    request: id,
    state: 'agreed',
    turn: null,
    time: iso(atMs),
    agreedTime: iso(atMs),
    awaiting: [],
    mayAnswer: [],
  });
}

describe('call requests in the console [HOT7]', () => {
  it('[HOT7] an open request turns overdue on the reader’s clock as its deadline passes, and takes no answer', () => {
    const open = request();
    assert.equal(currentCallState(open, T0 + 40 * MINUTE), 'open');
    assert.equal(currentCallState(open, T0 + 40 * MINUTE + 1), 'overdue');
    assert.equal(awaitsUs(open, T0), true);
    assert.equal(awaitsUs(open, T0 + 41 * MINUTE), false);
    assert.equal(awaitsUs(request({ side: 'requester', mayAnswer: ['decline'] }), T0), false);
  });

  it('[HOT7] scheduled calls are the agreed ones, soonest first, kept an hour after their time', () => {
    const now = T0 + 120 * MINUTE;
    const list = scheduledCalls(
      [
        agreed('later', now + 30 * MINUTE),
        agreed('past', now - 61 * MINUTE),
        agreed('soon', now + MINUTE),
        request(),
      ],
      now,
    );
    assert.deepEqual(
      list.map((item) => item.request),
      ['soon', 'later'],
    );
  });

  it('[HOT7] a reminder shows for an agreed call due within 5 minutes, not earlier', () => {
    const call = agreed('call', T0 + 60 * MINUTE);
    assert.deepEqual(callReminders([call], T0 + 54 * MINUTE), []);
    assert.deepEqual(
      callReminders([call], T0 + 55 * MINUTE).map((reminder) => reminder.kind),
      ['due'],
    );
    assert.equal(callReminders([call], T0 + 64 * MINUTE).length, 1, 'still shown just after its time');
    assert.deepEqual(callReminders([call], T0 + 66 * MINUTE), []);
  });

  it('[HOT7] a request to this desk is reminded of in the last quarter of its time to the deadline, and not to the requester', () => {
    const toUs = request();
    assert.deepEqual(callReminders([toUs], T0 + 29 * MINUTE), []);
    assert.deepEqual(
      callReminders([toUs], T0 + 30 * MINUTE).map((reminder) => reminder.kind),
      ['deadline'],
    );
    assert.deepEqual(callReminders([toUs], T0 + 41 * MINUTE), [], 'overdue: no more reminder');
    const ours = request({ side: 'requester', requester: 'alpha', mayAnswer: ['decline'] });
    assert.deepEqual(callReminders([ours], T0 + 35 * MINUTE), []);
  });
});
