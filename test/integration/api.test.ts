/**
 * Bad input against a real node process (SEC3): each bad request gets a clear 4xx in our error
 * envelope, changes nothing, and leaves the node serving. Plus login, roles and TOTP (SEC1, SEC2).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { LiaisonEvent } from '../../src/core/types.ts';
import { totpCode } from '../../src/server/totp.ts';
import { ApiClient, BIN, type Cluster, HOTLINE, PASSWORD, startCluster } from '../support/cluster.ts';

interface ErrorBody {
  error: string;
  message: string;
  fields?: { path: string; message: string }[];
}

describe('the HTTP API refuses bad input', { timeout: 90_000 }, () => {
  let cluster: Cluster;
  let url: string;
  let officer: ApiClient;

  /** Messages on the hotline (heads.recorded events arrive in the background and are not counted). */
  const eventCount = async () =>
    (
      await officer.get<{ events: LiaisonEvent[] }>(`/api/v1/lines/${HOTLINE}/events?limit=10000`)
    ).events.filter((e) => e.type === 'message.posted').length;

  before(async () => {
    cluster = await startCluster();
    url = cluster.node('alpha').url;
    officer = await ApiClient.login(url, 'officer');
  });

  after(async () => {
    await cluster?.stop();
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    officer.request('POST', path, body, { 'content-type': 'application/json', ...headers });

  const cases: { name: string; path: string; body: string; status: number; error: string }[] = [
    {
      name: 'malformed JSON',
      path: `/api/v1/lines/${HOTLINE}/messages`,
      body: '{"text": "x",',
      status: 400,
      error: 'malformed-json',
    },
    {
      name: 'an unknown field',
      path: `/api/v1/lines/${HOTLINE}/messages`,
      body: JSON.stringify({ text: 'x', precedence: 'ROUTINE', colour: 'red' }),
      status: 400,
      error: 'invalid-input',
    },
    {
      name: 'a wrong type',
      path: `/api/v1/lines/${HOTLINE}/messages`,
      body: JSON.stringify({ text: 42, precedence: 'ROUTINE' }),
      status: 400,
      error: 'invalid-input',
    },
    {
      name: 'an unknown precedence',
      path: `/api/v1/lines/${HOTLINE}/messages`,
      body: JSON.stringify({ text: 'x', precedence: 'URGENT' }),
      status: 400,
      error: 'invalid-input',
    },
    {
      name: 'empty text',
      path: `/api/v1/lines/${HOTLINE}/messages`,
      body: JSON.stringify({ text: '   ', precedence: 'ROUTINE' }),
      status: 400,
      error: 'invalid-input',
    },
    {
      name: 'an unknown line id',
      path: '/api/v1/lines/hotline-alpha-zulu/messages',
      body: JSON.stringify({ text: 'x', precedence: 'ROUTINE' }),
      status: 404,
      error: 'unknown-line',
    },
    {
      name: 'a body over 1 MiB',
      path: `/api/v1/lines/${HOTLINE}/messages`,
      body: JSON.stringify({ text: 'x'.repeat(1024 * 1024 + 10), precedence: 'ROUTINE' }),
      status: 413,
      error: 'body-too-large',
    },
    {
      name: 'text over the message limit',
      path: `/api/v1/lines/${HOTLINE}/messages`,
      body: JSON.stringify({ text: 'x'.repeat(20_000), precedence: 'ROUTINE' }),
      status: 400,
      error: 'invalid-input',
    },
  ];

  for (const c of cases) {
    it(`[SEC3] ${c.name} → ${c.status} ${c.error}, nothing changes`, async () => {
      const before = await eventCount();
      const { status, body } = await post(c.path, c.body);
      assert.equal(status, c.status, JSON.stringify(body));
      const error = body as ErrorBody;
      assert.equal(error.error, c.error);
      assert.equal(typeof error.message, 'string');
      assert.ok(error.message.length > 0);
      assert.equal(await eventCount(), before);
    });
  }

  it('[SEC3] invalid input names the fields at fault', async () => {
    const { body } = await post(
      `/api/v1/lines/${HOTLINE}/messages`,
      JSON.stringify({ text: 1, precedence: 'NOPE' }),
    );
    const paths = ((body as ErrorBody).fields ?? []).map((f) => f.path).sort();
    assert.deepEqual(paths, ['precedence', 'text']);
  });

  it('[SEC3] a wrong query type, an oversized limit and a bad event id are 400s', async () => {
    for (const path of [
      `/api/v1/lines/${HOTLINE}/events?limit=abc`,
      `/api/v1/lines/${HOTLINE}/events?limit=10001`,
      `/api/v1/lines/${HOTLINE}/events?since=-1`,
      `/api/v1/lines/${HOTLINE}/events?what=1`,
      '/api/v1/messages/not-an-id',
    ]) {
      const { status, body } = await officer.request('GET', path);
      assert.equal(status, 400, path);
      assert.equal((body as ErrorBody).error, 'invalid-input', path);
    }
  });

  it('[SEC3] unknown routes and unknown messages are 404 in our envelope', async () => {
    const route = await officer.request('GET', '/api/v1/nothing-here');
    assert.equal(route.status, 404);
    assert.equal((route.body as ErrorBody).error, 'not-found');
    const message = await officer.request('GET', `/api/v1/messages/${'A'.repeat(43)}`);
    assert.equal(message.status, 404);
    assert.equal((message.body as ErrorBody).error, 'unknown-message');
  });

  it('[SEC2] missing, wrong and expired-looking tokens are 401 unauthenticated', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer nonsense' },
      { authorization: `Bearer ${'x'.repeat(500)}` },
    ];
    for (const headers of attempts) {
      const response = await fetch(`${url}/api/v1/lines`, { headers });
      assert.equal(response.status, 401);
      assert.equal(((await response.json()) as ErrorBody).error, 'unauthenticated');
    }
  });

  it('[SEC2] a logged-out token no longer works', async () => {
    const client = await ApiClient.login(url, 'supervisor');
    assert.equal((await client.request('GET', '/api/v1/lines')).status, 200);
    assert.equal((await client.request('POST', '/api/v1/auth/logout', {})).status, 200);
    assert.equal((await client.request('GET', '/api/v1/lines')).status, 401);
  });

  it('[SEC2] a wrong password is 401 bad-credentials, the same as an unknown user', async () => {
    for (const username of ['officer', 'nobody']) {
      const response = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: 'wrong-password' }),
      });
      assert.equal(response.status, 401);
      assert.equal(((await response.json()) as ErrorBody).error, 'bad-credentials');
    }
  });

  it('[SEC2] login sets an httpOnly SameSite=Strict cookie that authenticates', async () => {
    const response = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'observer', password: PASSWORD }),
    });
    const cookie = response.headers.get('set-cookie') ?? '';
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    const me = await fetch(`${url}/api/v1/me`, { headers: { cookie: cookie.split(';')[0] ?? '' } });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { user: { role: string } }).user.role, 'observer');
  });

  it('[SEC1] an event names the signed-in person as its author; a client cannot name another', async () => {
    const claimed = await officer.request('POST', `/api/v1/lines/${HOTLINE}/messages`, {
      text: 'signed by someone else?',
      precedence: 'ROUTINE',
      author: 'admin@alpha',
    });
    assert.equal(claimed.status, 400, 'an author field is refused outright');
    const posted = await officer.request('POST', `/api/v1/lines/${HOTLINE}/messages`, {
      text: 'signed by me',
      precedence: 'ROUTINE',
    });
    assert.equal(posted.status, 201);
    assert.equal((posted.body as { author: string }).author, 'officer@alpha');
  });

  it('[SEC1] an observer may read but not send', async () => {
    const observer = await ApiClient.login(url, 'observer');
    assert.equal((await observer.request('GET', `/api/v1/lines/${HOTLINE}/events`)).status, 200);
    const { status, body } = await observer.request('POST', `/api/v1/lines/${HOTLINE}/messages`, {
      text: 'x',
      precedence: 'ROUTINE',
    });
    assert.equal(status, 403);
    assert.equal((body as ErrorBody).error, 'forbidden');
  });

  it('[SEC2] a user added with the CLI needs the TOTP code from its otpauth URI', async () => {
    const dir = cluster.node('alpha').dir;
    const added = spawnSync(
      process.execPath,
      [BIN, 'user', 'add', 'duty2', '--role', 'officer', '--password', 'duty2-pass', '--data', dir],
      { encoding: 'utf8', env: cluster.envFor('alpha') },
    );
    assert.equal(added.status, 0, added.stderr);
    const secret = /secret=([A-Z2-7]+)/.exec(added.stdout)?.[1];
    assert.ok(secret, added.stdout);
    const login = (totp?: string) =>
      fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'duty2', password: 'duty2-pass', ...(totp ? { totp } : {}) }),
      });
    const without = await login();
    assert.equal(without.status, 401);
    assert.equal(((await without.json()) as ErrorBody).error, 'totp-required');
    const wrong = await login('000000');
    assert.equal(wrong.status, 401);
    const right = await login(totpCode(secret, Date.now()));
    assert.equal(right.status, 200);
  });

  it('[SEC4] ten failed logins lock the account with a clear 423', async () => {
    const attempt = (password: string) =>
      fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'interpreter', password }),
      });
    for (let i = 0; i < 10; i += 1) assert.equal((await attempt('bad-password')).status, 401);
    const locked = await attempt(PASSWORD);
    assert.equal(locked.status, 423);
    const body = (await locked.json()) as ErrorBody;
    assert.equal(body.error, 'account-locked');
    assert.match(body.message, /try again after/);
  });

  it('[SEC3] after all of that the node still serves', async () => {
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    const posted = await officer.post<LiaisonEvent>(`/api/v1/lines/${HOTLINE}/messages`, {
      text: 'still here',
      precedence: 'ROUTINE',
    });
    assert.equal(posted.type, 'message.posted');
  });

  it('[SEC2] the console is served with a Content-Security-Policy', async () => {
    const response = await fetch(`${url}/`);
    assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  });

  it('/metrics is Prometheus text with stored events and peer state', async () => {
    const response = await fetch(`${url}/metrics`);
    const text = await response.text();
    assert.match(text, /liaison_events_stored_total\{[^}]*source="local"[^}]*\} \d+/);
    assert.match(text, /liaison_peer_state\{[^}]*peer="bravo"[^}]*\}/);
    assert.match(text, /liaison_delivery_latency_seconds_bucket/);
  });
});
