/**
 * `liaison backup` and `liaison restore` on real node processes: a backup taken while alpha runs,
 * restored after alpha wrote more; the restored alpha holds its appends until bravo has returned
 * its newer events, then goes on from the highest seq it ever used (LOG9); its export verifies
 * (LOG12). Also: a backup restored elsewhere exports a record that verifies, the admin override
 * for a node whose peers are gone, and the PostgreSQL refusal.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LiaisonEvent } from '../../src/core/types.ts';
import type { BackupManifest } from '../../src/node/backup.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import {
  ApiClient,
  BIN,
  type Cluster,
  eventually,
  HOTLINE,
  startCluster,
  waitLinkUp,
} from '../support/cluster.ts';

interface EventsPage {
  events: LiaisonEvent[];
  cursor: number;
}

interface Health {
  status: string;
  reason?: string;
}

/** Runs the CLI as a user would, piped (so without progress), on SQLite. */
function liaison(args: string[], env: NodeJS.ProcessEnv = {}) {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...inherited, LIAISON_LOG_LEVEL: 'warn', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function health(url: string): Promise<Health> {
  return (await (await fetch(`${url}/healthz`)).json()) as Health;
}

async function hotlineEvents(client: ApiClient): Promise<LiaisonEvent[]> {
  return (await client.get<EventsPage>(`/api/v1/lines/${HOTLINE}/events?limit=10000`)).events;
}

function highestSeq(events: LiaisonEvent[], origin: string): number {
  return Math.max(0, ...events.filter((e) => e.origin === origin).map((e) => e.seq));
}

function post(client: ApiClient, text: string) {
  return client.request('POST', `/api/v1/lines/${HOTLINE}/messages`, { text, precedence: 'ROUTINE' });
}

/** Exports a node folder and verifies the export; returns verify's output. */
function exportAndVerify(dataDir: string, file: string): string {
  const exported = liaison(['export', '--data', dataDir, '--out', file]);
  assert.equal(exported.status, 0, exported.stderr);
  const verified = liaison(['verify', file]);
  assert.equal(verified.status, 0, verified.stdout + verified.stderr);
  return verified.stdout;
}

describe('backup and restore of real nodes', { timeout: 180_000 }, () => {
  let cluster: Cluster;
  let alpha: ApiClient;
  let bravo: ApiClient;

  before(async () => {
    cluster = await startCluster();
    alpha = await ApiClient.login(cluster.node('alpha').url, 'officer');
    bravo = await ApiClient.login(cluster.node('bravo').url, 'officer');
    await waitLinkUp(alpha);
  });

  after(async () => {
    await cluster?.stop();
  });

  it('[LOG9][LOG12] alpha restored from an old backup gets its newer events back from bravo first and never reuses a seq', async () => {
    const alphaNode = cluster.node('alpha');
    const bravoNode = cluster.node('bravo');
    for (const text of ['before the backup 1', 'before the backup 2', 'before the backup 3']) {
      assert.equal((await post(alpha, text)).status, 201);
    }

    const backupDir = join(cluster.root, 'alpha-backup');
    const backup = liaison(['backup', '--data', alphaNode.dir, '--out', backupDir]);
    assert.equal(backup.status, 0, backup.stderr);
    // The node's files besides the database: config, keys and certificates (src/node/backup.ts).
    assert.match(backup.stdout, /backed up alpha: \d+ events? and 7 files/);
    assert.equal(backup.stderr, '', 'no progress when piped');
    const manifest = JSON.parse(readFileSync(join(backupDir, 'backup.json'), 'utf8')) as BackupManifest;
    const seqInBackup = manifest.heads[HOTLINE]?.alpha?.seq ?? 0;
    assert.ok(seqInBackup >= 4, 'the genesis and three messages are in the backup');

    for (const text of ['after the backup 1', 'after the backup 2', 'after the backup 3']) {
      assert.equal((await post(alpha, text)).status, 201);
    }
    await eventually('bravo to hold everything alpha wrote', async () => {
      const atAlpha = highestSeq(await hotlineEvents(alpha), 'alpha');
      return highestSeq(await hotlineEvents(bravo), 'alpha') === atAlpha ? true : undefined;
    });
    await alphaNode.stop('SIGKILL');

    // The highest seq alpha ever used, read from its own database before the restore.
    const killed = await openSqliteStore(join(alphaNode.dir, 'liaison.db'));
    const highestUsed = (await killed.heads(HOTLINE))[HOTLINE]?.alpha?.seq ?? 0;
    await killed.close();
    assert.ok(highestUsed >= seqInBackup + 3, 'alpha wrote after the backup');
    assert.equal(highestSeq(await hotlineEvents(bravo), 'alpha'), highestUsed, 'bravo holds all of them');

    // Bravo is away while alpha starts, so the hold can be seen.
    await bravoNode.stop('SIGTERM');
    const restore = liaison(['restore', backupDir, '--data', alphaNode.dir]);
    assert.equal(restore.status, 0, restore.stderr);
    assert.match(restore.stdout, /restored alpha/);
    assert.match(restore.stdout, /files it replaced are in .*before-restore-/);

    await alphaNode.start();
    const held = await health(alphaNode.url);
    assert.equal(held.status, 'catching-up', 'healthz answers 200 and says why');
    assert.match(held.reason ?? '', /restored from a backup.*waiting for bravo/);
    alpha = await ApiClient.login(alphaNode.url, 'officer');
    const early = await post(alpha, 'too early');
    assert.equal(early.status, 503);
    assert.equal((early.body as { error: string }).error, 'catching-up');

    await bravoNode.start();
    await eventually(
      'alpha to get its own events back and end the hold',
      async () => ((await health(alphaNode.url)).status === 'ok' ? true : undefined),
      30_000,
    );
    assert.equal(
      highestSeq(await hotlineEvents(alpha), 'alpha'),
      highestUsed,
      'its own newer events came back',
    );

    const next = await post(alpha, 'after the restore');
    assert.equal(next.status, 201, JSON.stringify(next.body));
    assert.equal((next.body as LiaisonEvent).seq, highestUsed + 1, 'the next seq, never a reused one');

    await eventually('both nodes to hold the same events', async () => {
      const ids = (events: LiaisonEvent[]) => events.map((e) => e.id).sort();
      const [atAlpha, atBravo] = [ids(await hotlineEvents(alpha)), ids(await hotlineEvents(bravo))];
      return JSON.stringify(atAlpha) === JSON.stringify(atBravo) ? true : undefined;
    });
    const metrics = (await bravo.request('GET', '/metrics')).body as string;
    assert.doesNotMatch(
      metrics,
      /liaison_events_rejected_total\{[^}]*reason="equivocation"/,
      'no equivocation',
    );

    const verified = exportAndVerify(alphaNode.dir, join(cluster.root, 'alpha-after-restore.jsonl'));
    assert.match(verified, /^OK: \d+ events/m);
  });

  it('[LOG12] a backup restored into a new folder exports a record that verifies', () => {
    const bravoNode = cluster.node('bravo');
    const backupDir = join(cluster.root, 'bravo-backup');
    assert.equal(liaison(['backup', '--data', bravoNode.dir, '--out', backupDir]).status, 0);
    const restoredDir = join(cluster.root, 'bravo-restored');
    const restore = liaison(['restore', backupDir, '--data', restoredDir]);
    assert.equal(restore.status, 0, restore.stderr);
    const verified = exportAndVerify(restoredDir, join(cluster.root, 'bravo-restored.jsonl'));
    assert.match(verified, new RegExp(`OK: \\d+ events on 1 line\\(s\\) verified \\(${HOTLINE}\\)`));
  });

  it('[LOG9] an admin ends the wait of a restored node whose peers are gone (liaison release-appends)', async () => {
    const alphaNode = cluster.node('alpha');
    const bravoNode = cluster.node('bravo');
    const backupDir = join(cluster.root, 'alpha-backup-2');
    assert.equal(liaison(['backup', '--data', alphaNode.dir, '--out', backupDir]).status, 0);
    await bravoNode.stop('SIGTERM');
    await alphaNode.stop('SIGTERM');
    assert.equal(liaison(['restore', backupDir, '--data', alphaNode.dir]).status, 0);
    await alphaNode.start();
    assert.equal((await health(alphaNode.url)).status, 'catching-up');

    const released = liaison(['release-appends', '--data', alphaNode.dir]);
    assert.equal(released.status, 0, released.stderr);
    assert.match(released.stdout, /appends released \(they were held: restored from a backup/);
    assert.equal((await health(alphaNode.url)).status, 'ok');
    alpha = await ApiClient.login(alphaNode.url, 'officer');
    assert.equal((await post(alpha, 'bravo is away')).status, 201);
    assert.match(liaison(['release-appends', '--data', alphaNode.dir]).stdout, /appends were not held/);
    await bravoNode.start();
  });

  it('[STO1] backup of a PostgreSQL node says it is not supported yet and exits non-zero', () => {
    const result = liaison(
      ['backup', '--data', cluster.node('alpha').dir, '--out', join(cluster.root, 'pg')],
      {
        DATABASE_URL: 'postgres://liaison@127.0.0.1:1/liaison',
      },
    );
    assert.equal(result.status, 1);
    assert.match(result.stderr, /PostgreSQL .*pg_dump.*OPERATIONS\.md/);
  });
});
