import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ackErrorText } from './acknowledgement.ts';
import { isRetryableFailure, isSeenEnough, SeenMarks, wantsSeenMark } from './seenMarks.ts';
import { testStatus } from './testEvents.ts';

describe('marking messages seen', () => {
  it('[HOT3] wants a seen mark only for a peer message neither seen nor acknowledged', () => {
    const delivered = testStatus('m', { state: 'delivered', deliveredAt: '2026-11-26T21:04:06.000Z' });
    assert.equal(wantsSeenMark(delivered, false), true);
    assert.equal(wantsSeenMark(delivered, true), false, 'our own message');
    assert.equal(
      wantsSeenMark({ ...delivered, state: 'seen', seenAt: '2026-11-26T21:05:00.000Z' }, false),
      false,
    );
    assert.equal(
      wantsSeenMark({ ...delivered, state: 'acknowledged', ackedAt: '2026-11-26T21:05:00.000Z' }, false),
      false,
    );
    assert.equal(
      wantsSeenMark({ ...delivered, state: 'overdue', overdueAt: '2026-11-26T23:00:00.000Z' }, false),
      true,
      'an overdue message not yet opened still gets its seen mark',
    );
  });

  it('[HOT3] reports each message once, however often it comes into view', () => {
    const marks = new SeenMarks();
    assert.equal(marks.claim('a'), true);
    assert.equal(marks.claim('a'), false);
    assert.equal(marks.claim('b'), true);
    assert.equal(marks.claim('a'), false);
  });

  it('[HOT3] retries after no real answer, never after a refusal', () => {
    const marks = new SeenMarks();
    for (const status of [403, 404, 409]) {
      marks.claim(`refused-${status}`);
      marks.failed(`refused-${status}`, status);
      assert.equal(marks.claim(`refused-${status}`), false, `${status} is final`);
    }
    for (const status of [0, 429, 500, 503]) {
      marks.claim(`lost-${status}`);
      marks.failed(`lost-${status}`, status);
      assert.equal(marks.claim(`lost-${status}`), true, `${status} is retried`);
    }
    assert.deepEqual([0, 403, 409, 429, 502].map(isRetryableFailure), [true, false, false, true, true]);
  });

  it('[HOT3] counts a message seen when half of it, or half the list, is on screen', () => {
    const base = { isIntersecting: true, intersectionRatio: 0, visibleHeight: 0, viewportHeight: 500 };
    assert.equal(isSeenEnough({ ...base, intersectionRatio: 0.5, visibleHeight: 40 }), true);
    assert.equal(isSeenEnough({ ...base, intersectionRatio: 0.2, visibleHeight: 20 }), false, 'a sliver');
    assert.equal(
      isSeenEnough({ ...base, intersectionRatio: 0.3, visibleHeight: 300 }),
      true,
      'a message taller than the list fills most of it',
    );
    assert.equal(isSeenEnough({ ...base, isIntersecting: false, intersectionRatio: 0.9 }), false);
    assert.equal(
      isSeenEnough({ ...base, intersectionRatio: 0.3, visibleHeight: 300, viewportHeight: null }),
      false,
    );
  });
});

describe('acknowledgement errors in words', () => {
  it('[HOT3][SEC1] puts the node refusals in our own words, and passes on the rest', () => {
    assert.match(ackErrorText({ status: 409, code: 'own-message', message: 'x' }), /our own node/);
    assert.match(
      ackErrorText({ status: 409, code: 'already-acknowledged', message: 'x' }),
      /^Already acknowledged/,
    );
    assert.match(ackErrorText({ status: 403, code: 'forbidden', message: 'x' }), /role may not acknowledge/);
    assert.match(ackErrorText({ status: 404, code: 'unknown-message', message: 'x' }), /does not hold/);
    assert.equal(
      ackErrorText({ status: 0, code: 'network', message: 'The node did not answer.' }),
      'The node did not answer.',
    );
  });
});
