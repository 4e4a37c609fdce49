import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../core/clock.ts';
import { FRAME_LIMITS, limitedKind, PeerFrameLimits } from './frameLimits.ts';
import { HEARTBEAT_MS } from './link.ts';

const T0 = Date.parse('2026-11-27T00:00:00.000Z');

describe('federation frame limits', () => {
  it('[SEC4] a flood of call frames from one peer overflows; another peer is not held back', () => {
    const limits = new PeerFrameLimits(new ManualClock(T0));
    let admitted = 0;
    let overflow: string | null = null;
    for (let i = 0; i < 10_000 && overflow === null; i++) {
      overflow = limits.admit('bravo', 'rtc.signal');
      if (overflow === null) admitted += 1;
    }
    assert.equal(overflow, 'signalling');
    assert.equal(admitted, FRAME_LIMITS.signalling.burst);
    assert.equal(limits.admit('charlie', 'call.invite'), null);
  });

  it('[SEC4] a working link never meets the limits: heartbeats, signalling of busy calls', () => {
    const clock = new ManualClock(T0);
    const limits = new PeerFrameLimits(clock);
    // An hour of heartbeats and their answers, with a call set up every 10 s (offer, answer,
    // 40 ICE candidates, ringing, accept, end) and a reconnect (heads) every minute.
    for (let ms = 0; ms < 3_600_000; ms += HEARTBEAT_MS) {
      clock.set(T0 + ms);
      for (const type of ['ping', 'pong']) assert.equal(limits.admit('bravo', type), null, type);
      if (ms % 10_000 === 0) {
        for (const type of ['call.invite', 'call.ringing', 'call.accept', 'call.end'])
          assert.equal(limits.admit('bravo', type), null, type);
        for (let i = 0; i < 42; i++) assert.equal(limits.admit('bravo', 'rtc.signal'), null);
      }
      if (ms % 60_000 === 0) assert.equal(limits.admit('bravo', 'heads'), null);
    }
  });

  it('[SEC4] heartbeats and heads have tight limits; batches, receipts and blob frames are bounded elsewhere', () => {
    const limits = new PeerFrameLimits(new ManualClock(T0));
    for (let i = 0; i < FRAME_LIMITS.heartbeat.burst; i++) assert.equal(limits.admit('bravo', 'ping'), null);
    assert.equal(limits.admit('bravo', 'ping'), 'heartbeat');
    for (let i = 0; i < FRAME_LIMITS.heads.burst; i++) assert.equal(limits.admit('bravo', 'heads'), null);
    assert.equal(limits.admit('bravo', 'heads'), 'heads');
    for (const type of ['batch', 'receipt', 'blob.get', 'blob.chunk', 'blob.missing', 'hello', 'proof'])
      assert.equal(limitedKind(type), null, type);
    assert.equal(limitedKind('constructor'), null, 'an inherited property is no frame kind');
  });
});
