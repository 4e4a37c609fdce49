/**
 * The printable dossier page (ENC5) from hand-made content: every section is there, text from
 * the record is escaped (a narrative holding `<script>` stays text), the page loads nothing, and
 * the timeline names each step (HOT6 rendering of the templated item in the reader's language).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { templatedBody } from '../core/phrasebook/render.ts';
import type { LiaisonEvent } from '../core/types.ts';
import { type DossierContent, renderDossierHtml, stamp } from './dossierHtml.ts';
import { buildTimeline } from './dossierTimeline.ts';
import type { EncounterView } from './encounters.ts';

const THREAD = 'line-0123456789ab';
const ITEM = 'I'.repeat(43);
const REPLY = 'R'.repeat(43);
const HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';

/** An event of the thread; only the fields the page reads matter here. */
function event(
  seq: number,
  origin: string,
  author: string,
  type: string,
  body: object,
  ts: string,
  id = `E${seq}`.padEnd(43, 'x'),
): LiaisonEvent {
  return {
    v: 1,
    line: THREAD,
    origin,
    seq,
    prev: null,
    clock: seq,
    deps: {},
    ts,
    author,
    type,
    body: body as LiaisonEvent['body'],
    sig: '',
    id,
  };
}

const ENCOUNTER: EncounterView = {
  id: THREAD,
  ref: 'ALPHA-20260305-3F2A',
  state: 'closed',
  line: THREAD,
  origin: 'alpha',
  author: 'officer@alpha',
  at: '2026-03-05T02:00:00.000Z',
  report: {
    domain: 'air',
    occurredAt: '2026-03-05T01:30:00.000Z',
    position: { lat: 24.5, lon: 122.25 },
    severity: 'critical',
    ownPlatforms: [
      { kind: 'maritime-patrol', name: 'Alpha Seven', tail: 'AP-7', courseDeg: 90, speedKn: 250 },
    ],
    otherPlatforms: [{ kind: 'fighter', name: `${HOSTILE} 歼击机`, callSign: 'BRAVO 21' }],
    closestApproach: { distanceM: 30, at: '2026-03-05T01:31:00.000Z' },
    behaviours: ['unsafe-intercept', 'flares'],
    communications: [{ kind: 'radio', text: 'Bravo 21, alter course', answered: true }],
    narrative: `Passed 30 m under our nose. ${HOSTILE}`,
    attachments: ['a'.repeat(64)],
  },
  acknowledgement: {
    id: ITEM,
    line: THREAD,
    precedence: 'FLASH',
    state: 'acknowledged',
    deliveredAt: '2026-03-05T02:00:01.000Z',
    deliveredTo: { bravo: '2026-03-05T02:00:01.000Z' },
    seenAt: '2026-03-05T02:03:00.000Z',
    ackedAt: '2026-03-05T02:04:00.000Z',
    ackedBy: 'officer@bravo',
    deadline: '2026-03-05T02:10:00.000Z',
    overdueAt: null,
  },
  approach: { distanceM: 30, at: '2026-03-05T01:31:00.000Z', source: 'reported', positions: null },
  inNotifiedAreas: ['N'.repeat(43)],
  consultationAt: '2026-03-05T03:00:00.000Z',
  closedAt: '2026-03-05T05:00:00.000Z',
  outcome: `Agreed to review intercept procedures. ${HOSTILE}`,
};

const ITEM_BODY = {
  ...templatedBody('notice.encounter.air', {
    own: 'Alpha Seven',
    other: 'Bravo 21',
    position: { lat: 24.5, lon: 122.25 },
    time: '2026-03-05T01:30:00.000Z',
  }),
  precedence: 'FLASH',
  deadline: '2026-03-05T02:10:00.000Z',
};

const EVENTS: LiaisonEvent[] = [
  event(
    1,
    'alpha',
    'officer@alpha',
    'line.created',
    { kind: 'thread', title: 'Encounter', members: ['alpha', 'bravo'] },
    '2026-03-05T02:00:00.000Z',
  ),
  event(2, 'alpha', 'officer@alpha', 'message.posted', ITEM_BODY, '2026-03-05T02:00:00.100Z', ITEM),
  event(
    3,
    'alpha',
    'officer@alpha',
    'encounter.submitted',
    { encounter: THREAD, ref: ENCOUNTER.ref },
    '2026-03-05T02:00:00.200Z',
  ),
  event(
    1,
    'bravo',
    'bravo',
    'heads.recorded',
    { heads: { alpha: { seq: 3, id: 'x' } }, arrivals: {} },
    '2026-03-05T02:00:01.000Z',
  ),
  event(2, 'bravo', 'officer@bravo', 'message.seen', { message: ITEM }, '2026-03-05T02:03:00.000Z'),
  event(
    3,
    'bravo',
    'officer@bravo',
    'message.acknowledged',
    { message: ITEM, text: `Received. ${HOSTILE}` },
    '2026-03-05T02:04:00.000Z',
  ),
  event(
    4,
    'bravo',
    'officer@bravo',
    'message.posted',
    { text: '我方飞行员遵守了规定。', precedence: 'PRIORITY', deadline: '2026-03-05T05:04:00.000Z' },
    '2026-03-05T02:30:00.000Z',
    REPLY,
  ),
  event(
    5,
    'bravo',
    'interpreter@bravo',
    'message.translated',
    { message: REPLY, language: 'en', text: 'Our pilot kept to the rules.' },
    '2026-03-05T02:40:00.000Z',
  ),
  event(
    4,
    'alpha',
    'officer@alpha',
    'encounter.state',
    { encounter: THREAD, state: 'consultation' },
    '2026-03-05T03:00:00.000Z',
  ),
  event(
    5,
    'alpha',
    'supervisor@alpha',
    'encounter.closed',
    { encounter: THREAD, outcome: ENCOUNTER.outcome ?? '' },
    '2026-03-05T05:00:00.000Z',
  ),
  event(6, 'bravo', 'bravo', 'link.state', { peer: 'alpha', state: 'degraded' }, '2026-03-05T05:00:30.000Z'),
  event(7, 'alpha', 'alpha', 'some.future-type', { anything: true }, '2026-03-05T05:01:00.000Z'),
];

function content(language: DossierContent['language']): DossierContent {
  const line = (id: string, kind: 'hotline' | 'thread', title: string) => ({
    id,
    kind,
    title,
    members: ['alpha', 'bravo'],
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  return {
    language,
    node: { id: 'alpha', name: 'Alpha ministry' },
    reader: 'officer@alpha',
    generatedAt: '2026-03-05T06:00:00.000Z',
    encounter: ENCOUNTER,
    notices: [
      {
        id: 'N'.repeat(43),
        kind: 'live-firing',
        title: `Gunnery serial 4 ${HOSTILE}`,
        area: { type: 'circle', center: { lat: 24.5, lon: 122.3 }, radiusM: 20_000 },
        from: '2026-03-05T00:00:00.000Z',
        until: '2026-03-05T06:00:00.000Z',
        altitude: { minFt: 0, maxFt: 20_000 },
        contact: 'Bravo range control',
        line: 'hotline-alpha-bravo',
        origin: 'bravo',
        author: 'officer@bravo',
        issuedAt: '2026-03-04T12:00:00.000Z',
        withdrawnAt: null,
        inForce: false,
        acknowledgement: null,
      },
    ],
    threadEvents: EVENTS,
    calls: [
      {
        id: 'call-abcdefgh',
        line: 'hotline-alpha-bravo',
        media: 'video',
        caller: 'officer@bravo',
        callee: 'alpha',
        startedAt: '2026-03-05T02:10:00.000Z',
        ringingAt: '2026-03-05T02:10:00.300Z',
        answeredAt: '2026-03-05T02:10:05.000Z',
        answeredBy: 'supervisor@alpha',
        endedAt: '2026-03-05T02:15:05.000Z',
        endedBy: 'officer@bravo',
        endReason: 'hangup',
        durationMs: 300_000,
        recordings: [],
      },
    ],
    callWindow: { from: ENCOUNTER.report.occurredAt, to: ENCOUNTER.closedAt ?? '' },
    record: {
      hotline: line('hotline-alpha-bravo', 'hotline', 'Alpha ⇄ Bravo'),
      thread: line(THREAD, 'thread', 'Encounter ALPHA-20260305-3F2A'),
      heads: { [THREAD]: { alpha: { seq: 6, id: 'H'.repeat(43) }, bravo: { seq: 5, id: 'B'.repeat(43) } } },
      sha256: 'f'.repeat(64),
      events: 42,
    },
  };
}

describe('the printable dossier', () => {
  it('[ENC5] text from the record stays text: no script, no element a peer could inject', () => {
    for (const language of ['en', 'zh', 'ja'] as const) {
      const html = renderDossierHtml(content(language));
      assert.ok(!html.includes('<script'), `${language}: no script element`);
      assert.ok(!html.includes('<img'), `${language}: no injected image`);
      assert.ok(
        html.includes('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;'),
        'the narrative shows the characters',
      );
      assert.ok(!/<[^>]*\s(src|href)=/.test(html), 'no element loads anything');
      assert.ok(!/@import|url\(/.test(html), 'the style loads nothing either');
    }
  });

  it('[ENC5] every section is there, with the report in full', () => {
    const html = renderDossierHtml(content('en'));
    for (const id of ['summary', 'report', 'approach', 'notices', 'timeline', 'calls', 'record']) {
      assert.ok(html.includes(`<section id="${id}">`), `section ${id}`);
    }
    for (const expected of [
      'ALPHA-20260305-3F2A',
      'Closed',
      'In the air',
      'Critical',
      'FLASH',
      '24°30.0′N 122°15.0′E',
      'Maritime patrol aircraft',
      'Alpha Seven',
      'AP-7',
      'BRAVO 21',
      '090°',
      '250 kn',
      'Unsafe intercept',
      'An air intercept flown too close, too fast or across the nose of the intercepted aircraft.',
      'Flares',
      'Bravo 21, alter course',
      'a'.repeat(64),
      '30 m',
      'as reported',
      'Live firing',
      'Bravo range control',
      '0–20,000 ft',
      'officer@bravo',
      'Agreed to review intercept procedures.',
      'Video',
      'supervisor@alpha',
      '5:00',
      'H'.repeat(43),
      'f'.repeat(64),
      '42 events',
    ]) {
      assert.ok(html.includes(expected), `the page shows ${expected}`);
    }
    assert.match(html, /<html lang="en">/);
    assert.match(html, /@page\{size:A4/);
    assert.match(html, /"Noto Sans CJK SC", "Noto Sans CJK JP"/);
  });

  it('[ENC5] Chinese and Japanese readers get their words, the behaviours in English too, and the Japanese fonts first', () => {
    const zh = renderDossierHtml(content('zh'));
    for (const expected of [
      '遭遇事件档案',
      '危险拦截',
      'Unsafe intercept',
      '投放干扰弹',
      '海上巡逻机',
      '已结案',
      '北纬24°30.0′',
      '实弹射击',
    ]) {
      assert.ok(zh.includes(expected), `zh: ${expected}`);
    }
    const ja = renderDossierHtml(content('ja'));
    for (const expected of [
      '遭遇事案記録',
      '危険な要撃',
      'Unsafe intercept',
      'フレアの放出',
      '哨戒機',
      '終結',
      '北緯24度30.0分',
    ]) {
      assert.ok(ja.includes(expected), `ja: ${expected}`);
    }
    assert.match(ja, /"Noto Sans CJK JP", "Noto Sans CJK SC"/);
    assert.match(ja, /<html lang="ja">/);
  });

  it('[ENC5] [HOT6] the timeline names each step in order; the templated item is rendered in the reader’s language', () => {
    const entries = buildTimeline(EVENTS, { language: 'zh', itemId: ITEM });
    assert.deepEqual(
      entries.map((e) => e.label),
      [
        '会话开启',
        '消息 — 报告的待确认项',
        '报告已提交',
        '送达记录',
        '已阅',
        '已确认',
        '消息',
        '译文',
        '进入磋商',
        '结案',
        '链路状态',
        'some.future-type',
      ],
    );
    const item = entries[1];
    assert.equal(item?.isItem, true);
    assert.match(item?.details[0] ?? '', /^M1 · FLASH/);
    assert.ok(!item?.details[1]?.includes(ITEM_BODY.text), 'not the English fallback');
    assert.match(item?.details[1] ?? '', /Alpha Seven/);
    assert.match(entries[3]?.details[0] ?? '', /已收到 alpha 的事件至第 3 条/);
    assert.deepEqual(entries[5]?.details, ['针对 M1 · 在时限内', `答复: Received. ${HOSTILE}`]);
    assert.deepEqual(entries[7]?.details, ['针对 M2 · 译为英文', 'Our pilot kept to the rules.']);
    assert.equal(entries[9]?.author, 'supervisor@alpha');
    assert.deepEqual(entries[10]?.details, ['bravo → alpha: 降级']);
    assert.deepEqual(entries[11]?.details, [], 'a type this version does not know shows by its name');
    const english = buildTimeline(EVENTS, { language: 'en', itemId: ITEM });
    assert.equal(english[1]?.details[1], ITEM_BODY.text, 'English readers read the English rendering');
    assert.equal(stamp('2026-03-05T02:04:00.000Z'), '2026-03-05 02:04:00 UTC');
  });

  it('[ENC5] an acknowledgement after the deadline says so', () => {
    const late = EVENTS.map((e) =>
      e.type === 'message.acknowledged' ? { ...e, ts: '2026-03-05T02:30:00.000Z' } : e,
    );
    const entries = buildTimeline(late, { language: 'en', itemId: ITEM });
    assert.equal(entries.find((e) => e.label === 'Acknowledged')?.details[0], 'of M1 · after the deadline');
  });
});
