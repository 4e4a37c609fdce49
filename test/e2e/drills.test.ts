/**
 * Link drills in the console (FED8): an officer at bravo opens the Drills panel, runs a drill
 * on the hotline, and sees alpha's automatic answer with its round trip; alpha's officer sees
 * the same drill, answered by alpha, in the same panel of alpha's console.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ARTIFACTS, browserSuite, openConsole, signIn, waitPeerUp } from '../support/browser.ts';
import { HOTLINE } from '../support/cluster.ts';

/** Opens the Drills panel from the header and returns it. */
async function openDrills(page: Page) {
  await page.getByTestId('drills-open').click();
  const panel = page.getByRole('dialog', { name: /Link drills/ });
  await panel.waitFor({ timeout: 10_000 });
  return panel;
}

describe('link drills in the consoles of two real nodes', { timeout: 60_000 }, () => {
  const suite = browserSuite();

  it('[FED8] a drill run from bravo’s console shows alpha’s answer and its round trip on both consoles', async () => {
    const { cluster, browser } = suite;
    const [alpha, bravo] = await Promise.all([
      openConsole(browser, cluster.node('alpha').url, 'Europe/Paris'),
      openConsole(browser, cluster.node('bravo').url, 'Asia/Tokyo'),
    ]);
    await Promise.all([signIn(alpha, 'officer'), signIn(bravo, 'officer')]);
    await Promise.all([waitPeerUp(alpha), waitPeerUp(bravo)]);

    const bravoPanel = await openDrills(bravo);
    const bravoSection = bravoPanel.getByRole('region', { name: /Alpha/ });
    await bravoSection.getByText('No drill on this line yet.').waitFor({ timeout: 10_000 });
    await bravoSection.getByTestId('drill-run').click();

    // The answer is automatic: the row turns answered without a reload (stream or refresh).
    const answered = bravoPanel.locator(
      `[data-testid="drill"][data-line="${HOTLINE}"][data-state="answered"]`,
    );
    await answered.waitFor({ timeout: 20_000 });
    const row = (await answered.first().textContent()) ?? '';
    assert.match(row, /Bravo/, 'sent by bravo');
    assert.match(row, /Answered by Alpha · round trip \d+ ms/, 'alpha answered, with the round trip');
    assert.match(row, /\d{2}:\d{2}:\d{2} UTC/, 'the time in UTC');
    await bravo.screenshot({ path: join(ARTIFACTS, 'drills-bravo.png') });

    const alphaPanel = await openDrills(alpha);
    const seenAtAlpha = alphaPanel.locator(`[data-testid="drill"][data-state="answered"]`);
    await seenAtAlpha.waitFor({ timeout: 20_000 });
    assert.match((await seenAtAlpha.first().textContent()) ?? '', /Answered by Alpha/);
    await alpha.screenshot({ path: join(ARTIFACTS, 'drills-alpha.png') });
  });
});
