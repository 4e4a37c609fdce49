/**
 * `commit` over Kysely (STO1, LOG1, FED4, LOG9), for any dialect, run inside the write
 * transaction the store opens:
 *
 * 1. one query (per chunk of events) finds which of the batch's ids and (line, origin, seq)
 *    slots are held; held ids are skipped (arrival 0), a slot held under another id throws
 *    StoreConflictError before anything is written;
 * 2. one multi-row INSERT … RETURNING per chunk adds the new events, in batch order, so their
 *    arrival numbers rise in that order (LOG7);
 * 3. the projection ops run in order, each run of consecutive inserts of one kind as one
 *    statement per chunk.
 *
 * Any throw rolls the whole transaction back.
 */
import type { Kysely, Updateable } from 'kysely';
import type { LiaisonEvent } from '../core/types.ts';
import { StoreConflictError, StoreIntegrityError } from './errors.ts';
import type { StoreLogger } from './kysely-store.ts';
import { eventRow, messageRow } from './rows.ts';
import type { Database, MessagesTable } from './schema.ts';
import type { CommitBatch, DeliveryRow, MessageRow, ProjectionOp } from './types.ts';

/** What a commit needs from its store. */
export interface CommitContext {
  /** Most parameters one statement may bind. */
  maxParameters: number;
  logger?: StoreLogger;
}

type MessagePatch = Extract<ProjectionOp, { op: 'message.update' }>['patch'];

/** Splits `items` into chunks of at most `size` (statements bind a limited number of parameters). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

function slotKey(line: string, origin: string, seq: number): string {
  return `${line}\u0000${origin}\u0000${seq}`;
}

/**
 * Writes `batch` on `trx`, which must be a write transaction; returns each event's arrival
 * number, 0 for an event already held or repeated in the batch.
 */
export async function commitInTransaction(
  trx: Kysely<Database>,
  batch: CommitBatch,
  context: CommitContext,
): Promise<number[]> {
  const fresh = await freshEvents(trx, batch.events, context);
  const arrivals = await insertEvents(trx, [...fresh.values()], batch.receivedAt, context);
  const batchClocks = new Map(batch.events.map((event) => [event.id, event.clock]));
  await applyOps(trx, batch.ops, batchClocks, context);
  return batch.events.map((event, index) => (fresh.has(index) ? (arrivals.get(event.id) ?? 0) : 0));
}

/**
 * The batch's events to insert, by index in the batch: not held and not repeated earlier in
 * the batch (FED4). Throws StoreConflictError when one takes a slot held by another id (LOG9).
 */
async function freshEvents(
  trx: Kysely<Database>,
  events: readonly LiaisonEvent[],
  context: CommitContext,
): Promise<Map<number, LiaisonEvent>> {
  const heldIds = new Set<string>();
  const slots = new Map<string, string>();
  // Per event at most: its id, its seq, and its (line, origin) pair.
  for (const chunk of chunks(events, Math.floor(context.maxParameters / 4))) {
    const groups = new Map<string, { line: string; origin: string; seqs: number[] }>();
    for (const event of chunk) {
      const key = slotKey(event.line, event.origin, 0);
      const group = groups.get(key) ?? { line: event.line, origin: event.origin, seqs: [] };
      group.seqs.push(event.seq);
      groups.set(key, group);
    }
    const held = await trx
      .selectFrom('events')
      .select(['id', 'line', 'origin', 'seq'])
      .where((eb) =>
        eb.or([
          eb(
            'id',
            'in',
            chunk.map((event) => event.id),
          ),
          ...[...groups.values()].map((group) =>
            eb.and([
              eb('line', '=', group.line),
              eb('origin', '=', group.origin),
              eb('seq', 'in', group.seqs),
            ]),
          ),
        ]),
      )
      .execute();
    for (const row of held) {
      heldIds.add(row.id);
      slots.set(slotKey(row.line, row.origin, Number(row.seq)), row.id);
    }
  }
  const fresh = new Map<number, LiaisonEvent>();
  events.forEach((event, index) => {
    if (heldIds.has(event.id)) return;
    const key = slotKey(event.line, event.origin, event.seq);
    const slotId = slots.get(key);
    if (slotId !== undefined)
      throw new StoreConflictError(event.line, event.origin, event.seq, slotId, event.id);
    heldIds.add(event.id);
    slots.set(key, event.id);
    fresh.set(index, event);
  });
  return fresh;
}

/** Inserts events in order; returns id → arrival. */
async function insertEvents(
  trx: Kysely<Database>,
  events: readonly LiaisonEvent[],
  receivedAt: string,
  context: CommitContext,
): Promise<Map<string, number>> {
  const arrivals = new Map<string, number>();
  for (const chunk of chunks(events, Math.floor(context.maxParameters / 8))) {
    const rows = await trx
      .insertInto('events')
      .values(chunk.map((event) => eventRow(event, receivedAt)))
      .returning(['id', 'arrival'])
      .execute();
    for (const row of rows) arrivals.set(row.id, Number(row.arrival));
  }
  return arrivals;
}

/** Applies ops in order; a run of inserts of one kind goes in one statement per chunk. */
async function applyOps(
  trx: Kysely<Database>,
  ops: readonly ProjectionOp[],
  batchClocks: ReadonlyMap<string, number>,
  context: CommitContext,
): Promise<void> {
  let index = 0;
  while (index < ops.length) {
    const op = ops[index];
    if (op === undefined) break;
    if (op.op === 'message.update') {
      await updateMessage(trx, op.id, op.patch, context);
      index += 1;
      continue;
    }
    if (op.op === 'message.mark') {
      await markMessage(trx, op);
      index += 1;
      continue;
    }
    let end = index;
    while (ops[end]?.op === op.op) end += 1;
    const run = ops.slice(index, end);
    if (op.op === 'message.insert') {
      const rows = run.flatMap((item) => (item.op === 'message.insert' ? [item.row] : []));
      await insertMessages(trx, rows, batchClocks, context);
    } else {
      const rows = run.flatMap((item) => (item.op === 'delivery.add' ? [item.row] : []));
      await addDeliveries(trx, rows, context);
    }
    index = end;
  }
}

/** Inserts the message rows not yet present, each with its event's clock (for LOG7 order). */
async function insertMessages(
  trx: Kysely<Database>,
  messages: readonly MessageRow[],
  batchClocks: ReadonlyMap<string, number>,
  context: CommitContext,
): Promise<void> {
  const clocks = new Map(batchClocks);
  const unknown = [...new Set(messages.map((message) => message.id))].filter((id) => !clocks.has(id));
  for (const chunk of chunks(unknown, context.maxParameters)) {
    const rows = await trx.selectFrom('events').select(['id', 'clock']).where('id', 'in', chunk).execute();
    for (const row of rows) clocks.set(row.id, Number(row.clock));
  }
  const rows = messages.map((message) => {
    const clock = clocks.get(message.id);
    if (clock === undefined) {
      throw new StoreIntegrityError(`message.insert for event ${message.id}, which is not held`);
    }
    return { ...messageRow(message), clock };
  });
  for (const chunk of chunks(rows, Math.floor(context.maxParameters / 14))) {
    await trx
      .insertInto('messages')
      .values(chunk)
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** The columns a patch sets; fields left undefined are not touched. */
function messageUpdate(patch: MessagePatch): Updateable<MessagesTable> {
  const update: Updateable<MessagesTable> = {};
  if (patch.seenAt !== undefined) update.seen_at = patch.seenAt;
  if (patch.seenBy !== undefined) update.seen_by = patch.seenBy;
  if (patch.ackedAt !== undefined) update.acked_at = patch.ackedAt;
  if (patch.ackedBy !== undefined) update.acked_by = patch.ackedBy;
  if (patch.overdueAt !== undefined) update.overdue_at = patch.overdueAt;
  return update;
}

async function updateMessage(
  trx: Kysely<Database>,
  id: string,
  patch: MessagePatch,
  context: CommitContext,
): Promise<void> {
  const update = messageUpdate(patch);
  if (Object.keys(update).length === 0) return;
  const result = await trx.updateTable('messages').set(update).where('id', '=', id).executeTakeFirst();
  // Not an error: a rebuild may replay an update whose message row it has not made yet.
  if (result.numUpdatedRows === 0n) context.logger?.warn({ id }, 'message.update for an unknown message');
}

/**
 * Sets a seen or acknowledged mark unless an earlier one (by time, then author) is held. The
 * comparison is made here, in code-unit order, not in SQL: a database collation could order
 * authors differently and make two nodes disagree on who marked first.
 */
async function markMessage(
  trx: Kysely<Database>,
  op: Extract<ProjectionOp, { op: 'message.mark' }>,
): Promise<void> {
  const row = await trx
    .selectFrom('messages')
    .select(['seen_at', 'seen_by', 'acked_at', 'acked_by'])
    .where('id', '=', op.id)
    .where('line', '=', op.line)
    .executeTakeFirst();
  if (!row) return;
  const heldAt = op.mark === 'seen' ? row.seen_at : row.acked_at;
  const heldBy = op.mark === 'seen' ? row.seen_by : row.acked_by;
  const isEarlier = heldAt === null || op.at < heldAt || (op.at === heldAt && op.by < (heldBy ?? ''));
  if (!isEarlier) return;
  const update =
    op.mark === 'seen' ? { seen_at: op.at, seen_by: op.by } : { acked_at: op.at, acked_by: op.by };
  await trx.updateTable('messages').set(update).where('id', '=', op.id).execute();
}

/** Adds delivery facts, keeping per (line, origin, upto_seq, node) the earliest time (FED3). */
async function addDeliveries(
  trx: Kysely<Database>,
  deliveries: readonly DeliveryRow[],
  context: CommitContext,
): Promise<void> {
  // One statement may not upsert the same key twice (PostgreSQL), so merge repeats here first.
  const earliest = new Map<string, DeliveryRow>();
  for (const row of deliveries) {
    const key = `${slotKey(row.line, row.origin, row.uptoSeq)}\u0000${row.node}`;
    const known = earliest.get(key);
    if (known === undefined || row.at < known.at) earliest.set(key, row);
  }
  for (const chunk of chunks([...earliest.values()], Math.floor(context.maxParameters / 5))) {
    await trx
      .insertInto('deliveries')
      .values(
        chunk.map((row) => ({
          line: row.line,
          origin: row.origin,
          node: row.node,
          upto_seq: row.uptoSeq,
          at: row.at,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['line', 'origin', 'upto_seq', 'node'])
          .doUpdateSet((eb) => ({ at: eb.ref('excluded.at') }))
          .where((eb) => eb('excluded.at', '<', eb.ref('deliveries.at'))),
      )
      .execute();
  }
}
