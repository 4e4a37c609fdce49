/**
 * What the browser tests share: Debian's Chromium driven by playwright-core (no downloaded
 * browser), one fresh context per person at 1366×768 in a chosen time zone, sign-in through the
 * form as a person would, and a close that cannot hang the run.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type Cluster, type ClusterOptions, PASSWORD, startCluster } from './cluster.ts';

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

/**
 * For calls (CALL1): WebRTC between pages on loopback, and fake camera and microphone (a test
 * pattern and a beep) granted without asking.
 */
const MEDIA_ARGS = [
  '--allow-loopback-in-peer-connection',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

/** Starts Debian's Chromium, headless (with fake media devices for calls when `media`). */
export function launchBrowser(options: { media?: boolean } = {}): Promise<Browser> {
  const args = options.media ? [...CHROMIUM_ARGS, ...MEDIA_ARGS] : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: '/usr/bin/chromium', args });
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

/** The real nodes and the browser of one browser-test suite. */
export interface BrowserSuite {
  readonly cluster: Cluster;
  readonly browser: Browser;
}

/**
 * Call inside a `describe`: starts the nodes and Chromium before the suite's tests and stops
 * both after them, whatever happened. Its fields throw if read before the suite has started.
 */
export function browserSuite(
  options: ClusterOptions = {},
  browserOptions: { media?: boolean } = {},
): BrowserSuite {
  let cluster: Cluster | null = null;
  let browser: Browser | null = null;
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [cluster, browser] = await Promise.all([startCluster(options), launchBrowser(browserOptions)]);
  });
  after(async () => {
    await Promise.allSettled([closeBrowser(browser), cluster?.stop()]);
  });
  return {
    get cluster() {
      if (!cluster) throw new Error('the nodes are not started: read suite.cluster inside a test');
      return cluster;
    },
    get browser() {
      if (!browser) throw new Error('the browser is not started: read suite.browser inside a test');
      return browser;
    },
  };
}
