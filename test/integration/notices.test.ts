/**
 * Activity notices between two real nodes (ENC3): alpha announces an exercise over a polygon and
 * a firing over a circle; bravo holds both, acknowledges one through its item (a message with its
 * deadline); an encounter reported inside the polygon during its window says so on both sides,
 * one outside does not; a withdrawn notice is no longer in force; bad notices get a 400 naming
 * each field and record nothing; only the issuing side withdraws.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiClient, type Cluster, eventually, startCluster, waitLinkUp } from '../support/cluster.ts';

interface Notice {
  id: string;
  title: string;
  origin: string;
  inForce: boolean;
  withdrawnAt: string | null;
  acknowledgement: { state: string; ackedBy: string | null; deadline: string } | null;
}

interface Encounter {
  id: string;
  ref: string;
  inNotifiedAreas: string[];
}

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** A report at a position, with the smallest valid body. */
function report(position: { lat: number; lon: number }, occurredAt: string) {
  return {
    domain: 'sea',
    occurredAt,
    position,
    severity: 'medium',
    ownPlatforms: [{ kind: 'destroyer', name: 'Alpha One', hull: 'DD-101' }],
    otherPlatforms: [{ kind: 'frigate', name: 'Bravo Two' }],
    behaviours: ['unsafe-approach'],
    communications: [{ kind: 'radio', text: 'Bravo Two, this is Alpha One on channel 16', answered: false }],
    narrative: 'Closed to 400 m on our port bow.',
  };
}

describe('activity notices between two real nodes', { timeout: 90_000 }, () => {
  let cluster: Cluster;
  let alpha: ApiClient;
  let bravo: ApiClient;
  const now = Date.now();
  const exercise = {
    kind: 'exercise',
    title: 'Surface exercise EAST SHIELD',
    area: {
      type: 'polygon',
      points: [
        { lat: 24, lon: 122 },
        { lat: 24, lon: 123 },
        { lat: 25, lon: 123 },
        { lat: 25, lon: 122 },
      ],
    },
    from: iso(now - 2 * HOUR),
    until: iso(now + 2 * HOUR),
    altitude: { minFt: 0, maxFt: 10_000 },
    contact: 'Alpha duty desk, channel 16',
  };

  before(async () => {
    cluster = await startCluster();
    [alpha, bravo] = await Promise.all([
      ApiClient.login(cluster.node('alpha').url, 'officer'),
      ApiClient.login(cluster.node('bravo').url, 'officer'),
    ]);
    await waitLinkUp(alpha);
  });
  after(async () => {
    await cluster?.stop();
  });

  it('[ENC3] a notice reaches the peer, is acknowledged through its item, and an encounter inside it says so on both sides', async () => {
    const issued = await alpha.request('POST', '/api/v1/notices', exercise);
    assert.equal(issued.status, 201, JSON.stringify(issued.body));
    const notice = (issued.body as { notice: Notice }).notice;
    assert.equal(notice.inForce, true);
    assert.ok(['sent', 'delivered'].includes(notice.acknowledgement?.state ?? ''), 'its item awaits bravo');

    const atBravo = await eventually('the notice at bravo', async () => {
      const { notices } = await bravo.get<{ notices: Notice[] }>('/api/v1/notices');
      return notices.find((n) => n.id === notice.id);
    });
    assert.equal(atBravo.title, exercise.title);
    assert.equal(atBravo.origin, 'alpha');
    const acked = await bravo.request('POST', `/api/v1/messages/${notice.id}/ack`, {
      text: 'Noted, we keep clear.',
    });
    assert.equal(acked.status, 201, JSON.stringify(acked.body));
    await eventually('the acknowledgement at alpha', async () => {
      const { notices } = await alpha.get<{ notices: Notice[] }>('/api/v1/notices');
      const held = notices.find((n) => n.id === notice.id);
      return held?.acknowledgement?.state === 'acknowledged' ? held : undefined;
    });

    // An encounter of bravo's inside the area and window, and one outside the area.
    const inside = await bravo.post<{ encounter: Encounter }>(
      '/api/v1/encounters',
      report({ lat: 24.5, lon: 122.5 }, iso(now - HOUR)),
    );
    const outside = await bravo.post<{ encounter: Encounter }>(
      '/api/v1/encounters',
      report({ lat: 26.5, lon: 122.5 }, iso(now - HOUR)),
    );
    assert.deepEqual(inside.encounter.inNotifiedAreas, [notice.id]);
    assert.deepEqual(outside.encounter.inNotifiedAreas, []);
    const seenAtAlpha = await eventually('bravo’s encounter at alpha', async () => {
      const { encounters } = await alpha.get<{ encounters: Encounter[] }>('/api/v1/encounters');
      return encounters.find((e) => e.id === inside.encounter.id);
    });
    assert.deepEqual(seenAtAlpha.inNotifiedAreas, [notice.id], 'alpha says the same');
  });

  it('[ENC3] a circle area, a notice outside its window, and withdrawal by the issuing side only', async () => {
    const firing = await alpha.post<{ notice: Notice }>('/api/v1/notices', {
      kind: 'live-firing',
      title: 'Gunnery serial 4',
      area: { type: 'circle', center: { lat: 30, lon: 130 }, radiusM: 20_000 },
      from: iso(now + 24 * HOUR),
      until: iso(now + 26 * HOUR),
      contact: 'Alpha range control',
    });
    assert.equal(firing.notice.inForce, false, 'not yet in force');
    const inCircle = await bravo.post<{ encounter: Encounter }>(
      '/api/v1/encounters',
      report({ lat: 30.1, lon: 130.1 }, iso(now - HOUR)),
    );
    assert.deepEqual(inCircle.encounter.inNotifiedAreas, [], 'inside the circle but before its window');

    const refused = await bravo.request('POST', `/api/v1/notices/${firing.notice.id}/withdraw`, {});
    await eventually('the notice at bravo', async () => {
      const { notices } = await bravo.get<{ notices: Notice[] }>('/api/v1/notices');
      return notices.find((n) => n.id === firing.notice.id);
    });
    const refusedAgain = await bravo.request('POST', `/api/v1/notices/${firing.notice.id}/withdraw`, {});
    assert.ok([403, 404].includes(refused.status));
    assert.equal(refusedAgain.status, 403);
    assert.equal((refusedAgain.body as { error: string }).error, 'not-our-notice');

    const withdrawn = await alpha.post<{ notice: Notice }>(
      `/api/v1/notices/${firing.notice.id}/withdraw`,
      {},
    );
    assert.notEqual(withdrawn.notice.withdrawnAt, null);
    await eventually('the withdrawal at bravo', async () => {
      const { notices } = await bravo.get<{ notices: Notice[] }>('/api/v1/notices');
      return notices.find((n) => n.id === firing.notice.id && n.withdrawnAt !== null);
    });
  });

  it('[ENC3] [SEC3] a bad notice gets a 400 naming each field and records nothing', async () => {
    const before = (await alpha.get<{ notices: Notice[] }>('/api/v1/notices')).notices.length;
    const cases: [string, unknown, string][] = [
      ['kind', { ...exercise, kind: 'party' }, 'kind'],
      ['title', { ...exercise, title: '' }, 'title'],
      [
        'polygon of two points',
        {
          ...exercise,
          area: {
            type: 'polygon',
            points: [
              { lat: 1, lon: 1 },
              { lat: 2, lon: 2 },
            ],
          },
        },
        'area.points',
      ],
      [
        'latitude',
        { ...exercise, area: { type: 'circle', center: { lat: 95, lon: 0 }, radiusM: 1000 } },
        'area.center.lat',
      ],
      [
        'radius',
        { ...exercise, area: { type: 'circle', center: { lat: 5, lon: 0 }, radiusM: 0 } },
        'area.radiusM',
      ],
      ['window reversed', { ...exercise, until: exercise.from, from: exercise.until }, 'until'],
      ['time', { ...exercise, from: 'tomorrow' }, 'from'],
      ['band', { ...exercise, altitude: { minFt: 5000, maxFt: 1000 } }, 'altitude.maxFt'],
      ['contact', { ...exercise, contact: '' }, 'contact'],
      ['unknown field', { ...exercise, colour: 'red' }, '(body)'],
      ['precedence', { ...exercise, precedence: 'URGENT' }, 'precedence'],
    ];
    for (const [what, body, path] of cases) {
      const response = await alpha.request('POST', '/api/v1/notices', body);
      assert.equal(response.status, 400, `${what}: ${JSON.stringify(response.body)}`);
      const fields = (response.body as { fields: { path: string }[] }).fields.map((f) => f.path);
      assert.ok(fields.includes(path), `${what}: ${JSON.stringify(fields)}`);
    }
    const observer = await ApiClient.login(cluster.node('alpha').url, 'observer');
    assert.equal((await observer.request('POST', '/api/v1/notices', exercise)).status, 403);
    assert.equal((await alpha.get<{ notices: Notice[] }>('/api/v1/notices')).notices.length, before);
    const unknownLine = await alpha.request('POST', '/api/v1/notices', {
      ...exercise,
      line: 'hotline-alpha-zulu',
    });
    assert.equal(unknownLine.status, 404);
  });
});
