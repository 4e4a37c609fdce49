/**
 * The phrasebook over the API of two real nodes (HOT6): the listing, templated messages that
 * keep their template and parameters in the record so each node renders them itself, bad
 * templates and parameters refused with the fields named, and each user's language (`/me`,
 * login, `liaison user add --language`).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { PHRASEBOOK_VERSION, renderTemplate } from '../../src/core/phrasebook/render.ts';
import type { LiaisonEvent } from '../../src/core/types.ts';
import { totpCode } from '../../src/server/totp.ts';
import {
  ApiClient,
  BIN,
  type Cluster,
  eventually,
  HOTLINE,
  PASSWORD,
  startCluster,
} from '../support/cluster.ts';

interface ErrorBody {
  error: string;
  message: string;
  fields?: { path: string; message: string }[];
}

interface MeBody {
  user: { username: string; role: string; node: string; language: string };
}

const ENCOUNTER = {
  own: 'DDG-171',
  other: 'JS Kongo',
  position: { lat: 24.5, lon: 122.25833 },
  time: '2026-03-05T14:30:00Z',
};

describe('the phrasebook over the API', { timeout: 90_000 }, () => {
  let cluster: Cluster;
  let alpha: ApiClient;
  let bravo: ApiClient;

  const messages = async (client: ApiClient) =>
    (
      await client.get<{ events: LiaisonEvent[] }>(`/api/v1/lines/${HOTLINE}/events?limit=10000`)
    ).events.filter((e) => e.type === 'message.posted');

  before(async () => {
    cluster = await startCluster();
    [alpha, bravo] = await Promise.all([
      ApiClient.login(cluster.node('alpha').url, 'officer'),
      ApiClient.login(cluster.node('bravo').url, 'officer'),
    ]);
  });

  after(async () => {
    await cluster?.stop();
  });

  it('[HOT6] GET /phrasebook lists every template with typed params and three languages', async () => {
    const { status, body } = await alpha.request('GET', '/api/v1/phrasebook');
    assert.equal(status, 200);
    const list = body as {
      id: string;
      params: { name: string; type: string }[];
      text: Record<string, string>;
    }[];
    assert.ok(list.length >= 60);
    const sea = list.find((t) => t.id === 'notice.encounter.sea');
    assert.deepEqual(
      sea?.params.map((p) => `${p.name}:${p.type}`),
      ['own:platform', 'other:platform', 'position:position', 'time:time'],
    );
    assert.deepEqual(Object.keys(sea?.text ?? {}).sort(), ['en', 'ja', 'zh']);
    const anonymous = await fetch(`${cluster.node('alpha').url}/api/v1/phrasebook`);
    assert.equal(anonymous.status, 401);
  });

  it('[HOT6] a templated message keeps template, params and version in the record, and reaches the peer', async () => {
    const { status, body } = await alpha.request('POST', `/api/v1/lines/${HOTLINE}/messages`, {
      template: 'notice.encounter.sea',
      params: ENCOUNTER,
      precedence: 'IMMEDIATE',
    });
    assert.equal(status, 201, JSON.stringify(body));
    const event = body as LiaisonEvent;
    assert.equal(event.body.template, 'notice.encounter.sea');
    assert.deepEqual(event.body.params, ENCOUNTER);
    assert.equal(event.body.phrasebookVersion, PHRASEBOOK_VERSION);
    assert.equal(
      event.body.text,
      renderTemplate('notice.encounter.sea', ENCOUNTER, 'en', { timeZone: 'UTC' }),
    );
    const atBravo = await eventually('the message at bravo', async () =>
      (await messages(bravo)).find((e) => e.id === event.id),
    );
    assert.deepEqual(atBravo.body.params, ENCOUNTER);
    // The peer renders it in Chinese from what it holds.
    assert.match(
      renderTemplate(String(atBravo.body.template), atBravo.body.params, 'zh', { timeZone: 'Asia/Shanghai' }),
      /北纬24°30\.0′、东经122°15\.5′/,
    );
    const state = await alpha.get<{ state: string; precedence: string }>(`/api/v1/messages/${event.id}`);
    assert.equal(state.precedence, 'IMMEDIATE', 'a templated message has a state like any other (HOT3)');
  });

  it('[HOT6][SEC3] bad templates and parameters are refused with 400 naming the field, and change nothing', async () => {
    const before = (await messages(alpha)).length;
    const cases: [unknown, string, string][] = [
      [{ template: 'no.such.template', params: {}, precedence: 'ROUTINE' }, 'invalid-template', 'template'],
      [
        {
          template: 'notice.encounter.sea',
          params: { ...ENCOUNTER, position: { lat: 95, lon: 0 } },
          precedence: 'ROUTINE',
        },
        'invalid-template',
        'params.position',
      ],
      [
        { template: 'notice.encounter.sea', params: { ...ENCOUNTER, extra: 1 }, precedence: 'ROUTINE' },
        'invalid-template',
        'params.extra',
      ],
      [
        { template: 'notice.encounter.sea', params: { own: 'x' }, precedence: 'ROUTINE' },
        'invalid-template',
        'params.other',
      ],
      [
        { template: 'link.radio.check', params: { frequency: '156.8' }, precedence: 'ROUTINE' },
        'invalid-template',
        'params.frequency',
      ],
      [
        { text: 'both', template: 'ack.received', params: {}, precedence: 'ROUTINE' },
        'invalid-input',
        'text',
      ],
      [{ precedence: 'ROUTINE' }, 'invalid-input', 'text'],
      [{ text: 'x', params: {}, precedence: 'ROUTINE' }, 'invalid-input', 'params'],
      [{ template: 'Not An Id', params: {}, precedence: 'ROUTINE' }, 'invalid-input', 'template'],
    ];
    for (const [payload, error, path] of cases) {
      const { status, body } = await alpha.request('POST', `/api/v1/lines/${HOTLINE}/messages`, payload);
      const refusal = body as ErrorBody;
      assert.equal(status, 400, JSON.stringify(payload));
      assert.equal(refusal.error, error, JSON.stringify(payload));
      assert.ok(
        refusal.fields?.some((f) => f.path === path),
        `${JSON.stringify(payload)} → ${JSON.stringify(refusal)}`,
      );
    }
    assert.equal((await messages(alpha)).length, before);
  });

  it('[HOT6][CON4] each user has a language: English by default, changed by PATCH /me, shown at login', async () => {
    assert.equal((await alpha.get<MeBody>('/api/v1/me')).user.language, 'en');
    const changed = await alpha.request('PATCH', '/api/v1/me', { language: 'ja' });
    assert.equal(changed.status, 200);
    assert.equal((changed.body as MeBody).user.language, 'ja');
    assert.equal((await alpha.get<MeBody>('/api/v1/me')).user.language, 'ja');
    const login = await fetch(`${cluster.node('alpha').url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'officer', password: PASSWORD }),
    });
    assert.equal(((await login.json()) as MeBody).user.language, 'ja');
    // Only their own, and only a language the phrasebook has.
    for (const bad of [{ language: 'fr' }, { language: 'zh', username: 'admin' }, {}]) {
      const { status, body } = await alpha.request('PATCH', '/api/v1/me', bad);
      assert.equal(status, 400, JSON.stringify(bad));
      assert.equal((body as ErrorBody).error, 'invalid-input');
    }
    const observer = await ApiClient.login(cluster.node('alpha').url, 'observer');
    assert.equal((await observer.request('PATCH', '/api/v1/me', { language: 'zh' })).status, 200);
    assert.equal(
      (await alpha.get<MeBody>('/api/v1/me')).user.language,
      'ja',
      'the observer changed only their own',
    );
  });

  it('[HOT6] liaison user add --language sets the new user’s language', async () => {
    const dir = cluster.node('bravo').dir;
    const added = spawnSync(
      process.execPath,
      [
        BIN,
        'user',
        'add',
        'duty-zh',
        '--role',
        'officer',
        '--password',
        'duty-zh-pass',
        '--language',
        'zh',
        '--data',
        dir,
      ],
      { encoding: 'utf8', env: cluster.envFor('bravo') },
    );
    assert.equal(added.status, 0, added.stderr);
    const secret = /secret=([A-Z2-7]+)/.exec(added.stdout)?.[1];
    assert.ok(secret, added.stdout);
    const login = await fetch(`${cluster.node('bravo').url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: 'duty-zh',
        password: 'duty-zh-pass',
        totp: totpCode(secret, Date.now()),
      }),
    });
    assert.equal(login.status, 200);
    assert.equal(((await login.json()) as MeBody).user.language, 'zh');
    const refused = spawnSync(
      process.execPath,
      [
        BIN,
        'user',
        'add',
        'duty-fr',
        '--role',
        'officer',
        '--password',
        'duty-fr-pass',
        '--language',
        'fr',
        '--data',
        dir,
      ],
      { encoding: 'utf8', env: cluster.envFor('bravo') },
    );
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /fr/);
  });
});
