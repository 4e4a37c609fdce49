/**
 * Stored script never runs (SEC3, issue 7 part 7): alpha writes markup that would run script
 * into every free-text field a peer's console shows — a message, an acknowledgement's reply, an
 * encounter's narrative and platform names, an activity notice's title, contact and details, a
 * call request's topic — and bravo's officer opens each view. A trap set before the page loads
 * records any run, and no element of the markup may exist in the page; the text must show as
 * written. The dossier page, rendered by the node, is checked the same way. A control injects
 * the markup on purpose to show the check would see it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ARTIFACTS, browserSuite, openConsole, signIn, waitPeerUp } from '../support/browser.ts';
import { ApiClient, eventually, HOTLINE } from '../support/cluster.ts';

/** Markup that sets `window.__xss` if it is ever parsed as HTML or run as script. */
const PAYLOAD = `<img src=x onerror="window.__xss='img'"><script>window.__xss='script'</script><svg onload="window.__xss='svg'">`;
const HOUR = 3_600_000;

/** Installs the trap: any payload that runs leaves its mark, and so does any dialog. */
async function armTrap(page: Page): Promise<string[]> {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.addInitScript(() => {
    (globalThis as { __xss?: string }).__xss = undefined;
  });
  return dialogs;
}

/**
 * Whether the payload took effect: its trap was set, or its markup became elements (which the
 * Content-Security-Policy would stop from running, but which must not exist at all).
 */
async function injected(page: Page): Promise<string | null> {
  const ran = await page.evaluate(() => (globalThis as { __xss?: string }).__xss);
  if (ran !== undefined) return `script ran: ${ran}`;
  const elements = await page.locator('img[src="x"], svg[onload], b:text-is("x")').count();
  return elements > 0 ? `${elements} injected elements` : null;
}

describe('stored script in the consoles of two real nodes', { timeout: 120_000 }, () => {
  const suite = browserSuite();

  it('[SEC3] markup written by a peer into messages, reports, notices and call requests shows as text and never runs', async () => {
    const { cluster, browser } = suite;
    const alphaApi = await ApiClient.login(cluster.node('alpha').url, 'officer');
    const now = Date.now();
    // A message, a report, a notice and a call request, each carrying the payload.
    await alphaApi.post(`/api/v1/lines/${HOTLINE}/messages`, {
      text: `Message ${PAYLOAD}`,
      precedence: 'ROUTINE',
    });
    const { encounter } = await alphaApi.post<{ encounter: { id: string; ref: string } }>(
      '/api/v1/encounters',
      {
        domain: 'sea',
        occurredAt: new Date(now - HOUR).toISOString(),
        position: { lat: 24.5, lon: 122.5 },
        severity: 'low',
        ownPlatforms: [{ kind: 'destroyer', name: `Own ${PAYLOAD}`.slice(0, 120) }],
        otherPlatforms: [{ kind: 'frigate', name: `Other ${PAYLOAD}`.slice(0, 120), callSign: '<b>x</b>' }],
        behaviours: ['other'],
        communications: [{ kind: 'radio', text: `Call ${PAYLOAD}`, answered: false }],
        narrative: `Narrative ${PAYLOAD}`,
      },
    );
    await alphaApi.post('/api/v1/notices', {
      kind: 'exercise',
      title: `Notice ${PAYLOAD}`.slice(0, 200),
      area: { type: 'circle', center: { lat: 24.5, lon: 122.5 }, radiusM: 10_000 },
      from: new Date(now - HOUR).toISOString(),
      until: new Date(now + HOUR).toISOString(),
      contact: `Contact ${PAYLOAD}`.slice(0, 200),
      description: `Details ${PAYLOAD}`,
    });
    await alphaApi.post('/api/v1/call-requests', {
      line: HOTLINE,
      level: 'director',
      topic: `Topic ${PAYLOAD}`,
      urgency: 'ROUTINE',
    });

    const bravo = await openConsole(browser, cluster.node('bravo').url, 'Asia/Tokyo');
    const dialogs = await armTrap(bravo);
    await bravo.reload();
    await signIn(bravo, 'officer');
    await waitPeerUp(bravo);

    // The hotline: the message shows as written; bravo acknowledges it with a reply that is markup too.
    const message = bravo.getByTestId('message').filter({ hasText: 'Message <img src=x' });
    await message.waitFor({ timeout: 20_000 });
    await message.getByTestId('ack-reply').fill(`Reply ${PAYLOAD}`);
    await message.getByTestId('ack').click();
    await bravo.getByText(`Reply ${PAYLOAD}`).first().waitFor({ timeout: 10_000 });

    // The encounter board and its detail.
    await eventually('the report at bravo', async () => {
      const { encounters } = await (await ApiClient.login(cluster.node('bravo').url, 'officer')).get<{
        encounters: { id: string }[];
      }>('/api/v1/encounters');
      return encounters.find((e) => e.id === encounter.id);
    });
    await bravo.getByTestId('encounters-open').click();
    await bravo
      .locator(`[data-testid="encounter-row"][data-id="${encounter.id}"]`)
      .click({ timeout: 20_000 });
    const detail = bravo.getByTestId('encounter-detail');
    await detail.getByText(`Narrative ${PAYLOAD}`).waitFor({ timeout: 10_000 });
    assert.ok(((await detail.textContent()) ?? '').includes('<svg onload='), 'the markup shows as text');
    await bravo.keyboard.press('Escape');

    // The notices and the call requests.
    await bravo.getByTestId('notices-open').click();
    await bravo.getByText(`Details ${PAYLOAD}`).first().waitFor({ timeout: 20_000 });
    await bravo.keyboard.press('Escape');
    await bravo.getByTestId('call-request-open').click();
    await bravo.getByText(`Topic ${PAYLOAD}`).first().waitFor({ timeout: 20_000 });
    await bravo.screenshot({ path: join(ARTIFACTS, 'stored-xss-bravo.png') });
    await bravo.keyboard.press('Escape');

    assert.equal(await injected(bravo), null, 'no payload took effect in the console');

    // The dossier, rendered by the node, in a page with the same trap.
    await bravo.goto(`${cluster.node('bravo').url}/api/v1/encounters/${encounter.id}/dossier?format=html`);
    await bravo.getByText(`Narrative ${PAYLOAD}`).first().waitFor({ timeout: 20_000 });

    assert.equal(await injected(bravo), null, 'no payload took effect in the dossier');
    assert.deepEqual(dialogs, [], 'no dialog opened');

    // Control: markup injected on purpose is seen by the check.
    await bravo.evaluate((markup) => {
      const page = globalThis as unknown as {
        document: { body: { insertAdjacentHTML(where: string, html: string): void } };
      };
      page.document.body.insertAdjacentHTML('beforeend', markup);
    }, PAYLOAD);
    assert.match((await injected(bravo)) ?? '', /injected elements|script ran/);
  });
});
