/**
 * The link in the record, on real node processes: drills answered by themselves (FED8), link
 * state changes as events when bravo is killed and restarted (FED7), the queue and the age of
 * its oldest event while bravo is away (FED6), and two nodes whose clocks are an hour apart
 * (FED7's skew alarm; messages still flow both ways in one LOG7 order).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LiaisonEvent } from '../../src/core/types.ts';
import type { DrillView } from '../../src/federation/drills.ts';
import type { PeerStatus } from '../../src/federation/federation.ts';
import type { MessageView } from '../../src/hotline/messages.ts';
import { ApiClient, type Cluster, eventually, HOTLINE, startCluster } from '../support/cluster.ts';

const HOUR_MS = 3_600_000;

async function eventsAt(client: ApiClient): Promise<LiaisonEvent[]> {
  return (await client.get<{ events: LiaisonEvent[] }>(`/api/v1/lines/${HOTLINE}/events?limit=5000`)).events;
}

async function bravoStatusAt(alpha: ApiClient): Promise<PeerStatus> {
  const peers = await alpha.get<PeerStatus[]>('/api/v1/peers');
  const bravo = peers.find((p) => p.nodeId === 'bravo');
  assert.ok(bravo, 'alpha lists bravo');
  return bravo;
}

/** The `link.state` events alpha wrote about bravo, oldest first. */
async function linkStatesAtAlpha(alpha: ApiClient): Promise<LiaisonEvent[]> {
  return (await eventsAt(alpha)).filter(
    (e) => e.type === 'link.state' && e.origin === 'alpha' && e.body.peer === 'bravo',
  );
}

describe('the link in the record', { timeout: 60_000 }, () => {
  let cluster: Cluster;
  let alpha: ApiClient;
  let bravo: ApiClient;

  before(async () => {
    cluster = await startCluster({ env: { LIAISON_DRILL_INTERVAL_MS: '2000' } });
    alpha = await ApiClient.login(cluster.node('alpha').url, 'officer');
    bravo = await ApiClient.login(cluster.node('bravo').url, 'officer');
    await eventually('the link to come up', async () =>
      (await bravoStatusAt(alpha)).state === 'up' ? true : undefined,
    );
  });

  after(async () => {
    await cluster?.stop();
  });

  it('[FED8] drills are answered automatically; GET /drills shows them answered with a round trip', async () => {
    const scheduled = await eventually('a scheduled drill of alpha answered by bravo', async () => {
      const drills = await alpha.get<DrillView[]>(`/api/v1/drills?line=${HOTLINE}&limit=50`);
      return drills.find((d) => d.sentBy === 'alpha' && d.state === 'answered' && d.roundTripMs !== null);
    });
    assert.equal(scheduled.answeredBy, 'bravo');
    assert.equal(scheduled.line, HOTLINE);
    assert.ok(scheduled.answeredAt);
    assert.ok((scheduled.roundTripMs ?? -1) >= 0 && (scheduled.roundTripMs ?? Infinity) < 10_000);

    // A duty officer runs one now; bravo's own drills are answered by alpha too.
    const run = await alpha.post<LiaisonEvent>('/api/v1/drills', { line: HOTLINE });
    assert.equal(run.type, 'drill.sent');
    assert.equal(run.author, 'officer@alpha');
    const answered = await eventually('the drill run by hand to be answered', async () => {
      const drills = await alpha.get<DrillView[]>(`/api/v1/drills?line=${HOTLINE}`);
      return drills.find((d) => d.sentEvent === run.id && d.state === 'answered');
    });
    assert.equal(answered.drill, run.body.drill);
    const atBravo = await eventually('a drill of bravo answered by alpha, seen at bravo', async () => {
      const drills = await bravo.get<DrillView[]>('/api/v1/drills?limit=50');
      return drills.find((d) => d.sentBy === 'bravo' && d.answeredBy === 'alpha' && d.roundTripMs !== null);
    });
    assert.equal(atBravo.state, 'answered');

    const refused = await alpha.request('POST', '/api/v1/drills', { line: 'hotline-alpha-nobody' });
    assert.equal(refused.status, 404);
    const observer = await ApiClient.login(cluster.node('alpha').url, 'observer');
    assert.equal((await observer.request('POST', '/api/v1/drills', { line: HOTLINE })).status, 403);
    assert.equal((await alpha.request('GET', '/api/v1/drills?limit=0')).status, 400);
  });

  it('[FED7][FED6] killing bravo records link.state down at alpha, shows the queue and its oldest event; a restart records up', async () => {
    const before = (await linkStatesAtAlpha(alpha)).length;
    await cluster.node('bravo').stop('SIGKILL');
    const down = await eventually(
      'alpha to record link.state down',
      async () => (await linkStatesAtAlpha(alpha)).slice(before).find((e) => e.body.state === 'down'),
      20_000,
    );
    assert.equal(down.author, 'alpha');
    assert.ok(['up', 'degraded'].includes(String(down.body.previous)));
    assert.equal(typeof down.body.since, 'string');

    // [FED6] What bravo has not got is visible: how many, and since when.
    await alpha.post(`/api/v1/lines/${HOTLINE}/messages`, { text: 'Are you there?', precedence: 'ROUTINE' });
    const queued = await eventually('a queue with its oldest event at alpha', async () => {
      const status = await bravoStatusAt(alpha);
      return status.queue > 0 && status.oldestQueuedAt !== null ? status : undefined;
    });
    assert.equal(queued.state, 'down');
    assert.ok(Date.parse(queued.oldestQueuedAt ?? '') <= Date.now());
    const metrics = await alpha.request('GET', '/metrics');
    assert.match(String(metrics.body), /liaison_peer_queue_oldest_seconds\{[^}]*peer="bravo"[^}]*\} \d/);

    await cluster.node('bravo').start();
    const up = await eventually(
      'alpha to record link.state up',
      async () => (await linkStatesAtAlpha(alpha)).find((e) => e.seq > down.seq && e.body.state === 'up'),
      20_000,
    );
    assert.equal(up.body.previous, 'down');
    await eventually('the queue to drain', async () => {
      const status = await bravoStatusAt(alpha);
      return status.queue === 0 && status.oldestQueuedAt === null ? true : undefined;
    });
    // bravo holds alpha's record of its absence.
    const atBravo = await eventsAt(bravo);
    assert.ok(atBravo.some((e) => e.id === down.id));
  });
});

describe('two nodes whose clocks are an hour apart', { timeout: 60_000 }, () => {
  let cluster: Cluster;
  let alpha: ApiClient;
  let bravo: ApiClient;

  before(async () => {
    cluster = await startCluster({ nodeEnv: { bravo: { LIAISON_CLOCK_OFFSET_MS: String(HOUR_MS) } } });
    alpha = await ApiClient.login(cluster.node('alpha').url, 'officer');
    bravo = await ApiClient.login(cluster.node('bravo').url, 'officer');
  });

  after(async () => {
    await cluster?.stop();
  });

  it('[FED7] alpha raises the skew alarm and records link.skew; messages flow both ways in one LOG7 order', async () => {
    const status = await eventually('the skew alarm at alpha', async () => {
      const bravoStatus = await bravoStatusAt(alpha);
      return bravoStatus.skewAlarm ? bravoStatus : undefined;
    });
    assert.ok(Math.abs((status.clockOffsetMs ?? 0) - HOUR_MS) < 2_000, `offset ${status.clockOffsetMs}`);
    const skew = await eventually('a link.skew event at alpha', async () =>
      (await eventsAt(alpha)).find((e) => e.type === 'link.skew' && e.origin === 'alpha'),
    );
    assert.equal(skew.body.peer, 'bravo');
    assert.ok(Number(skew.body.clockOffsetMs) > 2_000);
    assert.equal(skew.body.cleared, undefined);

    // Each message answers the one before (it is posted once that one is delivered), so the
    // LOG7 order is causal: alpha's later messages carry earlier timestamps than bravo's.
    const posted: LiaisonEvent[] = [];
    for (const [sender, reader, text] of [
      [alpha, bravo, 'Alpha 1'],
      [bravo, alpha, 'Bravo 1'],
      [alpha, bravo, 'Alpha 2'],
      [bravo, alpha, 'Bravo 2'],
    ] as const) {
      const event = await sender.post<LiaisonEvent>(`/api/v1/lines/${HOTLINE}/messages`, {
        text,
        precedence: 'ROUTINE',
      });
      posted.push(event);
      await eventually(`${text} delivered`, async () => {
        const view = await reader.get<MessageView>(`/api/v1/messages/${event.id}`);
        return view.state === 'delivered' ? view : undefined;
      });
    }
    const [alpha1, bravo1, alpha2] = posted.map((e) => Date.parse(e.ts));
    assert.ok((bravo1 ?? 0) - (alpha1 ?? 0) > HOUR_MS - 60_000, 'bravo stamps its own (skewed) time');
    assert.ok((alpha2 ?? 0) < (bravo1 ?? 0), 'the ts order is not the LOG7 order');
    const order = async (client: ApiClient) =>
      (await eventsAt(client)).filter((e) => e.type === 'message.posted').map((e) => e.body.text);
    const atAlpha = await order(alpha);
    assert.deepEqual(atAlpha, ['Alpha 1', 'Bravo 1', 'Alpha 2', 'Bravo 2'], 'LOG7 order, not ts order');
    assert.deepEqual(await order(bravo), atAlpha);
  });
});
