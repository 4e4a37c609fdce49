/**
 * Signing in to a real node process (SEC2, SEC4): an admin resets a user's second factor with
 * `liaison user reset-2fa`, the user enrols a TOTP secret through the API and signs in with
 * codes and recovery codes; signing out everywhere ends two sessions at once; a cookie-only
 * change without the console's header is refused as CSRF; every response has the security
 * headers; and 30 failed logins from one address get 429 with Retry-After.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { totpCode } from '../../src/server/totp.ts';
import { BIN, type Cluster, PASSWORD, startCluster } from '../support/cluster.ts';

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

describe('signing in to a real node', { timeout: 120_000 }, () => {
  let cluster: Cluster;
  let url: string;

  before(async () => {
    cluster = await startCluster({ nodeIds: ['alpha'] });
    url = cluster.node('alpha').url;
  });

  after(async () => {
    await cluster?.stop();
  });

  const liaison = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args, '--data', cluster.node('alpha').dir], {
      encoding: 'utf8',
      env: cluster.envFor('alpha'),
    });

  const call = async (
    method: string,
    path: string,
    body?: object,
    headers: Record<string, string> = {},
  ): Promise<Answer> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // the console's page or plain text
    }
    return { status: response.status, headers: response.headers, body: parsed };
  };
  const login = (body: object) => call('POST', '/api/v1/auth/login', body);
  const bearer = (token: unknown) => ({ authorization: `Bearer ${String(token)}` });

  let secret = '';
  let recoveryCodes: string[] = [];

  it('[SEC2] the demo’s users sign in with a password alone', async () => {
    const answer = await login({ username: 'supervisor', password: PASSWORD });
    assert.equal(answer.status, 200);
  });

  it('[SEC2] after `liaison user reset-2fa` the user must enrol, and their sessions are gone', async () => {
    const before = await login({ username: 'supervisor', password: PASSWORD });
    const reset = liaison('user', 'reset-2fa', 'supervisor');
    assert.equal(reset.status, 0, reset.stderr);
    assert.match(reset.stdout, /reset the second factor of supervisor@alpha/);
    assert.match(liaison('user', 'list').stdout, /supervisor\tsupervisor\tenrols at next sign-in/);
    const unknown = liaison('user', 'reset-2fa', 'nobody');
    assert.notEqual(unknown.status, 0);
    assert.match(unknown.stderr, /there is no user nobody/);
    // The node keeps a checked session in memory for up to a minute; the store no longer has it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const answer = await login({ username: 'supervisor', password: PASSWORD });
    assert.equal(answer.status, 401);
    assert.equal(answer.body.error, 'totp-enrolment-required');
    assert.ok(before.body.token);
  });

  it('[SEC2] the user enrols with the QR code’s secret and one code, and gets ten recovery codes', async () => {
    const first = await login({ username: 'supervisor', password: PASSWORD });
    const enrolmentToken = first.body.enrolmentToken;
    const details = await call('POST', '/api/v1/auth/totp/enrolment', { enrolmentToken });
    assert.equal(details.status, 200);
    assert.match(String(details.body.qrCode), /^data:image\/svg\+xml;base64,/);
    secret = String(details.body.secret);
    const confirmed = await call('POST', '/api/v1/auth/totp/confirm', {
      enrolmentToken,
      code: totpCode(secret, Date.now()),
    });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    recoveryCodes = confirmed.body.recoveryCodes as string[];
    assert.equal(recoveryCodes.length, 10);
    assert.equal((await call('GET', '/api/v1/me', undefined, bearer(confirmed.body.token))).status, 200);
    assert.match(liaison('user', 'list').stdout, /supervisor\tsupervisor\ttotp/);
  });

  it('[SEC2] then a login needs the TOTP code or a recovery code, each recovery code once', async () => {
    const without = await login({ username: 'supervisor', password: PASSWORD });
    assert.equal(without.body.error, 'totp-required');
    const withTotp = await login({
      username: 'supervisor',
      password: PASSWORD,
      totp: totpCode(secret, Date.now()),
    });
    assert.equal(withTotp.status, 200);
    const code = recoveryCodes[0];
    assert.equal((await login({ username: 'supervisor', password: PASSWORD, totp: code })).status, 200);
    const again = await login({ username: 'supervisor', password: PASSWORD, recoveryCode: code });
    assert.equal(again.status, 401);
    assert.equal(again.body.error, 'bad-recovery-code');
  });

  it('[SEC2] signing out everywhere ends both sessions at once', async () => {
    const first = await login({ username: 'observer', password: PASSWORD });
    const second = await login({ username: 'observer', password: PASSWORD });
    const other = await login({ username: 'officer', password: PASSWORD });
    for (const session of [first, second])
      assert.equal((await call('GET', '/api/v1/lines', undefined, bearer(session.body.token))).status, 200);
    const ended = await call('POST', '/api/v1/auth/logout-all', {}, bearer(second.body.token));
    assert.deepEqual(ended.body, { ok: true, ended: 2 });
    for (const session of [first, second]) {
      const after = await call('GET', '/api/v1/lines', undefined, bearer(session.body.token));
      assert.equal(after.status, 401);
      assert.equal(after.body.error, 'unauthenticated');
    }
    assert.equal((await call('GET', '/api/v1/lines', undefined, bearer(other.body.token))).status, 200);
  });

  it('[SEC2] a change signed in by cookie needs the console’s header; without it 403 csrf and nothing changes', async () => {
    const session = await login({ username: 'officer', password: PASSWORD });
    const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const line = { title: 'Forged thread', members: ['alpha'] };
    const forged = await call('POST', '/api/v1/auth/logout-all', {}, { cookie });
    assert.equal(forged.status, 403);
    assert.equal(forged.body.error, 'csrf');
    assert.match(String(forged.body.message), /x-liaison-request/);
    const crossSite = await call('POST', '/api/v1/lines', line, {
      ...bearer(session.body.token),
      'sec-fetch-site': 'cross-site',
    });
    assert.equal(crossSite.status, 403);
    assert.equal(
      (await call('GET', '/api/v1/me', undefined, { cookie })).status,
      200,
      'the session still works',
    );
    const fromConsole = await call('POST', '/api/v1/auth/logout', {}, { cookie, 'x-liaison-request': '1' });
    assert.equal(fromConsole.status, 200);
    assert.equal((await call('GET', '/api/v1/me', undefined, { cookie })).status, 401);
  });

  it('[SEC2] every response carries the security headers; the page carries the CSP', async () => {
    for (const path of ['/', '/healthz', '/api/v1/lines', '/api/v1/no-such-route']) {
      const answer = await call('GET', path);
      assert.equal(answer.headers.get('x-frame-options'), 'DENY', path);
      assert.equal(answer.headers.get('cross-origin-opener-policy'), 'same-origin', path);
      assert.match(
        answer.headers.get('permissions-policy') ?? '',
        /camera=\(self\), microphone=\(self\)/,
        path,
      );
      assert.equal(answer.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(answer.headers.get('strict-transport-security'), null, `${path}: plain HTTP on loopback`);
    }
    const page = await call('GET', '/');
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'(;|$)/);
  });

  // Last: the address is held back for a minute after it.
  it('[SEC4] 30 failed logins from one address get 429 too-many-attempts with Retry-After', async () => {
    // The wrong recovery code above was this address's first failure.
    for (let i = 0; i < 29; i += 1) {
      const answer = await login({ username: `guess-${i}`, password: 'guess' });
      assert.equal(answer.status, 401, `attempt ${i + 1}`);
    }
    const limited = await login({ username: 'officer', password: PASSWORD });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error, 'too-many-attempts');
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.equal(limited.body.retryAfterSeconds, retryAfter);
    assert.match(
      String(limited.body.message),
      /too many failed sign-ins from this address; wait \d+ seconds/,
    );
    assert.equal((await call('GET', '/healthz')).status, 200, 'the node still serves');
  });
});
