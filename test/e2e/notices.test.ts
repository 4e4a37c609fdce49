/**
 * Activity notices in the consoles of two real nodes (ENC3): the officer at alpha opens the
 * Notices panel and its form, is told field by field what is missing, sees a refusal of the node
 * shown beside its fields, types a polygon in degrees and minutes (read back as typed) and issues
 * the notice. Bravo's officer opens Notices, sees it in force with its window in UTC and Tokyo
 * time, and acknowledges it; alpha's open panel turns it acknowledged without a reload. Bravo's
 * map draws the area while it is in force; alpha withdraws it, and bravo sees it withdrawn (and
 * no longer on the map), in Japanese at the end. Screenshots go to test-artifacts/e2e/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { ARTIFACTS, browserSuite, openConsole, signIn, waitPeerUp } from '../support/browser.ts';

const TITLE = 'Gunnery exercise BLUE SHARK';
const CONTACT = 'Alpha duty desk, VHF channel 16';
const POINTS = ['24 00.0N 122 00.0E', '25 12.0N 122 00.0E', '25 12.0N 123 30.0E', '24 00.0N 123 30.0E'];
const HOUR = 3_600_000;

/** Chooses a language in the header and waits until the node has saved it (PATCH /me). */
async function chooseLanguage(page: Page, url: string, language: string): Promise<void> {
  const saved = page.waitForResponse(
    (response) => response.url() === `${url}/api/v1/me` && response.request().method() === 'PATCH',
  );
  await page.getByTestId('language').selectOption(language);
  assert.equal((await saved).status(), 200);
}

/** Waits until the element of a test id inside `within` has the keyboard focus. */
async function waitFocused(within: Locator, testId: string): Promise<void> {
  await within.locator(`[data-testid="${testId}"]:focus`).waitFor({ timeout: 5_000 });
}

/** Opens the Notices panel from the encounter strip and waits for the list. */
async function openNotices(page: Page) {
  await page.getByTestId('notices-open').click();
  const panel = page.getByTestId('notices-panel');
  await panel.locator('.notice-dialog__list').waitFor({ timeout: 10_000 });
  return panel;
}

/** Opens the Map from the header and waits for the base map. */
async function openMap(page: Page) {
  await page.getByTestId('map-open').click();
  await page.getByTestId('map-panel').waitFor({ timeout: 10_000 });
  await page.locator('[data-testid="map"]:not([data-detail="none"])').waitFor({ timeout: 20_000 });
}

/** Closes whichever panel is open, as the keyboard does. */
async function closePanel(page: Page, testId: string) {
  await page.keyboard.press('Escape');
  await page.getByTestId(testId).waitFor({ state: 'hidden', timeout: 5_000 });
}

describe('activity notices in the consoles of two real nodes', { timeout: 150_000 }, () => {
  const suite = browserSuite();

  it('[ENC3] alpha issues a polygon notice through the form; bravo sees it in force, acknowledges it and maps it; alpha withdraws it and bravo sees it withdrawn', async () => {
    const { cluster, browser } = suite;
    const alphaUrl = cluster.node('alpha').url;
    const bravoUrl = cluster.node('bravo').url;
    const [alpha, bravo] = await Promise.all([
      openConsole(browser, alphaUrl, 'Europe/Paris'),
      openConsole(browser, bravoUrl, 'Asia/Tokyo'),
    ]);
    await Promise.all([signIn(alpha, 'officer'), signIn(bravo, 'officer')]);
    await Promise.all([waitPeerUp(alpha), waitPeerUp(bravo)]);

    // Alpha: no notice yet; the form opens on now to now + 4 h, typed in UTC and said so.
    const alphaPanel = await openNotices(alpha);
    await alphaPanel.getByTestId('notices-empty').waitFor({ timeout: 10_000 });
    await alphaPanel.getByTestId('notice-new').click();
    const form = alpha.getByTestId('notice-form');
    await form.waitFor({ timeout: 5_000 });
    await waitFocused(form, 'notice-kind'); // the form opens on its first field
    const from = await form.getByTestId('notice-from').inputValue();
    const until = await form.getByTestId('notice-until').inputValue();
    assert.match(from, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    assert.equal(Date.parse(`${until}Z`) - Date.parse(`${from}Z`), 4 * HOUR, 'four hours by default');
    assert.ok(Math.abs(Date.parse(`${from}Z`) - Date.now()) < 2 * 60_000, 'from now, in UTC');
    const formText = (await form.textContent()) ?? '';
    assert.match(formText, /Starts \(UTC\)/);
    assert.match(formText, /Ends \(UTC\)/);
    assert.match(
      (await form.getByTestId('notice-from-read').textContent()) ?? '',
      /That is \d\d:\d\d:00 UTC · .*(CET|CEST|GMT\+1)/,
    );

    // Submitting it empty names each field to fill.
    await form.getByTestId('notice-submit').click();
    for (const field of ['kind', 'title', 'area.points', 'contact']) {
      await form.locator(`[data-testid="field-error"][data-field="${field}"]`).waitFor({ timeout: 5_000 });
    }
    assert.equal(await form.locator('[data-testid="field-error"]').count(), 4);
    assert.match(
      (await form.locator('[data-testid="field-error"][data-field="area.points"]').textContent()) ?? '',
      /Give at least 3 points, one position a line/,
    );
    await alpha.screenshot({ path: join(ARTIFACTS, 'notice-form-errors.png') });

    // Filled in as an officer would: the points in degrees and minutes, read back as typed.
    await form.getByTestId('notice-kind').selectOption('live-firing');
    await form.getByTestId('notice-title').fill(TITLE);
    assert.equal(await form.getByTestId('notice-area-type').inputValue(), 'polygon');
    await form.getByTestId('notice-points').fill(POINTS.join('\n'));
    assert.equal(
      (await form.getByTestId('notice-points-read').textContent())?.trim(),
      'Reads as 4 points: 24°00.00′N 122°00.00′E · 25°12.00′N 122°00.00′E · 25°12.00′N 123°30.00′E · 24°00.00′N 123°30.00′E',
    );
    await form.getByTestId('notice-alt-max').fill('15000');
    await form.getByTestId('notice-contact').fill(CONTACT);
    await form.getByTestId('notice-description').fill('Live firing by two frigates; keep clear.');
    assert.equal(await form.locator('[data-testid="field-error"]').count(), 0, 'every problem fixed');
    await alpha.screenshot({ path: join(ARTIFACTS, 'notice-form-filled.png') });

    // A refusal of the node shows beside the fields it names. The node takes what the form
    // checked, so this one answer is made at the network edge.
    await alpha.route(
      `${alphaUrl}/api/v1/notices`,
      (route) =>
        route.fulfill({
          status: 400,
          contentType: 'application/json',
          body: JSON.stringify({
            error: 'invalid-input',
            message: 'the notice has problems',
            fields: [
              { path: 'area.points.2.lat', message: 'a latitude is between −90 and 90' },
              { path: 'contact', message: 'at most 200 characters' },
            ],
          }),
        }),
      { times: 1 },
    );
    await form.getByTestId('notice-submit').click();
    assert.match(
      (await form
        .locator('[data-testid="field-error"][data-field="area.points.2.lat"]')
        .textContent({ timeout: 5_000 })) ?? '',
      /^Point 3: Not a position that can be read/,
    );
    await form.locator('[data-testid="field-error"][data-field="contact"]').waitFor({ timeout: 5_000 });
    await alpha.unrouteAll();

    // Issued for real: the panel lists it, in force, awaiting bravo.
    await form.getByTestId('notice-submit').click();
    assert.match(
      (await alphaPanel.getByTestId('notice-issued').textContent({ timeout: 15_000 })) ?? '',
      new RegExp(`Notice issued: ${TITLE}`),
    );
    await waitFocused(alphaPanel, 'notice-issued'); // the keyboard goes on from the outcome
    const alphaRow = alphaPanel.locator('[data-testid="notice-row"]', { hasText: TITLE });
    await alphaRow.waitFor({ timeout: 10_000 });
    const id = (await alphaRow.getAttribute('data-id')) ?? '';
    assert.ok(id, 'the row names the notice');
    assert.equal(await alphaRow.getAttribute('data-state'), 'in-force');
    assert.match((await alphaRow.getByTestId('notice-state').textContent()) ?? '', /In force now/);
    await alphaRow
      .locator('[data-testid="notice-ack-state"][data-tone="awaiting"]', {
        // Bravo's console shows the item on its hotline, so it may be seen there by now.
        hasText:
          /(Awaiting the peer’s acknowledgement|Seen by the peer, not acknowledged yet) · deadline .*UTC.* \(\d+ h \d+ min left\)/,
      })
      .waitFor({ timeout: 15_000 });
    assert.equal(await alphaRow.getByTestId('notice-ack').count(), 0, 'alpha does not acknowledge its own');
    assert.equal(await alphaRow.getByTestId('notice-withdraw').count(), 1);
    await alpha.screenshot({ path: join(ARTIFACTS, 'notices-alpha-issued.png') });

    // Bravo: the peer's notice, in force, with its window in UTC and Tokyo time.
    const bravoPanel = await openNotices(bravo);
    const bravoRow = bravoPanel.locator(`[data-testid="notice-row"][data-id="${id}"]`);
    await bravoRow.waitFor({ timeout: 30_000 });
    assert.equal(await bravoRow.getAttribute('data-state'), 'in-force');
    assert.equal(await bravoRow.getAttribute('data-side'), 'peer');
    const shown = (await bravoRow.textContent()) ?? '';
    for (const expected of [
      TITLE,
      'Live firing',
      'In force now',
      'Surface to 15,000 ft',
      CONTACT,
      'Polygon of 4 points: 24°00.00′N 122°00.00′E',
      'Live firing by two frigates; keep clear.',
    ]) {
      assert.ok(shown.includes(expected), `${expected} in bravo's row`);
    }
    assert.match(
      (await bravoRow.getByTestId('notice-window').textContent()) ?? '',
      /UTC · .*(GMT\+9|JST).* to .*UTC · .*(GMT\+9|JST)/,
    );
    assert.match(
      (await bravoRow.getByTestId('notice-ack-state').textContent()) ?? '',
      /To acknowledge by this desk · deadline .*UTC/,
    );
    assert.equal(await bravoRow.getByTestId('notice-withdraw').count(), 0, 'bravo does not withdraw it');
    await bravo.screenshot({ path: join(ARTIFACTS, 'notices-bravo-in-force.png') });

    // Bravo acknowledges it.
    await bravoRow.getByTestId('notice-ack').click();
    await bravoRow
      .locator('[data-testid="notice-ack-state"][data-tone="acknowledged"]', {
        hasText: /Acknowledged by officer@bravo at .*UTC/,
      })
      .waitFor({ timeout: 15_000 });
    assert.equal(await bravoRow.getByTestId('notice-ack').count(), 0);

    // Alpha's open panel says so without a reload.
    await alphaRow
      .locator('[data-testid="notice-ack-state"][data-tone="acknowledged"]', {
        hasText: /Acknowledged by officer@bravo/,
      })
      .waitFor({ timeout: 30_000 });
    await alpha.screenshot({ path: join(ARTIFACTS, 'notices-alpha-acknowledged.png') });

    // Bravo's map draws the area while it is in force.
    await closePanel(bravo, 'notices-panel');
    await openMap(bravo);
    const area = bravo.locator(`[data-testid="map-area"][data-id="${id}"]`);
    await area.waitFor({ timeout: 20_000 });
    assert.equal(await area.getAttribute('data-in-force'), 'true');
    await bravo.screenshot({ path: join(ARTIFACTS, 'notices-bravo-map.png') });
    await closePanel(bravo, 'map-panel');

    // Alpha withdraws it by keyboard alone (CON3), answering the question asked before it is
    // done: the focus moves from Withdraw to the answer.
    await alphaRow.getByTestId('notice-withdraw').focus();
    await alpha.keyboard.press('Enter');
    await alphaRow.getByTestId('notice-withdraw-confirm').waitFor({ timeout: 5_000 });
    await waitFocused(alphaRow, 'notice-withdraw-confirm');
    await alpha.keyboard.press('Enter');
    await alphaPanel
      .locator(`[data-testid="notice-row"][data-id="${id}"][data-state="withdrawn"]`)
      .waitFor({ timeout: 15_000 });
    const withdrawnRow = alphaPanel.locator(`[data-testid="notice-row"][data-id="${id}"]`);
    assert.match((await withdrawnRow.getByTestId('notice-withdrawn-at').textContent()) ?? '', /Withdrawn at/);
    assert.equal(await withdrawnRow.getByTestId('notice-withdraw').count(), 0);

    // Bravo sees it withdrawn, and the map no longer draws it.
    await openNotices(bravo);
    await bravo
      .locator(`[data-testid="notice-row"][data-id="${id}"][data-state="withdrawn"]`)
      .waitFor({ timeout: 30_000 });
    assert.match(
      (await bravo.locator(`[data-testid="notice-section"][data-state="withdrawn"]`).textContent()) ?? '',
      /Withdrawn \(1\)/,
    );
    await bravo.screenshot({ path: join(ARTIFACTS, 'notices-bravo-withdrawn.png') });
    await closePanel(bravo, 'notices-panel');
    await openMap(bravo);
    // Once the record is read (no encounter in it), the map has no area to draw: at the latest
    // when the map's clock, which ticks each second, passes the moment of the withdrawal.
    const mapPanel = bravo.getByTestId('map-panel');
    await mapPanel.getByText('No encounter up to the time shown.').waitFor({ timeout: 10_000 });
    await area.waitFor({ state: 'detached', timeout: 5_000 });
    assert.equal(await mapPanel.getByTestId('map-list-area').count(), 0);
    await closePanel(bravo, 'map-panel');

    // In Japanese (CON4).
    await chooseLanguage(bravo, bravoUrl, 'ja');
    await bravo.getByTestId('notices-open').filter({ hasText: '活動の通報' }).waitFor({ timeout: 10_000 });
    const jaPanel = await openNotices(bravo);
    const jaRow = jaPanel.locator(`[data-testid="notice-row"][data-id="${id}"]`);
    await jaRow.waitFor({ timeout: 10_000 });
    const jaText = (await jaRow.textContent()) ?? '';
    for (const expected of ['撤回されました', '実弾の射撃', '海面から 15,000 フィートまで', '確認しました']) {
      assert.ok(jaText.includes(expected), `${expected} in the Japanese row`);
    }
    await bravo.screenshot({ path: join(ARTIFACTS, 'notices-bravo-ja.png') });
  });
});
