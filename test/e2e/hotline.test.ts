/**
 * Browser tests across two real nodes: officers at alpha and bravo exchange hotline messages
 * through their own consoles (CON5, HOT3), an observer reads but cannot send or acknowledge
 * (SEC1), and a FLASH is acknowledged at bravo, which ends its alarm there and shows alpha who
 * acknowledged it and when (HOT3, CON1). Both consoles' Pairing panels show the same safety
 * code, which the duty officers compare by voice (FED1).
 *
 * Each node is its own process with its own SQLite database (`test/support/cluster.ts`);
 * the browser is the Debian chromium driven by playwright-core, one fresh context per person.
 * Screenshots of both consoles go to `test-artifacts/e2e/` for a human to look at.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ARTIFACTS, browserSuite, openConsole, signIn, waitPeerUp } from '../support/browser.ts';
import { ApiClient, HOTLINE } from '../support/cluster.ts';

/** Delivery crosses two processes and a federation link; speed belongs to the benchmarks. */
const DELIVERY_TIMEOUT_MS = 20_000;

/** The message `text` on `page`, once it is listed. */
async function messageWithText(page: Page, text: string) {
  const message = page.getByTestId('message').filter({ hasText: text });
  await message.waitFor({ timeout: DELIVERY_TIMEOUT_MS });
  return message;
}

/** Sends a message from the compose box. */
async function send(page: Page, text: string, precedence: string): Promise<void> {
  await page.getByTestId('compose-text').fill(text);
  await page.getByTestId('compose-precedence').selectOption(precedence);
  await page.getByTestId('compose-send').click();
}

/** The listed messages' ids, top to bottom. */
async function listedIds(page: Page): Promise<string[]> {
  return page
    .getByTestId('message')
    .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-id') ?? ''));
}

/**
 * Opens the Pairing panel from the header with the keyboard alone (CON3) and returns the
 * safety code it shows for `peer` (FED1).
 */
async function openPairing(page: Page, peer: string): Promise<string> {
  await page.getByTestId('pairing-open').focus();
  await page.keyboard.press('Enter');
  const panel = page.getByRole('dialog', { name: /Pairing/ });
  await panel.waitFor({ timeout: 10_000 });
  const code = panel.locator(`[data-testid="safety-code"][data-peer="${peer}"]`);
  await code.waitFor({ timeout: 10_000 });
  return ((await code.textContent()) ?? '').trim();
}

/** Asserts what a duty officer reads on one message: author, precedence in words, time in UTC. */
async function assertMessageDetails(
  page: Page,
  text: string,
  author: string,
  precedence: string,
): Promise<void> {
  const message = await messageWithText(page, text);
  const [authorShown, precedenceShown, timeShown] = await Promise.all([
    message.locator('.message__author').textContent(),
    message.locator('[data-precedence]').textContent(),
    message.locator('.message__time').textContent(),
  ]);
  assert.match(authorShown ?? '', new RegExp(`^${author}\\b`), `author of "${text}"`);
  assert.equal(precedenceShown, precedence, `precedence of "${text}" in words`);
  assert.match(timeShown ?? '', /\b\d{2}:\d{2}:\d{2} UTC\b/, `UTC time of "${text}"`);
}

describe('hotline through the consoles of two real nodes', { timeout: 60_000 }, () => {
  const suite = browserSuite();

  it('[CON5][HOT3][CON2][FED1] officers at alpha and bravo exchange messages and compare safety codes', async () => {
    const { cluster, browser } = suite;
    const [alpha, bravo] = await Promise.all([
      openConsole(browser, cluster.node('alpha').url, 'Europe/Paris'),
      openConsole(browser, cluster.node('bravo').url, 'Asia/Tokyo'),
    ]);
    await Promise.all([signIn(alpha, 'officer'), signIn(bravo, 'officer')]);
    await Promise.all([waitPeerUp(alpha), waitPeerUp(bravo)]);

    const flash = `FLASH from alpha ${Date.now()}: unsafe approach at 31.2N 122.5E`;
    await send(alpha, flash, 'FLASH');
    await messageWithText(bravo, flash);
    // CON1: a FLASH from the peer raises an alarm banner at bravo until it is acknowledged.
    const alarm = bravo.getByTestId('flash-alarm');
    await alarm.waitFor({ timeout: DELIVERY_TIMEOUT_MS });
    assert.match((await alarm.textContent()) ?? '', /FLASH from officer@alpha/);
    assert.equal(
      await alpha.getByTestId('flash-alarm').count(),
      0,
      'no alarm for our own FLASH before its deadline',
    );
    // HOT3: bravo's officer has the FLASH on screen, so alpha learns it was seen, not only delivered.
    const flashAtAlpha = alpha
      .locator('[data-testid="message"][data-state="seen"]')
      .filter({ hasText: flash });
    await flashAtAlpha.waitFor({ timeout: DELIVERY_TIMEOUT_MS });
    assert.match(
      (await flashAtAlpha.getByTestId('message-state').textContent()) ?? '',
      /^Seen, not acknowledged · \d+ s ago · \d+ min left$/,
    );
    assert.equal(await flashAtAlpha.getByTestId('ack').count(), 0, 'nobody acknowledges their own message');
    const flashAtBravo = bravo.getByTestId('message').filter({ hasText: flash });
    assert.equal(await flashAtBravo.getByTestId('ack').count(), 1, 'bravo may acknowledge the FLASH');

    const reply = `Bravo desk received, checking ${Date.now()}`;
    await send(bravo, reply, 'ROUTINE');
    await messageWithText(alpha, reply);
    await bravo
      .locator('[data-testid="message"][data-state="seen"]')
      .filter({ hasText: reply })
      .waitFor({ timeout: DELIVERY_TIMEOUT_MS });

    // LOG7: both consoles list the same messages in the same order.
    const [alphaIds, bravoIds] = await Promise.all([listedIds(alpha), listedIds(bravo)]);
    assert.equal(alphaIds.length, 2);
    assert.deepEqual(alphaIds, bravoIds);
    const alphaTexts = await alpha.getByTestId('message').locator('.message__text').allTextContents();
    const bravoTexts = await bravo.getByTestId('message').locator('.message__text').allTextContents();
    assert.deepEqual(alphaTexts, [flash, reply]);
    assert.deepEqual(bravoTexts, alphaTexts);

    for (const page of [alpha, bravo]) {
      await assertMessageDetails(page, flash, 'officer@alpha', 'FLASH');
      await assertMessageDetails(page, reply, 'officer@bravo', 'ROUTINE');
    }

    await Promise.all([
      alpha.screenshot({ path: join(ARTIFACTS, 'alpha.png'), fullPage: true }),
      bravo.screenshot({ path: join(ARTIFACTS, 'bravo.png'), fullPage: true }),
    ]);

    // LOG9, CON1: two healthy nodes raise no record alarm.
    assert.equal(await alpha.getByTestId('alarm-banner').count(), 0, 'no alarm at alpha');
    assert.equal(await bravo.getByTestId('alarm-banner').count(), 0, 'no alarm at bravo');

    // FED1: both consoles show the same safety code for their pairing, to compare by voice.
    const [codeAtAlpha, codeAtBravo] = await Promise.all([
      openPairing(alpha, 'bravo'),
      openPairing(bravo, 'alpha'),
    ]);
    assert.match(codeAtAlpha, /^\d{4} \d{4} \d{4}$/, 'a short code in groups of digits');
    assert.equal(codeAtBravo, codeAtAlpha, 'alpha and bravo show the same safety code');
    const pairingAtAlpha = alpha.getByRole('dialog', { name: /Pairing/ });
    assert.match(
      (await pairingAtAlpha.textContent()) ?? '',
      /Read this code aloud with the duty officer at Bravo: both consoles must show the same digits\./,
    );
    // The code is also in the peer indicator's hover title.
    assert.match(
      (await alpha.getByTestId('peer-state').getAttribute('title')) ?? '',
      new RegExp(codeAtAlpha),
    );
    await Promise.all([
      alpha.screenshot({ path: join(ARTIFACTS, 'pairing.png') }),
      bravo.screenshot({ path: join(ARTIFACTS, 'pairing-bravo.png') }),
    ]);
    // CON3: Esc closes the panel and gives the keyboard back to the button that opened it.
    for (const page of [alpha, bravo]) {
      await page.keyboard.press('Escape');
      await page.getByRole('dialog', { name: /Pairing/ }).waitFor({ state: 'hidden', timeout: 5_000 });
      assert.equal(
        await page.getByTestId('pairing-open').evaluate((button) => button.matches(':focus')),
        true,
        'the focus is back on the Pairing button',
      );
    }
    await Promise.all([alpha.context().close(), bravo.context().close()]);
  });

  it('[SEC1] an observer at bravo sees the messages but cannot send', async () => {
    const { cluster, browser } = suite;
    const bravoUrl = cluster.node('bravo').url;
    const observer = await openConsole(browser, bravoUrl, 'UTC');
    await signIn(observer, 'observer');
    await waitPeerUp(observer);

    // A message posted at alpha after the observer signed in arrives live.
    const officerAtAlpha = await ApiClient.login(cluster.node('alpha').url, 'officer');
    const text = `Observer check ${Date.now()}`;
    await officerAtAlpha.post(`/api/v1/lines/${HOTLINE}/messages`, { text, precedence: 'PRIORITY' });
    await assertMessageDetails(observer, text, 'officer@alpha', 'PRIORITY');

    assert.equal(await observer.getByTestId('compose-text').isDisabled(), true, 'compose text disabled');
    assert.equal(await observer.getByTestId('ack').count(), 0, 'no Acknowledge control for an observer');
    assert.equal(await observer.getByTestId('compose-send').isDisabled(), true, 'send disabled');

    // The node refuses the observer's post even when the console is bypassed.
    const status = await observer.evaluate(async (lineId) => {
      const response = await fetch(`/api/v1/lines/${lineId}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'should not go out', precedence: 'ROUTINE' }),
      });
      return response.status;
    }, HOTLINE);
    assert.equal(status, 403);
    const observerApi = await ApiClient.login(bravoUrl, 'observer');
    const answer = await observerApi.request('POST', `/api/v1/lines/${HOTLINE}/messages`, {
      text: 'should not go out',
      precedence: 'ROUTINE',
    });
    assert.equal(answer.status, 403);
    await observer.screenshot({ path: join(ARTIFACTS, 'bravo-observer.png'), fullPage: true });
    await observer.context().close();
  });
});

describe('acknowledging a FLASH through the consoles of two real nodes', { timeout: 60_000 }, () => {
  // A cluster of its own: the alarm at bravo must owe nothing to the other tests' FLASH messages.
  const suite = browserSuite();

  it('[HOT3][CON1] a FLASH at alpha raises the alarm at bravo; bravo acknowledges; alpha shows who acknowledged and when', async () => {
    const { cluster, browser } = suite;
    const [alpha, bravo] = await Promise.all([
      openConsole(browser, cluster.node('alpha').url, 'Europe/Paris'),
      openConsole(browser, cluster.node('bravo').url, 'Asia/Tokyo'),
    ]);
    await Promise.all([signIn(alpha, 'officer'), signIn(bravo, 'officer')]);
    await Promise.all([waitPeerUp(alpha), waitPeerUp(bravo)]);

    const flash = `FLASH ${Date.now()}: fire-control radar lock on frigate at 30.1N 123.4E`;
    await send(alpha, flash, 'FLASH');
    const atBravo = await messageWithText(bravo, flash);
    const alarm = bravo.getByTestId('flash-alarm');
    await alarm.waitFor({ timeout: DELIVERY_TIMEOUT_MS });
    assert.match((await alarm.textContent()) ?? '', /FLASH from officer@alpha/);

    const answer = 'Bravo desk: received, investigating';
    await atBravo.getByTestId('ack-reply').fill(answer);
    await atBravo.getByTestId('ack').click();

    // CON1: the alarm at bravo ends with the acknowledgement, and the control goes with it.
    await alarm.waitFor({ state: 'detached', timeout: DELIVERY_TIMEOUT_MS });
    await bravo
      .locator('[data-testid="message"][data-state="acknowledged"]')
      .filter({ hasText: flash })
      .waitFor({ timeout: DELIVERY_TIMEOUT_MS });
    assert.equal(await atBravo.getByTestId('ack').count(), 0, 'no second acknowledgement offered');
    assert.match(
      (await atBravo.getByTestId('message-state').textContent()) ?? '',
      /^Acknowledged by officer@bravo at \d{2}:\d{2}:\d{2} UTC · \d{2}:\d{2}:\d{2} GMT\+9$/,
    );

    // HOT3: alpha, the sender, sees who acknowledged and when (UTC and its own zone, CON2), and the reply.
    const atAlpha = alpha
      .locator('[data-testid="message"][data-state="acknowledged"]')
      .filter({ hasText: flash });
    await atAlpha.waitFor({ timeout: DELIVERY_TIMEOUT_MS });
    assert.match((await atAlpha.textContent()) ?? '', /officer@bravo/);
    assert.match(
      (await atAlpha.getByTestId('message-state').textContent()) ?? '',
      /^Acknowledged by officer@bravo at \d{2}:\d{2}:\d{2} UTC · \d{2}:\d{2}:\d{2} CES?T$/,
    );
    assert.match((await atAlpha.getByTestId('ack-reply-text').textContent()) ?? '', new RegExp(answer));
    assert.equal(await alpha.getByTestId('flash-alarm').count(), 0, 'no alarm at alpha either');

    // The node refuses a second acknowledgement and one by the sender's own node (HOT3).
    const messageId = await atAlpha.getAttribute('data-id');
    assert.ok(messageId);
    const [again, own] = await Promise.all([
      ApiClient.login(cluster.node('bravo').url, 'supervisor').then((api) =>
        api.request('POST', `/api/v1/messages/${messageId}/ack`, {}),
      ),
      ApiClient.login(cluster.node('alpha').url, 'officer').then((api) =>
        api.request('POST', `/api/v1/messages/${messageId}/ack`, {}),
      ),
    ]);
    assert.equal(again.status, 409);
    assert.equal(own.status, 409);

    await Promise.all([
      alpha.screenshot({ path: join(ARTIFACTS, 'acknowledged.png'), fullPage: true }),
      bravo.screenshot({ path: join(ARTIFACTS, 'acknowledged-bravo.png'), fullPage: true }),
    ]);
    await Promise.all([alpha.context().close(), bravo.context().close()]);
  });
});
