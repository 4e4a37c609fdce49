/**
 * The PostgreSQL store (STO1), chosen when `DATABASE_URL` is set: the same `KyselyStore` as
 * SQLite, on Kysely's PostgresDialect over a `pg` pool.
 *
 * - Each node lives in its own schema (default: its node id), so several nodes, and parallel
 *   tests, can share one server. The schema is created when missing, and every pooled
 *   connection gets `search_path` set to it alone before it runs anything else.
 * - Durability (LOG10): a commit returns once PostgreSQL has flushed its WAL, which is what
 *   `synchronous_commit = on`, the server default, means. A server configured with `off`
 *   would acknowledge commits it can still lose, so the store sets it back to `on` for its own
 *   sessions (any other value — `local`, `remote_write`, `remote_apply` — flushes locally and
 *   is kept).
 * - Arrival numbers come from an identity column, whose values are taken at INSERT, not at
 *   COMMIT: two overlapping transactions could commit 6 before 5, and a reader paging with
 *   `eventsSince(5)` would never see 5. So every write transaction first takes a
 *   transaction-level advisory lock (one per schema): commits, even from two processes, run
 *   one after another and arrival order is commit order (LOG7).
 * - bigint columns (arrival, seq, clock, counts) come back from pg as strings; this pool parses
 *   them into numbers, which are safe integers for every value the store holds.
 */
import { createHash } from 'node:crypto';
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import { DatabaseError, Pool, TypeOverrides } from 'pg';
import { type Clock, systemClock } from '../core/clock.ts';
import { KyselyStore, type KyselyStoreConfig, type StoreLogger } from './kysely-store.ts';
import type { Database } from './schema.ts';
import type { Store } from './types.ts';

/** Options of `openPostgresStore`. */
export interface PostgresStoreOptions {
  /** The node's schema: 1–63 of a-z, 0-9, `_` and `-`, not starting with `pg_`. */
  schema: string;
  logger?: StoreLogger;
  /** The clock for times the store stamps itself (rejections, migrations); tests inject one. */
  clock?: Clock;
}

/** Options of `postgresPool`. */
export interface PostgresPoolOptions {
  /** Most connections the pool opens (pg's default is 10). */
  maxConnections?: number;
  logger?: StoreLogger;
}

/** The most parameters one statement may bind: the protocol counts them in 16 bits. */
const POSTGRES_MAX_PARAMETERS = 65535;

/** How long to wait for a connection to the server before failing. */
const CONNECT_TIMEOUT_MS = 10_000;

/** SQLSTATE unique_violation. */
const UNIQUE_VIOLATION = '23505';

/** The OID of PostgreSQL's int8 (bigint) type, and of the results of count(). */
const INT8_OID = 20;

/**
 * Run first on every new connection: the node's schema alone on the search path (the quoted name
 * is a parameter, never spliced into the SQL), and commits that wait for the WAL flush.
 */
const SESSION_SETUP = `select set_config('search_path', $1, false),
  set_config('synchronous_commit',
    case when current_setting('synchronous_commit') = 'off' then 'on' else current_setting('synchronous_commit') end,
    false)`;

const SCHEMA_PATTERN = /^[a-z0-9_-]{1,63}$/;

/** Schema names PostgreSQL will not create: `pg_*` is reserved for the system's own. */
const RESERVED_SCHEMA_PREFIX = 'pg_';

/** Throws a RangeError unless `schema` is a name this store accepts. */
export function assertSchemaName(schema: string): void {
  if (!SCHEMA_PATTERN.test(schema) || schema.startsWith(RESERVED_SCHEMA_PREFIX)) {
    throw new RangeError(
      `bad PostgreSQL schema name ${JSON.stringify(schema)}: use 1–63 of a-z, 0-9, _ and -, not starting with pg_`,
    );
  }
}

/**
 * A pg pool for `url` that parses bigint columns into numbers and reports (instead of crashing
 * on) errors of idle connections, such as a server restart; pg drops those connections itself.
 */
export function postgresPool(url: string, options: PostgresPoolOptions = {}): Pool {
  const types = new TypeOverrides();
  // Every bigint the store reads (arrival, seq, clock, counts) is below 2^53.
  types.setTypeParser(INT8_OID, (text: string) => Number(text));
  const pool = new Pool({
    connectionString: url,
    types,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    ...(options.maxConnections === undefined ? {} : { max: options.maxConnections }),
  });
  pool.on('error', (error) => options.logger?.warn({ err: error }, 'idle PostgreSQL connection failed'));
  // A connection that dies while in use (server restart, terminated session, network reset)
  // fails its query; without this listener its 'error' event would end the process.
  pool.on('connect', (client) => {
    client.on('error', (error) => options.logger?.warn({ err: error }, 'PostgreSQL connection failed'));
  });
  return pool;
}

/**
 * Opens the store in `options.schema` of the PostgreSQL database at `url` (creating the schema
 * if needed) and runs its migrations (STO2).
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions): Promise<Store> {
  assertSchemaName(options.schema);
  const poolOptions: PostgresPoolOptions = options.logger ? { logger: options.logger } : {};
  return createPostgresStore(postgresPool(url, poolOptions), options);
}

/**
 * Makes a store of a pg pool, which it then owns (closing the store ends it): creates the
 * schema, runs the migrations. `openPostgresStore` is the usual way in; this one lets tests
 * reach the connections underneath.
 */
export async function createPostgresStore(pool: Pool, options: PostgresStoreOptions): Promise<Store> {
  const { schema } = options;
  assertSchemaName(schema);
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool,
      onCreateConnection: async (connection) => {
        await connection.executeQuery(CompiledQuery.raw(SESSION_SETUP, [quoteIdentifier(schema)]));
      },
    }),
  });
  const lockKey = advisoryLockKey(schema);
  const writeTransaction = <T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> =>
    db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(cast(${lockKey} as bigint))`.execute(trx);
      return work(trx);
    });
  const config: KyselyStoreConfig = {
    kind: 'postgres',
    dialect: 'postgres',
    db,
    maxParameters: POSTGRES_MAX_PARAMETERS,
    clock: options.clock ?? systemClock,
    writeTransaction: (work) => retryingEventRace(() => writeTransaction(work)),
  };
  if (options.logger) config.logger = options.logger;
  const store = new KyselyStore(config);
  try {
    await warnUnlessDurable(db, options.logger);
    // Under the lock too: two processes opening one new schema must not both create it.
    await writeTransaction((trx) => sql`create schema if not exists ${sql.id(schema)}`.execute(trx));
    await store.migrate();
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return store;
}

/** `name` as a double-quoted SQL identifier. */
function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The key of the transaction-level advisory lock every write transaction on `schema` takes
 * first: 64 bits of a hash of the name, as a decimal bigint. Anything else that writes a node's
 * schema (a repair script) should take it too: `select pg_advisory_xact_lock(<key>)`.
 */
export function advisoryLockKey(schema: string): string {
  const digest = createHash('sha256').update(`liaison-store:${schema}`).digest();
  return digest.readBigInt64BE(0).toString();
}

/** Logs a warning when the server would not flush commits: the store then forces it per session. */
async function warnUnlessDurable(db: Kysely<Database>, logger: StoreLogger | undefined): Promise<void> {
  // reset_val: what the server, database, role and URL say, before the session setup.
  const result = await sql<{
    server: string;
  }>`select reset_val as server from pg_settings where name = 'synchronous_commit'`.execute(db);
  const server = result.rows[0]?.server;
  if (server === 'off') {
    logger?.warn(
      { synchronousCommit: server },
      'PostgreSQL has synchronous_commit off; the store turns it on',
    );
  }
}

/**
 * Runs `attempt`, and once more if it failed on a unique key of `events`. Under the advisory
 * lock the commit's own check sees every held event, so this happens only when something else
 * wrote events without the lock; the second run's check then sees the event that won the race
 * and answers as for any held event: skipped when it is the same id (FED4), StoreConflictError
 * when the slot is held under another id (LOG9).
 */
async function retryingEventRace<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (error instanceof DatabaseError && error.code === UNIQUE_VIOLATION && error.table === 'events') {
      return attempt();
    }
    throw error;
  }
}
