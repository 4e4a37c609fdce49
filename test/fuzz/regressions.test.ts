/**
 * What the hostile input suite found, each fixed at its cause, kept here as plain cases (SEC3):
 *
 * - text with a lone surrogate (`"x\udfff"` in JSON) made every append a 500: the record's
 *   canonical JSON (RFC 8785) cannot hold it. Now 400 `unsignable-body`, nothing stored
 *   (src/record/appendBuild.ts);
 * - a path that is not valid percent-encoding, or a path parameter over 100 characters, got
 *   Fastify's own error body; a request Node's HTTP parser refuses did too. Now the envelope:
 *   400 `bad-url`, 414 `path-too-long`, 400 `bad-http`, 431 `headers-too-large`, and 400
 *   `host-required` for an HTTP/1.1 request without Host, which Node answered with an empty 400
 *   (errors.ts, app.ts);
 * - a plain GET of the console's stream got an empty 404; now 426 `upgrade-required` (app.ts);
 *   a WebSocket upgrade the node refused (a bad path, a bad handshake, no Host) kept its socket
 *   open, so `app.close()` waited forever and the node could not be stopped; now the answer is
 *   the envelope and the connection ends with it (src/server/upgradeGuard.ts);
 * - on the federation link, a receipt whose text held a lone surrogate threw out of the socket's
 *   event: in `liaison serve`, the end of the process. Now a bad signature (4002), and any frame
 *   whose handling throws ends its link only (src/federation/link.ts);
 * - an envelope whose `v` was `{"toString": 1}` made the refusal's own message throw, and the
 *   batch was dropped as if the store had failed. Now refused as `bad-version` (src/core/event.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadSigner, loadTlsIdentity } from '../../src/node/folder.ts';
import {
  type FuzzPair,
  HOTLINE,
  markRecord,
  newEventsSince,
  startFuzzPair,
} from '../support/fuzz/fuzzNodes.ts';
import { envelopeProblem } from '../support/fuzz/httpFuzz.ts';
import { FuzzPeer } from '../support/fuzz/peer.ts';
import { rawHttp, rawResponses } from '../support/fuzz/rawHttp.ts';

describe('[SEC3] what the fuzz suite found', { timeout: 60_000 }, () => {
  let pair: FuzzPair;

  before(async () => {
    pair = await startFuzzPair();
  });
  after(async () => {
    await pair?.stop();
  });

  const inject = (method: 'GET' | 'POST', url: string, payload?: string) =>
    pair.alpha.node.app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${pair.alpha.tokens.officer}`,
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(payload === undefined ? {} : { payload }),
    });

  it('[SEC3] a message with a lone surrogate is refused with 400 unsignable-body and nothing is stored', async () => {
    const mark = await markRecord(pair.alpha.node);
    for (const line of [HOTLINE, 'local-alpha']) {
      const refused = await inject(
        'POST',
        `/api/v1/lines/${line}/messages`,
        '{"text":"x\\udfff","precedence":"ROUTINE"}',
      );
      assert.equal(refused.statusCode, 400, refused.body);
      assert.equal(refused.json().error, 'unsignable-body');
      assert.equal(envelopeProblem(refused.body), null);
    }
    assert.deepEqual(await newEventsSince(pair.alpha.node, mark), []);
    const fine = await inject(
      'POST',
      `/api/v1/lines/${HOTLINE}/messages`,
      '{"text":"x\\ud83d\\udea2","precedence":"ROUTINE"}',
    );
    assert.equal(fine.statusCode, 201, 'a surrogate pair (🚢) is text like any other');
    assert.equal(fine.json().body.text, 'x🚢');
  });

  it('[SEC3] a path that is not percent-encoded UTF-8, or too long, is refused in the envelope', async () => {
    const badUrl = await inject('GET', '/api/v1/lines/%zz/events');
    assert.equal(badUrl.statusCode, 400);
    assert.equal(badUrl.json().error, 'bad-url');
    const tooLong = await inject('GET', `/api/v1/lines/${'x'.repeat(200)}/events`);
    assert.equal(tooLong.statusCode, 414);
    assert.equal(tooLong.json().error, 'path-too-long');
    for (const answer of [badUrl, tooLong]) assert.equal(envelopeProblem(answer.body), null, answer.body);
  });

  it('[SEC3] a request that is not HTTP gets the envelope on the raw socket, and the node keeps serving', async () => {
    const { httpPort } = pair.alpha.node.config;
    const garbage = await rawHttp(httpPort, 'GARBAGE\r\n\r\n');
    assert.match(garbage, /^HTTP\/1\.1 400 /);
    assert.match(garbage, /\{"error":"bad-http","message":"[^"]+"\}$/);
    const badLength = await rawHttp(
      httpPort,
      'GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
    );
    assert.match(badLength, /"error":"bad-http"/);
    const bigHeaders = await rawHttp(
      httpPort,
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    assert.match(bigHeaders, /^HTTP\/1\.1 431 /);
    assert.match(bigHeaders, /"error":"headers-too-large"/);
    assert.equal((await fetch(`${pair.alpha.node.url}/healthz`)).status, 200);
  });

  it('[SEC3] a refused WebSocket upgrade gets the envelope and its connection ends (the node can still stop)', async () => {
    const { httpPort } = pair.alpha.node.config;
    const upgrade = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13';
    const cases: [request: string, code: string][] = [
      [
        `GET /%zz HTTP/1.1\r\nHost: a\r\n${upgrade}\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
        'bad-url',
      ],
      [`GET /api/v1/stream HTTP/1.1\r\nHost: a\r\n${upgrade}\r\n\r\n`, 'bad-websocket-handshake'],
      [
        `POST /api/v1/stream HTTP/1.1\r\nHost: a\r\n${upgrade}\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
        'bad-websocket-handshake',
      ],
      [
        `GET /api/v1/stream HTTP/1.1\r\n${upgrade}\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
        'host-required',
      ],
    ];
    for (const [request, code] of cases) {
      const started = Date.now();
      const answer = await rawHttp(httpPort, request);
      assert.ok(Date.now() - started < 1_500, `the node ended the connection (${code})`);
      const [first] = rawResponses(answer);
      assert.equal(first?.status, 400, answer);
      assert.equal(JSON.parse(first?.body ?? '{}').error, code);
    }
    // `after` stops the pair: with a refused upgrade left open, app.close() waited for it forever.
  });

  it('[SEC3] a plain GET of the stream is 426 upgrade-required, not an empty 404', async () => {
    const answer = await inject('GET', '/api/v1/stream');
    assert.equal(answer.statusCode, 426);
    assert.equal(answer.json().error, 'upgrade-required');
  });

  it('[SEC3] [LOG8] a receipt with a lone surrogate ends that link as a bad signature; the node keeps serving', async () => {
    await pair.stopBravo();
    const url = `wss://127.0.0.1:${pair.alpha.node.config.federationPort}`;
    const peer = await FuzzPeer.connect(url, loadTlsIdentity(pair.bravo.dir, 'bravo'));
    assert.ok(await peer.handshake('bravo', loadSigner(pair.bravo.dir), 'alpha'));
    peer.send({
      t: 'receipt',
      body: { node: 'bravo', peer: 'alpha', n: 1, at: 'x\udfff', heads: {}, rejected: [] },
      sig: 'A'.repeat(86),
    });
    assert.equal(await peer.batch(1, []), null, 'the link is cut');
    assert.equal(peer.closeCode, 4002);
    assert.deepEqual(
      pair.errorLogs,
      [],
      'nothing escaped the link (an uncaught exception ends `liaison serve`)',
    );
    assert.equal((await fetch(`${pair.alpha.node.url}/healthz`)).status, 200);
  });

  it('[LOG8] an envelope whose version is {"toString": 1} is refused as bad-version, the link stays', async () => {
    const url = `wss://127.0.0.1:${pair.alpha.node.config.federationPort}`;
    const peer = await FuzzPeer.connect(url, loadTlsIdentity(pair.bravo.dir, 'bravo'));
    assert.ok(await peer.handshake('bravo', loadSigner(pair.bravo.dir), 'alpha'));
    const receipt = await peer.batch(1, [JSON.parse('{"v": {"toString": 1}}')]);
    assert.equal(receipt?.body.rejected[0]?.code, 'bad-version');
    assert.ok(peer.isOpen);
    assert.deepEqual(pair.errorLogs, []);
    await peer.close();
  });
});
