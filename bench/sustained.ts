/**
 * `sustained`: throughput from alpha to bravo held for half a minute — every event signed by
 * alpha, durable at alpha (its 201), pushed over mutual TLS, verified by bravo (LOG8) and durable
 * at bravo. Officers post ROUTINE messages at alpha flat out from many keep-alive connections;
 * once a second the harness reads alpha's queue towards bravo (`GET /api/v1/peers`), so a
 * backlog that only grows shows up. When the load stops, the clock runs on until bravo holds
 * alpha's last event: the figure is the events created divided by that whole time, so an
 * unfinished backlog lowers it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClient } from '../test/support/cluster.ts';
import { load } from './append.ts';
import { withCluster } from './support/cluster.ts';
import { KeepAliveClient } from './support/http.ts';
import { CpuMeter } from './support/probes.ts';
import { distribution, formatDistribution } from './support/stats.ts';
import type { Benchmark } from './support/types.ts';

const CONNECTIONS = 128;
const WARMUP_MS = 2_000;
const MEASURE_MS = 30_000;
/** How long bravo may take to drain the backlog after the load stops. */
const DRAIN_LIMIT_MS = 60_000;

interface PeerStatus {
  nodeId: string;
  state: string;
  queue: number;
}

/** Samples alpha's queue towards bravo once a second until stopped. */
function sampleQueue(officer: ApiClient): { stop(): Promise<number[]> } {
  const samples: number[] = [];
  let isRunning = true;
  const running = (async () => {
    while (isRunning) {
      const response = await officer.request('GET', '/api/v1/peers');
      const bravo = (response.body as PeerStatus[]).find((p) => p.nodeId === 'bravo');
      if (bravo) samples.push(bravo.queue);
      await sleep(1_000);
    }
  })();
  return {
    async stop() {
      isRunning = false;
      await running;
      return samples;
    },
  };
}

export const sustained: Benchmark = {
  name: 'sustained',
  title: 'Sustained throughput alpha → bravo (signed, verified, durable on both)',
  target: { figure: 'eventsPerSecond', bound: '>=', value: 2000, unit: 'events/s' },
  timeoutMs: 150_000,
  async run({ workDir, log }) {
    return withCluster(workDir, async (cluster) => {
      const alpha = cluster.node('alpha');
      const bravo = cluster.node('bravo');
      const officer = await ApiClient.login(alpha.url, 'officer');
      const reader = await ApiClient.login(bravo.url, 'observer');
      const client = new KeepAliveClient(alpha.url, officer.token, CONNECTIONS);
      const cpu = new CpuMeter({ alpha: () => alpha.process?.pid, bravo: () => bravo.process?.pid });
      try {
        await load(client, CONNECTIONS, WARMUP_MS);
        log(`${CONNECTIONS} connections posting at alpha for ${MEASURE_MS / 1000} s`);
        const queue = sampleQueue(officer);
        cpu.start();
        const started = performance.now();
        const outcome = await load(client, CONNECTIONS, MEASURE_MS);
        const loadEnded = performance.now();
        const queueSamples = await queue.stop();
        if (!outcome.last) throw new Error('no message was created');

        // Alpha's chain is contiguous and bravo stores an event only after the one before it
        // (LOG4, LOG8): holding the last means holding them all.
        const lastPath = `/api/v1/events/${outcome.last.id}`;
        let isHeld = false;
        while (!isHeld && performance.now() - loadEnded < DRAIN_LIMIT_MS) {
          isHeld = (await reader.request('GET', lastPath)).status === 200;
          if (!isHeld) await sleep(10);
        }
        const heldAt = performance.now();
        const cpuMs = cpu.stop();
        if (!isHeld) throw new Error(`bravo did not hold alpha's seq ${outcome.last.seq} within 60 s`);

        const totalSeconds = (heldAt - started) / 1000;
        const drainSeconds = (heldAt - loadEnded) / 1000;
        const rate = Math.round(outcome.created / totalSeconds);
        const d = distribution(outcome.latencies);
        const perEvent = (ms: number | undefined) =>
          Math.round(((ms ?? Number.NaN) / outcome.created) * 1000) / 1000;
        const maxQueue = queueSamples.length > 0 ? Math.max(...queueSamples) : Number.NaN;
        const lastQueue = queueSamples.at(-1) ?? Number.NaN;
        const summary = `${outcome.created} events in ${outcome.seconds.toFixed(1)} s of load (${Math.round(outcome.eventsPerSecond)}/s at alpha); bravo held the last ${drainSeconds.toFixed(2)} s after the load stopped → ${rate} events/s end to end`;
        log(summary);
        return {
          measured: outcome.failed === 0 ? rate : null,
          figures: {
            eventsPerSecond: rate,
            events: outcome.created,
            failed: outcome.failed,
            alphaEventsPerSecond: Math.round(outcome.eventsPerSecond),
            drainSeconds: Math.round(drainSeconds * 100) / 100,
            maxQueue,
            lastQueueSample: lastQueue,
            p50Ms: d.p50,
            p99Ms: d.p99,
            alphaCpuMsPerEvent: perEvent(cpuMs.alpha),
            bravoCpuMsPerEvent: perEvent(cpuMs.bravo),
          },
          notes: [
            `ROUTINE messages from ${CONNECTIONS} keep-alive connections at alpha for ${MEASURE_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up; both nodes and the load generator share the machine`,
            summary,
            `alpha's queue towards bravo, sampled each second: max ${maxQueue}, last ${lastQueue} events (samples: ${queueSamples.join(' ')})`,
            `alpha's 201 latency ${formatDistribution(d)}; CPU per event: alpha ${perEvent(cpuMs.alpha)} ms, bravo ${perEvent(cpuMs.bravo)} ms`,
          ],
        };
      } finally {
        client.close();
      }
    });
  },
};
