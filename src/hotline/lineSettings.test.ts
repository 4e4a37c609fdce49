/**
 * Deadlines per line (HOT2) on a real ledger pair with a ManualClock: a `line.settings` event
 * sets them for every member; the sender stamps line over node over defaults.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { isoTime } from '../core/clock.ts';
import type { JsonObject } from '../core/types.ts';
import { parseDeadlines } from '../node/config.ts';
import { closeStores, LINE, makeLedgerPair, sync, T0 } from '../record/testLedgers.ts';
import { LINE_SETTINGS_TYPE, LineSettings, readLineDeadlines } from './lineSettings.ts';
import { Hotline } from './messages.ts';

afterEach(closeStores);

const NODE = parseDeadlines('FLASH=2m');

describe('deadlines per line [HOT2]', () => {
  it('[HOT2] the sender stamps the line setting, else the node setting, else the default', async () => {
    const pair = await makeLedgerPair({ withNodes: true });
    const settings = new LineSettings(pair.alpha.ledger, pair.alpha.store, NODE);
    await settings.start();
    const hotline = new Hotline(
      pair.alpha.ledger,
      pair.alpha.store,
      (line) => settings.effective(line),
      pair.clock,
    );

    const before = await hotline.post(LINE, 'officer@alpha', { text: 'a', precedence: 'FLASH' });
    assert.equal(
      before.event.body.deadline,
      isoTime(T0 + 2 * 60_000),
      'the node setting (LIAISON_ACK_DEADLINES)',
    );

    await pair.alpha.ledger.append(LINE, 'admin@alpha', LINE_SETTINGS_TYPE, {
      ackDeadlinesMs: { FLASH: 300_000 },
    });
    const flash = await hotline.post(LINE, 'officer@alpha', { text: 'b', precedence: 'FLASH' });
    assert.equal(flash.event.body.deadline, isoTime(T0 + 300_000), 'the line setting');
    const routine = await hotline.post(LINE, 'officer@alpha', { text: 'c', precedence: 'ROUTINE' });
    assert.equal(routine.event.body.deadline, isoTime(T0 + 6 * 3_600_000), 'the default');
    assert.deepEqual(settings.sources(LINE), {
      FLASH: 'line',
      IMMEDIATE: 'node',
      PRIORITY: 'node',
      ROUTINE: 'node',
    });
    settings.stop();
  });

  it('[HOT2] both sides hold the same setting; the latest in LOG7 order wins, also after a restart', async () => {
    const pair = await makeLedgerPair({ withNodes: true });
    await sync(pair.alpha, pair.bravo);
    const atBravo = new LineSettings(pair.bravo.ledger, pair.bravo.store, NODE);
    await atBravo.start();
    await pair.alpha.ledger.append(LINE, 'admin@alpha', LINE_SETTINGS_TYPE, {
      ackDeadlinesMs: { FLASH: 300_000 },
    });
    await sync(pair.alpha, pair.bravo);
    assert.equal(atBravo.effective(LINE).FLASH, 300_000);
    await pair.bravo.ledger.append(LINE, 'admin@bravo', LINE_SETTINGS_TYPE, {
      ackDeadlinesMs: { FLASH: 120_000 },
    });
    assert.equal(atBravo.effective(LINE).FLASH, 120_000);
    assert.equal(atBravo.lineDeadlines(LINE).setBy, 'admin@bravo');
    atBravo.stop();

    await sync(pair.bravo, pair.alpha);
    const atAlpha = new LineSettings(pair.alpha.ledger, pair.alpha.store, NODE);
    await atAlpha.start();
    assert.equal(atAlpha.effective(LINE).FLASH, 120_000, 'read back from the record at start');
    atAlpha.stop();
  });

  it('[HOT2] a settings body this version cannot read changes nothing', () => {
    const bodies: JsonObject[] = [
      {},
      { ackDeadlinesMs: [] },
      { ackDeadlinesMs: { FLASH: 10 } },
      { ackDeadlinesMs: { FLASH: '10m' } },
      { ackDeadlinesMs: { URGENT: 60_000 } },
    ];
    for (const body of bodies) {
      assert.equal(readLineDeadlines(body), null, JSON.stringify(body));
    }
    assert.deepEqual(readLineDeadlines({ ackDeadlinesMs: { ROUTINE: 60_000 } }), { ROUTINE: 60_000 });
  });
});
