/**
 * `catchup`: how fast a node catches up after an outage (FED5). Bravo is stopped, alpha takes
 * 10,000 messages, bravo is started again. The figure judged runs from bravo's /healthz
 * answering ok (when the harness's start returns) until bravo holds alpha's last message; since
 * the federation starts before the HTTP server, the times from the process start and from the
 * link coming up (alpha's /peers says `up`) are reported too. Alpha's chain is contiguous and
 * bravo stores an event only once it holds the one before (LOG4, LOG8), so holding the last
 * means holding all; the count is checked afterwards through bravo's API all the same.
 */
import { statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ApiClient, HOTLINE } from '../test/support/cluster.ts';
import { withCluster } from './support/cluster.ts';
import { KeepAliveClient } from './support/http.ts';
import { commitShape, lastArrival, processCpuMs } from './support/probes.ts';
import type { Benchmark } from './support/types.ts';

const MESSAGES = 10_000;
const CONNECTIONS = 64;
const POLL_MS = 10;
const GIVE_UP_MS = 60_000;
const CONSOLE_INDEX = fileURLToPath(new URL('../web/dist/index.html', import.meta.url));

interface Posted {
  seq: number;
  id: string;
}

/** Posts `count` messages from `connections` keep-alive connections; returns the highest one. */
async function postMany(client: KeepAliveClient, count: number, connections: number): Promise<Posted> {
  let next = 0;
  let last: Posted | null = null;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      const response = await client.send<{ id?: string; seq?: number }>(
        'POST',
        `/api/v1/lines/${HOTLINE}/messages`,
        {
          text: `during the outage ${n}`,
          precedence: 'ROUTINE',
        },
      );
      const { id, seq } = response.body;
      if (response.status !== 201 || !id || !seq) throw new Error(`alpha answered ${response.status}`);
      if (last === null || seq > last.seq) last = { seq, id };
    }
  };
  await Promise.all(Array.from({ length: connections }, () => worker()));
  if (last === null) throw new Error('nothing was posted');
  return last;
}

/** Polls until `probe` holds; returns performance.now() at that moment, or null after `timeoutMs`. */
async function whenTrue(probe: () => Promise<boolean>, timeoutMs: number): Promise<number | null> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await probe().catch(() => false)) return performance.now();
    await sleep(POLL_MS);
  }
  return null;
}

/** Counts alpha's `message.posted` events bravo holds, through its API in pages. */
async function countAlphaMessages(reader: ApiClient): Promise<number> {
  let cursor = 0;
  let count = 0;
  for (;;) {
    const page = await reader.get<{ events: { origin: string; type: string }[]; cursor: number }>(
      `/api/v1/lines/${HOTLINE}/events?since=${cursor}&limit=10000`,
    );
    count += page.events.filter((e) => e.origin === 'alpha' && e.type === 'message.posted').length;
    if (page.events.length === 0 || page.cursor === cursor) return count;
    cursor = page.cursor;
  }
}

/** When web/dist was last built (`liaison serve` rebuilds it when web/ sources are newer). */
function consoleBuildTime(): number {
  try {
    return statSync(CONSOLE_INDEX).mtimeMs;
  } catch {
    return 0;
  }
}

function seconds(ms: number): number {
  return Math.round(ms) / 1000;
}

export const catchup: Benchmark = {
  name: 'catchup',
  title: 'Catch-up of 10,000 events after an outage',
  target: { figure: 'catchupSeconds', bound: '<=', value: 5, unit: 's' },
  timeoutMs: 120_000,
  async run({ workDir, log }) {
    return withCluster(workDir, async (cluster) => {
      const alpha = cluster.node('alpha');
      const bravo = cluster.node('bravo');
      const officer = await ApiClient.login(alpha.url, 'officer');
      // Sessions are stored, so this token still works after bravo restarts.
      const reader = await ApiClient.login(bravo.url, 'observer');
      const client = new KeepAliveClient(alpha.url, officer.token, CONNECTIONS);
      const holds = (id: string) => async () =>
        (await reader.request('GET', `/api/v1/events/${id}`)).status === 200;
      try {
        const warm = await postMany(client, 20, 4);
        if ((await whenTrue(holds(warm.id), 15_000)) === null) throw new Error('the link did not come up');
        const before = await countAlphaMessages(reader);

        await bravo.stop();
        const arrivalBefore = lastArrival(bravo.dir);
        log(`bravo stopped; posting ${MESSAGES.toLocaleString('en')} messages at alpha`);
        const postStarted = performance.now();
        const last = await postMany(client, MESSAGES, CONNECTIONS);
        const postSeconds = seconds(performance.now() - postStarted);

        log('starting bravo');
        const consoleBuiltBefore = consoleBuildTime();
        const spawnedAt = performance.now();
        // Catch-up may begin before /healthz answers (the federation starts first), so both
        // probes run from the moment the process is spawned.
        const isUp = async () => {
          const peers = await officer.get<{ nodeId: string; state: string }[]>('/api/v1/peers');
          return peers.some((p) => p.nodeId === 'bravo' && p.state === 'up');
        };
        const linkUp = whenTrue(isUp, GIVE_UP_MS);
        const heldAll = whenTrue(holds(last.id), GIVE_UP_MS);
        await bravo.start();
        const healthyAt = performance.now();
        const [linkUpAt, heldAllAt] = await Promise.all([linkUp, heldAll]);
        if (heldAllAt === null)
          throw new Error(`bravo did not hold alpha's seq ${last.seq} within ${GIVE_UP_MS / 1000} s`);
        const rebuiltConsole = consoleBuildTime() !== consoleBuiltBefore;
        const bravoCpuMs = processCpuMs(bravo.process?.pid);
        const commits = commitShape(bravo.dir, 'alpha', arrivalBefore);
        const caughtUp = (await countAlphaMessages(reader)) - before;
        if (caughtUp !== MESSAGES) throw new Error(`bravo holds ${caughtUp} of the ${MESSAGES} messages`);

        const catchupSeconds = seconds(Math.max(0, heldAllAt - healthyAt));
        const transferSeconds = linkUpAt === null ? Number.NaN : seconds(heldAllAt - linkUpAt);
        return {
          measured: catchupSeconds,
          figures: {
            events: MESSAGES,
            postSecondsWhileDown: postSeconds,
            startToHealthySeconds: seconds(healthyAt - spawnedAt),
            startToLinkUpSeconds: linkUpAt === null ? Number.NaN : seconds(linkUpAt - spawnedAt),
            catchupSeconds,
            linkUpToAllSeconds: transferSeconds,
            catchupEventsPerSecond: Math.round(MESSAGES / Math.max(transferSeconds, 0.001)),
            fromProcessStartSeconds: seconds(heldAllAt - spawnedAt),
            bravoEventsPerCommit: commits.eventsPerCommit,
            bravoCpuSecondsSinceStart: bravoCpuMs === null ? Number.NaN : seconds(bravoCpuMs),
          },
          notes: [
            `${MESSAGES.toLocaleString('en')} messages posted at alpha while bravo was stopped (${postSeconds} s, ${CONNECTIONS} connections)`,
            `bravo's process start → /healthz ok: ${seconds(healthyAt - spawnedAt)} s${rebuiltConsole ? ' (this start rebuilt the console: web/ sources were newer than web/dist)' : ''}; → link up (alpha's /peers): ${linkUpAt === null ? 'not seen' : `${seconds(linkUpAt - spawnedAt)} s`}`,
            `/healthz ok → bravo holds all ${MESSAGES.toLocaleString('en')}: ${catchupSeconds} s; link up → all: ${transferSeconds} s (${Math.round(MESSAGES / Math.max(transferSeconds, 0.001))} events/s); process start → all: ${seconds(heldAllAt - spawnedAt)} s`,
            `bravo stored them in ${commits.commits} commits (${commits.eventsPerCommit} events each); its process used ${bravoCpuMs === null ? '?' : seconds(bravoCpuMs)} s of CPU from start to caught up`,
            `probes poll every ${POLL_MS} ms; the harness polls /healthz every 100 ms, so "healthz ok" may be up to 100 ms late`,
          ],
        };
      } finally {
        client.close();
      }
    });
  },
};
