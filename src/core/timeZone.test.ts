import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKnownTimeZone, machineTimeZone } from './timeZone.ts';

describe('time zone names', () => {
  it('[CON2] accepts IANA zones the runtime knows and refuses anything else', () => {
    for (const zone of [
      'UTC',
      'Asia/Tokyo',
      'Asia/Shanghai',
      'Europe/Paris',
      'America/Argentina/Buenos_Aires',
      'Etc/GMT+5',
    ]) {
      assert.equal(isKnownTimeZone(zone), true, zone);
    }
    const bad = [
      '',
      'Mars/Olympus_Mons',
      'Asia/Tokyo; DROP',
      '<script>',
      'a'.repeat(65),
      42,
      null,
      '../etc/passwd',
    ];
    for (const zone of bad) assert.equal(isKnownTimeZone(zone), false, String(zone));
    assert.equal(isKnownTimeZone(machineTimeZone()), true);
  });
});
