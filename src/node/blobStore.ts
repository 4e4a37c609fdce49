/**
 * The blob store (LOG11, FED11): attachments and recordings, content-addressed by SHA-256.
 *
 * Layout, inside the node's folder whatever its record store (SQLite or PostgreSQL):
 *
 *   DATA/blobs/ab/<sha256 hex>    a held blob, named by the lowercase hex SHA-256 of its bytes
 *                                 (64 characters), filed under its first two characters
 *   DATA/blobs/partial/<sha256>   a blob being fetched from a peer: the bytes so far, in order
 *   DATA/blobs/tmp/               uploads being written
 *
 * A blob reaches its name only whole: its bytes go to a temporary file, which is fsynced,
 * hashed while written, checked, and then renamed (and the folder fsynced). A file under a
 * blob's name is never partial, and a blob that does not hash to its name is refused. Blobs are
 * immutable: writing one already held changes nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  createReadStream,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/** A blob's name: the lowercase hex SHA-256 of its bytes. */
export const BLOB_NAME_PATTERN = /^[0-9a-f]{64}$/;

/** Whether a string is a blob name. */
export function isBlobName(value: unknown): value is string {
  return typeof value === 'string' && BLOB_NAME_PATTERN.test(value);
}

/** Thrown when an upload exceeds its limit; nothing is kept. */
export class BlobTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`a blob may be at most ${limit} bytes`);
    this.name = 'BlobTooLargeError';
  }
}

/** The folder of a node's blobs. */
export function blobsDir(dataDir: string): string {
  return join(dataDir, 'blobs');
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** SHA-256 of a file in hex, read as a stream; null when there is no such file. */
export async function hashFile(path: string): Promise<string | null> {
  if (!existsSync(path)) return null;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export class BlobStore {
  private readonly tmpDir: string;
  private readonly partialDir: string;

  /** `isReadOnly` opens a folder only to read it (a backup being checked): nothing is created. */
  constructor(
    readonly dir: string,
    options: { isReadOnly?: boolean } = {},
  ) {
    this.tmpDir = join(dir, 'tmp');
    this.partialDir = join(dir, 'partial');
    if (options.isReadOnly) return;
    mkdirSync(this.tmpDir, { recursive: true, mode: 0o700 });
    mkdirSync(this.partialDir, { recursive: true, mode: 0o700 });
    // Uploads cut short by a crash leave temporary files that no one will finish.
    for (const name of readdirSync(this.tmpDir)) rmSync(join(this.tmpDir, name), { force: true });
  }

  /** Where a held blob lives (whether or not it is held). */
  pathOf(hash: string): string {
    if (!isBlobName(hash)) throw new Error(`not a blob name: ${hash}`);
    return join(this.dir, hash.slice(0, 2), hash);
  }

  has(hash: string): boolean {
    return isBlobName(hash) && existsSync(this.pathOf(hash));
  }

  /** The size of a held blob in bytes, or null when it is not held. */
  sizeOf(hash: string): number | null {
    if (!isBlobName(hash)) return null;
    try {
      return statSync(this.pathOf(hash)).size;
    } catch {
      return null;
    }
  }

  /** Every held blob's name (backups). */
  list(): string[] {
    const names: string[] = [];
    if (!existsSync(this.dir)) return names;
    for (const prefix of readdirSync(this.dir)) {
      if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
      for (const name of readdirSync(join(this.dir, prefix))) {
        if (isBlobName(name) && name.startsWith(prefix)) names.push(name);
      }
    }
    return names.sort();
  }

  /**
   * Writes a blob from a stream of bytes, at most `maxBytes`, and returns its name and size.
   * Throws BlobTooLargeError (keeping nothing) when the stream is longer.
   */
  async put(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Readable,
    maxBytes: number,
  ): Promise<{ hash: string; size: number }> {
    const tmp = join(this.tmpDir, randomBytes(12).toString('hex'));
    const hash = createHash('sha256');
    let size = 0;
    const file = await open(tmp, 'w', 0o600);
    try {
      for await (const chunk of source) {
        size += chunk.byteLength;
        if (size > maxBytes) throw new BlobTooLargeError(maxBytes);
        hash.update(chunk);
        await file.write(chunk);
      }
      await file.sync();
    } catch (error) {
      await file.close();
      rmSync(tmp, { force: true });
      throw error;
    }
    await file.close();
    const name = hash.digest('hex');
    this.install(tmp, name);
    return { hash: name, size };
  }

  /** Writes a blob held in memory (tests, small blobs). */
  putBytes(bytes: Uint8Array): Promise<{ hash: string; size: number }> {
    return this.put([bytes], Number.MAX_SAFE_INTEGER);
  }

  /** Moves a complete, fsynced, checked file to its name (or drops it when the blob is held). */
  private install(tmp: string, hash: string): void {
    const target = this.pathOf(hash);
    if (existsSync(target)) {
      rmSync(tmp, { force: true });
      return;
    }
    const folder = join(this.dir, hash.slice(0, 2));
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    renameSync(tmp, target);
    fsyncPath(folder);
  }

  /** A stream of a held blob's bytes. */
  read(hash: string): Readable {
    return createReadStream(this.pathOf(hash));
  }

  /** Up to `length` bytes of a held blob from `offset`, and its total size; null when not held. */
  readRange(hash: string, offset: number, length: number): { total: number; data: Buffer } | null {
    let fd: number;
    try {
      fd = openSync(this.pathOf(hash), 'r');
    } catch {
      return null;
    }
    try {
      const total = statSync(this.pathOf(hash)).size;
      const wanted = Math.max(0, Math.min(length, total - offset));
      const data = Buffer.alloc(wanted);
      let read = 0;
      while (read < wanted) {
        const n = readSync(fd, data, read, wanted - read, offset + read);
        if (n === 0) break;
        read += n;
      }
      return { total, data: data.subarray(0, read) };
    } finally {
      closeSync(fd);
    }
  }

  /** Whether the held file still hashes to its name (a damaged disk, a hand edit). */
  async isIntact(hash: string): Promise<boolean> {
    return (await hashFile(this.pathOf(hash))) === hash;
  }

  // --- Blobs being fetched from peers (FED11) ---

  private partialPath(hash: string): string {
    if (!isBlobName(hash)) throw new Error(`not a blob name: ${hash}`);
    return join(this.partialDir, hash);
  }

  /** Names of the blobs being fetched (their partial files survive a restart). */
  listPartial(): string[] {
    return existsSync(this.partialDir) ? readdirSync(this.partialDir).filter(isBlobName).sort() : [];
  }

  /** Bytes fetched so far of a wanted blob: where its fetch resumes. Creates the file when new. */
  partialSize(hash: string): number {
    const path = this.partialPath(hash);
    try {
      return statSync(path).size;
    } catch {
      closeSync(openSync(path, 'a', 0o600));
      return 0;
    }
  }

  /**
   * Appends the next bytes of a wanted blob. `offset` must be the bytes held so far, so a chunk
   * can never land in the wrong place; returns false (writing nothing) when it is not.
   */
  appendPartial(hash: string, offset: number, data: Uint8Array): boolean {
    const path = this.partialPath(hash);
    const fd = openSync(path, 'a', 0o600);
    try {
      if (statSync(path).size !== offset) return false;
      let written = 0;
      while (written < data.byteLength) written += writeSync(fd, data, written);
      return true;
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Finishes a fetched blob: fsyncs it, checks it against its name and moves it into place.
   * Returns false, and deletes the partial file, when it does not hash to its name (LOG11).
   */
  async completePartial(hash: string): Promise<boolean> {
    const path = this.partialPath(hash);
    if ((await hashFile(path)) !== hash) {
      rmSync(path, { force: true });
      return false;
    }
    fsyncPath(path);
    this.install(path, hash);
    return true;
  }

  /** Forgets the bytes fetched so far of a blob. */
  dropPartial(hash: string): void {
    rmSync(this.partialPath(hash), { force: true });
  }
}

/**
 * Copies the named blobs into a flat folder `DIR/<hash>` (`liaison export --blobs DIR`), each
 * through a temporary file; returns the names this node does not hold (still being fetched).
 */
export function copyBlobsTo(
  blobs: BlobStore,
  hashes: Iterable<string>,
  dir: string,
): { copied: number; missing: string[] } {
  mkdirSync(dir, { recursive: true });
  let copied = 0;
  const missing: string[] = [];
  for (const hash of [...hashes].sort()) {
    if (!blobs.has(hash)) {
      missing.push(hash);
      continue;
    }
    const target = join(dir, hash);
    copyFileSync(blobs.pathOf(hash), `${target}.partial`);
    renameSync(`${target}.partial`, target);
    copied += 1;
  }
  return { copied, missing };
}

/** What a blob in a flat folder `DIR/<hash>` hashes to (`liaison verify --blobs DIR`). */
export function digestInFolder(dir: string): (hash: string) => Promise<string | null> {
  return (hash) => hashFile(join(dir, hash));
}
