/**
 * Backups (`liaison backup`, `liaison restore`) on real node folders with real SQLite files: the
 * manifest and its hashes, a consistent snapshot while a writer is busy (STO1), the refusals of
 * a restore (a damaged backup, a running node, another node's folder), and the flag that makes a
 * restored node wait for its peers (LOG9).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import pino from 'pino';
import { freePort } from '../../test/support/cluster.ts';
import { systemClock } from '../core/clock.ts';
import { Ledger } from '../record/ledger.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import { BackupError, createBackup, fileSha256, MANIFEST_FILE, readBackup, restoreBackup } from './backup.ts';
import { BlobStore, blobsDir } from './blobStore.ts';
import { loadSigner, stageNextKey } from './folder.ts';
import { initNode, silentLogger } from './init.ts';
import { KeyRotator } from './keyRotation.ts';
import { startNode } from './node.ts';
import { pidPath } from './pidfile.ts';
import { RESTORED_AT_KEY } from './restoreGate.ts';

const NO_POSTGRES: NodeJS.ProcessEnv = {};
const LOCAL = 'local-alpha';

function backupError(pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof BackupError, `expected a BackupError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  };
}

/** Opens the node folder's store and ledger, for appending notes on its local line. */
async function openNode(dataDir: string) {
  const store = await openSqliteStore(join(dataDir, 'liaison.db'));
  const ledger = new Ledger({
    store,
    signer: loadSigner(dataDir),
    selfId: 'alpha',
    clock: systemClock,
    logger: silentLogger,
  });
  await ledger.open();
  return { store, ledger };
}

async function addNotes(dataDir: string, count: number): Promise<void> {
  const { store, ledger } = await openNode(dataDir);
  try {
    for (let i = 0; i < count; i += 1)
      await ledger.append(LOCAL, 'admin@alpha', 'note.added', { text: `note ${i}` });
  } finally {
    await store.close();
  }
}

describe('backup and restore', () => {
  let root: string;
  let dataDir: string;
  let n = 0;
  const next = (name: string) => {
    n += 1;
    return join(root, `${name}-${n}`);
  };

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'liaison-backup-'));
    dataDir = join(root, 'alpha');
    await initNode({ dataDir, nodeId: 'alpha', name: 'Alpha', httpPort: 17801 });
    await addNotes(dataDir, 5);
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  it('[STO1] a backup holds the database, keys and config (0600) and a manifest with their SHA-256', async () => {
    const outDir = next('backup');
    const manifest = await createBackup({ dataDir, outDir, env: NO_POSTGRES });
    assert.equal(manifest.liaisonBackup, 1);
    assert.equal(manifest.nodeId, 'alpha');
    assert.ok(!Number.isNaN(Date.parse(manifest.createdAt)));
    assert.equal(manifest.events, 6, 'the local genesis and five notes');
    assert.equal(manifest.heads[LOCAL]?.alpha?.seq, 6);
    const names = ['config.json', 'https.crt', 'https.key', 'liaison.db', 'node.key', 'tls.crt', 'tls.key'];
    assert.deepEqual(Object.keys(manifest.files).sort(), names);
    assert.deepEqual(
      readdirSync(outDir).sort(),
      [MANIFEST_FILE, ...names].sort(),
      'nothing else left behind',
    );
    for (const name of names) {
      assert.equal(manifest.files[name], await fileSha256(join(outDir, name)), name);
      assert.equal(statSync(join(outDir, name)).mode & 0o777, 0o600, name);
    }
    assert.deepEqual(JSON.parse(readFileSync(join(outDir, MANIFEST_FILE), 'utf8')), manifest);
    assert.equal(
      readFileSync(join(outDir, 'node.key'), 'utf8'),
      readFileSync(join(dataDir, 'node.key'), 'utf8'),
    );
    assert.deepEqual(await readBackup(outDir), manifest);
  });

  it('[STO1] the snapshot is consistent while a writer appends to the database', async () => {
    const { store, ledger } = await openNode(dataDir);
    let writing = true;
    const writer = (async () => {
      for (let i = 1; writing; i += 1) {
        await ledger.append(LOCAL, 'admin@alpha', 'note.added', { text: `busy ${i}` });
        // Let the backup's steps run between commits, as a node's requests would.
        await new Promise((r) => setImmediate(r));
      }
    })();
    try {
      await new Promise((r) => setTimeout(r, 30));
      const outDir = next('busy');
      const manifest = await createBackup({ dataDir, outDir, env: NO_POSTGRES });
      const snapshot = await openSqliteStore(join(outDir, 'liaison.db'));
      try {
        const count = await snapshot.countEvents();
        assert.equal(count, manifest.events);
        const head = (await snapshot.heads())[LOCAL]?.alpha;
        assert.equal(head?.seq, count, 'every seq up to the head, no gap');
        assert.equal(head?.id, manifest.heads[LOCAL]?.alpha?.id);
      } finally {
        await snapshot.close();
      }
      writing = false;
      await writer;
      assert.ok(
        (await store.countEvents()) > manifest.events,
        'the writer went on during and after the backup',
      );
    } finally {
      writing = false;
      await writer;
      await store.close();
    }
  });

  it('[LOG5][FED11] a node with a blob and a rotated key: the backup carries the retired key and the blob; the restored node starts with its key', async () => {
    const source = next('rotated');
    await initNode({ dataDir: source, nodeId: 'alpha', name: 'Alpha', httpPort: 17801 });
    const { store, ledger } = await openNode(source);
    const blobBytes = randomBytes(70_000);
    let hash: string;
    try {
      await ledger.append(LOCAL, 'admin@alpha', 'note.added', { text: 'before the rotation' });
      const rotator = new KeyRotator({ dataDir: source, ledger, logger: silentLogger, rotated: () => {} });
      await rotator.rotate('admin@alpha');
      await ledger.append(LOCAL, 'admin@alpha', 'note.added', { text: 'after the rotation' });
      ({ hash } = await new BlobStore(blobsDir(source)).putBytes(blobBytes));
    } finally {
      await store.close();
    }
    const retired = readFileSync(join(source, 'node.key.1.retired'), 'utf8');
    const current = loadSigner(source).publicKey;

    const backupDir = next('rotated-backup');
    const manifest = await createBackup({ dataDir: source, outDir: backupDir, env: NO_POSTGRES });
    assert.ok(manifest.files['node.key.1.retired'], 'the retired key is listed with its SHA-256');
    assert.equal(manifest.blobs, 1);
    assert.equal(statSync(join(backupDir, 'node.key.1.retired')).mode & 0o777, 0o600);

    const target = next('rotated-restored');
    await restoreBackup({ backupDir, dataDir: target, env: NO_POSTGRES });
    assert.equal(readFileSync(join(target, 'node.key.1.retired'), 'utf8'), retired);
    assert.equal(loadSigner(target).publicKey, current);
    assert.deepEqual(readFileSync(new BlobStore(blobsDir(target)).pathOf(hash)), blobBytes);

    const [httpPort, federationPort] = [await freePort(), await freePort()];
    const node = await startNode({
      dataDir: target,
      env: {
        LIAISON_HTTP_PORT: String(httpPort),
        LIAISON_FEDERATION_PORT: String(federationPort),
      },
      logger: pino({ level: 'silent' }),
      consoleDir: null,
    });
    try {
      assert.equal(node.signer.publicKey, current);
      assert.equal(node.ledger.nodeKey('alpha'), current, 'the key matches the record');
      const health = await fetch(`${node.url}/healthz`);
      assert.equal(health.status, 200);
    } finally {
      await node.stop();
    }
  });

  it('[LOG5] a staged node.key.next is carried too, and a restore sets aside stale rotation keys', async () => {
    const source = next('staged');
    await initNode({ dataDir: source, nodeId: 'alpha', name: 'Alpha', httpPort: 17801 });
    // As a crash between staging and the rotation's commit leaves it.
    stageNextKey(source, randomBytes(32).toString('base64url'));
    const staged = readFileSync(join(source, 'node.key.next'), 'utf8');
    const backupDir = next('staged-backup');
    const manifest = await createBackup({ dataDir: source, outDir: backupDir, env: NO_POSTGRES });
    assert.ok(manifest.files['node.key.next']);

    const target = next('staged-restored');
    await initNode({ dataDir: target, nodeId: 'alpha', name: 'Alpha', httpPort: 17801 });
    writeFileSync(join(target, 'node.key.7.retired'), 'a key of another history\n');
    const { setAside } = await restoreBackup({ backupDir, dataDir: target, env: NO_POSTGRES });
    assert.equal(readFileSync(join(target, 'node.key.next'), 'utf8'), staged);
    assert.ok(!existsSync(join(target, 'node.key.7.retired')), 'a stale retired key is not left in place');
    assert.ok(setAside && existsSync(join(setAside, 'node.key.7.retired')));
  });

  it('[LOG5] a backup during which the key files change (a rotation) is refused, to be run again', async () => {
    const source = next('rotating');
    await initNode({ dataDir: source, nodeId: 'alpha', name: 'Alpha', httpPort: 17801 });
    let isStaged = false;
    await assert.rejects(
      createBackup({
        dataDir: source,
        outDir: next('rotating-backup'),
        env: NO_POSTGRES,
        // A rotation stages its key while the database is being copied.
        onProgress: () => {
          if (isStaged) return;
          isStaged = true;
          stageNextKey(source, randomBytes(32).toString('base64url'));
        },
      }),
      backupError(/rotated while the backup ran.*back up again/),
    );
    assert.ok(isStaged);
  });

  it('a backup goes into a new or empty folder only', async () => {
    const outDir = next('full');
    await createBackup({ dataDir, outDir, env: NO_POSTGRES });
    await assert.rejects(createBackup({ dataDir, outDir, env: NO_POSTGRES }), backupError(/is not empty/));
  });

  it('[STO1] a PostgreSQL node is refused with a pointer to pg_dump', async () => {
    const env = { DATABASE_URL: 'postgres://liaison@localhost/liaison' };
    await assert.rejects(
      createBackup({ dataDir, outDir: next('pg'), env }),
      backupError(/PostgreSQL.*pg_dump/),
    );
  });

  describe('restore', () => {
    let backupDir: string;
    let sleeper: ChildProcess | null = null;

    before(async () => {
      backupDir = next('source');
      await createBackup({ dataDir, outDir: backupDir, env: NO_POSTGRES });
    });

    afterEach(() => {
      if (sleeper?.pid) process.kill(sleeper.pid, 'SIGKILL');
      sleeper = null;
    });

    it('[LOG9] restores into a new folder and flags the store so the node waits for its peers', async () => {
      const target = next('restored');
      const { manifest, setAside } = await restoreBackup({ backupDir, dataDir: target, env: NO_POSTGRES });
      assert.equal(setAside, null);
      const store = await openSqliteStore(join(target, 'liaison.db'));
      try {
        assert.ok(Date.parse((await store.getMeta(RESTORED_AT_KEY)) ?? '') > 0, 'restored-at is an ISO time');
        assert.equal(await store.countEvents(), manifest.events);
      } finally {
        await store.close();
      }
      assert.equal(statSync(join(target, 'node.key')).mode & 0o777, 0o600);
    });

    it('[LOG9] over an older state of the same node: the replaced files, WAL included, are set aside', async () => {
      const target = next('same-node');
      await restoreBackup({ backupDir, dataDir: target, env: NO_POSTGRES });
      await addNotes(target, 2);
      writeFileSync(join(target, 'liaison.db-wal'), 'a stale write-ahead log');
      const { setAside, manifest } = await restoreBackup({ backupDir, dataDir: target, env: NO_POSTGRES });
      assert.ok(setAside);
      assert.ok(existsSync(join(setAside, 'liaison.db')));
      assert.ok(existsSync(join(setAside, 'liaison.db-wal')));
      assert.ok(
        !existsSync(join(target, 'liaison.db-wal')),
        'no stale WAL may be replayed over the restored database',
      );
      const store = await openSqliteStore(join(target, 'liaison.db'));
      try {
        assert.equal(await store.countEvents(), manifest.events);
      } finally {
        await store.close();
      }
    });

    it('[LOG9] refuses a backup whose file was altered, naming the file', async () => {
      const damaged = next('damaged');
      await createBackup({ dataDir, outDir: damaged, env: NO_POSTGRES });
      const key = join(damaged, 'node.key');
      writeFileSync(key, `${readFileSync(key, 'utf8').trim()}x\n`);
      const target = next('not-restored');
      await assert.rejects(
        restoreBackup({ backupDir: damaged, dataDir: target, env: NO_POSTGRES }),
        backupError(/node\.key does not match its SHA-256/),
      );
      assert.ok(!existsSync(target), 'nothing was written');
    });

    it('[LOG9] refuses a folder without a manifest (an interrupted backup) and a manifest naming other files', async () => {
      const broken = next('broken');
      await createBackup({ dataDir, outDir: broken, env: NO_POSTGRES });
      const manifest = JSON.parse(readFileSync(join(broken, MANIFEST_FILE), 'utf8'));
      manifest.files['../escape'] = manifest.files['node.key'];
      writeFileSync(join(broken, MANIFEST_FILE), JSON.stringify(manifest));
      await assert.rejects(readBackup(broken), backupError(/not a backup manifest/));
      rmSync(join(broken, MANIFEST_FILE));
      await assert.rejects(readBackup(broken), backupError(/no backup\.json/));
    });

    it('[LOG9] refuses while a node runs on the folder', async () => {
      const target = next('running');
      await restoreBackup({ backupDir, dataDir: target, env: NO_POSTGRES });
      sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
      writeFileSync(pidPath(target), `${sleeper.pid}\n`);
      await assert.rejects(
        restoreBackup({ backupDir, dataDir: target, env: NO_POSTGRES }),
        backupError(new RegExp(`runs on .*process ${sleeper.pid}.*stop it`)),
      );
    });

    it("refuses to replace another node's folder unless forced", async () => {
      const other = next('bravo');
      await initNode({ dataDir: other, nodeId: 'bravo', name: 'Bravo', httpPort: 17802 });
      await assert.rejects(
        restoreBackup({ backupDir, dataDir: other, env: NO_POSTGRES }),
        backupError(/holds node bravo.*--force/),
      );
      const { setAside } = await restoreBackup({ backupDir, dataDir: other, force: true, env: NO_POSTGRES });
      assert.ok(setAside && existsSync(join(setAside, 'config.json')));
      assert.match(readFileSync(join(other, 'config.json'), 'utf8'), /"nodeId": "alpha"/);
    });

    it('[STO1] a PostgreSQL node is refused', async () => {
      await assert.rejects(
        restoreBackup({ backupDir, dataDir: next('pg'), env: { DATABASE_URL: 'postgres://x@localhost/y' } }),
        backupError(/PostgreSQL/),
      );
    });
  });
});
