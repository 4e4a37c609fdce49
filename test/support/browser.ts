/**
 * What the browser tests share: Debian's Chromium driven by playwright-core (no downloaded
 * browser), one fresh context per person at 1366×768 in a chosen time zone, sign-in through the
 * form as a person would, and a close that cannot hang the run.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { PASSWORD } from './cluster.ts';

/** Where screenshots go, for a human to look at. */
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/e2e/', import.meta.url));
/** The smallest screen the console is laid out for (CON3). */
export const VIEWPORT = { width: 1366, height: 768 };

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts Debian's Chromium, headless. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** A console page in a fresh browser context, in a given time zone (so UTC and local differ). */
export async function openConsole(browser: Browser, url: string, timezoneId: string): Promise<Page> {
  const context: BrowserContext = await browser.newContext({
    viewport: VIEWPORT,
    locale: 'en-GB',
    timezoneId,
  });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/** Signs in through the form, as a person would. */
export async function signIn(page: Page, username: string): Promise<void> {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
}

/** Waits until a peer indicator on the page says the link is up. */
export async function waitPeerUp(page: Page): Promise<void> {
  await page.locator('[data-testid="peer-state"][data-state="up"]').first().waitFor({ timeout: 20_000 });
}

/**
 * Closes the browser, and kills what is left of it if closing hangs: a Chromium that outlives
 * its test would keep this test file's process, and so the whole run, from ending.
 */
export async function closeBrowser(browser: Browser | null): Promise<void> {
  if (!browser) return;
  const closed = await Promise.race([
    browser.close().then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000).unref()),
  ]);
  if (closed) return;
  const children = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], {
    encoding: 'utf8',
  }).stdout;
  for (const line of children.split('\n')) {
    const [pid, ...command] = line.trim().split(/\s+/);
    if (pid && command.join(' ').includes('chromium')) process.kill(Number(pid), 'SIGKILL');
  }
}
