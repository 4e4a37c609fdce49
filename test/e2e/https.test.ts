/**
 * The console over HTTPS in Chromium (SEC2): a node with TLS on (forced on loopback by
 * `LIAISON_HTTPS=true`) serves the console with its self-signed certificate; the browser context
 * takes that certificate as a person would after comparing its fingerprint (`ignoreHTTPSErrors`),
 * loads the console, signs in through the form, and the live stream connects over wss. The
 * screenshot goes to `test-artifacts/e2e/`.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ARTIFACTS, closeBrowser, launchBrowser, signIn, VIEWPORT } from '../support/browser.ts';
import { type HttpsNode, startHttpsNode } from '../support/httpsNode.ts';

describe('the console over HTTPS', { timeout: 120_000 }, () => {
  let node: HttpsNode | null = null;
  let browser: Browser | null = null;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [node, browser] = await Promise.all([startHttpsNode('alpha'), launchBrowser()]);
  });
  after(async () => {
    await Promise.allSettled([closeBrowser(browser), node?.remove()]);
  });

  it('[SEC2] Chromium loads the console over https, signs in, and its stream runs over wss', async () => {
    assert.ok(node && browser);
    const context = await browser.newContext({
      viewport: VIEWPORT,
      locale: 'en-GB',
      timezoneId: 'Europe/Paris',
      ignoreHTTPSErrors: true,
    });
    const page = await context.newPage();
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    const response = await page.goto(node.url);
    assert.equal(response?.status(), 200);
    assert.match(response?.headers()['strict-transport-security'] ?? '', /^max-age=31536000/);
    const security = await response?.securityDetails();
    assert.equal(security?.subjectName, 'alpha', 'the certificate served is the node’s own');
    await signIn(page, 'officer');
    await page.getByTestId('pairing-open').waitFor({ timeout: 20_000 });
    assert.equal(new URL(page.url()).protocol, 'https:');
    for (let i = 0; i < 100 && sockets.length === 0; i++) await page.waitForTimeout(100);
    assert.ok(
      sockets.some((url) => url.startsWith(`wss://127.0.0.1:${new URL(node?.url ?? '').port}/api/v1/stream`)),
      `the stream went over wss: ${sockets.join(', ')}`,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'https-console.png') });
    await context.close();
  });
});
