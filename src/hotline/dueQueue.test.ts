import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DueQueue } from './dueQueue.ts';

describe('DueQueue', () => {
  it('[HOT4] gives the due keys earliest first and keeps the rest', () => {
    const queue = new DueQueue();
    queue.set('c', 30);
    queue.set('a', 10);
    queue.set('b', 20);
    assert.equal(queue.peekAt(), 10);
    assert.deepEqual(queue.takeDue(20), ['a', 'b']);
    assert.equal(queue.peekAt(), 30);
    assert.equal(queue.size, 1);
  });

  it('[HOT4] a rescheduled key falls due at its new time only; a removed key never', () => {
    const queue = new DueQueue();
    queue.set('a', 10);
    queue.set('b', 15);
    queue.set('a', 50);
    queue.set('b', null);
    assert.deepEqual(queue.takeDue(40), []);
    assert.equal(queue.peekAt(), 50);
    assert.deepEqual(queue.takeDue(50), ['a']);
    assert.equal(queue.peekAt(), null);
    assert.equal(queue.size, 0);
  });

  it('[HOT4] agrees with a plain map under any sequence of changes', () => {
    const change = fc.record({
      key: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      at: fc.option(fc.integer({ min: 0, max: 100 })),
      takeUpTo: fc.option(fc.integer({ min: 0, max: 100 }), { freq: 4 }),
    });
    fc.assert(
      fc.property(fc.array(change, { maxLength: 60 }), (changes) => {
        const queue = new DueQueue();
        const model = new Map<string, number>();
        for (const { key, at, takeUpTo } of changes) {
          queue.set(key, at);
          if (at === null) model.delete(key);
          else model.set(key, at);
          if (takeUpTo !== null) {
            const expected = [...model]
              .filter(([, due]) => due <= takeUpTo)
              .sort((x, y) => x[1] - y[1])
              .map(([k]) => model.get(k) as number);
            const taken = queue.takeDue(takeUpTo);
            assert.deepEqual(
              taken.map((k) => model.get(k)),
              expected,
            );
            for (const k of taken) model.delete(k);
          }
          const earliest = [...model.values()].sort((x, y) => x - y)[0] ?? null;
          assert.equal(queue.peekAt(), earliest);
          assert.equal(queue.size, model.size);
        }
      }),
    );
  });
});
