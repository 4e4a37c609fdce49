/**
 * Drills (FED8): every `drillIntervalMs` (an hour by default) this node appends `drill.sent`
 * on each hotline it belongs to; every other member answers it automatically with
 * `drill.answered`. Both are ordinary events, so they travel, are signed and verify like any.
 *
 * Bodies:
 * - `drill.sent` `{drill}`: a random id; author = the node id, or `user@node` when a duty
 *   officer ran it by hand (`POST /api/v1/drills`).
 * - `drill.answered` `{drill, sentEvent}`: `sentEvent` is the id of the `drill.sent` event;
 *   author = the answering node's id.
 *
 * Answers: a node answers a `drill.sent` of another origin when it arrives (a commit with a
 * non-zero arrival, so a re-sent duplicate is not answered again), once per drill (remembered in
 * memory). At start it also answers the drills among the last 2,000 events of each line that
 * arrived less than 5 minutes ago and that its own record shows unanswered, so a restart between
 * arrival and answer does not lose the answer. A drill can still be answered twice — when its
 * first answer lies beyond those 2,000 events, or was lost with a restore from an older backup —
 * and results then take the first answer in LOG7 order.
 *
 * A closed hotline (FED1: its peer is unpaired) gets no drills and answers none: nothing on it
 * reaches the peer until the pairing is restored, and a drill nobody can answer only adds
 * `missed` entries to the reliability report. Drills resume when the hotline reopens.
 *
 * Results (`listDrills`) are computed from the record: `answered`, `pending`, or `missed` (no
 * answer 5 minutes after the drill arrived here, on this node's clock). The round trip is read on
 * the sender's clock only — from the drill's `ts` to when the answer arrived back at the sender
 * (the sender's delivery time for it, from its `heads.recorded` or its receipt; at the sender,
 * before either exists, the answer's local arrival time, which is what they will say) — so
 * skew between the nodes' clocks does not enter it and both sides compute the same figure.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import type { Ledger, Logger } from '../record/ledger.ts';
import type { Store, StoredEvent } from '../store/types.ts';

/** A drill without an answer this long after it arrived is missed. */
export const DRILL_MISSED_AFTER_MS = 5 * 60_000;
/** How many of a line's latest events are read for drills (results and answers at start). */
export const DRILL_SCAN_EVENTS = 2_000;

const DRILL_ID = /^[A-Za-z0-9_-]{1,64}$/;
const EVENT_ID = /^[A-Za-z0-9_-]{43}$/;

/** One drill as `GET /api/v1/drills` shows it. */
export interface DrillView {
  drill: string;
  line: string;
  /** The node that sent it. */
  sentBy: string;
  /** The id of the `drill.sent` event. */
  sentEvent: string;
  /** Its `ts` (the sender's clock). */
  sentAt: string;
  /** The first node to answer, in LOG7 order, or null. */
  answeredBy: string | null;
  /** The answer's `ts` (the answering node's clock). */
  answeredAt: string | null;
  /** From `sentAt` to the answer's arrival back at the sender, on the sender's clock. */
  roundTripMs: number | null;
  state: 'answered' | 'pending' | 'missed';
}

/** The drill id of a `drill.sent` body, or null when it is not one. */
export function readDrillSent(event: { type: string; body: Record<string, unknown> }): string | null {
  if (event.type !== 'drill.sent') return null;
  const { drill } = event.body;
  return typeof drill === 'string' && DRILL_ID.test(drill) ? drill : null;
}

/** The `drill.sent` event id a `drill.answered` body names, or null. */
export function readDrillAnswer(event: { type: string; body: Record<string, unknown> }): string | null {
  if (event.type !== 'drill.answered') return null;
  const { sentEvent } = event.body;
  return typeof sentEvent === 'string' && EVENT_ID.test(sentEvent) ? sentEvent : null;
}

/** Appends a `drill.sent` with a fresh id on `line`; resolves once it is durable. */
export function sendDrill(
  ledger: Ledger,
  line: string,
  author: string = ledger.selfId,
): Promise<StoredEvent> {
  return ledger.append(line, author, 'drill.sent', { drill: randomBytes(9).toString('base64url') });
}

export interface DrillsOptions {
  ledger: Ledger;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** How often to drill each hotline; 0 sends none (answers are still given). */
  intervalMs: number;
  /** Whether a hotline is closed (FED1, `Pairings.isLineClosed`): no drills, no answers there. */
  isLineClosed?: (lineId: string) => boolean;
}

/** Sends drills on a timer and answers the other members' drills. */
export class Drills {
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  /** Ids of `drill.sent` events answered (or being answered) by this node. */
  private readonly answered = new Set<string>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly options: DrillsOptions) {}

  /** Starts answering (first the drills that arrived shortly before a restart) and the timer. */
  start(): void {
    if (this.unsubscribe) return;
    const { ledger } = this.options;
    this.unsubscribe = ledger.onCommitted((batch) => {
      for (const stored of batch.events) {
        if (stored.arrival > 0) this.answer(stored);
      }
    });
    this.track(this.answerRecent());
    if (this.options.intervalMs > 0) {
      this.timer = setInterval(() => this.track(this.runNow()), this.options.intervalMs);
      this.timer.unref();
    }
  }

  /** Stops the timer and the answers; waits for appends in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.idle();
  }

  /** Resolves when every append started so far has finished (tests). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
  }

  /** Sends one drill on each ready, open hotline this node belongs to; failures are logged. */
  async runNow(): Promise<StoredEvent[]> {
    const { ledger, logger } = this.options;
    const hotlines = ledger
      .listLines()
      .filter(
        (l) =>
          l.kind === 'hotline' &&
          l.members.includes(ledger.selfId) &&
          ledger.isReady(l.id) &&
          !this.isClosed(l.id),
      );
    const sent: StoredEvent[] = [];
    for (const line of hotlines) {
      try {
        sent.push(await sendDrill(ledger, line.id));
      } catch (error) {
        logger.warn({ err: (error as Error).message, line: line.id }, 'could not send a drill');
      }
    }
    return sent;
  }

  private isClosed(lineId: string): boolean {
    return this.options.isLineClosed?.(lineId) ?? false;
  }

  private track(work: Promise<unknown>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  /** Answers a peer's `drill.sent` on a line this node belongs to, once. */
  private answer(stored: StoredEvent): void {
    const { ledger, logger } = this.options;
    const { event } = stored;
    const drill = readDrillSent(event);
    if (drill === null || event.origin === ledger.selfId || this.answered.has(event.id)) return;
    const line = ledger.getLine(event.line);
    if (!line || line.kind === 'local' || !line.members.includes(ledger.selfId)) return;
    if (this.isClosed(line.id)) return;
    this.answered.add(event.id);
    this.track(
      ledger
        .append(event.line, ledger.selfId, 'drill.answered', { drill, sentEvent: event.id })
        .catch((error: Error) => {
          // Not answered after all: a later arrival or restart may try again.
          this.answered.delete(event.id);
          logger.warn({ err: error.message, line: event.line, drill }, 'could not answer a drill');
        }),
    );
  }

  /** Answers the recent drills of others that the record shows unanswered by this node. */
  private async answerRecent(): Promise<void> {
    const { ledger, store, clock, logger } = this.options;
    try {
      for (const line of ledger.listLines()) {
        if (line.kind === 'local' || !line.members.includes(ledger.selfId)) continue;
        const events = await store.latestEvents(line.id, DRILL_SCAN_EVENTS);
        const answeredHere = new Set<string>();
        for (const { event } of events) {
          const sentEvent = event.origin === ledger.selfId ? readDrillAnswer(event) : null;
          if (sentEvent) answeredHere.add(sentEvent);
        }
        for (const stored of events) {
          if (answeredHere.has(stored.event.id)) continue;
          if (clock.now() - Date.parse(stored.receivedAt) > DRILL_MISSED_AFTER_MS) continue;
          this.answer(stored);
        }
      }
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'could not look for unanswered drills');
    }
  }
}

/**
 * The latest `limit` drills of the given lines, computed from the record: newest first in this
 * node's arrival order (not by `ts`, which skewed clocks would reorder).
 */
export async function listDrills(
  store: Store,
  lines: string[],
  options: { limit: number; now: number; selfId: string },
): Promise<DrillView[]> {
  const views: { view: DrillView; arrival: number }[] = [];
  for (const line of lines) {
    const events = await store.latestEvents(line, DRILL_SCAN_EVENTS);
    const answers = new Map<string, StoredEvent>();
    for (const stored of events) {
      const sentEvent = readDrillAnswer(stored.event);
      // LOG7 order: the first answer seen is the first answer.
      if (sentEvent && !answers.has(sentEvent)) answers.set(sentEvent, stored);
    }
    const sent = events.filter((stored) => readDrillSent(stored.event) !== null).slice(-options.limit);
    for (const stored of sent) {
      const view = await drillView(store, stored, answers.get(stored.event.id), options);
      views.push({ view, arrival: stored.arrival });
    }
  }
  views.sort((a, b) => b.arrival - a.arrival);
  return views.slice(0, options.limit).map(({ view }) => view);
}

async function drillView(
  store: Store,
  sent: StoredEvent,
  answer: StoredEvent | undefined,
  { now, selfId }: { now: number; selfId: string },
): Promise<DrillView> {
  const { event } = sent;
  const base = {
    drill: readDrillSent(event) ?? '',
    line: event.line,
    sentBy: event.origin,
    sentEvent: event.id,
    sentAt: event.ts,
  };
  if (!answer) {
    const isMissed = now - Date.parse(sent.receivedAt) > DRILL_MISSED_AFTER_MS;
    return {
      ...base,
      answeredBy: null,
      answeredAt: null,
      roundTripMs: null,
      state: isMissed ? 'missed' : 'pending',
    };
  }
  const deliveries = await store.deliveriesFor(event.line, answer.event.origin, answer.event.seq);
  // At the sender, its own arrival time is the figure its heads.recorded will put in the record.
  const arrivedBack = deliveries[event.origin] ?? (event.origin === selfId ? answer.receivedAt : null);
  return {
    ...base,
    answeredBy: answer.event.origin,
    answeredAt: answer.event.ts,
    roundTripMs: arrivedBack === null ? null : Math.max(0, Date.parse(arrivedBack) - Date.parse(event.ts)),
    state: 'answered',
  };
}
