/**
 * What this node holds, in memory: the latest event of every (line, origin) with the seqs its
 * deps named (for LOG6's "deps never go backwards"), and a bounded cache of recent events'
 * chain facts, so checking a peer's event rarely needs the store.
 *
 * Changes made while a commit is being built are undoable: if the commit fails, the index goes
 * back to what is durable, so no seq is skipped or reused (LOG4, LOG10).
 */
import type { HeldEventInfo } from '../core/chain.ts';
import type { LiaisonEvent } from '../core/types.ts';

/** The latest held event of one (line, origin). */
export interface OriginHead {
  seq: number;
  id: string;
  clock: number;
  depSeqs: Record<string, number>;
}

/** A held event's chain facts, kept for dependency checks before asking the store. */
const RECENT_CACHE_SIZE = 50_000;

export class HeadIndex {
  private readonly heads = new Map<string, Map<string, OriginHead>>();
  private readonly recent = new Map<string, HeldEventInfo>();

  /** The latest held event of (line, origin). */
  get(line: string, origin: string): OriginHead | undefined {
    return this.heads.get(line)?.get(origin);
  }

  /** Every origin's latest event on a line. */
  origins(line: string): ReadonlyMap<string, OriginHead> {
    return this.heads.get(line) ?? new Map();
  }

  /** Whether the line's genesis is held, so members may write on it. */
  isReady(line: string): boolean {
    return (this.heads.get(line)?.size ?? 0) > 0;
  }

  /** line → origin → latest held {seq, id}, for some lines or all (FED5). */
  summary(lineIds?: Iterable<string>): Record<string, Record<string, { seq: number; id: string }>> {
    const summary: Record<string, Record<string, { seq: number; id: string }>> = {};
    const wanted = lineIds ? new Set(lineIds) : null;
    for (const [line, origins] of this.heads) {
      if (wanted && !wanted.has(line)) continue;
      const entry: Record<string, { seq: number; id: string }> = {};
      for (const [origin, head] of origins) entry[origin] = { seq: head.seq, id: head.id };
      summary[line] = entry;
    }
    return summary;
  }

  /** The chain facts of a recently held event, if still cached. */
  cached(id: string): HeldEventInfo | undefined {
    return this.recent.get(id);
  }

  /** Sets the head of (line, origin) (at load). */
  set(line: string, origin: string, head: OriginHead): void {
    let origins = this.heads.get(line);
    if (!origins) {
      origins = new Map();
      this.heads.set(line, origins);
    }
    origins.set(origin, head);
    this.remember(head.id, { line, origin, seq: head.seq, clock: head.clock, depSeqs: head.depSeqs });
  }

  /** Advances the head to `event`, pushing the step that undoes it onto `undo`. */
  advance(event: LiaisonEvent, depSeqs: Record<string, number>, undo: (() => void)[]): void {
    const previous = this.get(event.line, event.origin);
    this.set(event.line, event.origin, { seq: event.seq, id: event.id, clock: event.clock, depSeqs });
    undo.push(() => {
      this.recent.delete(event.id);
      const origins = this.heads.get(event.line);
      if (!origins) return;
      if (previous) origins.set(event.origin, previous);
      else origins.delete(event.origin);
      if (origins.size === 0) this.heads.delete(event.line);
    });
  }

  private remember(id: string, info: HeldEventInfo): void {
    this.recent.set(id, info);
    if (this.recent.size > RECENT_CACHE_SIZE) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }
}
