/** A description of the machine a run happened on, stored with its results. */
import { execFileSync } from 'node:child_process';
import { arch, cpus, freemem, loadavg, platform, release, tmpdir, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import { distribution } from './stats.ts';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  freeMemoryGiB: number;
  /** One-minute load average when the run started (others' work skews figures). */
  loadAverage1m: number;
  node: string;
  os: string;
  /** The file system under the temporary folder, where the nodes' SQLite files live. */
  tempFileSystem: string;
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** `df -T`'s type for a folder, or `unknown`; fsync cost depends on it. */
function fileSystemOf(path: string): string {
  try {
    const out = execFileSync('df', ['-PT', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const fields = out.trim().split('\n').at(-1)?.split(/\s+/) ?? [];
    return `${fields[1] ?? 'unknown'} (${fields[0] ?? '?'})`;
  } catch {
    return 'unknown';
  }
}

/** The one-minute load average now (others' work on the machine skews every figure). */
export function currentLoad(): number {
  return round(loadavg()[0] ?? 0, 2);
}

export function describeMachine(): Machine {
  const cpuList = cpus();
  return {
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    memoryGiB: round(totalmem() / 2 ** 30),
    freeMemoryGiB: round(freemem() / 2 ** 30),
    loadAverage1m: currentLoad(),
    node: process.version,
    os: `${type()} ${release()} (${platform()} ${arch()})`,
    tempFileSystem: fileSystemOf(tmpdir()),
  };
}

/** How long one durable SQLite commit takes here (WAL, synchronous FULL, one small row). */
export interface DiskProbe {
  commits: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Times `count` one-row commits in a fresh SQLite file under `dir`, as the nodes configure it:
 * the floor under any durable append, and what group commit exists to share.
 */
export function probeDurableCommit(dir: string, count = 200): DiskProbe {
  const db = new BetterSqlite3(join(dir, 'probe.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE probe (body TEXT)');
    const insert = db.prepare('INSERT INTO probe (body) VALUES (?)');
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      db.exec('BEGIN IMMEDIATE');
      insert.run('x'.repeat(600));
      db.exec('COMMIT');
      times.push(performance.now() - started);
    }
    const d = distribution(times);
    return { commits: count, p50Ms: d.p50, p99Ms: d.p99 };
  } finally {
    db.close();
  }
}
