/**
 * `latency`: cross-node delivery latency. An officer at alpha posts ROUTINE messages on the
 * hotline at a steady rate; a console client on bravo's stream notes when each one appears.
 *
 * Two figures per message, all times taken in this one process (one clock):
 * - after 201: from the moment alpha's 201 reached the client to the event on bravo's stream.
 *   Alpha pushes an event as soon as it is committed, often before the 201 has travelled back,
 *   so this can be negative; it is counted as 0 (and how often is reported).
 * - end to end: from sending the request to the event on bravo's stream — the honest figure
 *   a person sees: durable commit at alpha, push, durable commit at bravo, stream.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiClient, HOTLINE, type StoreKind } from '../test/support/cluster.ts';
import { withCluster } from './support/cluster.ts';
import { KeepAliveClient } from './support/http.ts';
import { CpuMeter, commitShape, lastArrival } from './support/probes.ts';
import { distribution, distributionFigures, formatDistribution } from './support/stats.ts';
import { openStream } from './support/stream.ts';
import type { Benchmark } from './support/types.ts';

const MESSAGES = 1_000;
const PER_SECOND = 50;
const WARMUP_MESSAGES = 25;
/** How long to wait for stragglers after the last send. */
const DRAIN_MS = 10_000;

interface Sample {
  sentAt: number;
  answeredAt: number | null;
  status: number | null;
  streamedAt: number | null;
}

const STORE_NOTES: Record<StoreKind, string> = {
  sqlite: 'SQLite WAL, synchronous FULL on both nodes',
  postgres: 'PostgreSQL (127.0.0.1, one schema per node, synchronous_commit on) for both nodes',
};

/** The latency benchmark with both nodes on `store`. */
function latencyOn(store: StoreKind): Benchmark {
  return {
    name: store === 'sqlite' ? 'latency' : 'latency-pg',
    title: `Cross-node delivery latency (alpha 201 → bravo stream), ${store === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`,
    target: { figure: 'p99Ms', bound: '<=', value: 25, unit: 'ms' },
    timeoutMs: 90_000,
    async run({ workDir, log }) {
      return withCluster(
        workDir,
        async (cluster) => {
          const alpha = cluster.node('alpha');
          const bravo = cluster.node('bravo');
          const officer = await ApiClient.login(alpha.url, 'officer');
          const watcher = await ApiClient.login(bravo.url, 'officer');
          const client = new KeepAliveClient(alpha.url, officer.token, 16);

          const samples = new Map<string, Sample>();
          /** Stream arrivals whose 201 (and so whose id) had not reached us yet. */
          const early = new Map<string, number>();
          let streamedBefore201 = 0;
          const stream = await openStream(bravo.url, watcher.token, (event, _cursor, receivedAt) => {
            if (event.origin !== 'alpha' || event.type !== 'message.posted') return;
            const sample = samples.get(event.id);
            if (sample) sample.streamedAt ??= receivedAt;
            else early.set(event.id, receivedAt);
          });
          const path = `/api/v1/lines/${HOTLINE}/messages`;
          const post = async (text: string): Promise<Sample & { id: string | null }> => {
            const response = await client.send<{ id?: string }>('POST', path, {
              text,
              precedence: 'ROUTINE',
            });
            const id = response.status === 201 ? (response.body.id ?? null) : null;
            const sample: Sample = {
              sentAt: response.sentAt,
              answeredAt: response.answeredAt,
              status: response.status,
              streamedAt: null,
            };
            if (id) {
              const streamedAt = early.get(id);
              if (streamedAt !== undefined) {
                early.delete(id);
                sample.streamedAt = streamedAt;
                streamedBefore201 += 1;
              }
              samples.set(id, sample);
            }
            return { ...sample, id };
          };
          const waitForAll = async (ids: readonly string[], ms: number) => {
            const deadline = Date.now() + ms;
            while (Date.now() < deadline && ids.some((id) => samples.get(id)?.streamedAt === null))
              await sleep(10);
          };

          try {
            // Warm-up: the link is up, the line's genesis is at bravo, JIT and caches are warm.
            const warmIds: string[] = [];
            for (let i = 0; i < WARMUP_MESSAGES; i++) {
              const { id } = await post(`warm-up ${i}`);
              if (id) warmIds.push(id);
            }
            await waitForAll(warmIds, 15_000);
            if (
              warmIds.length < WARMUP_MESSAGES ||
              warmIds.some((id) => samples.get(id)?.streamedAt === null)
            ) {
              throw new Error('warm-up messages did not all reach bravo: the link did not come up');
            }
            samples.clear();
            streamedBefore201 = 0;

            log(`posting ${MESSAGES} messages at ${PER_SECOND}/s`);
            const arrivalBefore = lastArrival(alpha.dir);
            const cpu = new CpuMeter({ alpha: () => alpha.process?.pid, bravo: () => bravo.process?.pid });
            cpu.start();
            const intervalMs = 1000 / PER_SECOND;
            const started = performance.now();
            let maxSlipMs = 0;
            const inFlight: Promise<unknown>[] = [];
            const ids: string[] = [];
            let failures = 0;
            for (let i = 0; i < MESSAGES; i++) {
              const due = started + i * intervalMs;
              const wait = due - performance.now();
              if (wait > 0) await sleep(wait);
              maxSlipMs = Math.max(maxSlipMs, performance.now() - due);
              inFlight.push(
                post(`latency probe ${i}`).then(
                  (s) => {
                    if (s.id) ids.push(s.id);
                    else failures += 1;
                  },
                  () => {
                    failures += 1;
                  },
                ),
              );
            }
            await Promise.all(inFlight);
            const sendSeconds = (performance.now() - started) / 1000;
            await waitForAll(ids, DRAIN_MS);
            const cpuMs = cpu.stop();
            const commits = commitShape(alpha.dir, 'alpha', arrivalBefore);
            const cpuPerMessage = (ms: number | undefined) =>
              Math.round(((ms ?? Number.NaN) / ids.length) * 100) / 100;

            const after201: number[] = [];
            const endToEnd: number[] = [];
            const response: number[] = [];
            let lost = 0;
            for (const id of ids) {
              const s = samples.get(id);
              if (!s || s.answeredAt === null) continue;
              response.push(s.answeredAt - s.sentAt);
              if (s.streamedAt === null) {
                lost += 1;
                continue;
              }
              after201.push(Math.max(0, s.streamedAt - s.answeredAt));
              endToEnd.push(s.streamedAt - s.sentAt);
            }
            const fromResponse = distribution(after201);
            const fromSend = distribution(endToEnd);
            const responses = distribution(response);
            log(`after 201:  ${formatDistribution(fromResponse)}`);
            log(`end to end: ${formatDistribution(fromSend)}`);
            return {
              measured: lost === 0 && failures === 0 ? fromResponse.p99 : null,
              figures: {
                messages: ids.length,
                delivered: fromResponse.count,
                lost,
                failedPosts: failures,
                offeredRatePerSecond: PER_SECOND,
                achievedRatePerSecond: Math.round((ids.length / sendSeconds) * 10) / 10,
                maxSendSlipMs: Math.round(maxSlipMs * 10) / 10,
                streamedBefore201,
                alphaEventsPerCommit: commits.eventsPerCommit,
                alphaCpuMsPerMessage: cpuPerMessage(cpuMs.alpha),
                bravoCpuMsPerMessage: cpuPerMessage(cpuMs.bravo),
                ...distributionFigures(fromResponse),
                endToEnd: distributionFigures(fromSend),
                alphaResponse: distributionFigures(responses),
              },
              notes: [
                `${MESSAGES} ROUTINE messages at ${PER_SECOND}/s after ${WARMUP_MESSAGES} warm-up messages; ${STORE_NOTES[store]}; mutual TLS 1.3 between the nodes`,
                `${streamedBefore201} of ${fromResponse.count} reached bravo's stream before alpha's 201 reached the client (counted as 0 ms after the 201)`,
                `end to end (request sent → bravo stream): ${formatDistribution(fromSend)}`,
                `alpha's own 201 (request sent → response): ${formatDistribution(responses)}`,
                `alpha committed its messages ${commits.eventsPerCommit} per durable commit; CPU per message: alpha ${cpuPerMessage(cpuMs.alpha)} ms, bravo ${cpuPerMessage(cpuMs.bravo)} ms`,
              ],
            };
          } finally {
            stream.close();
            client.close();
          }
        },
        { store },
      );
    },
  };
}

/** Both nodes on SQLite, the embedded default. */
export const latency = latencyOn('sqlite');
/** Both nodes on PostgreSQL, the production store (STO1). */
export const latencyPostgres = latencyOn('postgres');
