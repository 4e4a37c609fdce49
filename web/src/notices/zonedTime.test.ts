import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatZonedInput, parseZonedInput } from './zonedTime.ts';

describe('datetime-local values read in a chosen zone', () => {
  it('[ENC3] [CON2] reads a value in UTC and in zones east and west of it, and writes it back', () => {
    const cases: [string, string, string][] = [
      ['2026-11-27T14:30', 'UTC', '2026-11-27T14:30:00.000Z'],
      ['2026-11-27T14:30', 'Asia/Tokyo', '2026-11-27T05:30:00.000Z'],
      ['2026-11-27T14:30', 'Europe/Paris', '2026-11-27T13:30:00.000Z'],
      ['2026-07-01T09:00', 'Europe/Paris', '2026-07-01T07:00:00.000Z'],
      ['2026-07-01T09:00', 'America/New_York', '2026-07-01T13:00:00.000Z'],
      ['2026-01-01T00:15', 'Asia/Kathmandu', '2025-12-31T18:30:00.000Z'],
      ['2026-11-27T14:30:45', 'UTC', '2026-11-27T14:30:45.000Z'],
    ];
    for (const [value, zone, iso] of cases) {
      assert.equal(parseZonedInput(value, zone), iso, `${value} in ${zone}`);
      assert.equal(formatZonedInput(Date.parse(iso), zone), value.slice(0, 16), `${iso} in ${zone}`);
    }
  });

  it('[ENC3] writes a moment to the minute, seconds dropped, across a day boundary', () => {
    assert.equal(formatZonedInput(Date.parse('2026-11-27T23:59:59.900Z'), 'UTC'), '2026-11-27T23:59');
    assert.equal(formatZonedInput(Date.parse('2026-11-27T20:10:00Z'), 'Asia/Tokyo'), '2026-11-28T05:10');
  });

  it('[ENC3] refuses values that are not a real moment, and a local time skipped when clocks go forward', () => {
    for (const bad of [
      '',
      '2026-11-27',
      '27/11/2026 14:30',
      '2026-02-30T10:00',
      '2026-13-01T10:00',
      '2026-11-27T24:00',
    ])
      assert.equal(parseZonedInput(bad, 'UTC'), null, bad);
    // Paris went from 02:00 straight to 03:00 on 29 March 2026.
    assert.equal(parseZonedInput('2026-03-29T02:30', 'Europe/Paris'), null);
    assert.equal(parseZonedInput('2026-03-29T03:00', 'Europe/Paris'), '2026-03-29T01:00:00.000Z');
    // 02:30 happened twice on 25 October 2026: either is a moment that reads back as typed.
    const twice = parseZonedInput('2026-10-25T02:30', 'Europe/Paris');
    assert.ok(twice === '2026-10-25T00:30:00.000Z' || twice === '2026-10-25T01:30:00.000Z', String(twice));
  });
});
