/**
 * The SQLite store (STO1), the embedded default: better-sqlite3 in WAL mode with
 * `synchronous = FULL`, so a commit is on disk when it returns (LOG10), behind Kysely.
 *
 * better-sqlite3 is synchronous and has one connection; Kysely serialises work on it with a
 * mutex, so a write transaction here owns the connection from BEGIN to COMMIT and no other
 * query of this store can slip into it. Write transactions start with BEGIN IMMEDIATE: they
 * take the write lock first (waiting up to `busy_timeout` for another process, such as the
 * CLI), instead of failing when a read must later become a write.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type SqliteDatabase, SqliteDialect, sql } from 'kysely';
import { type Clock, systemClock } from '../core/clock.ts';
import { KyselyStore, type KyselyStoreConfig, type StoreLogger } from './kysely-store.ts';
import type { Database } from './schema.ts';
import type { Store } from './types.ts';

/** Options of `openSqliteStore`. */
export interface SqliteStoreOptions {
  logger?: StoreLogger;
  /** The clock for times the store stamps itself (rejections, migrations); tests inject one. */
  clock?: Clock;
}

/** SQLite's default SQLITE_MAX_VARIABLE_NUMBER since 3.32. */
const SQLITE_MAX_PARAMETERS = 32766;

/** Waits this long for another process's write lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/** Prepared statements kept per SQL text; the store's queries have a few dozen shapes. */
const STATEMENT_CACHE_SIZE = 200;

/**
 * The database as Kysely's dialect sees it, with prepared statements reused: Kysely prepares
 * every query it runs, and preparing costs as much as running a small one. Reuse is safe
 * because Kysely runs one query at a time on the connection and the store never streams.
 */
function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare(sqlText) {
      const cached = statements.get(sqlText);
      if (cached) {
        // Map keeps insertion order: re-inserting marks it most recently used.
        statements.delete(sqlText);
        statements.set(sqlText, cached);
        return cached;
      }
      const statement = database.prepare(sqlText);
      statements.set(sqlText, statement);
      if (statements.size > STATEMENT_CACHE_SIZE) {
        const oldest = statements.keys().next();
        if (!oldest.done) statements.delete(oldest.value);
      }
      return statement;
    },
  };
}

/**
 * Opens (creating if needed) the SQLite store at `path`, or an in-memory one, and runs its
 * migrations (STO2).
 */
export async function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<Store> {
  const database = new BetterSqlite3(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    return await createSqliteStore(database, options);
  } catch (error) {
    database.close();
    throw error;
  }
}

/**
 * Makes a store of an open better-sqlite3 database, which it then owns (closing the store
 * closes it): sets the pragmas, runs the migrations. `openSqliteStore` is the usual way in;
 * this one lets tests reach the connection underneath.
 */
export async function createSqliteStore(
  database: BetterSqlite3.Database,
  options: SqliteStoreOptions = {},
): Promise<Store> {
  const journalMode: unknown = database.pragma('journal_mode = WAL', { simple: true });
  if (journalMode !== 'wal' && !database.memory) {
    options.logger?.warn({ journalMode, path: database.name }, 'SQLite refused WAL mode');
  }
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);

  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  const config: KyselyStoreConfig = {
    kind: 'sqlite',
    dialect: 'sqlite',
    db,
    maxParameters: SQLITE_MAX_PARAMETERS,
    clock: options.clock ?? systemClock,
    writeTransaction: (work) =>
      db.connection().execute(async (connection) => {
        await sql`begin immediate`.execute(connection);
        try {
          const result = await work(connection);
          await sql`commit`.execute(connection);
          return result;
        } catch (error) {
          // A failed COMMIT (disk full, I/O error) may have rolled back already.
          if (database.inTransaction) await sql`rollback`.execute(connection);
          throw error;
        }
      }),
  };
  if (options.logger) config.logger = options.logger;
  const store = new KyselyStore(config);
  try {
    await store.migrate();
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return store;
}
