/**
 * The roster and translation routes (HOT5, HOT6) on a real ledger and in-memory SQLite store,
 * with the node's own error handling: who may do what (SEC1), bad input (400), unknown
 * messages (404), refusals (409), and what a reader gets back. Only the session is faked: a
 * header names the signed-in user and role.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { isoTime } from '../core/clock.ts';
import { ROLES, type Role } from '../core/types.ts';
import { Hotline } from '../hotline/messages.ts';
import { closeStores, type LedgerPair, makeLedgerPair, post, sync, T0 } from '../record/testLedgers.ts';
import { registerDutyRoutes } from './dutyRoutes.ts';
import { installErrorHandling } from './errors.ts';
import { registerTranslationRoutes } from './translationRoutes.ts';

const DEADLINES = { FLASH: 600_000, IMMEDIATE: 1_800_000, PRIORITY: 10_800_000, ROUTINE: 21_600_000 };

/** The user of each role at alpha, plus a second officer. */
const USERS: [string, Role][] = [...ROLES.map((role): [string, Role] => [role, role]), ['night', 'officer']];

async function alphaApp(pair: LedgerPair): Promise<FastifyInstance> {
  const { alpha, clock } = pair;
  for (const [username, role] of USERS) {
    await alpha.store.putUser({
      username,
      role,
      passwordHash: 'unused',
      totpSecret: null,
      createdAt: isoTime(T0),
      failedLogins: 0,
      lockedUntil: null,
    });
  }
  const app = Fastify();
  installErrorHandling(app);
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const who = request.headers['x-test-user'];
    const found = USERS.find(([username]) => username === who);
    request.principal = found ? { username: found[0], role: found[1], author: `${found[0]}@alpha` } : null;
  });
  const deps = {
    nodeId: 'alpha',
    store: alpha.store,
    ledger: alpha.ledger,
    hotline: new Hotline(alpha.ledger, alpha.store, DEADLINES, clock),
  };
  registerDutyRoutes(app, deps);
  registerTranslationRoutes(app, deps);
  await app.ready();
  return app;
}

let pair: LedgerPair;
let app: FastifyInstance;

beforeEach(async () => {
  pair = await makeLedgerPair({ withNodes: true });
  await sync(pair.alpha, pair.bravo);
  app = await alphaApp(pair);
});

afterEach(async () => {
  await app.close();
  await closeStores();
});

async function call(user: string | null, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const response = await app.inject({
    method,
    url,
    headers: user ? { 'x-test-user': user } : {},
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: response.statusCode, body: response.json() as Record<string, unknown> };
}

describe('the roster routes [HOT5]', () => {
  it('[HOT5] a request without a session is 401', async () => {
    assert.equal((await call(null, 'GET', '/api/v1/duty')).status, 401);
    assert.equal((await call(null, 'POST', '/api/v1/duty/take', {})).status, 401);
  });

  for (const role of ['admin', 'interpreter', 'observer'] as const) {
    it(`[HOT5] [SEC1] the ${role} may not take the desk (403) and the desk stays empty`, async () => {
      const { status, body } = await call(role, 'POST', '/api/v1/duty/take', {});
      assert.equal(status, 403);
      assert.equal(body.error, 'forbidden');
      const duty = await call(role, 'GET', '/api/v1/duty');
      assert.equal((duty.body.desks as { holder: unknown }[])[0]?.holder, null);
    });
  }

  it('[HOT5] an officer takes the desk (201 with the events); taking it again is 409', async () => {
    const taken = await call('officer', 'POST', '/api/v1/duty/take', {});
    assert.equal(taken.status, 201);
    assert.equal((taken.body.events as { type: string }[])[0]?.type, 'duty.taken');
    const again = await call('officer', 'POST', '/api/v1/duty/take', {});
    assert.equal(again.status, 409);
    assert.equal(again.body.error, 'already-on-duty');
    const duty = await call('observer', 'GET', '/api/v1/duty');
    const desks = duty.body.desks as { node: string; holder: string | null; isSelf: boolean; name: string }[];
    assert.deepEqual(
      desks.map((d) => [d.node, d.holder, d.isSelf, d.name]),
      [
        ['alpha', 'officer@alpha', true, 'Alpha ministry'],
        ['bravo', null, false, 'Bravo ministry'],
      ],
    );
  });

  it('[HOT5] bad input is 400 and changes nothing', async () => {
    const cases: [string, unknown, string][] = [
      ['/api/v1/duty/take', { holder: 'x' }, 'invalid-input'],
      ['/api/v1/duty/handover', {}, 'invalid-input'],
      ['/api/v1/duty/handover', { to: 'Not A Name!' }, 'invalid-input'],
      ['/api/v1/duty/handover', { to: 'nobody' }, 'unknown-user'],
      ['/api/v1/duty/handover', { to: 'interpreter' }, 'may-not-hold-desk'],
      ['/api/v1/duty/handover', { to: 'night', note: 'x'.repeat(2001) }, 'invalid-input'],
    ];
    await call('officer', 'POST', '/api/v1/duty/take', {});
    const before = await pair.alpha.store.countEvents();
    for (const [url, payload, code] of cases) {
      const { status, body } = await call('officer', 'POST', url, payload);
      assert.equal(status, 400, `${url} ${JSON.stringify(payload)}`);
      assert.equal(body.error, code);
    }
    assert.equal(await pair.alpha.store.countEvents(), before);
  });

  it('[HOT5] another officer may not hand over a desk they do not hold; a supervisor may', async () => {
    await call('officer', 'POST', '/api/v1/duty/take', {});
    const refused = await call('night', 'POST', '/api/v1/duty/handover', { to: 'night' });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error, 'not-desk-holder');
    const observer = await call('observer', 'POST', '/api/v1/duty/handover', { to: 'night' });
    assert.equal(observer.status, 403);
    const reassigned = await call('supervisor', 'POST', '/api/v1/duty/handover', { to: 'night' });
    assert.equal(reassigned.status, 201);
  });

  it('[HOT5] an empty desk is not handed over (409)', async () => {
    const { status, body } = await call('officer', 'POST', '/api/v1/duty/handover', { to: 'night' });
    assert.equal(status, 409);
    assert.equal(body.error, 'desk-empty');
  });

  it('[HOT5] the incoming officer reads the handover with each open item and its state now', async () => {
    const theirs = await post(pair.bravo, 'Please confirm your intentions');
    await sync(pair.bravo, pair.alpha);
    await call('officer', 'POST', '/api/v1/duty/take', {});
    const handed = await call('officer', 'POST', '/api/v1/duty/handover', { to: 'night', note: 'one open' });
    assert.equal(handed.status, 201);
    const { body } = await call('night', 'GET', '/api/v1/duty');
    const handover = body.handover as {
      from: string;
      to: string;
      note: string;
      openItems: { message: string; kind: string; state: string; text: string }[];
    };
    assert.equal(handover.from, 'officer@alpha');
    assert.equal(handover.to, 'night@alpha');
    assert.equal(handover.note, 'one open');
    assert.deepEqual(
      handover.openItems.map((i) => [i.message, i.kind, i.state, i.text]),
      [[theirs.event.id, 'to-acknowledge', 'delivered', 'Please confirm your intentions']],
    );
    const history = (body.desks as { history: { kind: string; openItemCount: number }[] }[])[0]?.history;
    assert.deepEqual(
      history?.map((h) => [h.kind, h.openItemCount]),
      [
        ['handed-over', 1],
        ['taken', 0],
      ],
    );
  });

  it('[HOT5] the users of the node are listed with whether they may hold the desk', async () => {
    const { status, body } = await call('officer', 'GET', '/api/v1/users');
    assert.equal(status, 200);
    const users = body as unknown as { username: string; mayHoldDesk: boolean }[];
    assert.deepEqual(
      users.filter((u) => u.mayHoldDesk).map((u) => u.username),
      ['night', 'officer', 'supervisor'],
    );
  });
});

describe('the translation routes [HOT6]', () => {
  const url = (id: string) => `/api/v1/messages/${id}/translations`;

  it('[HOT6] an interpreter translates a free-text message (201); the translation is listed with its author', async () => {
    const original = await post(pair.bravo, 'Request you keep clear');
    await sync(pair.bravo, pair.alpha);
    const created = await call('interpreter', 'POST', url(original.event.id), {
      language: 'en',
      text: 'Keep clear, please',
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.type, 'message.translated');
    assert.equal(created.body.author, 'interpreter@alpha');
    const listed = await call('observer', 'GET', url(original.event.id));
    const latest = listed.body.latest as { language: string; text: string; author: string }[];
    assert.deepEqual(
      latest.map((x) => [x.language, x.text, x.author]),
      [['en', 'Keep clear, please', 'interpreter@alpha']],
    );
  });

  for (const role of ['officer', 'observer', 'admin'] as const) {
    it(`[HOT6] [SEC1] the ${role} may not add a translation (403)`, async () => {
      const original = await post(pair.alpha, 'hello');
      const { status } = await call(role, 'POST', url(original.event.id), {
        language: 'ja',
        text: 'こんにちは',
      });
      assert.equal(status, 403);
    });
  }

  it('[HOT6] bad input is 400, an unknown message 404, a phrasebook message 409; none changes the record', async () => {
    const original = await post(pair.alpha, 'hello');
    const templated = await pair.alpha.ledger.append(
      'hotline-alpha-bravo',
      'officer@alpha',
      'message.posted',
      {
        text: 'Radio check',
        template: 'link.radio-check',
        params: {},
        precedence: 'ROUTINE',
        deadline: isoTime(T0 + 3_600_000),
      },
    );
    const before = await pair.alpha.store.countEvents();
    const cases: [string, unknown, number, string][] = [
      [url(original.event.id), { language: 'fr', text: 'bonjour' }, 400, 'invalid-input'],
      [url(original.event.id), { language: 'ja', text: '   ' }, 400, 'invalid-input'],
      [url(original.event.id), { language: 'ja', text: 'x', extra: 1 }, 400, 'invalid-input'],
      [url('not-an-id'), { language: 'ja', text: 'x' }, 400, 'invalid-input'],
      [url('q'.repeat(43)), { language: 'ja', text: 'x' }, 404, 'unknown-message'],
      [url(templated.event.id), { language: 'ja', text: '無線チェック' }, 409, 'templated-message'],
    ];
    for (const [path, payload, status, code] of cases) {
      const answer = await call('interpreter', 'POST', path, payload);
      assert.equal(answer.status, status, `${path} ${JSON.stringify(payload)}`);
      assert.equal(answer.body.error, code);
    }
    assert.equal(await pair.alpha.store.countEvents(), before);
    assert.equal((await call('observer', 'GET', url('q'.repeat(43)))).status, 404);
  });
});
