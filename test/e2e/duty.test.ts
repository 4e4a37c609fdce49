/**
 * The duty roster and translations in the consoles of two real nodes (HOT5, HOT6): alpha's
 * officer takes the desk from the console and both consoles show who is on duty at alpha; the
 * officer hands over to the supervisor, whose console lists the open items handed over; an
 * interpreter at bravo translates alpha's free-text message, and alpha's console shows the
 * translation under the original, marked as a translation by the interpreter.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  ARTIFACTS,
  closeBrowser,
  launchBrowser,
  openConsole,
  signIn,
  waitPeerUp,
} from '../support/browser.ts';
import { type Cluster, startCluster } from '../support/cluster.ts';

/** The desk line of `node` on a console, once it names `holder`. */
async function deskShows(page: Page, testId: 'duty-own' | 'duty-peer', node: string, holder: string) {
  const desk = page.locator(`[data-testid="${testId}"][data-node="${node}"][data-holder="${holder}"]`);
  await desk.waitFor({ timeout: 20_000 });
  return (await desk.textContent()) ?? '';
}

describe('duty roster and translations in the consoles of two real nodes', { timeout: 120_000 }, () => {
  let cluster: Cluster | null = null;
  let browser: Browser | null = null;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [cluster, browser] = await Promise.all([startCluster(), launchBrowser()]);
  });

  after(async () => {
    await Promise.allSettled([closeBrowser(browser), cluster?.stop()]);
  });

  it('[HOT5] the desk taken at alpha shows on both consoles; a handover lists the open items for the supervisor', async () => {
    assert.ok(cluster && browser);
    const [alpha, bravo] = await Promise.all([
      openConsole(browser, cluster.node('alpha').url, 'Europe/Paris'),
      openConsole(browser, cluster.node('bravo').url, 'Asia/Tokyo'),
    ]);
    await Promise.all([signIn(alpha, 'officer'), signIn(bravo, 'officer')]);
    await Promise.all([waitPeerUp(alpha), waitPeerUp(bravo)]);

    await alpha.locator('[data-testid="duty-own"][data-holder=""]').waitFor({ timeout: 10_000 });
    await bravo.getByTestId('compose-text').fill('Please confirm your exercise area');
    await bravo.getByTestId('compose-send').click();
    await alpha.getByTestId('message').first().waitFor({ timeout: 20_000 });

    await alpha.getByTestId('duty-take').click();
    const own = await deskShows(alpha, 'duty-own', 'alpha', 'officer@alpha');
    assert.match(own, /On duty at Alpha: officer@alpha since \d{2}:\d{2}:\d{2} UTC/);
    const peer = await deskShows(bravo, 'duty-peer', 'alpha', 'officer@alpha');
    assert.match(peer, /On duty at Alpha: officer@alpha since/);
    await bravo.screenshot({ path: join(ARTIFACTS, 'duty-bravo.png') });

    await alpha.getByTestId('duty-handover').click();
    await alpha.getByTestId('handover-to').selectOption('supervisor');
    await alpha.getByTestId('handover-note').fill('Bravo asked about the area');
    await alpha.getByTestId('handover-submit').click();
    await deskShows(alpha, 'duty-own', 'alpha', 'supervisor@alpha');
    await deskShows(bravo, 'duty-peer', 'alpha', 'supervisor@alpha');

    const supervisor = await openConsole(browser, cluster.node('alpha').url, 'Europe/Paris');
    await signIn(supervisor, 'supervisor');
    const handover = supervisor.getByTestId('handover-items');
    await handover.waitFor({ timeout: 20_000 });
    const text = (await handover.textContent()) ?? '';
    assert.match(text, /Handed over to you by officer@alpha/);
    assert.match(text, /Note: Bravo asked about the area/);
    const item = supervisor.getByTestId('handover-item');
    assert.equal(await item.count(), 1);
    assert.match((await item.textContent()) ?? '', /To acknowledge.*Please confirm your exercise area/);
    await supervisor.screenshot({ path: join(ARTIFACTS, 'duty-handover-supervisor.png') });
  });

  it('[HOT6] an interpreter at bravo translates alpha’s message; alpha’s console shows it beside the original', async () => {
    assert.ok(cluster && browser);
    const [alpha, bravo] = await Promise.all([
      openConsole(browser, cluster.node('alpha').url, 'Europe/Paris'),
      openConsole(browser, cluster.node('bravo').url, 'Asia/Tokyo'),
    ]);
    await Promise.all([signIn(alpha, 'officer'), signIn(bravo, 'interpreter')]);
    await Promise.all([waitPeerUp(alpha), waitPeerUp(bravo)]);

    const original = 'Request you keep clear of the exercise area';
    await alpha.getByTestId('compose-text').fill(original);
    await alpha.getByTestId('compose-send').click();
    const atBravo = bravo.getByTestId('message').filter({ hasText: original });
    await atBravo.waitFor({ timeout: 20_000 });
    await atBravo.getByTestId('translate').click();
    await atBravo.getByTestId('translation-language').selectOption('ja');
    await atBravo.getByTestId('translation-text').fill('演習区域から離れてください');
    await atBravo.getByTestId('translation-submit').click();

    const atAlpha = alpha.getByTestId('message').filter({ hasText: original });
    const translation = atAlpha.getByTestId('translation');
    await translation.waitFor({ timeout: 20_000 });
    const shown = (await translation.textContent()) ?? '';
    assert.match(shown, /Translation \(ja\) by interpreter@bravo/);
    assert.match(shown, /演習区域から離れてください/);
    assert.match((await atAlpha.textContent()) ?? '', new RegExp(original), 'the original is still shown');
    assert.equal(await atAlpha.getByTestId('translate').count(), 0, 'an officer gets no translate control');
    await alpha.screenshot({ path: join(ARTIFACTS, 'translation-alpha.png') });
  });
});
