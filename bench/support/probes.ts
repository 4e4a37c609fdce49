/**
 * Diagnostics that explain a figure rather than make it:
 * - the CPU time a node process used (from /proc, Linux), so a figure taken on a busy machine
 *   can be told apart from a node that does too much work per event;
 * - how many events each durable commit carried, read from the node's SQLite file (read-only,
 *   while it runs): the ledger stamps every event of one commit with the same `received_at`.
 */
import { existsSync, readFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { databasePath } from '../../src/node/folder.ts';

/** Kernel clock ticks per second for /proc/PID/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) used so far by process `pid`, in ms; null when unknown. */
export function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after its closing ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const user = Number(fields[11]);
    const system = Number(fields[12]);
    if (!Number.isFinite(user) || !Number.isFinite(system)) return null;
    return ((user + system) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Measures the CPU a set of processes uses between `start()` and `stop()`. */
export class CpuMeter {
  #before = new Map<string, number | null>();

  constructor(private readonly processes: Record<string, () => number | undefined>) {}

  start(): void {
    for (const [name, pid] of Object.entries(this.processes)) this.#before.set(name, processCpuMs(pid()));
  }

  /** CPU ms used by each process since `start()` (NaN when /proc could not tell). */
  stop(): Record<string, number> {
    const used: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.processes)) {
      const before = this.#before.get(name);
      const after = processCpuMs(pid());
      used[name] = before == null || after === null ? Number.NaN : Math.round(after - before);
    }
    return used;
  }
}

/** What the commits of one origin's events looked like after an arrival number. */
export interface CommitShape {
  events: number;
  commits: number;
  eventsPerCommit: number;
}

/** The highest arrival number a node's store holds (read-only, while the node runs). */
export function lastArrival(dataDir: string): number {
  // A node on PostgreSQL has no SQLite file; the commit-shape diagnostics are then skipped.
  if (!existsSync(databasePath(dataDir))) return 0;
  const db = new BetterSqlite3(databasePath(dataDir), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT MAX(arrival) AS last FROM events').get() as { last: number | null };
    return row.last ?? 0;
  } finally {
    db.close();
  }
}

/**
 * Events of `origin` that arrived after `afterArrival`, and in how many commits (distinct
 * `received_at`; two commits in one millisecond count as one, so this errs towards grouping).
 */
export function commitShape(dataDir: string, origin: string, afterArrival: number): CommitShape {
  if (!existsSync(databasePath(dataDir))) return { events: 0, commits: 0, eventsPerCommit: Number.NaN };
  const db = new BetterSqlite3(databasePath(dataDir), { readonly: true, fileMustExist: true });
  try {
    const row = db
      .prepare(
        'SELECT COUNT(*) AS events, COUNT(DISTINCT received_at) AS commits FROM events WHERE origin = ? AND arrival > ?',
      )
      .get(origin, afterArrival) as { events: number; commits: number };
    return {
      events: row.events,
      commits: row.commits,
      eventsPerCommit: row.commits > 0 ? Math.round((row.events / row.commits) * 10) / 10 : Number.NaN,
    };
  } finally {
    db.close();
  }
}
