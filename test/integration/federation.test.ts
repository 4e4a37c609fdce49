/**
 * Two real node processes on loopback, driven through the HTTP API: push and receipts,
 * delivery state, one order on both sides, catch-up after kill -9, export and verify.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LiaisonEvent } from '../../src/core/types.ts';
import type { MessageView } from '../../src/hotline/messages.ts';
import {
  ApiClient,
  BIN,
  type Cluster,
  eventually,
  HOTLINE,
  startCluster,
  waitLinkUp,
} from '../support/cluster.ts';

interface EventsPage {
  events: LiaisonEvent[];
  cursor: number;
}

function messagesOf(page: EventsPage): LiaisonEvent[] {
  return page.events.filter((e) => e.type === 'message.posted');
}

describe('two federated nodes', { timeout: 120_000 }, () => {
  let cluster: Cluster;
  let alpha: ApiClient;
  let bravo: ApiClient;

  before(async () => {
    cluster = await startCluster();
    alpha = await ApiClient.login(cluster.node('alpha').url, 'officer');
    bravo = await ApiClient.login(cluster.node('bravo').url, 'officer');
    await waitLinkUp(alpha);
  });

  after(async () => {
    await cluster?.stop();
  });

  it('[FED3][HOT3] a message posted at alpha reaches bravo and becomes delivered with deliveredTo', async () => {
    const posted = await alpha.post<LiaisonEvent>(`/api/v1/lines/${HOTLINE}/messages`, {
      text: 'Radio check, over',
      precedence: 'FLASH',
    });
    assert.equal(posted.origin, 'alpha');
    assert.equal(posted.author, 'officer@alpha');
    const atBravo = await eventually('bravo to hold the message', async () => {
      const page = await bravo.get<EventsPage>(`/api/v1/lines/${HOTLINE}/events?limit=50`);
      return messagesOf(page).find((e) => e.id === posted.id);
    });
    assert.deepEqual(atBravo, posted, 'bravo holds the very same signed event');
    const view = await eventually('alpha to see it delivered', async () => {
      const v = await alpha.get<MessageView>(`/api/v1/messages/${posted.id}`);
      return v.state === 'delivered' ? v : undefined;
    });
    assert.ok(view.deliveredAt, 'deliveredAt is set');
    assert.deepEqual(Object.keys(view.deliveredTo), ['bravo']);
    assert.equal(view.deadline > posted.ts, true, 'the deadline lies after the post');
    const atBravoView = await bravo.get<MessageView>(`/api/v1/messages/${posted.id}`);
    assert.equal(atBravoView.state, 'delivered', 'the receiver sees the same state');
  });

  it('[FED3] delivery is put in the record by bravo as heads.recorded, with the same time as the receipt', async () => {
    const posted = await alpha.post<LiaisonEvent>(`/api/v1/lines/${HOTLINE}/messages`, {
      text: 'Second',
      precedence: 'ROUTINE',
    });
    const recorded = await eventually('a heads.recorded from bravo naming it', async () => {
      const page = await alpha.get<EventsPage>(`/api/v1/lines/${HOTLINE}/events?limit=10000`);
      return page.events.find(
        (e) =>
          e.type === 'heads.recorded' &&
          e.origin === 'bravo' &&
          // At or past it: alpha may append (e.g. its own heads.recorded) before bravo records.
          ((e.body.heads as Record<string, { seq: number }>).alpha?.seq ?? 0) >= posted.seq,
      );
    });
    const arrivals = (recorded.body.arrivals as Record<string, [number, string][]>).alpha ?? [];
    const run = arrivals.find(([upto]) => upto >= posted.seq);
    assert.ok(run, 'an arrival run covers the message');
    const view = await alpha.get<MessageView>(`/api/v1/messages/${posted.id}`);
    assert.equal(view.deliveredTo.bravo, run[1]);
  });

  it("[HOT3] bravo opens and acknowledges alpha's message; alpha sees who and when", async () => {
    const posted = await alpha.post<LiaisonEvent>(`/api/v1/lines/${HOTLINE}/messages`, {
      text: 'Confirm receipt',
      precedence: 'IMMEDIATE',
    });
    await eventually('bravo to hold it', async () =>
      (await bravo.request('GET', `/api/v1/messages/${posted.id}`)).status === 200 ? true : undefined,
    );
    const seen = await bravo.post<MessageView>(`/api/v1/messages/${posted.id}/seen`, {});
    assert.equal(seen.state, 'seen');
    const own = await alpha.request('POST', `/api/v1/messages/${posted.id}/ack`, {});
    assert.equal(own.status, 409, 'the sender cannot acknowledge its own message');
    assert.equal((own.body as { error: string }).error, 'own-message');
    const ack = await bravo.request('POST', `/api/v1/messages/${posted.id}/ack`, {
      text: 'Received, standing by',
    });
    assert.equal(ack.status, 201);
    assert.equal((ack.body as LiaisonEvent).type, 'message.acknowledged');
    const again = await bravo.request('POST', `/api/v1/messages/${posted.id}/ack`, {});
    assert.equal(again.status, 409);
    assert.equal((again.body as { error: string }).error, 'already-acknowledged');
    const atAlpha = await eventually('alpha to see the acknowledgement', async () => {
      const view = await alpha.get<MessageView>(`/api/v1/messages/${posted.id}`);
      return view.state === 'acknowledged' ? view : undefined;
    });
    assert.equal(atAlpha.ackedBy, 'officer@bravo');
    assert.equal(atAlpha.ackedAt, (ack.body as LiaisonEvent).ts);
    assert.ok(atAlpha.seenAt, 'seen stays recorded');
    assert.ok(atAlpha.deliveredAt, 'delivered stays recorded');
  });

  it('[LOG7] concurrent writers on both sides end with one identical order', async () => {
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i += 1) {
      writes.push(alpha.post(`/api/v1/lines/${HOTLINE}/messages`, { text: `a${i}`, precedence: 'ROUTINE' }));
      writes.push(bravo.post(`/api/v1/lines/${HOTLINE}/messages`, { text: `b${i}`, precedence: 'ROUTINE' }));
    }
    await Promise.all(writes);
    const ids = async (client: ApiClient) =>
      messagesOf(await client.get<EventsPage>(`/api/v1/lines/${HOTLINE}/events?limit=10000`)).map(
        (e) => e.id,
      );
    const [atAlpha, atBravo] = await eventually(
      'both sides to hold all 43 messages in one order',
      async () => {
        const a = await ids(alpha);
        const b = await ids(bravo);
        return a.length === 43 && b.length === 43 ? [a, b] : undefined;
      },
    );
    assert.deepEqual(atAlpha, atBravo);
  });

  it('[FED5][LOG10] bravo killed with kill -9 catches up on restart; every 201 is held exactly once', async () => {
    const bravoNode = cluster.node('bravo');
    await bravoNode.stop('SIGKILL');
    const posted: string[] = [];
    for (let i = 0; i < 25; i += 1) {
      const event = await alpha.post<LiaisonEvent>(`/api/v1/lines/${HOTLINE}/messages`, {
        text: `while down ${i}`,
        precedence: 'PRIORITY',
      });
      posted.push(event.id);
    }
    const down = await eventually('alpha to see the link down', async () => {
      const peers = await alpha.get<{ state: string; queue: number }[]>('/api/v1/peers');
      return peers[0]?.state === 'down' ? peers[0] : undefined;
    });
    assert.ok(down.queue >= 25, `the queue shows the undelivered events (${down.queue})`);
    await bravoNode.start();
    bravo = await ApiClient.login(bravoNode.url, 'officer');
    const held = await eventually('bravo to catch up', async () => {
      const page = await bravo.get<EventsPage>(`/api/v1/lines/${HOTLINE}/events?limit=10000`);
      const ids = messagesOf(page).map((e) => e.id);
      return posted.every((id) => ids.includes(id)) ? ids : undefined;
    });
    assert.equal(new Set(held).size, held.length, 'no event is held twice');
  });

  it('[LOG12] both exports verify offline, and one changed byte is caught naming the event', async () => {
    for (const client of [alpha, bravo]) {
      const { status, body } = await client.request('GET', `/api/v1/export?line=${HOTLINE}`);
      assert.equal(status, 200);
      const file = join(cluster.root, `export-${client.baseUrl.split(':').at(-1)}.jsonl`);
      writeFileSync(file, body as string);
      const ok = spawnSync(process.execPath, [BIN, 'verify', file], { encoding: 'utf8' });
      assert.equal(ok.status, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /OK: \d+ events/);
      assert.match(ok.stdout, /trusting the keys in the export's own header/);

      const lines = readFileSync(file, 'utf8').split('\n');
      const index = lines.findIndex((l) => l.includes('"message.posted"'));
      const target = JSON.parse(lines[index] ?? '{}') as LiaisonEvent;
      lines[index] = (lines[index] ?? '').replace('"text":"', '"text":"!');
      const tampered = `${file}.tampered`;
      writeFileSync(tampered, lines.join('\n'));
      const bad = spawnSync(process.execPath, [BIN, 'verify', tampered], { encoding: 'utf8' });
      assert.notEqual(bad.status, 0);
      assert.match(bad.stdout, new RegExp(`FAILED at line ${index + 1}, event ${target.id}`));
    }
  });

  it('[LOG1] liaison rebuild recreates message states from the events alone', async () => {
    const page = await alpha.get<EventsPage>(`/api/v1/lines/${HOTLINE}/events?limit=10000`);
    const sample = messagesOf(page).slice(0, 10);
    const before = await Promise.all(sample.map((e) => alpha.get<MessageView>(`/api/v1/messages/${e.id}`)));
    const alphaNode = cluster.node('alpha');
    await alphaNode.stop('SIGTERM');
    const rebuilt = spawnSync(process.execPath, [BIN, 'rebuild', '--data', alphaNode.dir], {
      encoding: 'utf8',
      env: cluster.envFor('alpha'),
    });
    assert.equal(rebuilt.status, 0, rebuilt.stderr);
    assert.match(rebuilt.stdout, /rebuilt from \d+ events/);
    await alphaNode.start();
    alpha = await ApiClient.login(alphaNode.url, 'officer');
    const afterRebuild = await Promise.all(
      sample.map((e) => alpha.get<MessageView>(`/api/v1/messages/${e.id}`)),
    );
    assert.deepEqual(
      afterRebuild.map((v) => [v.id, v.state, v.deliveredAt, v.deliveredTo]),
      before.map((v) => [v.id, v.state, v.deliveredAt, v.deliveredTo]),
    );
  });
});
