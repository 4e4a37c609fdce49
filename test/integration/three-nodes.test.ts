/**
 * Three nodes on one line (FED9): alpha, bravo and charlie, each pair linked directly, the
 * alpha–charlie link through a TCP proxy the test cuts. Every event reaches every member, also
 * while that link is down (bravo forwards, FED3), and all three show one LOG7 order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LiaisonEvent } from '../../src/core/types.ts';
import type { MessageView } from '../../src/hotline/messages.ts';
import { ApiClient, type Cluster, eventually, startCluster } from '../support/cluster.ts';

interface LineView {
  id: string;
  kind: string;
  title: string;
  members: string[];
}

describe('three nodes on one line', { timeout: 120_000 }, () => {
  let cluster: Cluster;
  const officers = new Map<string, ApiClient>();
  let lineId: string;

  const messageIds = async (nodeId: string) => {
    const client = officers.get(nodeId);
    assert.ok(client);
    const { events } = await client.get<{ events: LiaisonEvent[] }>(
      `/api/v1/lines/${lineId}/events?limit=10000`,
    );
    return events.filter((e) => e.type === 'message.posted').map((e) => e.id);
  };

  before(async () => {
    cluster = await startCluster({
      nodeIds: ['alpha', 'bravo', 'charlie'],
      proxiedPairs: [['alpha', 'charlie']],
    });
    for (const node of cluster.nodes) officers.set(node.nodeId, await ApiClient.login(node.url, 'officer'));
  });

  after(async () => {
    await cluster?.stop();
  });

  it('[FED9] an admin opens a line with three members; each member learns it from its genesis', async () => {
    const admin = await ApiClient.login(cluster.node('alpha').url, 'admin');
    const created = await admin.request('POST', '/api/v1/lines', {
      title: 'Trilateral air safety',
      members: ['bravo', 'charlie'],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const line = created.body as LineView;
    lineId = line.id;
    assert.deepEqual(line.members, ['alpha', 'bravo', 'charlie']);
    for (const nodeId of ['bravo', 'charlie']) {
      const seen = await eventually(`${nodeId} to know the line`, async () => {
        const lines = await officers.get(nodeId)?.get<LineView[]>('/api/v1/lines');
        return lines?.find((l) => l.id === lineId);
      });
      assert.equal(seen.title, 'Trilateral air safety');
      assert.deepEqual(seen.members, ['alpha', 'bravo', 'charlie']);
    }
    const refused = await officers
      .get('alpha')
      ?.request('POST', '/api/v1/lines', { title: 'x', members: ['bravo'] });
    assert.equal(refused?.status, 403, 'only an admin opens lines');
    const unknown = await admin.request('POST', '/api/v1/lines', { title: 'x', members: ['zulu'] });
    assert.equal(unknown.status, 400);
    assert.equal((unknown.body as { error: string }).error, 'unknown-node');
  });

  it('[FED9][LOG7] every member holds every message, in one identical order', async () => {
    await eventually('every node to be ready on the line', async () => {
      for (const nodeId of ['bravo', 'charlie']) {
        const { status } = (await officers.get(nodeId)?.request('POST', `/api/v1/lines/${lineId}/messages`, {
          text: `${nodeId} joins`,
          precedence: 'ROUTINE',
        })) ?? { status: 0 };
        if (status !== 201) return undefined;
      }
      return true;
    });
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 10; i += 1) {
      for (const nodeId of ['alpha', 'bravo', 'charlie']) {
        writes.push(
          officers
            .get(nodeId)
            ?.post(`/api/v1/lines/${lineId}/messages`, { text: `${nodeId} ${i}`, precedence: 'ROUTINE' }) ??
            Promise.resolve(),
        );
      }
    }
    await Promise.all(writes);
    const orders = await eventually('all three to hold all 32 messages', async () => {
      const all = await Promise.all(['alpha', 'bravo', 'charlie'].map(messageIds));
      return all.every((ids) => ids.length === 32) ? all : undefined;
    });
    assert.deepEqual(orders[1], orders[0]);
    assert.deepEqual(orders[2], orders[0]);
  });

  it('[FED3][FED9] with the alpha–charlie link cut, bravo forwards; nothing is lost', async () => {
    cluster.proxy('alpha', 'charlie').cut();
    await eventually(
      'alpha to see charlie down',
      async () => {
        const peers = await officers.get('alpha')?.get<{ nodeId: string; state: string }[]>('/api/v1/peers');
        return peers?.find((p) => p.nodeId === 'charlie')?.state === 'down' ? true : undefined;
      },
      30_000,
    );
    const fromAlpha = await officers.get('alpha')?.post<LiaisonEvent>(`/api/v1/lines/${lineId}/messages`, {
      text: 'alpha to all while the alpha–charlie link is down',
      precedence: 'IMMEDIATE',
    });
    const fromCharlie = await officers
      .get('charlie')
      ?.post<LiaisonEvent>(`/api/v1/lines/${lineId}/messages`, {
        text: 'charlie to all while the alpha–charlie link is down',
        precedence: 'IMMEDIATE',
      });
    assert.ok(fromAlpha && fromCharlie);
    await eventually('charlie to hold alpha’s message and alpha charlie’s, through bravo', async () => {
      const atCharlie = await messageIds('charlie');
      const atAlpha = await messageIds('alpha');
      return atCharlie.includes(fromAlpha.id) && atAlpha.includes(fromCharlie.id) ? true : undefined;
    });
    const view = await eventually('alpha’s message to be delivered to both others', async () => {
      const v = await officers.get('alpha')?.get<MessageView>(`/api/v1/messages/${fromAlpha.id}`);
      return v?.state === 'delivered' ? v : undefined;
    });
    assert.deepEqual(Object.keys(view.deliveredTo).sort(), ['bravo', 'charlie']);
    cluster.proxy('alpha', 'charlie').restore();
    await eventually(
      'the alpha–charlie link to come back',
      async () => {
        const peers = await officers.get('alpha')?.get<{ nodeId: string; state: string }[]>('/api/v1/peers');
        return peers?.find((p) => p.nodeId === 'charlie')?.state === 'up' ? true : undefined;
      },
      30_000,
    );
    const orders = await Promise.all(['alpha', 'bravo', 'charlie'].map(messageIds));
    assert.equal(orders[0]?.length, 34);
    assert.deepEqual(orders[1], orders[0]);
    assert.deepEqual(orders[2], orders[0]);
  });
});
