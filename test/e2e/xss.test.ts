/**
 * Stored script never runs (SEC3, SEC2), in the places test/e2e/stored-xss.test.ts does not
 * cover: alpha writes markup that would run script — and ICU syntax that would break a message
 * format — into a phrasebook message's text parameter, a translation, a video talk's title,
 * agenda and participants, and a duty handover's note; and alpha's node name itself is markup
 * (`LIAISON_NAME`). Bravo's officer reads the first four in bravo's console; alpha's supervisor
 * reads the handover; the reliability report and the dossier, pages the node renders itself,
 * carry the node's name and a report's narrative. A trap set before each page loads records any
 * run (`window.__xss`) and any dialog, no element of the markup may exist, the text must show as
 * written, and a control shows the check would see an injection.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ARTIFACTS, browserSuite, openConsole, signIn, waitPeerUp } from '../support/browser.ts';
import { ApiClient, HOTLINE } from '../support/cluster.ts';

/** Markup that sets `window.__xss` if it is ever parsed as HTML, and ICU syntax for a formatter to trip on. */
const PAYLOAD = `<img src=x onerror="window.__xss='img'"><script>window.__xss='script'</script><svg onload="window.__xss='svg'"> {x, select, other {y}} 'q'`;
/** The same in at most 100 characters (presenters, participants, the node's name). */
const SHORT = `<img src=x onerror="window.__xss='short'">{n}`;
const NODE_NAME = `Alpha ${SHORT}`;
const HOUR = 3_600_000;

/** What a page was seen to do with the markup: dialogs it opened, and (on reading) a run or elements. */
interface Trap {
  dialogs: string[];
  /** Why the markup took effect, or null when it did not. */
  injected(): Promise<string | null>;
}

/** Arms the trap on a page before any of its scripts run. */
async function armTrap(page: Page): Promise<Trap> {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.addInitScript(() => {
    (globalThis as { __xss?: string }).__xss = undefined;
  });
  return {
    dialogs,
    async injected() {
      const ran = await page.evaluate(() => (globalThis as { __xss?: string }).__xss);
      if (ran !== undefined) return `script ran: ${ran}`;
      const elements = await page.locator('img[src="x"], svg[onload], script:text-matches("__xss")').count();
      return elements > 0 ? `${elements} injected elements` : null;
    },
  };
}

/** The control: markup put into the page on purpose is seen by the trap. */
async function assertTrapSees(page: Page, trap: Trap): Promise<void> {
  await page.evaluate((markup) => {
    const doc = (
      globalThis as unknown as { document: { body: { insertAdjacentHTML(w: string, h: string): void } } }
    ).document;
    doc.body.insertAdjacentHTML('beforeend', markup);
  }, PAYLOAD);
  assert.match((await trap.injected()) ?? '', /injected elements|script ran/);
}

describe('stored script in phrasebook messages, translations, talks, handovers and the node’s own pages', {
  timeout: 150_000,
}, () => {
  const suite = browserSuite({ nodeEnv: { alpha: { LIAISON_NAME: NODE_NAME } } });

  it('[SEC3] a peer’s template parameter, translation and talk show as text at bravo and never run', async () => {
    const { cluster, browser } = suite;
    const alpha = cluster.node('alpha').url;
    const [officer, supervisor] = await Promise.all([
      ApiClient.login(alpha, 'officer'),
      ApiClient.login(alpha, 'supervisor'),
    ]);
    await officer.post(`/api/v1/lines/${HOTLINE}/messages`, {
      template: 'call.topic',
      params: { topic: PAYLOAD },
      precedence: 'ROUTINE',
    });
    const plain = await officer.post<{ id: string }>(`/api/v1/lines/${HOTLINE}/messages`, {
      text: 'Please keep clear of the exercise area',
      precedence: 'ROUTINE',
    });
    await supervisor.post(`/api/v1/messages/${plain.id}/translations`, {
      language: 'ja',
      text: `訳 ${PAYLOAD}`,
    });
    await supervisor.post('/api/v1/talks', {
      title: `Talk ${PAYLOAD}`,
      members: ['bravo'],
      startsAt: new Date(Date.now() + HOUR).toISOString(),
      durationMin: 45,
      agenda: [{ title: `Item ${PAYLOAD}`, presenter: SHORT, minutes: 5 }],
      participants: [{ name: SHORT, node: 'bravo', role: SHORT }],
    });

    const bravo = await openConsole(browser, cluster.node('bravo').url, 'Asia/Tokyo');
    const trap = await armTrap(bravo);
    await bravo.reload();
    await signIn(bravo, 'officer');
    await waitPeerUp(bravo);

    const templated = bravo.getByTestId('message-template-text').filter({ hasText: "other {y}} 'q'" });
    await templated.first().waitFor({ timeout: 20_000 });
    assert.ok(
      ((await templated.first().textContent()) ?? '').includes(PAYLOAD),
      'the parameter shows as written',
    );
    const translation = bravo.getByTestId('translation').filter({ hasText: '訳 <img src=x' });
    await translation.first().waitFor({ timeout: 20_000 });
    assert.ok(((await translation.first().textContent()) ?? '').includes(PAYLOAD));

    await bravo.getByTestId('talks-open').click();
    const talk = bravo.getByTestId('talk-item').filter({ hasText: 'Talk <img src=x' });
    await talk.waitFor({ timeout: 20_000 });
    const talkText = (await talk.textContent()) ?? '';
    for (const shown of [`Talk ${PAYLOAD}`, `Item ${PAYLOAD}`, SHORT])
      assert.ok(talkText.includes(shown), `the talk shows ${JSON.stringify(shown)} as written`);
    await bravo.screenshot({ path: join(ARTIFACTS, 'xss-bravo-talk.png') });
    await bravo.keyboard.press('Escape');

    assert.equal(await trap.injected(), null, 'no markup took effect in bravo’s console');
    assert.deepEqual(trap.dialogs, [], 'no dialog opened');
    await assertTrapSees(bravo, trap);
  });

  it('[SEC3] a handover note and the node’s own name show as text in alpha’s console', async () => {
    const { cluster, browser } = suite;
    const alpha = cluster.node('alpha').url;
    const officer = await ApiClient.login(alpha, 'officer');
    await officer.post('/api/v1/duty/take', {});
    await officer.post('/api/v1/duty/handover', { to: 'supervisor', note: `Note ${PAYLOAD}` });

    const page = await openConsole(browser, alpha, 'Europe/Paris');
    const trap = await armTrap(page);
    await page.reload();
    await signIn(page, 'supervisor');
    const handover = page.getByTestId('handover-items');
    await handover.waitFor({ timeout: 20_000 });
    await handover.getByText(`Note ${PAYLOAD}`, { exact: false }).waitFor({ timeout: 10_000 });
    assert.ok(
      ((await page.locator('header').first().textContent()) ?? '').includes(NODE_NAME),
      'the header names the node as written',
    );
    await page.screenshot({ path: join(ARTIFACTS, 'xss-alpha-handover.png') });

    assert.equal(await trap.injected(), null, 'no markup took effect in alpha’s console');
    assert.deepEqual(trap.dialogs, []);
    await assertTrapSees(page, trap);
  });

  it('[SEC3] [SEC2] the reliability report and the dossier, rendered by the node, show markup as text', async () => {
    const { cluster, browser } = suite;
    const alpha = cluster.node('alpha').url;
    const supervisor = await ApiClient.login(alpha, 'supervisor');
    const { encounter } = await supervisor.post<{ encounter: { id: string } }>('/api/v1/encounters', {
      domain: 'sea',
      occurredAt: new Date(Date.now() - HOUR).toISOString(),
      position: { lat: 24.5, lon: 122.5 },
      severity: 'low',
      ownPlatforms: [{ kind: 'destroyer', name: SHORT }],
      otherPlatforms: [{ kind: 'frigate', name: SHORT }],
      behaviours: ['other'],
      communications: [{ kind: 'radio', text: `Call ${PAYLOAD}`, answered: false }],
      narrative: `Narrative ${PAYLOAD}`,
    });
    const pages: [what: string, path: string, shown: string[]][] = [
      ['the reliability report', '/api/v1/reports/reliability?format=html', [NODE_NAME]],
      [
        'the dossier',
        `/api/v1/encounters/${encounter.id}/dossier?format=html`,
        [`Narrative ${PAYLOAD}`, `Call ${PAYLOAD}`, SHORT],
      ],
    ];
    const page = await openConsole(browser, `${alpha}/healthz`, 'UTC');
    const trap = await armTrap(page);
    for (const [what, path, shown] of pages) {
      const response = await page.goto(`${alpha}${path}&token=${encodeURIComponent(supervisor.token)}`);
      assert.equal(response?.status(), 200, what);
      assert.match(
        response?.headers()['content-security-policy'] ?? '',
        /default-src 'none'/,
        `${what} runs no script`,
      );
      const text = (await page.locator('body').textContent()) ?? '';
      for (const expected of shown)
        assert.ok(text.includes(expected), `${what} shows ${JSON.stringify(expected)} as written`);
      assert.equal(await trap.injected(), null, `no markup took effect in ${what}`);
    }
    assert.deepEqual(trap.dialogs, []);
    await assertTrapSees(page, trap);
  });
});
