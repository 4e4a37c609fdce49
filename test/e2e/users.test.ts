/**
 * Users and the audit log in the console (SEC1, SEC5): an admin adds a user, changes a role and
 * disables an officer who is signed in at another console, which goes back to its sign-in
 * screen at once; then reads what was done in the Audit panel. A supervisor sees the Audit
 * panel but not the Users panel; an officer sees neither.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ARTIFACTS, browserSuite, openConsole, signIn } from '../support/browser.ts';
import { eventually } from '../support/cluster.ts';

/** Waits until the console shows its header, signed in. */
async function signedIn(page: Page): Promise<void> {
  await page.getByTestId('drills-open').waitFor({ timeout: 20_000 });
}

describe('users and the audit log in the console', { timeout: 120_000 }, () => {
  const suite = browserSuite({ nodeIds: ['alpha'] });

  it('[SEC1][SEC5] an admin manages users; the disabled officer is signed out; the audit log says it all', async () => {
    const { cluster, browser } = suite;
    const url = cluster.node('alpha').url;
    const [admin, officer] = await Promise.all([
      openConsole(browser, url, 'Europe/Paris'),
      openConsole(browser, url, 'Asia/Tokyo'),
    ]);
    await Promise.all([signIn(admin, 'admin'), signIn(officer, 'officer')]);
    await Promise.all([signedIn(admin), signedIn(officer)]);
    assert.equal(await officer.getByTestId('users-open').count(), 0, 'an officer has no Users panel');
    assert.equal(await officer.getByTestId('audit-open').count(), 0, 'nor the audit log');

    await admin.getByTestId('users-open').click();
    const panel = admin.getByRole('dialog', { name: 'Users of this node' });
    await panel.waitFor({ timeout: 10_000 });
    const rows = panel.getByTestId('user-row');
    await rows.nth(4).waitFor();
    assert.equal(await rows.count(), 5);
    const own = panel.locator('[data-testid="user-row"][data-username="admin"]');
    assert.match((await own.textContent()) ?? '', /admin \(you\)/);
    assert.equal(await own.getByTestId('user-role').count(), 0, 'the admin’s own role is not offered');
    assert.equal(await own.getByTestId('user-disable').count(), 0);

    await panel.getByTestId('user-new-name').fill('night');
    await panel.getByTestId('user-new-role').selectOption('supervisor');
    await panel.getByTestId('user-new-password').fill('night-shift-password');
    await panel.getByTestId('user-add').click();
    await panel
      .getByText('night was added. They set up their authenticator app at their first sign-in.')
      .waitFor();
    const night = panel.locator('[data-testid="user-row"][data-username="night"]');
    await night.waitFor();
    assert.match((await night.textContent()) ?? '', /Sets it up at the next sign-in/);

    await panel.getByTestId('user-new-name').fill('night');
    await panel.getByTestId('user-new-password').fill('another-password');
    await panel.getByTestId('user-add').click();
    await panel
      .getByTestId('users-error')
      .getByText('There is already a user with this name on this node.')
      .waitFor();

    const observer = panel.locator('[data-testid="user-row"][data-username="observer"]');
    await observer.getByTestId('user-role').selectOption('interpreter');
    // The list is read again after the change: the select shows what the node now holds.
    await eventually('the new role', async () =>
      (await observer.getByTestId('user-role').inputValue()) === 'interpreter' ? true : undefined,
    );

    const officerRow = panel.locator('[data-testid="user-row"][data-username="officer"]');
    await officerRow.getByTestId('user-disable').click();
    await panel.locator('[data-testid="user-row"][data-username="officer"][data-disabled="true"]').waitFor();
    assert.match((await officerRow.getByTestId('user-state').textContent()) ?? '', /Disabled/);
    assert.equal((await officerRow.getByTestId('user-disable').textContent())?.trim(), 'Enable');
    await admin.screenshot({ path: join(ARTIFACTS, 'users-admin.png') });

    // The officer's console ends its session at once: its stream was closed by the node.
    await officer.getByTestId('login-username').waitFor({ timeout: 15_000 });
    await signIn(officer, 'officer');
    await officer.getByText('this account is disabled', { exact: false }).waitFor({ timeout: 10_000 });

    await admin.keyboard.press('Escape');
    await admin.getByTestId('audit-open').click();
    const audit = admin.getByRole('dialog', { name: 'Audit log' });
    await audit.waitFor();
    await audit.locator('[data-testid="audit-chain"][data-intact="true"]').waitFor();
    const actionRow = (action: string) => audit.locator(`[data-testid="audit-row"][data-action="${action}"]`);
    await actionRow('user-disabled').first().waitFor({ timeout: 10_000 });
    assert.match(
      (await actionRow('user-disabled').first().textContent()) ?? '',
      /admin@alpha.*User disabled.*username: officer/,
    );
    assert.match(
      (await actionRow('role-changed').first().textContent()) ?? '',
      /from: observer · to: interpreter/,
    );
    assert.match(
      (await actionRow('user-created').first().textContent()) ?? '',
      /username: night · role: supervisor/,
    );
    assert.match((await actionRow('login').first().textContent()) ?? '', /\d{2}:\d{2}:\d{2} UTC/);
    assert.ok((await actionRow('login-failed').count()) >= 1, 'the disabled officer’s attempt');
    await admin.screenshot({ path: join(ARTIFACTS, 'audit-admin.png') });
  });

  it('[SEC5] a supervisor reads the audit log, in their language, but manages no users', async () => {
    const { cluster, browser } = suite;
    const supervisor = await openConsole(browser, cluster.node('alpha').url, 'Asia/Shanghai');
    await signIn(supervisor, 'supervisor');
    await signedIn(supervisor);
    assert.equal(await supervisor.getByTestId('users-open').count(), 0);
    await supervisor.getByTestId('language').selectOption('zh');
    await supervisor.getByTestId('audit-open').getByText('审计日志').waitFor();
    await supervisor.getByTestId('audit-open').click();
    const audit = supervisor.getByRole('dialog', { name: '审计日志' });
    await audit
      .locator('[data-testid="audit-chain"][data-intact="true"]')
      .getByText('已核验', { exact: false })
      .waitFor();
    await audit
      .locator('[data-testid="audit-row"][data-action="user-disabled"]')
      .getByText('停用用户')
      .first()
      .waitFor();
    await supervisor.screenshot({ path: join(ARTIFACTS, 'audit-supervisor-zh.png') });
  });
});
