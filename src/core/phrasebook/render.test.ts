/**
 * Rendering and parameter checks (HOT6, CON2, SEC3): values formatted for each language,
 * times in UTC and the reader's zone, and bad parameters refused naming the parameter.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDistance, formatPosition, formatTime } from './format.ts';
import { validateParams } from './params.ts';
import {
  checkTemplated,
  findTemplate,
  PHRASEBOOK_VERSION,
  PhrasebookError,
  readTemplateRef,
  renderTemplate,
  templatedBody,
  tryRenderTemplate,
} from './render.ts';

const ENCOUNTER = {
  own: 'DDG-171',
  other: 'JS Kongo',
  position: { lat: 24.5, lon: 122.25833 },
  time: '2026-03-05T14:30:00Z',
};

describe('phrasebook rendering', () => {
  it('[HOT6] shows one templated message in each reader’s language with values formatted for it', () => {
    const en = renderTemplate('notice.encounter.sea', ENCOUNTER, 'en', { timeZone: 'Europe/London' });
    const zh = renderTemplate('notice.encounter.sea', ENCOUNTER, 'zh', { timeZone: 'Asia/Shanghai' });
    const ja = renderTemplate('notice.encounter.sea', ENCOUNTER, 'ja', { timeZone: 'Asia/Tokyo' });
    assert.equal(
      en,
      'Notice of an encounter at sea: our ship DDG-171 encountered your ship JS Kongo at 24°30.0′N 122°15.5′E at 14:30 UTC 5 Mar 2026 (14:30 GMT).',
    );
    assert.equal(
      zh,
      '海上相遇通报：我舰DDG-171于2026年3月5日 14:30 UTC（本地时间 22:30 GMT+8）在北纬24°30.0′、东经122°15.5′与你舰JS Kongo相遇。',
    );
    assert.equal(
      ja,
      '海上における遭遇の通報：本艦DDG-171は2026年3月5日 14:30 UTC（現地時間 23:30 JST）、北緯24度30.0分、東経122度15.5分において貴艦JS Kongoと遭遇しました。',
    );
  });

  it('[HOT6] positions show in degrees and decimal minutes, every hemisphere, never 60.0′', () => {
    assert.equal(formatPosition('en', { lat: 24.5, lon: 122.25833 }), '24°30.0′N 122°15.5′E');
    assert.equal(formatPosition('en', { lat: -33.86, lon: -70.5 }), '33°51.6′S 70°30.0′W');
    assert.equal(formatPosition('en', { lat: 10.99999, lon: 0 }), '11°00.0′N 0°00.0′E');
    assert.equal(formatPosition('zh', { lat: -1.5, lon: -2.25 }), '南纬1°30.0′、西经2°15.0′');
    assert.equal(formatPosition('ja', { lat: 35.0, lon: 139.75 }), '北緯35度00.0分、東経139度45.0分');
  });

  it('[HOT6] distances show in nautical miles from 1 NM up and in metres below', () => {
    assert.equal(formatDistance('en', 1852), '1.0 NM');
    assert.equal(formatDistance('en', 9260), '5.0 NM');
    assert.equal(formatDistance('en', 1851), '1,851 m');
    assert.equal(formatDistance('zh', 500), '500米');
    assert.equal(formatDistance('zh', 3704), '2.0海里');
    assert.equal(formatDistance('ja', 300), '300メートル');
    assert.equal(formatDistance('ja', 18520), '10.0海里');
  });

  it('[CON2][HOT6] times show in UTC and the reader’s zone, with the local date when it differs', () => {
    const late = '2026-03-05T20:30:00Z';
    assert.equal(formatTime('en', late, { timeZone: 'UTC' }), '20:30 UTC 5 Mar 2026');
    assert.equal(formatTime('en', late), '20:30 UTC 5 Mar 2026');
    assert.equal(
      formatTime('en', late, { timeZone: 'Asia/Tokyo' }),
      '20:30 UTC 5 Mar 2026 (05:30 GMT+9, 6 Mar)',
    );
    assert.equal(
      formatTime('ja', late, { timeZone: 'Asia/Tokyo' }),
      '2026年3月5日 20:30 UTC（現地時間 3月6日 05:30 JST）',
    );
    assert.match(
      formatTime('zh', late, { timeZone: 'Asia/Shanghai' }),
      /^2026年3月5日 20:30 UTC（本地时间 3月6日 04:30 /,
    );
    assert.equal(
      formatTime('en', late, { timeZone: 'Not/AZone' }),
      '20:30 UTC 5 Mar 2026',
      'unknown zone: UTC alone',
    );
  });

  it('[HOT6] speeds, frequencies, bearings, durations and choices use each language’s units', () => {
    const course = { other: 'B-6321', course: 5, speed: 12.5 };
    assert.match(renderTemplate('cues.intent.query-course', course, 'en'), /steering 005° at 12\.5 kn/);
    assert.match(renderTemplate('cues.intent.query-course', course, 'zh'), /航向005°，航速12\.5节/);
    assert.match(renderTemplate('cues.intent.query-course', course, 'ja'), /針路005度、速力12\.5ノット/);
    assert.match(renderTemplate('link.radio.check', { frequency: 156.8 }, 'en'), /156\.800 MHz/);
    assert.match(renderTemplate('link.radio.check', { frequency: 2182 }, 'zh'), /2182\.000兆赫/);
    assert.match(renderTemplate('deesc.pause-activity', { duration: 150 }, 'en'), /for 2 h 30 min\./);
    assert.match(renderTemplate('deesc.pause-activity', { duration: 45 }, 'ja'), /45分中断/);
    const call = { level: 'minister', time: '2026-03-05T01:00:00Z' };
    assert.match(renderTemplate('call.request', call, 'en'), /at minister level/);
    assert.match(renderTemplate('call.request', call, 'zh'), /部长级别/);
    assert.match(renderTemplate('call.request', call, 'ja'), /大臣レベル/);
  });

  it('[HOT6] platform names and free text are shown exactly as written, never as markup', () => {
    const text = renderTemplate('safety.dangerous-manoeuvre', { other: '<b>Hull 545</b>' }, 'en');
    assert.equal(text, '<b>Hull 545</b>, your manoeuvre is dangerous. Keep clear of our unit.');
  });
});

describe('phrasebook parameter checks', () => {
  const sea = findTemplate('notice.encounter.sea');
  assert.ok(sea);

  const refusals: [string, Record<string, unknown>, RegExp][] = [
    ['a missing parameter', { ...ENCOUNTER, time: undefined }, /^time is required/],
    [
      'an extra parameter',
      { ...ENCOUNTER, colour: 'grey' },
      /^colour is not a parameter of notice\.encounter\.sea/,
    ],
    [
      'a time without its zone',
      { ...ENCOUNTER, time: '2026-03-05T14:30:00' },
      /^time: a time is an RFC 3339/,
    ],
    ['a day that does not exist', { ...ENCOUNTER, time: '2026-02-30T14:30:00Z' }, /^time:/],
    ['a latitude out of range', { ...ENCOUNTER, position: { lat: 91, lon: 0 } }, /^position: lat must be/],
    ['a longitude out of range', { ...ENCOUNTER, position: { lat: 0, lon: -181 } }, /^position: lon must be/],
    ['a position as text', { ...ENCOUNTER, position: '24N 122E' }, /^position: a position is/],
    ['a position with an extra key', { ...ENCOUNTER, position: { lat: 1, lon: 2, alt: 3 } }, /^position:/],
    ['a platform of the wrong type', { ...ENCOUNTER, own: 171 }, /^own: a platform .* is a string/],
    ['a blank platform', { ...ENCOUNTER, other: '   ' }, /^other: .* may not be blank/],
    ['a platform over two lines', { ...ENCOUNTER, other: 'a\nb' }, /^other: .* one line/],
  ];
  for (const [what, params, message] of refusals) {
    it(`[HOT6] refuses ${what}, naming the parameter`, () => {
      const defined = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
      const check = validateParams(sea, defined);
      assert.equal(check.ok, false);
      assert.ok(
        !check.ok && check.problems.some((p) => message.test(p.message) && p.path.startsWith('params.')),
      );
    });
  }

  it('[HOT6] refuses numbers out of their range or of the wrong kind', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['cues.intent.query-course', { other: 'X', course: 360, speed: 10 }, 'params.course'],
      ['cues.intent.query-course', { other: 'X', course: 12.5, speed: 10 }, 'params.course'],
      ['cues.intent.query-course', { other: 'X', course: 10, speed: -1 }, 'params.speed'],
      ['cues.intent.query-course', { other: 'X', course: '10', speed: 1 }, 'params.course'],
      ['link.radio.check', { frequency: 0 }, 'params.frequency'],
      ['link.radio.check', { frequency: Number.NaN }, 'params.frequency'],
      ['safety.keep-clear', { other: 'X', distance: 0 }, 'params.distance'],
      ['deesc.pause-activity', { duration: 0.5 }, 'params.duration'],
      ['call.request', { level: 'king', time: '2026-03-05T01:00:00Z' }, 'params.level'],
    ];
    for (const [id, params, path] of cases) {
      const check = checkTemplated(id, params);
      assert.ok(!check.ok && check.problems.some((p) => p.path === path), `${id} ${JSON.stringify(params)}`);
    }
  });

  it('[HOT6] refuses an unknown template and params that are not an object', () => {
    const unknown = checkTemplated('no.such.template', {});
    assert.ok(!unknown.ok && unknown.problems[0]?.path === 'template');
    const notObject = checkTemplated('ack.received', ['x']);
    assert.ok(!notObject.ok && notObject.problems[0]?.path === 'params');
    assert.throws(() => renderTemplate('no.such.template', {}, 'en'), PhrasebookError);
    assert.equal(tryRenderTemplate('notice.encounter.sea', { own: 1 }, 'ja'), null);
  });

  it('[HOT6] a templated body keeps template, params and version, and an English text for older readers', () => {
    const body = templatedBody('link.radio.check', { frequency: 156.8 });
    assert.deepEqual(body, {
      template: 'link.radio.check',
      params: { frequency: 156.8 },
      phrasebookVersion: PHRASEBOOK_VERSION,
      text: 'Request a radio check on 156.800 MHz.',
    });
    assert.deepEqual(readTemplateRef({ ...body }), {
      template: 'link.radio.check',
      params: { frequency: 156.8 },
      phrasebookVersion: PHRASEBOOK_VERSION,
    });
    assert.equal(readTemplateRef({ text: 'free text' }), null);
    assert.equal(readTemplateRef({ template: '<script>' }), null);
  });
});
