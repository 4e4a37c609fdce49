/**
 * The Store (STO1) over Kysely, written once for both SQLite and PostgreSQL: the queries here
 * and in `kysely-commit.ts` use only what both dialects share (row values, RETURNING,
 * ON CONFLICT). What differs — how a write transaction takes its lock, how many parameters a
 * statement may bind — comes in through `KyselyStoreConfig`, which `sqlite.ts` and
 * `postgres.ts` supply.
 *
 * Reads that page (eventsSince, eventsInOrder) use keysets, never OFFSET, each on an index.
 */
import { type Kysely, sql } from 'kysely';
import type { Clock } from '../core/clock.ts';
import type { Heads, LiaisonEvent } from '../core/types.ts';
import { type CommitContext, chunks, commitInTransaction } from './kysely-commit.ts';
import { applyMigrations, type SqlDialectName } from './migrations.ts';
import {
  lineRow,
  nodeRow,
  STORED_EVENT_COLUMNS,
  sessionRow,
  toLine,
  toMessage,
  toNode,
  toSession,
  toStoredEvent,
  toUser,
  userRow,
} from './rows.ts';
import type { Database } from './schema.ts';
import {
  type CommitBatch,
  type EquivocationRecord,
  type LineRecord,
  type MessageRow,
  type NodeRecord,
  RARE_EVENT_TYPES,
  type RareEventType,
  type RejectionCounts,
  type SessionRecord,
  type Store,
  type StoredEvent,
  type UserRecord,
} from './types.ts';

/** The logging the store does; a pino logger fits. */
export interface StoreLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/** What a dialect supplies to `KyselyStore`. */
export interface KyselyStoreConfig {
  kind: Store['kind'];
  dialect: SqlDialectName;
  db: Kysely<Database>;
  /**
   * Runs `work` in one transaction that holds the write lock from its start, on a Kysely bound
   * to that transaction; commits when `work` resolves and rolls back when it throws.
   */
  writeTransaction<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /** Most parameters one statement may bind. */
  maxParameters: number;
  /** Stamps the times the store writes itself (rejections, migrations). */
  clock: Clock;
  logger?: StoreLogger;
}

/** A position in LOG7 order. */
interface OrderKey {
  clock: number;
  origin: string;
  seq: number;
}

/** A Store on any Kysely dialect the config adapts. */
export class KyselyStore implements Store {
  readonly kind: Store['kind'];
  readonly #config: KyselyStoreConfig;
  readonly #db: Kysely<Database>;
  #isClosed = false;

  constructor(config: KyselyStoreConfig) {
    this.kind = config.kind;
    this.#config = config;
    this.#db = config.db;
  }

  async migrate(): Promise<void> {
    const { dialect, logger } = this.#config;
    const now = new Date(this.#config.clock.now()).toISOString();
    // Migrations see the database before their own changes, so they take Kysely<unknown>, as
    // Kysely's own migrator does; Kysely<Database> is not assignable to it (DB is invariant).
    const applied = await this.#config.writeTransaction((trx) =>
      applyMigrations(trx as unknown as Kysely<unknown>, dialect, now),
    );
    if (applied.length > 0) logger?.info({ applied }, 'store migrated');
  }

  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    // With SQLite's single connection this waits for the work already queued on it, so a
    // commit in progress finishes rather than being cut off by the close.
    await this.#db.connection().execute(async () => undefined);
    await this.#db.destroy();
  }

  async getMeta(key: string): Promise<string | null> {
    const row = await this.#db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value ?? null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.#db
      .insertInto('meta')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  async putNode(node: NodeRecord): Promise<void> {
    const row = nodeRow(node);
    await this.#db
      .insertInto('nodes')
      .values(row)
      .onConflict((oc) => oc.column('node_id').doUpdateSet(row))
      .execute();
  }

  async getNode(nodeId: string): Promise<NodeRecord | null> {
    const row = await this.#db
      .selectFrom('nodes')
      .selectAll()
      .where('node_id', '=', nodeId)
      .executeTakeFirst();
    return row ? toNode(row) : null;
  }

  async listNodes(): Promise<NodeRecord[]> {
    const rows = await this.#db.selectFrom('nodes').selectAll().orderBy('node_id').execute();
    return rows.map(toNode);
  }

  async putLine(line: LineRecord): Promise<void> {
    const row = lineRow(line);
    await this.#db
      .insertInto('lines')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet(row))
      .execute();
  }

  async getLine(id: string): Promise<LineRecord | null> {
    const row = await this.#db.selectFrom('lines').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toLine(row) : null;
  }

  async listLines(): Promise<LineRecord[]> {
    const rows = await this.#db.selectFrom('lines').selectAll().orderBy('id').execute();
    return rows.map(toLine);
  }

  async putUser(user: UserRecord): Promise<void> {
    const row = userRow(user);
    // An upsert, not a replace: a replace would delete the user's sessions by cascade.
    await this.#db
      .insertInto('users')
      .values(row)
      .onConflict((oc) => oc.column('username').doUpdateSet(row))
      .execute();
  }

  async getUser(username: string): Promise<UserRecord | null> {
    const row = await this.#db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async listUsers(): Promise<UserRecord[]> {
    const rows = await this.#db.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map(toUser);
  }

  async putSession(session: SessionRecord): Promise<void> {
    const row = sessionRow(session);
    await this.#db
      .insertInto('sessions')
      .values(row)
      .onConflict((oc) => oc.column('token_hash').doUpdateSet(row))
      .execute();
  }

  async getSession(tokenHash: string): Promise<SessionRecord | null> {
    const row = await this.#db
      .selectFrom('sessions')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row ? toSession(row) : null;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.#db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  async deleteSessionsOf(username: string): Promise<number> {
    const result = await this.#db.deleteFrom('sessions').where('username', '=', username).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async putRecoveryCodes(username: string, codeHashes: string[], createdAt: string): Promise<void> {
    await this.#config.writeTransaction(async (trx) => {
      await trx.deleteFrom('recovery_codes').where('username', '=', username).execute();
      if (codeHashes.length === 0) return;
      const rows = codeHashes.map((codeHash) => ({ username, code_hash: codeHash, created_at: createdAt }));
      await trx.insertInto('recovery_codes').values(rows).execute();
    });
  }

  async redeemRecoveryCode(username: string, codeHash: string): Promise<boolean> {
    // One statement: of two logins racing with the same code, only one deletes the row.
    const result = await this.#db
      .deleteFrom('recovery_codes')
      .where('username', '=', username)
      .where('code_hash', '=', codeHash)
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async countRecoveryCodes(username: string): Promise<number> {
    const row = await this.#db
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
      .where('username', '=', username)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async commit(batch: CommitBatch): Promise<number[]> {
    if (batch.events.length === 0 && batch.ops.length === 0) return [];
    const { maxParameters, logger } = this.#config;
    const context: CommitContext = logger ? { maxParameters, logger } : { maxParameters };
    return this.#config.writeTransaction((trx) => commitInTransaction(trx, batch, context));
  }

  async getEvent(id: string): Promise<StoredEvent | null> {
    const row = await this.#db
      .selectFrom('events')
      .select(STORED_EVENT_COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toStoredEvent(row) : null;
  }

  async getEventBySeq(line: string, origin: string, seq: number): Promise<StoredEvent | null> {
    const row = await this.#db
      .selectFrom('events')
      .select(STORED_EVENT_COLUMNS)
      .where('line', '=', line)
      .where('origin', '=', origin)
      .where('seq', '=', seq)
      .executeTakeFirst();
    return row ? toStoredEvent(row) : null;
  }

  async hasEvents(ids: string[]): Promise<Set<string>> {
    const held = new Set<string>();
    for (const chunk of chunks([...new Set(ids)], this.#config.maxParameters)) {
      const rows = await this.#db.selectFrom('events').select('id').where('id', 'in', chunk).execute();
      for (const row of rows) held.add(row.id);
    }
    return held;
  }

  async heads(line?: string): Promise<Heads> {
    let perOrigin = this.#db
      .selectFrom('events')
      .select((eb) => ['line', 'origin', eb.fn.max('seq').as('seq')]);
    if (line !== undefined) perOrigin = perOrigin.where('line', '=', line);
    const latest = perOrigin.groupBy(['line', 'origin']).as('latest');
    const rows = await this.#db
      .selectFrom('events')
      .innerJoin(latest, (join) =>
        join
          .onRef('latest.line', '=', 'events.line')
          .onRef('latest.origin', '=', 'events.origin')
          .onRef('latest.seq', '=', 'events.seq'),
      )
      .select(['events.line', 'events.origin', 'events.seq', 'events.id', 'events.clock'])
      .execute();
    const heads: Heads = {};
    for (const row of rows) {
      const origins = heads[row.line] ?? {};
      origins[row.origin] = { seq: Number(row.seq), id: row.id, clock: Number(row.clock) };
      heads[row.line] = origins;
    }
    return heads;
  }

  async latestEvents(line: string, limit: number): Promise<StoredEvent[]> {
    if (limit <= 0) return [];
    const rows = await this.#db
      .selectFrom('events')
      .select(STORED_EVENT_COLUMNS)
      .where('line', '=', line)
      .orderBy('clock', 'desc')
      .orderBy('origin', 'desc')
      .orderBy('seq', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse().map(toStoredEvent);
  }

  async eventsSince(cursor: number, limit: number, lines: string[] | null): Promise<StoredEvent[]> {
    if (limit <= 0 || lines?.length === 0) return [];
    let query = this.#db.selectFrom('events').select(STORED_EVENT_COLUMNS).where('arrival', '>', cursor);
    if (lines !== null) query = query.where('line', 'in', lines);
    const rows = await query.orderBy('arrival').limit(limit).execute();
    return rows.map(toStoredEvent);
  }

  async eventsOfTypes(types: readonly RareEventType[]): Promise<StoredEvent[]> {
    if (types.length === 0) return [];
    const unindexed = types.filter((type) => !(RARE_EVENT_TYPES as readonly string[]).includes(type));
    if (unindexed.length > 0) throw new RangeError(`not a rare event type: ${unindexed.join(', ')}`);
    const rows = await this.#db
      .selectFrom('events')
      .select(STORED_EVENT_COLUMNS)
      .where('type', 'in', [...types])
      // The partial index's own condition, spelled out: a planner cannot see that bound
      // parameters fall inside it, and would scan every event instead.
      .where(sql<boolean>`type in (${sql.join(RARE_EVENT_TYPES.map((type) => sql.lit(type)))})`)
      .orderBy('arrival')
      .execute();
    return rows.map(toStoredEvent);
  }

  async *eventsInOrder(line: string, pageSize = 1000): AsyncIterable<StoredEvent> {
    if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`bad page size ${pageSize}`);
    let after: OrderKey | null = null;
    for (;;) {
      const rows = await this.#pageInOrder(line, after, pageSize);
      for (const row of rows) yield toStoredEvent(row);
      const last = rows.at(-1);
      if (last === undefined || rows.length < pageSize) return;
      after = { clock: Number(last.clock), origin: last.origin, seq: Number(last.seq) };
    }
  }

  /** One page of a line in LOG7 order, after `after` (keyset paging: no OFFSET scans). */
  #pageInOrder(line: string, after: OrderKey | null, pageSize: number) {
    let query = this.#db
      .selectFrom('events')
      .select([...STORED_EVENT_COLUMNS, 'clock', 'origin', 'seq'])
      .where('line', '=', line);
    if (after !== null) {
      query = query.where((eb) =>
        eb(eb.refTuple('clock', 'origin', 'seq'), '>', eb.tuple(after.clock, after.origin, after.seq)),
      );
    }
    return query.orderBy('clock').orderBy('origin').orderBy('seq').limit(pageSize).execute();
  }

  async eventsBySeqRange(
    line: string,
    origin: string,
    fromSeq: number,
    toSeq: number,
  ): Promise<StoredEvent[]> {
    const rows = await this.#db
      .selectFrom('events')
      .select(STORED_EVENT_COLUMNS)
      .where('line', '=', line)
      .where('origin', '=', origin)
      .where('seq', '>=', fromSeq)
      .where('seq', '<=', toSeq)
      .orderBy('seq')
      .execute();
    return rows.map(toStoredEvent);
  }

  async lastArrival(): Promise<number> {
    const row = await this.#db
      .selectFrom('events')
      .select((eb) => eb.fn.max('arrival').as('last'))
      .executeTakeFirst();
    return Number(row?.last ?? 0);
  }

  async countEvents(line?: string): Promise<number> {
    let query = this.#db.selectFrom('events').select((eb) => eb.fn.countAll().as('count'));
    if (line !== undefined) query = query.where('line', '=', line);
    const row = await query.executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  async getMessage(id: string): Promise<MessageRow | null> {
    const row = await this.#db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toMessage(row) : null;
  }

  async latestMessages(line: string, limit: number): Promise<MessageRow[]> {
    if (limit <= 0) return [];
    const rows = await this.#db
      .selectFrom('messages')
      .selectAll()
      .where('line', '=', line)
      .orderBy('clock', 'desc')
      .orderBy('origin', 'desc')
      .orderBy('seq', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse().map(toMessage);
  }

  async messagesBySeqRange(
    line: string,
    origin: string,
    fromSeq: number,
    toSeq: number,
  ): Promise<MessageRow[]> {
    const rows = await this.#db
      .selectFrom('messages')
      .selectAll()
      .where('line', '=', line)
      .where('origin', '=', origin)
      .where('seq', '>=', fromSeq)
      .where('seq', '<=', toSeq)
      .orderBy('seq')
      .execute();
    return rows.map(toMessage);
  }

  async deliveriesFor(line: string, origin: string, seq: number): Promise<Record<string, string>> {
    const rows = await this.#db
      .selectFrom('deliveries')
      .select((eb) => ['node', eb.fn.min('at').as('at')])
      .where('line', '=', line)
      .where('origin', '=', origin)
      .where('upto_seq', '>=', seq)
      .groupBy('node')
      .orderBy('node')
      .execute();
    return Object.fromEntries(rows.map((row) => [row.node, row.at]));
  }

  async clearProjections(): Promise<void> {
    await this.#config.writeTransaction(async (trx) => {
      await trx.deleteFrom('messages').execute();
      await trx.deleteFrom('deliveries').execute();
    });
  }

  async addRejection(reason: string, detail: string, peer: string | null): Promise<void> {
    await this.#db
      .insertInto('rejections')
      .values({ at: new Date(this.#config.clock.now()).toISOString(), reason, detail, peer })
      .execute();
  }

  async addEquivocation(
    proof: Pick<
      EquivocationRecord,
      'line' | 'origin' | 'seq' | 'heldId' | 'conflicting' | 'peer' | 'detectedAt'
    >,
  ): Promise<number> {
    const conflicting = JSON.stringify(proof.conflicting);
    const existing = await this.#db
      .selectFrom('equivocations')
      .select('id')
      .where('conflicting', '=', conflicting)
      .executeTakeFirst();
    if (existing) return Number(existing.id);
    const row = await this.#db
      .insertInto('equivocations')
      .values({
        line: proof.line,
        origin: proof.origin,
        seq: proof.seq,
        held_id: proof.heldId,
        conflicting,
        peer: proof.peer,
        detected_at: proof.detectedAt,
        resolved_at: null,
        resolved_by: null,
        resolution: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  async listEquivocations(all = false): Promise<EquivocationRecord[]> {
    let query = this.#db.selectFrom('equivocations').selectAll().orderBy('id');
    if (!all) query = query.where('resolved_at', 'is', null);
    const rows = await query.execute();
    return rows.map((row) => ({
      id: Number(row.id),
      line: row.line,
      origin: row.origin,
      seq: Number(row.seq),
      heldId: row.held_id,
      conflicting: JSON.parse(row.conflicting) as LiaisonEvent,
      peer: row.peer,
      detectedAt: row.detected_at,
      resolvedAt: row.resolved_at,
      resolvedBy: row.resolved_by,
      resolution: row.resolution,
    }));
  }

  async resolveEquivocation(id: number, by: string, resolution: string, at: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('equivocations')
      .set({ resolved_at: at, resolved_by: by, resolution })
      .where('id', '=', id)
      .where('resolved_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async rejectionCounts(): Promise<RejectionCounts> {
    const rows = await this.#db
      .selectFrom('rejections')
      .select((eb) => ['reason', eb.fn.countAll().as('count')])
      .groupBy('reason')
      .execute();
    return Object.fromEntries(rows.map((row) => [row.reason, Number(row.count)]));
  }
}
