import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ManualClock } from '../core/clock.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/types.ts';
import { ApiError } from './errors.ts';
import { verifyPassword } from './passwords.ts';
import { UserAdmin, userView } from './userAdmin.ts';

describe('user administration', () => {
  let store: Store;
  let users: UserAdmin;

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    users = new UserAdmin(store, new ManualClock(Date.parse('2026-11-27T08:00:00.000Z')));
    await users.create({ username: 'chief', role: 'admin', password: 'chief-password' });
    await users.create({ username: 'night', role: 'officer', password: 'night-password', language: 'ja' });
  });

  afterEach(async () => {
    await store.close();
  });

  const refused = async (work: Promise<unknown>, status: number, code: string) =>
    assert.rejects(
      work,
      (error: unknown) => error instanceof ApiError && error.status === status && error.code === code,
    );

  it('[SEC1] a new user has no second factor yet and enrols it at their first sign-in', async () => {
    const night = await store.getUser('night');
    assert.ok(night);
    assert.deepEqual(userView(night), {
      username: 'night',
      role: 'officer',
      language: 'ja',
      disabled: false,
      secondFactor: 'pending',
      lockedUntil: null,
      createdAt: '2026-11-27T08:00:00.000Z',
    });
    assert.equal(night.totpSecret, null);
    assert.equal(night.totpExempt, false);
    assert.ok(await verifyPassword('night-password', night.passwordHash));
    await refused(
      users.create({ username: 'night', role: 'observer', password: 'another-one' }),
      409,
      'user-exists',
    );
    await refused(
      users.create({ username: 'cli', role: 'admin', password: 'cli-password' }),
      409,
      'reserved-name',
    );
  });

  it('[SEC1] the last enabled admin is neither demoted nor disabled', async () => {
    await refused(users.update(null, 'chief', { role: 'supervisor' }), 409, 'last-admin');
    await refused(users.update(null, 'chief', { disabled: true }), 409, 'last-admin');
    assert.equal((await store.getUser('chief'))?.role, 'admin', 'nothing changed');
    await users.update(null, 'night', { role: 'admin' });
    const { before, after } = await users.update(null, 'chief', { role: 'supervisor' });
    assert.deepEqual([before.role, after.role], ['admin', 'supervisor']);
    await refused(users.update(null, 'night', { disabled: true }), 409, 'last-admin');
  });

  it('[SEC1] nobody demotes or disables themselves', async () => {
    await users.update(null, 'night', { role: 'admin' });
    await refused(users.update('chief', 'chief', { role: 'officer' }), 409, 'self-lockout');
    await refused(users.update('chief', 'chief', { disabled: true }), 409, 'self-lockout');
    const unchanged = await users.update('chief', 'chief', { role: 'admin', disabled: false });
    assert.equal(unchanged.after.role, 'admin', 'keeping one’s own role is no change');
    await users.update('chief', 'night', { disabled: true });
    assert.equal((await store.getUser('night'))?.disabled, true);
  });

  it('[SEC1] two admins demoting each other at once: one of them stays admin', async () => {
    await users.update(null, 'night', { role: 'admin' });
    const results = await Promise.allSettled([
      users.update('chief', 'night', { role: 'officer' }),
      users.update('night', 'chief', { role: 'officer' }),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const admins = (await store.listUsers()).filter((u) => u.role === 'admin');
    assert.equal(admins.length, 1);
  });

  it('[SEC1] a new password replaces the old one and lifts a lock', async () => {
    const night = await store.getUser('night');
    assert.ok(night);
    await store.putUser({ ...night, failedLogins: 0, lockedUntil: '2026-11-27T09:00:00.000Z' });
    const changed = await users.setPassword('night', 'fresh-password');
    assert.equal(changed.lockedUntil, null);
    assert.ok(await verifyPassword('fresh-password', changed.passwordHash));
    assert.ok(!(await verifyPassword('night-password', changed.passwordHash)));
    await refused(users.setPassword('nobody', 'fresh-password'), 404, 'unknown-user');
  });
});
