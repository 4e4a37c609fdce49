/**
 * Revoking a compromised key between real nodes (LOG5, FED1; issue 7 part 6). bravo writes a
 * message while alpha is down, then stops; its admin runs `liaison key revoke` (new signing key
 * by a rotation, new TLS keys, a revocation card) and reads alpha's admin the new safety code by
 * voice. alpha imports the card only with that code. A thief holding bravo's old key, speaking
 * as bravo on alpha's federation port (hostile-peer style), has its events from the revocation
 * point refused; bravo, restarted, delivers its earlier message (signed with the old key) and
 * new ones; alpha's export verifies.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { canonicalBytes } from '../../src/core/canonical.ts';
import { signEvent } from '../../src/core/event.ts';
import { fingerprint, type Signer } from '../../src/core/sign.ts';
import type { LiaisonEvent, UnsignedEnvelope } from '../../src/core/types.ts';
import { proofPayload, type ReceiptBody } from '../../src/federation/protocol.ts';
import { loadSigner, loadTlsIdentity } from '../../src/node/folder.ts';
import { type Card, parseCard } from '../../src/node/pairing.ts';
import {
  ApiClient,
  BIN,
  type Cluster,
  eventually,
  HOTLINE,
  startCluster,
  waitLinkUp,
} from '../support/cluster.ts';

/** A raw federation client speaking as bravo (the thief with a stolen key, or bravo itself). */
class FakePeer {
  readonly frames: { t: string; [key: string]: unknown }[] = [];
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.frames.push(JSON.parse(data.toString()) as FakePeer['frames'][0]));
  }

  static async connect(url: string, tls: { keyPem: string; certPem: string }): Promise<FakePeer> {
    const peer = new FakePeer(
      new WebSocket(url, { key: tls.keyPem, cert: tls.certPem, rejectUnauthorized: false }),
    );
    await new Promise((resolve, reject) => {
      peer.socket.once('open', resolve);
      peer.socket.once('error', reject);
    });
    return peer;
  }

  async next(type: string): Promise<FakePeer['frames'][0]> {
    return eventually(`a ${type} frame`, async () => {
      const index = this.frames.findIndex((f) => f.t === type);
      return index < 0 ? undefined : this.frames.splice(index, 1)[0];
    });
  }

  async handshake(signer: Signer): Promise<void> {
    this.socket.send(
      JSON.stringify({
        t: 'hello',
        protocol: 1,
        node: 'bravo',
        nonce: randomBytes(16).toString('base64url'),
      }),
    );
    const hello = await this.next('hello');
    const sig = signer.sign(canonicalBytes(proofPayload('bravo', 'alpha', hello.nonce as string)));
    this.socket.send(JSON.stringify({ t: 'proof', sig }));
  }

  async batch(n: number, events: unknown[]): Promise<ReceiptBody> {
    this.socket.send(JSON.stringify({ t: 'batch', n, events }));
    const receipt = await eventually(`receipt ${n}`, async () =>
      this.frames.find((f) => f.t === 'receipt' && (f.body as ReceiptBody).n === n),
    );
    return receipt.body as ReceiptBody;
  }

  close(): void {
    this.socket.terminate();
  }
}

/** Runs the CLI on a node's folder with its environment (its store included). */
function cli(cluster: Cluster, nodeId: string, args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: cluster.envFor(nodeId),
    timeout: 60_000,
  });
}

describe('revoking a compromised key (LOG5, FED1)', { timeout: 240_000 }, () => {
  let cluster: Cluster;
  let admin: ApiClient;
  let oldSigner: Signer;
  let cardText: string;
  let card: Card;
  let spokenCode: string;
  let cardFile: string;

  const heldAtAlpha = async () =>
    (await admin.get<{ events: LiaisonEvent[] }>(`/api/v1/lines/${HOTLINE}/events?limit=10000`)).events;
  const pointOnHotline = () => {
    const point = card.revokes?.lines.find((l) => l.line === HOTLINE);
    assert.ok(point, 'the card names the hotline');
    return point;
  };

  before(async () => {
    cluster = await startCluster();
    const alpha = cluster.node('alpha');
    const bravo = cluster.node('bravo');
    admin = await ApiClient.login(alpha.url, 'admin');
    await waitLinkUp(admin, 60_000);
    await alpha.stop();
    const bravoOfficer = await ApiClient.login(bravo.url, 'officer');
    await bravoOfficer.post(`/api/v1/lines/${HOTLINE}/messages`, {
      text: 'sent before the revocation',
      precedence: 'ROUTINE',
    });
    await bravo.stop();
    oldSigner = loadSigner(bravo.dir);
    cardFile = join(cluster.root, 'bravo-revocation-card.json');
    const revoked = cli(cluster, 'bravo', ['key', 'revoke', '--data', bravo.dir, '--out', cardFile]);
    assert.equal(revoked.status, 0, revoked.stderr);
    const code = /alpha \(Alpha\): (\d{4} \d{4} \d{4})/.exec(revoked.stderr)?.[1];
    assert.ok(code, revoked.stderr);
    spokenCode = code;
    cardText = readFileSync(cardFile, 'utf8');
    card = parseCard(cardText);
    await alpha.start();
    admin = await ApiClient.login(alpha.url, 'admin');
  });

  after(async () => {
    await cluster?.stop();
  });

  it('[FED1] alpha refuses the revocation card without the safety code heard by voice, or with a wrong one, and changes nothing', async () => {
    const bare = await admin.request('POST', '/api/v1/admin/pair', { card: cardText });
    assert.equal(bare.status, 400);
    assert.equal((bare.body as { error: string }).error, 'safety-code-required');
    const wrong = await admin.request('POST', '/api/v1/admin/pair', {
      card: cardText,
      safetyCode: '1111 2222 3333',
    });
    assert.equal(wrong.status, 400);
    assert.equal((wrong.body as { error: string }).error, 'safety-code-mismatch');
    const pairing = await admin.get<{ nodeId: string; keyFingerprint: string }[]>('/api/v1/pairing');
    assert.equal(pairing.find((p) => p.nodeId === 'bravo')?.keyFingerprint, fingerprint(oldSigner.publicKey));
  });

  it('[FED1] with the code, alpha takes bravo’s new key and TLS certificate; both sides show the same new safety code', async () => {
    const result = await admin.post<{ safetyCode: string; revokedLines: number }>('/api/v1/admin/pair', {
      card: cardText,
      safetyCode: spokenCode,
    });
    assert.equal(result.revokedLines, 1);
    assert.equal(result.safetyCode, spokenCode);
    const pairing =
      await admin.get<{ nodeId: string; keyFingerprint: string; tlsFingerprint: string }[]>(
        '/api/v1/pairing',
      );
    const bravo = pairing.find((p) => p.nodeId === 'bravo');
    assert.equal(bravo?.keyFingerprint, fingerprint(card.publicKey));
    assert.equal(bravo?.tlsFingerprint, card.tlsFingerprint);
  });

  it('[LOG5] a thief with the old key: its events at and after the revocation point are refused, and alpha keeps serving', async () => {
    const alpha = cluster.node('alpha');
    const bravo = cluster.node('bravo');
    const point = pointOnHotline();
    const alphaHead = (await heldAtAlpha()).filter((e) => e.origin === 'alpha').at(-1);
    assert.ok(alphaHead);
    const thiefEvent = (seq: number, prev: string): UnsignedEnvelope => ({
      v: 1,
      line: HOTLINE,
      origin: 'bravo',
      seq,
      prev,
      clock: alphaHead.clock + seq,
      deps: { alpha: alphaHead.id },
      ts: new Date().toISOString(),
      author: 'officer@bravo',
      type: 'message.posted',
      body: {
        text: 'forged by the thief',
        precedence: 'FLASH',
        deadline: new Date(Date.now() + 600_000).toISOString(),
      },
    });
    const atPoint = signEvent(thiefEvent(point.seq, 'A'.repeat(43)), oldSigner);
    const afterPoint = signEvent(thiefEvent(point.seq + 1, point.id), oldSigner);
    // The thief cannot pass as bravo with bravo's old TLS key any more; it has to use a link the
    // new card allows, as a forwarding member would (FED3: any member may forward events).
    const peer = await FakePeer.connect(
      `wss://127.0.0.1:${alpha.federationPort}`,
      loadTlsIdentity(bravo.dir, 'bravo'),
    );
    try {
      await peer.handshake(loadSigner(bravo.dir));
      const receipt = await peer.batch(
        1,
        [atPoint, afterPoint].map(({ id: _id, ...envelope }) => envelope),
      );
      assert.deepEqual(
        receipt.rejected.map((r) => r.code),
        ['revoked-key', 'revoked-key'],
      );
    } finally {
      peer.close();
    }
    const held = await heldAtAlpha();
    assert.ok(!held.some((e) => e.id === atPoint.id || e.id === afterPoint.id), 'nothing forged is held');
    const health = await fetch(`${alpha.url}/healthz`);
    assert.equal(health.status, 200);
  });

  it('[LOG5] bravo restarted: its earlier message (old key) and new ones arrive at alpha, and alpha’s export verifies', async () => {
    const bravo = cluster.node('bravo');
    await bravo.start();
    await waitLinkUp(admin, 60_000);
    const bravoOfficer = await ApiClient.login(bravo.url, 'officer');
    await bravoOfficer.post(`/api/v1/lines/${HOTLINE}/messages`, {
      text: 'signed with the new key',
      precedence: 'ROUTINE',
    });
    const point = pointOnHotline();
    const held = await eventually('alpha to hold bravo’s messages and rotation', async () => {
      const events = await heldAtAlpha();
      const texts = events.filter((e) => e.origin === 'bravo').map((e) => e.body.text);
      return texts.includes('sent before the revocation') && texts.includes('signed with the new key')
        ? events
        : undefined;
    });
    const before = held.find((e) => e.body.text === 'sent before the revocation');
    assert.ok(before && before.seq < point.seq, 'the old key’s message sits before the revocation point');
    assert.equal(held.find((e) => e.origin === 'bravo' && e.seq === point.seq)?.id, point.id);

    const alpha = cluster.node('alpha');
    const exportFile = join(cluster.root, 'alpha-export.jsonl');
    const exported = cli(cluster, 'alpha', [
      'export',
      '--data',
      alpha.dir,
      '--line',
      HOTLINE,
      '--out',
      exportFile,
    ]);
    assert.equal(exported.status, 0, exported.stderr);
    const verified = cli(cluster, 'alpha', ['verify', exportFile]);
    assert.equal(verified.status, 0, verified.stdout);
    const alphaCard = join(cluster.root, 'alpha-card.json');
    writeFileSync(alphaCard, cli(cluster, 'alpha', ['pair', 'export', '--data', alpha.dir]).stdout);
    const trusted = cli(cluster, 'alpha', ['verify', exportFile, '--trust', alphaCard, cardFile]);
    assert.equal(trusted.status, 0, trusted.stdout);
    assert.match(trusted.stdout, /^OK: /m);
  });
});
