import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Peer } from './api.ts';
import {
  describeMessageState,
  NOT_DELIVERED_AFTER_MS,
  recipientsLinkDown,
  type StateWordsInput,
} from './stateWords.ts';
import { testStatus } from './testEvents.ts';

const SENT = '2026-11-26T21:04:05.000Z';
const SENT_MS = Date.parse(SENT);
const DEADLINE = '2026-11-26T21:14:05.000Z';
const DEADLINE_MS = Date.parse(DEADLINE);
const MINUTE = 60_000;

function words(overrides: Partial<StateWordsInput> & Pick<StateWordsInput, 'status'>) {
  return describeMessageState({
    isOwn: true,
    sentAt: SENT,
    bodyDeadline: DEADLINE,
    nowMs: SENT_MS + 2 * MINUTE,
    linkDownTo: [],
    readerZone: 'Europe/Paris',
    ...overrides,
  });
}

function peer(nodeId: string, state: Peer['state']): Peer {
  return { nodeId, name: nodeId, state, rttMs: null, queue: 0, lastHeartbeatAt: null, since: null };
}

describe('message state in words', () => {
  it('[HOT3] gives our message a few seconds before calling it undelivered', () => {
    const sent = testStatus('m', { deadline: DEADLINE });
    const early = words({ status: sent, nowMs: SENT_MS + NOT_DELIVERED_AFTER_MS - 1 });
    assert.deepEqual(early, { text: 'Sent — awaiting delivery', tone: 'pending' });
    const late = words({ status: sent, nowMs: SENT_MS + 12_000 });
    assert.deepEqual(late, { text: 'Not delivered — link fault? · 12 s ago · 9 min left', tone: 'fault' });
  });

  it('[HOT3] names the link that is down, at once, when our message is not delivered', () => {
    const sent = testStatus('m', { deadline: DEADLINE });
    assert.equal(
      words({ status: sent, nowMs: SENT_MS + 1000, linkDownTo: ['Bravo'] }).text,
      'Not delivered — link to Bravo down · 1 s ago · 9 min left',
    );
  });

  it('[HOT3] says delivered but not acknowledged is silence, with the time elapsed and the time left', () => {
    const delivered = testStatus('m', { state: 'delivered', deliveredAt: SENT, deadline: DEADLINE });
    assert.deepEqual(words({ status: delivered }), {
      text: 'Delivered, not acknowledged · 2 min ago · 8 min left',
      tone: 'awaiting',
    });
    const seen = testStatus('m', {
      state: 'seen',
      deliveredAt: SENT,
      seenAt: '2026-11-26T21:05:00.000Z',
      deadline: DEADLINE,
    });
    assert.equal(words({ status: seen }).text, 'Seen, not acknowledged · 2 min ago · 8 min left');
  });

  it('[HOT3] updates the elapsed and remaining times as the clock moves', () => {
    const delivered = testStatus('m', { state: 'delivered', deliveredAt: SENT, deadline: DEADLINE });
    assert.equal(
      words({ status: delivered, nowMs: SENT_MS + 45_000 }).text,
      'Delivered, not acknowledged · 45 s ago · 9 min left',
    );
    assert.equal(
      words({ status: delivered, nowMs: DEADLINE_MS - 30_000 }).text,
      'Delivered, not acknowledged · 9 min ago · 30 s left',
    );
  });

  it('[HOT3] uses the deadline stamped in the message when the report has none', () => {
    const delivered = testStatus('m', { state: 'delivered', deliveredAt: SENT, deadline: null });
    assert.equal(words({ status: delivered }).text, 'Delivered, not acknowledged · 2 min ago · 8 min left');
    assert.equal(
      words({ status: delivered, bodyDeadline: '' }).text,
      'Delivered, not acknowledged · 2 min ago',
      'no deadline known: no time left given',
    );
  });

  it('[HOT3] says how far past its deadline an overdue message is, fault and silence apart', () => {
    const nowMs = DEADLINE_MS + 3 * MINUTE;
    const silent = testStatus('m', {
      state: 'overdue',
      deliveredAt: SENT,
      deadline: DEADLINE,
      overdueAt: DEADLINE,
    });
    assert.deepEqual(words({ status: silent, nowMs }), {
      text: 'Overdue — no acknowledgement · 3 min past deadline',
      tone: 'overdue',
    });
    const undelivered = testStatus('m', { state: 'overdue', deadline: DEADLINE, overdueAt: DEADLINE });
    assert.equal(
      words({ status: undelivered, nowMs }).text,
      'Overdue — not delivered, link fault? · 3 min past deadline',
    );
    assert.equal(
      words({ status: undelivered, nowMs, linkDownTo: ['Bravo'] }).text,
      'Overdue — not delivered, link to Bravo down · 3 min past deadline',
    );
    assert.equal(
      words({ status: silent, nowMs, isOwn: false }).text,
      'Overdue — not acknowledged · 3 min past deadline',
      'a peer message our desk has not acknowledged',
    );
  });

  it('[HOT3][CON2] says who acknowledged and when, in UTC and the reader zone, on both sides', () => {
    const acked = testStatus('m', {
      state: 'acknowledged',
      deliveredAt: SENT,
      ackedAt: '2026-11-26T21:06:07.000Z',
      ackedBy: 'officer@bravo',
      deadline: DEADLINE,
    });
    const expected = {
      text: 'Acknowledged by officer@bravo at 21:06:07 UTC · 22:06:07 CET',
      tone: 'acknowledged',
    };
    assert.deepEqual(words({ status: acked }), expected);
    assert.deepEqual(words({ status: acked, isOwn: false }), expected);
    assert.equal(
      words({ status: acked, readerZone: 'UTC' }).text,
      'Acknowledged by officer@bravo at 21:06:07 UTC',
    );
  });

  it('[HOT3] says how late a late acknowledgement came', () => {
    const late = testStatus('m', {
      state: 'acknowledged',
      deliveredAt: SENT,
      ackedAt: '2026-11-26T21:19:05.000Z',
      ackedBy: 'officer@bravo',
      deadline: DEADLINE,
      overdueAt: DEADLINE,
    });
    assert.equal(
      words({ status: late, nowMs: DEADLINE_MS + 10 * MINUTE }).text,
      'Acknowledged by officer@bravo at 21:19:05 UTC · 22:19:05 CET · 5 min after the deadline',
    );
  });

  it('[HOT3] tells the receiving desk when the message came and when someone here opened it', () => {
    const delivered = testStatus('m', { state: 'delivered', deliveredAt: SENT, deadline: DEADLINE });
    assert.deepEqual(words({ status: delivered, isOwn: false }), {
      text: 'Delivered 21:04:05 UTC · 22:04:05 CET',
      tone: 'awaiting',
    });
    const seen = testStatus('m', { state: 'seen', deliveredAt: SENT, seenAt: SENT, deadline: DEADLINE });
    assert.equal(words({ status: seen, isOwn: false }).text, 'Seen 21:04:05 UTC · 22:04:05 CET');
  });

  it('[HOT3][FED7] finds the recipients whose link is down and that lack the message', () => {
    const peers = [peer('bravo', 'down'), peer('charlie', 'down'), peer('delta', 'up')];
    const members = ['alpha', 'bravo', 'charlie', 'delta'];
    assert.deepEqual(
      recipientsLinkDown(members, 'alpha', { charlie: SENT }, peers).map((p) => p.nodeId),
      ['bravo'],
      'charlie holds it already; delta is up',
    );
    assert.deepEqual(
      recipientsLinkDown(['alpha', 'delta'], 'alpha', {}, peers).map((p) => p.nodeId),
      [],
      'bravo is not on this line',
    );
    assert.deepEqual(
      recipientsLinkDown([], 'alpha', {}, peers).map((p) => p.nodeId),
      ['bravo', 'charlie'],
      'no member list: every peer counts',
    );
  });
});
