import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compareLog7, type Log7Position, sortLog7 } from './order.ts';

describe('LOG7 order', () => {
  it('[LOG7] orders by clock, then origin, then seq', () => {
    const at = (clock: number, origin: string, seq: number): Log7Position => ({ clock, origin, seq });
    assert.ok(compareLog7(at(1, 'zulu', 9), at(2, 'alpha', 1)) < 0, 'clock first');
    assert.ok(compareLog7(at(3, 'alpha', 9), at(3, 'bravo', 1)) < 0, 'then origin');
    assert.ok(compareLog7(at(3, 'bravo', 1), at(3, 'bravo', 2)) < 0, 'then seq');
    assert.ok(compareLog7(at(3, 'b', 1), at(3, 'a-b', 1)) > 0, 'origins compare by code units');
    assert.equal(compareLog7(at(3, 'bravo', 2), at(3, 'bravo', 2)), 0);
  });

  it('[LOG7] sortLog7 returns a new sorted array, whatever order the input arrives in', () => {
    const position = fc.record({
      clock: fc.integer({ min: 1, max: 20 }),
      origin: fc.constantFrom('alpha', 'bravo', 'charlie'),
      seq: fc.integer({ min: 1, max: 20 }),
    });
    fc.assert(
      fc.property(fc.array(position, { maxLength: 30 }), (events) => {
        const input = [...events];
        const sorted = sortLog7(input);
        assert.deepEqual(input, events, 'input untouched');
        for (let i = 1; i < sorted.length; i++) {
          const before = sorted[i - 1];
          const after = sorted[i];
          if (before !== undefined && after !== undefined) assert.ok(compareLog7(before, after) <= 0);
        }
        // Tied events are equal in every field LOG7 looks at; compare those.
        const fields = (list: Log7Position[]) => list.map(({ clock, origin, seq }) => [clock, origin, seq]);
        assert.deepEqual(fields(sortLog7([...events].reverse())), fields(sorted));
      }),
    );
  });
});
