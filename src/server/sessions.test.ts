import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ManualClock } from '../core/clock.ts';
import { addUser } from '../node/init.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/types.ts';
import { ApiError } from './errors.ts';
import { LOCK_MS, SESSION_TTL_MS, Sessions, tokenFrom } from './sessions.ts';

describe('sessions', () => {
  let store: Store;
  let clock: ManualClock;
  let sessions: Sessions;

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    clock = new ManualClock(Date.parse('2026-11-26T12:00:00.000Z'));
    sessions = new Sessions(store, 'alpha', clock, 'admin-token-for-tests');
    await addUser(store, 'alpha', {
      username: 'officer',
      role: 'officer',
      password: 'correct-horse',
      withoutTotp: true,
    });
  });

  afterEach(async () => {
    await store.close();
  });

  const rejects = async (promise: Promise<unknown>, status: number, code: string) => {
    await assert.rejects(
      promise,
      (error: unknown) => error instanceof ApiError && error.status === status && error.code === code,
    );
  };

  it('[SEC2] a session authenticates until it expires, then no longer', async () => {
    const { token, user } = await sessions.login('officer', 'correct-horse', undefined);
    assert.equal(user.author, 'officer@alpha');
    assert.equal((await sessions.authenticate(token))?.username, 'officer');
    clock.advance(SESSION_TTL_MS + 1);
    assert.equal(await sessions.authenticate(token), null);
  });

  it('[SEC2] the admin token of DATA/admin.token authenticates as the CLI admin', async () => {
    const principal = await sessions.authenticate('admin-token-for-tests');
    assert.equal(principal?.role, 'admin');
    assert.equal(principal?.author, 'cli@alpha');
    assert.equal(await sessions.authenticate('admin-token-for-test'), null);
  });

  it('[SEC4] the lock lifts after 15 minutes, and a good login resets the count', async () => {
    for (let i = 0; i < 10; i += 1)
      await rejects(sessions.login('officer', 'wrong-password', undefined), 401, 'bad-credentials');
    await rejects(sessions.login('officer', 'correct-horse', undefined), 423, 'account-locked');
    clock.advance(LOCK_MS + 1);
    await sessions.login('officer', 'correct-horse', undefined);
    assert.equal((await store.getUser('officer'))?.failedLogins, 0);
  });

  it('[SEC2] tokens come from the bearer header, the cookie, or the query', () => {
    assert.equal(tokenFrom({ authorization: 'Bearer abc' }, {}), 'abc');
    assert.equal(tokenFrom({ cookie: 'x=1; liaison_session=def' }, {}), 'def');
    assert.equal(tokenFrom({}, { token: 'ghi' }), 'ghi');
    assert.equal(tokenFrom({}, {}), null);
  });
});
