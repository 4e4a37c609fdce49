/**
 * A database that refuses writes (LOG10): alpha's node folder lives on a small tmpfs, which the
 * test fills with a ballast file until SQLite cannot grow its WAL. Then a post at alpha gets a
 * clear 503 `store-unavailable` at once (no hang, no crash), reads and /healthz still answer,
 * and nothing of the refused message is anywhere, at alpha or at bravo. Bravo keeps writing
 * meanwhile (alpha cannot store what it receives). Once the ballast is deleted, the next post
 * succeeds with the next seq (no gap, no reuse: the chains are checked whole) and both nodes
 * converge and their exports verify.
 *
 * The node's log (its stdout and stderr, `node.log`) is kept off the full disk in the main test;
 * the last test puts it on the full disk too: the node drops log lines it cannot write and
 * keeps serving (it used to crash in pino's exit flush).
 *
 * Mounting needs root (CAP_SYS_ADMIN); where that is impossible the tests are skipped, saying so.
 * `LIAISON_FAULT_TRIALS` sets the fill-and-free cycles (CI: 1; 8 trials make one cycle).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LiaisonEvent } from '../../src/core/types.ts';
import { ApiClient, type Cluster, HOTLINE, startCluster, type TestNode } from '../support/cluster.ts';
import {
  assertConverged,
  faultRandom,
  faultSeed,
  faultTrials,
  lineEvents,
  pause,
  peerStatus,
} from '../support/faults.ts';

const seed = faultSeed();
const cycles = Math.max(1, Math.ceil(faultTrials(3) / 8));
/** A refusal must come at once; a post that takes this long is a hang. */
const ANSWER_WITHIN_MS = 10_000;
const TMPFS_SIZE = '32m';

/** A tmpfs mounted for one test, or the reason it could not be. */
function mountTmpfs(dir: string): string | null {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE}`, 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return `cannot mount a tmpfs here (${stderr || String(error)}); the full-disk tests need root`;
  }
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    // Something still holds a file there: detach it now, it goes when the last file closes.
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  }
}

/** Writes a ballast file until the file system is full (ENOSPC); returns the bytes written. */
function fillDisk(path: string): number {
  const fd = openSync(path, 'w');
  let written = 0;
  try {
    for (const size of [1 << 20, 1 << 12, 1 << 9]) {
      const chunk = Buffer.alloc(size, 0xa5);
      try {
        for (;;) written += writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

interface PostResult {
  status: number;
  body: Partial<LiaisonEvent> & { error?: string; message?: string };
  ms: number;
}

/** Posts a hotline message; a request that takes longer than ANSWER_WITHIN_MS fails the test. */
async function post(client: ApiClient, text: string): Promise<PostResult> {
  const started = Date.now();
  let response: Response;
  try {
    response = await fetch(`${client.baseUrl}/api/v1/lines/${HOTLINE}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${client.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text, precedence: 'ROUTINE' }),
      signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
    });
  } catch (error) {
    assert.fail(
      `the post "${text}" at ${client.baseUrl} got no answer in ${ANSWER_WITHIN_MS} ms: ${String(error)}`,
    );
  }
  return {
    status: response.status,
    body: (await response.json()) as PostResult['body'],
    ms: Date.now() - started,
  };
}

async function healthz(node: TestNode): Promise<number> {
  try {
    const response = await fetch(`${node.url}/healthz`, { signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
    return response.status;
  } catch (error) {
    const state = isRunning(node)
      ? 'is still running'
      : `has exited (${node.process?.exitCode ?? node.process?.signalCode})`;
    assert.fail(
      `${node.nodeId}'s /healthz got no answer in ${ANSWER_WITHIN_MS} ms (${String(error)}); its process ${state}`,
    );
  }
}

function isRunning(node: TestNode): boolean {
  return node.process !== null && node.process.exitCode === null && node.process.signalCode === null;
}

async function waitLinkUp(client: ApiClient, peer: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await peerStatus(client, peer))?.state !== 'up') {
    assert.ok(Date.now() < deadline, `the link to ${peer} comes up`);
    await pause(100);
  }
}

/** A cluster whose alpha lives on its own tmpfs; `logOnDisk` puts alpha's node.log there too. */
async function startOnTmpfs(root: string, logOnDisk: boolean): Promise<{ cluster: Cluster; disk: string }> {
  const disk = join(root, 'disk');
  const alphaDir = join(disk, 'alpha');
  mkdirSync(alphaDir);
  // The harness appends the node's stdout and stderr to DIR/node.log; a link sends it elsewhere.
  if (!logOnDisk) symlinkSync(join(root, 'alpha.log'), join(alphaDir, 'node.log'));
  const cluster = await startCluster({ dataDirs: { alpha: alphaDir } });
  return { cluster, disk };
}

const messagesWith = (events: LiaisonEvent[], text: string) =>
  events.filter((e) => e.type === 'message.posted' && e.body.text === text);

describe("alpha's disk is full", { timeout: 120_000 + cycles * 40_000 }, () => {
  let root = '';
  let cannotMount: string | null = null;
  let cluster: Cluster | undefined;
  let disk = '';

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'liaison-disk-'));
    cannotMount = mountTmpfs(join(root, 'disk'));
    if (cannotMount) return;
    ({ cluster, disk } = await startOnTmpfs(root, false));
    await waitLinkUp(await ApiClient.login(cluster.node('alpha').url, 'officer'), 'bravo');
  });

  after(async () => {
    await cluster?.stop();
    if (root && !cannotMount) unmount(join(root, 'disk'));
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it(`[LOG10] a post gets 503 store-unavailable at once, reads and /healthz answer, nothing is half-written; freed, the next post takes the next seq and both converge (${cycles}×, seed ${seed})`, async (t) => {
    if (cannotMount) {
      t.skip(cannotMount);
      return;
    }
    assert.ok(cluster);
    const random = faultRandom(seed, 'disk');
    const alphaNode = cluster.node('alpha');
    const alpha = await ApiClient.login(alphaNode.url, 'officer');
    const bravo = await ApiClient.login(cluster.node('bravo').url, 'officer');
    const accepted: string[] = [];
    // Alpha's own latest message: the one alpha surely holds (with its disk full it may not have
    // stored bravo's latest yet).
    let alphaLatest = '';
    const expectAccepted = async (client: ApiClient, text: string): Promise<LiaisonEvent> => {
      const result = await post(client, text);
      assert.equal(result.status, 201, `"${text}" is accepted: ${JSON.stringify(result.body)}`);
      accepted.push(String(result.body.id));
      if (client === alpha) alphaLatest = String(result.body.id);
      return result.body as LiaisonEvent;
    };

    for (let cycle = 1; cycle <= cycles; cycle += 1) {
      for (let i = random.int(1, 5); i > 0; i -= 1) {
        await expectAccepted(alpha, `before ${cycle}.${i} from alpha`);
        await expectAccepted(bravo, `before ${cycle}.${i} from bravo`);
      }
      const ballast = join(disk, 'ballast');
      const ballastBytes = fillDisk(ballast);

      // The WAL may still have room for a few commits; post until alpha refuses.
      let refused: PostResult | null = null;
      let refusedText = '';
      const fillDeadline = Date.now() + 60_000;
      let acceptedWhileFilling = 0;
      while (!refused) {
        assert.ok(Date.now() < fillDeadline, 'alpha refuses a post within 60 s of its disk filling up');
        const text = `on a full disk ${cycle}.${acceptedWhileFilling}`;
        const result = await post(alpha, text);
        if (result.status === 201) {
          accepted.push(String(result.body.id));
          alphaLatest = String(result.body.id);
          acceptedWhileFilling += 1;
        } else {
          refused = result;
          refusedText = text;
        }
      }
      t.diagnostic(
        `cycle ${cycle}: ballast ${ballastBytes} bytes; ${acceptedWhileFilling} posts fitted, then ${refused.status} ${refused.body.error} in ${refused.ms} ms`,
      );
      assert.equal(refused.status, 503, `a clear 5xx: ${JSON.stringify(refused.body)}`);
      assert.equal(refused.body.error, 'store-unavailable');
      assert.match(String(refused.body.message), /could not be written/);

      // Still serving: not crashed, not hung.
      assert.ok(isRunning(alphaNode), 'alpha is still running');
      assert.equal(await healthz(alphaNode), 200, '/healthz answers');
      const atAlpha = await lineEvents(alpha);
      const alphaHead = Math.max(...atAlpha.filter((e) => e.origin === 'alpha').map((e) => e.seq));
      const messageCount = atAlpha.filter((e) => e.type === 'message.posted').length;
      assert.deepEqual(
        messagesWith(atAlpha, refusedText),
        [],
        'the refused message is not in the record at alpha',
      );
      const view = await alpha.request('GET', `/api/v1/messages/${alphaLatest}`);
      assert.equal(view.status, 200, 'a message view still reads');

      // Bravo writes on; alpha cannot store what it receives, and stays up.
      for (let i = random.int(1, 4); i > 0; i -= 1)
        await expectAccepted(bravo, `while alpha is full ${cycle}.${i}`);
      await pause(random.int(200, 2000));
      assert.ok(isRunning(alphaNode), 'alpha is still running after failing to store what bravo sent');
      assert.equal(await healthz(alphaNode), 200);
      const stillAtAlpha = await lineEvents(alpha);
      assert.equal(
        stillAtAlpha.filter((e) => e.type === 'message.posted').length,
        messageCount,
        "alpha's message count is unchanged while its disk is full",
      );
      assert.deepEqual(messagesWith(stillAtAlpha, refusedText), []);
      assert.deepEqual(messagesWith(await lineEvents(bravo), refusedText), [], 'bravo never got it either');

      rmSync(ballast);
      const next = await expectAccepted(alpha, `after the disk was freed ${cycle}`);
      assert.ok(next.seq > alphaHead, `the next post takes a seq after ${alphaHead} (got ${next.seq})`);
      const record = await assertConverged(cluster, accepted);
      // No gap, no reuse: the chains are whole (assertConverged), and what alpha wrote between
      // the refusal and this post is only automatic events, never the refused message.
      const between = record.events.filter(
        (e) => e.origin === 'alpha' && e.seq > alphaHead && e.seq < next.seq,
      );
      assert.deepEqual(
        between.filter((e) => e.type === 'message.posted'),
        [],
        'no message took a seq between the refusal and the next post',
      );
      assert.deepEqual(messagesWith(record.events, refusedText), [], 'the refused message never appears');
      t.diagnostic(
        `cycle ${cycle}: next post seq ${next.seq} after head ${alphaHead} (${between.map((e) => e.type).join(', ') || 'nothing'} between); converged in ${record.elapsedMs} ms (${record.timings})`,
      );
    }
  });
});

describe('a node whose log is on the full disk', { timeout: 120_000 }, () => {
  let root = '';
  let cannotMount: string | null = null;
  let cluster: Cluster | undefined;
  let disk = '';

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'liaison-disk-log-'));
    cannotMount = mountTmpfs(join(root, 'disk'));
    if (cannotMount) return;
    ({ cluster, disk } = await startOnTmpfs(root, true));
  });

  after(async () => {
    if (disk) rmSync(join(disk, 'ballast'), { force: true });
    await cluster?.stop();
    // The harness keeps the log's descriptor open in this process, so the unmount may be lazy.
    if (root && !cannotMount) unmount(join(root, 'disk'));
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('[LOG10] a node that cannot write its log either still answers a post with 503 and stays up', async (t) => {
    if (cannotMount) {
      t.skip(cannotMount);
      return;
    }
    assert.ok(cluster);
    const alphaNode = cluster.node('alpha');
    const alpha = await ApiClient.login(alphaNode.url, 'officer');
    fillDisk(join(disk, 'ballast'));
    const refused = await post(alpha, 'with the log on a full disk');
    assert.equal(refused.status, 503);
    await pause(500);
    assert.equal(await healthz(alphaNode), 200, '/healthz answers after the refusal');
    assert.ok(isRunning(alphaNode), 'alpha is still running');
  });
});
