/**
 * The phrasebook through the consoles of two real nodes (HOT6, CON4): alpha's officer reads in
 * Japanese, bravo's in Chinese. Alpha picks a standard message, fills its position, time and
 * distance, sees the preview in Japanese and sends it; each console then shows the same message
 * in its own reader's language, with positions in degrees and minutes, the distance in nautical
 * miles and the time in UTC and the reader's zone, the template id visible and the other
 * languages a click away. Screenshots go to `test-artifacts/e2e/`.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ARTIFACTS, browserSuite, openConsole, signIn, waitPeerUp } from '../support/browser.ts';
import { ApiClient } from '../support/cluster.ts';

const DELIVERY_TIMEOUT_MS = 20_000;
const TEMPLATE = 'notice.activity.exercise';
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;

/** Chooses the reader's language in the header and waits until the node has it (PATCH /me). */
async function chooseLanguage(page: Page, url: string, language: string): Promise<void> {
  const saved = page.waitForResponse(
    (response) => response.url() === `${url}/api/v1/me` && response.request().method() === 'PATCH',
  );
  await page.getByTestId('language').selectOption(language);
  assert.equal((await saved).status(), 200);
}

/** The templated message on `page`, once listed. */
async function templatedMessage(page: Page) {
  const message = page.getByTestId('message').filter({ has: page.locator(`[data-template="${TEMPLATE}"]`) });
  await message.waitFor({ timeout: DELIVERY_TIMEOUT_MS });
  return message;
}

describe('a standard message read in two languages', { timeout: 90_000 }, () => {
  const suite = browserSuite();

  it('[HOT6][CON4] alpha sends a templated message in Japanese; bravo reads it in Chinese', async () => {
    const { cluster, browser } = suite;
    const alphaUrl = cluster.node('alpha').url;
    const bravoUrl = cluster.node('bravo').url;
    const [alpha, bravo] = await Promise.all([
      openConsole(browser, alphaUrl, 'Asia/Tokyo'),
      openConsole(browser, bravoUrl, 'Asia/Shanghai'),
    ]);
    await Promise.all([signIn(alpha, 'officer'), signIn(bravo, 'officer')]);
    await Promise.all([waitPeerUp(alpha), waitPeerUp(bravo)]);
    await Promise.all([chooseLanguage(alpha, alphaUrl, 'ja'), chooseLanguage(bravo, bravoUrl, 'zh')]);

    // The choice is the user's own, kept by their node.
    const meAtAlpha = await (await ApiClient.login(alphaUrl, 'officer')).get<{ user: { language: string } }>(
      '/api/v1/me',
    );
    assert.equal(meAtAlpha.user.language, 'ja');

    // Alpha finds the template by a Japanese word, fills its typed parameters, and previews it.
    await alpha.getByTestId('compose-template-search').fill('訓練');
    await alpha.getByTestId('compose-template').selectOption(TEMPLATE);
    await alpha.getByTestId('compose-param-position').fill('24.5, 122.25833');
    await alpha.getByTestId('compose-param-distance').fill('5');
    await alpha.getByTestId('compose-param-time').fill('2026-03-05T14:30');
    await alpha.getByTestId('compose-param-duration').fill('90');
    const preview = (await alpha.getByTestId('compose-preview').textContent()) ?? '';
    assert.match(preview, KANA, `preview in Japanese: ${preview}`);
    assert.match(preview, /北緯24度30\.0分、東経122度15\.5分/);
    await alpha.getByTestId('compose-precedence').selectOption('PRIORITY');
    await alpha.getByTestId('compose-send').click();

    // Alpha's reader sees Japanese, with the time in UTC and Tokyo time.
    const atAlpha = await templatedMessage(alpha);
    const japanese = (await atAlpha.getByTestId('message-template-text').textContent()) ?? '';
    assert.match(japanese, KANA, `Japanese at alpha: ${japanese}`);
    assert.match(japanese, /北緯24度30\.0分、東経122度15\.5分/);
    assert.match(japanese, /半径5\.0海里/);
    assert.match(japanese, /2026年3月5日 14:30 UTC（現地時間 23:30 /);
    assert.match(japanese, /1時間30分/);

    // Bravo's reader sees Chinese, with the time in UTC and Shanghai time, and no kana.
    const atBravo = await templatedMessage(bravo);
    const chinese = (await atBravo.getByTestId('message-template-text').textContent()) ?? '';
    assert.doesNotMatch(chinese, KANA, `Chinese at bravo: ${chinese}`);
    assert.match(chinese, /我方部队将自2026年3月5日 14:30 UTC（本地时间 22:30 [^）]*）起/);
    assert.match(chinese, /北纬24°30\.0′、东经122°15\.5′/);
    assert.match(chinese, /半径5\.0海里/);
    assert.match(chinese, /持续1小时30分钟/);

    // The template id shows, and the other languages open beneath it.
    assert.match((await atBravo.textContent()) ?? '', new RegExp(TEMPLATE.replaceAll('.', '\\.')));
    await atBravo.locator('summary').click();
    const others = (await atBravo.locator('.message__languages dl').textContent()) ?? '';
    assert.match(others, /Our units will conduct exercises within 5\.0 NM of 24°30\.0′N 122°15\.5′E/);
    assert.match(others, KANA, 'the Japanese too');

    await Promise.all([
      alpha.screenshot({ path: join(ARTIFACTS, 'phrasebook-alpha-ja.png'), fullPage: true }),
      bravo.screenshot({ path: join(ARTIFACTS, 'phrasebook-bravo-zh.png'), fullPage: true }),
    ]);

    // Switching back to English re-renders the same message at once.
    await chooseLanguage(bravo, bravoUrl, 'en');
    const english = (await atBravo.getByTestId('message-template-text').textContent()) ?? '';
    assert.match(
      english,
      /^Our units will conduct exercises within 5\.0 NM of 24°30\.0′N 122°15\.5′E from 14:30 UTC 5 Mar 2026 \(22:30 /,
    );
    await Promise.all([alpha.context().close(), bravo.context().close()]);
  });
});
