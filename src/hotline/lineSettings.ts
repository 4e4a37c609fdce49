/**
 * Acknowledgement deadlines per line (HOT2). An admin of any member node sets them with a signed
 * `line.settings` event on the line, `{ackDeadlinesMs: {FLASH?: ms, IMMEDIATE?: ms, …}}`, so every
 * member sees the same settings and who set them; the latest such event in LOG7 order wins on
 * every node, and a precedence it leaves out falls back to the node's own deadline.
 *
 * What the sender stamps into a message, first found wins:
 * 1. the line's setting for the precedence (the latest `line.settings` on the line);
 * 2. the node's `ackDeadlines` (`LIAISON_ACK_DEADLINES` over `config.json`);
 * 3. the defaults: FLASH 10 min, IMMEDIATE 30 min, PRIORITY 3 h, ROUTINE 6 h.
 *
 * Settings are read once from the record at start (a scan of each shared line) and then kept
 * current from each commit.
 */
import type { JsonObject, LiaisonEvent, Precedence } from '../core/types.ts';
import { PRECEDENCES } from '../core/types.ts';
import type { CommittedBatch, Ledger } from '../record/ledger.ts';
import type { Store, StoredEvent } from '../store/types.ts';

/** The event type of a line's settings. */
export const LINE_SETTINGS_TYPE = 'line.settings';
/** A deadline is at least a second and at most thirty days. */
export const MIN_DEADLINE_MS = 1000;
export const MAX_DEADLINE_MS = 30 * 86_400_000;

/** Line deadlines for some precedences, in ms. */
export type LineDeadlines = Partial<Record<Precedence, number>>;

/** The deadlines of a `line.settings` body, or null when it is not one this version reads. */
export function readLineDeadlines(body: JsonObject): LineDeadlines | null {
  const raw = body.ackDeadlinesMs;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const result: LineDeadlines = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!(PRECEDENCES as readonly string[]).includes(key)) return null;
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) return null;
    if (value < MIN_DEADLINE_MS || value > MAX_DEADLINE_MS) return null;
    result[key as Precedence] = value;
  }
  return result;
}

/** Whether event `a` comes after `b` in LOG7 order (clock, origin, seq). */
function isLater(a: LiaisonEvent, b: LiaisonEvent): boolean {
  if (a.clock !== b.clock) return a.clock > b.clock;
  if (a.origin !== b.origin) return a.origin > b.origin;
  return a.seq > b.seq;
}

/** Where one effective deadline comes from. */
export type DeadlineSource = 'line' | 'node';

/** The deadlines of each line, from its latest `line.settings` event. */
export class LineSettings {
  private readonly latest = new Map<string, { event: LiaisonEvent; deadlines: LineDeadlines }>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly ledger: Ledger,
    private readonly store: Store,
    private readonly nodeDeadlines: Record<Precedence, number>,
  ) {}

  /** Reads the settings already in the record, then follows new commits. */
  async start(): Promise<void> {
    if (this.unsubscribe) return;
    this.unsubscribe = this.ledger.onCommitted((batch: CommittedBatch) => {
      for (const stored of batch.events) this.observe(stored);
    });
    for (const line of this.ledger.listLines()) {
      if (line.kind === 'local') continue;
      for await (const stored of this.store.eventsInOrder(line.id)) this.observe(stored);
    }
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private observe(stored: StoredEvent): void {
    const { event } = stored;
    if (event.type !== LINE_SETTINGS_TYPE) return;
    const deadlines = readLineDeadlines(event.body);
    if (!deadlines) return;
    const held = this.latest.get(event.line);
    if (held && !isLater(event, held.event)) return;
    this.latest.set(event.line, { event, deadlines });
  }

  /** What the line itself sets (possibly nothing), with the event that set it. */
  lineDeadlines(line: string): { deadlines: LineDeadlines; setBy: string | null; setAt: string | null } {
    const held = this.latest.get(line);
    return held
      ? { deadlines: { ...held.deadlines }, setBy: held.event.author, setAt: held.event.ts }
      : { deadlines: {}, setBy: null, setAt: null };
  }

  /** The deadline the sender stamps for each precedence on `line`, in ms. */
  effective(line: string): Record<Precedence, number> {
    const own = this.latest.get(line)?.deadlines ?? {};
    const result = { ...this.nodeDeadlines };
    for (const p of PRECEDENCES) {
      const value = own[p];
      if (value !== undefined) result[p] = value;
    }
    return result;
  }

  /** Where each effective deadline of `line` comes from. */
  sources(line: string): Record<Precedence, DeadlineSource> {
    const own = this.latest.get(line)?.deadlines ?? {};
    const result = {} as Record<Precedence, DeadlineSource>;
    for (const p of PRECEDENCES) result[p] = own[p] === undefined ? 'node' : 'line';
    return result;
  }
}
