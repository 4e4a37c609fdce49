/**
 * kill -9 while messages flow (LOG10, FED5): both nodes write at a steady pace; at random
 * points one of them (either) is killed with SIGKILL, stays down a random while, and is
 * started again, many times on one cluster. Posts refused or cut off by a kill do not count;
 * every post that got a 201 must end up held exactly once by both nodes, in one LOG7 order,
 * with chains whole and exports that verify.
 *
 * `LIAISON_FAULT_TRIALS` kills (CI: 3), on the schedule of `LIAISON_FAULT_SEED`; a fresh
 * cluster every TRIALS_PER_CLUSTER kills, each ending with the convergence check.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  acceptedIds,
  assertConverged,
  describeWriter,
  faultRandom,
  faultSeed,
  faultTrials,
  MessageWriter,
  pause,
  rounds,
  withCluster,
} from '../support/faults.ts';

const seed = faultSeed();
const kills = faultTrials(3);
const NODES = ['alpha', 'bravo'] as const;
const killRounds = rounds(kills);

describe('kill -9 while both nodes write', { timeout: 120_000 * killRounds.length + kills * 20_000 }, () => {
  for (const [index, count] of killRounds.entries()) {
    const round = killRounds.length > 1 ? ` (cluster ${index + 1}/${killRounds.length})` : '';
    it(`[LOG10][FED5] ${count} kills of either node at random points, then restarts: every 201 held once by both, one order, exports verify${round} (seed ${seed})`, async (t) => {
      const random = faultRandom(seed, `kill-${index}`);
      await withCluster({}, async (cluster) => {
        const writers = await Promise.all(NODES.map((id) => MessageWriter.start(cluster.node(id))));
        try {
          let firstVictim: string | null = null;
          for (let trial = 1; trial <= count; trial += 1) {
            // Both nodes are killed at least once: the second victim is the one the first spared.
            const victim =
              trial === 2 ? (NODES.find((id) => id !== firstVictim) ?? 'bravo') : random.pick(NODES);
            firstVictim ??= victim;
            const writeMs = random.int(50, 2500);
            const downMs = random.int(0, 2000);
            await pause(writeMs);
            const node = cluster.node(victim);
            await node.stop('SIGKILL');
            await pause(downMs);
            const restartedAt = Date.now();
            await node.start();
            t.diagnostic(
              `kill ${trial}: kill -9 ${node.nodeId} after ${writeMs} ms, down ${downMs} ms, healthy again in ${Date.now() - restartedAt} ms`,
            );
          }
          await pause(random.int(200, 1500));
        } finally {
          await Promise.all(writers.map((w) => w.stop()));
        }
        for (const writer of writers) t.diagnostic(describeWriter(writer));
        for (const writer of writers) {
          assert.ok(writer.accepted.length > 0, `${writer.node.nodeId} got some 201s`);
          // A kill cuts requests off; a node that answers must not answer with a server error.
          assert.deepEqual(
            writer.refusals.filter((f) => f.status !== null && f.status >= 500 && f.status !== 503),
            [],
            `${writer.node.nodeId} never answered a post with a server error`,
          );
        }
        const accepted = acceptedIds(writers);
        const record = await assertConverged(cluster, accepted);
        t.diagnostic(
          `converged in ${record.elapsedMs} ms (${record.timings}): ${accepted.length} accepted messages, ${record.order.length} events on the line`,
        );
      });
    });
  }
});
