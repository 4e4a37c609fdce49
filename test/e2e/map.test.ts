/**
 * The offline map in the consoles of two real nodes (ENC4, ENC3): through the API an officer at
 * alpha issues an activity notice over a polygon in the East China Sea and submits two encounters,
 * one inside it (with both platforms' tracks, so the node computes the closest approach and its
 * two positions) and one outside it, in the Bering Sea by the 180° meridian. Both consoles open
 * the Map: the marks, the notified area and the closest-approach line show; the encounter inside
 * says so when selected (by keyboard at alpha, by mouse at bravo); the view centred on 180° draws
 * no streak across the map; the time slider moved before the encounters hides them; and neither
 * page asked anything of any origin but its own node (no tile server).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { sidewaysJumps } from '../../web/src/map/baseMap.ts';
import { ARTIFACTS, browserSuite, signIn, VIEWPORT, waitPeerUp } from '../support/browser.ts';
import { ApiClient, eventually, waitLinkUp } from '../support/cluster.ts';

const MINUTE = 60_000;
const NOTICE_TITLE = 'Exercise JADE SEA';

/** A console page whose every request and socket is noted from its first navigation on. */
async function openWatchedConsole(
  browser: Browser,
  url: string,
  timezoneId: string,
): Promise<{ page: Page; contacted: string[] }> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'en-GB', timezoneId });
  const contacted: string[] = [];
  context.on('request', (request) => contacted.push(request.url()));
  const page = await context.newPage();
  page.on('websocket', (socket) => contacted.push(socket.url()));
  await page.goto(url);
  return { page, contacted };
}

/** The places a page contacted that are not its node: other hosts, whatever the scheme. */
function foreignContacts(contacted: readonly string[], nodeUrl: string): string[] {
  const node = new URL(nodeUrl).host;
  return contacted.filter((address) => {
    const url = new URL(address);
    if (url.protocol === 'data:' || url.protocol === 'blob:') return false;
    return url.host !== node;
  });
}

/** Opens the Map panel from the header and waits for the base map and the record. */
async function openMap(page: Page) {
  await page.getByTestId('map-open').click();
  const panel = page.getByTestId('map-panel');
  await panel.waitFor({ timeout: 10_000 });
  await page.locator('[data-testid="map"]:not([data-detail="none"])').waitFor({ timeout: 20_000 });
  return panel;
}

/** The map's centre and zoom, from its `data-view`. */
async function viewOf(page: Page): Promise<{ lat: number; lon: number; zoom: number }> {
  const [lat = 0, lon = 0, zoom = 0] = ((await page.getByTestId('map').getAttribute('data-view')) ?? '')
    .split(',')
    .map(Number);
  return { lat, lon, zoom };
}

/** How many segments of the land and borders jump across the map while on screen. */
async function streaksOn(page: Page): Promise<number> {
  const map = page.getByTestId('map');
  const size = {
    width: Number(await map.getAttribute('width')),
    height: Number(await map.getAttribute('height')),
  };
  const land = (await page.getByTestId('map-land').getAttribute('d')) ?? '';
  const borders = (await page.getByTestId('map-borders').getAttribute('d')) ?? '';
  assert.ok(land.length > 100, 'land is drawn');
  return sidewaysJumps(land, size) + sidewaysJumps(borders, size);
}

/** The two ends of an encounter's closest-approach line on screen: [x1, y1, x2, y2]. */
async function lineEnds(page: Page, id: string): Promise<number[] | null> {
  const d = await page.locator(`[data-testid="map-cpa-line"][data-id="${id}"]`).getAttribute('d');
  const match = /^M([\d.-]+),([\d.-]+)L([\d.-]+),([\d.-]+)/.exec(d ?? '');
  return match ? match.slice(1).map(Number) : null;
}

describe('the offline map in the consoles of two real nodes', { timeout: 120_000 }, () => {
  const suite = browserSuite();

  it('[ENC4] [ENC3] both consoles map the encounters, the notified area and the closest approach from the shipped base map alone; the time slider hides what came later', async () => {
    const { cluster, browser } = suite;
    const alphaUrl = cluster.node('alpha').url;
    const bravoUrl = cluster.node('bravo').url;
    const alphaApi = await ApiClient.login(alphaUrl, 'officer');
    const bravoApi = await ApiClient.login(bravoUrl, 'officer');
    await waitLinkUp(alphaApi);

    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const { notice } = await alphaApi.post<{ notice: { id: string } }>('/api/v1/notices', {
      kind: 'exercise',
      title: NOTICE_TITLE,
      area: {
        type: 'polygon',
        points: [
          { lat: 24.0, lon: 122.0 },
          { lat: 25.2, lon: 122.0 },
          { lat: 25.2, lon: 123.5 },
          { lat: 24.0, lon: 123.5 },
        ],
      },
      from: iso(now - 180 * MINUTE),
      until: iso(now + 24 * 60 * MINUTE),
      contact: 'Alpha duty desk, VHF channel 16',
    });
    const { encounter: inside } = await alphaApi.post<{ encounter: { id: string; ref: string } }>(
      '/api/v1/encounters',
      {
        domain: 'sea',
        occurredAt: iso(now - 30 * MINUTE),
        position: { lat: 24.5, lon: 122.6 },
        severity: 'high',
        ownPlatforms: [
          {
            kind: 'destroyer',
            name: 'ALPHA DD-101',
            position: { lat: 24.49, lon: 122.55 },
            courseDeg: 90,
            speedKn: 18,
          },
        ],
        otherPlatforms: [
          {
            kind: 'frigate',
            name: 'BRAVO FF-7',
            position: { lat: 24.53, lon: 122.68 },
            courseDeg: 225,
            speedKn: 16,
          },
        ],
        behaviours: ['unsafe-approach', 'crossing-ahead'],
        communications: [],
        narrative: 'The frigate crossed ahead at close range.',
      },
    );
    const { encounter: outside } = await alphaApi.post<{ encounter: { id: string; ref: string } }>(
      '/api/v1/encounters',
      {
        domain: 'air',
        occurredAt: iso(now - 20 * MINUTE),
        position: { lat: 62.0, lon: 179.6 },
        severity: 'medium',
        ownPlatforms: [{ kind: 'maritime-patrol', name: 'ALPHA MPA-5' }],
        otherPlatforms: [{ kind: 'fighter', name: 'BRAVO F-15' }],
        closestApproach: { distanceM: 150, at: iso(now - 20 * MINUTE) },
        behaviours: ['unsafe-intercept'],
        communications: [],
        narrative: 'Intercepted over the Bering Sea.',
      },
    );

    // Bravo's node holds both, and finds the first inside the notified area by itself.
    await eventually('bravo to hold both encounters and the notice', async () => {
      const { encounters } = await bravoApi.get<{
        encounters: { id: string; inNotifiedAreas: string[] }[];
      }>('/api/v1/encounters');
      const { notices } = await bravoApi.get<{ notices: { id: string }[] }>('/api/v1/notices');
      const held = encounters.find((e) => e.id === inside.id);
      return held?.inNotifiedAreas.includes(notice.id) &&
        encounters.some((e) => e.id === outside.id) &&
        notices.some((n) => n.id === notice.id)
        ? true
        : undefined;
    });

    const alpha = await openWatchedConsole(browser, alphaUrl, 'Europe/Paris');
    const bravo = await openWatchedConsole(browser, bravoUrl, 'Asia/Tokyo');
    await Promise.all([signIn(alpha.page, 'officer'), signIn(bravo.page, 'officer')]);
    await Promise.all([waitPeerUp(alpha.page), waitPeerUp(bravo.page)]);

    for (const [side, { page }] of [
      ['alpha', alpha],
      ['bravo', bravo],
    ] as const) {
      await openMap(page);
      const markers = page.getByTestId('map-marker');
      await page.locator(`[data-testid="map-marker"][data-id="${outside.id}"]`).waitFor({ timeout: 20_000 });
      assert.equal(await markers.count(), 2, `${side}: both encounters are marked`);
      const insideMark = page.locator(`[data-testid="map-marker"][data-id="${inside.id}"]`);
      assert.equal(await insideMark.getAttribute('data-state'), 'submitted');
      const area = page.locator(`[data-testid="map-area"][data-id="${notice.id}"]`);
      assert.equal(
        await area.getAttribute('data-in-force'),
        'true',
        `${side}: the notified area is in force`,
      );
      const cpa = page.locator(`[data-testid="map-cpa-line"][data-id="${inside.id}"]`);
      assert.match(
        (await cpa.getAttribute('d')) ?? '',
        /^M[\d.-]+,[\d.-]+L[\d.-]+,[\d.-]+/,
        'a line is drawn',
      );
      assert.equal(
        await page.locator(`[data-testid="map-cpa-line"][data-id="${outside.id}"]`).count(),
        0,
        'a reported closest approach without positions draws no line',
      );
      // The text alternative lists what the map shows.
      const list = page.getByTestId('map-list-encounter');
      assert.equal(await list.count(), 2);
      assert.match((await page.getByTestId('map-list-area').textContent()) ?? '', /Exercise JADE SEA/);
    }

    // Alpha selects the encounter by keyboard alone (CON3): Tab to its mark, Enter.
    const alphaMark = alpha.page.locator(`[data-testid="map-marker"][data-id="${inside.id}"]`);
    await alphaMark.focus();
    await alpha.page.keyboard.press('Enter');
    // Bravo clicks the mark itself.
    await bravo.page.locator(`[data-testid="map-marker"][data-id="${inside.id}"] path`).last().click();
    for (const [side, { page }] of [
      ['alpha', alpha],
      ['bravo', bravo],
    ] as const) {
      const selected = page.locator(`[data-testid="map-selected"][data-id="${inside.id}"]`);
      await selected.waitFor({ timeout: 10_000 });
      const text = (await selected.textContent()) ?? '';
      assert.match(text, new RegExp(`Encounter ${inside.ref}`), side);
      assert.match(text, /Inside notified area: Exercise JADE SEA/, `${side}: it was inside the area`);
      assert.match(text, /Submitted/, `${side}: the state in words`);
      assert.match(
        (await page.getByTestId('map-selected-approach').textContent()) ?? '',
        /[\d.]+ NM \([\d,]+ m\) at .*UTC.*\(computed from the tracks\)/,
        `${side}: the closest approach`,
      );
      const mark = page.locator(`[data-testid="map-marker"][data-id="${inside.id}"]`);
      assert.equal(await mark.getAttribute('data-severity'), 'high');
      assert.equal(await mark.getAttribute('data-selected'), 'true');
      assert.equal(await streaksOn(page), 0, `${side}: no streak in the first view`);
    }
    await alpha.page.screenshot({ path: join(ARTIFACTS, 'map-alpha.png') });
    await bravo.page.screenshot({ path: join(ARTIFACTS, 'map-bravo.png') });

    // The Bering Sea encounter, picked from the list, centres the map by the 180° meridian.
    await alpha.page.locator(`[data-testid="map-list-encounter"][data-id="${outside.id}"]`).click();
    await eventually('the map to centre by 180°', async () =>
      Math.abs(Math.abs((await viewOf(alpha.page)).lon) - 179.6) < 0.01 ? true : undefined,
    );
    const selectedOutside = alpha.page.locator(`[data-testid="map-selected"][data-id="${outside.id}"]`);
    assert.match((await selectedOutside.textContent()) ?? '', /Not inside any notified area/);
    assert.match((await selectedOutside.textContent()) ?? '', /150 m.*as reported/);
    // Out to Chukotka and Alaska, each side of the date line, with the keyboard's − on the map.
    const centred = await viewOf(alpha.page);
    assert.ok(centred.zoom >= 6, 'zoomed in on the encounter');
    await alpha.page.getByTestId('map').focus();
    for (let i = 0; i < 3; i++) await alpha.page.keyboard.press('-');
    const zoomedOut = Math.max(1, centred.zoom / 8);
    await eventually('the view to zoom out', async () =>
      Math.abs((await viewOf(alpha.page)).zoom - zoomedOut) < 0.01 ? true : undefined,
    );
    assert.ok(Math.abs((await viewOf(alpha.page)).lon) > 175, 'still centred by 180°');
    assert.equal(await streaksOn(alpha.page), 0, 'nothing streaks across the map at 180°');
    await alpha.page.screenshot({ path: join(ARTIFACTS, 'map-180-meridian.png') });
    await alpha.page.getByTestId('map-zoom-in').click();
    await alpha.page.getByTestId('map-zoom-in').click();
    assert.equal(await streaksOn(alpha.page), 0, 'nor at the finer level of detail');
    await alpha.page.screenshot({ path: join(ARTIFACTS, 'map-180-meridian-fine.png') });

    // Zoomed in on the encounter inside the area, its closest approach is drawn to scale.
    await alpha.page.locator(`[data-testid="map-list-encounter"][data-id="${inside.id}"]`).click();
    await alpha.page.getByTestId('map').focus();
    for (let i = 0; i < 8; i++) await alpha.page.keyboard.press('+');
    await eventually('the view to zoom in on the closest approach', async () =>
      (await viewOf(alpha.page)).zoom >= 1000 ? true : undefined,
    );
    const close = await viewOf(alpha.page);
    const line = (await lineEnds(alpha.page, inside.id)) ?? [];
    const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = line;
    const width = Number(await alpha.page.getByTestId('map').getAttribute('width'));
    const metresPerPixel =
      (6_371_008.8 * Math.cos((close.lat * Math.PI) / 180) * 2 * Math.PI) / (width * close.zoom);
    const { encounter: held } = await alphaApi.get<{ encounter: { approach: { distanceM: number } } }>(
      `/api/v1/encounters/${inside.id}`,
    );
    const drawnM = Math.hypot(x2 - x1, y2 - y1) * metresPerPixel;
    assert.ok(
      Math.abs(drawnM - held.approach.distanceM) < 0.05 * held.approach.distanceM,
      `the line is ${drawnM} m long on the map, the approach ${held.approach.distanceM} m`,
    );
    await alpha.page.screenshot({ path: join(ARTIFACTS, 'map-closest-approach.png') });

    // The slider moved to before the encounters (the notice already in force) hides their marks.
    const slider = bravo.page.getByTestId('map-time');
    const min = Number(await slider.getAttribute('min'));
    const step = Number(await slider.getAttribute('step'));
    const beforeEncounters = now - 60 * MINUTE;
    const chosen = min + Math.floor((beforeEncounters - min) / step) * step;
    assert.ok(
      chosen >= now - 180 * MINUTE && chosen < now - 30 * MINUTE,
      'between the notice and the encounters',
    );
    await slider.fill(String(chosen));
    await eventually('the marks to go', async () =>
      (await bravo.page.getByTestId('map-marker').count()) === 0 ? true : undefined,
    );
    assert.equal(await bravo.page.getByTestId('map-area').count(), 1, 'the notice is in force then');
    assert.match((await bravo.page.getByTestId('map-time-value').textContent()) ?? '', /^As at .*UTC/);
    assert.match(
      (await bravo.page.getByTestId('map-list-encounter').count()).toString(),
      /^0$/,
      'the list says what the map shows',
    );
    await bravo.page.screenshot({ path: join(ARTIFACTS, 'map-bravo-before.png') });
    await slider.focus();
    await bravo.page.keyboard.press('Home');
    await bravo.page.getByTestId('map-time-now').click();
    await eventually('the marks to come back', async () =>
      (await bravo.page.getByTestId('map-marker').count()) === 2 ? true : undefined,
    );

    // In Japanese (CON4): alpha's officer switches language and opens the map again.
    await alpha.page.keyboard.press('Escape');
    await alpha.page.getByTestId('map-panel').waitFor({ state: 'hidden' });
    await alpha.page.getByTestId('language').selectOption('ja');
    await alpha.page.getByTestId('map-open').filter({ hasText: 'マップ' }).waitFor({ timeout: 10_000 });
    await openMap(alpha.page);
    await alpha.page.locator(`[data-testid="map-list-encounter"][data-id="${inside.id}"]`).click();
    assert.match(
      (await alpha.page.getByTestId('map-selected-areas').textContent()) ?? '',
      /通報区域の中：Exercise JADE SEA/,
    );
    await alpha.page.screenshot({ path: join(ARTIFACTS, 'map-alpha-ja.png') });

    // Offline: every request and socket went to the page's own node, the base map included.
    for (const [side, { contacted }, url] of [
      ['alpha', alpha, alphaUrl],
      ['bravo', bravo, bravoUrl],
    ] as const) {
      assert.deepEqual(foreignContacts(contacted, url), [], `${side} contacted only its node`);
      assert.ok(
        contacted.some((address) => /countries-110m/.test(address)),
        `${side} loaded the base map from its node`,
      );
    }
  });
});
