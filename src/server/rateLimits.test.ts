import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { ManualClock } from '../core/clock.ts';
import { type ApiRateLimits, installRateLimits } from './rateLimits.ts';
import './routes.ts';

/** An app whose bearer tokens starting with `good-` are valid sessions, as app.ts would find. */
async function appWith(limits: Omit<ApiRateLimits, 'clock'>, clock: ManualClock): Promise<FastifyInstance> {
  const app = Fastify();
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const auth = request.headers.authorization ?? '';
    request.principal = auth.startsWith('Bearer good-')
      ? { username: 'officer', role: 'officer', author: 'officer@alpha' }
      : null;
  });
  installRateLimits(app, { ...limits, clock });
  app.get('/api/v1/lines', async () => []);
  app.get('/healthz', async () => ({ status: 'ok' }));
  await app.ready();
  return app;
}

const T0 = Date.parse('2026-11-27T00:00:00.000Z');

describe('the API rate limits', () => {
  it('[SEC4] a session past its burst gets 429 rate-limited with Retry-After, and nothing else is slowed', async () => {
    const clock = new ManualClock(T0);
    const app = await appWith({ perSession: { perSecond: 2, burst: 3 }, perAddress: null }, clock);
    const get = (token: string) =>
      app.inject({ method: 'GET', url: '/api/v1/lines', headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 3; i++) assert.equal((await get('good-desk')).statusCode, 200);
    const refused = await get('good-desk');
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.headers['retry-after'], '1');
    assert.deepEqual(refused.json(), {
      error: 'rate-limited',
      message: 'too many requests from this session; wait 1 s and try again',
      retryAfterSeconds: 1,
    });
    assert.equal((await get('good-other-console')).statusCode, 200, 'another session is not slowed');
    clock.advance(500);
    assert.equal((await get('good-desk')).statusCode, 200, 'a token is back after half a second');
    await app.close();
  });

  it('[SEC4] requests without a valid session are limited by address, signed-in ones are not', async () => {
    const clock = new ManualClock(T0);
    const app = await appWith(
      { perSession: { perSecond: 100, burst: 100 }, perAddress: { perSecond: 1, burst: 2 } },
      clock,
    );
    const anonymous = () => app.inject({ method: 'GET', url: '/api/v1/lines', remoteAddress: '192.0.2.7' });
    assert.equal((await anonymous()).statusCode, 200);
    assert.equal((await anonymous()).statusCode, 200);
    const refused = await anonymous();
    assert.equal(refused.statusCode, 429);
    assert.match(refused.json<{ message: string }>().message, /from this address/);
    const forged = await app.inject({
      method: 'GET',
      url: '/api/v1/lines',
      remoteAddress: '192.0.2.7',
      headers: { authorization: 'Bearer forged-token' },
    });
    assert.equal(forged.statusCode, 429, 'a forged token counts against its address');
    const signedIn = await app.inject({
      method: 'GET',
      url: '/api/v1/lines',
      remoteAddress: '192.0.2.7',
      headers: { authorization: 'Bearer good-desk' },
    });
    assert.equal(signedIn.statusCode, 200, 'a session from the same address is not held back');
    const elsewhere = await app.inject({
      method: 'GET',
      url: '/api/v1/lines',
      remoteAddress: '198.51.100.1',
    });
    assert.equal(elsewhere.statusCode, 200, 'another address is not held back');
    await app.close();
  });

  it('[SEC4] /healthz is never limited, and `off` limits nothing', async () => {
    const clock = new ManualClock(T0);
    const limited = await appWith({ perSession: null, perAddress: { perSecond: 1, burst: 1 } }, clock);
    for (let i = 0; i < 5; i++) assert.equal((await limited.inject({ url: '/healthz' })).statusCode, 200);
    await limited.close();
    const open = await appWith({ perSession: null, perAddress: null }, clock);
    for (let i = 0; i < 50; i++) assert.equal((await open.inject({ url: '/api/v1/lines' })).statusCode, 200);
    await open.close();
  });
});
