/**
 * Rate limits on a real node (SEC4): the API's per session and per address (small limits set
 * through the environment so the test meets them quickly), and the federation link's per peer,
 * met by a hostile peer that floods call signalling or heartbeats (it takes bravo's place on
 * alpha's federation port with bravo's key and certificate, as hostile-peer.test.ts does).
 * Every flood is refused, and alpha keeps serving everyone else.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { canonicalBytes } from '../../src/core/canonical.ts';
import type { Signer } from '../../src/core/sign.ts';
import type { TlsIdentity } from '../../src/federation/certificate.ts';
import { FRAME_LIMITS } from '../../src/federation/frameLimits.ts';
import { heartbeatPayload, proofPayload } from '../../src/federation/protocol.ts';
import { loadSigner, loadTlsIdentity } from '../../src/node/folder.ts';
import { ApiClient, type Cluster, eventually, HOTLINE, startCluster } from '../support/cluster.ts';

/** Per session and per address: 5 a second, bursts of 20. */
const BURST = 20;
const LIMIT = `5/s,${BURST}`;

interface Frame {
  t: string;
  [key: string]: unknown;
}

/** A raw protocol client speaking as bravo, proven with bravo's key. */
class FloodingPeer {
  readonly frames: Frame[] = [];
  closeCode: number | null = null;
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.frames.push(JSON.parse(data.toString()) as Frame));
    socket.on('close', (code) => {
      this.closeCode = code;
    });
    socket.on('error', () => undefined);
  }

  /** Connects and completes the handshake and heads exchange as bravo. */
  static async open(url: string, tls: TlsIdentity, signer: Signer): Promise<FloodingPeer> {
    const peer = new FloodingPeer(
      new WebSocket(url, { key: tls.keyPem, cert: tls.certPem, rejectUnauthorized: false }),
    );
    await new Promise((resolve, reject) => {
      peer.socket.once('open', resolve);
      peer.socket.once('error', reject);
    });
    peer.send({ t: 'hello', protocol: 1, node: 'bravo', nonce: randomBytes(16).toString('base64url') });
    const hello = await eventually('alpha’s hello', async () => peer.frames.find((f) => f.t === 'hello'));
    peer.send({
      t: 'proof',
      sig: signer.sign(canonicalBytes(proofPayload('bravo', 'alpha', hello.nonce as string))),
    });
    await eventually('alpha’s heads', async () => peer.frames.find((f) => f.t === 'heads'));
    peer.send({ t: 'heads', heads: {} });
    return peer;
  }

  send(frame: object): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  async closed(): Promise<number> {
    return eventually('alpha to close the link', async () => this.closeCode ?? undefined);
  }
}

describe('rate limits', { timeout: 180_000 }, () => {
  let cluster: Cluster;
  let url: string;

  before(async () => {
    cluster = await startCluster({
      env: { LIAISON_API_RATE_LIMIT: LIMIT, LIAISON_API_ADDRESS_RATE_LIMIT: LIMIT },
    });
    url = cluster.node('alpha').url;
  });

  after(async () => {
    await cluster?.stop();
  });

  it('[SEC4] a session past its burst gets 429 rate-limited with Retry-After; other sessions are served', async () => {
    const flooder = await ApiClient.login(url, 'officer');
    const desk = await ApiClient.login(url, 'supervisor');
    const answers = await Promise.all(
      Array.from({ length: 3 * BURST }, () => flooder.request('GET', '/api/v1/lines')),
    );
    const refused = answers.filter((answer) => answer.status === 429);
    assert.ok(refused.length >= BURST, `${refused.length} of ${answers.length} refused`);
    assert.ok(answers.filter((answer) => answer.status === 200).length >= BURST - 1);
    const body = refused[0]?.body as { error: string; message: string; retryAfterSeconds: number };
    assert.equal(body.error, 'rate-limited');
    assert.match(body.message, /too many requests from this session; wait \d+ s and try again/);
    const raw = await fetch(`${url}/api/v1/lines`, { headers: { authorization: `Bearer ${flooder.token}` } });
    assert.equal(raw.status, 429);
    assert.match(raw.headers.get('retry-after') ?? '', /^\d+$/);
    assert.equal((await desk.request('GET', '/api/v1/lines')).status, 200, 'another session is served');
    await new Promise((resolve) => setTimeout(resolve, 1000 * Number(raw.headers.get('retry-after'))));
    assert.equal(
      (await flooder.request('GET', '/api/v1/lines')).status,
      200,
      'served again after Retry-After',
    );
  });

  it('[SEC4] requests without a session are limited by address; signed-in work from there is not', async () => {
    const desk = await ApiClient.login(url, 'observer');
    const answers = await Promise.all(
      Array.from({ length: 3 * BURST }, () =>
        fetch(`${url}/api/v1/lines`).then((response) => response.status),
      ),
    );
    assert.ok(answers.filter((status) => status === 429).length >= BURST, answers.join(' '));
    assert.ok(answers.every((status) => status === 401 || status === 429));
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'observer', password: 'anything' }),
    });
    assert.equal(login.status, 429, 'a flood of logins is held back before any password is checked');
    assert.equal((await desk.request('GET', '/api/v1/lines')).status, 200);
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200, '/healthz is never limited');
  });

  describe('a peer flooding the federation link', () => {
    let signer: Signer;
    let tls: TlsIdentity;
    let federationUrl: string;
    let officer: ApiClient;

    before(async () => {
      const alpha = cluster.node('alpha');
      const bravo = cluster.node('bravo');
      await new Promise((resolve) => setTimeout(resolve, 1500)); // the session limits refill
      officer = await ApiClient.login(alpha.url, 'officer');
      await eventually(
        'bravo to have written on the hotline',
        async () => {
          const { events } = await officer.get<{ events: { origin: string }[] }>(
            `/api/v1/lines/${HOTLINE}/events?limit=100`,
          );
          return events.some((e) => e.origin === 'bravo') ? true : undefined;
        },
        60_000,
      );
      await bravo.stop();
      signer = loadSigner(bravo.dir);
      tls = loadTlsIdentity(bravo.dir, 'bravo');
      federationUrl = `wss://127.0.0.1:${alpha.federationPort}`;
    });

    /** Alpha still answers and takes a message. */
    const assertServing = async () => {
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
      const posted = await officer.request('POST', `/api/v1/lines/${HOTLINE}/messages`, {
        text: 'still serving',
        precedence: 'ROUTINE',
      });
      assert.equal(posted.status, 201, JSON.stringify(posted.body));
    };

    it('[SEC4] a flood of call signalling closes the link with 4005 flooding', async () => {
      const peer = await FloodingPeer.open(federationUrl, tls, signer);
      const signal = {
        t: 'rtc.signal',
        session: randomBytes(12).toString('base64url'),
        from: randomBytes(12).toString('base64url'),
        to: randomBytes(12).toString('base64url'),
        kind: 'ice',
        data: 'candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host',
      };
      for (let i = 0; i < 5 * FRAME_LIMITS.signalling.burst; i++) peer.send(signal);
      assert.equal(await peer.closed(), 4005);
      const error = peer.frames.find((frame) => frame.t === 'error');
      assert.equal(error?.code, 'flooding');
      assert.match(String(error?.message), /too many signalling frames/);
      await assertServing();
    });

    it('[SEC4] a flood of heartbeats (each a signature to check) closes the link too', async () => {
      const peer = await FloodingPeer.open(federationUrl, tls, signer);
      for (let i = 0; i < 10 * FRAME_LIMITS.heartbeat.burst; i++) {
        const sentAt = Date.now();
        peer.send({ t: 'ping', sentAt, sig: signer.sign(canonicalBytes(heartbeatPayload('bravo', sentAt))) });
      }
      assert.equal(await peer.closed(), 4005);
      assert.ok(peer.frames.filter((frame) => frame.t === 'pong').length <= FRAME_LIMITS.heartbeat.burst + 2);
      await assertServing();
      const log = readFileSync(join(cluster.node('alpha').dir, 'node.log'), 'utf8');
      assert.match(log, /peer is flooding the link; closing it/);
    });
  });
});
