/**
 * Projections (LOG1): what `message.posted` and `heads.recorded` events change, from signed
 * events built with a real key. Pure functions: no store needed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signEvent } from '../core/event.ts';
import { generateKeyPair, Signer } from '../core/sign.ts';
import type { JsonObject, LiaisonEvent } from '../core/types.ts';
import { projectEvent, readDeliveries, readMessageBody } from './projection.ts';

const LINE = 'hotline-alpha-bravo';
const bravo = new Signer(generateKeyPair().privateKey);
const TS = '2025-03-01T08:00:00.000Z';
const DEADLINE = '2025-03-01T08:10:00.000Z';

function event(type: string, body: JsonObject, seq = 3): LiaisonEvent {
  return signEvent(
    {
      v: 1,
      line: LINE,
      origin: 'bravo',
      seq,
      prev: seq === 1 ? null : 'A'.repeat(43),
      clock: 7,
      deps: {},
      ts: TS,
      author: 'officer@bravo',
      type,
      body,
    },
    bravo,
  );
}

describe('projectEvent: message.posted', () => {
  it('[HOT3] a valid body gives one message row, state fields empty, the stamped deadline kept [HOT2]', () => {
    const posted = event('message.posted', {
      text: 'Vessel at 12 nm',
      precedence: 'FLASH',
      deadline: DEADLINE,
    });
    assert.deepEqual(projectEvent(posted), [
      {
        op: 'message.insert',
        row: {
          id: posted.id,
          line: LINE,
          origin: 'bravo',
          seq: 3,
          author: 'officer@bravo',
          precedence: 'FLASH',
          postedAt: TS,
          deadline: DEADLINE,
          seenAt: null,
          seenBy: null,
          ackedAt: null,
          ackedBy: null,
          overdueAt: null,
        },
      },
    ]);
  });

  const invalid: [string, JsonObject][] = [
    ['no text', { precedence: 'FLASH', deadline: DEADLINE }],
    ['text not a string', { text: 42, precedence: 'FLASH', deadline: DEADLINE }],
    ['unknown precedence', { text: 'hi', precedence: 'URGENT', deadline: DEADLINE }],
    ['lowercase precedence', { text: 'hi', precedence: 'flash', deadline: DEADLINE }],
    ['no deadline', { text: 'hi', precedence: 'ROUTINE' }],
    [
      'deadline without milliseconds',
      { text: 'hi', precedence: 'ROUTINE', deadline: '2025-03-01T08:10:00Z' },
    ],
    [
      'deadline on a day that does not exist',
      { text: 'hi', precedence: 'ROUTINE', deadline: '2025-02-30T08:10:00.000Z' },
    ],
    ['deadline at hour 25', { text: 'hi', precedence: 'ROUTINE', deadline: '2025-03-01T25:10:00.000Z' }],
    ['deadline not a string', { text: 'hi', precedence: 'ROUTINE', deadline: 1_740_816_600_000 }],
  ];
  for (const [what, body] of invalid) {
    it(`[LOG1] a body this version does not understand projects nothing: ${what}`, () => {
      assert.deepEqual(projectEvent(event('message.posted', body)), []);
      assert.equal(readMessageBody(body), null);
    });
  }
});

describe('projectEvent: heads.recorded', () => {
  it('[FED3] arrivals become delivery rows for the recording node', () => {
    const recorded = event('heads.recorded', {
      heads: { alpha: { seq: 5, id: 'A'.repeat(43) } },
      arrivals: {
        alpha: [
          [3, '2025-03-01T08:00:01.000Z'],
          [5, '2025-03-01T08:00:02.500Z'],
        ],
        charlie: [[1, '2025-03-01T08:00:03.000Z']],
      },
    });
    assert.deepEqual(projectEvent(recorded), [
      {
        op: 'delivery.add',
        row: { line: LINE, origin: 'alpha', node: 'bravo', uptoSeq: 3, at: '2025-03-01T08:00:01.000Z' },
      },
      {
        op: 'delivery.add',
        row: { line: LINE, origin: 'alpha', node: 'bravo', uptoSeq: 5, at: '2025-03-01T08:00:02.500Z' },
      },
      {
        op: 'delivery.add',
        row: { line: LINE, origin: 'charlie', node: 'bravo', uptoSeq: 1, at: '2025-03-01T08:00:03.000Z' },
      },
    ]);
  });

  it('[FED3] malformed arrival entries are skipped, the good ones kept', () => {
    const good = '2025-03-01T08:00:01.000Z';
    const recorded = event('heads.recorded', {
      heads: {},
      arrivals: {
        alpha: [
          [0, good],
          [-1, good],
          [1.5, good],
          ['2', good],
          [2, 'yesterday'],
          [2, '2025-03-01T08:00:01Z'],
          [2, '2025-03-01T24:00:01.000Z'],
          [2],
          [2, good, 'extra'],
          'not an entry',
          null,
          [4, good],
        ],
        charlie: 'not a list',
        delta: { 0: [1, good] },
      },
    });
    assert.deepEqual(readDeliveries(recorded), [
      { line: LINE, origin: 'alpha', node: 'bravo', uptoSeq: 4, at: good },
    ]);
  });

  it('[FED3] a body without arrivals, or with arrivals that are not an object, projects nothing', () => {
    assert.deepEqual(projectEvent(event('heads.recorded', { heads: {} })), []);
    assert.deepEqual(projectEvent(event('heads.recorded', { arrivals: [[1, TS]] })), []);
    assert.deepEqual(projectEvent(event('heads.recorded', { arrivals: null })), []);
  });
});

describe('projectEvent: other types', () => {
  it('[LOG1] line.created and unknown types project nothing', () => {
    assert.deepEqual(
      projectEvent(event('line.created', { kind: 'hotline', title: 'T', members: ['alpha'] }, 1)),
      [],
    );
    assert.deepEqual(
      projectEvent(event('encounter.reported', { text: 'hi', precedence: 'FLASH', deadline: DEADLINE })),
      [],
    );
  });
});
