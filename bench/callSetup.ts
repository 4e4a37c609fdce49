/**
 * `call-setup`: how long a video call takes to set up (issue 5, CALL1) — from the moment bravo's
 * officer clicks Answer to media flowing both ways: each console receiving sound and picture.
 * Two real nodes on loopback, both consoles in Debian's Chromium with fake camera and microphone.
 *
 * Both ends are timed inside the pages, on the wall clock every page and this process share
 * (`performance.timeOrigin + performance.now()`):
 * - t0: a capturing click listener in bravo's page notes the click on `call-accept`, before the
 *   console's own handler runs;
 * - t1: the later of the two consoles' `data-media-flowing-at` (the call window's media line):
 *   the console samples getStats every 100 ms while a call is being set up and stamps the first
 *   sample where audio and video bytes received are both above 0. So t1 is late by at most that
 *   period (and the time one getStats takes).
 * Alpha hangs up after each call; the next starts once both windows say it ended and were closed.
 *
 * The target is judged on the direct path. Where coturn is installed, a second series makes the
 * same calls through a TURN relay on loopback (`iceTransportPolicy: "relay"`, CALL3), reported
 * beside it as `figures.relay`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { closeBrowser, launchBrowser, openConsole, signIn, waitPeerUp } from '../test/support/browser.ts';
import { startTurnServer, TURN_BINARY } from '../test/support/turnServer.ts';
import { withCluster } from './support/cluster.ts';
import { distribution, percentile } from './support/stats.ts';
import type { Benchmark } from './support/types.ts';

const CALLS = 20;
const WARMUP_CALLS = 2;
/** How long one step of a call (ring, media, end) may take before the run gives up. */
const STEP_LIMIT_MS = 15_000;
/** Pause between one call's end and the next call. */
const GAP_MS = 300;
/** The console's sampling period while a call is set up (web/src/calls/callController.ts). */
const SAMPLING_MS = 100;

/**
 * Runs in bravo's page (a string, since this file is compiled without the DOM's types): keeps
 * `window.answerClicks`, the wall-clock ms of every click on Answer, in the capture phase so it
 * is noted before the console's own handler starts the call.
 */
const WATCH_ANSWER = `(() => {
  window.answerClicks = [];
  document.addEventListener('click', (event) => {
    if (event.target instanceof Element && event.target.closest('[data-testid="call-accept"]')) {
      window.answerClicks.push(performance.timeOrigin + performance.now());
    }
  }, true);
})()`;

/** One call's timings, in wall-clock ms, and the path its media took. */
interface CallTiming {
  answeredAt: number;
  alphaMediaAt: number;
  bravoMediaAt: number;
  /** Whether both consoles' media went through a TURN relay. */
  isRelayed: boolean;
}

/** The media line of a console's call once media flows: when it began, over which candidate. */
async function mediaFlowing(page: Page): Promise<{ at: number; candidate: string }> {
  const line = page.locator('[data-testid="call-quality"][data-media-flowing-at]');
  await line.waitFor({ timeout: STEP_LIMIT_MS });
  return {
    at: Number(await line.getAttribute('data-media-flowing-at')),
    candidate: (await line.getAttribute('data-candidate')) ?? '',
  };
}

/** The last click on Answer that bravo's page noted. */
async function lastAnswerClick(page: Page): Promise<number> {
  const at = await page.evaluate<number | null>('(window.answerClicks || []).at(-1) ?? null');
  if (at === null) throw new Error("bravo's page noted no click on Answer");
  return at;
}

/** Waits until the page's call window says the call ended, then closes it as an officer would. */
async function closeEndedCall(page: Page): Promise<void> {
  const window = page.locator('[data-testid="call-window"][data-state="ended"]');
  await window.waitFor({ timeout: STEP_LIMIT_MS });
  await window.getByRole('button', { name: 'Close' }).click({ timeout: STEP_LIMIT_MS });
  await window.waitFor({ state: 'detached', timeout: STEP_LIMIT_MS });
}

/** Places one video call from alpha, answers it at bravo, waits for media both ways, hangs up. */
async function oneCall(alpha: Page, bravo: Page): Promise<CallTiming> {
  await alpha.getByTestId('call-video').click({ timeout: STEP_LIMIT_MS });
  await bravo.getByTestId('call-accept').click({ timeout: STEP_LIMIT_MS });
  const [alphaMedia, bravoMedia] = await Promise.all([mediaFlowing(alpha), mediaFlowing(bravo)]);
  const answeredAt = await lastAnswerClick(bravo);
  await alpha.getByTestId('call-hangup').click({ timeout: STEP_LIMIT_MS });
  await Promise.all([closeEndedCall(alpha), closeEndedCall(bravo)]);
  return {
    answeredAt,
    alphaMediaAt: alphaMedia.at,
    bravoMediaAt: bravoMedia.at,
    isRelayed: alphaMedia.candidate === 'relay' && bravoMedia.candidate === 'relay',
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** The measured calls of one series (warm-up calls apart), in ms from the click on Answer. */
interface Series {
  /** Until both consoles receive media. */
  setup: number[];
  alphaSide: number[];
  bravoSide: number[];
  warmup: number[];
  relayedCalls: number;
}

/** Starts alpha and bravo in `workDir` with `env`, opens both consoles and times WARMUP_CALLS + CALLS calls. */
async function measureSeries(
  workDir: string,
  env: NodeJS.ProcessEnv,
  log: (message: string) => void,
): Promise<Series> {
  mkdirSync(workDir, { recursive: true });
  return withCluster(
    workDir,
    async (cluster) => {
      const browser = await launchBrowser({ media: true });
      try {
        const [alpha, bravo] = await Promise.all([
          openConsole(browser, cluster.node('alpha').url, 'Europe/Paris'),
          openConsole(browser, cluster.node('bravo').url, 'Asia/Tokyo'),
        ]);
        await Promise.all([signIn(alpha, 'officer'), signIn(bravo, 'officer')]);
        await Promise.all([waitPeerUp(alpha), waitPeerUp(bravo)]);
        await bravo.evaluate(WATCH_ANSWER);
        const series: Series = { setup: [], alphaSide: [], bravoSide: [], warmup: [], relayedCalls: 0 };
        for (let i = 0; i < WARMUP_CALLS + CALLS; i++) {
          const call = await oneCall(alpha, bravo);
          const bothAt = Math.max(call.alphaMediaAt, call.bravoMediaAt);
          if (i < WARMUP_CALLS) series.warmup.push(round(bothAt - call.answeredAt));
          else {
            series.setup.push(bothAt - call.answeredAt);
            series.alphaSide.push(call.alphaMediaAt - call.answeredAt);
            series.bravoSide.push(call.bravoMediaAt - call.answeredAt);
            if (call.isRelayed) series.relayedCalls += 1;
          }
          if (i === WARMUP_CALLS - 1) log(`measuring ${CALLS} video calls`);
          await sleep(GAP_MS);
        }
        return series;
      } finally {
        await closeBrowser(browser);
      }
    },
    { env },
  );
}

/** p50, p95, max and n of a series' setup times. */
function setupFigures(samples: readonly number[]): Record<string, number> {
  const sorted = [...samples].sort((a, b) => a - b);
  const all = distribution(sorted);
  return {
    n: all.count,
    p50Ms: all.p50,
    p95Ms: round(percentile(sorted, 95)),
    maxMs: all.max,
    minMs: all.min,
    meanMs: all.mean,
  };
}

function formatSetup(figures: Record<string, number>): string {
  return `p50 ${figures.p50Ms} · p95 ${figures.p95Ms} · max ${figures.maxMs} ms (n=${figures.n})`;
}

/** The same calls through coturn on loopback with the relay-only policy (CALL3), where coturn is installed. */
async function measureRelayed(workDir: string, log: (message: string) => void): Promise<Series | null> {
  if (!existsSync(TURN_BINARY)) return null;
  const turn = await startTurnServer();
  try {
    log(`through coturn on 127.0.0.1:${turn.port}, relay only`);
    return await measureSeries(
      workDir,
      { LIAISON_ICE_SERVERS: JSON.stringify([turn.iceServer]), LIAISON_ICE_TRANSPORT_POLICY: 'relay' },
      log,
    );
  } finally {
    await turn.stop();
  }
}

export const callSetup: Benchmark = {
  name: 'call-setup',
  title:
    "Video call setup: bravo's click on Answer → sound and picture received on both consoles (Chromium, loopback)",
  target: { figure: 'p95Ms', bound: '<=', value: 1000, unit: 'ms' },
  timeoutMs: 300_000,
  async run({ workDir, log }) {
    log('direct path (no STUN or TURN)');
    const direct = await measureSeries(join(workDir, 'direct'), {}, log);
    const figures = setupFigures(direct.setup);
    log(`setup: ${formatSetup(figures)}`);
    const relayed = await measureRelayed(join(workDir, 'relay'), log);
    const relayFigures = relayed ? setupFigures(relayed.setup) : null;
    if (relayFigures) log(`setup through the relay: ${formatSetup(relayFigures)}`);
    return {
      measured: figures.n === CALLS ? (figures.p95Ms ?? null) : null,
      figures: {
        calls: CALLS,
        ...figures,
        alphaReceives: setupFigures(direct.alphaSide),
        bravoReceives: setupFigures(direct.bravoSide),
        samplingMs: SAMPLING_MS,
        ...(relayFigures && relayed
          ? { relay: { ...relayFigures, relayedCalls: relayed.relayedCalls } }
          : {}),
      },
      notes: [
        `${CALLS} video calls alpha → bravo one after another, after ${WARMUP_CALLS} warm-up calls (${direct.warmup.join(', ')} ms); direct path on loopback (no STUN or TURN); each hung up by alpha and closed on both consoles before the next`,
        `from the click on Answer (in bravo's page) to both consoles receiving audio and video bytes; each console stamps the first getStats sample (every ${SAMPLING_MS} ms during setup) showing both, so figures are late by up to ${SAMPLING_MS} ms`,
        `alpha (the caller) receives media: ${formatSetup(setupFigures(direct.alphaSide))}; bravo: ${formatSetup(setupFigures(direct.bravoSide))}`,
        relayed && relayFigures
          ? `through a TURN relay (coturn on loopback, iceTransportPolicy relay): ${formatSetup(relayFigures)}; ${relayed.relayedCalls} of ${CALLS} calls relayed on both consoles; warm-up ${relayed.warmup.join(', ')} ms`
          : `no relayed series: ${TURN_BINARY} is not installed (apt-get install coturn)`,
      ],
    };
  },
};
