/**
 * Backups of a node's folder (`liaison backup`, `liaison restore`).
 *
 * A backup is a folder: `liaison.db`, a consistent snapshot of the SQLite store taken with
 * SQLite's online backup API while the node runs (WAL readers do not block the node's writer);
 * copies of `config.json`, `node.key`, `tls.key`, `tls.crt`, `https.key` and `https.crt`, and of the files a key rotation
 * leaves (LOG5): every `node.key.<n>.retired` and a staged `node.key.next`; and `backup.json`,
 * written last:
 *
 *   {"liaisonBackup": 1, "nodeId", "createdAt", "events", "heads": {line: {origin: {seq, id}}},
 *    "files": {name: sha256 hex}, "blobs": count}
 *
 * and the node's blobs (LOG11) in `blobs/ab/<sha256>`, as in the node's folder: each is named by
 * its hash, so it is checked by hashing it; a restore adds them to the folder's blobs (a blob
 * never changes, so none is set aside).
 *
 * The key files are read before the database is copied and checked again after: a rotation that
 * ran in between (its staged key, its retired key) could leave a `node.key` that the snapshot's
 * record does not name, so such a backup is refused and should be run again. With the key files
 * unchanged across the copy, the next start finishes or drops a staged rotation as after a crash.
 *
 * Every file is mode 0600 (the database holds password hashes and TOTP secrets; the keys sign
 * for the node). A restore checks every hash first, refuses while a node runs on the target
 * folder, moves the files it replaces aside, and leaves the store flag `restored-at`, so the
 * node holds its appends on its next start until its peers have returned its own latest events
 * (LOG9, see restoreGate.ts).
 *
 * PostgreSQL stores (DATABASE_URL) are not backed up here: pg_dump their schema
 * (docs/OPERATIONS.md).
 */
import { createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  createReadStream,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import { type Clock, isoTime, systemClock } from '../core/clock.ts';
import { NODE_ID_PATTERN } from '../core/types.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import { BlobStore, blobsDir } from './blobStore.ts';
import { ConfigError, configPath, loadConfig } from './config.ts';
import { databasePath } from './folder.ts';
import { runningPid } from './pidfile.ts';
import { RESTORED_AT_KEY } from './restoreGate.ts';

/** The manifest's file name inside a backup folder. */
export const MANIFEST_FILE = 'backup.json';
const DATABASE_FILE = 'liaison.db';
/** Files every backup holds. */
const REQUIRED_FILES = ['config.json', 'node.key', DATABASE_FILE] as const;
/**
 * Files a backup holds when the node has them (folders made before TLS may not, FED2): the
 * federation's TLS identity and the console's self-signed HTTPS one (SEC2).
 */
const OPTIONAL_FILES = ['tls.key', 'tls.crt', 'https.key', 'https.crt'] as const;
const BACKUP_FILES: readonly string[] = [...REQUIRED_FILES, ...OPTIONAL_FILES];
/** The staged key of a rotation in progress (LOG5). */
const NEXT_KEY_FILE = 'node.key.next';
/** A key a rotation retired (LOG5), numbered from 1 by promoteNextKey. */
const RETIRED_KEY_FILE = /^node\.key\.[1-9][0-9]{0,5}\.retired$/;

/** Whether a file name is one a key rotation leaves in a node's folder. */
function isRotationKeyFile(name: string): boolean {
  return name === NEXT_KEY_FILE || RETIRED_KEY_FILE.test(name);
}

/** The rotation key files of a folder, sorted. */
function rotationKeyFiles(dir: string): string[] {
  return readdirSync(dir).filter(isRotationKeyFile).sort();
}

/** `node.key` and the rotation key files of a folder, each with its SHA-256. */
async function keyFilesState(dir: string): Promise<Map<string, string>> {
  const state = new Map<string, string>();
  for (const name of ['node.key', ...rotationKeyFiles(dir)]) {
    const path = join(dir, name);
    if (existsSync(path)) state.set(name, await fileSha256(path));
  }
  return state;
}

/** SQLite's companions of a database file, which must never outlive a replaced database. */
const DATABASE_COMPANIONS = ['-wal', '-shm', '-journal'].map((suffix) => `${DATABASE_FILE}${suffix}`);

/** Pages copied per backup step at least (4 KiB each). */
const MIN_PAGES_PER_STEP = 256;
/** Steps a backup aims for, so progress moves. */
const TARGET_STEPS = 50;

/** A backup or restore that cannot be done, explained for a person. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

const headsSchema = z.record(z.string(), z.record(z.string(), z.object({ seq: z.number(), id: z.string() })));

const manifestSchema = z
  .object({
    liaisonBackup: z.literal(1),
    nodeId: z.string().regex(NODE_ID_PATTERN),
    createdAt: z.string(),
    events: z.number().int().min(0),
    heads: headsSchema,
    files: z.record(
      z
        .string()
        .refine((name) => BACKUP_FILES.includes(name) || isRotationKeyFile(name), 'not a file of a backup'),
      z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in hex'),
    ),
    /** Blobs in `blobs/` (backups made before blobs have none). */
    blobs: z.number().int().min(0).optional(),
  })
  .strict();

/** `backup.json`. */
export type BackupManifest = z.infer<typeof manifestSchema>;

export interface BackupOptions {
  dataDir: string;
  /** The backup folder to create; it must not exist or be empty. */
  outDir: string;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  /** Called as the database is copied, in pages. */
  onProgress?(copiedPages: number, totalPages: number): void;
}

function refusePostgres(env: NodeJS.ProcessEnv, what: string): void {
  if (env.DATABASE_URL) {
    throw new BackupError(
      `this node keeps its record in PostgreSQL (DATABASE_URL is set): \`liaison ${what}\` handles ` +
        "SQLite nodes only for now. Dump the node's schema with pg_dump and copy config.json, node.key, " +
        'tls.key and tls.crt (docs/OPERATIONS.md, "Backups")',
    );
  }
}

/** SHA-256 of a file in hex, read as a stream. */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Copies every blob of a node's or backup's folder into another (each written, fsynced and
 * renamed); makes no folder when there is nothing to copy. Returns the count.
 */
async function copyBlobs(fromDir: string, toDir: string): Promise<number> {
  const from = new BlobStore(fromDir, { isReadOnly: true });
  const names = from.list();
  if (names.length === 0) return 0;
  const to = new BlobStore(toDir);
  for (const hash of names) {
    if (!to.has(hash)) await to.put(from.read(hash), Number.MAX_SAFE_INTEGER);
  }
  return names.length;
}

function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Copies the node's store with SQLite's online backup API. The copy restarts when another
 * process writes in the middle of it; after a restart the rest is copied in one step, which
 * holds a WAL read snapshot for that step and so always finishes.
 */
async function snapshotDatabase(
  source: string,
  destination: string,
  onProgress?: (copied: number, total: number) => void,
): Promise<void> {
  const database = new BetterSqlite3(source, { readonly: true, fileMustExist: true, timeout: 5_000 });
  try {
    let lastRemaining = Number.POSITIVE_INFINITY;
    let steps = 0;
    await database.backup(destination, {
      progress: ({ totalPages, remainingPages }) => {
        onProgress?.(totalPages - remainingPages, totalPages);
        steps += 1;
        const restarted = remainingPages >= lastRemaining;
        lastRemaining = remainingPages;
        if (restarted || steps > TARGET_STEPS * 2) return 0x7fffffff;
        return Math.max(MIN_PAGES_PER_STEP, Math.ceil(totalPages / TARGET_STEPS));
      },
    });
  } finally {
    database.close();
  }
}

/** Backs up a node's folder, running or not (SQLite only); returns the manifest written. */
export async function createBackup(options: BackupOptions): Promise<BackupManifest> {
  const { dataDir, outDir } = options;
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  refusePostgres(env, 'backup');
  const config = loadConfig(dataDir, env);
  if (!existsSync(databasePath(dataDir))) throw new BackupError(`${databasePath(dataDir)} is missing`);
  if (existsSync(outDir) && readdirSync(outDir).length > 0) {
    throw new BackupError(`${outDir} is not empty: back up into a new folder`);
  }
  mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const createdAt = isoTime(clock.now());
  // Read before the database is copied, compared after the copies (see the module comment).
  const keysBefore = await keyFilesState(dataDir);

  const snapshot = join(outDir, DATABASE_FILE);
  const partial = `${snapshot}.partial`;
  try {
    await snapshotDatabase(databasePath(dataDir), partial, options.onProgress);
  } catch (error) {
    rmSync(partial, { force: true });
    throw new BackupError(`the database could not be copied: ${(error as Error).message}`);
  }
  chmodSync(partial, 0o600);
  syncPath(partial);
  renameSync(partial, snapshot);

  // What the snapshot holds, read from the snapshot itself.
  const store = await openSqliteStore(snapshot);
  let events: number;
  let heads: BackupManifest['heads'] = {};
  try {
    const self = (await store.listNodes()).find((n) => n.isSelf);
    if (self && self.nodeId !== config.nodeId) {
      throw new BackupError(`the database belongs to ${self.nodeId}, config.json to ${config.nodeId}`);
    }
    events = await store.countEvents();
    heads = {};
    for (const [line, origins] of Object.entries(await store.heads())) {
      const entry: Record<string, { seq: number; id: string }> = {};
      for (const [origin, head] of Object.entries(origins)) entry[origin] = { seq: head.seq, id: head.id };
      heads[line] = entry;
    }
  } finally {
    await store.close();
  }

  for (const name of BACKUP_FILES) {
    if (name === DATABASE_FILE) continue;
    const from = join(dataDir, name);
    if (!existsSync(from)) {
      if ((REQUIRED_FILES as readonly string[]).includes(name)) throw new BackupError(`${from} is missing`);
      continue;
    }
    copyFileSync(from, join(outDir, name));
    chmodSync(join(outDir, name), 0o600);
  }
  const rotationKeys = [...keysBefore.keys()].filter(isRotationKeyFile);
  for (const name of rotationKeys) {
    copyFileSync(join(dataDir, name), join(outDir, name));
    chmodSync(join(outDir, name), 0o600);
  }
  const keysCopied = await keyFilesState(outDir);
  const keysNow = await keyFilesState(dataDir);
  const isSameKeys = (state: Map<string, string>) =>
    state.size === keysBefore.size && [...keysBefore].every(([name, hash]) => state.get(name) === hash);
  if (!isSameKeys(keysCopied) || !isSameKeys(keysNow)) {
    throw new BackupError(
      'the signing key was rotated while the backup ran (LOG5), so its key files and its database ' +
        'may not match: back up again into a new folder',
    );
  }

  const files: Record<string, string> = {};
  for (const name of [...BACKUP_FILES, ...rotationKeys]) {
    const path = join(outDir, name);
    if (existsSync(path)) {
      syncPath(path);
      files[name] = await fileSha256(path);
    }
  }
  const blobCount = await copyBlobs(blobsDir(dataDir), blobsDir(outDir));
  const manifest: BackupManifest = {
    liaisonBackup: 1,
    nodeId: config.nodeId,
    createdAt,
    events,
    heads,
    files,
    blobs: blobCount,
  };
  // The manifest comes last: a backup cut short has none, and restore refuses it.
  const manifestPath = join(outDir, MANIFEST_FILE);
  writeFileSync(`${manifestPath}.partial`, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  syncPath(`${manifestPath}.partial`);
  renameSync(`${manifestPath}.partial`, manifestPath);
  syncPath(outDir);
  return manifest;
}

/** Reads a backup's manifest and checks every file against its hash; throws BackupError. */
export async function readBackup(backupDir: string): Promise<BackupManifest> {
  const manifestPath = join(backupDir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) {
    throw new BackupError(
      `${backupDir} is not a Liaison backup (no ${MANIFEST_FILE}; an interrupted backup has none)`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    throw new BackupError(`${manifestPath} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new BackupError(
      `${manifestPath} is not a backup manifest: ${first?.path.join('.')}: ${first?.message}`,
    );
  }
  const manifest = parsed.data;
  for (const name of REQUIRED_FILES) {
    if (!manifest.files[name]) throw new BackupError(`the backup does not list ${name}`);
  }
  for (const [name, expected] of Object.entries(manifest.files)) {
    const path = join(backupDir, name);
    if (!existsSync(path)) throw new BackupError(`the backup lacks ${name}`);
    if ((await fileSha256(path)) !== expected) {
      throw new BackupError(
        `${name} does not match its SHA-256 in ${MANIFEST_FILE}: the backup is damaged or altered`,
      );
    }
  }
  let configNodeId: string;
  try {
    configNodeId = loadConfig(backupDir, {}).nodeId;
  } catch (error) {
    throw new BackupError(`the backup's config.json is not valid: ${(error as Error).message}`);
  }
  if (configNodeId !== manifest.nodeId) {
    throw new BackupError(`the backup's config.json names ${configNodeId}, its manifest ${manifest.nodeId}`);
  }
  if (existsSync(blobsDir(backupDir))) {
    const blobs = new BlobStore(blobsDir(backupDir), { isReadOnly: true });
    const names = blobs.list();
    if (manifest.blobs !== undefined && names.length !== manifest.blobs) {
      throw new BackupError(`the backup holds ${names.length} blobs, its manifest says ${manifest.blobs}`);
    }
    for (const hash of names) {
      if (!(await blobs.isIntact(hash)))
        throw new BackupError(
          `blob ${hash} does not hash to its name (LOG11): the backup is damaged or altered`,
        );
    }
  } else if (manifest.blobs) {
    throw new BackupError(`the backup lacks its ${manifest.blobs} blobs`);
  }
  return manifest;
}

export interface RestoreOptions {
  backupDir: string;
  /** The node folder to restore into (created when missing). */
  dataDir: string;
  /** Replace a folder that holds another node. */
  force?: boolean;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
}

export interface RestoreResult {
  manifest: BackupManifest;
  /** Where the files the restore replaced were moved, or null when it replaced none. */
  setAside: string | null;
}

/** The node id of the folder's config.json, or null when it has none (or an unreadable one). */
function folderNodeId(dataDir: string): string | null {
  if (!existsSync(configPath(dataDir))) return null;
  try {
    return loadConfig(dataDir, {}).nodeId;
  } catch (error) {
    if (error instanceof ConfigError) return null;
    throw error;
  }
}

/**
 * Restores a backup into a stopped node's folder and flags the store, so the node waits for its
 * peers before appending again (LOG9). The files it replaces are moved to
 * `DATA/before-restore-<time>/`, not deleted.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const { backupDir, dataDir } = options;
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  refusePostgres(env, 'restore');
  const manifest = await readBackup(backupDir);
  const pid = runningPid(dataDir);
  if (pid !== null)
    throw new BackupError(`a node runs on ${dataDir} (process ${pid}): stop it before restoring`);
  const existing = folderNodeId(dataDir);
  if (existing !== null && existing !== manifest.nodeId && !options.force) {
    throw new BackupError(
      `${dataDir} holds node ${existing}, and the backup is of ${manifest.nodeId}: use --force to replace it`,
    );
  }

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const now = clock.now();
  let setAside: string | null = null;
  // Stale rotation key files go too: a staged key or retired keys the backup does not hold.
  const replaced = [...BACKUP_FILES, ...DATABASE_COMPANIONS, ...rotationKeyFiles(dataDir)];
  for (const name of replaced) {
    const path = join(dataDir, name);
    if (!existsSync(path)) continue;
    setAside ??= join(dataDir, `before-restore-${isoTime(now).replace(/[:.]/g, '-')}`);
    mkdirSync(setAside, { recursive: true, mode: 0o700 });
    renameSync(path, join(setAside, name));
  }
  for (const name of Object.keys(manifest.files)) {
    const target = join(dataDir, name);
    copyFileSync(join(backupDir, name), `${target}.restoring`);
    chmodSync(`${target}.restoring`, 0o600);
    syncPath(`${target}.restoring`);
    renameSync(`${target}.restoring`, target);
  }
  if (existsSync(blobsDir(backupDir))) {
    await copyBlobs(blobsDir(backupDir), blobsDir(dataDir));
  }
  syncPath(dataDir);

  const store = await openSqliteStore(databasePath(dataDir));
  try {
    await store.setMeta(RESTORED_AT_KEY, isoTime(now));
  } finally {
    await store.close();
  }
  return { manifest, setAside };
}
