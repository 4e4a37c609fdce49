import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Peer } from './api.ts';
import {
  type ConsoleAction,
  type ConsoleState,
  consoleReducer,
  initialConsoleState,
} from './consoleState.ts';
import { LINE, testEvent, testStatus } from './testEvents.ts';

function reduce(actions: readonly ConsoleAction[], from: ConsoleState = initialConsoleState): ConsoleState {
  return actions.reduce(consoleReducer, from);
}

function ids(state: ConsoleState, lineId = LINE): string[] {
  return (state.eventsByLine[lineId] ?? []).map((event) => event.id);
}

function peer(state: Peer['state'], nodeId = 'bravo'): Peer {
  return { nodeId, name: 'Bravo', state, rttMs: 12, queue: 0, lastHeartbeatAt: null, since: null };
}

describe('console state', () => {
  it('[LOG7] shows a line read out of order in LOG7 order: clock, then origin, then seq', () => {
    const state = reduce([
      {
        type: 'line-loaded',
        lineId: LINE,
        events: [testEvent('bravo', 1, 2), testEvent('alpha', 2, 2), testEvent('alpha', 1, 1)],
        statuses: [],
      },
    ]);
    assert.deepEqual(ids(state), ['alpha-1-c1', 'alpha-2-c2', 'bravo-1-c2']);
    assert.equal(state.loadedLines[LINE], true);
  });

  it('[LOG7] puts a late concurrent event before events already shown', () => {
    const state = reduce([
      {
        type: 'line-loaded',
        lineId: LINE,
        events: [testEvent('alpha', 1, 1), testEvent('alpha', 2, 3)],
        statuses: [],
      },
      { type: 'event-received', event: testEvent('bravo', 1, 2) },
    ]);
    assert.deepEqual(ids(state), ['alpha-1-c1', 'bravo-1-c2', 'alpha-2-c3']);
  });

  it('[LOG7] two consoles that receive the same events in any order show the same sequence', () => {
    const events = [
      testEvent('alpha', 1, 1),
      testEvent('bravo', 1, 2),
      testEvent('alpha', 2, 2),
      testEvent('bravo', 2, 3),
      testEvent('alpha', 3, 4),
    ];
    fc.assert(
      fc.property(fc.shuffledSubarray(events, { minLength: events.length }), (shuffled) => {
        const one = reduce(events.map((event) => ({ type: 'event-received', event })));
        const other = reduce(shuffled.map((event) => ({ type: 'event-received', event })));
        assert.deepEqual(ids(other), ids(one));
      }),
    );
  });

  it('[CON5] merges an event that comes from the stream, the history and our own post only once', () => {
    const event = testEvent('alpha', 1, 1);
    const once = reduce([{ type: 'event-received', event }]);
    const again = consoleReducer(once, { type: 'event-received', event });
    assert.equal(again, once, 'a repeat leaves the state untouched');
    const loaded = consoleReducer(once, { type: 'line-loaded', lineId: LINE, events: [event], statuses: [] });
    assert.deepEqual(ids(loaded), ['alpha-1-c1']);
  });

  it('[FED3] keeps heads.recorded bookkeeping out of the line, from the history and the stream', () => {
    const heads = testEvent('bravo', 2, 3, 'heads.recorded', { heads: {}, arrivals: {} });
    const genesis = testEvent('alpha', 1, 1, 'line.created', { members: ['alpha', 'bravo'] });
    const loaded = reduce([
      { type: 'line-loaded', lineId: LINE, events: [genesis, testEvent('bravo', 1, 2), heads], statuses: [] },
    ]);
    assert.deepEqual(ids(loaded), ['alpha-1-c1', 'bravo-1-c2']);
    const streamed = consoleReducer(loaded, {
      type: 'event-received',
      event: testEvent('alpha', 2, 4, 'heads.recorded', { heads: {}, arrivals: {} }),
    });
    assert.equal(streamed, loaded);
  });

  it('[HOT3] keeps acknowledgements (for their reply) and drops message.seen bookkeeping', () => {
    const seen = testEvent('bravo', 2, 3, 'message.seen', { message: 'alpha-1-c1' });
    const acknowledged = testEvent('bravo', 3, 4, 'message.acknowledged', {
      message: 'alpha-1-c1',
      text: 'Roger',
    });
    const state = reduce([
      { type: 'line-loaded', lineId: LINE, events: [testEvent('alpha', 1, 1), seen], statuses: [] },
      { type: 'event-received', event: testEvent('bravo', 4, 5, 'message.seen', { message: 'alpha-2-c2' }) },
      { type: 'event-received', event: acknowledged },
    ]);
    assert.deepEqual(ids(state), ['alpha-1-c1', 'bravo-3-c4']);
  });

  it('[HOT3] keeps the latest state report of each message, from the history or the stream', () => {
    const state = reduce([
      {
        type: 'line-loaded',
        lineId: LINE,
        events: [testEvent('alpha', 1, 1)],
        statuses: [testStatus('alpha-1-c1')],
      },
      {
        type: 'statuses-received',
        statuses: [testStatus('alpha-1-c1', { state: 'delivered', deliveredAt: '2026-11-26T21:04:06.000Z' })],
      },
    ]);
    assert.equal(state.statusById['alpha-1-c1']?.state, 'delivered');
    assert.equal(state.statusById['alpha-1-c1']?.deliveredAt, '2026-11-26T21:04:06.000Z');
  });

  it('[FED7] replaces a peer link by node id and adds a new one', () => {
    const state = reduce([
      { type: 'peers-loaded', peers: [peer('up')] },
      { type: 'peer-received', peer: peer('down') },
      { type: 'peer-received', peer: peer('degraded', 'charlie') },
    ]);
    assert.deepEqual(
      state.peers.map((p) => [p.nodeId, p.state]),
      [
        ['bravo', 'down'],
        ['charlie', 'degraded'],
      ],
    );
  });

  it('[CON5] tracks the stream: connecting, live, lost; an unchanged state keeps the same object', () => {
    assert.equal(initialConsoleState.connection, 'connecting');
    const live = consoleReducer(initialConsoleState, { type: 'connection-changed', connection: 'live' });
    assert.equal(live.connection, 'live');
    assert.equal(consoleReducer(live, { type: 'connection-changed', connection: 'live' }), live);
    assert.equal(consoleReducer(live, { type: 'connection-changed', connection: 'lost' }).connection, 'lost');
  });

  it('keeps the lines the node lists', () => {
    const lines = [
      { id: LINE, kind: 'hotline' as const, title: 'Alpha ⇄ Bravo', members: ['alpha', 'bravo'] },
    ];
    assert.deepEqual(reduce([{ type: 'lines-loaded', lines }]).lines, lines);
  });

  it('[HOT1] a thread opened while the console runs (an encounter’s) joins the line list once', () => {
    const lines = [
      { id: LINE, kind: 'hotline' as const, title: 'Alpha ⇄ Bravo', members: ['alpha', 'bravo'] },
    ];
    const opened = {
      ...testEvent('alpha', 1, 9, 'line.created', {
        kind: 'thread',
        title: 'Encounter ALPHA-20261127-3F2A',
        members: ['alpha', 'bravo'],
      }),
      line: 'line-thread-1',
    };
    const state = reduce([
      { type: 'lines-loaded', lines },
      { type: 'event-received', event: opened },
      { type: 'event-received', event: { ...opened, id: 'replayed-copy' } },
    ]);
    assert.deepEqual(state.lines.at(-1), {
      id: 'line-thread-1',
      kind: 'thread',
      title: 'Encounter ALPHA-20261127-3F2A',
      members: ['alpha', 'bravo'],
    });
    assert.equal(state.lines.length, 2);
    const other = reduce([{ type: 'event-received', event: testEvent('alpha', 2, 10) }], state);
    assert.equal(other.lines, state.lines);
  });
});
