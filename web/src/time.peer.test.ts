import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { setLanguage } from './strings.ts';
import { formatDualTime, formatFullTime, setPeerTimeZones } from './time.ts';

const MOMENT = '2026-11-26T21:04:05.000Z';

describe('times in the peer’s zone and in the reader’s language', () => {
  afterEach(() => {
    setLanguage('en');
    setPeerTimeZones([]);
  });

  it('[CON2] the hover title adds the time at each peer, in the zone it announced', () => {
    const title = formatFullTime(MOMENT, 'Europe/Paris', [{ name: 'Bravo', timeZone: 'Asia/Tokyo' }]);
    const lines = title.split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0] ?? '', /21:04:05 Coordinated Universal Time/);
    assert.match(lines[1] ?? '', /22:04:05 Central European Standard Time/);
    assert.equal(lines[2], 'At Bravo: Fri, 27 Nov 2026, 06:04:05 Japan Standard Time');
  });

  it('[CON2] the console’s peer zones are the default, and a zone this browser does not know is left out', () => {
    setPeerTimeZones([
      { name: 'Bravo', timeZone: 'Asia/Shanghai' },
      { name: 'Hostile', timeZone: 'Mars/Olympus_Mons' },
    ]);
    const title = formatFullTime(MOMENT, 'UTC');
    assert.match(
      title,
      /^Thu, 26 Nov 2026, 21:04:05 Coordinated Universal Time\nAt Bravo: Fri, 27 Nov 2026, 05:04:05 /,
    );
    assert.doesNotMatch(title, /Hostile/);
    assert.equal(
      formatFullTime(MOMENT, 'UTC', [{ name: 'Bad', timeZone: 'Nowhere/Else' }]).split('\n').length,
      1,
    );
  });

  it('[CON4][CON2] times follow the console’s language', () => {
    const now = new Date('2026-11-28T00:00:00Z');
    setLanguage('ja');
    assert.equal(formatDualTime(MOMENT, now, 'Asia/Tokyo'), '11月26日 21:04:05 UTC · 11月27日 06:04:05 JST');
    assert.equal(
      formatFullTime(MOMENT, 'UTC', [{ name: 'Bravo', timeZone: 'Asia/Tokyo' }]),
      '2026年11月26日(木) 21時04分05秒 協定世界時\nBravoの現地時刻：2026年11月27日(金) 06時04分05秒 日本標準時',
    );
    setLanguage('zh');
    assert.equal(
      formatDualTime(MOMENT, now, 'Asia/Tokyo'),
      '11月26日 UTC 21:04:05 · 11月27日 GMT+9 06:04:05',
    );
    assert.equal(
      formatFullTime(MOMENT, 'UTC', [{ name: 'Bravo', timeZone: 'Asia/Tokyo' }]),
      '2026年11月26日周四 协调世界时 21:04:05\nBravo当地：2026年11月27日周五 日本标准时间 06:04:05',
    );
  });
});
