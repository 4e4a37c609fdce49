import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { setLanguage } from '../strings.ts';
import {
  type EncounterForm,
  emptyForm,
  fieldProblemText,
  formatUtcInput,
  formFromReport,
  parseUtcInput,
  toReport,
} from './formState.ts';

const NOW = Date.parse('2026-11-27T03:00:00.000Z');

/** A form a tired officer could have filled in: the minimum, right. */
function filledForm(patch: Partial<EncounterForm> = {}): EncounterForm {
  return {
    ...emptyForm(NOW),
    occurredAt: '2026-11-27 02:40',
    position: '24°30.5′N 122°15.2′E',
    ownPlatforms: [
      { kind: 'destroyer', name: 'Aubert', mark: 'D 651', callSign: '', position: '', course: '', speed: '' },
    ],
    otherPlatforms: [
      {
        kind: 'frigate',
        name: 'unknown',
        mark: '',
        callSign: 'Victor 2',
        position: '',
        course: '',
        speed: '',
      },
    ],
    ...patch,
  };
}

function problemPaths(form: EncounterForm): string[] {
  const result = toReport(form, NOW);
  return result.ok ? [] : result.problems.map((p) => p.path);
}

describe('the encounter form', () => {
  afterEach(() => setLanguage('en'));

  it('[ENC1] opens with defaults: sea, now in UTC, medium severity, one platform on each side', () => {
    const form = emptyForm(NOW);
    assert.equal(form.domain, 'sea');
    assert.equal(form.occurredAt, '2026-11-27 03:00');
    assert.equal(form.severity, 'medium');
    assert.equal(form.ownPlatforms.length, 1);
    assert.equal(form.otherPlatforms.length, 1);
    assert.deepEqual(form.communications, []);
  });

  it('[ENC1] reads UTC times as typed and refuses dates that do not exist', () => {
    assert.equal(parseUtcInput('2026-11-27 02:40'), '2026-11-27T02:40:00.000Z');
    assert.equal(parseUtcInput(' 2026-11-27T02:40:15Z '), '2026-11-27T02:40:15.000Z');
    assert.equal(parseUtcInput('2026-11-27 02:40 UTC'), '2026-11-27T02:40:00.000Z');
    for (const bad of [
      '',
      '27/11/2026 02:40',
      '2026-02-30 10:00',
      '2026-13-01 10:00',
      '2026-11-27 24:00',
      '2026-11-27 10:60',
    ])
      assert.equal(parseUtcInput(bad), null, bad);
    assert.equal(formatUtcInput(Date.parse('2026-01-05T07:08:09Z')), '2026-01-05 07:08');
  });

  it('[ENC1] makes the report the node takes: hull at sea, empty optionals left out, position from degrees-minutes', () => {
    const result = toReport(filledForm(), NOW);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.report, {
      domain: 'sea',
      occurredAt: '2026-11-27T02:40:00.000Z',
      position: { lat: 24 + 30.5 / 60, lon: 122 + 15.2 / 60 },
      severity: 'medium',
      ownPlatforms: [{ kind: 'destroyer', name: 'Aubert', hull: 'D 651' }],
      otherPlatforms: [{ kind: 'frigate', name: 'unknown', callSign: 'Victor 2' }],
      behaviours: [],
      communications: [],
      narrative: '',
    });
  });

  it('[ENC1] in the air the mark is a tail number; the closest approach in NM becomes metres at the encounter time', () => {
    const form = filledForm({
      domain: 'air',
      ownPlatforms: [
        {
          kind: 'maritime-patrol',
          name: 'Swift 21',
          mark: '5081',
          callSign: '',
          position: '24.5 122.25',
          course: '90',
          speed: '250',
        },
      ],
      otherPlatforms: [
        { kind: 'fighter', name: 'unknown', mark: '', callSign: '', position: '', course: '', speed: '' },
      ],
      approachDistance: '0.5',
      approachUnit: 'nm',
      behaviours: ['unsafe-intercept', 'flares'],
      communications: [{ kind: 'radio', text: 'You are approaching, alter course', answered: 'no' }],
    });
    const result = toReport(form, NOW, true);
    assert.ok(result.ok, JSON.stringify(result));
    const { report } = result;
    assert.deepEqual(report.ownPlatforms[0], {
      kind: 'maritime-patrol',
      name: 'Swift 21',
      tail: '5081',
      position: { lat: 24.5, lon: 122.25 },
      courseDeg: 90,
      speedKn: 250,
    });
    assert.deepEqual(report.closestApproach, { distanceM: 926, at: '2026-11-27T02:40:00.000Z' });
    assert.deepEqual(report.communications, [
      { kind: 'radio', text: 'You are approaching, alter course', answered: false },
    ]);
    assert.equal(report.draft, true);
  });

  const wrongFields: { what: string; patch: Partial<EncounterForm>; path: string }[] = [
    { what: 'a time that does not read', patch: { occurredAt: 'yesterday' }, path: 'occurredAt' },
    { what: 'a time in the future', patch: { occurredAt: '2026-11-27 04:00' }, path: 'occurredAt' },
    { what: 'no position', patch: { position: '' }, path: 'position' },
    { what: 'a latitude beyond 90°', patch: { position: '91 10' }, path: 'position' },
    { what: 'no platform of ours', patch: { ownPlatforms: [] }, path: 'ownPlatforms' },
    { what: 'no platform of theirs', patch: { otherPlatforms: [] }, path: 'otherPlatforms' },
    {
      what: 'a platform kind not chosen',
      patch: {
        otherPlatforms: [
          { kind: '', name: 'x', mark: '', callSign: '', position: '', course: '', speed: '' },
        ],
      },
      path: 'otherPlatforms.0.kind',
    },
    {
      what: 'an aircraft kind at sea',
      patch: {
        ownPlatforms: [
          { kind: 'fighter', name: 'x', mark: '', callSign: '', position: '', course: '', speed: '' },
        ],
      },
      path: 'ownPlatforms.0.kind',
    },
    {
      what: 'a platform without a name',
      patch: {
        ownPlatforms: [
          { kind: 'destroyer', name: ' ', mark: '', callSign: '', position: '', course: '', speed: '' },
        ],
      },
      path: 'ownPlatforms.0.name',
    },
    {
      what: 'a hull number too long',
      patch: {
        ownPlatforms: [
          {
            kind: 'destroyer',
            name: 'x',
            mark: 'H'.repeat(41),
            callSign: '',
            position: '',
            course: '',
            speed: '',
          },
        ],
      },
      path: 'ownPlatforms.0.hull',
    },
    {
      what: 'a platform position that does not read',
      patch: {
        otherPlatforms: [
          {
            kind: 'frigate',
            name: 'x',
            mark: '',
            callSign: '',
            position: 'north-east',
            course: '',
            speed: '',
          },
        ],
      },
      path: 'otherPlatforms.0.position',
    },
    {
      what: 'a course over 360',
      patch: {
        otherPlatforms: [
          { kind: 'frigate', name: 'x', mark: '', callSign: '', position: '', course: '400', speed: '' },
        ],
      },
      path: 'otherPlatforms.0.courseDeg',
    },
    {
      what: 'a speed that is not a number',
      patch: {
        otherPlatforms: [
          { kind: 'frigate', name: 'x', mark: '', callSign: '', position: '', course: '', speed: 'fast' },
        ],
      },
      path: 'otherPlatforms.0.speedKn',
    },
    {
      what: 'a closest approach time without a distance',
      patch: { approachAt: '2026-11-27 02:41' },
      path: 'closestApproach.distanceM',
    },
    { what: 'a negative distance', patch: { approachDistance: '-1' }, path: 'closestApproach.distanceM' },
    {
      what: 'a closest approach two days off',
      patch: { approachDistance: '300', approachUnit: 'm', approachAt: '2026-11-25 02:40' },
      path: 'closestApproach.at',
    },
    {
      what: 'a communication with no text',
      patch: { communications: [{ kind: 'radio', text: '  ', answered: 'yes' }] },
      path: 'communications.0.text',
    },
    {
      what: 'a communication of an unknown kind',
      patch: { communications: [{ kind: 'pigeon', text: 'hello', answered: 'yes' }] },
      path: 'communications.0.kind',
    },
    { what: 'a behaviour not of the list', patch: { behaviours: ['rudeness'] }, path: 'behaviours.0' },
    {
      what: 'a narrative over 20,000 characters',
      patch: { narrative: 'x'.repeat(20_001) },
      path: 'narrative',
    },
    {
      what: 'an attachment that is not a blob name',
      patch: { attachments: [{ hash: 'photo.jpg', name: 'photo.jpg', size: 1 }] },
      path: 'attachments.0',
    },
  ];

  for (const { what, patch, path } of wrongFields) {
    it(`[ENC1] ${what} is a problem of ${path}, and of no other field`, () => {
      assert.deepEqual(problemPaths(filledForm(patch)), [path]);
    });
  }

  it('[ENC1] a draft goes back into the form without losing anything', () => {
    const result = toReport(
      filledForm({
        approachDistance: '750',
        approachUnit: 'm',
        approachAt: '2026-11-27 02:42',
        behaviours: ['shadowing'],
        communications: [{ kind: 'light', text: 'AA AA', answered: 'yes' }],
        narrative: 'Closed from the north-east.',
      }),
      NOW,
    );
    assert.ok(result.ok);
    const again = toReport(formFromReport(result.report), NOW);
    assert.ok(again.ok);
    assert.deepEqual(again.report, result.report);
  });

  it('[ENC1] [CON4] a problem is worded in the reader’s language; a position’s says what the parser found in English', () => {
    assert.equal(
      fieldProblemText({ path: 'ownPlatforms.0.name', message: 'a name, or "unknown"' }),
      'Give a name, or write “unknown” (at most 120 characters).',
    );
    assert.equal(
      fieldProblemText({ path: 'position', message: 'latitude 91 is beyond 90°' }),
      'Latitude 91 is beyond 90°.',
    );
    assert.equal(fieldProblemText({ path: 'something.new', message: 'not allowed' }), 'Not allowed.');
    setLanguage('ja');
    assert.match(fieldProblemText({ path: 'otherPlatforms.2.kind', message: 'x' }), /一覧から種類を選んで/);
    assert.match(
      fieldProblemText({ path: 'position', message: 'latitude 91 is beyond 90°' }),
      /この位置は読み取れません/,
    );
    setLanguage('zh');
    assert.match(fieldProblemText({ path: 'communications.0.text', message: 'x' }), /所说或所示内容/);
  });
});
