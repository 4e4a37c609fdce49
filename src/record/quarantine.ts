/**
 * Equivocation (LOG9): two different events signed for one (line, origin, seq). The conflicting
 * event is kept as proof outside the record, the alarm is raised, and the origin's events on
 * that line are refused until an admin resolves it.
 */
import type { Clock } from '../core/clock.ts';
import { isoTime } from '../core/clock.ts';
import type { LiaisonEvent } from '../core/types.ts';
import type { Store } from '../store/types.ts';

/** What listeners learn of an equivocation. */
export interface EquivocationAlarm {
  line: string;
  origin: string;
  seq: number;
  peer: string;
}

const key = (line: string, origin: string) => `${line}\u0000${origin}`;

export class Quarantine {
  private readonly quarantined = new Set<string>();
  private readonly listeners = new Set<(alarm: EquivocationAlarm) => void>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: { error(obj: object, msg?: string): void },
  ) {}

  /** Quarantines the origins of the unresolved equivocations in the store. */
  async load(): Promise<void> {
    this.quarantined.clear();
    for (const open of await this.store.listEquivocations())
      this.quarantined.add(key(open.line, open.origin));
  }

  has(line: string, origin: string): boolean {
    return this.quarantined.has(key(line, origin));
  }

  /** Called when an equivocation is detected, for alarms. */
  onEquivocation(listener: (alarm: EquivocationAlarm) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Keeps the proof, quarantines the origin on the line and raises the alarm. */
  async record(conflicting: LiaisonEvent, heldId: string, peer: string): Promise<void> {
    const proof = {
      line: conflicting.line,
      origin: conflicting.origin,
      seq: conflicting.seq,
      heldId,
      conflicting,
      peer,
      detectedAt: isoTime(this.clock.now()),
    };
    try {
      await this.store.addEquivocation(proof);
    } catch (error) {
      this.logger.error({ err: (error as Error).message }, 'could not keep the equivocation proof');
    }
    this.quarantined.add(key(conflicting.line, conflicting.origin));
    for (const listener of this.listeners) listener(proof);
  }

  /**
   * An admin resolves an equivocation: the proof stays, marked resolved, and the origin is
   * accepted again on that line once no other unresolved equivocation names it.
   */
  async resolve(id: number, by: string, resolution: string): Promise<boolean> {
    const isResolved = await this.store.resolveEquivocation(id, by, resolution, isoTime(this.clock.now()));
    if (isResolved) await this.load();
    return isResolved;
  }
}
