/**
 * Projections (LOG1): what each event changes in the derived tables. Pure: the same events
 * always give the same rows, so `liaison rebuild` recreates them from the record alone.
 *
 * - `message.posted` → a message row (HOT3), with the deadline the sender stamped (HOT2).
 * - `escalation.raised` → the message's `overdueAt` (HOT3, HOT4), the deadline the step names.
 * - `heads.recorded` → delivery rows: the recording node held (line, origin) up to a seq at a
 *   time (FED3), so `deliveredAt` survives a rebuild.
 *
 * Bodies of peers' events are validated here too: an event with a body this version does not
 * understand stays in the record but projects nothing.
 */
import { isTimestamp } from '../core/event.ts';
import { type LiaisonEvent, PRECEDENCES, type Precedence } from '../core/types.ts';
import type { DeliveryRow, ProjectionOp } from '../store/types.ts';

/** Body of a `heads.recorded` event (FED3). */
export interface HeadsRecordedBody {
  /** origin → latest event held on this line. */
  heads: Record<string, { seq: number; id: string }>;
  /** origin → list of [uptoSeq, arrivedAt]: events up to uptoSeq had arrived by arrivedAt. */
  arrivals: Record<string, [number, string][]>;
}

/** Body of a `message.posted` event. */
export interface MessagePostedBody {
  text: string;
  precedence: Precedence;
  /** Absolute acknowledgement deadline stamped by the sender (HOT2). */
  deadline: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a `message.posted` body, or null when it is not one this version understands. */
export function readMessageBody(body: unknown): MessagePostedBody | null {
  if (!isRecord(body)) return null;
  const { text, precedence, deadline } = body;
  if (typeof text !== 'string') return null;
  if (typeof precedence !== 'string' || !(PRECEDENCES as readonly string[]).includes(precedence)) return null;
  // A real instant, not just its shape: a deadline like 30 February would never fall due (HOT3).
  if (!isTimestamp(deadline)) return null;
  return { text, precedence: precedence as Precedence, deadline };
}

/** Body of `message.seen` and `message.acknowledged`: the message's event id, and an optional reply. */
export interface MessageMarkBody {
  message: string;
  text?: string;
}

/** The message id a `message.seen` or `message.acknowledged` body names, or null. */
export function readMarkTarget(body: unknown): string | null {
  if (!isRecord(body)) return null;
  return typeof body.message === 'string' && /^[A-Za-z0-9_-]{43}$/.test(body.message) ? body.message : null;
}

/** Reads the delivery facts of a `heads.recorded` body. */
export function readDeliveries(event: LiaisonEvent): DeliveryRow[] {
  const arrivals = isRecord(event.body) ? event.body.arrivals : undefined;
  if (!isRecord(arrivals)) return [];
  const rows: DeliveryRow[] = [];
  for (const [origin, entries] of Object.entries(arrivals)) {
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      if (!Array.isArray(entry) || entry.length !== 2) continue;
      const [uptoSeq, at] = entry;
      if (!Number.isSafeInteger(uptoSeq) || (uptoSeq as number) < 1) continue;
      if (!isTimestamp(at)) continue;
      rows.push({ line: event.line, origin, node: event.origin, uptoSeq: uptoSeq as number, at });
    }
  }
  return rows;
}

/** The projection changes one event causes. */
export function projectEvent(event: LiaisonEvent): ProjectionOp[] {
  switch (event.type) {
    case 'message.posted': {
      const body = readMessageBody(event.body);
      if (!body) return [];
      return [
        {
          op: 'message.insert',
          row: {
            id: event.id,
            line: event.line,
            origin: event.origin,
            seq: event.seq,
            author: event.author,
            precedence: body.precedence,
            postedAt: event.ts,
            deadline: body.deadline,
            seenAt: null,
            seenBy: null,
            ackedAt: null,
            ackedBy: null,
            overdueAt: null,
          },
        },
      ];
    }
    case 'message.seen':
    case 'message.acknowledged': {
      const target = readMarkTarget(event.body);
      if (!target) return [];
      const mark = event.type === 'message.seen' ? 'seen' : 'acked';
      return [{ op: 'message.mark', id: target, line: event.line, mark, at: event.ts, by: event.author }];
    }
    case 'heads.recorded':
      return readDeliveries(event).map((row) => ({ op: 'delivery.add', row }));
    case 'escalation.raised': {
      // HOT3/HOT4: an escalation step fixes when the message became overdue (its deadline).
      const target = readMarkTarget(event.body);
      const { overdueAt } = event.body;
      if (!target || !isTimestamp(overdueAt)) return [];
      return [{ op: 'message.update', id: target, patch: { overdueAt } }];
    }
    default:
      return [];
  }
}
