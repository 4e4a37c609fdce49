/**
 * The auth routes and request guards (SEC2, SEC4) in one process, on an in-memory store, with
 * the node's own error handling and session lookup: enrolment of a second factor through the
 * API, recovery codes, signing out everywhere, the per-address login limit, CSRF refusals and
 * the security headers. A real node process runs them in test/integration/auth.test.ts.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { ManualClock } from '../core/clock.ts';
import { addUser } from '../node/init.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/types.ts';
import { registerAuthRoutes } from './authRoutes.ts';
import { installErrorHandling } from './errors.ts';
import { FAILURE_WINDOW_MS, MAX_FAILURES_PER_ADDRESS } from './loginLimit.ts';
import { installRequestGuards, PERMISSIONS_POLICY } from './requestGuards.ts';
import { resetSecondFactor } from './secondFactor.ts';
import { SESSION_COOKIE, Sessions, tokenFrom } from './sessions.ts';
import { totpCode } from './totp.ts';

let store: Store;
let clock: ManualClock;
let app: FastifyInstance;

beforeEach(async () => {
  store = await openSqliteStore(':memory:');
  clock = new ManualClock(Date.parse('2026-11-26T12:00:00.000Z'));
  const sessions = new Sessions(store, 'alpha', clock, 'admin-token-for-tests');
  await addUser(store, 'alpha', {
    username: 'officer',
    role: 'officer',
    password: 'officer-pass',
    withoutTotp: true,
  });
  // A user added by an admin without a second factor, who must enrol at the first sign-in.
  await addUser(store, 'alpha', { username: 'duty2', role: 'officer', password: 'duty2-pass' });
  await resetSecondFactor(store, 'duty2');
  app = Fastify();
  installErrorHandling(app);
  installRequestGuards(app, { isHttps: false });
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const token = tokenFrom(request.headers, request.query);
    request.principal = token ? await sessions.authenticate(token) : null;
  });
  registerAuthRoutes(app, { nodeId: 'alpha', store, sessions, clock, isHttps: false });
  await app.ready();
});

afterEach(async () => {
  await app.close();
  await store.close();
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: LightMyRequestResponse['headers'];
}

async function call(
  method: 'GET' | 'POST',
  url: string,
  payload?: object,
  headers: Record<string, string> = {},
  remoteAddress = '192.0.2.10',
): Promise<Answer> {
  const response = await app.inject({ method, url, headers, remoteAddress, ...(payload ? { payload } : {}) });
  return {
    status: response.statusCode,
    body: response.json() as Record<string, unknown>,
    headers: response.headers,
  };
}

const login = (body: object, remoteAddress?: string) =>
  call('POST', '/api/v1/auth/login', body, {}, remoteAddress);
const bearer = (token: unknown) => ({ authorization: `Bearer ${String(token)}` });

/** Signs duty2 in through the enrolment; returns the secret, the recovery codes and the token. */
async function enrolDuty2() {
  const first = await login({ username: 'duty2', password: 'duty2-pass' });
  const enrolmentToken = String(first.body.enrolmentToken);
  const details = await call('POST', '/api/v1/auth/totp/enrolment', { enrolmentToken });
  const secret = String(details.body.secret);
  const confirmed = await call('POST', '/api/v1/auth/totp/confirm', {
    enrolmentToken,
    code: totpCode(secret, clock.now()),
  });
  assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
  return { secret, recoveryCodes: confirmed.body.recoveryCodes as string[], token: confirmed.body.token };
}

describe('enrolment through the API [SEC2]', () => {
  it('[SEC2] a user without a second factor gets 401 totp-enrolment-required with a token, and no session', async () => {
    const answer = await login({ username: 'duty2', password: 'duty2-pass' });
    assert.equal(answer.status, 401);
    assert.equal(answer.body.error, 'totp-enrolment-required');
    assert.match(String(answer.body.message), /authenticator app/);
    assert.match(String(answer.body.enrolmentToken), /^[A-Za-z0-9_-]{43}$/);
    assert.ok(Date.parse(String(answer.body.expiresAt)) > clock.now());
    assert.equal(answer.headers['set-cookie'], undefined);
  });

  it('[SEC2] the enrolment shows QR code and secret; one code confirms it and signs in with ten recovery codes', async () => {
    const first = await login({ username: 'duty2', password: 'duty2-pass' });
    const enrolmentToken = String(first.body.enrolmentToken);
    const details = await call('POST', '/api/v1/auth/totp/enrolment', { enrolmentToken });
    assert.equal(details.status, 200);
    assert.equal(details.body.account, 'duty2@alpha');
    assert.match(String(details.body.qrCode), /^data:image\/svg\+xml;base64,/);
    assert.match(
      String(details.body.otpauthUri),
      new RegExp(`secret=${String(details.body.secret)}&issuer=Liaison`),
    );
    const wrong = await call('POST', '/api/v1/auth/totp/confirm', { enrolmentToken, code: '000000' });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error, 'bad-totp');
    const confirmed = await call('POST', '/api/v1/auth/totp/confirm', {
      enrolmentToken,
      code: totpCode(String(details.body.secret), clock.now()),
    });
    assert.equal(confirmed.status, 200);
    assert.equal((confirmed.body.recoveryCodes as string[]).length, 10);
    assert.deepEqual(confirmed.body.user, {
      username: 'duty2',
      role: 'officer',
      node: 'alpha',
      language: 'en',
    });
    assert.match(String(confirmed.headers['set-cookie']), /HttpOnly; SameSite=Strict/);
    const me = await call('GET', '/api/v1/auth/second-factor', undefined, bearer(confirmed.body.token));
    assert.deepEqual(me.body, { totp: 'enrolled', recoveryCodesLeft: 10 });
  });

  it('[SEC2] then a login takes the TOTP code or a recovery code, each recovery code once', async () => {
    const { secret, recoveryCodes } = await enrolDuty2();
    const without = await login({ username: 'duty2', password: 'duty2-pass' });
    assert.equal(without.body.error, 'totp-required');
    const withCode = await login({
      username: 'duty2',
      password: 'duty2-pass',
      totp: totpCode(secret, clock.now()),
    });
    assert.equal(withCode.status, 200);
    const code = recoveryCodes[0];
    assert.equal(
      (await login({ username: 'duty2', password: 'duty2-pass', recoveryCode: code })).status,
      200,
    );
    const again = await login({ username: 'duty2', password: 'duty2-pass', recoveryCode: code });
    assert.equal(again.status, 401);
    assert.equal(again.body.error, 'bad-recovery-code');
    assert.match(String(again.body.message), /already been used/);
  });

  it('[SEC2] new recovery codes and a new enrolment need the password and a current code', async () => {
    const { secret, recoveryCodes, token } = await enrolDuty2();
    const noCode = await call(
      'POST',
      '/api/v1/auth/recovery-codes',
      { password: 'duty2-pass' },
      bearer(token),
    );
    assert.equal(noCode.body.error, 'totp-required');
    const badPassword = await call(
      'POST',
      '/api/v1/auth/recovery-codes',
      { password: 'wrong', totp: totpCode(secret, clock.now()) },
      bearer(token),
    );
    assert.equal(badPassword.body.error, 'bad-credentials');
    const renewed = await call(
      'POST',
      '/api/v1/auth/recovery-codes',
      { password: 'duty2-pass', totp: totpCode(secret, clock.now()) },
      bearer(token),
    );
    assert.equal((renewed.body.recoveryCodes as string[]).length, 10);
    const old = await login({ username: 'duty2', password: 'duty2-pass', recoveryCode: recoveryCodes[1] });
    assert.equal(old.body.error, 'bad-recovery-code');
    const again = await call(
      'POST',
      '/api/v1/auth/totp/re-enrol',
      { password: 'duty2-pass', recoveryCode: (renewed.body.recoveryCodes as string[])[0] },
      bearer(token),
    );
    assert.equal(again.status, 200);
    const details = await call('POST', '/api/v1/auth/totp/enrolment', {
      enrolmentToken: again.body.enrolmentToken,
    });
    assert.notEqual(details.body.secret, secret);
    const unauthenticated = await call('POST', '/api/v1/auth/totp/re-enrol', { password: 'duty2-pass' });
    assert.equal(unauthenticated.status, 401);
  });

  it('[SEC3] bad input to the auth routes is a 400 that changes nothing', async () => {
    for (const [url, body] of [
      ['/api/v1/auth/login', { username: 'officer' }],
      ['/api/v1/auth/login', { username: 'officer', password: 'officer-pass', colour: 'red' }],
      ['/api/v1/auth/totp/enrolment', { enrolmentToken: 'short' }],
      ['/api/v1/auth/totp/confirm', { enrolmentToken: 'x'.repeat(43), code: '12345' }],
    ] as const) {
      const answer = await call('POST', url, body);
      assert.equal(answer.status, 400, url);
      assert.equal(answer.body.error, 'invalid-input');
    }
    const unknown = await call('POST', '/api/v1/auth/totp/confirm', {
      enrolmentToken: 'x'.repeat(43),
      code: '123456',
    });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.error, 'enrolment-expired');
    assert.equal((await store.getUser('duty2'))?.totpSecret, null);
  });
});

describe('sessions [SEC2]', () => {
  it('[SEC2] signing out everywhere ends both sessions of the user, not another user’s', async () => {
    const first = await login({ username: 'officer', password: 'officer-pass' });
    const second = await login({ username: 'officer', password: 'officer-pass' });
    const { token: other } = await enrolDuty2();
    const ended = await call('POST', '/api/v1/auth/logout-all', {}, bearer(first.body.token));
    assert.deepEqual(ended.body, { ok: true, ended: 2 });
    assert.match(String(ended.headers['set-cookie']), /Max-Age=0/);
    for (const token of [first.body.token, second.body.token]) {
      const after = await call('GET', '/api/v1/auth/second-factor', undefined, bearer(token));
      assert.equal(after.status, 401);
    }
    assert.equal((await call('GET', '/api/v1/auth/second-factor', undefined, bearer(other))).status, 200);
  });

  it('[SEC2] signing out ends only this session', async () => {
    const first = await login({ username: 'officer', password: 'officer-pass' });
    const second = await login({ username: 'officer', password: 'officer-pass' });
    assert.equal((await call('POST', '/api/v1/auth/logout', {}, bearer(first.body.token))).status, 200);
    assert.equal(
      (await call('GET', '/api/v1/auth/second-factor', undefined, bearer(first.body.token))).status,
      401,
    );
    assert.equal(
      (await call('GET', '/api/v1/auth/second-factor', undefined, bearer(second.body.token))).status,
      200,
    );
  });
});

describe('the login limit per address [SEC4]', () => {
  it('[SEC4] 30 failed logins from one address in a minute get 429 with Retry-After, whatever the account', async () => {
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i += 1) {
      const username = i % 5 === 0 ? 'duty2' : `nobody-${i}`;
      const answer = await login({ username, password: 'guess' }, '192.0.2.66');
      assert.equal(answer.status, 401, `attempt ${i + 1}`);
    }
    clock.advance(10_000);
    const limited = await login({ username: 'officer', password: 'officer-pass' }, '192.0.2.66');
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error, 'too-many-attempts');
    assert.equal(limited.body.retryAfterSeconds, 50);
    assert.equal(limited.headers['retry-after'], '50');
    assert.match(String(limited.body.message), /wait 50 seconds/);
    // Another address is not held back, and the account itself is not locked.
    assert.equal((await login({ username: 'officer', password: 'officer-pass' }, '192.0.2.67')).status, 200);
    clock.advance(FAILURE_WINDOW_MS - 10_000);
    assert.equal((await login({ username: 'officer', password: 'officer-pass' }, '192.0.2.66')).status, 200);
  });

  it('[SEC4] good logins from one address do not count', async () => {
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS + 5; i += 1) {
      const answer = await login({ username: 'officer', password: 'officer-pass' }, '192.0.2.70');
      assert.equal(answer.status, 200, `login ${i + 1}`);
    }
  });
});

describe('CSRF and security headers [SEC2]', () => {
  const cookieOf = async () => {
    const answer = await login({ username: 'officer', password: 'officer-pass' });
    return { cookie: `${SESSION_COOKIE}=${String(answer.body.token)}`, token: answer.body.token };
  };

  it('[SEC2] a change signed in by cookie alone, without the console’s header, is 403 csrf and changes nothing', async () => {
    const { cookie, token } = await cookieOf();
    const forged = await call('POST', '/api/v1/auth/logout-all', {}, { cookie });
    assert.equal(forged.status, 403);
    assert.equal(forged.body.error, 'csrf');
    assert.equal((await call('GET', '/api/v1/auth/second-factor', undefined, { cookie })).status, 200);
    const fromConsole = await call('POST', '/api/v1/auth/logout', {}, { cookie, 'x-liaison-request': '1' });
    assert.equal(fromConsole.status, 200);
    assert.equal((await call('GET', '/api/v1/auth/second-factor', undefined, bearer(token))).status, 401);
  });

  it('[SEC2] the browser’s same-origin mark is accepted; a page of another site or origin is refused', async () => {
    const { cookie, token } = await cookieOf();
    const sameOrigin = await call(
      'POST',
      '/api/v1/auth/totp/re-enrol',
      { password: 'officer-pass' },
      {
        cookie,
        'sec-fetch-site': 'same-origin',
      },
    );
    assert.equal(sameOrigin.status, 200);
    for (const site of ['cross-site', 'same-site']) {
      const withBearer = await call(
        'POST',
        '/api/v1/auth/logout-all',
        {},
        { ...bearer(token), 'sec-fetch-site': site },
      );
      assert.equal(withBearer.status, 403, site);
      assert.equal(withBearer.body.error, 'csrf');
      const forgedLogin = await call(
        'POST',
        '/api/v1/auth/login',
        { username: 'officer', password: 'officer-pass' },
        { 'sec-fetch-site': site },
      );
      assert.equal(forgedLogin.status, 403, `login from ${site}`);
    }
    assert.equal((await call('GET', '/api/v1/auth/second-factor', undefined, bearer(token))).status, 200);
  });

  it('[SEC2] bearer-token requests need no header', async () => {
    const { token } = await cookieOf();
    assert.equal((await call('POST', '/api/v1/auth/logout-all', {}, bearer(token))).status, 200);
  });

  it('[SEC2] every response carries the security headers, errors and unknown routes included', async () => {
    for (const answer of [
      await login({ username: 'officer', password: 'officer-pass' }),
      await login({ username: 'officer', password: 'wrong' }),
      await call('GET', '/api/v1/no-such-route'),
    ]) {
      assert.equal(answer.headers['x-frame-options'], 'DENY');
      assert.equal(answer.headers['cross-origin-opener-policy'], 'same-origin');
      assert.equal(answer.headers['permissions-policy'], PERMISSIONS_POLICY);
      assert.match(String(answer.headers['permissions-policy']), /camera=\(self\), microphone=\(self\)/);
      assert.equal(answer.headers['strict-transport-security'], undefined, 'not over plain HTTP');
    }
  });
});
