import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { BlobStore, BlobTooLargeError, isBlobName } from './blobStore.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('the blob store', () => {
  const root = mkdtempSync(join(tmpdir(), 'liaison-blobs-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  let folders = 0;
  const fresh = () => new BlobStore(join(root, `b${++folders}`));

  it('[LOG11] a blob is named by the lowercase hex SHA-256 of its bytes and read back whole', async () => {
    const blobs = fresh();
    const bytes = randomBytes(300_000);
    const { hash, size } = await blobs.put(
      Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]),
      1e6,
    );
    assert.equal(hash, sha256(bytes));
    assert.ok(isBlobName(hash));
    assert.equal(size, bytes.length);
    assert.ok(blobs.has(hash));
    assert.equal(blobs.sizeOf(hash), bytes.length);
    assert.equal(blobs.pathOf(hash), join(blobs.dir, hash.slice(0, 2), hash));
    assert.deepEqual(readFileSync(blobs.pathOf(hash)), bytes);
    assert.deepEqual(blobs.list(), [hash]);
    assert.equal(await blobs.isIntact(hash), true);
  });

  it('[LOG11] an upload over the limit keeps nothing, not even a temporary file', async () => {
    const blobs = fresh();
    await assert.rejects(blobs.put([randomBytes(600), randomBytes(600)], 1000), BlobTooLargeError);
    assert.deepEqual(blobs.list(), []);
    assert.deepEqual(readdirSync(join(blobs.dir, 'tmp')), []);
  });

  it('[LOG11] writing a blob already held changes nothing', async () => {
    const blobs = fresh();
    const bytes = randomBytes(100);
    const first = await blobs.putBytes(bytes);
    const second = await blobs.putBytes(bytes);
    assert.deepEqual(first, second);
    assert.deepEqual(blobs.list(), [first.hash]);
  });

  it('[LOG11] names that are not lowercase hex SHA-256 are never held', () => {
    const blobs = fresh();
    for (const name of ['', 'ABC', 'a'.repeat(63), 'A'.repeat(64), `${'a'.repeat(63)}g`, '../etc/passwd'])
      assert.equal(blobs.has(name), false, name);
    assert.throws(() => blobs.pathOf('../x'));
  });

  it('[FED11] a fetched blob grows only at its end, and is kept only when it hashes to its name', async () => {
    const blobs = fresh();
    const bytes = randomBytes(5000);
    const hash = sha256(bytes);
    assert.equal(blobs.partialSize(hash), 0);
    assert.deepEqual(blobs.listPartial(), [hash]);
    assert.equal(blobs.appendPartial(hash, 0, bytes.subarray(0, 2000)), true);
    assert.equal(blobs.appendPartial(hash, 1000, bytes.subarray(1000, 3000)), false, 'wrong offset');
    assert.equal(blobs.partialSize(hash), 2000);
    assert.equal(blobs.has(hash), false, 'never under its name while partial');
    assert.equal(blobs.appendPartial(hash, 2000, bytes.subarray(2000)), true);
    assert.equal(await blobs.completePartial(hash), true);
    assert.deepEqual(readFileSync(blobs.pathOf(hash)), bytes);
    assert.deepEqual(blobs.listPartial(), []);

    const other = randomBytes(100);
    const otherHash = sha256(other);
    blobs.appendPartial(otherHash, 0, randomBytes(100));
    assert.equal(await blobs.completePartial(otherHash), false, 'refused: wrong bytes');
    assert.equal(blobs.has(otherHash), false);
    assert.deepEqual(blobs.listPartial(), [], 'the wrong bytes are dropped');
  });

  it('[LOG11] a changed byte in a held blob is found', async () => {
    const blobs = fresh();
    const { hash } = await blobs.putBytes(randomBytes(1000));
    const path = blobs.pathOf(hash);
    const altered = readFileSync(path);
    altered[10] = (altered[10] ?? 0) ^ 1;
    writeFileSync(path, altered);
    assert.equal(await blobs.isIntact(hash), false);
  });

  it('[FED11] reads a range of a held blob; null for one not held', async () => {
    const blobs = fresh();
    const bytes = randomBytes(1000);
    const { hash } = await blobs.putBytes(bytes);
    assert.deepEqual(blobs.readRange(hash, 900, 500), { total: 1000, data: bytes.subarray(900) });
    assert.deepEqual(blobs.readRange(hash, 1000, 500)?.data.length, 0);
    assert.equal(blobs.readRange('0'.repeat(64), 0, 10), null);
  });

  it('[LOG11] uploads cut short by a crash leave no temporary files after a restart', () => {
    const dir = join(root, 'crashed');
    new BlobStore(dir);
    writeFileSync(join(dir, 'tmp', 'leftover'), 'x');
    new BlobStore(dir);
    assert.equal(existsSync(join(dir, 'tmp', 'leftover')), false);
  });
});
