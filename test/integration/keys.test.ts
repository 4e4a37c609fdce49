/**
 * Key rotation and unpairing on two real node processes (LOG5, FED1): messages keep flowing
 * across alpha's rotation, both exports verify (with the header, and with alpha's old and new
 * cards), both consoles show the same new safety code, a restart comes back with the new key;
 * bravo, stopped while alpha rotates again, follows the rotation when it comes back; then alpha
 * unpairs bravo: the hotline is closed on both sides and the link stays down; each side
 * re-imports the other's card and the same hotline reopens.
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

  it('[LOG5] bravo away while alpha rotates again: restarted, bravo follows the rotation, the link comes up, exports verify', async () => {
    const bravoKey = cardOf('bravo').publicKey;
    const keyBefore = cardOf('alpha').publicKey;
    await cluster.node('bravo').stop();
    const rotated = liaison('alpha', 'key', 'rotate');
    assert.equal(rotated.status, 0, rotated.stderr);
    const keyAfter = cardOf('alpha').publicKey;
    assert.notEqual(keyAfter, keyBefore);
    // Signed with the new key while bravo still knows only the old one.
    const whileAway = await alpha.post<LiaisonEvent>(`/api/v1/lines/${HOTLINE}/messages`, {
      text: 'while bravo was away',
      precedence: 'ROUTINE',
    });

    await cluster.node('bravo').start();
    bravo = await ApiClient.login(cluster.node('bravo').url, 'officer');
    await waitLinkUp(bravo);
    await waitLinkUp(alpha);
    const rotations = await eventually('bravo to hold the second rotation', async () => {
      const held = (await eventsAt(bravo)).filter((e) => e.type === 'key.rotated' && e.origin === 'alpha');
      return held.some((e) => e.body.publicKey === keyAfter) ? held : undefined;
    });
    assert.equal(rotations.find((e) => e.body.publicKey === keyAfter)?.body.previousKey, keyBefore);
    await eventually('the message posted while bravo was away', async () =>
      (await eventsAt(bravo)).some((e) => e.id === whileAway.id) ? true : undefined,
    );
    await postAndSee(alpha, bravo, 'after bravo came back, from alpha');
    await postAndSee(bravo, alpha, 'after bravo came back, from bravo');
    await eventually('both safety codes to follow the second key', async () => {
      const [atAlpha, atBravo] = [await safetyCodeAt(alpha), await safetyCodeAt(bravo)];
      return atAlpha !== undefined && atAlpha === atBravo ? true : undefined;
    });
    for (const client of [alpha, bravo]) {
      const plain = await exportVerifies(client);
      assert.equal(plain.ok, true, plain.error?.message);
      const trusted = await exportVerifies(client, [
        { nodeId: 'alpha', publicKey: keyAfter },
        { nodeId: 'bravo', publicKey: bravoKey },
      ]);
      assert.equal(trusted.ok, true, trusted.error?.message);
    }
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
    const drill = await alpha.request('POST', '/api/v1/drills', { line: HOTLINE });
    assert.equal(drill.status, 409, 'no drill on a closed hotline either');
    assert.equal((drill.body as { error: string }).error, 'line-closed');
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
  it('[FED1] each side re-imports the card: the hotline reopens with peer.paired, messages flow both ways, exports verify', async () => {
    const cardFile = (nodeId: string) => {
      const file = join(cluster.root, `${nodeId}-repair.card.json`);
      writeFileSync(file, liaison(nodeId, 'pair', 'export').stdout);
      return file;
    };
    const peerAt = async (client: ApiClient, peer: string) =>
      (await client.get<PeerStatus[]>('/api/v1/peers')).find((p) => p.nodeId === peer);

    const atAlpha = liaison('alpha', 'pair', 'import', cardFile('bravo'));
    assert.equal(atAlpha.status, 0, atAlpha.stderr);
    assert.match(atAlpha.stdout, /SAFETY CODE/);
    // Alpha's hotline is open again; bravo has not re-imported, so it still refuses alpha.
    const queued = await alpha.post<LiaisonEvent>(`/api/v1/lines/${HOTLINE}/messages`, {
      text: 'alpha re-paired, bravo not yet',
      precedence: 'ROUTINE',
    });
    assert.equal((await peerAt(alpha, 'bravo'))?.unpaired, false);
    await new Promise((r) => setTimeout(r, 1500));
    assert.notEqual((await peerAt(alpha, 'bravo'))?.state, 'up');
    assert.equal(
      (await eventsAt(bravo)).some((e) => e.id === queued.id),
      false,
    );
    const stillClosed = await bravo.request('POST', `/api/v1/lines/${HOTLINE}/messages`, {
      text: 'bravo has not re-imported',
      precedence: 'ROUTINE',
    });
    assert.equal(stillClosed.status, 409);

    const atBravo = liaison('bravo', 'pair', 'import', cardFile('alpha'));
    assert.equal(atBravo.status, 0, atBravo.stderr);
    await waitLinkUp(alpha);
    await waitLinkUp(bravo);
    await eventually('the message queued at alpha to reach bravo', async () =>
      (await eventsAt(bravo)).some((e) => e.id === queued.id) ? true : undefined,
    );
    await postAndSee(alpha, bravo, 'after re-pairing, from alpha');
    await postAndSee(bravo, alpha, 'after re-pairing, from bravo');
    for (const [client, peer] of [
      [alpha, 'bravo'],
      [bravo, 'alpha'],
    ] as const) {
      assert.equal((await peerAt(client, peer))?.unpaired, false);
      const paired = await eventually(
        `both peer.paired events at ${peer === 'bravo' ? 'alpha' : 'bravo'}`,
        async () => {
          const held = (await eventsAt(client)).filter((e) => e.type === 'peer.paired');
          return held.length === 2 ? held : undefined;
        },
      );
      assert.deepEqual(paired.map((e) => e.origin).sort(), ['alpha', 'bravo']);
      const verified = await exportVerifies(client);
      assert.equal(verified.ok, true, verified.error?.message);
    }
    assert.equal(await safetyCodeAt(alpha), await safetyCodeAt(bravo));
  });
});
