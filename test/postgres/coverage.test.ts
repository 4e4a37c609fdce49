/**
 * The integration suite runs once on each store (STO1): every file under test/integration/ that
 * starts a cluster has its twin here that imports it on PostgreSQL, unless it is about SQLite.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

/** Integration files about SQLite alone, and why. */
const SQLITE_ONLY: Record<string, string> = {
  'backup.test.ts': 'liaison backup and restore copy the SQLite database; PostgreSQL has pg_dump',
};

const integration = fileURLToPath(new URL('../integration/', import.meta.url));
const here = fileURLToPath(new URL('./', import.meta.url));

/** The text of a file, or '' when there is none. */
function textOf(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

it('[STO1] every integration file that starts a cluster also runs on PostgreSQL', () => {
  const onClusters = readdirSync(integration).filter(
    (name) =>
      name.endsWith('.test.ts') &&
      !(name in SQLITE_ONLY) &&
      textOf(`${integration}${name}`).includes('startCluster('),
  );
  const missing = onClusters.filter(
    (name) =>
      !textOf(`${here}${name}`).includes(`describeOnPostgres(() => import('../integration/${name}'))`),
  );
  assert.ok(onClusters.length > 0);
  assert.deepEqual(missing, [], 'add test/postgres/<name> with describeOnPostgres for each of these');
});
