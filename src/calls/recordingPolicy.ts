/**
 * Whether a line's calls may be recorded (CALL4). Each member node says so for its own side with
 * a signed `call.policy {recording: "allowed" | "forbidden"}` event on the line, appended by one
 * of its admins; the latest such event of each node in LOG7 order stands. A call may be recorded
 * only while EVERY member node allows it: nobody is recorded without their own side's consent.
 * A node that never said anything forbids.
 *
 * Read once from the record at start and then kept current from each commit; a body that does
 * not read is ignored.
 */
import type { LiaisonEvent } from '../core/types.ts';
import type { CommittedBatch, Ledger } from '../record/ledger.ts';
import type { Store } from '../store/types.ts';

export const CALL_POLICY_TYPE = 'call.policy';
export type RecordingChoice = 'allowed' | 'forbidden';

/** The recording choice of a `call.policy` body, or null when it does not read. */
export function readRecordingChoice(body: unknown): RecordingChoice | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const value = (body as Record<string, unknown>).recording;
  return value === 'allowed' || value === 'forbidden' ? value : null;
}

/** Whether `a` comes after `b` in LOG7 order. */
function isLater(a: LiaisonEvent, b: LiaisonEvent): boolean {
  if (a.clock !== b.clock) return a.clock > b.clock;
  if (a.origin !== b.origin) return a.origin > b.origin;
  return a.seq > b.seq;
}

/** A line's recording policy as the API shows it. */
export interface LinePolicy {
  line: string;
  /** True only when every member node allows recording. */
  recordingAllowed: boolean;
  /** Each member node's own choice (`forbidden` when it never said). */
  byNode: Record<string, RecordingChoice>;
}

export class RecordingPolicy {
  /** line → origin → the latest `call.policy` event of that origin and its choice. */
  private readonly latest = new Map<string, Map<string, { event: LiaisonEvent; choice: RecordingChoice }>>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly ledger: Pick<Ledger, 'onCommitted' | 'getLine'>,
    private readonly store: Pick<Store, 'eventsOfTypes'>,
  ) {}

  async start(): Promise<void> {
    if (this.unsubscribe) return;
    this.unsubscribe = this.ledger.onCommitted((batch: CommittedBatch) => {
      for (const stored of batch.events) this.observe(stored.event);
    });
    for (const stored of await this.store.eventsOfTypes([CALL_POLICY_TYPE])) this.observe(stored.event);
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** The policy of a line now. */
  of(line: string): LinePolicy {
    const members = this.ledger.getLine(line)?.members ?? [];
    const held = this.latest.get(line);
    const byNode: Record<string, RecordingChoice> = {};
    for (const node of members) byNode[node] = held?.get(node)?.choice ?? 'forbidden';
    const recordingAllowed = members.length > 0 && members.every((node) => byNode[node] === 'allowed');
    return { line, recordingAllowed, byNode };
  }

  private observe(event: LiaisonEvent): void {
    if (event.type !== CALL_POLICY_TYPE) return;
    const choice = readRecordingChoice(event.body);
    if (!choice) return;
    let byOrigin = this.latest.get(event.line);
    if (!byOrigin) {
      byOrigin = new Map();
      this.latest.set(event.line, byOrigin);
    }
    const before = byOrigin.get(event.origin);
    if (!before || isLater(event, before.event)) byOrigin.set(event.origin, { event, choice });
  }
}
