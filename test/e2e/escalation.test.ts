/**
 * Escalation in the consoles of two real nodes (HOT4, CON1), with a FLASH deadline of 3 s: a
 * FLASH from alpha's officer is left unacknowledged at bravo; at the deadline bravo's FLASH alarm
 * gives way to the escalation banner naming who is alerted and how, a desktop notification is
 * shown where the reader allowed them, and alpha's console says its message is overdue and
 * escalated. When bravo's supervisor acknowledges, the banners go at both desks.
 *
 * The desktop notification is the operating system's edge: the browser context grants the
 * permission and an init script records each `new Notification(…)` before passing it on.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, browserSuite, signIn, VIEWPORT, waitPeerUp } from '../support/browser.ts';

const TIMEOUT_MS = 20_000;

/** A notification as the init script recorded it. */
interface RecordedNotification {
  title: string;
  body: string;
}

/**
 * Runs in the page before the console's own script: wraps `window.Notification` so each one the
 * console creates is kept in `window.recordedNotifications`, and still reaches the browser.
 * Plain JavaScript in a string: a function passed to the browser would carry the helpers the
 * TypeScript loader adds to classes, which the page does not have.
 */
const RECORD_NOTIFICATIONS = `
(() => {
  const recorded = [];
  window.recordedNotifications = recorded;
  const Original = window.Notification;
  if (typeof Original !== 'function') return;
  window.Notification = class extends Original {
    constructor(title, options) {
      recorded.push({ title, body: (options && options.body) || '' });
      super(title, options);
    }
  };
})();
`;

/** A console in a fresh context that may show notifications, recording them (see above). */
async function openConsoleWithNotifications(
  browser: Browser,
  url: string,
  timezoneId: string,
): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-GB', timezoneId });
  await context.grantPermissions(['notifications'], { origin: url });
  await context.addInitScript({ content: RECORD_NOTIFICATIONS });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

async function notificationsOf(page: Page): Promise<RecordedNotification[]> {
  return page.evaluate(
    () => (globalThis as { recordedNotifications?: RecordedNotification[] }).recordedNotifications ?? [],
  );
}

describe('escalation of an unacknowledged FLASH in the consoles of two real nodes', {
  timeout: 90_000,
}, () => {
  const suite = browserSuite({
    env: { LIAISON_ACK_DEADLINES: 'FLASH=3s,IMMEDIATE=30s,PRIORITY=3h,ROUTINE=6h' },
  });

  it('[HOT4][CON1] at the deadline the FLASH alarm gives way to the escalation banner at both desks, with a notification, until the acknowledgement', async () => {
    const { cluster, browser } = suite;
    const [alpha, bravo] = await Promise.all([
      openConsoleWithNotifications(browser, cluster.node('alpha').url, 'Europe/Paris'),
      openConsoleWithNotifications(browser, cluster.node('bravo').url, 'Asia/Tokyo'),
    ]);
    await Promise.all([signIn(alpha, 'officer'), signIn(bravo, 'supervisor')]);
    await Promise.all([waitPeerUp(alpha), waitPeerUp(bravo)]);

    const flash = `FLASH ${Date.now()}: unsafe intercept of patrol aircraft, request immediate contact`;
    await alpha.getByTestId('compose-text').fill(flash);
    await alpha.getByTestId('compose-precedence').selectOption('FLASH');
    await alpha.getByTestId('compose-send').click();

    // Before the deadline bravo's alarm sounds; at it, the escalation banner takes its place.
    const alarm = bravo.getByTestId('flash-alarm');
    await alarm.waitFor({ timeout: TIMEOUT_MS });
    const banner = bravo.getByTestId('escalation-banner');
    await banner.waitFor({ timeout: TIMEOUT_MS });
    await alarm.waitFor({ state: 'detached', timeout: TIMEOUT_MS });
    const atBravo = (await banner.textContent()) ?? '';
    assert.match(atBravo, /ESCALATED \(step 1\): FLASH from officer@alpha not acknowledged here/);
    assert.match(atBravo, /alerting supervisor and officer by console/, 'who is alerted, and how');
    assert.ok((await banner.locator('svg').count()) > 0, 'an icon beside the words, not colour alone');

    // HOT4: the sender's chain is told too: alpha's banner, and the message overdue.
    const alphaBanner = alpha.getByTestId('escalation-banner');
    await alphaBanner.waitFor({ timeout: TIMEOUT_MS });
    assert.match(
      (await alphaBanner.textContent()) ?? '',
      /ESCALATED \(step 1\): our FLASH \(officer@alpha\) not acknowledged by the peer/,
    );
    const sent = alpha.getByTestId('message').filter({ hasText: flash });
    await alpha
      .locator('[data-testid="message"][data-state="overdue"]')
      .filter({ hasText: flash })
      .waitFor({ timeout: TIMEOUT_MS });
    assert.match((await sent.getByTestId('message-state').textContent()) ?? '', /overdue/i);

    // A desktop notification, since this reader allowed them.
    const deadline = Date.now() + TIMEOUT_MS;
    let shown = await notificationsOf(bravo);
    while (shown.length === 0 && Date.now() < deadline) {
      await bravo.waitForTimeout(100);
      shown = await notificationsOf(bravo);
    }
    assert.equal(shown.length, 1, 'one notification for the step');
    assert.equal(shown[0]?.title, 'Liaison: FLASH overdue, escalated');
    assert.match(shown[0]?.body ?? '', /FLASH from officer@alpha not acknowledged here/);
    await bravo.screenshot({ path: join(ARTIFACTS, 'escalation-bravo.png') });
    await alpha.screenshot({ path: join(ARTIFACTS, 'escalation-alpha.png') });

    // Bravo's supervisor acknowledges: the banners end at both desks, the FLASH alarm stays gone.
    const received = bravo.getByTestId('message').filter({ hasText: flash });
    await received.getByTestId('ack-reply').fill('Bravo supervisor: contact made, standing down');
    await received.getByTestId('ack').click();
    await banner.waitFor({ state: 'detached', timeout: TIMEOUT_MS });
    await alphaBanner.waitFor({ state: 'detached', timeout: TIMEOUT_MS });
    await alpha
      .locator('[data-testid="message"][data-state="acknowledged"]')
      .filter({ hasText: flash })
      .waitFor({ timeout: TIMEOUT_MS });
    assert.equal(await alarm.count(), 0, 'no FLASH alarm comes back');
    await bravo.screenshot({ path: join(ARTIFACTS, 'escalation-acknowledged-bravo.png') });
    await alpha.screenshot({ path: join(ARTIFACTS, 'escalation-acknowledged-alpha.png') });
  });
});
