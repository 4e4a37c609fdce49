/**
 * The SQLite store: the contract suite (STO1) in memory and on disk, then what only SQLite has
 * — its pragmas, its migration bookkeeping (STO2), and failing writes that leave nothing behind.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { pino } from 'pino';
import { runStoreContract } from './contract.ts';
import { at, testChain, testMessage } from './contract-fixtures.ts';
import { StoreIntegrityError, StoreMigrationError } from './errors.ts';
import type { StoreLogger } from './kysely-store.ts';
import { applyMigrations, MIGRATIONS, RARE_TYPES_V8 } from './migrations.ts';
import { createSqliteStore, openSqliteStore } from './sqlite.ts';
import { RARE_EVENT_TYPES, type Store } from './types.ts';

const directory = mkdtempSync(join(tmpdir(), 'liaison-store-'));
after(() => rmSync(directory, { recursive: true, force: true }));

let files = 0;
/** A path for a new store file in the test directory. */
function newPath(): string {
  files += 1;
  return join(directory, `store-${files}.db`);
}

runStoreContract('sqlite :memory:', () => openSqliteStore(':memory:'));

const paths = new WeakMap<Store, string>();
runStoreContract(
  'sqlite file',
  async () => {
    const path = newPath();
    const store = await openSqliteStore(path);
    paths.set(store, path);
    return store;
  },
  {
    reopenStore: async (closed) => {
      const path = paths.get(closed);
      assert.ok(path !== undefined);
      return openSqliteStore(path);
    },
  },
);

describe('SQLite store', () => {
  it('[STO1] runs a file store in WAL mode with synchronous FULL and foreign keys on', async () => {
    const database = new BetterSqlite3(newPath());
    const store = await createSqliteStore(database);
    try {
      assert.equal(store.kind, 'sqlite');
      assert.equal(database.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(database.pragma('synchronous', { simple: true }), 2);
      assert.equal(database.pragma('foreign_keys', { simple: true }), 1);
      assert.equal(database.pragma('busy_timeout', { simple: true }), 5000);
    } finally {
      await store.close();
    }
  });

  it('[STO2] eventsOfTypes reads the rare types through their partial index, not a scan', async () => {
    assert.deepEqual(
      [...RARE_EVENT_TYPES],
      [...RARE_TYPES_V8],
      'a new rare type needs a new index migration',
    );
    const database = new BetterSqlite3(newPath());
    const store = await createSqliteStore(database);
    try {
      // The shape of the query eventsOfTypes sends: bound types plus the index's own condition.
      const literal = RARE_EVENT_TYPES.map((type) => `'${type}'`).join(', ');
      const plan = database
        .prepare(
          `explain query plan select * from events where type in (?, ?) and type in (${literal}) order by arrival`,
        )
        .all('duty.taken', 'message.translated') as { detail: string }[];
      assert.ok(
        plan.some((step) => step.detail.includes('events_rare_types')),
        JSON.stringify(plan),
      );
    } finally {
      await store.close();
    }
  });

  it('[STO2] records each applied migration once, with the injected clock', async () => {
    const path = newPath();
    const logged: object[] = [];
    const logger: StoreLogger = { info: (details) => logged.push(details), warn: () => undefined };
    const clock = { now: () => Date.parse(at(42)) };
    await (await openSqliteStore(path, { logger, clock })).close();
    await (await openSqliteStore(path, { logger, clock })).close();
    const database = new BetterSqlite3(path, { readonly: true });
    try {
      const rows = database
        .prepare('select version, name, applied_at from schema_migrations order by version')
        .all();
      assert.deepEqual(
        rows,
        MIGRATIONS.map((migration) => ({
          version: migration.version,
          name: migration.name,
          applied_at: at(42),
        })),
      );
    } finally {
      database.close();
    }
    assert.deepEqual(logged, [{ applied: MIGRATIONS.map((migration) => migration.version) }]);
  });

  it('[SEC2] version 9 exempts the users held without a TOTP secret (the demo’s) and no other', async () => {
    const path = newPath();
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(path) }) });
    await applyMigrations(db, 'sqlite', at(1), MIGRATIONS.slice(0, 8));
    await sql`insert into users (username, role, password_hash, totp_secret, created_at)
      values ('officer', 'officer', 'x', null, ${at(1)}), ('duty2', 'officer', 'x', 'JBSWY3DPEHPK3PXP', ${at(1)})`.execute(
      db,
    );
    await db.destroy();
    const store = await openSqliteStore(path);
    try {
      assert.equal((await store.getUser('officer'))?.totpExempt, true);
      assert.equal((await store.getUser('duty2'))?.totpExempt, false);
      assert.equal(await store.countRecoveryCodes('duty2'), 0);
    } finally {
      await store.close();
    }
  });

  it('[STO2] migration versions rise by one from 1', () => {
    assert.deepEqual(
      MIGRATIONS.map((migration) => migration.version),
      MIGRATIONS.map((_, index) => index + 1),
    );
  });

  it('[STO2] refuses a store migrated by a newer version of the code', async () => {
    const path = newPath();
    await (await openSqliteStore(path)).close();
    const database = new BetterSqlite3(path);
    database
      .prepare('insert into schema_migrations (version, name, applied_at) values (?, ?, ?)')
      .run(999, 'from-the-future', at(0));
    database.close();
    await assert.rejects(openSqliteStore(path), StoreMigrationError);
  });

  it('[LOG10] a commit that hits a full disk throws and writes nothing, and the store recovers', async () => {
    const database = new BetterSqlite3(newPath());
    const store = await createSqliteStore(database);
    try {
      await store.commit({ events: testChain(1, 2), receivedAt: at(0), ops: [] });
      const pageCount = Number(database.pragma('page_count', { simple: true }));
      database.pragma(`max_page_count = ${pageCount}`);
      const big = testChain(3, 2000, { body: { text: 'x'.repeat(500) } });
      const ops = big.map((event) => ({ op: 'message.insert' as const, row: testMessage(event) }));
      await assert.rejects(store.commit({ events: big, receivedAt: at(1), ops }), /full/i);
      assert.equal(await store.countEvents(), 2);
      assert.equal(await store.lastArrival(), 2);
      assert.deepEqual(await store.messagesBySeqRange('hotline-alpha-bravo', 'alpha', 1, 2000), []);

      database.pragma('max_page_count = 1073741823');
      const arrivals = await store.commit({ events: big, receivedAt: at(2), ops });
      assert.equal(arrivals[0], 3);
      assert.equal(await store.countEvents(), 2000);
    } finally {
      await store.close();
    }
  });

  it('[LOG10] a commit to a store that turned read-only throws and writes nothing', async () => {
    const database = new BetterSqlite3(newPath());
    const store = await createSqliteStore(database);
    try {
      database.pragma('query_only = ON');
      await assert.rejects(
        store.commit({ events: testChain(1, 3), receivedAt: at(0), ops: [] }),
        /readonly/i,
      );
      database.pragma('query_only = OFF');
      assert.equal(await store.countEvents(), 0);
      assert.deepEqual(await store.commit({ events: testChain(1, 1), receivedAt: at(1), ops: [] }), [1]);
    } finally {
      await store.close();
    }
  });

  it('[LOG1] refuses a message row whose event is not held, rolling back the whole batch', async () => {
    const store = await openSqliteStore(':memory:');
    try {
      const [held, orphan] = testChain(1, 2);
      assert.ok(held && orphan);
      await assert.rejects(
        store.commit({
          events: [held],
          receivedAt: at(0),
          ops: [{ op: 'message.insert', row: testMessage(orphan) }],
        }),
        StoreIntegrityError,
      );
      assert.equal(await store.countEvents(), 0);
    } finally {
      await store.close();
    }
  });

  it('takes a pino logger', async () => {
    const logger: StoreLogger = pino({ level: 'silent' });
    await (await openSqliteStore(':memory:', { logger })).close();
  });
});
