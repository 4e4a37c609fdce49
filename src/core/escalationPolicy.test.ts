import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_ESCALATION_POLICIES,
  type EscalationPolicy,
  latestDueStep,
  policyProblems,
  stepAt,
  stepCount,
  stepDueAt,
} from './escalationPolicy.ts';

const S = 1000;
const DEADLINE = 1_000_000;
const twoSteps: EscalationPolicy = {
  steps: [
    { afterSeconds: 0, roles: ['officer'], channels: ['console'] },
    { afterSeconds: 60, roles: ['supervisor'], channels: ['console', 'email'] },
  ],
  repeatEverySeconds: 300,
  maxRepeats: 2,
};

describe('escalation policies [HOT4]', () => {
  it('[HOT4] numbers steps from 1 through the repeats of the last step', () => {
    assert.equal(stepCount(twoSteps), 4);
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((n) => stepAt(twoSteps, n)?.dueAfterMs ?? null),
      [0, 60 * S, 360 * S, 660 * S, null],
    );
    assert.deepEqual(stepAt(twoSteps, 3)?.roles, ['supervisor']);
    assert.equal(stepAt(twoSteps, 0), null);
    assert.equal(stepCount(DEFAULT_ESCALATION_POLICIES.ROUTINE), 1);
    assert.equal(stepCount({ ...twoSteps, maxRepeats: null }), Number.POSITIVE_INFINITY);
  });

  const table: [string, number, number][] = [
    ['before the deadline: none', -1, 0],
    ['at the deadline: step 1', 0, 1],
    ['between steps: the last one due', 59 * S, 1],
    ['at the second step', 60 * S, 2],
    ['at the first repeat', 360 * S, 3],
    ['long after: the last step of all, never beyond', 100_000 * S, 4],
  ];
  for (const [what, afterMs, expected] of table) {
    it(`[HOT4] latestDueStep: ${what}`, () => {
      assert.equal(latestDueStep(twoSteps, DEADLINE, DEADLINE + afterMs), expected);
    });
  }

  it('[HOT4] repeats forever when maxRepeats is null; steps due times follow', () => {
    const forever = { ...twoSteps, maxRepeats: null };
    assert.equal(latestDueStep(forever, DEADLINE, DEADLINE + 60 * S + 3000 * S), 12);
    assert.equal(stepDueAt(forever, DEADLINE, 12), DEADLINE + 60 * S + 3000 * S);
  });

  it('[HOT4] steps out of order or empty are problems', () => {
    const policies = {
      ...DEFAULT_ESCALATION_POLICIES,
      FLASH: { ...twoSteps, steps: [...twoSteps.steps].reverse() },
      ROUTINE: { steps: [], repeatEverySeconds: 60, maxRepeats: null },
    };
    assert.deepEqual(
      policyProblems(policies).map((p) => p.path),
      ['FLASH.steps.1.afterSeconds', 'ROUTINE.repeatEverySeconds'],
    );
    assert.deepEqual(policyProblems(DEFAULT_ESCALATION_POLICIES), []);
  });
});
