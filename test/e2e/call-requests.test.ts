/**
 * Call requests in the consoles of two real nodes (HOT7): the officer at alpha asks for a call
 * at director level for a few minutes from now; bravo's officer sees the request, who asked and
 * the deadline, and accepts; the agreed call shows under "Scheduled calls" in both consoles, with
 * the reminder banner of a call due within 5 minutes.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ARTIFACTS, browserSuite, openConsole, signIn, waitPeerUp } from '../support/browser.ts';

const TOPIC = 'Unsafe intercept near the strait on 26 November';

/** `ms` as a datetime-local value (`2026-11-27T14:03`) in `timeZone`, as the reader would type it. */
function localInput(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}`;
}

/** Opens the Call requests panel and returns it. */
async function openPanel(page: Page) {
  await page.getByTestId('call-request-open').click();
  const panel = page.getByTestId('call-requests-panel');
  await panel.waitFor({ timeout: 10_000 });
  return panel;
}

describe('call requests in the consoles of two real nodes', { timeout: 90_000 }, () => {
  const suite = browserSuite();

  it('[HOT7] alpha asks for a director-level call, bravo accepts, and the agreed call shows in both consoles', async () => {
    const { cluster, browser } = suite;
    const [alpha, bravo] = await Promise.all([
      openConsole(browser, cluster.node('alpha').url, 'Europe/Paris'),
      openConsole(browser, cluster.node('bravo').url, 'Asia/Tokyo'),
    ]);
    await Promise.all([signIn(alpha, 'officer'), signIn(bravo, 'officer')]);
    await Promise.all([waitPeerUp(alpha), waitPeerUp(bravo)]);
    await bravo.getByText('No call scheduled.').waitFor({ timeout: 10_000 });

    const alphaPanel = await openPanel(alpha);
    const form = alphaPanel.getByTestId('call-request-form');
    await form.getByTestId('call-request-level').selectOption('director');
    await form.getByTestId('call-request-urgency').selectOption('IMMEDIATE');
    await form.getByTestId('call-request-topic').fill(TOPIC);
    await form.getByTestId('call-request-time').fill(localInput(Date.now() + 4 * 60_000, 'Europe/Paris'));
    await form.getByTestId('call-request-submit').click();
    const asked = alphaPanel.locator('[data-testid="call-request"][data-state="open"]');
    await asked.waitFor({ timeout: 10_000 });
    assert.match((await asked.textContent()) ?? '', /OPEN — awaiting the answer of Bravo/);
    assert.equal(
      await asked.getByTestId('call-request-accept').count(),
      0,
      'alpha may not accept its own request',
    );
    await alpha.keyboard.press('Escape');

    // Bravo's strip counts the request to answer, without a reload.
    await bravo
      .getByTestId('call-request-open')
      .filter({ hasText: '1 to answer' })
      .waitFor({ timeout: 20_000 });
    const bravoPanel = await openPanel(bravo);
    const request = bravoPanel.locator('[data-testid="call-request"][data-state="open"]');
    await request.waitFor({ timeout: 10_000 });
    const shown = (await request.textContent()) ?? '';
    assert.match(shown, /IMMEDIATE/);
    assert.match(shown, /Director level/);
    assert.match(shown, new RegExp(TOPIC));
    assert.match(shown, /OPEN — awaiting your answer/);
    assert.match(shown, /Asked by officer@alpha at \d{2}:\d{2}:\d{2} UTC/);
    assert.match(shown, /Time asked for: /);
    assert.match(shown, /Answer by .* \(in \d+ min\)/, 'the deadline with the time left');
    await bravo.screenshot({ path: join(ARTIFACTS, 'call-request-bravo-panel.png') });
    await request.getByTestId('call-request-accept').click();
    await bravoPanel
      .locator('[data-testid="call-request"][data-state="agreed"]')
      .waitFor({ timeout: 10_000 });
    await bravo.keyboard.press('Escape');

    for (const page of [alpha, bravo]) {
      const scheduled = page.getByTestId('scheduled-call');
      await scheduled.waitFor({ timeout: 20_000 });
      const text = (await scheduled.textContent()) ?? '';
      assert.match(text, /\d{2}:\d{2}:\d{2} UTC/);
      assert.match(text, new RegExp(`Director level call with (Alpha|Bravo): ${TOPIC}`));
      const reminder = page.locator('[data-testid="call-request-reminder"][data-kind="due"]');
      await reminder.waitFor({ timeout: 10_000 });
      assert.equal(await reminder.getAttribute('role'), 'alert');
      assert.match(
        (await reminder.textContent()) ?? '',
        /Call with (Alpha|Bravo) \(Director level\) in \d+ min/,
      );
    }
    const alphaAgreed = await openPanel(alpha);
    await alphaAgreed
      .locator('[data-testid="call-request"][data-state="agreed"]')
      .waitFor({ timeout: 10_000 });
    assert.match(
      (await alphaAgreed.getByTestId('call-request').first().textContent()) ?? '',
      /AGREED — call at .*officer@bravo accepted at/,
    );
    await alpha.keyboard.press('Escape');
    await alpha.screenshot({ path: join(ARTIFACTS, 'call-request-alpha-scheduled.png') });
    await bravo.screenshot({ path: join(ARTIFACTS, 'call-request-bravo-scheduled.png') });
  });
});
