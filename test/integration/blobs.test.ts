/**
 * Blobs between two real nodes (LOG11, FED11, SEC3): the upload and download routes with their
 * limits and permissions; a ~5 MiB attachment that alpha posts and bravo fetches by hash in
 * chunks, through a link cut mid-transfer and restored; `liaison export --blobs` and
 * `liaison verify --blobs`, which fails once a byte of a blob changed; and a hostile peer in
 * bravo's place that serves a wrong blob and stray chunks, which alpha refuses and counts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { canonicalBytes } from '../../src/core/canonical.ts';
import { signEvent } from '../../src/core/event.ts';
import type { Signer } from '../../src/core/sign.ts';
import type { LiaisonEvent } from '../../src/core/types.ts';
import { proofPayload } from '../../src/federation/protocol.ts';
import { loadSigner, loadTlsIdentity } from '../../src/node/folder.ts';
import {
  ApiClient,
  BIN,
  type Cluster,
  eventually,
  HOTLINE,
  startCluster,
  waitLinkUp,
} from '../support/cluster.ts';

const MAX_BLOB = 8 * 1024 * 1024;
const CHUNK = 32 * 1024;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function upload(client: ApiClient, bytes: Uint8Array): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${client.baseUrl}/api/v1/blobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${client.token}`, 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  return { status: response.status, body: await response.json() };
}

async function download(client: ApiClient, hash: string): Promise<{ status: number; bytes: Buffer }> {
  const response = await fetch(`${client.baseUrl}/api/v1/blobs/${hash}`, {
    headers: { authorization: `Bearer ${client.token}` },
  });
  return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('blobs', { timeout: 240_000 }, () => {
  let cluster: Cluster;
  let alphaOfficer: ApiClient;
  let bravoOfficer: ApiClient;
  const work = mkdtempSync(join(tmpdir(), 'liaison-blobs-it-'));
  const big = randomBytes(5 * 1024 * 1024 + 123);
  const bigHash = sha256(big);

  before(async () => {
    cluster = await startCluster({
      proxiedPairs: [['alpha', 'bravo']],
      env: { LIAISON_MAX_BLOB_BYTES: String(MAX_BLOB), LIAISON_BLOB_CHUNK_BYTES: String(CHUNK) },
    });
    alphaOfficer = await ApiClient.login(cluster.node('alpha').url, 'officer');
    bravoOfficer = await ApiClient.login(cluster.node('bravo').url, 'officer');
    await waitLinkUp(alphaOfficer);
  });

  after(async () => {
    await cluster?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('[LOG11][SEC3] an upload is stored under its SHA-256 (201) and read back whole; HEAD gives its size', async () => {
    const bytes = randomBytes(1000);
    const { status, body } = await upload(alphaOfficer, bytes);
    assert.equal(status, 201);
    assert.deepEqual(body, { hash: sha256(bytes), size: 1000 });
    const got = await download(alphaOfficer, sha256(bytes));
    assert.equal(got.status, 200);
    assert.deepEqual(got.bytes, bytes);
    const head = await fetch(`${alphaOfficer.baseUrl}/api/v1/blobs/${sha256(bytes)}`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${alphaOfficer.token}` },
    });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), '1000');
  });

  it('[SEC3] a blob over the limit is 413 blob-too-large and nothing is kept', async () => {
    const tooBig = randomBytes(MAX_BLOB + 1);
    const { status, body } = await upload(alphaOfficer, tooBig);
    assert.equal(status, 413);
    assert.equal((body as { error: string }).error, 'blob-too-large');
    assert.equal((await download(alphaOfficer, sha256(tooBig))).status, 404);
  });

  it('[LOG11][SEC3] a bad blob name is 400, an unknown one 404, each in our envelope', async () => {
    const bad = await alphaOfficer.request('GET', '/api/v1/blobs/NOT-A-HASH');
    assert.equal(bad.status, 400);
    assert.equal((bad.body as { error: string }).error, 'bad-blob-name');
    const unknown = await alphaOfficer.request('GET', `/api/v1/blobs/${'0'.repeat(64)}`);
    assert.equal(unknown.status, 404);
    assert.equal((unknown.body as { error: string }).error, 'unknown-blob');
  });

  it('[SEC1] an observer reads blobs but may not upload; no session, no blob', async () => {
    const observer = await ApiClient.login(cluster.node('alpha').url, 'observer');
    const refused = await upload(observer, randomBytes(10));
    assert.equal(refused.status, 403);
    assert.equal((refused.body as { error: string }).error, 'forbidden');
    const stored = await upload(alphaOfficer, randomBytes(10));
    const hash = (stored.body as { hash: string }).hash;
    assert.equal((await download(observer, hash)).status, 200);
    const anonymous = await fetch(`${alphaOfficer.baseUrl}/api/v1/blobs/${hash}`);
    assert.equal(anonymous.status, 401);
  });

  it('[LOG11] a message may attach only blobs held here (400 unknown-blob) and only blob names (400)', async () => {
    const unknown = await alphaOfficer.request('POST', `/api/v1/lines/${HOTLINE}/messages`, {
      text: 'see attached',
      precedence: 'ROUTINE',
      attachments: ['1'.repeat(64)],
    });
    assert.equal(unknown.status, 400);
    assert.equal((unknown.body as { error: string }).error, 'unknown-blob');
    const malformed = await alphaOfficer.request('POST', `/api/v1/lines/${HOTLINE}/messages`, {
      text: 'see attached',
      precedence: 'ROUTINE',
      attachments: ['../../etc/passwd'],
    });
    assert.equal(malformed.status, 400);
    assert.equal((malformed.body as { error: string }).error, 'invalid-input');
  });

  it('[FED11] bravo gets the message, then its 5 MiB attachment in chunks, through a link cut mid-transfer', async () => {
    const stored = await upload(alphaOfficer, big);
    assert.equal(stored.status, 201);
    const link = cluster.proxy('alpha', 'bravo');
    const posted = await alphaOfficer.post<LiaisonEvent>(`/api/v1/lines/${HOTLINE}/messages`, {
      text: 'the photographs of the encounter',
      precedence: 'PRIORITY',
      attachments: [bigHash],
    });
    assert.deepEqual(posted.body.attachments, [bigHash]);

    const partial = join(cluster.node('bravo').dir, 'blobs', 'partial', bigHash);
    const size = () => (existsSync(partial) ? statSync(partial).size : 0);
    // Polled closely: on loopback the whole transfer takes about a second.
    const deadline = Date.now() + 30_000;
    while (size() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    link.cut();
    const fetchedBeforeCut = size();
    assert.ok(fetchedBeforeCut < big.length, `cut mid-transfer (${fetchedBeforeCut} of ${big.length} bytes)`);
    const event = await bravoOfficer.get<LiaisonEvent>(`/api/v1/events/${posted.id}`);
    assert.deepEqual(event.body.attachments, [bigHash], 'the message came first');
    const pending = await download(bravoOfficer, bigHash);
    assert.equal(pending.status, 404, 'never served while partial');
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(size() >= fetchedBeforeCut, 'what was fetched is kept');
    link.restore();

    const got = await eventually(
      'bravo to hold the blob',
      async () => {
        const result = await download(bravoOfficer, bigHash);
        return result.status === 200 ? result : undefined;
      },
      60_000,
    );
    assert.equal(got.bytes.length, big.length);
    assert.ok(got.bytes.equals(big), 'identical bytes');
    assert.equal(existsSync(partial), false);
  });

  it('[LOG11][LOG12] export --blobs writes the referenced blobs; verify --blobs passes, and fails once a byte changed', async () => {
    const bravo = cluster.node('bravo');
    const file = join(work, 'bravo.jsonl');
    const blobs = join(work, 'blobs');
    const run = (args: string[]) =>
      spawnSync(process.execPath, [BIN, ...args], { env: cluster.envFor('bravo'), encoding: 'utf8' });
    const exported = run(['export', '--data', bravo.dir, '--out', file, '--blobs', blobs]);
    assert.equal(exported.status, 0, exported.stderr);
    assert.ok(readFileSync(join(blobs, bigHash)).equals(big));

    const verified = run(['verify', file, '--blobs', blobs]);
    assert.equal(verified.status, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /referenced blob\(s\) present and whole/);

    const altered = readFileSync(join(blobs, bigHash));
    altered[4096] = (altered[4096] ?? 0) ^ 0xff;
    writeFileSync(join(blobs, bigHash), altered);
    const failed = run(['verify', file, '--blobs', blobs]);
    assert.notEqual(failed.status, 0);
    assert.match(failed.stdout, /FAILED at line \d+, event [A-Za-z0-9_-]{43}: blob-mismatch/);

    rmSync(join(blobs, bigHash));
    const missing = run(['verify', file, '--blobs', blobs]);
    assert.notEqual(missing.status, 0);
    assert.match(missing.stdout, /blob-missing/);
  });

  it('[FED11][LOG11] a hostile peer serving a wrong blob and stray chunks is refused and counted; alpha keeps serving', async () => {
    const alpha = cluster.node('alpha');
    const bravo = cluster.node('bravo');
    await bravo.stop('SIGTERM');
    const bravoSigner: Signer = loadSigner(bravo.dir);
    await eventually('alpha to see bravo gone', async () => {
      const peers = await alphaOfficer.get<{ state: string }[]>('/api/v1/peers');
      return peers[0]?.state === 'down' ? true : undefined;
    });

    // bravo's place, taken by the test: it speaks the protocol with bravo's keys.
    const tls = loadTlsIdentity(bravo.dir, 'bravo');
    const frames: { t: string; [key: string]: unknown }[] = [];
    const socket = new WebSocket(`wss://127.0.0.1:${alpha.federationPort}`, {
      key: tls.keyPem,
      cert: tls.certPem,
      rejectUnauthorized: false,
    });
    socket.on('message', (data) => frames.push(JSON.parse(data.toString())));
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const send = (frame: object) => socket.send(JSON.stringify(frame));
    const next = (t: string, match: (f: Record<string, unknown>) => boolean = () => true) =>
      eventually(`a ${t} frame`, async () => {
        const index = frames.findIndex((f) => f.t === t && match(f));
        return index < 0 ? undefined : frames.splice(index, 1)[0];
      });
    send({ t: 'hello', protocol: 1, node: 'bravo', nonce: randomBytes(16).toString('base64url') });
    const hello = await next('hello');
    send({
      t: 'proof',
      sig: bravoSigner.sign(canonicalBytes(proofPayload('bravo', 'alpha', hello.nonce as string))),
    });
    send({ t: 'heads', heads: {} });

    // A bravo event naming a blob alpha lacks.
    const wrongBytes = randomBytes(2 * CHUNK);
    const claimed = sha256(randomBytes(2 * CHUNK));
    const held = (
      await alphaOfficer.get<{ events: LiaisonEvent[] }>(`/api/v1/lines/${HOTLINE}/events?limit=10000`)
    ).events;
    const last = (origin: string) =>
      held
        .filter((e) => e.origin === origin)
        .sort((a, b) => a.seq - b.seq)
        .at(-1);
    const bravoHead = last('bravo');
    const alphaHead = last('alpha');
    assert.ok(bravoHead && alphaHead);
    const event = signEvent(
      {
        v: 1,
        line: HOTLINE,
        origin: 'bravo',
        seq: bravoHead.seq + 1,
        prev: bravoHead.id,
        clock: 1 + Math.max(bravoHead.clock, alphaHead.clock),
        deps: { alpha: alphaHead.id },
        ts: new Date().toISOString(),
        author: 'officer@bravo',
        type: 'message.posted',
        body: {
          text: 'forged attachment',
          precedence: 'ROUTINE',
          deadline: new Date().toISOString(),
          attachments: [claimed],
        },
      },
      bravoSigner,
    );
    const { id: _id, ...envelope } = event;
    send({ t: 'batch', n: 1, events: [envelope] });
    await next('receipt');

    // A chunk alpha never asked for, then wrong bytes under the claimed name.
    send({ t: 'blob.chunk', hash: 'e'.repeat(64), offset: 0, total: 4, data: 'AAAA' });
    for (let offset = 0; offset < wrongBytes.length; offset += CHUNK) {
      const ask = await next('blob.get', (f) => f.hash === claimed && f.offset === offset);
      send({
        t: 'blob.chunk',
        hash: claimed,
        offset: ask.offset,
        total: wrongBytes.length,
        data: wrongBytes.subarray(offset, offset + CHUNK).toString('base64'),
      });
    }
    await eventually('alpha to refuse the blob', async () => {
      const metrics = await (await fetch(`${alpha.url}/metrics`)).text();
      return /liaison_blob_refusals_total\{[^}]*reason="hash-mismatch"[^}]*\} 1/.test(metrics) &&
        /liaison_blob_refusals_total\{[^}]*reason="unrequested"[^}]*\} 1/.test(metrics)
        ? true
        : undefined;
    });
    assert.equal((await download(alphaOfficer, claimed)).status, 404, 'a wrong blob is never kept');
    assert.equal(socket.readyState, WebSocket.OPEN, 'the link stays up: events still flow');
    socket.terminate();
    const health = await fetch(`${alpha.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal((await download(alphaOfficer, bigHash)).status, 200, 'alpha keeps serving');
  });
});
