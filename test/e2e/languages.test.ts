/**
 * The console in English, Chinese and Japanese (CON4), and the peer's zone on hover (CON2), on
 * two real nodes: alpha in Paris time, bravo announcing Tokyo time. An officer at alpha sends a
 * message, then switches the console to 中文 and to 日本語: the header, the composer and the
 * message's state words change at once, with `<html lang>`. A supervisor whose saved language
 * is Japanese sees Japanese right after signing in. Screenshots go to `test-artifacts/e2e/`.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ARTIFACTS, browserSuite, openConsole, signIn, waitPeerUp } from '../support/browser.ts';
import { ApiClient, eventually } from '../support/cluster.ts';

/** Chooses a language in the header and waits until the node has saved it (PATCH /me). */
async function chooseLanguage(page: Page, url: string, language: string): Promise<void> {
  const saved = page.waitForResponse(
    (response) => response.url() === `${url}/api/v1/me` && response.request().method() === 'PATCH',
  );
  await page.getByTestId('language').selectOption(language);
  assert.equal((await saved).status(), 200);
}

async function text(page: Page, testId: string): Promise<string> {
  return ((await page.getByTestId(testId).first().textContent()) ?? '').trim();
}

/** The compose box's label for the message text, as a reader sees it. */
async function composeLabel(page: Page): Promise<string> {
  const id = await page.getByTestId('compose-text').getAttribute('id');
  return ((await page.locator(`label[for="${id}"]`).textContent()) ?? '').trim();
}

describe('the console in three languages', { timeout: 90_000 }, () => {
  const suite = browserSuite({ nodeEnv: { bravo: { LIAISON_TIME_ZONE: 'Asia/Tokyo' } } });

  it('[CON4][CON2] an officer switches to Chinese then Japanese; every visible string follows at once', async () => {
    const { cluster, browser } = suite;
    const url = cluster.node('alpha').url;
    const page = await openConsole(browser, url, 'Europe/Paris');
    await signIn(page, 'officer');
    await waitPeerUp(page);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en-GB');

    await page.getByTestId('compose-text').fill('Request a link check at 1400 UTC.');
    await page.getByTestId('compose-send').click();
    const state = page.getByTestId('message').first().getByTestId('message-state');
    await state.filter({ hasText: /Delivered|Seen/ }).waitFor({ timeout: 20_000 });
    assert.equal(await text(page, 'pairing-open'), 'Pairing');
    assert.equal(await text(page, 'compose-send'), 'Send');

    // CON2: the time's hover title names bravo's zone, as bravo announced it in its hello.
    const peers = await (await ApiClient.login(url, 'officer')).get<{ timeZone?: string | null }[]>(
      '/api/v1/peers',
    );
    assert.equal(peers[0]?.timeZone, 'Asia/Tokyo');
    const time = page.getByTestId('message').first().locator('time').first();
    // The console learns the zones with the peer list; the title follows within a second.
    await eventually(
      'the peer’s zone in the hover title',
      async () => (/At Bravo: /.test((await time.getAttribute('title')) ?? '') ? true : undefined),
      5_000,
    );
    const title = (await time.getAttribute('title')) ?? '';
    assert.match(
      title,
      /Coordinated Universal Time\n.*Central European Standard Time\nAt Bravo: .*Japan Standard Time/,
    );

    await chooseLanguage(page, url, 'zh');
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    assert.equal(await text(page, 'pairing-open'), '配对');
    assert.equal(await text(page, 'drills-open'), '链路测试');
    assert.equal(await text(page, 'compose-send'), '发送');
    assert.equal(await composeLabel(page), '消息内容');
    assert.match(await text(page, 'peer-state'), /连通/);
    assert.match((await state.textContent()) ?? '', /已送达，未确认|已阅，未确认/);
    assert.match((await time.getAttribute('title')) ?? '', /Bravo当地：.*日本标准时间/);
    await page.screenshot({ path: join(ARTIFACTS, 'languages-zh.png') });

    await chooseLanguage(page, url, 'ja');
    assert.equal(await page.locator('html').getAttribute('lang'), 'ja-JP');
    assert.equal(await text(page, 'pairing-open'), 'ペアリング');
    assert.equal(await text(page, 'drills-open'), 'リンク試験');
    assert.equal(await text(page, 'compose-send'), '送信');
    assert.equal(await composeLabel(page), '本文');
    assert.match(await text(page, 'peer-state'), /正常/);
    assert.match((await state.textContent()) ?? '', /配達済み・未確認|既読・未確認/);
    await page.screenshot({ path: join(ARTIFACTS, 'languages-ja.png') });

    await chooseLanguage(page, url, 'en');
    assert.equal(await text(page, 'compose-send'), 'Send');
    await page.context().close();
  });

  it('[CON4] a user whose saved language is Japanese sees Japanese right after signing in', async () => {
    const { cluster, browser } = suite;
    const url = cluster.node('bravo').url;
    const supervisor = await ApiClient.login(url, 'supervisor');
    const { status } = await supervisor.request('PATCH', '/api/v1/me', { language: 'ja' });
    assert.equal(status, 200);

    const page = await openConsole(browser, url, 'Asia/Tokyo');
    assert.equal(await text(page, 'login-submit'), 'Sign in', 'a fresh browser signs in in English');
    await signIn(page, 'supervisor');
    await page.getByTestId('pairing-open').filter({ hasText: 'ペアリング' }).waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('html').getAttribute('lang'), 'ja-JP');
    assert.equal(await text(page, 'compose-send'), '送信');
    assert.equal(await page.getByTestId('language').inputValue(), 'ja');
    await page.screenshot({ path: join(ARTIFACTS, 'languages-ja-signin.png') });

    // Signed out, this browser remembers the last language for the sign-in form.
    await page.getByTestId('account-menu').click();
    await page.getByRole('button', { name: 'サインアウト', exact: true }).click();
    await page.getByTestId('login-submit').filter({ hasText: 'サインイン' }).waitFor({ timeout: 10_000 });
    await page.context().close();
  });
});
