import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatDualTime,
  formatFullTime,
  formatRelative,
  formatSpan,
  formatUtcMinute,
  formatUtcTime,
  isUtcZone,
} from './time.ts';

const MOMENT = '2026-11-26T21:04:05.000Z';
const SAME_DAY = new Date('2026-11-26T21:30:00.000Z');

describe('console times', () => {
  it('[CON2] shows a time in UTC and in the reader zone, side by side', () => {
    assert.equal(formatDualTime(MOMENT, SAME_DAY, 'Europe/Paris'), '21:04:05 UTC · 22:04:05 CET');
    assert.equal(formatDualTime(MOMENT, SAME_DAY, 'America/New_York'), '21:04:05 UTC · 16:04:05 GMT-5');
  });

  it('[CON2] shows UTC once to a reader whose zone is UTC', () => {
    for (const zone of ['UTC', 'Etc/UTC'])
      assert.equal(formatDualTime(MOMENT, SAME_DAY, zone), '21:04:05 UTC');
    assert.equal(isUtcZone('Europe/London'), false, 'London is not UTC in summer');
  });

  it('[CON2] adds the date in each zone where the moment is not today', () => {
    const tokyoEvening = new Date('2026-11-26T14:00:00.000Z');
    assert.equal(formatDualTime(MOMENT, tokyoEvening, 'Asia/Tokyo'), '21:04:05 UTC · 27 Nov, 06:04:05 GMT+9');
    assert.equal(
      formatDualTime(MOMENT, SAME_DAY, 'Asia/Tokyo'),
      '21:04:05 UTC · 06:04:05 GMT+9',
      'today in Tokyo',
    );
    const nextDay = new Date('2026-11-27T09:00:00.000Z');
    assert.equal(formatDualTime(MOMENT, nextDay, 'Asia/Tokyo'), '26 Nov, 21:04:05 UTC · 06:04:05 GMT+9');
    assert.equal(formatUtcTime(MOMENT, nextDay), '26 Nov, 21:04:05 UTC');
  });

  it('[CON2] names a lasting moment to the minute in UTC, with the date when not today', () => {
    assert.equal(formatUtcMinute(MOMENT, SAME_DAY), '21:04 UTC');
    assert.equal(formatUtcMinute(MOMENT, new Date('2026-11-27T00:30:00.000Z')), '26 Nov, 21:04 UTC');
    assert.equal(formatUtcMinute('soon', SAME_DAY), 'soon');
  });

  it('[CON2] gives the full date in both zones for hover titles', () => {
    assert.equal(
      formatFullTime(MOMENT, 'Europe/Paris'),
      'Thu, 26 Nov 2026, 21:04:05 Coordinated Universal Time\nThu, 26 Nov 2026, 22:04:05 Central European Standard Time',
    );
    assert.equal(formatFullTime(MOMENT, 'UTC'), 'Thu, 26 Nov 2026, 21:04:05 Coordinated Universal Time');
  });

  it('returns text that is not a time unchanged rather than "Invalid Date"', () => {
    assert.equal(formatDualTime('soon', SAME_DAY, 'Europe/Paris'), 'soon');
    assert.equal(formatUtcTime('', SAME_DAY), '');
    assert.equal(formatFullTime('soon', 'UTC'), 'soon');
    assert.equal(formatRelative('soon', 0), null);
  });

  it('[HOT2] says how long until a deadline, or how long since it passed', () => {
    const deadline = Date.parse(MOMENT);
    const table: [number, string][] = [
      [deadline - 9 * 60_000 - 30_000, 'in 9 min'],
      [deadline - 45_000, 'in 45 s'],
      [deadline, 'in 0 s'],
      [deadline + 4 * 60_000, '4 min ago'],
      [deadline - (5 * 3600_000 + 7 * 60_000), 'in 5 h 07 min'],
    ];
    for (const [nowMs, expected] of table) assert.equal(formatRelative(MOMENT, nowMs), expected);
    assert.equal(formatSpan(-61_000), '1 min');
  });
});
