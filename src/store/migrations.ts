/**
 * Versioned migrations (STO2), written with Kysely's schema builder so the PostgreSQL store can
 * run the same list. Where the dialects differ (auto-numbered keys, text ordering), a migration
 * asks for the dialect instead of writing raw SQL.
 *
 * `applyMigrations` runs inside a transaction its caller opens, records each version in
 * `schema_migrations`, and refuses a database migrated by newer code.
 */
import { type ColumnDataType, type CreateTableBuilder, type Expression, type Kysely, sql } from 'kysely';
import { StoreMigrationError } from './errors.ts';
import type { SchemaMigrationsTable } from './schema.ts';

/** The SQL dialects the migrations know. */
export type SqlDialectName = 'sqlite' | 'postgres';

/** One schema change. Versions rise by one from 1 and are never reused or edited once released. */
export interface Migration {
  version: number;
  name: string;
  /** Applies the change; runs inside the caller's transaction. */
  up(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void>;
}

/** Adds an auto-numbered primary key column: ascending, never reused. */
function addSerialKey<T extends string>(
  table: CreateTableBuilder<T, never>,
  column: string,
  dialect: SqlDialectName,
): CreateTableBuilder<T, never> {
  return dialect === 'sqlite'
    ? // AUTOINCREMENT: numbers of deleted rows are never handed out again.
      table.addColumn(column, 'integer', (col) => col.primaryKey().autoIncrement())
    : table.addColumn(column, 'bigint', (col) => col.primaryKey().generatedByDefaultAsIdentity());
}

/**
 * Text that must sort by code point, as LOG7 orders origins. SQLite's default BINARY collation
 * does; PostgreSQL's default collation may follow the locale (which ignores '-'), so it gets "C".
 */
function orderedText(dialect: SqlDialectName): ColumnDataType | Expression<unknown> {
  return dialect === 'postgres' ? sql`text collate "C"` : 'text';
}

/** Every migration, in order. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    async up(db, dialect) {
      const key = orderedText(dialect);

      await db.schema
        .createTable('meta')
        .addColumn('key', 'text', (col) => col.primaryKey())
        .addColumn('value', 'text', (col) => col.notNull())
        .execute();

      await db.schema
        .createTable('nodes')
        .addColumn('node_id', key, (col) => col.primaryKey())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('url', 'text', (col) => col.notNull())
        .addColumn('federation_url', 'text', (col) => col.notNull())
        .addColumn('public_key', 'text', (col) => col.notNull())
        .addColumn('is_self', 'integer', (col) => col.notNull())
        .addColumn('added_at', 'text', (col) => col.notNull())
        .execute();

      await db.schema
        .createTable('lines')
        .addColumn('id', key, (col) => col.primaryKey())
        .addColumn('kind', 'text', (col) => col.notNull())
        .addColumn('title', 'text', (col) => col.notNull())
        .addColumn('members', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('username', key, (col) => col.primaryKey())
        .addColumn('role', 'text', (col) => col.notNull())
        .addColumn('password_hash', 'text', (col) => col.notNull())
        .addColumn('totp_secret', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('failed_logins', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('locked_until', 'text')
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('token_hash', 'text', (col) => col.primaryKey())
        .addColumn('username', key, (col) => col.notNull().references('users.username').onDelete('cascade'))
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'text', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('sessions_username').on('sessions').column('username').execute();

      await addSerialKey(db.schema.createTable('events'), 'arrival', dialect)
        .addColumn('id', 'text', (col) => col.notNull().unique())
        .addColumn('line', key, (col) => col.notNull())
        .addColumn('origin', key, (col) => col.notNull())
        .addColumn('seq', 'bigint', (col) => col.notNull())
        .addColumn('clock', 'bigint', (col) => col.notNull())
        .addColumn('type', 'text', (col) => col.notNull())
        .addColumn('received_at', 'text', (col) => col.notNull())
        .addColumn('envelope', 'text', (col) => col.notNull())
        .addUniqueConstraint('events_line_origin_seq', ['line', 'origin', 'seq'])
        .execute();
      // LOG7 order within a line: latestEvents and eventsInOrder walk this index.
      await db.schema
        .createIndex('events_line_order')
        .on('events')
        .columns(['line', 'clock', 'origin', 'seq'])
        .execute();
      // eventsSince for some lines: a range from the cursor within each line, not a scan.
      await db.schema.createIndex('events_line_arrival').on('events').columns(['line', 'arrival']).execute();

      await db.schema
        .createTable('messages')
        // A message row projects a held event (LOG1).
        .addColumn('id', 'text', (col) => col.primaryKey().references('events.id'))
        .addColumn('line', key, (col) => col.notNull())
        .addColumn('origin', key, (col) => col.notNull())
        .addColumn('seq', 'bigint', (col) => col.notNull())
        // The event's clock, copied at insert, so latestMessages walks an index of messages
        // in LOG7 order instead of every event of the line.
        .addColumn('clock', 'bigint', (col) => col.notNull())
        .addColumn('author', 'text', (col) => col.notNull())
        .addColumn('precedence', 'text', (col) => col.notNull())
        .addColumn('posted_at', 'text', (col) => col.notNull())
        .addColumn('deadline', 'text', (col) => col.notNull())
        .addColumn('seen_at', 'text')
        .addColumn('seen_by', 'text')
        .addColumn('acked_at', 'text')
        .addColumn('acked_by', 'text')
        .addColumn('overdue_at', 'text')
        .execute();
      await db.schema
        .createIndex('messages_line_origin_seq')
        .on('messages')
        .columns(['line', 'origin', 'seq'])
        .unique()
        .execute();
      await db.schema
        .createIndex('messages_line_order')
        .on('messages')
        .columns(['line', 'clock', 'origin', 'seq'])
        .execute();

      // One row per (line, origin, upto_seq, node), keeping the earliest time: repeated receipts
      // and heads.recorded events do not grow the table. The key also serves deliveriesFor.
      await db.schema
        .createTable('deliveries')
        .addColumn('line', key, (col) => col.notNull())
        .addColumn('origin', key, (col) => col.notNull())
        .addColumn('upto_seq', 'bigint', (col) => col.notNull())
        .addColumn('node', key, (col) => col.notNull())
        .addColumn('at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('deliveries_pk', ['line', 'origin', 'upto_seq', 'node'])
        .execute();

      await addSerialKey(db.schema.createTable('rejections'), 'id', dialect)
        .addColumn('at', 'text', (col) => col.notNull())
        .addColumn('reason', 'text', (col) => col.notNull())
        .addColumn('detail', 'text', (col) => col.notNull())
        .addColumn('peer', 'text')
        .execute();
      await db.schema.createIndex('rejections_reason').on('rejections').column('reason').execute();
    },
  },
  {
    version: 2,
    name: 'pinned TLS certificates of peers (FED2)',
    async up(db) {
      await db.schema.alterTable('nodes').addColumn('tls_fingerprint', 'text').execute();
    },
  },
  {
    version: 3,
    name: 'equivocation proofs (LOG9)',
    async up(db, dialect) {
      await addSerialKey(db.schema.createTable('equivocations'), 'id', dialect)
        .addColumn('line', 'text', (col) => col.notNull())
        .addColumn('origin', 'text', (col) => col.notNull())
        .addColumn('seq', 'bigint', (col) => col.notNull())
        .addColumn('held_id', 'text', (col) => col.notNull())
        .addColumn('conflicting', 'text', (col) => col.notNull())
        .addColumn('peer', 'text')
        .addColumn('detected_at', 'text', (col) => col.notNull())
        .addColumn('resolved_at', 'text')
        .addColumn('resolved_by', 'text')
        .addColumn('resolution', 'text')
        .execute();
    },
  },
  {
    version: 4,
    name: 'index of the rare event types a node keeps in memory (LOG5 key.rotated, FED1 peer.*)',
    async up(db) {
      // Partial, so the thousands of ordinary events a second pay nothing for it.
      await db.schema
        .createIndex('events_rare_types')
        .on('events')
        .columns(['type', 'arrival'])
        .where(sql.ref('type'), 'in', sql`('key.rotated', 'peer.unpaired', 'peer.paired')`)
        .execute();
    },
  },
  {
    version: 5,
    name: 'each user reads in their own language (HOT6, CON4)',
    async up(db) {
      await db.schema
        .alterTable('users')
        .addColumn('language', 'text', (col) => col.notNull().defaultTo('en'))
        .execute();
    },
  },
  {
    version: 6,
    name: 'the rare-types index also covers duty (HOT5) and translation (HOT6) events',
    up: (db) => rebuildRareTypesIndex(db, RARE_TYPES_V6),
  },
  {
    version: 7,
    name: 'the rare-types index also covers call records, call requests and talks (CALL2, HOT7, CALL5)',
    up: (db) => rebuildRareTypesIndex(db, RARE_TYPES_V7),
  },
  {
    version: 8,
    name: 'the rare-types index also covers encounters and activity notices (ENC1–ENC3)',
    up: (db) => rebuildRareTypesIndex(db, RARE_TYPES_V8),
  },
  {
    version: 9,
    name: 'second factor enrolment and recovery codes (SEC2)',
    async up(db, dialect) {
      await db.schema
        .alterTable('users')
        .addColumn('totp_exempt', 'integer', (col) => col.notNull().defaultTo(0))
        .execute();
      // Before this version only the demo's users were created without a TOTP secret.
      await db
        .withTables<{ users: { totp_exempt: number; totp_secret: string | null } }>()
        .updateTable('users')
        .set({ totp_exempt: 1 })
        .where('totp_secret', 'is', null)
        .execute();
      await db.schema
        .createTable('recovery_codes')
        .addColumn('username', orderedText(dialect), (col) =>
          col.notNull().references('users.username').onDelete('cascade'),
        )
        .addColumn('code_hash', 'text', (col) => col.notNull())
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('recovery_codes_pk', ['username', 'code_hash'])
        .execute();
    },
  },
  {
    version: 10,
    name: 'an admin can disable a user (SEC1)',
    async up(db) {
      await db.schema
        .alterTable('users')
        .addColumn('disabled', 'integer', (col) => col.notNull().defaultTo(0))
        .execute();
    },
  },
];

/** Replaces the partial index `events_rare_types` with one covering `types` (STO2). */
async function rebuildRareTypesIndex(db: Kysely<unknown>, types: readonly string[]): Promise<void> {
  await db.schema.dropIndex('events_rare_types').execute();
  await db.schema
    .createIndex('events_rare_types')
    .on('events')
    .columns(['type', 'arrival'])
    .where(sql.ref('type'), 'in', sql`(${sql.join(types.map((type) => sql.lit(type)))})`)
    .execute();
}

/**
 * The event types the partial index `events_rare_types` covers since version 6. Frozen with the
 * migration: a type added to `RARE_EVENT_TYPES` needs a new migration (a test holds them equal).
 */
export const RARE_TYPES_V6 = [
  'key.rotated',
  'peer.unpaired',
  'peer.paired',
  'duty.taken',
  'duty.handed-over',
  'message.translated',
] as const;

/**
 * Applies the migrations not yet recorded, in order, and returns the versions it applied.
 * Must run inside a transaction (so a failed migration leaves no trace) that holds the write
 * lock (so two processes opening the same store do not both migrate).
 *
 * @throws StoreMigrationError when the database holds a version this code does not know.
 */
export async function applyMigrations(
  db: Kysely<unknown>,
  dialect: SqlDialectName,
  now: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  await db.schema
    .createTable('schema_migrations')
    .ifNotExists()
    .addColumn('version', 'integer', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('applied_at', 'text', (col) => col.notNull())
    .execute();
  const tracked = db.withTables<{ schema_migrations: SchemaMigrationsTable }>();
  const rows = await tracked.selectFrom('schema_migrations').select('version').execute();
  const held = new Set(rows.map((row) => Number(row.version)));
  const known = new Set(migrations.map((migration) => migration.version));
  const unknown = [...held].filter((version) => !known.has(version));
  if (unknown.length > 0) {
    throw new StoreMigrationError(
      `the store holds schema version(s) ${unknown.join(', ')} unknown to this code: it was migrated by a newer version`,
    );
  }
  const applied: number[] = [];
  for (const migration of migrations) {
    if (held.has(migration.version)) continue;
    await migration.up(db, dialect);
    await tracked
      .insertInto('schema_migrations')
      .values({ version: migration.version, name: migration.name, applied_at: now })
      .execute();
    applied.push(migration.version);
  }
  return applied;
}

/** Since version 7: the types of version 6 plus call records, call requests and talks. */
export const RARE_TYPES_V7 = [
  ...RARE_TYPES_V6,
  'call.started',
  'call.ringing',
  'call.answered',
  'call.ended',
  'call.recorded',
  'call.recording',
  'call.policy',
  'call.requested',
  'call.request.answered',
  'talk.scheduled',
  'talk.cancelled',
  'talk.joined',
  'talk.left',
] as const;

/** Since version 8: the types of version 7 plus encounters and activity notices. */
export const RARE_TYPES_V8 = [
  ...RARE_TYPES_V7,
  'encounter.drafted',
  'encounter.submitted',
  'encounter.state',
  'encounter.closed',
  'notice.issued',
  'notice.withdrawn',
] as const;
