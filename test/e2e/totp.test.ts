/**
 * The second factor in the console (SEC2, SEC4), on a real node: an admin resets a user's
 * second factor with `liaison user reset-2fa`; the user signs in, sets up an authenticator app
 * from the enrolment screen (reading the secret off the page and computing the code as the app
 * would), sees ten recovery codes once, signs out, signs in with a TOTP code, signs out
 * everywhere (another session ends too), signs in with a recovery code, which then no longer
 * works. A locked account says until when. The console runs under a CSP with no inline script:
 * the page has none, and the browser reports no violation. Screenshots go to test-artifacts/e2e/.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { totpCode } from '../../src/server/totp.ts';
import { ARTIFACTS, browserSuite, openConsole } from '../support/browser.ts';
import { BIN, PASSWORD } from '../support/cluster.ts';

/** Fills the sign-in form's first step and submits it. */
async function submitPassword(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** Waits for the main screen (the account menu in its header). */
async function waitConsole(page: Page): Promise<void> {
  await page.getByTestId('account-menu').waitFor({ timeout: 15_000 });
}

/** Signs out through the account menu, by keyboard. */
async function signOut(page: Page): Promise<void> {
  await page.getByTestId('account-menu').focus();
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByTestId('login-username').waitFor();
}

describe('setting up and using the second factor in the console', { timeout: 120_000 }, () => {
  const suite = browserSuite({ nodeIds: ['alpha'] });

  it('[SEC2] a reset user enrols by QR code, saves recovery codes, and signs in with TOTP and recovery codes', async () => {
    const { cluster, browser } = suite;
    const url = cluster.node('alpha').url;
    const reset = spawnSync(
      process.execPath,
      [BIN, 'user', 'reset-2fa', 'officer', '--data', cluster.node('alpha').dir],
      { encoding: 'utf8', env: cluster.envFor('alpha') },
    );
    assert.equal(reset.status, 0, reset.stderr);

    const page = await openConsole(browser, url, 'Europe/Paris');
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });

    // Enrolment: the QR code is an image that rendered, and the secret is there to type in.
    await submitPassword(page, 'officer');
    await page.getByTestId('totp-enrol').waitFor();
    const qr = page.getByTestId('totp-qr');
    await qr.waitFor();
    assert.match((await qr.getAttribute('alt')) ?? '', /QR code to add officer@alpha/);
    assert.ok(
      await qr.evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth > 0),
      'the QR code renders',
    );
    const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s+/g, '');
    assert.match(secret, /^[A-Z2-7]{32}$/);
    await page.getByTestId('totp-confirm-code').fill('000000');
    await page.getByTestId('totp-confirm').click();
    await page.getByRole('alert').filter({ hasText: 'The code is wrong or has expired' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'totp-enrol.png') });
    await page.getByTestId('totp-confirm-code').fill(totpCode(secret, Date.now()));
    await page.getByTestId('totp-confirm').click();

    // The recovery codes, once.
    await page.getByTestId('recovery-codes').waitFor();
    const codes = (await page.getByTestId('recovery-code').allTextContents()).map((code) => code.trim());
    assert.equal(codes.length, 10);
    for (const code of codes) assert.match(code, /^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    await page.screenshot({ path: join(ARTIFACTS, 'recovery-codes.png') });
    await page.getByTestId('recovery-codes-saved').click();
    await waitConsole(page);
    await signOut(page);

    // With the code from the app.
    await submitPassword(page, 'officer');
    await page.getByTestId('login-totp').fill(totpCode(secret, Date.now()));
    await page.getByTestId('login-submit').click();
    await waitConsole(page);

    // Signing out everywhere ends another session of the user too.
    const elsewhere = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // A code signs in once (SEC2): the second session uses the next step's code.
      body: JSON.stringify({
        username: 'officer',
        password: PASSWORD,
        totp: totpCode(secret, Date.now() + 30_000),
      }),
    });
    const { token } = (await elsewhere.json()) as { token: string };
    const linesWith = (bearer: string) =>
      fetch(`${url}/api/v1/lines`, { headers: { authorization: `Bearer ${bearer}` } }).then((r) => r.status);
    assert.equal(await linesWith(token), 200);
    await page.getByTestId('account-menu').click();
    await page.getByTestId('logout-all').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'account-menu.png') });
    await page.getByTestId('logout-all').click();
    await page.getByTestId('login-username').waitFor();
    assert.equal(await linesWith(token), 401, 'the other session ended');

    // With a recovery code, through the link under the code field; the code then no longer works.
    const signInWithRecoveryCode = async (code: string) => {
      await submitPassword(page, 'officer');
      await page.getByTestId('login-use-recovery').click();
      await page.getByTestId('login-recovery-code').fill(code);
      await page.getByTestId('login-submit').click();
    };
    await signInWithRecoveryCode(codes[0] ?? '');
    await waitConsole(page);
    await signOut(page);
    await page.reload();
    await signInWithRecoveryCode(codes[0] ?? '');
    const error = page.getByTestId('login-error');
    await error.waitFor();
    assert.equal(await error.textContent(), 'This recovery code is wrong or has already been used.');
    await page.screenshot({ path: join(ARTIFACTS, 'recovery-code-used.png') });
    assert.deepEqual(cspViolations, []);
    await page.context().close();
  });

  it('[SEC4] a locked account is told in words until when it is locked', async () => {
    const { cluster, browser } = suite;
    const url = cluster.node('alpha').url;
    for (let i = 0; i < 10; i += 1) {
      const response = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'interpreter', password: 'not-the-password' }),
      });
      assert.equal(response.status, 401);
    }
    const page = await openConsole(browser, url, 'Europe/Paris');
    await submitPassword(page, 'interpreter');
    const error = page.getByTestId('login-error');
    await error.waitFor();
    assert.match(
      (await error.textContent()) ?? '',
      /^Too many failed sign-ins: this account is locked\. You can try again after \d\d:\d\d:\d\d UTC · \d\d:\d\d:\d\d/,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'account-locked.png') });
    await page.context().close();
  });

  it('[SEC2] the console’s page has no inline script and is served with the CSP, at / and /index.html', async () => {
    const url = suite.cluster.node('alpha').url;
    for (const path of ['/', '/index.html']) {
      const response = await fetch(`${url}${path}`);
      assert.equal(response.status, 200, path);
      const csp = response.headers.get('content-security-policy') ?? '';
      const scriptSrc = csp.split(';').find((part) => part.trim().startsWith('script-src')) ?? '';
      assert.equal(scriptSrc.trim(), "script-src 'self'", path);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
      const html = await response.text();
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
      assert.ok(scripts.length > 0, 'the page loads its script');
      for (const [, attributes = '', body = ''] of scripts) {
        assert.match(attributes, /\bsrc="\/[^"]+"/, `${path}: every script is a same-origin file`);
        assert.equal(body.trim(), '', `${path}: no inline script`);
      }
      assert.doesNotMatch(html, /\son[a-z]+\s*=/i, `${path}: no inline event handler`);
      assert.doesNotMatch(html, /javascript:/i, `${path}: no javascript: URL`);
    }
  });
});
