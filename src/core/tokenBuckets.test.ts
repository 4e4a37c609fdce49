import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBuckets } from './tokenBuckets.ts';

const T0 = Date.parse('2026-11-27T00:00:00.000Z');

describe('token buckets', () => {
  it('[SEC4] a key spends its burst at once, then waits for the sustained rate', () => {
    const buckets = new TokenBuckets({ perSecond: 10, burst: 5 });
    for (let i = 0; i < 5; i++) assert.equal(buckets.take('desk', T0), 0, `request ${i + 1}`);
    assert.equal(buckets.take('desk', T0), 100, 'the sixth waits a tenth of a second');
    assert.equal(buckets.take('desk', T0 + 50), 50, 'half earned after 50 ms');
    assert.equal(buckets.take('desk', T0 + 100), 0, 'one token back after 100 ms');
    assert.equal(buckets.take('desk', T0 + 100), 100);
  });

  it('[SEC4] a refused request spends nothing, and tokens never pile up past the burst', () => {
    const buckets = new TokenBuckets({ perSecond: 1, burst: 2 });
    buckets.take('a', T0);
    buckets.take('a', T0);
    for (let i = 0; i < 10; i++) assert.ok(buckets.take('a', T0 + 500) > 0);
    assert.equal(buckets.take('a', T0 + 1000), 0, 'refusals did not push the wait further out');
    const later = T0 + 3_600_000;
    assert.equal(buckets.take('a', later), 0);
    assert.equal(buckets.take('a', later), 0);
    assert.ok(buckets.take('a', later) > 0, 'an hour idle gives the burst, not an hour of tokens');
  });

  it('[SEC4] keys are independent', () => {
    const buckets = new TokenBuckets({ perSecond: 1, burst: 1 });
    assert.equal(buckets.take('flooder', T0), 0);
    assert.ok(buckets.take('flooder', T0) > 0);
    assert.equal(buckets.take('desk', T0), 0, 'another key is not slowed by the flooder');
  });

  it('[SEC4] memory stays bounded: full buckets go first, then the idlest', () => {
    const buckets = new TokenBuckets({ perSecond: 1, burst: 3 }, 100);
    for (let i = 0; i < 1000; i++) buckets.take(`address-${i}`, T0 + i);
    assert.ok(buckets.size <= 100, `${buckets.size} keys kept`);
    // A key still draining is kept over one that filled up again.
    const draining = new TokenBuckets({ perSecond: 1, burst: 3 }, 2);
    draining.take('busy', T0);
    draining.take('busy', T0);
    draining.take('idle', T0 - 10_000);
    draining.take('new', T0);
    assert.equal(draining.take('busy', T0), 0, 'busy kept its one remaining token');
    assert.ok(draining.take('busy', T0) > 0, 'and now has none: its bucket was not forgotten');
  });
});
