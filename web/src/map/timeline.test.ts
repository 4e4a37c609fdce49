import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encountersUpTo, isInForceAt, noticesInForceAt, recordSpan, shownTime } from './timeline.ts';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const HOUR = 3_600_000;

function encounter(id: string, occurredAt: string, state = 'submitted') {
  return { id, state, report: { occurredAt } };
}

function notice(id: string, from: string, until: string, withdrawnAt: string | null = null) {
  return { id, from, until, withdrawnAt };
}

describe('the map’s time slider [ENC3][ENC4]', () => {
  const encounters = [
    encounter('early', '2026-11-27T08:00:00Z'),
    encounter('late', '2026-11-27T11:30:00Z', 'closed'),
    encounter('draft', '2026-11-26T00:00:00Z', 'draft'),
  ];
  const notices = [
    notice('exercise', '2026-11-27T06:00:00Z', '2026-11-28T06:00:00Z'),
    notice('firing', '2026-11-27T09:00:00Z', '2026-11-27T18:00:00Z', '2026-11-27T10:00:00Z'),
  ];

  it('[ENC4] the slider runs from the record’s first time to now or the end of the last notice', () => {
    const span = recordSpan(encounters, notices, NOW);
    assert.ok(span.fromMs <= Date.parse('2026-11-27T06:00:00Z'), 'from the first notice, drafts left out');
    assert.ok(span.fromMs > Date.parse('2026-11-27T05:00:00Z'));
    assert.ok(span.toMs >= Date.parse('2026-11-28T06:00:00Z'));
    assert.ok((span.toMs - span.fromMs) / span.stepMs <= 500, 'at most 500 steps');
    assert.equal(span.fromMs % span.stepMs, 0);
    const empty = recordSpan([], [], NOW);
    assert.ok(empty.fromMs <= NOW - HOUR && empty.toMs >= NOW, 'the last hour when the record is empty');
    assert.equal(empty.stepMs, 60_000);
  });

  it('[ENC4] the map shows the encounters that occurred up to the chosen time, never drafts', () => {
    assert.deepEqual(
      encountersUpTo(encounters, NOW).map((e) => e.id),
      ['early', 'late'],
    );
    assert.deepEqual(
      encountersUpTo(encounters, Date.parse('2026-11-27T09:00:00Z')).map((e) => e.id),
      ['early'],
    );
    assert.deepEqual(encountersUpTo(encounters, Date.parse('2026-11-27T07:59:59Z')), []);
  });

  it('[ENC3] a notice is shown while in force: inside its window and until withdrawn', () => {
    const at = (iso: string) => noticesInForceAt(notices, Date.parse(iso)).map((n) => n.id);
    assert.deepEqual(at('2026-11-27T05:59:59Z'), []);
    assert.deepEqual(at('2026-11-27T06:00:00Z'), ['exercise']);
    assert.deepEqual(at('2026-11-27T09:30:00Z'), ['exercise', 'firing']);
    assert.deepEqual(at('2026-11-27T10:00:00Z'), ['exercise'], 'withdrawn at 10:00');
    assert.deepEqual(at('2026-11-28T06:00:00Z'), [], 'the window ends before its end time');
    assert.equal(isInForceAt(notices[0] ?? notice('x', '', ''), NOW), true);
  });

  it('[ENC4] the map shows now until a time is chosen', () => {
    assert.equal(shownTime(null, NOW), NOW);
    assert.equal(shownTime(NOW - HOUR, NOW), NOW - HOUR);
  });
});
