/**
 * The duty roster and handovers (HOT5): who holds each node's duty desk now, since when, and how
 * the desk changed hands — all read from the record.
 *
 * One desk per node. Its changes are events appended by that node on every hotline it shares
 * (ready and not closed), so each peer sees who holds the other desk; a node with no hotline yet
 * appends them on its local line. The copies of one change carry the same `change` id.
 *
 * Bodies:
 * - `duty.taken` `{change, n, holder, previous}`: `holder` (`user@node`) takes the desk; the author
 *   is the holder. `previous` is who held it before (null when nobody did). Taking the desk from
 *   someone does not hand anything over.
 * - `duty.handed-over` `{change, n, from, to, note?, openItems, more?}`: `from` hands the desk to
 *   `to`; the author is `from`, or a supervisor or admin handing over for an absent holder.
 *   `openItems` are the open items of the event's own line when the desk changed hands (a copy
 *   on another line lists that line's), at most MAX_OPEN_ITEMS per line, `more` counting the
 *   rest:
 *   - `to-acknowledge`: a message of another node on the line that is not acknowledged yet;
 *   - `awaiting-peer`: a message of this node still awaiting the peer's acknowledgement.
 *
 * Every name in a body must be a user of the event's origin node: a peer cannot name who holds
 * another node's desk. A body that does not read is ignored (it stays in the record).
 *
 * Order: `n` numbers the changes of one desk from 1 (one more than the change it follows, so two
 * changes within one millisecond keep their order); a desk's changes are ordered by `n`, then
 * `ts` (that node's own clock), then change id, and the latest gives the holder. Nothing is kept beside the record, so `liaison rebuild` and a
 * restore leave the roster as the events say.
 */
import { randomBytes } from 'node:crypto';
import { type JsonObject, PRECEDENCES, type Precedence, USER_NAME_PATTERN } from '../core/types.ts';
import type { Ledger } from '../record/ledger.ts';
import type { LineRecord, Store, StoredEvent } from '../store/types.ts';

/** Someone takes the desk. */
export const DUTY_TAKEN = 'duty.taken';
/** The desk is handed to the next officer, with the open items. */
export const DUTY_HANDED_OVER = 'duty.handed-over';
/** The event types of the roster. */
export const DUTY_TYPES = [DUTY_TAKEN, DUTY_HANDED_OVER] as const;
/** At most this many open items are listed per line in a handover (LOG11 keeps bodies small). */
export const MAX_OPEN_ITEMS = 200;
/** How many of a line's latest messages are searched for open items. */
export const OPEN_ITEMS_SCAN = 2_000;
/** How many changes of a desk `GET /duty` lists. */
export const HISTORY_LIMIT = 50;

const CHANGE_ID = /^[A-Za-z0-9_-]{8,64}$/;
const EVENT_ID = /^[A-Za-z0-9_-]{43}$/;

/** One message open when the desk changed hands. */
export interface OpenItem {
  message: string;
  line: string;
  origin: string;
  precedence: Precedence;
  postedAt: string;
  deadline: string;
  kind: 'to-acknowledge' | 'awaiting-peer';
}

/** One change of a desk, read from one or more copies of its event. */
export interface DutyChange {
  change: string;
  /** The change's number on its desk, from 1. */
  n: number;
  kind: 'taken' | 'handed-over';
  /** The node whose desk it is: the events' origin. */
  node: string;
  at: string;
  /** Who appended it. */
  by: string;
  /** Who held the desk before: `previous` or `from`. */
  from: string | null;
  /** Who holds the desk after. */
  to: string;
  note: string | null;
  openItems: OpenItem[];
  /** Open items left out of the bodies for their size. */
  more: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `value` names a user of `node`: `name@node`. */
export function isUserOf(value: unknown, node: string): value is string {
  if (typeof value !== 'string' || !value.endsWith(`@${node}`)) return false;
  return USER_NAME_PATTERN.test(value.slice(0, value.length - node.length - 1));
}

function readOpenItem(value: unknown, line: string): OpenItem | null {
  if (!isRecord(value)) return null;
  const { message, origin, precedence, postedAt, deadline, kind } = value;
  if (typeof message !== 'string' || !EVENT_ID.test(message)) return null;
  if (typeof origin !== 'string' || !/^[a-z0-9-]{1,32}$/.test(origin)) return null;
  if (!PRECEDENCES.some((p) => p === precedence)) return null;
  if (typeof postedAt !== 'string' || typeof deadline !== 'string') return null;
  if (kind !== 'to-acknowledge' && kind !== 'awaiting-peer') return null;
  return { message, line, origin, precedence: precedence as Precedence, postedAt, deadline, kind };
}

/** Reads a roster event, or null when it is not one or its body does not read. */
export function readDutyChange(event: StoredEvent['event']): DutyChange | null {
  if (event.type !== DUTY_TAKEN && event.type !== DUTY_HANDED_OVER) return null;
  const body = event.body;
  if (!isRecord(body) || typeof body.change !== 'string' || !CHANGE_ID.test(body.change)) return null;
  if (!Number.isSafeInteger(body.n) || (body.n as number) < 1) return null;
  const node = event.origin;
  const base = { change: body.change, n: body.n as number, node, at: event.ts, by: event.author };
  if (event.type === DUTY_TAKEN) {
    if (!isUserOf(body.holder, node) || event.author !== body.holder) return null;
    if (body.previous !== null && !isUserOf(body.previous, node)) return null;
    const from = body.previous;
    return { ...base, kind: 'taken', from, to: body.holder, note: null, openItems: [], more: 0 };
  }
  if (!isUserOf(body.from, node) || !isUserOf(body.to, node)) return null;
  if (body.note !== undefined && (typeof body.note !== 'string' || body.note.length > 2000)) return null;
  if (!Array.isArray(body.openItems) || body.openItems.length > MAX_OPEN_ITEMS) return null;
  const openItems = body.openItems.map((item) => readOpenItem(item, event.line));
  if (openItems.some((item) => item === null)) return null;
  const more = Number.isSafeInteger(body.more) && (body.more as number) > 0 ? (body.more as number) : 0;
  return {
    ...base,
    kind: 'handed-over',
    from: body.from,
    to: body.to,
    note: typeof body.note === 'string' && body.note !== '' ? body.note : null,
    openItems: openItems as OpenItem[],
    more,
  };
}

/** One node's desk as `GET /api/v1/duty` shows it. */
export interface DeskView {
  node: string;
  holder: string | null;
  since: string | null;
  /** The desk's changes, newest first, at most HISTORY_LIMIT. */
  history: DutyChange[];
}

/**
 * Each node's desk from roster events (any order, copies included): the copies of one change
 * are merged (their open items joined), then each node's changes are ordered by time.
 */
export function computeDesks(events: readonly StoredEvent['event'][]): Map<string, DeskView> {
  const changes = new Map<string, DutyChange>();
  for (const event of events) {
    const read = readDutyChange(event);
    if (read === null) continue;
    const key = `${read.node} ${read.change}`;
    const held = changes.get(key);
    if (held === undefined) changes.set(key, read);
    else if (held.kind === read.kind && held.to === read.to) {
      // Another line's copy of the same change: its open items are that line's.
      const known = new Set(held.openItems.map((item) => item.message));
      held.openItems.push(...read.openItems.filter((item) => !known.has(item.message)));
      held.more += read.more;
    }
  }
  const byNode = new Map<string, DutyChange[]>();
  for (const change of changes.values()) {
    const list = byNode.get(change.node) ?? [];
    list.push(change);
    byNode.set(change.node, list);
  }
  const desks = new Map<string, DeskView>();
  for (const [node, list] of byNode) {
    list.sort((a, b) => b.n - a.n || (a.at === b.at ? (a.change < b.change ? 1 : -1) : a.at < b.at ? 1 : -1));
    const latest = list[0];
    desks.set(node, {
      node,
      holder: latest?.to ?? null,
      since: latest?.at ?? null,
      history: list.slice(0, HISTORY_LIMIT),
    });
  }
  return desks;
}

/**
 * The open items of one line for a handover: the latest OPEN_ITEMS_SCAN messages not yet
 * acknowledged, oldest first, at most MAX_OPEN_ITEMS; `more` counts the rest.
 */
export async function openItemsOf(
  store: Store,
  line: string,
  selfId: string,
): Promise<{ items: OpenItem[]; more: number }> {
  const rows = (await store.latestMessages(line, OPEN_ITEMS_SCAN)).filter((row) => row.ackedAt === null);
  const items = rows.map(
    (row): OpenItem => ({
      message: row.id,
      line,
      origin: row.origin,
      precedence: row.precedence,
      postedAt: row.postedAt,
      deadline: row.deadline,
      kind: row.origin === selfId ? 'awaiting-peer' : 'to-acknowledge',
    }),
  );
  // The most urgent are the oldest: keep them when there are too many.
  return { items: items.slice(0, MAX_OPEN_ITEMS), more: Math.max(0, items.length - MAX_OPEN_ITEMS) };
}

/** A refused roster change, with the reason the API reports. */
export class RosterError extends Error {
  constructor(
    readonly code: 'already-on-duty' | 'desk-empty' | 'not-desk-holder' | 'no-line',
    message: string,
  ) {
    super(message);
    this.name = 'RosterError';
  }
}

/** What the desk needs of the node. */
export interface DutyDeskDeps {
  ledger: Ledger;
  store: Store;
  /** Whether a line is closed to appends (a hotline whose pairing ended). */
  isLineClosed?: ((line: string) => boolean) | null;
}

/**
 * This node's duty desk: takes and hands it over as events, and reads every desk from the
 * roster events held. The events are read once, then followed as they are committed.
 */
export class DutyDesk {
  private readonly events = new Map<string, StoredEvent['event']>();
  private loaded: Promise<void> | null = null;
  /** Changes of this desk run one at a time, so each sees the holder the last one left. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: DutyDeskDeps) {
    deps.ledger.onCommitted((batch) => {
      for (const stored of batch.events) this.keep(stored.event);
    });
  }

  private keep(event: StoredEvent['event']): void {
    if (event.type === DUTY_TAKEN || event.type === DUTY_HANDED_OVER) this.events.set(event.id, event);
  }

  private load(): Promise<void> {
    this.loaded ??= this.deps.store.eventsOfTypes(DUTY_TYPES).then(
      (stored) => {
        for (const { event } of stored) this.keep(event);
      },
      (error: unknown) => {
        this.loaded = null;
        throw error;
      },
    );
    return this.loaded;
  }

  /** Every node's desk known here (this node's first, then the others by id). */
  async desks(): Promise<DeskView[]> {
    await this.load();
    const { ledger } = this.deps;
    const desks = computeDesks([...this.events.values()]);
    const nodes = new Set<string>([ledger.selfId]);
    for (const line of ledger.listLines()) {
      if (line.kind === 'hotline' && line.members.includes(ledger.selfId))
        for (const member of line.members) nodes.add(member);
    }
    for (const node of desks.keys()) nodes.add(node);
    const ordered = [...nodes].sort((a, b) =>
      a === ledger.selfId ? -1 : b === ledger.selfId ? 1 : a < b ? -1 : 1,
    );
    return ordered.map((node) => desks.get(node) ?? { node, holder: null, since: null, history: [] });
  }

  /** This node's desk. */
  async ownDesk(): Promise<DeskView> {
    const [own] = await this.desks();
    if (own === undefined) throw new Error('no desk for this node');
    return own;
  }

  /** The lines a change is appended on: every shared hotline, else the local line. */
  lines(): LineRecord[] {
    const { ledger, isLineClosed } = this.deps;
    const hotlines = ledger
      .listLines()
      .filter(
        (line) =>
          line.kind === 'hotline' &&
          line.members.includes(ledger.selfId) &&
          ledger.isReady(line.id) &&
          !isLineClosed?.(line.id),
      )
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    if (hotlines.length > 0) return hotlines;
    return ledger.listLines().filter((line) => line.kind === 'local');
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** `holder` takes this node's desk; resolves with the durable events (LOG10). */
  take(holder: string): Promise<StoredEvent[]> {
    return this.serially(async () => {
      const desk = await this.ownDesk();
      if (desk.holder === holder)
        throw new RosterError('already-on-duty', `${holder} holds the desk already`);
      const change = randomBytes(12).toString('base64url');
      const n = (desk.history[0]?.n ?? 0) + 1;
      return this.appendEverywhere(DUTY_TAKEN, holder, () => ({ change, n, holder, previous: desk.holder }));
    });
  }

  /**
   * Hands this node's desk to `to` with the open items of each line. `by` must hold the desk
   * unless `mayReassign` (a supervisor or admin handing over for an absent holder).
   */
  handOver(by: string, to: string, note: string | undefined, mayReassign: boolean): Promise<StoredEvent[]> {
    return this.serially(async () => {
      const desk = await this.ownDesk();
      const from = desk.holder;
      if (from === null) throw new RosterError('desk-empty', 'nobody holds the desk: take it instead');
      if (from !== by && !mayReassign)
        throw new RosterError(
          'not-desk-holder',
          `${from} holds the desk: only they or a supervisor may hand it over`,
        );
      if (from === to) throw new RosterError('already-on-duty', `${to} holds the desk already`);
      const change = randomBytes(12).toString('base64url');
      const n = (desk.history[0]?.n ?? 0) + 1;
      const perLine = new Map<string, { items: OpenItem[]; more: number }>();
      for (const line of this.lines())
        perLine.set(line.id, await openItemsOf(this.deps.store, line.id, this.deps.ledger.selfId));
      return this.appendEverywhere(DUTY_HANDED_OVER, by, (line) => {
        const open = perLine.get(line) ?? { items: [], more: 0 };
        const body: JsonObject = {
          change,
          n,
          from,
          to,
          // Each copy lists its own line's items; the line is the event's, so it is not repeated.
          openItems: open.items.map(({ line: _line, ...item }) => ({ ...item })),
        };
        if (note !== undefined && note !== '') body.note = note;
        if (open.more > 0) body.more = open.more;
        return body;
      });
    });
  }

  private async appendEverywhere(
    type: string,
    author: string,
    bodyFor: (line: string) => JsonObject,
  ): Promise<StoredEvent[]> {
    const lines = this.lines();
    if (lines.length === 0)
      throw new RosterError('no-line', 'this node has no line to record the duty on yet');
    const stored = await Promise.all(
      lines.map((line) => this.deps.ledger.append(line.id, author, type, bodyFor(line.id))),
    );
    for (const { event } of stored) this.keep(event);
    return stored;
  }
}
