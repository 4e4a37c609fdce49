/**
 * Calls between the consoles of two real nodes (CALL1, CALL2), in Debian's Chromium with fake
 * camera and microphone: the officer at alpha calls bravo by video, bravo's officer answers,
 * both receive sound and picture (getStats bytes received on both), alpha hangs up, and both
 * nodes' call logs show who answered and how long the call lasted. Then a call nobody answers
 * rings out: it is missed on both sides and becomes an item bravo must acknowledge, which
 * escalates when its deadline passes (HOT3, HOT4). Last, with both sides' policy allowing it,
 * alpha records a call: both see the indicator, and the recording plays from both call logs
 * (CALL4).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ARTIFACTS, browserSuite, openConsole, signIn, waitPeerUp } from '../support/browser.ts';
import { ApiClient, eventually, HOTLINE } from '../support/cluster.ts';

/** Bytes of received video and audio as the page's call window reports them from getStats. */
async function receivedBytes(page: Page): Promise<{ video: number; audio: number }> {
  const quality = page.getByTestId('call-quality');
  return {
    video: Number((await quality.getAttribute('data-video-bytes')) ?? 0),
    audio: Number((await quality.getAttribute('data-audio-bytes')) ?? 0),
  };
}

/** Waits until the page receives both audio and video. */
async function waitMediaFlowing(page: Page): Promise<{ video: number; audio: number }> {
  await page.locator('[data-testid="call-quality"][data-video-bytes]').waitFor({ timeout: 20_000 });
  for (let attempt = 0; attempt < 100; attempt++) {
    const bytes = await receivedBytes(page);
    if (bytes.video > 0 && bytes.audio > 0) return bytes;
    await page.waitForTimeout(200);
  }
  return receivedBytes(page);
}

describe('calls between the consoles of two real nodes', { timeout: 120_000 }, () => {
  const suite = browserSuite(
    {
      env: {
        LIAISON_RING_TIMEOUT: '4s',
        LIAISON_ACK_DEADLINES: 'FLASH=10s,IMMEDIATE=6s,PRIORITY=3h,ROUTINE=6h',
      },
    },
    { media: true },
  );

  it('[CALL1] [CALL2] alpha calls bravo by video; both receive sound and picture; both logs show who answered and for how long', async () => {
    const { cluster, browser } = suite;
    const [alpha, bravo] = await Promise.all([
      openConsole(browser, cluster.node('alpha').url, 'Europe/Paris'),
      openConsole(browser, cluster.node('bravo').url, 'Asia/Tokyo'),
    ]);
    await Promise.all([signIn(alpha, 'officer'), signIn(bravo, 'officer')]);
    await Promise.all([waitPeerUp(alpha), waitPeerUp(bravo)]);

    await alpha.getByTestId('call-video').click();
    await alpha.locator('[data-testid="call-window"][data-state="ringing"]').waitFor({ timeout: 10_000 });
    const ring = bravo.getByTestId('call-incoming');
    await ring.waitFor({ timeout: 10_000 });
    assert.match((await ring.textContent()) ?? '', /officer@alpha is calling: video call/);
    await bravo.getByTestId('call-accept').click();

    const [alphaBytes, bravoBytes] = await Promise.all([waitMediaFlowing(alpha), waitMediaFlowing(bravo)]);
    assert.ok(alphaBytes.video > 0 && alphaBytes.audio > 0, `alpha receives ${JSON.stringify(alphaBytes)}`);
    assert.ok(bravoBytes.video > 0 && bravoBytes.audio > 0, `bravo receives ${JSON.stringify(bravoBytes)}`);
    assert.match((await alpha.getByTestId('call-state').textContent()) ?? '', /Connected with officer@bravo/);
    assert.match((await bravo.getByTestId('call-state').textContent()) ?? '', /Connected with officer@alpha/);
    // The remote video element plays real frames (the fake camera's pattern is 640 wide or so).
    const width = await bravo
      .getByTestId('remote-video')
      .evaluate((video) => (video as unknown as { videoWidth: number }).videoWidth);
    assert.ok(width > 0, `bravo's remote video has frames (${width} px wide)`);
    await Promise.all([
      alpha.screenshot({ path: join(ARTIFACTS, 'call-alpha.png') }),
      bravo.screenshot({ path: join(ARTIFACTS, 'call-bravo.png') }),
    ]);

    await alpha.waitForTimeout(1200); // a call of a second or more
    await alpha.getByTestId('call-hangup').click();
    await alpha.locator('[data-testid="call-window"][data-state="ended"]').waitFor({ timeout: 10_000 });
    await bravo.locator('[data-testid="call-window"][data-state="ended"]').waitFor({ timeout: 10_000 });
    assert.match((await bravo.getByTestId('call-state').textContent()) ?? '', /Call ended: hung up/);

    for (const page of [alpha, bravo]) {
      await page.getByTestId('call-log-open').click();
      const record = page.locator('[data-testid="call-record"][data-end="hangup"]');
      await record.waitFor({ timeout: 15_000 });
      assert.equal(await record.getByTestId('call-record-answered-by').textContent(), 'officer@bravo');
      const duration = (await record.getByTestId('call-record-duration').textContent()) ?? '';
      assert.match(duration, /^0:0[1-9]$/, `a duration of a few seconds, not ${duration}`);
      await page.keyboard.press('Escape');
    }
    await alpha.screenshot({ path: join(ARTIFACTS, 'call-log-alpha.png') });
    await Promise.all([alpha.context().close(), bravo.context().close()]);
  });

  it('[CALL2] [HOT4] a call nobody answers is missed on both sides and becomes an overdue item that escalates', async () => {
    const { cluster, browser } = suite;
    const alpha = await openConsole(browser, cluster.node('alpha').url, 'Europe/Paris');
    await signIn(alpha, 'officer');
    await waitPeerUp(alpha);
    // Bravo's desk has nobody at a console: the call rings out there.
    await alpha.getByTestId('call-voice').click();
    await alpha.locator('[data-testid="call-window"][data-state="ended"]').waitFor({ timeout: 15_000 });
    assert.match((await alpha.getByTestId('call-state').textContent()) ?? '', /Call ended: nobody answered/);

    const bravoApi = await ApiClient.login(cluster.node('bravo').url, 'officer');
    const missed = await eventually(
      'the missed call in bravo’s call log',
      async () => {
        const { calls } = (await bravoApi.get(`/api/v1/calls?line=${HOTLINE}`)) as {
          calls: { endReason: string | null; answeredBy: string | null }[];
        };
        return calls.find((call) => call.endReason === 'missed');
      },
      15_000,
    );
    assert.equal(missed.answeredBy, null);

    // The missed call is an item on the hotline: delivered to bravo, overdue at its deadline,
    // escalated on both sides (HOT4).
    const item = await eventually(
      'the missed-call item at bravo',
      async () => {
        const page = (await bravoApi.get(`/api/v1/lines/${HOTLINE}/events?limit=200`)) as {
          events: { id: string; type: string; body: { template?: string } }[];
        };
        return page.events.find(
          (event) => event.type === 'message.posted' && event.body.template === 'call.missed',
        );
      },
      15_000,
    );
    const state = await eventually(
      'the missed-call item overdue',
      async () => {
        const status = (await bravoApi.get(`/api/v1/messages/${item.id}`)) as { state: string };
        return status.state === 'overdue' ? status : undefined;
      },
      20_000,
    );
    assert.equal(state.state, 'overdue');
    await eventually(
      'its escalation',
      async () => {
        const page = (await bravoApi.get(`/api/v1/lines/${HOTLINE}/events?limit=200`)) as {
          events: { type: string; body: { message?: string } }[];
        };
        return page.events.find(
          (event) => event.type === 'escalation.raised' && event.body.message === item.id,
        );
      },
      20_000,
    );
    // Alpha's officer sees the missed-call message in the hotline, in words.
    await alpha
      .getByText(/Missed call: we called your desk at/)
      .first()
      .waitFor({ timeout: 10_000 });
    await alpha.screenshot({ path: join(ARTIFACTS, 'call-missed-alpha.png') });
    await alpha.context().close();
  });

  it('[CALL4] with both sides allowing it, alpha records a call; both see the indicator; the recording plays from both call logs', async () => {
    const { cluster, browser } = suite;
    for (const nodeId of ['alpha', 'bravo']) {
      const admin = await ApiClient.login(cluster.node(nodeId).url, 'admin');
      const { status } = await admin.request('PUT', `/api/v1/lines/${HOTLINE}/call-policy`, {
        recording: 'allowed',
      });
      assert.equal(status, 200);
    }
    const alphaApi = await ApiClient.login(cluster.node('alpha').url, 'officer');
    await eventually('both sides allowing recording, as alpha sees it', async () => {
      const policy = await alphaApi.get<{ recordingAllowed: boolean }>(
        `/api/v1/lines/${HOTLINE}/call-policy`,
      );
      return policy.recordingAllowed ? policy : undefined;
    });

    const [alpha, bravo] = await Promise.all([
      openConsole(browser, cluster.node('alpha').url, 'Europe/Paris'),
      openConsole(browser, cluster.node('bravo').url, 'Asia/Tokyo'),
    ]);
    await Promise.all([signIn(alpha, 'officer'), signIn(bravo, 'officer')]);
    await Promise.all([waitPeerUp(alpha), waitPeerUp(bravo)]);
    await alpha.getByTestId('call-video').click();
    await bravo.getByTestId('call-accept').click({ timeout: 10_000 });
    await Promise.all([waitMediaFlowing(alpha), waitMediaFlowing(bravo)]);

    await alpha.getByTestId('call-record').click();
    for (const page of [alpha, bravo]) {
      const indicator = page.getByTestId('call-recording-indicator');
      await indicator.waitFor({ timeout: 10_000 });
      assert.match((await indicator.textContent()) ?? '', /Recording, by officer@alpha/);
    }
    await bravo.screenshot({ path: join(ARTIFACTS, 'call-recording-bravo.png') });
    await alpha.waitForTimeout(2500);
    await alpha.getByTestId('call-record').click();
    await alpha.getByTestId('call-recording-saved').waitFor({ timeout: 15_000 });
    await bravo.getByTestId('call-recording-indicator').waitFor({ state: 'detached', timeout: 10_000 });
    await alpha.getByTestId('call-hangup').click();

    // The record names the recording on both nodes; bravo fetches the file from alpha (FED11).
    const bravoApi = await ApiClient.login(cluster.node('bravo').url, 'officer');
    const recording = await eventually('the recording in bravo’s call log', async () => {
      const { calls } = await bravoApi.get<{
        calls: { recordings: { blob: string; bytes: number; durationMs: number; mime: string }[] }[];
      }>(`/api/v1/calls?line=${HOTLINE}`);
      return calls.find((call) => call.recordings.length > 0)?.recordings[0];
    });
    assert.ok(recording.bytes > 1000, `a real file (${recording.bytes} bytes)`);
    assert.ok(recording.durationMs >= 2000, `about 2.5 s long (${recording.durationMs} ms)`);
    assert.match(recording.mime, /^video\/webm/);
    await eventually('the recording’s file at bravo', async () => {
      const { status } = await bravoApi.request('HEAD', `/api/v1/blobs/${recording.blob}`);
      return status === 200 ? true : undefined;
    });

    for (const page of [alpha, bravo]) {
      await page.getByTestId('call-log-open').click();
      const video = page.getByTestId('call-recording').first();
      await video.waitFor({ timeout: 15_000 });
      const width = await video.evaluate(
        (element) =>
          new Promise<number>((resolve) => {
            const media = element as unknown as {
              videoWidth: number;
              readyState: number;
              load(): void;
              addEventListener(type: string, listener: () => void): void;
            };
            media.addEventListener('loadedmetadata', () => resolve(media.videoWidth));
            media.addEventListener('error', () => resolve(-1));
            media.load();
          }),
      );
      assert.ok(width > 0, `the recording plays in the call log (${width} px wide)`);
      await page.keyboard.press('Escape');
    }
    await Promise.all([alpha.context().close(), bravo.context().close()]);
  });
});
