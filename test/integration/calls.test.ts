/**
 * Calls through the API of two real nodes (CALL1–CALL4), without a browser: a console at alpha
 * places a call, bravo's node rings its consoles through the stream, a console at bravo answers
 * and their WebRTC signals are relayed node to node; the hang-up is recorded and both nodes' call
 * logs agree. Bad input gets clear 4xx answers and changes nothing; recording is refused until
 * both sides' policies allow it; a console cannot relay signals for a call it is not in.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import {
  ApiClient,
  type Cluster,
  eventually,
  HOTLINE,
  startCluster,
  waitLinkUp,
} from '../support/cluster.ts';

interface CallRecord {
  id: string;
  caller: string;
  answeredBy: string | null;
  endReason: string | null;
  durationMs: number | null;
}

/** A console's stream: the frames it received, in order. */
function openStream(
  baseUrl: string,
  token: string,
  client: string,
): Promise<{ frames: Record<string, unknown>[]; close(): void }> {
  const url = `${baseUrl.replace('http', 'ws')}/api/v1/stream?client=${client}`;
  const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  const frames: Record<string, unknown>[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ frames, close: () => socket.close() }));
    socket.once('error', reject);
  });
}

describe('calls through the API of two real nodes', { timeout: 90_000 }, () => {
  let cluster: Cluster;
  let alpha: ApiClient;
  let bravo: ApiClient;

  before(async () => {
    cluster = await startCluster({ env: { LIAISON_RING_TIMEOUT: '20s' } });
    [alpha, bravo] = await Promise.all([
      ApiClient.login(cluster.node('alpha').url, 'officer'),
      ApiClient.login(cluster.node('bravo').url, 'officer'),
    ]);
    await waitLinkUp(alpha);
  });
  after(async () => {
    await cluster?.stop();
  });

  it('[CALL1] [CALL2] a call rings at bravo, is answered, carries signals both ways, is hung up, and both logs agree', async () => {
    const bravoConsole = await openStream(bravo.baseUrl, bravo.token, 'console-bravo-1');
    const alphaConsole = await openStream(alpha.baseUrl, alpha.token, 'console-alpha-1');
    try {
      const placed = await alpha.request('POST', '/api/v1/calls', {
        line: HOTLINE,
        media: 'video',
        client: 'console-alpha-1',
      });
      assert.equal(placed.status, 201);
      const call = (placed.body as { call: { id: string; state: string } }).call;
      assert.equal(call.state, 'ringing');
      await eventually('the ring at bravo’s console', async () =>
        bravoConsole.frames.find(
          (f) => f.type === 'call' && (f.call as { id: string; state: string }).state === 'ringing',
        ),
      );
      const answered = await bravo.request('POST', `/api/v1/calls/${call.id}/answer`, {
        client: 'console-bravo-1',
      });
      assert.equal(answered.status, 200);
      await eventually('the answer at alpha’s console', async () =>
        alphaConsole.frames.find(
          (f) => f.type === 'call' && (f.call as { state: string }).state === 'answered',
        ),
      );

      const offer = await alpha.request('POST', `/api/v1/calls/${call.id}/signal`, {
        client: 'console-alpha-1',
        to: 'console-bravo-1',
        kind: 'offer',
        data: '{"type":"offer","sdp":"v=0"}',
      });
      assert.equal(offer.status, 202);
      const answer = await bravo.request('POST', `/api/v1/calls/${call.id}/signal`, {
        client: 'console-bravo-1',
        to: 'console-alpha-1',
        kind: 'answer',
        data: '{"type":"answer","sdp":"v=0"}',
      });
      assert.equal(answer.status, 202);
      const atBravo = await eventually('the offer at bravo’s console', async () =>
        bravoConsole.frames.find((f) => f.type === 'signal'),
      );
      assert.deepEqual(atBravo, {
        type: 'signal',
        session: call.id,
        from: 'console-alpha-1',
        kind: 'offer',
        data: '{"type":"offer","sdp":"v=0"}',
      });
      await eventually('the answer at alpha’s console', async () =>
        alphaConsole.frames.find((f) => f.type === 'signal'),
      );

      // A console that is not the callee's cannot relay for it (CALL1).
      const forged = await bravo.request('POST', `/api/v1/calls/${call.id}/signal`, {
        client: 'console-bravo-9',
        to: 'console-alpha-1',
        kind: 'ice',
        data: '{}',
      });
      assert.equal(forged.status, 403);
      assert.equal((forged.body as { error: string }).error, 'not-a-party');

      // Another person at bravo cannot take over the answering console's id to read its signals.
      const supervisor = await ApiClient.login(cluster.node('bravo').url, 'supervisor');
      const takeover = new WebSocket(
        `${bravo.baseUrl.replace('http', 'ws')}/api/v1/stream?client=console-bravo-1`,
        {
          headers: { authorization: `Bearer ${supervisor.token}` },
        },
      );
      const code = await new Promise<number>((resolve) =>
        takeover.once('close', (closeCode) => resolve(closeCode)),
      );
      assert.equal(code, 4409);

      await new Promise((resolve) => setTimeout(resolve, 300));
      const hungUp = await bravo.request('POST', `/api/v1/calls/${call.id}/hangup`, {});
      assert.equal(hungUp.status, 200);
      for (const client of [alpha, bravo]) {
        const record = await eventually('the ended call in the log', async () => {
          const { calls } = await client.get<{ calls: CallRecord[] }>(`/api/v1/calls?line=${HOTLINE}`);
          return calls.find((c) => c.id === call.id && c.endReason === 'hangup');
        });
        assert.equal(record.caller, 'officer@alpha');
        assert.equal(record.answeredBy, 'officer@bravo');
        assert.ok((record.durationMs ?? 0) >= 300, `lasted ${record.durationMs} ms`);
      }
    } finally {
      bravoConsole.close();
      alphaConsole.close();
    }
  });

  it('[CALL1] [SEC3] bad call requests get clear 4xx answers and record nothing', async () => {
    const before = (await alpha.get<{ calls: CallRecord[] }>('/api/v1/calls')).calls.length;
    const cases: [string, string, unknown, number, string][] = [
      [
        'POST',
        '/api/v1/calls',
        { line: HOTLINE, media: 'fax', client: 'console-alpha-1' },
        400,
        'invalid-input',
      ],
      ['POST', '/api/v1/calls', { line: HOTLINE, media: 'voice' }, 400, 'invalid-input'],
      [
        'POST',
        '/api/v1/calls',
        { line: 'no-such-line', media: 'voice', client: 'console-alpha-1' },
        404,
        'unknown-line',
      ],
      ['POST', '/api/v1/calls/nosuchcall1/answer', { client: 'console-alpha-1' }, 404, 'unknown-call'],
      ['POST', '/api/v1/calls/x/hangup', {}, 400, 'invalid-input'],
      [
        'POST',
        '/api/v1/calls/nosuchcall1/signal',
        { client: 'console-alpha-1', to: 'console-bravo-1', kind: 'offer', data: 'x'.repeat(40_000) },
        400,
        'invalid-input',
      ],
      ['GET', '/api/v1/calls?line=BAD LINE', undefined, 400, 'invalid-input'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const response = await alpha.request(method, path, body);
      assert.equal(response.status, status, `${method} ${path}: ${JSON.stringify(response.body)}`);
      assert.equal((response.body as { error: string }).error, code, `${method} ${path}`);
    }
    const invalid = await alpha.request('POST', '/api/v1/calls', {
      line: HOTLINE,
      media: 'fax',
      client: 'console-alpha-1',
    });
    assert.deepEqual(
      (invalid.body as { fields: { path: string }[] }).fields.map((f) => f.path),
      ['media'],
    );
    const observer = await ApiClient.login(cluster.node('alpha').url, 'observer');
    const refused = await observer.request('POST', '/api/v1/calls', {
      line: HOTLINE,
      media: 'voice',
      client: 'console-alpha-1',
    });
    assert.equal(refused.status, 403);
    assert.equal((await alpha.get<{ calls: CallRecord[] }>('/api/v1/calls')).calls.length, before);
  });

  it('[CALL3] [CALL4] the ICE configuration is served, and recording waits for both sides’ policy', async () => {
    const config = await alpha.get<{
      iceServers: unknown[];
      iceTransportPolicy: string;
      ringTimeoutMs: number;
    }>('/api/v1/calls/config');
    assert.deepEqual(config, { iceServers: [], iceTransportPolicy: 'all', ringTimeoutMs: 20_000 });

    const policy = await alpha.get<{ recordingAllowed: boolean; byNode: Record<string, string> }>(
      `/api/v1/lines/${HOTLINE}/call-policy`,
    );
    assert.deepEqual(policy.byNode, { alpha: 'forbidden', bravo: 'forbidden' });
    const officerSets = await alpha.request('PUT', `/api/v1/lines/${HOTLINE}/call-policy`, {
      recording: 'allowed',
    });
    assert.equal(officerSets.status, 403, 'only an admin sets the policy');
    const admin = await ApiClient.login(cluster.node('alpha').url, 'admin');
    const bad = await admin.request('PUT', `/api/v1/lines/${HOTLINE}/call-policy`, {
      recording: 'sometimes',
    });
    assert.equal(bad.status, 400);
    const alphaAllows = await admin.request('PUT', `/api/v1/lines/${HOTLINE}/call-policy`, {
      recording: 'allowed',
    });
    assert.equal(alphaAllows.status, 200);
    assert.deepEqual(alphaAllows.body, {
      line: HOTLINE,
      recordingAllowed: false,
      byNode: { alpha: 'allowed', bravo: 'forbidden' },
    });

    // A call in progress cannot be recorded while bravo forbids it.
    const placed = await alpha.post<{ call: { id: string } }>('/api/v1/calls', {
      line: HOTLINE,
      media: 'voice',
      client: 'console-alpha-1',
    });
    await eventually('the call ringing at bravo', async () => {
      const { calls } = await bravo.get<{ calls: { id: string; state: string }[] }>('/api/v1/calls/live');
      return calls.find((c) => c.id === placed.call.id && c.state === 'ringing');
    });
    await bravo.post(`/api/v1/calls/${placed.call.id}/answer`, { client: 'console-bravo-1' });
    await eventually('the answer at alpha', async () => {
      const { calls } = await alpha.get<{ calls: { id: string; state: string }[] }>('/api/v1/calls/live');
      return calls.find((c) => c.id === placed.call.id && c.state === 'answered');
    });
    const refused = await alpha.request('POST', `/api/v1/calls/${placed.call.id}/recording`, {
      recording: true,
    });
    assert.equal(refused.status, 409);
    assert.equal((refused.body as { error: string }).error, 'recording-forbidden');
    const unnamed = await alpha.request('POST', `/api/v1/calls/${placed.call.id}/recordings`, {
      blob: 'a'.repeat(64),
      durationMs: 1000,
      mime: 'video/webm',
    });
    assert.equal(unnamed.status, 409, 'no recording is named in the record either');

    const bravoAdmin = await ApiClient.login(cluster.node('bravo').url, 'admin');
    await bravoAdmin.request('PUT', `/api/v1/lines/${HOTLINE}/call-policy`, { recording: 'allowed' });
    await eventually('both sides allowing, as alpha sees it', async () => {
      const now = await alpha.get<{ recordingAllowed: boolean }>(`/api/v1/lines/${HOTLINE}/call-policy`);
      return now.recordingAllowed ? now : undefined;
    });
    const started = await alpha.request('POST', `/api/v1/calls/${placed.call.id}/recording`, {
      recording: true,
    });
    assert.equal(started.status, 200);
    // Bravo's node shows the indicator from alpha's signed event.
    const seen = await eventually('the recording indicator at bravo', async () => {
      const { calls } = await bravo.get<{ calls: { id: string; recording: { by: string } | null }[] }>(
        '/api/v1/calls/live',
      );
      return calls.find((c) => c.id === placed.call.id && c.recording !== null);
    });
    assert.equal(seen.recording?.by, 'officer@alpha');
    const missingBlob = await alpha.request('POST', `/api/v1/calls/${placed.call.id}/recordings`, {
      blob: 'b'.repeat(64),
      durationMs: 1000,
      mime: 'video/webm',
    });
    assert.equal(missingBlob.status, 400);
    assert.equal((missingBlob.body as { error: string }).error, 'unknown-blob');
    await alpha.post(`/api/v1/calls/${placed.call.id}/hangup`, {});
  });
});
