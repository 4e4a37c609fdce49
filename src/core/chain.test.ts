import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ChainContext,
  ChainInvariantError,
  checkChain,
  depSeqsOf,
  type HeldEventInfo,
  nextEnvelopeFields,
} from './chain.ts';
import type { Head, LiaisonEvent } from './types.ts';

/** A fake event id: the chain check compares ids, it does not hash. */
const id = (name: string): string => `${name.padEnd(42, '0')}A`;

function event(fields: Partial<LiaisonEvent>): LiaisonEvent {
  return {
    v: 1,
    line: 'l1',
    origin: 'alpha',
    seq: 1,
    prev: null,
    clock: 1,
    deps: {},
    ts: '2025-03-01T08:00:00.000Z',
    author: 'alpha',
    type: 'message.posted',
    body: {},
    sig: 'A'.repeat(86),
    id: id('self'),
    ...fields,
  };
}

function held(
  origin: string,
  seq: number,
  clock: number,
  line = 'l1',
  depSeqs: Record<string, number> = {},
): HeldEventInfo {
  return { line, origin, seq, clock, depSeqs };
}

/** alpha's head at seq 3, clock 7, having named bravo@2 and charlie@1. */
const alphaHead = { ...held('alpha', 3, 7, 'l1', { bravo: 2, charlie: 1 }), id: id('alpha3') };
const heldEvents = new Map<string, HeldEventInfo>([
  [id('bravo2'), held('bravo', 2, 5)],
  [id('bravo4'), held('bravo', 4, 9)],
  [id('bravo1'), held('bravo', 1, 2)],
  [id('charlie1'), held('charlie', 1, 3)],
  [id('charlie2'), held('charlie', 2, 4)],
  [id('other-line'), held('bravo', 5, 10, 'l2')],
]);

function context(ownHead: ChainContext['ownHead'], deps: Record<string, string>): ChainContext {
  const map = new Map<string, HeldEventInfo>();
  for (const depId of Object.values(deps)) {
    const info = heldEvents.get(depId);
    if (info !== undefined) map.set(depId, info);
  }
  return { ownHead, deps: map };
}

/** Checks alpha's next event (seq 4) with `deps` and `clock`, and any overrides. */
function checkNext(deps: Record<string, string>, clock: number, overrides: Partial<LiaisonEvent> = {}) {
  const next = event({ seq: 4, prev: alphaHead.id, deps, clock, ...overrides });
  return checkChain(next, context(alphaHead, deps));
}

const forwardDeps = { bravo: id('bravo4'), charlie: id('charlie1') };

describe('chain rules', () => {
  it('[LOG4] accepts seq 1 with no head and a following event with the right seq and prev', () => {
    assert.equal(checkChain(event({}), context(undefined, {})), null);
    assert.equal(checkNext(forwardDeps, 10), null);
  });

  it('[LOG4] seq skipping ahead is a seq-gap', () => {
    assert.equal(
      checkChain(event({ seq: 2, prev: id('x'), clock: 2 }), context(undefined, {}))?.code,
      'seq-gap',
    );
    assert.equal(checkNext(forwardDeps, 10, { seq: 5 })?.code, 'seq-gap');
  });

  it('[LOG4][LOG9] seq not above the head is stale-seq (the caller tells duplicate from equivocation)', () => {
    assert.equal(checkNext(forwardDeps, 10, { seq: 3 })?.code, 'stale-seq');
    assert.equal(checkNext(forwardDeps, 10, { seq: 1, prev: null })?.code, 'stale-seq');
  });

  it('[LOG4] prev must be the id of the previous event of (line, origin)', () => {
    assert.equal(checkNext(forwardDeps, 10, { prev: id('alpha2') })?.code, 'prev-mismatch');
    assert.equal(checkNext(forwardDeps, 10, { prev: null })?.code, 'prev-mismatch');
  });

  it('[LOG6][LOG8] every dep must be held', () => {
    assert.equal(checkNext({ bravo: id('bravo9'), charlie: id('charlie1') }, 10)?.code, 'missing-dep');
  });

  it('[LOG6] a dep must be on the same line', () => {
    assert.equal(checkNext({ bravo: id('other-line'), charlie: id('charlie1') }, 11)?.code, 'dep-wrong-line');
  });

  it('[LOG6] a dep must be an event of the origin its key names, and never of the event’s own origin', () => {
    assert.equal(checkNext({ bravo: id('charlie2'), charlie: id('charlie1') }, 8)?.code, 'dep-wrong-origin');
    const selfDep = event({ deps: { alpha: id('bravo1') }, clock: 3 });
    assert.equal(checkChain(selfDep, context(undefined, selfDep.deps))?.code, 'dep-wrong-origin');
  });

  it('[LOG6] deps never go backwards, and an origin once named stays named', () => {
    assert.equal(checkNext({ bravo: id('bravo2'), charlie: id('charlie1') }, 8), null, 'same seqs are fine');
    assert.equal(checkNext({ bravo: id('bravo1'), charlie: id('charlie1') }, 8)?.code, 'dep-backwards');
    assert.equal(checkNext({ bravo: id('bravo4') }, 10)?.code, 'dep-backwards');
    assert.equal(checkNext({}, 8)?.code, 'dep-backwards');
  });

  it('[LOG6] clock is 1 + max(own last clock, clocks of deps)', () => {
    assert.equal(checkNext(forwardDeps, 10), null, 'dep bravo@4 has clock 9');
    assert.equal(checkNext(forwardDeps, 11)?.code, 'bad-clock');
    assert.equal(checkNext(forwardDeps, 9)?.code, 'bad-clock');
    // Own clock 7 dominates deps of clocks 5 and 3.
    assert.equal(checkNext({ bravo: id('bravo2'), charlie: id('charlie1') }, 8), null);
    assert.equal(checkNext({ bravo: id('bravo2'), charlie: id('charlie1') }, 6)?.code, 'bad-clock');
    assert.equal(checkChain(event({ clock: 2 }), context(undefined, {}))?.code, 'bad-clock');
  });

  it('[LOG6] depSeqsOf gives origin → seq of each dep, and refuses an unchecked event', () => {
    const next = event({ seq: 4, prev: alphaHead.id, deps: forwardDeps, clock: 10 });
    assert.deepEqual(depSeqsOf(next, context(alphaHead, forwardDeps)), { bravo: 4, charlie: 1 });
    const missing = { bravo: id('bravo9') };
    assert.throws(
      () => depSeqsOf(event({ deps: missing }), context(undefined, missing)),
      ChainInvariantError,
    );
  });

  it('[LOG4][LOG6] nextEnvelopeFields starts a chain at seq 1, clock 1, without deps', () => {
    assert.deepEqual(nextEnvelopeFields(undefined, new Map(), 'alpha'), {
      seq: 1,
      prev: null,
      deps: {},
      clock: 1,
    });
  });

  it('[LOG4][LOG6] nextEnvelopeFields names the latest event of every other origin and passes checkChain', () => {
    const ownHead: Head = { seq: 3, id: alphaHead.id, clock: 7 };
    const latest = new Map<string, Head>([
      ['charlie', { seq: 1, id: id('charlie1'), clock: 3 }],
      ['alpha', ownHead],
      ['bravo', { seq: 4, id: id('bravo4'), clock: 9 }],
    ]);
    const fields = nextEnvelopeFields(ownHead, latest, 'alpha');
    assert.deepEqual(fields, { seq: 4, prev: alphaHead.id, deps: forwardDeps, clock: 10 });
    assert.deepEqual(Object.keys(fields.deps), ['bravo', 'charlie']);
    const next = event(fields);
    assert.equal(checkChain(next, context(alphaHead, next.deps)), null);
  });
});
