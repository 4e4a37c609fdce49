/**
 * `append`: how many messages one node makes durable per second through its API. Clients on
 * keep-alive connections post ROUTINE messages back to back at alpha; each 201 means the event
 * was committed with synchronous FULL (LOG10), so the rate rests on the node's group commit
 * (one fsync for every job that queued during the previous one). Bravo runs and receives
 * everything meanwhile, as it would in service; once the load stops, the time until bravo
 * holds the last event is reported too.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClient, HOTLINE } from '../test/support/cluster.ts';
import { withCluster } from './support/cluster.ts';
import { KeepAliveClient } from './support/http.ts';
import { CpuMeter, commitShape, lastArrival } from './support/probes.ts';
import { distribution, formatDistribution } from './support/stats.ts';
import type { Benchmark, Figures } from './support/types.ts';

/** Concurrent connections, each with one request outstanding at a time. */
const CONCURRENCY = [32, 128];
/** Connections for the run with alpha alone. */
const SOLO_CONNECTIONS = 128;
const WARMUP_MS = 1_500;
const MEASURE_MS = 10_000;
/** The most requests one level may send (bounds the run on a very fast machine). */
const MAX_REQUESTS_PER_LEVEL = 500_000;

export interface LevelOutcome {
  connections: number;
  created: number;
  failed: number;
  seconds: number;
  eventsPerSecond: number;
  latencies: number[];
  /** The highest seq alpha answered with, and its id. */
  last: { seq: number; id: string } | null;
}

/** Keeps `connections` requests in flight until `durationMs` has passed. */
export async function load(
  client: KeepAliveClient,
  connections: number,
  durationMs: number,
): Promise<LevelOutcome> {
  const path = `/api/v1/lines/${HOTLINE}/messages`;
  const latencies: number[] = [];
  let created = 0;
  let failed = 0;
  let sent = 0;
  let last: LevelOutcome['last'] = null;
  const started = performance.now();
  const end = started + durationMs;
  const worker = async (n: number) => {
    while (performance.now() < end && sent < MAX_REQUESTS_PER_LEVEL) {
      sent += 1;
      try {
        const response = await client.send<{ id?: string; seq?: number }>('POST', path, {
          text: `load ${connections}/${n}/${sent}`,
          precedence: 'ROUTINE',
        });
        if (response.status !== 201) {
          failed += 1;
          continue;
        }
        created += 1;
        latencies.push(response.answeredAt - response.sentAt);
        const { id, seq } = response.body;
        if (id && seq && (last === null || seq > last.seq)) last = { seq, id };
      } catch {
        failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, (_, n) => worker(n)));
  const seconds = (performance.now() - started) / 1000;
  return { connections, created, failed, seconds, eventsPerSecond: created / seconds, latencies, last };
}

export const append: Benchmark = {
  name: 'append',
  title: 'Durable append throughput through POST /lines/:id/messages',
  target: { figure: 'eventsPerSecond', bound: '>=', value: 3000, unit: 'events/s' },
  timeoutMs: 90_000,
  async run({ workDir, log }) {
    return withCluster(workDir, async (cluster) => {
      const alpha = cluster.node('alpha');
      const bravo = cluster.node('bravo');
      const officer = await ApiClient.login(alpha.url, 'officer');
      const reader = await ApiClient.login(bravo.url, 'observer');
      const figures: Figures = {};
      const notes: string[] = [];
      const rates: number[] = [];
      let failures = 0;
      let last: LevelOutcome['last'] = null;
      const cpu = new CpuMeter({ alpha: () => alpha.process?.pid, bravo: () => bravo.process?.pid });
      for (const connections of CONCURRENCY) {
        const client = new KeepAliveClient(alpha.url, officer.token, connections);
        try {
          await load(client, connections, WARMUP_MS);
          log(`${connections} connections for ${MEASURE_MS / 1000} s`);
          const arrivalBefore = lastArrival(alpha.dir);
          cpu.start();
          const outcome = await load(client, connections, MEASURE_MS);
          const cpuMs = cpu.stop();
          const commits = commitShape(alpha.dir, 'alpha', arrivalBefore);
          const d = distribution(outcome.latencies);
          const perEvent = (ms: number | undefined) =>
            Math.round(((ms ?? Number.NaN) / outcome.created) * 1000) / 1000;
          const rate = Math.round(outcome.eventsPerSecond);
          rates.push(rate);
          failures += outcome.failed;
          if (outcome.last && (last === null || outcome.last.seq > last.seq)) last = outcome.last;
          figures[`c${connections}`] = {
            connections,
            eventsPerSecond: rate,
            events: outcome.created,
            failed: outcome.failed,
            p50Ms: d.p50,
            p99Ms: d.p99,
            maxMs: d.max,
            eventsPerCommit: commits.eventsPerCommit,
            alphaCpuMsPerEvent: perEvent(cpuMs.alpha),
            bravoCpuMsPerEvent: perEvent(cpuMs.bravo),
          };
          const line = `${connections} connections: ${rate} events/s (${outcome.created} in ${outcome.seconds.toFixed(1)} s, ${outcome.failed} failed); 201 latency ${formatDistribution(d)}`;
          const diagnosis = `${connections} connections: ${commits.eventsPerCommit} events per durable commit at alpha (${commits.commits} commits); CPU per event: alpha ${perEvent(cpuMs.alpha)} ms, bravo ${perEvent(cpuMs.bravo)} ms`;
          log(line);
          log(diagnosis);
          notes.push(line, diagnosis);
        } finally {
          client.close();
        }
      }

      // How far behind the load left bravo: alpha's chain is contiguous and bravo stores an
      // event only once it holds the one before (LOG4, LOG8), so holding the last means all.
      if (last) {
        const lastId = last.id;
        const started = performance.now();
        let isHeld = false;
        while (!isHeld && performance.now() - started < 30_000) {
          isHeld = (await reader.request('GET', `/api/v1/events/${lastId}`)).status === 200;
          if (!isHeld) await sleep(20);
        }
        const lagSeconds = Math.round((performance.now() - started) / 100) / 10;
        figures.bravoHeldAllAfterSeconds = isHeld ? lagSeconds : Number.NaN;
        notes.push(
          isHeld
            ? `bravo held all ${last.seq} of alpha's events ${lagSeconds} s after the load stopped`
            : `bravo did not hold alpha's seq ${last.seq} within 30 s of the load stopping`,
        );
      }
      // The node alone: bravo stopped, so the machine's two cores serve alpha and the clients
      // only (the figure is for one node; the levels above include a live peer).
      await bravo.stop('SIGTERM');
      const solo = new KeepAliveClient(alpha.url, officer.token, SOLO_CONNECTIONS);
      try {
        await load(solo, SOLO_CONNECTIONS, WARMUP_MS);
        const arrivalBefore = lastArrival(alpha.dir);
        const outcome = await load(solo, SOLO_CONNECTIONS, MEASURE_MS);
        const commits = commitShape(alpha.dir, 'alpha', arrivalBefore);
        const d = distribution(outcome.latencies);
        const rate = Math.round(outcome.eventsPerSecond);
        rates.push(rate);
        failures += outcome.failed;
        figures.solo = {
          connections: SOLO_CONNECTIONS,
          eventsPerSecond: rate,
          events: outcome.created,
          failed: outcome.failed,
          p50Ms: d.p50,
          p99Ms: d.p99,
          eventsPerCommit: commits.eventsPerCommit,
        };
        const line = `alpha alone (bravo stopped), ${SOLO_CONNECTIONS} connections: ${rate} events/s; 201 latency ${formatDistribution(d)}; ${commits.eventsPerCommit} events per commit`;
        log(line);
        notes.push(line);
      } finally {
        solo.close();
      }
      const best = Math.max(...rates);
      figures.eventsPerSecond = best;
      notes.unshift(
        `ROUTINE messages from ${CONCURRENCY.join(' and ')} keep-alive connections (node:http Agent), ${MEASURE_MS / 1000} s each after ${WARMUP_MS / 1000} s warm-up; the figure judged is the best level`,
      );
      return { measured: failures === 0 ? best : null, figures, notes };
    });
  },
};
