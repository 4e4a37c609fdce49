/**
 * `flash-alarm`: from a FLASH message's 201 at alpha to the alarm painted in bravo's console
 * (HOT3, CON1) — what a duty officer at bravo experiences. An officer's console at bravo runs in
 * Debian's Chromium; a MutationObserver in the page notes when an alarm entry for a message
 * appears and stamps the next animation frame (the frame that shows it) on the page's clock,
 * `performance.timeOrigin + performance.now()`, which is the same wall clock this process reads.
 * After each measurement bravo acknowledges the message through the API, so the banner is empty
 * again before the next one.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { closeBrowser, launchBrowser, openConsole, signIn, waitPeerUp } from '../test/support/browser.ts';
import { ApiClient, HOTLINE } from '../test/support/cluster.ts';
import { withCluster } from './support/cluster.ts';
import { distribution, distributionFigures, formatDistribution } from './support/stats.ts';
import type { Benchmark } from './support/types.ts';

const MESSAGES = 100;
const WARMUP_MESSAGES = 5;
/** Pause between one acknowledged alarm and the next FLASH. */
const GAP_MS = 100;
/** How long one alarm may take to show before the run counts it as lost. */
const SHOW_LIMIT_MS = 10_000;

/**
 * Runs in bravo's page (a string, since this file is compiled without the DOM's types): keeps
 * `window.alarmShownAt`, message id → wall-clock ms of the frame that first showed its entry.
 */
const WATCH_ALARMS = `(() => {
  const shown = {};
  window.alarmShownAt = shown;
  const note = () => {
    const fresh = [...document.querySelectorAll('[data-testid="flash-alarm"] li[data-id]')]
      .map((item) => item.dataset.id || '')
      .filter((id) => id !== '' && !(id in shown));
    if (fresh.length === 0) return;
    requestAnimationFrame(() => {
      const at = performance.timeOrigin + performance.now();
      for (const id of fresh) if (!(id in shown)) shown[id] = at;
    });
  };
  new MutationObserver(note).observe(document.body, { childList: true, subtree: true });
})()`;

/** Wall-clock ms when the alarm for `id` was painted, or null if it did not show in time. */
async function shownAt(page: Page, id: string): Promise<number | null> {
  const started = performance.now();
  while (performance.now() - started < SHOW_LIMIT_MS) {
    const at = await page.evaluate<number | null>(
      `(window.alarmShownAt || {})[${JSON.stringify(id)}] ?? null`,
    );
    if (at !== null) return at;
    await sleep(5);
  }
  return null;
}

/** This process's wall clock with sub-millisecond resolution (the page uses the same). */
function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

export const flashAlarm: Benchmark = {
  name: 'flash-alarm',
  title: "FLASH alarm: alpha's 201 → the alarm painted in bravo's console (Chromium)",
  target: { figure: 'p99Ms', bound: '<=', value: 150, unit: 'ms' },
  timeoutMs: 180_000,
  async run({ workDir, log }) {
    return withCluster(workDir, async (cluster) => {
      const browser = await launchBrowser();
      try {
        const sender = await ApiClient.login(cluster.node('alpha').url, 'officer');
        const acknowledger = await ApiClient.login(cluster.node('bravo').url, 'supervisor');
        const page = await openConsole(browser, cluster.node('bravo').url, 'Asia/Tokyo');
        await signIn(page, 'officer');
        await waitPeerUp(page);
        await page.evaluate(WATCH_ALARMS);

        const after201: number[] = [];
        const endToEnd: number[] = [];
        let lost = 0;
        let shownBefore201 = 0;
        for (let i = 0; i < WARMUP_MESSAGES + MESSAGES; i++) {
          const sentAt = wallNow();
          const { status, body } = await sender.request('POST', `/api/v1/lines/${HOTLINE}/messages`, {
            text: `FLASH probe ${i}: unsafe approach`,
            precedence: 'FLASH',
          });
          const answeredAt = wallNow();
          const id = (body as { id?: string }).id;
          if (status !== 201 || !id) throw new Error(`alpha answered ${status} to a FLASH`);
          const at = await shownAt(page, id);
          if (i >= WARMUP_MESSAGES) {
            if (at === null) lost += 1;
            else {
              if (at < answeredAt) shownBefore201 += 1;
              after201.push(Math.max(0, at - answeredAt));
              endToEnd.push(at - sentAt);
            }
          }
          const ack = await acknowledger.request('POST', `/api/v1/messages/${id}/ack`, {});
          if (ack.status !== 200 && ack.status !== 201)
            throw new Error(`bravo could not acknowledge: ${ack.status}`);
          await sleep(GAP_MS);
          if (i === WARMUP_MESSAGES - 1) log(`measuring ${MESSAGES} FLASH messages`);
        }
        const fromResponse = distribution(after201);
        const fromSend = distribution(endToEnd);
        log(`after 201:  ${formatDistribution(fromResponse)}`);
        log(`end to end: ${formatDistribution(fromSend)}`);
        return {
          measured: lost === 0 ? fromResponse.p99 : null,
          figures: {
            messages: MESSAGES,
            shown: fromResponse.count,
            lost,
            shownBefore201,
            ...distributionFigures(fromResponse),
            endToEnd: distributionFigures(fromSend),
          },
          notes: [
            `${MESSAGES} FLASH messages one at a time after ${WARMUP_MESSAGES} warm-up; each acknowledged at bravo before the next; bravo's console in headless Chromium at 1366×768`,
            `the alarm is timed at the animation frame after it enters the page; ${shownBefore201} showed before alpha's 201 reached the client (counted as 0 ms)`,
            `end to end (request sent at alpha → alarm painted at bravo): ${formatDistribution(fromSend)}`,
          ],
        };
      } finally {
        await closeBrowser(browser);
      }
    });
  },
};
