/**
 * A hostile peer against a real node (LOG8, FED4, FED10): the test takes bravo's place on
 * alpha's federation port (bravo's process is stopped; the test holds bravo's key) and sends
 * forged, broken, replayed, malformed and oversized events and frames. Each is refused with its
 * reason and counted, nothing bad is stored, and alpha keeps serving.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { canonicalBytes } from '../../src/core/canonical.ts';
import { signEvent } from '../../src/core/event.ts';
import { generateKeyPair, Signer } from '../../src/core/sign.ts';
import type { LiaisonEvent, UnsignedEnvelope } from '../../src/core/types.ts';
import type { TlsIdentity } from '../../src/federation/certificate.ts';
import { createTlsIdentity } from '../../src/federation/certificate.ts';
import { proofPayload, type ReceiptBody } from '../../src/federation/protocol.ts';
import { loadSigner, loadTlsIdentity } from '../../src/node/folder.ts';
import { ApiClient, type Cluster, eventually, HOTLINE, startCluster } from '../support/cluster.ts';

interface Frame {
  t: string;
  [key: string]: unknown;
}

/** A raw protocol client speaking as bravo. */
class FakePeer {
  readonly frames: Frame[] = [];
  closeCode: number | null = null;
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.frames.push(JSON.parse(data.toString()) as Frame));
    socket.on('close', (code) => {
      this.closeCode = code;
    });
  }

  static async connect(url: string, tls: { keyPem: string; certPem: string }): Promise<FakePeer> {
    // Listen before the socket opens: the node's hello can arrive with the upgrade response.
    const peer = new FakePeer(
      new WebSocket(url, { key: tls.keyPem, cert: tls.certPem, rejectUnauthorized: false }),
    );
    await new Promise((resolve, reject) => {
      peer.socket.once('open', resolve);
      peer.socket.once('error', reject);
    });
    return peer;
  }

  send(frame: object | string): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  async next(type: string, timeoutMs = 10_000): Promise<Frame> {
    return eventually(
      `a ${type} frame`,
      async () => {
        const index = this.frames.findIndex((f) => f.t === type);
        if (index < 0) return undefined;
        return this.frames.splice(index, 1)[0];
      },
      timeoutMs,
    );
  }

  async closed(): Promise<number> {
    return eventually('the node to close the connection', async () => this.closeCode ?? undefined);
  }

  /** Hello and proof as `node`, signing with `signer`. */
  async handshake(node: string, signer: Signer, protocol = 1): Promise<void> {
    this.send({ t: 'hello', protocol, node, nonce: randomBytes(16).toString('base64url') });
    const hello = await this.next('hello');
    this.send({
      t: 'proof',
      sig: signer.sign(canonicalBytes(proofPayload(node, 'alpha', hello.nonce as string))),
    });
  }

  /** Sends one batch and returns the node's signed receipt. */
  async batch(n: number, events: unknown[]): Promise<ReceiptBody> {
    this.send({ t: 'batch', n, events });
    const receipt = await eventually(`receipt ${n}`, async () => {
      const index = this.frames.findIndex((f) => f.t === 'receipt' && (f.body as ReceiptBody).n === n);
      if (index < 0) return undefined;
      return this.frames.splice(index, 1)[0];
    });
    return receipt.body as ReceiptBody;
  }

  close(): void {
    this.socket.terminate();
  }

  /** Stops reading from the socket, like a peer that hangs (its kernel buffers fill up). */
  stopReading(): void {
    const raw = (this.socket as unknown as { _socket?: { pause(): void } })._socket;
    raw?.pause();
  }
}

describe('a hostile peer', { timeout: 180_000 }, () => {
  let cluster: Cluster;
  let officer: ApiClient;
  let bravoSigner: Signer;
  let federationUrl: string;
  let bravoTls: TlsIdentity;
  let peer: FakePeer;

  const heldEvents = async () =>
    (await officer.get<{ events: LiaisonEvent[] }>(`/api/v1/lines/${HOTLINE}/events?limit=10000`)).events;

  /** The next valid bravo event on the hotline, built from what alpha holds. */
  const nextBravoEvent = async (
    body: Record<string, unknown> = { note: 'test' },
    overrides: Partial<UnsignedEnvelope> = {},
  ) => {
    const events = await heldEvents();
    const lastOf = (origin: string) =>
      events
        .filter((e) => e.origin === origin)
        .sort((a, b) => a.seq - b.seq)
        .at(-1);
    const bravoHead = lastOf('bravo');
    const alphaHead = lastOf('alpha');
    assert.ok(alphaHead);
    const unsigned: UnsignedEnvelope = {
      v: 1,
      line: HOTLINE,
      origin: 'bravo',
      seq: (bravoHead?.seq ?? 0) + 1,
      prev: bravoHead?.id ?? null,
      clock: 1 + Math.max(bravoHead?.clock ?? 0, alphaHead.clock),
      deps: { alpha: alphaHead.id },
      ts: new Date().toISOString(),
      author: 'officer@bravo',
      type: 'test.note',
      body: body as UnsignedEnvelope['body'],
      ...overrides,
    };
    return unsigned;
  };

  const envelopeOf = (event: LiaisonEvent) => {
    const { id: _id, ...envelope } = event;
    return envelope;
  };

  before(async () => {
    // The officer here is a load generator (the "never reads" case posts as fast as it can):
    // the API's own rate limit (SEC4) is tested in test/integration/rate-limits.test.ts.
    cluster = await startCluster({ env: { LIAISON_API_RATE_LIMIT: '1000/s,10000' } });
    const alpha = cluster.node('alpha');
    officer = await ApiClient.login(alpha.url, 'officer');
    // Generous: on a loaded machine the link, the genesis and bravo's first heads.recorded take a while.
    await eventually(
      'bravo to have written on the hotline',
      async () => ((await heldEvents()).some((e) => e.origin === 'bravo') ? true : undefined),
      60_000,
    );
    const bravo = cluster.node('bravo');
    await bravo.stop('SIGTERM');
    bravoSigner = loadSigner(bravo.dir);
    federationUrl = `wss://127.0.0.1:${alpha.federationPort}`;
    bravoTls = loadTlsIdentity(bravo.dir, 'bravo');
    await eventually('alpha to see bravo gone', async () => {
      const peers = await officer.get<{ state: string }[]>('/api/v1/peers');
      return peers[0]?.state === 'down' ? true : undefined;
    });
    peer = await FakePeer.connect(federationUrl, bravoTls);
    await peer.handshake('bravo', bravoSigner);
    peer.send({ t: 'heads', heads: {} });
  });

  after(async () => {
    peer?.close();
    await cluster?.stop();
  });

  it('[LOG8] a valid event from the peer is accepted (the harness speaks the protocol)', async () => {
    const event = signEvent(await nextBravoEvent(), bravoSigner);
    const receipt = await peer.batch(1, [envelopeOf(event)]);
    assert.deepEqual(receipt.rejected, []);
    assert.equal(receipt.heads[HOTLINE]?.bravo?.id, event.id);
    assert.ok((await heldEvents()).some((e) => e.id === event.id));
  });

  it('[FED4] a replayed batch is a no-op that still acknowledges', async () => {
    const events = await heldEvents();
    const replayed = events.slice(0, 3);
    const receipt = await peer.batch(2, replayed.map(envelopeOf));
    assert.deepEqual(receipt.rejected, []);
    const after = await heldEvents();
    for (const event of replayed) assert.equal(after.filter((e) => e.id === event.id).length, 1);
  });

  const refusals: { name: string; code: string; make: () => Promise<unknown> }[] = [
    {
      name: 'a forged signature',
      code: 'bad-signature',
      make: async () =>
        envelopeOf(signEvent(await nextBravoEvent(), new Signer(generateKeyPair().privateKey))),
    },
    {
      name: 'a gap in the chain',
      code: 'seq-gap',
      make: async () => {
        const unsigned = await nextBravoEvent();
        return envelopeOf(signEvent({ ...unsigned, seq: unsigned.seq + 1 }, bravoSigner));
      },
    },
    {
      name: 'a broken prev link',
      code: 'prev-mismatch',
      make: async () =>
        envelopeOf(signEvent({ ...(await nextBravoEvent()), prev: 'A'.repeat(43) }, bravoSigner)),
    },
    {
      name: 'a wrong Lamport clock',
      code: 'bad-clock',
      make: async () => {
        const unsigned = await nextBravoEvent();
        return envelopeOf(signEvent({ ...unsigned, clock: unsigned.clock + 5 }, bravoSigner));
      },
    },
    {
      name: 'an unknown origin',
      code: 'not-member',
      make: async () =>
        envelopeOf(
          signEvent({ ...(await nextBravoEvent()), origin: 'zulu', author: 'zulu', deps: {} }, bravoSigner),
        ),
    },
    {
      name: 'a malformed envelope',
      code: 'malformed',
      make: async () => ({ v: 1, line: HOTLINE, origin: 'bravo', hello: 'world' }),
    },
    {
      name: 'a body over 64 KiB',
      code: 'body-too-large',
      make: async () =>
        envelopeOf(signEvent(await nextBravoEvent({ blob: 'x'.repeat(70_000) }), bravoSigner)),
    },
  ];

  let batchNo = 10;
  for (const refusal of refusals) {
    it(`[LOG8] ${refusal.name} is refused (${refusal.code}), counted, and not stored`, async () => {
      // alpha's own heads.recorded may land meanwhile: count what the peer could have added.
      const fromOthers = async () => (await heldEvents()).filter((e) => e.origin !== 'alpha').length;
      const before = await fromOthers();
      batchNo += 1;
      const receipt = await peer.batch(batchNo, [await refusal.make()]);
      assert.equal(receipt.rejected.length, 1);
      assert.equal(receipt.rejected[0]?.code, refusal.code);
      assert.equal(await fromOthers(), before);
    });
  }

  it('[LOG8] refusals are counted by reason in /metrics', async () => {
    const text = await (await fetch(`${cluster.node('alpha').url}/metrics`)).text();
    for (const { code } of refusals) {
      assert.match(
        text,
        new RegExp(`liaison_events_rejected_total\\{[^}]*reason="${code}"[^}]*\\} [1-9]`),
        code,
      );
    }
  });

  it('[FED10] a peer announcing another protocol version is refused with a reason', async () => {
    const other = await FakePeer.connect(federationUrl, bravoTls);
    other.send({ t: 'hello', protocol: 99, node: 'bravo', nonce: 'abc' });
    const error = await other.next('error');
    assert.equal(error.code, 'incompatible-protocol');
    assert.equal(await other.closed(), 4000);
  });

  it('[FED2] a stranger, or a peer that cannot prove its key, is refused', async () => {
    const stranger = await FakePeer.connect(federationUrl, bravoTls);
    stranger.send({ t: 'hello', protocol: 1, node: 'zulu', nonce: 'abc' });
    assert.equal(await stranger.closed(), 4001);
    const impostor = await FakePeer.connect(federationUrl, bravoTls);
    await impostor.handshake('bravo', new Signer(generateKeyPair().privateKey));
    assert.equal(await impostor.closed(), 4002);
  });

  it('[FED2] a peer with the right signing key but another TLS certificate is refused', async () => {
    const other = await FakePeer.connect(federationUrl, createTlsIdentity('bravo'));
    await other.handshake('bravo', bravoSigner);
    const error = await other.next('error');
    assert.equal(error.code, 'bad-certificate');
    assert.equal(await other.closed(), 4007);
    const peers =
      await officer.get<{ nodeId: string; lastRefusal: { code: string; message: string } | null }[]>(
        '/api/v1/peers',
      );
    const bravo = peers.find((p) => p.nodeId === 'bravo');
    assert.equal(bravo?.lastRefusal?.code, 'bad-certificate', 'the admin sees the refusal');
    assert.match(bravo?.lastRefusal?.message ?? '', /does not match the fingerprint of its card/);
    const metrics = await (await fetch(`${cluster.node('alpha').url}/metrics`)).text();
    assert.match(metrics, /liaison_link_refusals_total\{[^}]*reason="bad-certificate"[^}]*\} [1-9]/);
  });

  it('[FED2] a client without TLS cannot reach the federation port', async () => {
    const plain = new WebSocket(federationUrl.replace('wss:', 'ws:'));
    const outcome = await new Promise<string>((resolve) => {
      plain.once('open', () => resolve('open'));
      plain.once('error', () => resolve('error'));
      plain.once('close', () => resolve('closed'));
    });
    assert.notEqual(outcome, 'open');
    plain.terminate();
  });

  it('[LOG8] a batch of 100,000 tiny events is refused as a protocol error, not processed', async () => {
    const flood = await FakePeer.connect(federationUrl, bravoTls);
    await flood.handshake('bravo', bravoSigner);
    flood.send({ t: 'heads', heads: {} });
    flood.send({ t: 'batch', n: 1, events: Array.from({ length: 100_000 }, (_, i) => ({ v: 1, seq: i })) });
    assert.equal(await flood.closed(), 4003);
  });

  it('[LOG8] a 100 MB frame is cut off at the frame limit', async () => {
    const huge = await FakePeer.connect(federationUrl, bravoTls);
    huge.send(`{"t":"batch","n":1,"events":["${'x'.repeat(100 * 1024 * 1024)}"]}`);
    assert.equal(await huge.closed(), 1009);
  });

  it('[FED7] a peer that never reads is dropped while the node keeps serving', {
    timeout: 40_000,
  }, async () => {
    const slow = await FakePeer.connect(federationUrl, bravoTls);
    await slow.handshake('bravo', bravoSigner);
    await slow.next('heads');
    slow.send({ t: 'heads', heads: {} });
    slow.stopReading();
    // alpha keeps taking messages while the silent link fills and then times out (15 s, FED7).
    const isDown = async () =>
      (await officer.get<{ nodeId: string; state: string }[]>('/api/v1/peers')).find(
        (p) => p.nodeId === 'bravo',
      )?.state === 'down';
    const started = Date.now();
    let posts = 0;
    while (!(await isDown()) && Date.now() - started < 30_000) {
      const posted = await officer.post<LiaisonEvent>(`/api/v1/lines/${HOTLINE}/messages`, {
        text: 'x'.repeat(8000),
        precedence: 'ROUTINE',
      });
      assert.equal(posted.origin, 'alpha');
      posts += 1;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(await isDown(), 'the silent link is dropped and counted as down');
    assert.ok(posts > 10, `alpha kept serving (${posts} posts)`);
    const health = await fetch(`${cluster.node('alpha').url}/healthz`);
    assert.equal(health.status, 200);
    slow.close();
  });

  it('[LOG8] garbage bytes close that connection only; the node keeps serving', async () => {
    const garbage = await FakePeer.connect(federationUrl, bravoTls);
    garbage.send('\u0000\u0001 not json {{{');
    assert.equal(await garbage.closed(), 4003);
    const health = await fetch(`${cluster.node('alpha').url}/healthz`);
    assert.equal(health.status, 200);
    const posted = await officer.post<LiaisonEvent>(`/api/v1/lines/${HOTLINE}/messages`, {
      text: 'still serving',
      precedence: 'ROUTINE',
    });
    assert.equal(posted.origin, 'alpha');
  });
});

describe('an equivocating peer', { timeout: 180_000 }, () => {
  let cluster: Cluster;
  let officer: ApiClient;
  let admin: ApiClient;
  let peer: FakePeer;
  let bravoSigner: Signer;

  before(async () => {
    cluster = await startCluster();
    const alpha = cluster.node('alpha');
    officer = await ApiClient.login(alpha.url, 'officer');
    admin = await ApiClient.login(alpha.url, 'admin');
    const bravo = cluster.node('bravo');
    await eventually(
      'bravo to have written on the hotline',
      async () => {
        const { events } = await officer.get<{ events: LiaisonEvent[] }>(
          `/api/v1/lines/${HOTLINE}/events?limit=100`,
        );
        return events.some((e) => e.origin === 'bravo') ? true : undefined;
      },
      60_000,
    );
    await bravo.stop('SIGTERM');
    bravoSigner = loadSigner(bravo.dir);
    await eventually('alpha to see bravo gone', async () => {
      const peers = await officer.get<{ state: string }[]>('/api/v1/peers');
      return peers[0]?.state === 'down' ? true : undefined;
    });
    peer = await FakePeer.connect(
      `wss://127.0.0.1:${alpha.federationPort}`,
      loadTlsIdentity(bravo.dir, 'bravo'),
    );
    await peer.handshake('bravo', bravoSigner);
    peer.send({ t: 'heads', heads: {} });
  });

  after(async () => {
    peer?.close();
    await cluster?.stop();
  });

  /** The next bravo event on the hotline as alpha sees it, with a body of our choosing. */
  const nextBravo = async (note: string): Promise<UnsignedEnvelope> => {
    const { events } = await officer.get<{ events: LiaisonEvent[] }>(
      `/api/v1/lines/${HOTLINE}/events?limit=10000`,
    );
    const last = (origin: string) =>
      events
        .filter((e) => e.origin === origin)
        .sort((a, b) => a.seq - b.seq)
        .at(-1);
    const bravoHead = last('bravo');
    const alphaHead = last('alpha');
    assert.ok(bravoHead && alphaHead);
    return {
      v: 1,
      line: HOTLINE,
      origin: 'bravo',
      seq: bravoHead.seq + 1,
      prev: bravoHead.id,
      clock: 1 + Math.max(bravoHead.clock, alphaHead.clock),
      deps: { alpha: alphaHead.id },
      ts: new Date().toISOString(),
      author: 'officer@bravo',
      type: 'test.note',
      body: { note },
    };
  };
  const envelope = (event: LiaisonEvent) => {
    const { id: _id, ...rest } = event;
    return rest;
  };

  it('[LOG9] a fork is kept as proof, raises the alarm, quarantines the origin on the line; an admin lifts it', async () => {
    const base = await nextBravo('first');
    const first = signEvent(base, bravoSigner);
    const fork = signEvent({ ...base, body: { note: 'second, same seq' } }, bravoSigner);
    assert.deepEqual((await peer.batch(1, [envelope(first)])).rejected, []);
    const forked = await peer.batch(2, [envelope(fork)]);
    assert.equal(forked.rejected[0]?.code, 'equivocation');

    const alarms = await officer.get<{
      equivocations: { id: number; origin: string; seq: number; heldId: string; conflicting: LiaisonEvent }[];
    }>('/api/v1/alarms');
    assert.equal(alarms.equivocations.length, 1);
    const proof = alarms.equivocations[0];
    assert.equal(proof?.origin, 'bravo');
    assert.equal(proof?.heldId, first.id);
    assert.equal(proof?.conflicting.id, fork.id, 'the conflicting signed event is kept as proof');
    const metrics = await (await fetch(`${cluster.node('alpha').url}/metrics`)).text();
    assert.match(metrics, /liaison_equivocations_total\{[^}]*origin="bravo"[^}]*\} 1/);
    const { events } = await officer.get<{ events: LiaisonEvent[] }>(
      `/api/v1/lines/${HOTLINE}/events?limit=10000`,
    );
    assert.ok(!events.some((e) => e.id === fork.id), 'the fork is not in the record');

    const next = signEvent(await nextBravo('after the fork'), bravoSigner);
    assert.equal((await peer.batch(3, [envelope(next)])).rejected[0]?.code, 'quarantined');

    const forbidden = await officer.request('POST', `/api/v1/admin/equivocations/${proof?.id}/resolve`, {
      resolution: 'x'.repeat(5),
    });
    assert.equal(forbidden.status, 403, 'only an admin resolves');
    const resolved = await admin.request('POST', `/api/v1/admin/equivocations/${proof?.id}/resolve`, {
      resolution: 'bravo restored from an old backup; confirmed by phone with its admin',
    });
    assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
    assert.deepEqual((await officer.get<{ equivocations: unknown[] }>('/api/v1/alarms')).equivocations, []);
    assert.deepEqual((await peer.batch(4, [envelope(next)])).rejected, [], 'accepted again once resolved');
  });
});
