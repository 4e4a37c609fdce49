import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject, LiaisonEvent } from '../core/types.ts';
import { checkReport, foldEncounters, InvalidReport, readReport } from './encounters.ts';

const THREAD = 'line-thread-1';

const REPORT = {
  domain: 'sea',
  occurredAt: '2026-11-27T02:40:00.000Z',
  position: { lat: 24.5, lon: 122.25 },
  severity: 'high',
  ownPlatforms: [{ kind: 'destroyer', name: 'Aubert', hull: 'D 651' }],
  otherPlatforms: [{ kind: 'frigate', name: 'unknown' }],
  behaviours: ['crossing-ahead'],
  communications: [{ kind: 'radio', text: 'Alter course', answered: false }],
  narrative: 'Crossed ahead at 600 yards.',
} satisfies JsonObject;

let seq = 0;

/** An event as the fold reads it (signatures and chains are the record's business, not the fold's). */
function event(type: string, body: JsonObject, patch: Partial<LiaisonEvent> = {}): LiaisonEvent {
  seq += 1;
  return {
    v: 1,
    line: THREAD,
    origin: 'alpha',
    seq,
    prev: null,
    clock: seq,
    deps: {},
    ts: new Date(Date.UTC(2026, 10, 27, 3, 0, seq)).toISOString(),
    author: 'officer@alpha',
    type,
    body,
    sig: 'sig',
    id: `event-${seq}`,
    ...patch,
  };
}

const submitted = (patch: Partial<LiaisonEvent> = {}, body: JsonObject = {}) =>
  event(
    'encounter.submitted',
    { encounter: THREAD, ref: 'ALPHA-1', report: REPORT, message: 'item-1', ...body },
    patch,
  );

describe('encounters folded from their events', () => {
  it('[ENC2] submitted → consultation → closed with an outcome, each step from its event', () => {
    const folded = foldEncounters([
      submitted(),
      event('encounter.state', { encounter: THREAD, state: 'consultation' }, { origin: 'bravo' }),
      event('encounter.closed', { encounter: THREAD, outcome: 'Both sides reviewed the tracks.' }),
    ]);
    const encounter = folded.get(THREAD);
    assert.ok(encounter);
    assert.equal(encounter.ref, 'ALPHA-1');
    assert.equal(encounter.message, 'item-1');
    assert.equal(encounter.isDraft, false);
    assert.equal(encounter.consultationAt, '2026-11-27T03:00:02.000Z');
    assert.equal(encounter.outcome, 'Both sides reviewed the tracks.');
  });

  it('[ENC2] a draft is replaced by its next version, and stays a draft on the local line', () => {
    const folded = foldEncounters([
      event('encounter.drafted', { encounter: 'draft-1', report: REPORT }, { line: 'local-alpha' }),
      event(
        'encounter.drafted',
        { encounter: 'draft-1', report: { ...REPORT, narrative: 'Second version.' } },
        { line: 'local-alpha' },
      ),
    ]);
    assert.equal(folded.get('draft-1')?.isDraft, true);
    assert.equal(folded.get('draft-1')?.report.narrative, 'Second version.');
    assert.equal(folded.get('draft-1')?.line, null);
  });

  it('[ENC2] a peer’s bad events are ignored: a report that does not read, a wrong line, a second submission, steps after closing', () => {
    const folded = foldEncounters([
      event(
        'encounter.submitted',
        { encounter: 'line-x', ref: 'X', report: { ...REPORT, severity: 'apocalyptic' } },
        { line: 'line-x' },
      ),
      event('encounter.submitted', { encounter: 'line-y', ref: 'Y', report: REPORT }, { line: 'line-other' }),
      event('encounter.submitted', { encounter: 42, report: REPORT }),
      event('encounter.state', { encounter: 'unknown', state: 'consultation' }),
      submitted(),
      submitted({ origin: 'bravo' }, { ref: 'HIJACKED', report: { ...REPORT, narrative: 'rewritten' } }),
      event('encounter.closed', { encounter: THREAD, outcome: 'Closed.' }),
      event('encounter.state', { encounter: THREAD, state: 'consultation' }),
      event('encounter.closed', { encounter: THREAD, outcome: 'Closed again.' }),
    ]);
    assert.deepEqual([...folded.keys()], [THREAD]);
    const encounter = folded.get(THREAD);
    assert.equal(encounter?.ref, 'ALPHA-1');
    assert.equal(encounter?.report.narrative, REPORT.narrative);
    assert.equal(encounter?.consultationAt, null);
    assert.equal(encounter?.outcome, 'Closed.');
  });

  it('[ENC1] a report is read only when it passes the schema; the node says each field’s problem', () => {
    assert.ok(readReport(REPORT));
    assert.equal(readReport({ ...REPORT, extra: true }), null);
    const nowMs = Date.parse('2026-11-27T03:00:00.000Z');
    assert.throws(
      () => checkReport({ ...REPORT, position: { lat: 95, lon: 0 }, ownPlatforms: [] }, nowMs),
      (error: unknown) =>
        error instanceof InvalidReport &&
        error.fields.map((f) => f.path).join() === 'position.lat,ownPlatforms',
    );
    assert.throws(
      () => checkReport({ ...REPORT, occurredAt: '2026-11-27T04:00:00.000Z' }, nowMs),
      (error: unknown) => error instanceof InvalidReport && error.fields[0]?.path === 'occurredAt',
    );
  });

  it('[ENC2] a hostile peer cannot list a draft or turn its hotline into an encounter; a submitted draft leaves the board', () => {
    const folded = foldEncounters([
      // A peer's "draft" written on a shared line, and one on another node's local line.
      event(
        'encounter.drafted',
        { encounter: 'draft-evil', report: REPORT },
        { origin: 'bravo', line: 'line-shared' },
      ),
      event(
        'encounter.drafted',
        { encounter: 'draft-evil2', report: REPORT },
        { origin: 'bravo', line: 'local-alpha' },
      ),
      // A "submission" whose encounter is the hotline itself.
      event(
        'encounter.submitted',
        { encounter: 'hotline-alpha-bravo', ref: 'H', report: REPORT, message: 'm' },
        { origin: 'bravo', line: 'hotline-alpha-bravo' },
      ),
      // Our own draft, then its submission naming it.
      event('encounter.drafted', { encounter: 'draft-1', report: REPORT }, { line: 'local-alpha' }),
      submitted({}, { fromDraft: 'draft-1' }),
    ]);
    assert.deepEqual([...folded.keys()], [THREAD]);
  });
});
