/**
 * The link between two running nodes fails (FED5, FED6):
 * - cut and restored at random moments by a TCP proxy under the test's control, several times,
 *   while both nodes keep writing: every post still gets its 201 (the author's node does not
 *   need its peer), and after each restore the sides catch up by themselves;
 * - a peer down for longer than the backoff ceiling (5 s) while the other writes: once it is
 *   back, the link is up again within the ceiling (plus a margin), not after a runaway backoff.
 * Both end with the convergence check: every 201 held exactly once by both, one LOG7 order,
 * exports that verify.
 *
 * `LIAISON_FAULT_TRIALS` cuts (CI: 3; a fresh cluster every TRIALS_PER_CLUSTER cuts) and a
 * few long outages (CI: 1), on the schedule of `LIAISON_FAULT_SEED`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BACKOFF_MAX_MS } from '../../src/federation/federation.ts';
import { openStore } from '../../src/node/folder.ts';
import { ApiClient, type TestNode } from '../support/cluster.ts';
import {
  acceptedIds,
  assertConverged,
  describeWriter,
  faultRandom,
  faultSeed,
  faultTrials,
  MessageWriter,
  pause,
  peerStatus,
  rounds,
  withCluster,
} from '../support/faults.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy.ts';

const seed = faultSeed();
const cuts = faultTrials(3);
const outages = Math.max(1, Math.ceil(faultTrials(3) / 8));
const cutRounds = rounds(cuts);
/** After the peer is back, the link is up within one backoff ceiling, plus a margin for the dial and handshake on a loaded machine. */
const BACK_UP_WITHIN_MS = BACKOFF_MAX_MS + 1_500;

async function waitLinkUp(client: ApiClient, peer: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while ((await peerStatus(client, peer))?.state !== 'up') {
    assert.ok(Date.now() - started < timeoutMs, `the link to ${peer} is up within ${timeoutMs} ms`);
    await pause(50);
  }
  return Date.now() - started;
}

/**
 * Points the (stopped) node `from`'s dialer for `to` at a proxy held cut, so that only `to`'s
 * own redials can bring their link back: what is measured is then `to`'s backoff, not `from`'s
 * fresh dial at start. `restore()` on the proxy lets `from` dial again.
 */
async function blockDialing(from: TestNode, to: TestNode): Promise<TcpProxy> {
  const proxy = await startTcpProxy(to.federationPort);
  proxy.cut();
  const store = await openStore(from.dir);
  try {
    const record = await store.getNode(to.nodeId);
    assert.ok(record, `${from.nodeId} knows ${to.nodeId}`);
    await store.putNode({ ...record, federationUrl: `wss://127.0.0.1:${proxy.port}` });
  } finally {
    await store.close();
  }
  return proxy;
}

describe('the link between two nodes is cut and restored', {
  timeout: 120_000 * cutRounds.length + cuts * 15_000,
}, () => {
  for (const [index, count] of cutRounds.entries()) {
    const round = cutRounds.length > 1 ? ` (cluster ${index + 1}/${cutRounds.length})` : '';
    it(`[FED5][FED6] the link cut and restored ${count} times at random moments while both write: every post gets its 201, both converge${round} (seed ${seed})`, async (t) => {
      const random = faultRandom(seed, `link-cut-${index}`);
      await withCluster({ proxiedPairs: [['alpha', 'bravo']] }, async (cluster) => {
        const link = cluster.proxy('alpha', 'bravo');
        const writers = await Promise.all(
          ['alpha', 'bravo'].map((id) => MessageWriter.start(cluster.node(id))),
        );
        try {
          for (let trial = 1; trial <= count; trial += 1) {
            const upMs = random.int(100, 2500);
            const cutMs = random.int(100, 4000);
            await pause(upMs);
            link.cut();
            await pause(cutMs);
            link.restore();
            t.diagnostic(`cut ${trial}: after ${upMs} ms, for ${cutMs} ms`);
          }
          await pause(random.int(200, 1500));
        } finally {
          link.restore();
          await Promise.all(writers.map((w) => w.stop()));
        }
        for (const writer of writers) t.diagnostic(describeWriter(writer));
        for (const writer of writers)
          assert.deepEqual(
            writer.failures,
            [],
            `${writer.node.nodeId} answered every post with 201 while the link was cut`,
          );
        const accepted = acceptedIds(writers);
        const record = await assertConverged(cluster, accepted);
        t.diagnostic(
          `converged in ${record.elapsedMs} ms (${record.timings}): ${accepted.length} accepted, ${record.order.length} events`,
        );
      });
    });
  }
});

describe('a peer down for longer than the backoff ceiling', { timeout: 120_000 + outages * 40_000 }, () => {
  it(`[FED6][FED5] bravo down for longer than the ${BACKOFF_MAX_MS} ms backoff ceiling while alpha writes (${outages}×): alpha's link up again within ${BACK_UP_WITHIN_MS} ms of bravo's restart, both converge (seed ${seed})`, async (t) => {
    const random = faultRandom(seed, 'link-outage');
    await withCluster({}, async (cluster) => {
      const alpha = await ApiClient.login(cluster.node('alpha').url, 'officer');
      const bravo = cluster.node('bravo');
      const blockers: TcpProxy[] = [];
      const writers = [await MessageWriter.start(cluster.node('alpha'))];
      try {
        for (let trial = 1; trial <= outages; trial += 1) {
          await pause(random.int(100, 1500));
          await bravo.stop('SIGKILL');
          const downSince = Date.now();
          // bravo comes back unable to dial alpha: only alpha's redials can bring the link up.
          const blocker = await blockDialing(bravo, cluster.node('alpha'));
          blockers.push(blocker);
          // Longer than the ceiling: alpha's redials have backed off as far as they go.
          const downMs = BACKOFF_MAX_MS + random.int(2_000, 4_000);
          await pause(downMs - (Date.now() - downSince));
          await bravo.start();
          // bravo answers /healthz now; from here alpha must redial within the ceiling.
          const upAfterMs = await waitLinkUp(alpha, 'bravo', BACK_UP_WITHIN_MS);
          blocker.restore();
          t.diagnostic(
            `outage ${trial}: bravo down ${Date.now() - downSince - upAfterMs} ms (it could not dial alpha); alpha's link up ${upAfterMs} ms after bravo's /healthz answered`,
          );
        }
        await pause(random.int(200, 1500));
      } finally {
        await Promise.all(writers.map((w) => w.stop()));
      }
      for (const writer of writers) t.diagnostic(describeWriter(writer));
      for (const writer of writers)
        assert.deepEqual(
          writer.failures,
          [],
          `${writer.node.nodeId} answered every post with 201 while its peer was down`,
        );
      const accepted = acceptedIds(writers);
      try {
        const record = await assertConverged(cluster, accepted);
        t.diagnostic(
          `converged in ${record.elapsedMs} ms (${record.timings}): ${accepted.length} accepted, ${record.order.length} events`,
        );
      } finally {
        for (const blocker of blockers) await blocker.close();
      }
    });
  });
});
