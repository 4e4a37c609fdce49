/**
 * Encounter reports in the consoles of two real nodes (ENC1, ENC2): the officer at alpha opens
 * the form, is told field by field what is missing, fills it in (the position typed in degrees
 * and minutes, read back as typed; a photo attached as a blob) and submits. Bravo's officer sees
 * the report on the encounter board without a reload, opens it, acknowledges it, opens its thread
 * and replies there with the usual composer. Alpha's board shows it acknowledged and alpha's
 * thread shows the reply. Bravo's officer then reads the board and the report in Japanese.
 * Screenshots go to test-artifacts/e2e/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ARTIFACTS, browserSuite, openConsole, signIn, waitPeerUp } from '../support/browser.ts';

const NARRATIVE = 'The frigate crossed our bow from the north-east at about 600 yards and did not answer.';
const REPLY = 'Our frigate reports 900 yards. We propose to compare the tracks at 10:00 UTC.';

/** A 1×1 PNG, as a photo taken on scene would be uploaded. */
const PHOTO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** `2026-11-27 02:40`: a moment as the form takes it, in UTC. */
function utcInput(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** Chooses a language in the header and waits until the node has saved it (PATCH /me). */
async function chooseLanguage(page: Page, url: string, language: string): Promise<void> {
  const saved = page.waitForResponse(
    (response) => response.url() === `${url}/api/v1/me` && response.request().method() === 'PATCH',
  );
  await page.getByTestId('language').selectOption(language);
  assert.equal((await saved).status(), 200);
}

/** Fills in the report as an officer would, from the top of the form down. */
async function fillReport(page: Page): Promise<void> {
  const form = page.getByTestId('encounter-form');
  await form.getByTestId('encounter-domain').selectOption('sea');
  await form.getByTestId('encounter-occurred-at').fill(utcInput(Date.now() - 20 * 60_000));
  await form.getByTestId('encounter-position').fill('24 30.5N 122 15.2E');
  const parsed = form.getByTestId('encounter-position-parsed');
  assert.equal(await parsed.getAttribute('data-ok'), 'true');
  assert.equal((await parsed.textContent())?.trim(), 'Reads as 24°30.50′N 122°15.20′E');
  await form.getByTestId('encounter-severity').selectOption('high');
  await form.getByTestId('encounter-own-kind-0').selectOption('destroyer');
  await form.getByTestId('encounter-own-name-0').fill('Aubert');
  await form.getByTestId('encounter-own-mark-0').fill('D 651');
  await form.getByTestId('encounter-other-kind-0').selectOption('frigate');
  await form.getByTestId('encounter-other-name-0').fill('Yulin');
  await form.getByTestId('encounter-other-mark-0').fill('572');
  await form.getByTestId('encounter-approach-distance').fill('0.3');
  await form.getByTestId('encounter-behaviour-crossing-ahead').check();
  await form.getByTestId('encounter-behaviour-no-response').check();
  await form.getByTestId('encounter-comm-add').click();
  await form.getByTestId('encounter-comm-kind-0').selectOption('radio');
  await form
    .getByTestId('encounter-comm-text-0')
    .fill('Warship 572, this is Aubert on channel 16, alter course');
  await form.getByTestId('encounter-comm-answered-0').selectOption('no');
  await form.getByTestId('encounter-narrative').fill(NARRATIVE);
  await form.getByTestId('encounter-attachment').setInputFiles({
    name: 'bridge-wing.png',
    mimeType: 'image/png',
    buffer: PHOTO,
  });
  await form.getByTestId('encounter-attachment-item').waitFor({ timeout: 10_000 });
}

describe('encounter reports in the consoles of two real nodes', { timeout: 150_000 }, () => {
  const suite = browserSuite();

  it('[ENC1] [ENC2] [ENC4] [ENC5] alpha files a report through the form; bravo sees it on the board and the map, acknowledges it, replies in its thread and gets its dossier; alpha sees both', async () => {
    const { cluster, browser } = suite;
    const bravoUrl = cluster.node('bravo').url;
    const [alpha, bravo] = await Promise.all([
      openConsole(browser, cluster.node('alpha').url, 'Europe/Paris'),
      openConsole(browser, bravoUrl, 'Asia/Tokyo'),
    ]);
    await Promise.all([signIn(alpha, 'officer'), signIn(bravo, 'officer')]);
    await Promise.all([waitPeerUp(alpha), waitPeerUp(bravo)]);

    // Alpha: the form opens with the time now in UTC; submitting it empty names each field.
    await alpha.getByTestId('encounter-new').click();
    const form = alpha.getByTestId('encounter-form');
    await form.getByTestId('encounter-submit').waitFor({ timeout: 10_000 });
    assert.match(
      await form.getByTestId('encounter-occurred-at').inputValue(),
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/,
    );
    assert.match(
      (await form.getByTestId('encounter-occurred-at-preview').textContent()) ?? '',
      /UTC · .*(CET|CEST|GMT\+1)/,
    );
    await form.getByTestId('encounter-submit').click();
    for (const field of ['position', 'ownPlatforms.0.kind', 'ownPlatforms.0.name', 'otherPlatforms.0.kind']) {
      await form.locator(`[data-testid="field-error"][data-field="${field}"]`).waitFor({ timeout: 5_000 });
    }
    assert.match(
      (await form.locator('[data-testid="field-error"][data-field="ownPlatforms.0.name"]').textContent()) ??
        '',
      /Give a name, or write “unknown”/,
    );
    // The problems follow the typing: a longitude past 180° is said as such.
    await form.getByTestId('encounter-position').fill('24 30.5N 200E');
    await form
      .locator('[data-testid="field-error"][data-field="position"]', {
        hasText: 'Longitude 200 is beyond 180°',
      })
      .waitFor({ timeout: 5_000 });
    await alpha.screenshot({ path: join(ARTIFACTS, 'encounter-form-errors.png') });

    await fillReport(alpha);
    assert.equal(await form.locator('[data-testid="field-error"]').count(), 0, 'every problem fixed');
    await alpha.screenshot({ path: join(ARTIFACTS, 'encounter-form-filled.png') });
    // Kept first as a draft on alpha alone, then submitted from that draft.
    await form.getByTestId('encounter-save-draft').click();
    assert.match(
      (await form.getByTestId('encounter-draft-kept').textContent({ timeout: 10_000 })) ?? '',
      /Draft kept on this node at \d\d:\d\d:\d\d UTC · .*; it has not been sent/,
    );
    await form.getByTestId('encounter-submit').click();

    // The board opens on the report just sent.
    const alphaDetail = alpha.getByTestId('encounter-detail');
    await alphaDetail.waitFor({ timeout: 15_000 });
    assert.equal(await alphaDetail.getAttribute('data-state'), 'submitted');
    const id = (await alphaDetail.getAttribute('data-id')) ?? '';
    const title = (await alphaDetail.locator('.encounter-detail__title').textContent()) ?? '';
    const ref = /ALPHA-\d{8}-[0-9A-F]{4}/.exec(title)?.[0] ?? '';
    assert.ok(ref, title);
    assert.equal(
      (await alphaDetail.getByTestId('encounter-detail-position').textContent())?.trim(),
      '24°30.50′N 122°15.20′E',
    );
    assert.match(
      (await alphaDetail.getByTestId('encounter-ack').textContent()) ?? '',
      /Awaiting the peer’s acknowledgement · \d+ min left/,
    );
    assert.equal(
      await alphaDetail.getByTestId('encounter-acknowledge').count(),
      0,
      'alpha does not acknowledge its own report',
    );
    await alpha.screenshot({ path: join(ARTIFACTS, 'encounter-detail-alpha.png') });

    // Bravo: the strip counts the report to acknowledge, without a reload; the board lists it.
    await bravo.getByTestId('encounters-to-acknowledge').waitFor({ timeout: 30_000 });
    await bravo.getByTestId('encounters-open').click();
    const board = bravo.getByTestId('encounter-board');
    const row = board.locator(`[data-testid="encounter-row"][data-id="${id}"]`);
    await row.waitFor({ timeout: 10_000 });
    assert.equal(await row.getAttribute('data-state'), 'submitted');
    const rowText = (await row.textContent()) ?? '';
    assert.match(rowText, new RegExp(ref));
    assert.match(rowText, /Severity: High/);
    assert.match(rowText, /To acknowledge by this desk · \d+ min left/);
    // The search finds it by the other side's hull number, and a filter hides it.
    await board.getByTestId('encounter-search').fill('572');
    await row.waitFor({ timeout: 5_000 });
    await board.getByTestId('encounter-filter-domain').selectOption('air');
    await board.getByTestId('encounter-board-empty').waitFor({ timeout: 5_000 });
    await board.getByTestId('encounter-filter-domain').selectOption('all');
    await bravo.screenshot({ path: join(ARTIFACTS, 'encounter-board-bravo.png') });

    // Bravo opens it, reads it, acknowledges it.
    await row.click();
    const detail = bravo.getByTestId('encounter-detail');
    await detail.waitFor({ timeout: 10_000 });
    const shown = (await detail.textContent()) ?? '';
    for (const expected of [
      'Crossing ahead',
      'No response to calls',
      'Destroyer',
      'Frigate',
      'D 651',
      NARRATIVE,
      '0.3 NM (556 m)',
    ]) {
      assert.ok(shown.includes(expected), `${expected} in the detail`);
    }
    assert.equal(await detail.getByTestId('encounter-detail-attachment').count(), 1);
    await detail.getByTestId('ack-reply').fill('Received, checking with the ship');
    await detail.getByTestId('ack').click();
    await bravo
      .locator('[data-testid="encounter-detail"][data-state="acknowledged"]')
      .waitFor({ timeout: 15_000 });
    assert.match(
      (await detail.getByTestId('encounter-ack').textContent()) ?? '',
      /Acknowledged by officer@bravo/,
    );

    // The detail offers the dossier (ENC5): the PDF link works with the console's own session.
    const pdfHref = (await detail.getByTestId('encounter-dossier-pdf').getAttribute('href')) ?? '';
    const pdf = await bravo.request.get(new URL(pdfHref, bravo.url()).toString());
    assert.equal(pdf.status(), 200);
    assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');

    // Bravo opens the thread and replies with the usual composer.
    await detail.getByTestId('encounter-open-thread').click();
    await bravo.locator('#line-heading', { hasText: ref }).waitFor({ timeout: 10_000 });
    await bravo.getByTestId('compose-text').fill(REPLY);
    await bravo.getByTestId('compose-send').click();
    await bravo.getByTestId('message').filter({ hasText: REPLY }).waitFor({ timeout: 10_000 });
    await bravo.screenshot({ path: join(ARTIFACTS, 'encounter-thread-bravo.png') });

    // Bravo sees it on the map too (ENC4).
    await bravo.getByTestId('map-open').click();
    await bravo.locator(`[data-testid="map-marker"][data-id="${id}"]`).waitFor({ timeout: 20_000 });
    await bravo.screenshot({ path: join(ARTIFACTS, 'encounter-map-bravo.png') });
    await bravo.keyboard.press('Escape');

    // Alpha: its open detail turns acknowledged, its board says so, its thread shows the reply.
    await alpha
      .locator('[data-testid="encounter-detail"][data-state="acknowledged"]')
      .waitFor({ timeout: 30_000 });
    await alphaDetail.getByTestId('encounter-back').click();
    const alphaRow = alpha.locator(`[data-testid="encounter-row"][data-id="${id}"]`);
    await alphaRow.waitFor({ timeout: 10_000 });
    assert.equal(await alphaRow.getAttribute('data-state'), 'acknowledged');
    assert.match((await alphaRow.textContent()) ?? '', /Acknowledged by officer@bravo/);
    await alpha.screenshot({ path: join(ARTIFACTS, 'encounter-board-alpha.png') });
    await alphaRow.click();
    await alpha.getByTestId('encounter-open-thread').click();
    await alpha.getByTestId('message').filter({ hasText: REPLY }).waitFor({ timeout: 30_000 });
    await alpha.screenshot({ path: join(ARTIFACTS, 'encounter-thread-alpha.png') });

    // Bravo reads the board and the report in Japanese.
    await chooseLanguage(bravo, bravoUrl, 'ja');
    await bravo.getByTestId('encounters-open').click();
    const jaRow = board.locator(`[data-testid="encounter-row"][data-id="${id}"]`);
    await jaRow.waitFor({ timeout: 10_000 });
    assert.match(
      (await board.locator('[data-testid="encounter-section"][data-state="acknowledged"]').textContent()) ??
        '',
      /確認済み/,
    );
    assert.match((await jaRow.textContent()) ?? '', /重大度：高/);
    await bravo.screenshot({ path: join(ARTIFACTS, 'encounter-board-ja.png') });
    await jaRow.click();
    const jaDetail = (await detail.textContent()) ?? '';
    for (const expected of ['前方横切り', '呼びかけへの無応答', '駆逐艦', 'スレッドを開く']) {
      assert.ok(jaDetail.includes(expected), `${expected} in the Japanese detail`);
    }
    await bravo.screenshot({ path: join(ARTIFACTS, 'encounter-detail-ja.png') });
  });
});
