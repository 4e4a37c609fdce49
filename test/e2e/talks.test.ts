/**
 * A video talk between the consoles of three real nodes (CALL5), in Debian's Chromium with fake
 * cameras and microphones: a supervisor at alpha schedules the talk in the console (bravo and
 * charlie, an agenda, the people expected), the officers at alpha, bravo and charlie find it in
 * their Video talks panel and join, and every participant receives every other's video and sound
 * (getStats bytes per participant, which the console shows on each video). Then bravo leaves and
 * the others' grids drop bravo's video.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ARTIFACTS, browserSuite, openConsole, signIn, waitPeerUp } from '../support/browser.ts';

const TITLE = 'Trilateral maritime safety talk';
const OFFICERS = ['officer@alpha', 'officer@bravo', 'officer@charlie'];

/** What a page receives from each other participant, from the data attributes of their videos. */
async function receivedByParticipant(page: Page): Promise<Map<string, { video: number; audio: number }>> {
  const videos = page.locator('[data-testid="talk-video"][data-local="false"]');
  const received = new Map<string, { video: number; audio: number }>();
  for (const video of await videos.all()) {
    const participant = (await video.getAttribute('data-participant')) ?? '?';
    received.set(participant, {
      video: Number((await video.getAttribute('data-video-bytes')) ?? 0),
      audio: Number((await video.getAttribute('data-audio-bytes')) ?? 0),
    });
  }
  return received;
}

/** Waits until the page receives video and sound from each of `others`; returns the figures. */
async function waitReceivingFrom(
  page: Page,
  others: string[],
): Promise<Map<string, { video: number; audio: number }>> {
  for (let attempt = 0; attempt < 150; attempt++) {
    const received = await receivedByParticipant(page);
    if (
      others.every((user) => (received.get(user)?.video ?? 0) > 0 && (received.get(user)?.audio ?? 0) > 0)
    ) {
      return received;
    }
    await page.waitForTimeout(200);
  }
  return receivedByParticipant(page);
}

/** A start a minute from now, as a datetime-local field in `timeZone` takes it. */
function startInAMinute(timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(Date.now() + 60_000));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}`;
}

describe('a video talk between the consoles of three real nodes', { timeout: 180_000 }, () => {
  const suite = browserSuite({ nodeIds: ['alpha', 'bravo', 'charlie'] }, { media: true });

  it('[CALL5] a supervisor schedules a talk in the console; officers at alpha, bravo and charlie join, and every participant receives every other’s video', async () => {
    const { cluster, browser } = suite;

    // The supervisor at alpha schedules the talk.
    const supervisor = await openConsole(browser, cluster.node('alpha').url, 'Europe/Paris');
    await signIn(supervisor, 'supervisor');
    await waitPeerUp(supervisor);
    await supervisor.getByTestId('talks-open').click();
    const form = supervisor.getByTestId('talk-form');
    await form.waitFor({ timeout: 10_000 });
    await supervisor.getByTestId('talk-title').fill(TITLE);
    const members = supervisor.getByTestId('talk-members');
    await members.getByRole('checkbox', { name: /Bravo/ }).check();
    await members.getByRole('checkbox', { name: /Charlie/ }).check();
    await supervisor.getByTestId('talk-starts-at').fill(startInAMinute('Europe/Paris'));
    await supervisor.getByTestId('talk-duration').fill('45');
    await supervisor
      .getByTestId('talk-agenda')
      .fill('Opening remarks\nEncounters since the last talk\nNext steps');
    await supervisor
      .getByTestId('talk-participants')
      .fill('Rear Admiral Aubert, alpha, head of delegation\nCaptain Brandt, bravo\nCommander Chen, charlie');
    await supervisor.getByTestId('talk-submit').click();
    const scheduled = supervisor.getByTestId('talk-item').filter({ hasText: TITLE });
    await scheduled.waitFor({ timeout: 10_000 });
    assert.deepEqual(await scheduled.getByTestId('talk-agenda-list').locator('li').allTextContents(), [
      'Opening remarks',
      'Encounters since the last talk',
      'Next steps',
    ]);
    assert.match((await scheduled.textContent()) ?? '', /Rear Admiral Aubert, Alpha \(head of delegation\)/);
    assert.match(
      (await scheduled.textContent()) ?? '',
      /UTC/,
      'the start shows in UTC beside the local time',
    );
    await scheduled.screenshot({ path: join(ARTIFACTS, 'talk-scheduled-alpha.png') });
    await supervisor.context().close();

    // The officers at alpha, bravo and charlie, each in their own zone, find the talk and join.
    const pages = await Promise.all([
      openConsole(browser, cluster.node('alpha').url, 'Europe/Paris'),
      openConsole(browser, cluster.node('bravo').url, 'Asia/Tokyo'),
      openConsole(browser, cluster.node('charlie').url, 'Asia/Shanghai'),
    ]);
    await Promise.all(pages.map((page) => signIn(page, 'officer')));
    await Promise.all(pages.map((page) => waitPeerUp(page)));
    for (const page of pages) {
      await page.getByTestId('talks-open').click();
      const item = page.getByTestId('talk-item').filter({ hasText: TITLE });
      await item.waitFor({ timeout: 15_000 });
      await item.getByTestId('talk-join').click();
      await page.getByTestId('talk-room').waitFor({ timeout: 10_000 });
    }

    // Every participant receives every other's video and sound.
    const received = await Promise.all(
      pages.map((page, index) =>
        waitReceivingFrom(
          page,
          OFFICERS.filter((_, other) => other !== index),
        ),
      ),
    );
    received.forEach((figures, index) => {
      const me = OFFICERS[index];
      const others = OFFICERS.filter((user) => user !== me);
      assert.deepEqual([...figures.keys()].sort(), others, `${me} has one video per other participant`);
      for (const user of others) {
        const bytes = figures.get(user);
        assert.ok(
          bytes && bytes.video > 0 && bytes.audio > 0,
          `${me} receives ${user}: ${JSON.stringify(bytes)}`,
        );
      }
    });
    // The videos play real frames from the fake cameras.
    for (const page of pages) {
      const widths = await page
        .locator('[data-testid="talk-video"][data-local="false"]')
        .evaluateAll((videos) =>
          videos.map((video) => (video as unknown as { videoWidth: number }).videoWidth),
        );
      assert.ok(
        widths.length === 2 && widths.every((width) => width > 0),
        `frames on every video: ${widths}`,
      );
    }
    await Promise.all(
      pages.map((page, index) =>
        page.screenshot({ path: join(ARTIFACTS, `talk-${['alpha', 'bravo', 'charlie'][index]}.png`) }),
      ),
    );

    // Bravo leaves: alpha's and charlie's grids drop bravo's video.
    const [alpha, bravo, charlie] = pages as [Page, Page, Page];
    await bravo.getByTestId('talk-room').getByTestId('talk-leave').click();
    await bravo.getByTestId('talk-room').waitFor({ state: 'detached', timeout: 10_000 });
    for (const page of [alpha, charlie]) {
      await page
        .locator('[data-testid="talk-video"][data-participant="officer@bravo"]')
        .waitFor({ state: 'detached', timeout: 10_000 });
      assert.equal(await page.locator('[data-testid="talk-video"][data-local="false"]').count(), 1);
    }
    await Promise.all(pages.map((page) => page.context().close()));
  });
});
