import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { setLanguage } from '../strings.ts';
import {
  emptyNoticeForm,
  isBesideField,
  type NoticeForm,
  noticeProblemText,
  readPoints,
  toNotice,
  withTimeBasis,
} from './formState.ts';

const NOW = Date.parse('2026-11-27T03:00:40.000Z');
const PARIS = 'Europe/Paris';
const TOKYO = 'Asia/Tokyo';

/** A polygon notice as an officer would type it: degrees and minutes, a blank line left in. */
function filledForm(patch: Partial<NoticeForm> = {}): NoticeForm {
  return {
    ...emptyNoticeForm(NOW),
    kind: 'live-firing',
    title: 'Gunnery exercise BLUE SHARK',
    points: '24 00.0N 122 00.0E\n25°12.0′N 122°00.0′E\n\n  25 12.0N 123 30.0E  \n24 00.0N 123 30.0E\n',
    contact: 'Alpha duty desk, VHF channel 16',
    ...patch,
  };
}

function problemPaths(form: NoticeForm, zone = PARIS): string[] {
  const result = toNotice(form, zone);
  return result.ok ? [] : result.problems.map((p) => p.path);
}

describe('the activity notice form', () => {
  afterEach(() => setLanguage('en'));

  it('[ENC3] opens on a polygon, no kind chosen, from now to now + 4 h in UTC, at PRIORITY', () => {
    const form = emptyNoticeForm(NOW);
    assert.equal(form.kind, '');
    assert.equal(form.areaType, 'polygon');
    assert.equal(form.timeBasis, 'utc');
    assert.equal(form.from, '2026-11-27T03:00');
    assert.equal(form.until, '2026-11-27T07:00');
    assert.equal(form.precedence, 'PRIORITY');
  });

  it('[ENC3] an empty form names each field the officer must fill, and only those', () => {
    assert.deepEqual(problemPaths(emptyNoticeForm(NOW)).sort(), ['area.points', 'contact', 'kind', 'title']);
  });

  it('[ENC3] makes the notice the node takes: points from degrees-minutes, times in UTC, empty optionals left out', () => {
    const result = toNotice(filledForm(), PARIS);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.notice, {
      kind: 'live-firing',
      title: 'Gunnery exercise BLUE SHARK',
      area: {
        type: 'polygon',
        points: [
          { lat: 24, lon: 122 },
          { lat: 25.2, lon: 122 },
          { lat: 25.2, lon: 123.5 },
          { lat: 24, lon: 123.5 },
        ],
      },
      from: '2026-11-27T03:00:00.000Z',
      until: '2026-11-27T07:00:00.000Z',
      contact: 'Alpha duty desk, VHF channel 16',
    });
    assert.equal(result.precedence, 'PRIORITY');
  });

  it('[ENC3] a line that is not a position is named by its point, without a second complaint about the count', () => {
    const form = filledForm({ points: '24 00.0N 122 00.0E\n25 12.0N 200E\n25 12.0N 123 30.0E' });
    const result = toNotice(form, PARIS);
    assert.ok(!result.ok);
    assert.deepEqual(
      result.problems.map((p) => p.path),
      ['area.points.1'],
    );
    const [problem] = result.problems;
    assert.ok(problem);
    assert.match(noticeProblemText(problem), /^Point 2: Longitude 200 is beyond 180°/);
    setLanguage('zh');
    assert.match(noticeProblemText(problem), /^第 2 个点：无法读取该位置/);
    // Two points that read are too few: that is the field's own problem.
    assert.deepEqual(problemPaths(filledForm({ points: '24N 122E\n25N 122E' })), ['area.points']);
    assert.deepEqual(
      readPoints('\n 24N 122E \n\nnowhere').map((p) => [p.index, p.text, p.result.ok]),
      [
        [0, '24N 122E', true],
        [1, 'nowhere', false],
      ],
    );
  });

  it('[ENC3] a circle is a centre and a radius in nautical miles, each checked apart', () => {
    const circle = filledForm({ areaType: 'circle', centre: '24°30.5′N 122°15.2′E', radiusNm: '12,5' });
    const result = toNotice(circle, PARIS);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(result.notice.area, {
      type: 'circle',
      center: { lat: 24 + 30.5 / 60, lon: 122 + 15.2 / 60 },
      radiusM: 12.5 * 1852,
    });
    assert.deepEqual(problemPaths({ ...circle, radiusNm: '' }), ['area.radiusM']);
    assert.deepEqual(problemPaths({ ...circle, radiusNm: '-3' }), ['area.radiusM']);
    assert.deepEqual(problemPaths({ ...circle, radiusNm: '2000' }), ['area.radiusM']);
    assert.deepEqual(problemPaths({ ...circle, centre: 'north of the island' }), ['area.center']);
  });

  it('[ENC3] the altitude band: an empty bottom is the surface, an empty top is a problem, the top above the bottom', () => {
    const surface = toNotice(filledForm({ altMaxFt: '15000' }), PARIS);
    assert.ok(surface.ok);
    assert.deepEqual(surface.notice.altitude, { minFt: 0, maxFt: 15000 });
    const band = toNotice(filledForm({ altMinFt: '5000', altMaxFt: '25000' }), PARIS);
    assert.ok(band.ok);
    assert.deepEqual(band.notice.altitude, { minFt: 5000, maxFt: 25000 });
    assert.deepEqual(problemPaths(filledForm({ altMinFt: '5000' })), ['altitude.maxFt']);
    assert.deepEqual(problemPaths(filledForm({ altMinFt: '9000', altMaxFt: '5000' })), ['altitude.maxFt']);
    assert.deepEqual(problemPaths(filledForm({ altMaxFt: 'high' })), ['altitude.maxFt']);
    assert.deepEqual(problemPaths(filledForm({ altMaxFt: '1500.5' })), ['altitude.maxFt']);
  });

  it('[ENC3] the window ends after it starts, within a year, on a clock where its times exist', () => {
    assert.deepEqual(problemPaths(filledForm({ until: '2026-11-27T02:00' })), ['until']);
    assert.deepEqual(problemPaths(filledForm({ until: '2027-12-01T00:00' })), ['until']);
    assert.deepEqual(problemPaths(filledForm({ from: '' })), ['from']);
    const skipped = filledForm({ timeBasis: 'local', from: '2027-03-28T02:30', until: '2027-03-28T06:00' });
    assert.deepEqual(problemPaths(skipped, PARIS), ['from']);
  });

  it('[ENC3] [CON2] times typed on this desk’s clock are read in its zone, and switching clocks keeps the moments', () => {
    const local = withTimeBasis(filledForm(), 'local', TOKYO);
    assert.equal(local.timeBasis, 'local');
    assert.equal(local.from, '2026-11-27T12:00');
    assert.equal(local.until, '2026-11-27T16:00');
    const result = toNotice(local, TOKYO);
    assert.ok(result.ok);
    assert.equal(result.notice.from, '2026-11-27T03:00:00.000Z');
    assert.deepEqual(withTimeBasis(local, 'utc', TOKYO), filledForm());
    // A field that does not read is left as typed.
    assert.equal(withTimeBasis(filledForm({ until: 'soon' }), 'local', TOKYO).until, 'soon');
  });

  it('[ENC3] words the node’s 400 fields in the reader’s language, beside their fields', () => {
    const refusal = [
      { path: 'area.points.2.lat', message: 'a latitude is between −90 and 90' },
      { path: 'contact', message: 'who to call about it (a desk, a channel, a number)' },
      { path: 'line', message: 'not a line id' },
      { path: '(body)', message: 'expected an object' },
    ];
    assert.deepEqual(refusal.map(noticeProblemText), [
      'Point 3: Not a position that can be read. Type it like 24°30.5′N 122°15.2′E or 24.5083 122.2533.',
      'Say who to call about it: a desk, a channel or a number (at most 200 characters).',
      'Choose the hotline of the peer concerned.',
      'Expected an object.',
    ]);
    assert.deepEqual(
      refusal.map((p) => isBesideField(p.path)),
      [true, true, true, false],
    );
    setLanguage('ja');
    assert.equal(
      noticeProblemText({ path: 'kind', message: 'one of exercise, …' }),
      '活動の種類を選んでください。',
    );
  });
});
