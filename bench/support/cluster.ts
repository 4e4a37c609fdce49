/**
 * Runs benchmark work against real nodes (`test/support/cluster.ts`), and makes sure nothing
 * outlives it: the cluster's folders are created inside the benchmark's own work folder, and
 * any node process still running from that folder is killed by its pid file, even when the
 * harness itself failed half-way (a node that started while its sibling did not).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Cluster, type ClusterOptions, startCluster } from '../../test/support/cluster.ts';

/** The API rate limit per session in benchmarks (SEC4): far above any benchmark's rate. */
const BENCH_RATE_LIMIT = '1000000/s,1000000';

/** How long a node gets to stop on SIGTERM before it is killed. */
const STOP_GRACE_MS = 15_000;

/** Starts a cluster whose folders live under `workDir` (startCluster makes them in the temp folder). */
function startClusterIn(workDir: string, options: ClusterOptions): Promise<Cluster> {
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = workDir;
  try {
    // startCluster picks its root folder synchronously, before its first await.
    return startCluster(options);
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  }
}

/** Whether process `pid` is a node serving a folder under `workDir` (so never someone else's). */
function isOurNode(pid: number, workDir: string): boolean {
  try {
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return commandLine.includes('serve') && commandLine.some((arg) => arg.startsWith(workDir));
  } catch {
    return false;
  }
}

/** Kills (SIGKILL) every node process started from a folder under `workDir`; returns their pids. */
export function killNodesUnder(workDir: string): number[] {
  const killed: number[] = [];
  if (!existsSync(workDir)) return killed;
  const visit = (dir: string, depth: number) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && depth > 0) visit(path, depth - 1);
      if (!entry.isFile() || entry.name !== 'liaison.pid') continue;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (!Number.isInteger(pid) || pid <= 0 || !isOurNode(pid, workDir)) continue;
      try {
        process.kill(pid, 'SIGKILL');
        killed.push(pid);
      } catch {
        // already gone
      }
    }
  };
  visit(workDir, 3);
  return killed;
}

/** Stops the cluster's nodes, killing those that do not stop within the grace period. */
async function stopCluster(cluster: Cluster, workDir: string): Promise<void> {
  const stopped = cluster.stop().then(() => true);
  const isStopped = await Promise.race([stopped, sleep(STOP_GRACE_MS).then(() => false)]);
  if (!isStopped) killNodesUnder(workDir);
}

/**
 * Starts alpha and bravo under `workDir`, runs `work`, then stops them whatever happens.
 * The folders are removed later by the runner with the rest of `workDir`.
 */
export async function withCluster<T>(
  workDir: string,
  work: (cluster: Cluster) => Promise<T>,
  options: ClusterOptions = {},
): Promise<T> {
  let cluster: Cluster;
  try {
    cluster = await startClusterIn(workDir, {
      ...options,
      // SEC4: one benchmark client posts thousands of messages a second from one session, far
      // past what a person does; the limiter still runs (its cost is in the figures) but never trips.
      env: { LIAISON_API_RATE_LIMIT: BENCH_RATE_LIMIT, ...options.env },
      keep: true,
    });
  } catch (error) {
    killNodesUnder(workDir);
    throw error;
  }
  try {
    return await work(cluster);
  } finally {
    await stopCluster(cluster, workDir);
  }
}
