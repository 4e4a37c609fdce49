/**
 * Calls through a TURN relay (CALL3): Debian's coturn runs on loopback (test/support/turnServer.ts),
 * both nodes hand it to their consoles with `iceTransportPolicy: "relay"`, so Chromium may use
 * no direct path. The officer at alpha calls bravo by video, bravo answers, both receive sound
 * and picture, both call windows say the media goes through the relay, and coturn's own log
 * shows the allocations and the relayed traffic. Also: `GET /api/v1/calls/config` gives the
 * consoles what was configured, and a node with bad ICE servers refuses to start, saying why.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  ARTIFACTS,
  closeBrowser,
  launchBrowser,
  openConsole,
  signIn,
  waitPeerUp,
} from '../support/browser.ts';
import { ApiClient, BIN, type Cluster, startCluster } from '../support/cluster.ts';
import { startTurnServer, type TurnServer } from '../support/turnServer.ts';

/** What the call window shows of the media: bytes received and the kind of the local candidate. */
async function mediaShown(page: Page): Promise<{ video: number; audio: number; candidate: string }> {
  const quality = page.getByTestId('call-quality');
  return {
    video: Number((await quality.getAttribute('data-video-bytes')) ?? 0),
    audio: Number((await quality.getAttribute('data-audio-bytes')) ?? 0),
    candidate: (await quality.getAttribute('data-candidate')) ?? '',
  };
}

/** Waits until the page receives both audio and video over a known path (bounded). */
async function waitMediaFlowing(page: Page): Promise<{ video: number; audio: number; candidate: string }> {
  await page.locator('[data-testid="call-quality"][data-video-bytes]').waitFor({ timeout: 20_000 });
  for (let attempt = 0; attempt < 100; attempt++) {
    const shown = await mediaShown(page);
    if (shown.video > 0 && shown.audio > 0 && shown.candidate !== '') return shown;
    await page.waitForTimeout(200);
  }
  return mediaShown(page);
}

/** Waits (up to 15 s) until coturn's log shows at least `atLeast` bytes relayed from peers; returns its figure. */
async function waitPeerBytesRelayed(relay: TurnServer, atLeast: number): Promise<number> {
  for (let attempt = 0; attempt < 75 && relay.peerBytesRelayed() < atLeast; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return relay.peerBytesRelayed();
}

describe('calls through a TURN relay (coturn on loopback)', { timeout: 150_000 }, () => {
  let turn: TurnServer | null = null;
  let cluster: Cluster | null = null;
  let browser: Browser | null = null;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // The relay first: the nodes' configuration names its port.
    turn = await startTurnServer();
    const env = {
      LIAISON_ICE_SERVERS: JSON.stringify([turn.iceServer]),
      LIAISON_ICE_TRANSPORT_POLICY: 'relay',
    };
    [cluster, browser] = await Promise.all([startCluster({ env }), launchBrowser({ media: true })]);
  });
  after(async () => {
    await Promise.allSettled([closeBrowser(browser), cluster?.stop()]);
    await turn?.stop();
  });

  it('[CALL3] each node gives its consoles the configured TURN server and the relay-only policy', async () => {
    assert.ok(cluster && turn);
    for (const nodeId of ['alpha', 'bravo']) {
      const api = await ApiClient.login(cluster.node(nodeId).url, 'officer');
      const config = (await api.get('/api/v1/calls/config')) as {
        iceServers: unknown[];
        iceTransportPolicy: string;
        ringTimeoutMs: number;
      };
      assert.deepEqual(config.iceServers, [
        { urls: `turn:127.0.0.1:${turn.port}?transport=udp`, username: 'u', credential: 'p' },
      ]);
      assert.equal(config.iceTransportPolicy, 'relay');
      assert.ok(config.ringTimeoutMs > 0);
    }
  });

  it('[CALL3] a node with ICE servers that are not a JSON list of stun:/turn: URLs refuses to start and says why', () => {
    assert.ok(cluster);
    const alpha = cluster.node('alpha');
    const alphaEnv = cluster.envFor('alpha');
    const bad: [string, RegExp][] = [
      ['turn:127.0.0.1:3478', /iceServers: .*expected array/],
      ['[{"urls": "http://127.0.0.1:3478"}]', /iceServers\.0\.urls: .*a stun:, stuns:, turn: or turns: URL/],
    ];
    for (const [value, reason] of bad) {
      // Configuration is read before anything else, so the running alpha is not disturbed.
      const result = spawnSync(process.execPath, [BIN, 'serve', '--data', alpha.dir], {
        env: { ...alphaEnv, LIAISON_ICE_SERVERS: value },
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(result.status, 1, `exit code for ${value}; stderr: ${result.stderr}`);
      assert.match(result.stderr, /liaison: bad configuration in .*config\.json or LIAISON_\* variables/);
      assert.match(result.stderr, reason);
    }
  });

  it('[CALL3] alpha calls bravo by video through the relay: both receive sound and picture over relay candidates, and coturn relayed them', async () => {
    assert.ok(cluster && browser && turn);
    const [alpha, bravo] = await Promise.all([
      openConsole(browser, cluster.node('alpha').url, 'Europe/Paris'),
      openConsole(browser, cluster.node('bravo').url, 'Asia/Tokyo'),
    ]);
    await Promise.all([signIn(alpha, 'officer'), signIn(bravo, 'officer')]);
    await Promise.all([waitPeerUp(alpha), waitPeerUp(bravo)]);

    await alpha.getByTestId('call-video').click();
    await bravo.getByTestId('call-accept').click({ timeout: 10_000 });

    const [alphaMedia, bravoMedia] = await Promise.all([waitMediaFlowing(alpha), waitMediaFlowing(bravo)]);
    assert.ok(alphaMedia.video > 0 && alphaMedia.audio > 0, `alpha receives ${JSON.stringify(alphaMedia)}`);
    assert.ok(bravoMedia.video > 0 && bravoMedia.audio > 0, `bravo receives ${JSON.stringify(bravoMedia)}`);
    assert.equal(alphaMedia.candidate, 'relay', "alpha's media goes through the TURN relay");
    assert.equal(bravoMedia.candidate, 'relay', "bravo's media goes through the TURN relay");
    // What the officer reads: connected, and "through a relay" in the media line.
    assert.match((await alpha.getByTestId('call-state').textContent()) ?? '', /Connected with officer@bravo/);
    assert.match((await bravo.getByTestId('call-quality').textContent()) ?? '', /through a relay/);
    const width = await bravo
      .getByTestId('remote-video')
      .evaluate((video) => (video as unknown as { videoWidth: number }).videoWidth);
    assert.ok(width > 0, `bravo's remote video has frames (${width} px wide)`);
    await Promise.all([
      alpha.screenshot({ path: join(ARTIFACTS, 'call-relay-alpha.png') }),
      bravo.screenshot({ path: join(ARTIFACTS, 'call-relay-bravo.png') }),
    ]);

    // coturn's side: both consoles were granted allocations and bound channels to their peer.
    const relay = turn;
    assert.ok(relay.allocations() >= 2, `coturn granted ${relay.allocations()} allocations`);
    assert.match(relay.log(), /CHANNEL_BIND processed, success/);

    await alpha.getByTestId('call-hangup').click();
    await bravo.locator('[data-testid="call-window"][data-state="ended"]').waitFor({ timeout: 10_000 });
    assert.match((await bravo.getByTestId('call-state').textContent()) ?? '', /Call ended: hung up/);
    // Hanging up closes the connections; coturn then logs what each allocation carried: the
    // sound and picture of a call of a few seconds are tens of kilobytes at least.
    const relayed = await waitPeerBytesRelayed(relay, 20_000);
    assert.ok(
      relayed > 20_000,
      `coturn relayed ${relayed} bytes from peers; its log ends:\n${relay.log().slice(-3000)}`,
    );
    await Promise.all([alpha.context().close(), bravo.context().close()]);
  });
});
