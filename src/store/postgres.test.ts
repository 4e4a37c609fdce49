/**
 * The PostgreSQL store: the contract suite (STO1), each store in a fresh random schema dropped
 * afterwards, then what only PostgreSQL has — schemas, session settings, the advisory lock,
 * read-only connections.
 *
 * Needs a server: `LIAISON_TEST_DATABASE_URL`, default postgres://postgres@127.0.0.1:5432/test.
 * When none answers, the file fails with one test saying how to start one.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { Client, type Pool } from 'pg';
import { runStoreContract } from './contract.ts';
import { at, testChain, testEvent, testMessage } from './contract-fixtures.ts';
import { StoreConflictError, StoreMigrationError } from './errors.ts';
import { MIGRATIONS } from './migrations.ts';
import {
  advisoryLockKey,
  assertSchemaName,
  createPostgresStore,
  openPostgresStore,
  postgresPool,
} from './postgres.ts';
import type { Store } from './types.ts';

const url = process.env.LIAISON_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** Why the server cannot be used, or null when it answers. */
async function unreachableReason(): Promise<string | null> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const unreachable = await unreachableReason();

if (unreachable !== null) {
  it('[STO1] PostgreSQL is reachable for the store tests', () => {
    assert.fail(
      `PostgreSQL is not reachable at ${url} (${unreachable}). Start it with ` +
        '`pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start` (as .ci/run does), ' +
        'and create the database with `createdb -h 127.0.0.1 -U postgres test`, ' +
        'or point LIAISON_TEST_DATABASE_URL at a database where the user may create schemas.',
    );
  });
} else {
  registerTests();
}

function registerTests(): void {
  /** Every schema the tests made, dropped at the end. */
  const schemas = new Set<string>();
  const storeSchemas = new WeakMap<Store, string>();

  /** A new schema name, recorded for dropping. */
  function newSchema(): string {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    schemas.add(schema);
    return schema;
  }

  /** Runs `work` with a plain client of the test server. */
  async function withClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  after(() =>
    withClient(async (client) => {
      for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
    }),
  );

  /** A migrated store in a new schema. */
  async function newStore(): Promise<Store> {
    const schema = newSchema();
    const store = await openPostgresStore(url, { schema });
    storeSchemas.set(store, schema);
    return store;
  }

  runStoreContract('PostgreSQL', newStore, {
    reopenStore: async (closed) => {
      const schema = storeSchemas.get(closed);
      assert.ok(schema !== undefined);
      return openPostgresStore(url, { schema });
    },
  });

  /** A store on a one-connection pool, so the test's own queries on `pool` share its session. */
  async function storeOnOneConnection(schema: string, poolUrl = url): Promise<{ store: Store; pool: Pool }> {
    const pool = postgresPool(poolUrl, { maxConnections: 1 });
    const store = await createPostgresStore(pool, { schema });
    return { store, pool };
  }

  /** Resolves once some session waits on a lock `client`'s transaction holds. */
  async function waitUntilBlocking(client: Client): Promise<void> {
    const blocker = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    const pid = blocker.rows[0]?.pid;
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const waiting = await withClient((observer) =>
        observer.query('select 1 from pg_stat_activity where $1 = any(pg_blocking_pids(pid))', [pid]),
      );
      if ((waiting.rowCount ?? 0) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.fail('the store never waited on the intruding transaction');
  }

  describe('PostgreSQL store', () => {
    it('[STO1] creates its schema and works in it alone; two schemas do not see each other', async () => {
      const schemaA = newSchema();
      const schemaB = newSchema();
      const storeA = await openPostgresStore(url, { schema: schemaA });
      const storeB = await openPostgresStore(url, { schema: schemaB });
      try {
        assert.equal(storeA.kind, 'postgres');
        await storeA.commit({ events: testChain(1, 3), receivedAt: at(0), ops: [] });
        await storeB.commit({ events: testChain(1, 1, { origin: 'bravo' }), receivedAt: at(0), ops: [] });
        assert.equal(await storeA.countEvents(), 3);
        assert.equal(await storeB.countEvents(), 1);
        assert.equal(await storeB.lastArrival(), 1);
        await storeA.setMeta('nodeId', 'alpha');
        assert.equal(await storeB.getMeta('nodeId'), null);

        const tables = await withClient(async (client) => {
          const result = await client.query<{ schema: string; tables: string[] }>(
            `select table_schema as schema, array_agg(table_name::text order by table_name) as tables
             from information_schema.tables where table_schema = any($1) group by table_schema`,
            [[schemaA, schemaB]],
          );
          return new Map(result.rows.map((row) => [row.schema, row.tables]));
        });
        assert.ok(tables.get(schemaA)?.includes('events'));
        assert.ok(tables.get(schemaA)?.includes('schema_migrations'));
        assert.deepEqual(tables.get(schemaB), tables.get(schemaA));
        const inPublic = await withClient(async (client) => {
          const result = await client.query(
            `select 1 from information_schema.tables where table_schema = 'public' and table_name = 'events'`,
          );
          return result.rowCount;
        });
        assert.equal(inPublic, 0);
      } finally {
        await storeA.close();
        await storeB.close();
      }
    });

    it('[STO1] accepts node ids and LIAISON_DB_SCHEMA-style names, refuses the rest before connecting', async () => {
      for (const good of ['alpha', 'node-7', 't_0a1b', 'a'.repeat(63)]) assertSchemaName(good);
      for (const bad of ['', 'Alpha', 'a b', 'a"b', 'a;drop', 'pg_catalog', 'a'.repeat(64), 'é']) {
        assert.throws(() => assertSchemaName(bad), RangeError, bad);
        await assert.rejects(openPostgresStore('postgres://nowhere.invalid/x', { schema: bad }), RangeError);
      }
    });

    it('[STO1] a schema name with a hyphen is quoted everywhere it is used', async () => {
      const schema = `${newSchema()}-x`;
      schemas.add(schema);
      const store = await openPostgresStore(url, { schema });
      try {
        await store.commit({ events: testChain(1, 2), receivedAt: at(0), ops: [] });
        assert.equal(await store.countEvents(), 2);
      } finally {
        await store.close();
      }
      const reopened = await openPostgresStore(url, { schema });
      try {
        assert.equal(await reopened.countEvents(), 2);
      } finally {
        await reopened.close();
      }
    });

    it('[LOG10] commits wait for the WAL flush, even on a server or URL with synchronous_commit off', async () => {
      const offUrl = withOptions(url, '-c synchronous_commit=off');
      const { store, pool } = await storeOnOneConnection(newSchema(), offUrl);
      try {
        const setting = await pool.query<{ synchronous_commit: string }>('show synchronous_commit');
        assert.equal(setting.rows[0]?.synchronous_commit, 'on');
        const path = await pool.query<{ search_path: string }>('show search_path');
        assert.match(path.rows[0]?.search_path ?? '', /^"?t_[0-9a-f]{12}"?$/);
      } finally {
        await store.close();
      }
    });

    it('[STO2] records each applied migration once, with the injected clock', async () => {
      const schema = newSchema();
      const clock = { now: () => Date.parse(at(42)) };
      await (await openPostgresStore(url, { schema, clock })).close();
      await (await openPostgresStore(url, { schema, clock })).close();
      const rows = await withClient(async (client) => {
        const result = await client.query(
          `select version, name, applied_at from "${schema}".schema_migrations order by version`,
        );
        return result.rows;
      });
      assert.deepEqual(
        rows,
        MIGRATIONS.map((migration) => ({
          version: migration.version,
          name: migration.name,
          applied_at: at(42),
        })),
      );
    });

    it('[STO2] refuses a schema migrated by a newer version of the code', async () => {
      const schema = newSchema();
      await (await openPostgresStore(url, { schema })).close();
      await withClient((client) =>
        client.query(
          `insert into "${schema}".schema_migrations (version, name, applied_at) values (999, 'from-the-future', $1)`,
          [at(0)],
        ),
      );
      await assert.rejects(openPostgresStore(url, { schema }), StoreMigrationError);
    });

    it('[STO2] two processes opening one new schema at once both succeed, migrating it once', async () => {
      const schema = newSchema();
      const stores = await Promise.all([
        openPostgresStore(url, { schema }),
        openPostgresStore(url, { schema }),
        openPostgresStore(url, { schema }),
      ]);
      for (const store of stores) await store.close();
      const count = await withClient(async (client) => {
        const result = await client.query<{ count: string }>(
          `select count(*) as count from "${schema}".schema_migrations`,
        );
        return Number(result.rows[0]?.count);
      });
      assert.equal(count, MIGRATIONS.length);
    });

    it('[LOG7] commits of two stores on one schema interleave as whole batches, in commit order', async () => {
      const schema = newSchema();
      const first = await openPostgresStore(url, { schema });
      const second = await openPostgresStore(url, { schema });
      try {
        const batches = Array.from({ length: 12 }, (_, index) =>
          testChain(1, 50, { origin: `node-${index}` }),
        );
        const results = await Promise.all(
          batches.map((events, index) =>
            (index % 2 === 0 ? first : second).commit({ events, receivedAt: at(0), ops: [] }),
          ),
        );
        // Each batch got a contiguous run: no other commit took numbers inside it.
        for (const arrivals of results) {
          const start = arrivals[0] ?? 0;
          assert.deepEqual(
            arrivals,
            arrivals.map((_, index) => start + index),
          );
        }
        const all = results.flat().sort((a, b) => a - b);
        assert.deepEqual(
          all,
          all.map((_, index) => index + 1),
        );
      } finally {
        await first.close();
        await second.close();
      }
    });

    it('[LOG7] a commit waits for the schema write lock, so arrivals are handed out in commit order', async () => {
      const schema = newSchema();
      const store = await openPostgresStore(url, { schema });
      const holder = new Client({ connectionString: url });
      await holder.connect();
      try {
        await holder.query('begin');
        await holder.query('select pg_advisory_xact_lock($1::bigint)', [advisoryLockKey(schema)]);
        let isDone = false;
        const commit = store.commit({ events: testChain(1, 2), receivedAt: at(0), ops: [] }).finally(() => {
          isDone = true;
        });
        await waitUntilBlocking(holder);
        assert.equal(isDone, false);
        await holder.query('commit');
        assert.deepEqual(await commit, [1, 2]);
      } finally {
        await holder.end();
        await store.close();
      }
    });

    it('[LOG7] a reader following eventsSince during concurrent commits from two stores misses nothing', async () => {
      const schema = newSchema();
      const writers = [await openPostgresStore(url, { schema }), await openPostgresStore(url, { schema })];
      const reader = await openPostgresStore(url, { schema });
      try {
        const batches = Array.from({ length: 40 }, (_, index) =>
          testChain(1, 10, { origin: `node-${index}` }),
        );
        const total = batches.length * 10;
        let isWriting = true;
        const writing = Promise.all(
          batches.map((events, index) =>
            writers[index % 2]?.commit({
              events,
              receivedAt: at(0),
              ops: events.map((event) => ({ op: 'message.insert' as const, row: testMessage(event) })),
            }),
          ),
        ).finally(() => {
          isWriting = false;
        });
        const seen: number[] = [];
        let cursor = 0;
        while (isWriting || cursor < total) {
          const page = await reader.eventsSince(cursor, 1000, null);
          for (const stored of page) seen.push(stored.arrival);
          cursor = page.at(-1)?.arrival ?? cursor;
          if (!isWriting && page.length === 0) break;
        }
        await writing;
        assert.equal(seen.length, total);
      } finally {
        for (const store of [...writers, reader]) await store.close();
      }
    });

    it('[LOG9] an event slot taken by a writer that bypassed the lock turns into StoreConflictError', async () => {
      const schema = newSchema();
      const store = await openPostgresStore(url, { schema });
      const intruder = new Client({ connectionString: url });
      await intruder.connect();
      try {
        const mine = testEvent({ seq: 1 });
        const theirs = testEvent({ seq: 1, body: { text: 'the other one' } });
        await intruder.query('begin');
        await intruder.query(
          `insert into "${schema}".events (id, line, origin, seq, clock, type, received_at, envelope)
           values ($1, $2, $3, 1, 1, $4, $5, $6)`,
          [theirs.id, theirs.line, theirs.origin, theirs.type, at(0), JSON.stringify(theirs)],
        );
        // The store's check cannot see the uncommitted row; its insert waits on the unique key.
        const commit = store.commit({ events: [mine], receivedAt: at(1), ops: [] });
        await waitUntilBlocking(intruder);
        await intruder.query('commit');
        await assert.rejects(commit, (error: unknown) => {
          assert.ok(error instanceof StoreConflictError);
          assert.equal(error.heldId, theirs.id);
          assert.equal(error.refusedId, mine.id);
          return true;
        });
        assert.equal(await store.countEvents(), 1);
        assert.deepEqual(await store.hasEvents([mine.id, theirs.id]), new Set([theirs.id]));
      } finally {
        await intruder.end();
        await store.close();
      }
    });

    it('[LOG10] a commit on a connection turned read-only throws and writes nothing; writable again, it works', async () => {
      const { store, pool } = await storeOnOneConnection(newSchema());
      try {
        await store.commit({ events: testChain(1, 2), receivedAt: at(0), ops: [] });
        await pool.query('set default_transaction_read_only = on');
        const events = testChain(3, 5);
        const ops = events.map((event) => ({ op: 'message.insert' as const, row: testMessage(event) }));
        await assert.rejects(store.commit({ events, receivedAt: at(1), ops }), /read-only/);
        await pool.query('set default_transaction_read_only = off');
        assert.equal(await store.countEvents(), 2);
        assert.equal(await store.lastArrival(), 2);
        assert.deepEqual(await store.messagesBySeqRange('hotline-alpha-bravo', 'alpha', 1, 5), []);

        const arrivals = await store.commit({ events, receivedAt: at(2), ops });
        // The refused transaction took no identity values: it failed before its INSERT.
        assert.deepEqual(arrivals, [3, 4, 5]);
        assert.equal((await store.messagesBySeqRange('hotline-alpha-bravo', 'alpha', 1, 5)).length, 3);
      } finally {
        await store.close();
      }
    });

    it('[LOG10] a store cannot be opened on a read-only connection (its migrations cannot run)', async () => {
      const schema = newSchema();
      await (await openPostgresStore(url, { schema })).close();
      const readOnlyUrl = withOptions(url, '-c default_transaction_read_only=on');
      await assert.rejects(openPostgresStore(readOnlyUrl, { schema }), /read-only/);
    });

    it('fails to open with the server’s own message when the server refuses the connection', async () => {
      const wrongDatabase = new URL(url);
      wrongDatabase.pathname = '/liaison_no_such_database';
      await assert.rejects(
        openPostgresStore(wrongDatabase.toString(), { schema: newSchema() }),
        /does not exist/,
      );
    });
  });
}

/** `base` with a libpq `options` parameter (server settings for the session) added. */
function withOptions(base: string, options: string): string {
  const withParameter = new URL(base);
  withParameter.searchParams.set('options', options);
  return withParameter.toString();
}
