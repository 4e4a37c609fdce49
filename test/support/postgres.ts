/**
 * The PostgreSQL server the tests use (STO1): a node keeps its store in its own schema of one
 * shared database, so every cluster gets fresh, randomly named schemas and drops them after.
 *
 * The server: `LIAISON_TEST_DATABASE_URL`, default postgres://postgres@127.0.0.1:5432/test
 * (the same as the store's own tests); its user must be allowed to create schemas and roles.
 */
import { randomBytes } from 'node:crypto';
import { describe } from 'node:test';
import { Client } from 'pg';

export const TEST_DATABASE_URL =
  process.env.LIAISON_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** Runs `work` with a plain client of the test server, as its (superuser) test user. */
export async function withPostgres<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Throws an error that says how to get a server when the test server does not answer. */
export async function assertPostgresReachable(): Promise<void> {
  try {
    await withPostgres((client) => client.query('select 1'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `PostgreSQL is not reachable at ${TEST_DATABASE_URL} (${reason}). Start it with ` +
        '`pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start`, create the database ' +
        'with `createdb -h 127.0.0.1 -U postgres test`, or point LIAISON_TEST_DATABASE_URL elsewhere.',
    );
  }
}

/** A fresh schema name for one node: `t_<random>_<nodeId>`, within PostgreSQL's 63 characters. */
export function newSchemaName(nodeId: string): string {
  return `t_${randomBytes(5).toString('hex')}_${nodeId}`.slice(0, 63);
}

/** `name` as a double-quoted SQL identifier. */
export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Drops these schemas and everything in them. */
export async function dropSchemas(schemas: string[]): Promise<void> {
  if (schemas.length === 0) return;
  await withPostgres(async (client) => {
    for (const schema of schemas)
      await client.query(`drop schema if exists ${sqlIdentifier(schema)} cascade`);
  });
}

/**
 * Registers the tests of an integration file once more, on PostgreSQL, under a suite
 * "on PostgreSQL": `LIAISON_TEST_STORE=postgres` makes every `startCluster` in it put its nodes
 * there. Each file under test/postgres/ that wraps one of test/integration/ is this one call, so
 * both runs share one test runner and one summary.
 */
export function describeOnPostgres(load: () => Promise<unknown>): void {
  process.env.LIAISON_TEST_STORE = 'postgres';
  describe('on PostgreSQL', async () => {
    await load();
  });
}
