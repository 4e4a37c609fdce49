/**
 * Hotline messages (HOT2, HOT3): posting with a precedence and a stamped deadline, and the
 * message state every reader sees.
 *
 * State, in order of precedence: acknowledged (someone acknowledged) → overdue (the deadline
 * passed without acknowledgement) → seen → delivered (every other member node holds it) → sent.
 * Delivered-but-not-acknowledged is silence; not delivered is a technical fault.
 */
import type { Clock } from '../core/clock.ts';
import { isoTime } from '../core/clock.ts';
import { PhrasebookError, type TemplatedBody, templatedBody } from '../core/phrasebook/render.ts';
import type { MessageState, Precedence } from '../core/types.ts';
import { type Ledger, RecordError } from '../record/ledger.ts';
import type { LineRecord, MessageRow, Store, StoredEvent } from '../store/types.ts';

/** A message's state as `GET /api/v1/messages/:id` and the stream show it. */
export interface MessageView {
  id: string;
  line: string;
  precedence: Precedence;
  state: MessageState;
  deliveredAt: string | null;
  deliveredTo: Record<string, string>;
  seenAt: string | null;
  ackedAt: string | null;
  ackedBy: string | null;
  deadline: string;
  overdueAt: string | null;
}

/** Computes the HOT3 state of a message from its row, its deliveries and the line's members. */
export function messageView(
  row: MessageRow,
  deliveries: Record<string, string>,
  members: string[],
  nowMs: number,
): MessageView {
  const recipients = members.filter((m) => m !== row.origin);
  const deliveredTo: Record<string, string> = {};
  for (const node of recipients) {
    const at = deliveries[node];
    if (at) deliveredTo[node] = at;
  }
  const isDelivered = recipients.length > 0 && recipients.every((node) => deliveredTo[node]);
  const deliveredAt = isDelivered ? (Object.values(deliveredTo).sort().at(-1) ?? null) : null;
  const deadlineMs = Date.parse(row.deadline);
  // An escalation step recorded it overdue (HOT4); that stands unless the acknowledgement came
  // by the deadline (the step ran before the acknowledgement arrived). Its value is the deadline.
  const isRecordedOverdue = row.overdueAt !== null && (row.ackedAt === null || row.ackedAt > row.deadline);
  const overdueAt = isRecordedOverdue
    ? row.deadline
    : row.ackedAt === null && nowMs > deadlineMs
      ? row.deadline
      : null;
  let state: MessageState = 'sent';
  if (row.ackedAt) state = 'acknowledged';
  else if (overdueAt) state = 'overdue';
  else if (row.seenAt) state = 'seen';
  else if (isDelivered) state = 'delivered';
  return {
    id: row.id,
    line: row.line,
    precedence: row.precedence,
    state,
    deliveredAt,
    deliveredTo,
    seenAt: row.seenAt,
    ackedAt: row.ackedAt,
    ackedBy: row.ackedBy,
    deadline: row.deadline,
    overdueAt,
  };
}

/** What an author may post: free text, or a phrasebook template with its parameters (HOT6). */
export interface PostInput {
  /** Free text, shown as written; exactly one of `text` and `template`. */
  text?: string;
  /** A phrasebook template id (HOT6), with `params`: every reader renders it in their language. */
  template?: string;
  params?: unknown;
  precedence: Precedence;
  /** Blobs attached (LOG11): names of blobs this node holds, at most MAX_ATTACHMENTS. */
  attachments?: string[];
}

/**
 * The content fields of a `message.posted` body: `{text}` for free text, or the template, its
 * checked parameters and the phrasebook version, with the English rendering as `text` for
 * readers that do not know the template (HOT6).
 */
export function messageContent(input: PostInput): { text: string } | TemplatedBody {
  if (input.template === undefined) {
    if (input.text === undefined)
      throw new RecordError('invalid-message', 'a message needs text or a template');
    return { text: input.text };
  }
  if (input.text !== undefined) {
    throw new RecordError('invalid-message', 'a message has text or a template, not both');
  }
  try {
    return templatedBody(input.template, input.params ?? {});
  } catch (error) {
    if (error instanceof PhrasebookError) throw new RecordError('invalid-template', error.message);
    throw error;
  }
}

export class Hotline {
  constructor(
    private readonly ledger: Ledger,
    private readonly store: Store,
    /** The deadlines the sender stamps: fixed, or per line (HOT2, `LineSettings.effective`). */
    private readonly deadlines: Record<Precedence, number> | ((line: string) => Record<Precedence, number>),
    private readonly clock: Clock,
  ) {}

  /** Whether this node holds a blob (LOG11); set by the node. Without it, attachments are refused. */
  isBlobHeld: ((hash: string) => boolean) | null = null;

  /** Whether a line is closed to new messages (a hotline with an unpaired peer, FED1); set by the node. */
  isLineClosed: ((line: string) => boolean) | null = null;

  /** Appends a `message.posted` event with the deadline stamped by the sender (HOT2). */
  post(line: string, author: string, input: PostInput): Promise<StoredEvent> {
    if (this.isLineClosed?.(line)) {
      return Promise.reject(
        new RecordError('line-closed', `line ${line} is closed: the pairing with its peer was ended`),
      );
    }
    let content: { text: string } | TemplatedBody;
    try {
      content = messageContent(input);
    } catch (error) {
      return Promise.reject(error);
    }
    const deadlines = typeof this.deadlines === 'function' ? this.deadlines(line) : this.deadlines;
    const deadline = isoTime(this.clock.now() + deadlines[input.precedence]);
    // A message names only blobs held here, so its peers can always fetch them from us (FED11).
    const attachments = [...new Set(input.attachments ?? [])];
    const missing = attachments.find((hash) => !this.isBlobHeld?.(hash));
    if (missing !== undefined) {
      return Promise.reject(
        new RecordError(
          'unknown-blob',
          `blob ${missing} is not held here: upload it first (POST /api/v1/blobs)`,
        ),
      );
    }
    return this.ledger.append(line, author, 'message.posted', {
      ...content,
      precedence: input.precedence,
      deadline,
      ...(attachments.length > 0 ? { attachments } : {}),
    });
  }

  /**
   * Acknowledges a peer's message (HOT3): a `message.acknowledged` event on its line, by a
   * person at a receiving node, with an optional reply. Refuses the sender's own node and a
   * second acknowledgement.
   */
  async acknowledge(id: string, author: string, text: string | undefined): Promise<StoredEvent> {
    const row = await this.requireMessage(id);
    if (row.origin === this.ledger.selfId) {
      throw new RecordError(
        'own-message',
        'a message is acknowledged by the desk that received it, not by its sender',
      );
    }
    if (row.ackedAt) {
      throw new RecordError(
        'already-acknowledged',
        `acknowledged already by ${row.ackedBy} at ${row.ackedAt}`,
      );
    }
    const body: { message: string; text?: string } = { message: id };
    if (text) body.text = text;
    return this.ledger.append(row.line, author, 'message.acknowledged', body);
  }

  /**
   * Records that a person at this node opened a peer's message (HOT3 "seen"); a no-op (null)
   * for the node's own messages and for a message this node has already marked seen.
   */
  async markSeen(id: string, author: string): Promise<StoredEvent | null> {
    const row = await this.requireMessage(id);
    if (row.origin === this.ledger.selfId || row.seenAt || row.ackedAt) return null;
    return this.ledger.append(row.line, author, 'message.seen', { message: id });
  }

  private async requireMessage(id: string): Promise<MessageRow> {
    const row = await this.store.getMessage(id);
    if (!row) throw new RecordError('unknown-message', `there is no message ${id}`);
    return row;
  }

  /** The state of one message, or null when no such message is held. */
  async view(id: string): Promise<MessageView | null> {
    const row = await this.store.getMessage(id);
    return row ? this.viewOf(row) : null;
  }

  /** The states of the latest messages of a line. */
  async latest(line: LineRecord, limit: number): Promise<MessageView[]> {
    const rows = await this.store.latestMessages(line.id, limit);
    return Promise.all(rows.map((row) => this.viewOf(row, line)));
  }

  /** States of the messages of (line, origin) with seq in [from, to] (after a delivery). */
  async range(line: string, origin: string, fromSeq: number, toSeq: number): Promise<MessageView[]> {
    const rows = await this.store.messagesBySeqRange(line, origin, fromSeq, toSeq);
    return Promise.all(rows.map((row) => this.viewOf(row)));
  }

  private async viewOf(row: MessageRow, line?: LineRecord): Promise<MessageView> {
    const members = (line ?? this.ledger.getLine(row.line))?.members ?? [];
    const deliveries = await this.store.deliveriesFor(row.line, row.origin, row.seq);
    return messageView(row, deliveries, members, this.clock.now());
  }
}
