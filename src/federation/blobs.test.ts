import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { systemClock } from '../core/clock.ts';
import { BlobStore } from '../node/blobStore.ts';
import { BlobExchange, type BlobPeerLink, type BlobRefusal } from './blobs.ts';
import type { BlobFrame } from './protocol.ts';

const LINE = 'hotline-alpha-bravo';
const CHUNK = 1024;
const quietLogger = { info() {}, warn() {}, error() {} };
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** One end of a fake link: frames sent here are handed to the other side's exchange. */
class FakeLink implements BlobPeerLink {
  isOpen = true;
  bufferedBytes = 0;
  readonly sent: BlobFrame[] = [];
  deliver: ((frame: BlobFrame) => void) | null = null;
  closedWith: string | null = null;
  constructor(readonly peerId: string) {}
  sendBlobFrame(frame: BlobFrame): void {
    this.sent.push(frame);
    const deliver = this.deliver;
    if (deliver && this.isOpen) setImmediate(() => this.isOpen && deliver(frame));
  }
  close(reason: string): void {
    this.closedWith = reason;
    this.isOpen = false;
  }
}

async function until(what: string, probe: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('the blob exchange', () => {
  const root = mkdtempSync(join(tmpdir(), 'liaison-blobx-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  let count = 0;

  const node = (nodeId: string, options: { shared?: string[]; dir?: string } = {}) => {
    const blobs = new BlobStore(options.dir ?? join(root, `${nodeId}-${++count}`));
    const refusals: { reason: BlobRefusal; peer: string }[] = [];
    const exchange = new BlobExchange({
      blobs,
      logger: quietLogger,
      clock: systemClock,
      sharedLines: () => options.shared ?? [LINE],
      maxBlobBytes: 1_000_000,
      chunkBytes: CHUNK,
      retryMs: 50,
      requestTimeoutMs: 500,
      onRefused: (reason, peer) => refusals.push({ reason, peer }),
    });
    return { nodeId, blobs, exchange, refusals };
  };
  type TestNode = ReturnType<typeof node>;

  /** Links two nodes; returns each side's link object. */
  const connect = (a: TestNode, b: TestNode) => {
    const aToB = new FakeLink(b.nodeId);
    const bToA = new FakeLink(a.nodeId);
    aToB.deliver = (frame) => b.exchange.frame(bToA, frame);
    bToA.deliver = (frame) => a.exchange.frame(aToB, frame);
    a.exchange.opened(aToB);
    b.exchange.opened(bToA);
    return { aToB, bToA };
  };
  /** Lets `n` requests from b through to a, then holds the rest (a link that stalls). */
  const stallAfter = (a: TestNode, link: { aToB: FakeLink; bToA: FakeLink }, n: number) => {
    let passed = 0;
    link.bToA.deliver = (frame) => {
      passed += 1;
      if (passed <= n) a.exchange.frame(link.aToB, frame);
    };
  };
  const cut = (a: TestNode, b: TestNode, link: { aToB: FakeLink; bToA: FakeLink }) => {
    link.aToB.isOpen = false;
    link.bToA.isOpen = false;
    a.exchange.closed(link.aToB);
    b.exchange.closed(link.bToA);
  };

  /** A node that holds a blob and references it on the line. */
  const holder = async (nodeId: string, bytes: Buffer) => {
    const n = node(nodeId);
    const { hash } = await n.blobs.putBytes(bytes);
    n.exchange.noteEvents([{ line: LINE, body: { attachments: [hash] } }]);
    return { ...n, hash };
  };

  it('[FED11] a referenced blob is fetched in chunks and kept once it hashes to its name', async () => {
    const bytes = randomBytes(10 * CHUNK + 17);
    const alpha = await holder('alpha', bytes);
    const bravo = node('bravo');
    connect(alpha, bravo);
    bravo.exchange.noteEvents([{ line: LINE, body: { attachments: [alpha.hash], text: 'see attached' } }]);
    assert.equal(bravo.exchange.isWanted(alpha.hash), true);
    await until('the blob', () => bravo.blobs.has(alpha.hash));
    assert.deepEqual(readFileSync(bravo.blobs.pathOf(alpha.hash)), bytes);
    assert.equal(bravo.exchange.wantedCount, 0);
    assert.deepEqual(bravo.refusals, []);
  });

  it('[FED11] a fetch cut by a lost link resumes at the right offset after the reconnect', async () => {
    const bytes = randomBytes(20 * CHUNK);
    const alpha = await holder('alpha', bytes);
    const bravo = node('bravo');
    const first = connect(alpha, bravo);
    stallAfter(alpha, first, 5);
    bravo.exchange.noteEvents([{ line: LINE, body: { attachments: [alpha.hash] } }]);
    await until('a few chunks', () => first.bToA.sent.length >= 6);
    cut(alpha, bravo, first);
    const fetched = bravo.blobs.partialSize(alpha.hash);
    assert.ok(fetched > 0 && fetched < bytes.length, `cut mid-transfer (${fetched} bytes)`);
    const second = connect(alpha, bravo);
    await until('the blob', () => bravo.blobs.has(alpha.hash));
    const firstAsk = second.bToA.sent[0];
    assert.equal(firstAsk?.t, 'blob.get');
    assert.equal(firstAsk?.t === 'blob.get' ? firstAsk.offset : -1, fetched, 'resumed where it stopped');
    assert.deepEqual(readFileSync(bravo.blobs.pathOf(alpha.hash)), bytes);
  });

  it('[FED11] wanted blobs survive a restart: the scan of the record resumes them from their partial file', async () => {
    const bytes = randomBytes(8 * CHUNK);
    const alpha = await holder('alpha', bytes);
    const dir = join(root, 'restarting-bravo');
    const bravo = node('bravo', { dir });
    const first = connect(alpha, bravo);
    stallAfter(alpha, first, 2);
    bravo.exchange.noteEvents([{ line: LINE, body: { attachments: [alpha.hash] } }]);
    await until('two chunks', () => first.bToA.sent.length >= 3);
    cut(alpha, bravo, first);
    bravo.exchange.stop();
    const held = bravo.blobs.partialSize(alpha.hash);

    const restarted = node('bravo', { dir });
    const record = [{ arrival: 1, event: { line: LINE, body: { attachments: [alpha.hash] } } }];
    await restarted.exchange.start({ eventsSince: async (cursor) => (cursor === 0 ? record : []) });
    assert.equal(restarted.exchange.isWanted(alpha.hash), true);
    const link = connect(alpha, restarted);
    await until('the blob', () => restarted.blobs.has(alpha.hash));
    const ask = link.bToA.sent[0];
    assert.equal(ask?.t === 'blob.get' ? ask.offset : -1, held);
    assert.deepEqual(readFileSync(restarted.blobs.pathOf(alpha.hash)), bytes);
  });

  it('[FED11][LOG11] a blob that does not hash to its name is refused, counted, and taken from another peer', async () => {
    const bytes = randomBytes(3 * CHUNK);
    const hash = sha256(bytes);
    const bravo = node('bravo');
    // charlie serves other bytes under the name; alpha the right ones.
    const charlie = node('charlie');
    const liar = new FakeLink('charlie');
    liar.deliver = null;
    bravo.exchange.opened(liar);
    bravo.exchange.noteEvents([{ line: LINE, body: { attachments: [hash] } }]);
    const wrong = randomBytes(3 * CHUNK);
    for (let offset = 0; offset < wrong.length; offset += CHUNK) {
      await until('a request', () => liar.sent.some((f) => f.t === 'blob.get' && f.offset === offset));
      bravo.exchange.frame(liar, {
        t: 'blob.chunk',
        hash,
        offset,
        total: wrong.length,
        data: wrong.subarray(offset, offset + CHUNK).toString('base64'),
      });
    }
    await until('the refusal', () => bravo.refusals.length > 0);
    assert.deepEqual(bravo.refusals, [{ reason: 'hash-mismatch', peer: 'charlie' }]);
    assert.equal(bravo.blobs.has(hash), false);
    assert.equal(charlie.blobs.has(hash), false);

    const alpha = await holder('alpha', bytes);
    connect(alpha, bravo);
    await until('the right blob', () => bravo.blobs.has(hash));
    assert.deepEqual(readFileSync(bravo.blobs.pathOf(hash)), bytes);
  });

  it('[FED11] a hostile peer: unrequested, misplaced, oversized and lying chunks are refused and nothing is written', async () => {
    const bytes = randomBytes(4 * CHUNK);
    const hash = sha256(bytes);
    const bravo = node('bravo');
    const hostile = new FakeLink('mallory');
    bravo.exchange.opened(hostile);
    const chunk = (fields: Partial<Extract<BlobFrame, { t: 'blob.chunk' }>>) =>
      bravo.exchange.frame(hostile, {
        t: 'blob.chunk',
        hash,
        offset: 0,
        total: bytes.length,
        data: bytes.subarray(0, CHUNK).toString('base64'),
        ...fields,
      });
    chunk({ hash: 'f'.repeat(64) }); // never asked for
    bravo.exchange.noteEvents([{ line: LINE, body: { attachments: [hash] } }]);
    const asked = async () => {
      const before = hostile.sent.length;
      await until('a request', () => hostile.sent.length > before);
    };
    await until('a request', () => hostile.sent.length > 0);
    chunk({ offset: CHUNK }); // not the offset asked
    await asked();
    chunk({ data: randomBytes(CHUNK + 1).toString('base64') }); // more than asked
    await asked();
    chunk({ total: 10_000_000 }); // more than this node takes
    await asked();
    chunk({ total: 100 }); // the chunk runs past the total it claims
    await asked();
    chunk({ data: '!!!!' }); // not base64
    assert.deepEqual(
      bravo.refusals.map((r) => r.reason),
      ['unrequested', 'wrong-offset', 'oversized-chunk', 'too-large', 'bad-total', 'malformed-chunk'],
    );
    assert.equal(bravo.blobs.partialSize(hash), 0, 'nothing of a refused chunk is written');
    await asked();
    chunk({}); // a good chunk, then a total that changes
    await asked();
    chunk({
      offset: CHUNK,
      total: bytes.length + 5,
      data: bytes.subarray(CHUNK, 2 * CHUNK).toString('base64'),
    });
    assert.equal(bravo.refusals.at(-1)?.reason, 'bad-total');
    assert.equal(bravo.blobs.partialSize(hash), CHUNK);
  });

  it('[FED11] a peer that floods blob requests is cut off', async () => {
    const alpha = await holder('alpha', randomBytes(100));
    const link = new FakeLink('bravo');
    alpha.exchange.opened(link);
    link.bufferedBytes = 10 * 1024 * 1024; // not reading: requests queue up
    for (let i = 0; i < 40; i += 1)
      alpha.exchange.frame(link, { t: 'blob.get', hash: alpha.hash, offset: 0, length: CHUNK });
    assert.equal(link.closedWith, 'flooding');
  });

  it('[FED11] a blob is served only to a peer that shares a line referencing it', async () => {
    const bytes = randomBytes(100);
    const alpha = await holder('alpha', bytes);
    const stranger = new FakeLink('charlie');
    const member = new FakeLink('bravo');
    const alphaFor = (shared: string[]) => {
      const n = node('alpha', { shared });
      return n;
    };
    const noLines = alphaFor([]);
    await noLines.blobs.putBytes(bytes);
    noLines.exchange.noteEvents([{ line: 'local-alpha', body: { attachments: [alpha.hash] } }]);
    noLines.exchange.opened(stranger);
    noLines.exchange.frame(stranger, { t: 'blob.get', hash: alpha.hash, offset: 0, length: CHUNK });
    await until('an answer', () => stranger.sent.length > 0);
    assert.deepEqual(stranger.sent, [{ t: 'blob.missing', hash: alpha.hash }]);

    alpha.exchange.opened(member);
    alpha.exchange.frame(member, { t: 'blob.get', hash: alpha.hash, offset: 0, length: CHUNK });
    await until('an answer', () => member.sent.length > 0);
    assert.deepEqual(member.sent, [
      { t: 'blob.chunk', hash: alpha.hash, offset: 0, total: 100, data: bytes.toString('base64') },
    ]);
  });
});
