/**
 * Puts delivery into the record (FED3): at most once a second, and only when events other than
 * `heads.recorded` arrived from other origins, this node appends a signed `heads.recorded`
 * event on each line that received some, naming what it holds and when each run of events
 * arrived. Peers project these into `deliveredAt`/`deliveredTo`, so delivery survives
 * `liaison rebuild` and is the same on both sides.
 *
 * The recorder reads arrivals from the store after a cursor kept in the store's meta table, so
 * a restart records what arrived before it without keeping state in memory.
 */
import type { Ledger, Logger } from '../record/ledger.ts';
import type { Store, StoredEvent } from '../store/types.ts';

const CURSOR_KEY = 'heads-recorded-cursor';
/** Arrival entries kept per origin in one event; older runs are merged beyond this. */
const MAX_RUNS_PER_ORIGIN = 200;
const PAGE = 5_000;

export interface HeadsRecorderOptions {
  ledger: Ledger;
  store: Store;
  logger: Logger;
  intervalMs?: number;
}

/** One run: events of an origin up to `uptoSeq` had arrived by `at`. */
type Run = [number, string];

export class HeadsRecorder {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly options: HeadsRecorderOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs ?? 1_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Records what arrived since the last call; returns the number of events appended. */
  tick(): Promise<void> {
    if (!this.running) {
      this.running = this.record()
        .catch((error: Error) => this.options.logger.error({ err: error.message }, 'heads.recorded failed'))
        .finally(() => {
          this.running = null;
        });
    }
    return this.running;
  }

  private async record(): Promise<void> {
    const { store, ledger } = this.options;
    const selfId = ledger.selfId;
    let cursor = Number((await store.getMeta(CURSOR_KEY)) ?? '0');
    const runsByLine = new Map<string, Map<string, Run[]>>();
    const triggering = new Set<string>();
    /** line → origin → the latest event read from the pages (arrival order is seq order per origin). */
    const readHeads = new Map<string, Record<string, { seq: number; id: string }>>();
    for (;;) {
      const page: StoredEvent[] = await store.eventsSince(cursor, PAGE, null);
      if (page.length === 0) break;
      for (const stored of page) {
        const { event } = stored;
        cursor = stored.arrival;
        if (event.origin === selfId) continue;
        if (ledger.getLine(event.line)?.kind === 'local') continue;
        if (event.type !== 'heads.recorded') triggering.add(event.line);
        let origins = runsByLine.get(event.line);
        if (!origins) {
          origins = new Map();
          runsByLine.set(event.line, origins);
        }
        const lineHeads = readHeads.get(event.line) ?? {};
        lineHeads[event.origin] = { seq: event.seq, id: event.id };
        readHeads.set(event.line, lineHeads);
        const runs = origins.get(event.origin) ?? [];
        const last = runs[runs.length - 1];
        if (last && last[1] === stored.receivedAt) last[0] = Math.max(last[0], event.seq);
        else runs.push([event.seq, stored.receivedAt]);
        origins.set(event.origin, runs);
      }
      if (page.length < PAGE) break;
    }
    for (const line of triggering) {
      const origins = runsByLine.get(line);
      if (!origins) continue;
      const arrivals: Record<string, Run[]> = {};
      for (const [origin, runs] of origins) arrivals[origin] = mergeRuns(runs, MAX_RUNS_PER_ORIGIN);
      // Heads name what the arrivals cover: an event committed after the pages were read must
      // not be named here without its arrival time (it goes into the next record).
      const heads = { ...(ledger.headSummary([line])[line] ?? {}), ...(readHeads.get(line) ?? {}) };
      await ledger.append(line, selfId, 'heads.recorded', { heads, arrivals });
    }
    await store.setMeta(CURSOR_KEY, String(cursor));
  }
}

/** Keeps at most `max` runs, merging the oldest ones (a merged run takes the later time). */
export function mergeRuns(runs: Run[], max: number): Run[] {
  if (runs.length <= max) return runs;
  const excess = runs.length - max + 1;
  const merged = runs.slice(0, excess);
  const last = merged[merged.length - 1];
  if (!last) return runs;
  return [[last[0], last[1]], ...runs.slice(excess)];
}
