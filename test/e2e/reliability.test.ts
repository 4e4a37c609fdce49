/**
 * The reliability report in the consoles of two real nodes (HOT8, CON3): officers post messages
 * both ways and acknowledge them through the API; then a supervisor at alpha and one at bravo
 * open the Reliability panel for the same custom period (the UTC days of this test) and read the
 * same digest and the same message count; the Print button opens the printable page, which
 * carries that digest too. Screenshots of both panels go to `test-artifacts/e2e/`.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { LiaisonEvent } from '../../src/core/types.ts';
import type { MessageView } from '../../src/hotline/messages.ts';
import type { ReliabilityReport } from '../../src/hotline/reliabilityTypes.ts';
import { ARTIFACTS, browserSuite, openConsole, signIn, waitPeerUp } from '../support/browser.ts';
import { ApiClient, eventually, HOTLINE, waitLinkUp } from '../support/cluster.ts';

const TIMEOUT_MS = 20_000;

/** The parts of the report's JSON answer this test reads. */
type ReportAnswer = Pick<ReliabilityReport, 'digest' | 'figures'>;

/** The UTC day of an instant, as a date input takes it. */
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Posts a message and waits until the receiving side has acknowledged it and the sender knows. */
async function postAndAcknowledge(
  sender: ApiClient,
  receiver: ApiClient,
  text: string,
  precedence: string,
): Promise<LiaisonEvent> {
  const posted = await sender.post<LiaisonEvent>(`/api/v1/lines/${HOTLINE}/messages`, { text, precedence });
  await eventually(
    `"${text}" to arrive`,
    async () =>
      (await receiver.request('GET', `/api/v1/messages/${posted.id}`)).status === 200 ? true : undefined,
    TIMEOUT_MS,
  );
  await receiver.post(`/api/v1/messages/${posted.id}/ack`, {});
  await eventually(
    `the acknowledgement of "${text}" to reach its sender`,
    async () =>
      (await sender.get<MessageView>(`/api/v1/messages/${posted.id}`)).state === 'acknowledged'
        ? true
        : undefined,
    TIMEOUT_MS,
  );
  return posted;
}

/** Opens the Reliability panel from the header and picks custom UTC days. */
async function openReport(page: Page, firstDay: string, lastDay: string) {
  await page.getByTestId('reliability-open').click();
  const panel = page.getByTestId('reliability-panel');
  await panel.getByRole('heading', { name: 'Reliability report' }).waitFor({ timeout: TIMEOUT_MS });
  await panel.getByTestId('report-period-custom').check();
  await panel.getByLabel('First day').fill(firstDay);
  await panel.getByLabel('Last day').fill(lastDay);
  await panel.getByTestId('report-digest').waitFor({ timeout: TIMEOUT_MS });
  return panel;
}

/** What a supervisor reads off the panel: the digest and the messages of both directions. */
async function readReport(page: Page): Promise<{ digest: string; messages: string }> {
  const panel = page.getByTestId('reliability-panel');
  const digest = ((await panel.getByTestId('report-digest').textContent()) ?? '').trim();
  const messages = (
    (await panel
      .locator('[data-testid="report-traffic"][data-direction="both"] [data-testid="report-messages"]')
      .textContent()) ?? ''
  ).trim();
  return { digest, messages };
}

describe('the reliability report in the consoles of two real nodes', { timeout: 90_000 }, () => {
  const suite = browserSuite();

  it('[HOT8] supervisors at alpha and bravo read the same digest and count, and print the page', async () => {
    const { cluster, browser } = suite;
    const alphaOfficer = await ApiClient.login(cluster.node('alpha').url, 'officer');
    const bravoOfficer = await ApiClient.login(cluster.node('bravo').url, 'officer');
    await Promise.all([waitLinkUp(alphaOfficer, TIMEOUT_MS), waitLinkUp(bravoOfficer, TIMEOUT_MS)]);
    const startedMs = Date.now();
    await postAndAcknowledge(alphaOfficer, bravoOfficer, 'Radar contact bearing 270', 'IMMEDIATE');
    await postAndAcknowledge(alphaOfficer, bravoOfficer, 'Exercise ends at 1800Z', 'ROUTINE');
    await postAndAcknowledge(bravoOfficer, alphaOfficer, 'Understood, standing by', 'PRIORITY');
    const firstDay = utcDay(startedMs);
    const lastDay = utcDay(Date.now());

    // The figures come from the record alone, so once both nodes hold the same events their
    // reports agree. Deliveries are counted from each recipient's `heads.recorded`, which follow
    // the messages a moment later: wait through the API until both nodes count all three
    // delivered and agree, before the supervisors look.
    const query = (peer: string) =>
      `/api/v1/reports/reliability?peer=${peer}&from=${firstDay}T00:00:00.000Z&to=${encodeURIComponent(
        new Date(Date.parse(`${lastDay}T00:00:00Z`) + 86_400_000).toISOString(),
      )}`;
    const alphaSupervisorApi = await ApiClient.login(cluster.node('alpha').url, 'supervisor');
    const bravoSupervisorApi = await ApiClient.login(cluster.node('bravo').url, 'supervisor');
    const agreedDigest = await eventually(
      'both nodes to compute the same report',
      async () => {
        const [a, b] = await Promise.all([
          alphaSupervisorApi.get<ReportAnswer>(query('bravo')),
          bravoSupervisorApi.get<ReportAnswer>(query('alpha')),
        ]);
        const isDelivered = a.figures.overall.delivery.delivered === 3;
        return isDelivered && a.digest === b.digest ? a.digest : undefined;
      },
      TIMEOUT_MS,
    );

    const [alpha, bravo] = await Promise.all([
      openConsole(browser, cluster.node('alpha').url, 'Europe/Paris'),
      openConsole(browser, cluster.node('bravo').url, 'Asia/Tokyo'),
    ]);
    await Promise.all([signIn(alpha, 'supervisor'), signIn(bravo, 'supervisor')]);
    await Promise.all([waitPeerUp(alpha), waitPeerUp(bravo)]);
    await Promise.all([openReport(alpha, firstDay, lastDay), openReport(bravo, firstDay, lastDay)]);

    const [atAlpha, atBravo] = await Promise.all([readReport(alpha), readReport(bravo)]);
    assert.match(atAlpha.digest, /^[0-9a-f]{64}$/, 'a SHA-256 digest in hex');
    assert.equal(atAlpha.digest, agreedDigest, 'alpha’s console shows what the node computed');
    assert.equal(atBravo.digest, atAlpha.digest, 'the same digest on both consoles');
    assert.equal(atAlpha.messages, '3', 'three messages in both directions');
    assert.equal(atBravo.messages, atAlpha.messages, 'the same count on both consoles');
    const rangeText = `From ${firstDay}T00:00:00.000Z`;
    await alpha.getByTestId('reliability-panel').getByText(rangeText).waitFor({ timeout: TIMEOUT_MS });
    await alpha.screenshot({ path: join(ARTIFACTS, 'reliability-alpha.png') });
    await bravo.screenshot({ path: join(ARTIFACTS, 'reliability-bravo.png') });

    // Print…: the printable page opens in a new tab with the same digest.
    const print = bravo.getByTestId('report-print');
    assert.ok(await print.isVisible(), 'the Print button is on screen without scrolling');
    const [printed] = await Promise.all([
      bravo.context().waitForEvent('page', { timeout: TIMEOUT_MS }),
      print.click(),
    ]);
    await printed.waitForLoadState('load', { timeout: TIMEOUT_MS });
    const printedText = (await printed.locator('body').textContent()) ?? '';
    assert.match(printedText, /Reliability/i, 'the page is the reliability report');
    assert.ok(printedText.includes(atBravo.digest), 'the printed page carries the same digest');
    await printed.screenshot({ path: join(ARTIFACTS, 'reliability-printed.png'), fullPage: true });

    // CON3, CON4: the same panel in Chinese at bravo and Japanese at alpha; the picker stays in
    // view while the report scrolls under it. The panel keeps the period it was closed with.
    for (const [page, language, name] of [
      [bravo, 'zh', 'bravo'],
      [alpha, 'ja', 'alpha'],
    ] as const) {
      await page.keyboard.press('Escape');
      await page.getByTestId('reliability-panel').waitFor({ state: 'hidden', timeout: TIMEOUT_MS });
      await page.getByTestId('language').selectOption(language);
      await page.locator(`html[lang^="${language}"]`).waitFor({ state: 'attached', timeout: TIMEOUT_MS });
      await page.getByTestId('reliability-open').click();
      const panel = page.getByTestId('reliability-panel');
      await panel.getByTestId('report-digest').waitFor({ timeout: TIMEOUT_MS });
      assert.equal(((await panel.getByTestId('report-digest').textContent()) ?? '').trim(), atAlpha.digest);
      await page.screenshot({ path: join(ARTIFACTS, `reliability-${name}-${language}.png`) });
      await panel.locator('figure').last().scrollIntoViewIfNeeded();
      assert.ok(await panel.getByTestId('report-print').isVisible(), 'Print stays in view');
      await page.screenshot({ path: join(ARTIFACTS, `reliability-${name}-${language}-scrolled.png`) });
    }
  });
});
