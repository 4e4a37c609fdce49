/**
 * Key rotation and unpairing on two real node processes (LOG5, FED1): messages keep flowing
 * across alpha's rotation, both exports verify (with the header, and with alpha's old and new
 * cards), both consoles show the same new safety code, a restart comes back with the new key;
 * then alpha unpairs bravo: the hotline is closed on both sides and the link stays down.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifyExport } from '../../src/core/exportFormat.ts';
import type { LiaisonEvent } from '../../src/core/types.ts';
import type { PeerStatus } from '../../src/federation/federation.ts';
import {
  ApiClient,
  BIN,
  type Cluster,
  eventually,
  HOTLINE,
  startCluster,
  waitLinkUp,
} from '../support/cluster.ts';

interface Pairing {
  nodeId: string;
  safetyCode: string;
  keyFingerprint: string;
}

describe('key rotation and unpairing across two nodes', { timeout: 120_000 }, () => {
  let cluster: Cluster;
  let alpha: ApiClient;
  let bravo: ApiClient;
  let alphaAdmin: ApiClient;

  const liaison = (nodeId: string, ...args: string[]) => {
    const result = spawnSync(process.execPath, [BIN, ...args, '--data', cluster.node(nodeId).dir], {
      encoding: 'utf8',
      env: { ...process.env, ...cluster.envFor(nodeId), LIAISON_LOG_LEVEL: 'warn' },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const safetyCodeAt = async (client: ApiClient) =>
    (await client.get<Pairing[]>('/api/v1/pairing'))[0]?.safetyCode;
  const eventsAt = async (client: ApiClient) =>
    (await client.get<{ events: LiaisonEvent[] }>(`/api/v1/lines/${HOTLINE}/events?limit=5000`)).events;
  /** Posts on the hotline from `from` and waits until `to` holds the message. */
  const postAndSee = async (from: ApiClient, to: ApiClient, text: string) => {
    const posted = await from.post<LiaisonEvent>(`/api/v1/lines/${HOTLINE}/messages`, {
      text,
      precedence: 'ROUTINE',
    });
    await eventually(`"${text}" to arrive`, async () =>
      (await eventsAt(to)).some((e) => e.id === posted.id) ? true : undefined,
    );
    return posted;
  };
  const exportVerifies = async (
    client: ApiClient,
    trustedNodes?: { nodeId: string; publicKey: string }[],
  ) => {
    const { status, body } = await client.request('GET', `/api/v1/export?line=${HOTLINE}`);
    assert.equal(status, 200);
    const lines = String(body).trim().split('\n');
    return verifyExport(lines, trustedNodes ? { trustedNodes } : {});
  };
  const cardOf = (nodeId: string) =>
    JSON.parse(liaison(nodeId, 'pair', 'export').stdout) as { publicKey: string };

  before(async () => {
    cluster = await startCluster();
    alpha = await ApiClient.login(cluster.node('alpha').url, 'officer');
    bravo = await ApiClient.login(cluster.node('bravo').url, 'officer');
    alphaAdmin = await ApiClient.login(cluster.node('alpha').url, 'admin');
    await waitLinkUp(alpha);
    await waitLinkUp(bravo);
  });

  after(async () => {
    await cluster?.stop();
  });

  it('[LOG5][FED1] alpha rotates its key; messages keep flowing, exports verify, the safety codes change alike', async () => {
    await postAndSee(alpha, bravo, 'before the rotation, from alpha');
    await postAndSee(bravo, alpha, 'before the rotation, from bravo');
    const codeBefore = await safetyCodeAt(alpha);
    assert.equal(await safetyCodeAt(bravo), codeBefore);
    const oldCard = cardOf('alpha');

    const rotated = liaison('alpha', 'key', 'rotate');
    assert.equal(rotated.status, 0, rotated.stderr);
    assert.match(rotated.stdout, /new key fingerprint/);
    const newCard = cardOf('alpha');
    assert.notEqual(newCard.publicKey, oldCard.publicKey);

    const rotation = await eventually('bravo to hold the key.rotated', async () =>
      (await eventsAt(bravo)).find((e) => e.type === 'key.rotated' && e.origin === 'alpha'),
    );
    assert.equal(rotation.body.previousKey, oldCard.publicKey);
    assert.equal(rotation.body.publicKey, newCard.publicKey);
    await postAndSee(alpha, bravo, 'after the rotation, from alpha');
    await postAndSee(bravo, alpha, 'after the rotation, from bravo');

    const codeAfter = await eventually('both safety codes to follow the new key', async () => {
      const [atAlpha, atBravo] = [await safetyCodeAt(alpha), await safetyCodeAt(bravo)];
      return atAlpha === atBravo && atAlpha !== codeBefore ? atAlpha : undefined;
    });
    assert.ok(codeAfter);

    const bravoKey = cardOf('bravo').publicKey;
    for (const client of [alpha, bravo]) {
      const plain = await exportVerifies(client);
      assert.equal(plain.ok, true, plain.error?.message);
      for (const alphaKey of [oldCard.publicKey, newCard.publicKey]) {
        const trusted = await exportVerifies(client, [
          { nodeId: 'alpha', publicKey: alphaKey },
          { nodeId: 'bravo', publicKey: bravoKey },
        ]);
        assert.equal(trusted.ok, true, trusted.error?.message);
      }
    }
    // The CLI verifies with the card of either key too.
    const file = join(cluster.root, 'bravo-export.jsonl');
    writeFileSync(file, String((await bravo.request('GET', `/api/v1/export?line=${HOTLINE}`)).body));
    const oldCardFile = join(cluster.root, 'alpha-old.card.json');
    writeFileSync(oldCardFile, JSON.stringify(oldCard));
    const bravoCardFile = join(cluster.root, 'bravo.card.json');
    writeFileSync(bravoCardFile, liaison('bravo', 'pair', 'export').stdout);
    const verified = spawnSync(
      process.execPath,
      [BIN, 'verify', file, '--trust', oldCardFile, bravoCardFile],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(verified.status, 0, verified.stdout);
  });

  it('[LOG5] a restarted alpha comes back with its new key and the link reconnects', async () => {
    const key = cardOf('alpha').publicKey;
    await cluster.node('alpha').stop();
    await cluster.node('alpha').start();
    alpha = await ApiClient.login(cluster.node('alpha').url, 'officer');
    alphaAdmin = await ApiClient.login(cluster.node('alpha').url, 'admin');
    assert.equal(cardOf('alpha').publicKey, key);
    await waitLinkUp(alpha);
    await postAndSee(alpha, bravo, 'after the restart, from alpha');
    await postAndSee(bravo, alpha, 'after the restart, from bravo');
  });

  it('[FED1] alpha unpairs bravo: the hotline closes on both sides, the link stays down, /peers says unpaired', async () => {
    const forbidden = await alpha.request('POST', '/api/v1/admin/peers/bravo/unpair', {});
    assert.equal(forbidden.status, 403);
    const unpaired = await alphaAdmin.post<{ peer: string; delivered: boolean }>(
      '/api/v1/admin/peers/bravo/unpair',
      { reason: 'test' },
    );
    assert.equal(unpaired.peer, 'bravo');
    assert.equal(unpaired.delivered, true);
    const again = await alphaAdmin.request('POST', '/api/v1/admin/peers/bravo/unpair', {});
    assert.equal(again.status, 409);

    const refused = await alpha.request('POST', `/api/v1/lines/${HOTLINE}/messages`, {
      text: 'after unpairing',
      precedence: 'ROUTINE',
    });
    assert.equal(refused.status, 409);
    assert.equal((refused.body as { error: string }).error, 'line-closed');
    await eventually('bravo to close the hotline too', async () => {
      const { status, body } = await bravo.request('POST', `/api/v1/lines/${HOTLINE}/messages`, {
        text: 'after unpairing, from bravo',
        precedence: 'ROUTINE',
      });
      return status === 409 && (body as { error: string }).error === 'line-closed' ? true : undefined;
    });
    for (const [client, peer] of [
      [alpha, 'bravo'],
      [bravo, 'alpha'],
    ] as const) {
      const status = await eventually(`${peer} unpaired and down`, async () => {
        const found = (await client.get<PeerStatus[]>('/api/v1/peers')).find((p) => p.nodeId === peer);
        return found?.unpaired === true && found.state === 'down' ? found : undefined;
      });
      assert.equal(status.state, 'down');
    }
    // The link stays down: neither side dials, and alpha refuses bravo.
    await new Promise((r) => setTimeout(r, 1500));
    const atAlpha = (await alpha.get<PeerStatus[]>('/api/v1/peers')).find((p) => p.nodeId === 'bravo');
    assert.equal(atAlpha?.state, 'down');
  });
});
