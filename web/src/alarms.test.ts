import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  alarmNames,
  describeAppendsHeld,
  describeEquivocation,
  describeEquivocationDetail,
  MAX_RESOLUTION_LENGTH,
  mayResolve,
  resolutionProblem,
} from './alarms.ts';
import type { Equivocation } from './api.ts';
import { testEvent } from './testEvents.ts';

const HOTLINE = 'hotline-alpha-bravo';
const NAMES = alarmNames(
  new Map([
    ['alpha', 'Alpha'],
    ['bravo', 'Bravo'],
    ['charlie', 'Charlie'],
  ]),
  new Map([[HOTLINE, 'Alpha ⇄ Bravo']]),
);

function equivocation(overrides: Partial<Equivocation> = {}): Equivocation {
  return {
    id: 3,
    line: HOTLINE,
    origin: 'bravo',
    seq: 57,
    heldId: 'held-id',
    conflicting: testEvent('bravo', 57, 60),
    reportedBy: 'bravo',
    detectedAt: '2026-11-26T21:04:05.000Z',
    ...overrides,
  };
}

describe('record alarms in words', () => {
  it('[LOG9][CON1] says who signed two events, for which seq, on which line, and what follows', () => {
    assert.equal(
      describeEquivocation(equivocation(), NAMES),
      'Bravo signed two different events for #57 on Alpha ⇄ Bravo — its events on this line are refused until an admin resolves it',
    );
  });

  it('[LOG9] names an unknown node or line by its id rather than leave a blank', () => {
    const text = describeEquivocation(equivocation({ origin: 'delta', line: 'thread-x' }), NAMES);
    assert.match(text, /^delta signed two different events for #57 on thread-x — /);
    const empty = alarmNames(new Map([['bravo', '']]), new Map());
    assert.match(describeEquivocation(equivocation(), empty), /^bravo signed .* on hotline-alpha-bravo — /);
  });

  it('[LOG9][CON2] gives the detection time in UTC and the reader zone, and a relaying peer by name', () => {
    const nowMs = Date.parse('2026-11-26T21:30:00.000Z');
    assert.equal(
      describeEquivocationDetail(equivocation(), NAMES, nowMs, 'Europe/Paris'),
      'Detected 21:04:05 UTC · 22:04:05 CET.',
    );
    assert.equal(
      describeEquivocationDetail(equivocation({ reportedBy: null }), NAMES, nowMs, 'UTC'),
      'Detected 21:04:05 UTC.',
    );
    assert.equal(
      describeEquivocationDetail(equivocation({ reportedBy: 'charlie' }), NAMES, nowMs, 'UTC'),
      'Detected 21:04:05 UTC, in an event passed on by Charlie.',
    );
  });

  it('[LOG9] says a restored node waits for its peers before writing, with the node’s reason', () => {
    assert.equal(
      describeAppendsHeld('  asking alpha for our latest events  '),
      'This node was restored from a backup and is waiting for its peers before it writes again: asking alpha for our latest events',
    );
  });

  it('[LOG9][SEC1] lets only an admin resolve an equivocation', () => {
    assert.equal(mayResolve('admin'), true);
    for (const role of ['supervisor', 'officer', 'interpreter', 'observer'] as const) {
      assert.equal(mayResolve(role), false, role);
    }
  });

  it('[LOG9][SEC3] wants a written resolution of at least 3 characters, blanks not counted', () => {
    assert.match(resolutionProblem('') ?? '', /at least 3 characters/);
    assert.match(resolutionProblem('  ok  ') ?? '', /at least 3 characters/);
    assert.equal(resolutionProblem('yes'), null);
    assert.equal(resolutionProblem('Bravo restored an old backup; agreed by phone'), null);
    assert.equal(resolutionProblem('x'.repeat(MAX_RESOLUTION_LENGTH)), null);
    assert.match(resolutionProblem('x'.repeat(MAX_RESOLUTION_LENGTH + 1)) ?? '', /under 2000 characters/);
  });
});
