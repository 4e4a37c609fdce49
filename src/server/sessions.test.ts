/**
 * Logins and sessions (SEC2, SEC4) on an in-memory store with a manual clock: expiry, the CLI's
 * admin token, the lock, second factor enrolment, TOTP and recovery codes at login, signing out
 * everywhere, and an admin's reset of a user's second factor.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ManualClock } from '../core/clock.ts';
import { addUser } from '../node/init.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/types.ts';
import { ApiError } from './errors.ts';
import { hashPassword } from './passwords.ts';
import {
  ENROLMENT_TTL_MS,
  MAX_ENROLMENT_TRIES,
  RECOVERY_CODE_COUNT,
  resetSecondFactor,
} from './secondFactor.ts';
import { LOCK_MS, SESSION_TTL_MS, Sessions, tokenFrom } from './sessions.ts';
import { totpCode } from './totp.ts';

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

  /** Adds `duty2`, who has no second factor and is not one of the demo's users. */
  const addUnenrolled = async () => {
    await store.putUser({
      username: 'duty2',
      role: 'officer',
      passwordHash: await hashPassword('duty2-pass'),
      totpSecret: null,
      createdAt: '2026-11-26T12:00:00.000Z',
      failedLogins: 0,
      lockedUntil: null,
    });
  };

  /** The enrolment token of a login that must enrol first. */
  const enrolmentToken = async (): Promise<string> => {
    try {
      await sessions.login('duty2', 'duty2-pass', undefined);
    } catch (error) {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status, 401);
      assert.equal(error.code, 'totp-enrolment-required');
      assert.equal(typeof error.details?.enrolmentToken, 'string');
      return String(error.details?.enrolmentToken);
    }
    assert.fail('a user without a second factor signed in without enrolling');
  };

  /** Enrols duty2; returns the secret and the recovery codes. */
  const enrol = async () => {
    await addUnenrolled();
    const token = await enrolmentToken();
    const details = await sessions.secondFactor.details(token);
    const { recoveryCodes } = await sessions.secondFactor.confirm(
      token,
      totpCode(details.secret, clock.now()),
    );
    return { secret: details.secret, recoveryCodes };
  };

  it('[SEC2] the demo’s users sign in without a second factor; any other user must enrol one first', async () => {
    await sessions.login('officer', 'correct-horse', undefined);
    await addUnenrolled();
    await enrolmentToken();
    assert.equal((await store.getUser('duty2'))?.totpSecret, null, 'nothing stored before confirmation');
    await rejects(sessions.login('duty2', 'wrong-password', undefined), 401, 'bad-credentials');
  });

  it('[SEC2] enrolment shows the secret as text and QR code, and one code from the app confirms it', async () => {
    await addUnenrolled();
    const token = await enrolmentToken();
    const details = await sessions.secondFactor.details(token);
    assert.match(details.secret, /^[A-Z2-7]{32}$/);
    assert.equal(details.account, 'duty2@alpha');
    assert.match(
      details.otpauthUri,
      /^otpauth:\/\/totp\/Liaison%3Aduty2%40alpha\?secret=[A-Z2-7]{32}&issuer=Liaison/,
    );
    assert.match(details.qrCode, /^data:image\/svg\+xml;base64,/);
    const svg = Buffer.from(details.qrCode.split(',')[1] ?? '', 'base64').toString('utf8');
    assert.match(svg, /^<svg [^>]*viewBox="0 0 \d+ \d+"/);
    assert.doesNotMatch(svg, /<script/i);
    await rejects(sessions.secondFactor.confirm(token, '000000'), 400, 'bad-totp');
    const { user, recoveryCodes } = await sessions.secondFactor.confirm(
      token,
      totpCode(details.secret, clock.now()),
    );
    assert.equal(user.totpSecret, details.secret);
    assert.equal((await store.getUser('duty2'))?.totpSecret, details.secret);
    assert.equal(recoveryCodes.length, RECOVERY_CODE_COUNT);
    assert.equal(new Set(recoveryCodes).size, RECOVERY_CODE_COUNT);
    for (const code of recoveryCodes) assert.match(code, /^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}$/);
    await rejects(
      sessions.secondFactor.confirm(token, totpCode(details.secret, clock.now())),
      401,
      'enrolment-expired',
    );
  });

  it('[SEC2] after enrolment a login needs the TOTP code', async () => {
    const { secret } = await enrol();
    await rejects(sessions.login('duty2', 'duty2-pass', undefined), 401, 'totp-required');
    await rejects(sessions.login('duty2', 'duty2-pass', '123456'), 401, 'bad-totp');
    const { user } = await sessions.login('duty2', 'duty2-pass', totpCode(secret, clock.now()));
    assert.equal(user.author, 'duty2@alpha');
  });

  it('[SEC2] a TOTP code signs in once: the same code again is refused as reused, the next step’s code works', async () => {
    const { secret } = await enrol();
    const code = totpCode(secret, clock.now());
    await sessions.login('duty2', 'duty2-pass', code);
    await rejects(sessions.login('duty2', 'duty2-pass', code), 401, 'totp-reused');
    clock.advance(30_000);
    await sessions.login('duty2', 'duty2-pass', totpCode(secret, clock.now()));
  });

  it('[SEC2] a recovery code signs in once in place of the TOTP code, in either field', async () => {
    const { recoveryCodes } = await enrol();
    const [first = '', second = ''] = recoveryCodes;
    await sessions.login('duty2', 'duty2-pass', undefined, first);
    await rejects(sessions.login('duty2', 'duty2-pass', undefined, first), 401, 'bad-recovery-code');
    await sessions.login('duty2', 'duty2-pass', second.toLowerCase().replaceAll('-', ' '));
    await rejects(sessions.login('duty2', 'duty2-pass', second), 401, 'bad-recovery-code');
    await rejects(
      sessions.login('duty2', 'duty2-pass', undefined, 'AAAA-BBBB-CCCC-DDDD'),
      401,
      'bad-recovery-code',
    );
    assert.equal(await sessions.secondFactor.recoveryCodesLeft('duty2'), RECOVERY_CODE_COUNT - 2);
    // The good login between them cleared the first failure.
    assert.equal((await store.getUser('duty2'))?.failedLogins, 2, 'wrong codes count towards the lock');
  });

  it('[SEC2] new recovery codes replace the old ones', async () => {
    const { recoveryCodes } = await enrol();
    const renewed = await sessions.secondFactor.renewRecoveryCodes('duty2');
    await rejects(
      sessions.login('duty2', 'duty2-pass', undefined, recoveryCodes[0]),
      401,
      'bad-recovery-code',
    );
    await sessions.login('duty2', 'duty2-pass', undefined, renewed[0]);
  });

  it('[SEC2] an enrolment expires after 10 minutes, and ends after too many wrong codes', async () => {
    await addUnenrolled();
    const late = await enrolmentToken();
    clock.advance(ENROLMENT_TTL_MS + 1);
    await rejects(sessions.secondFactor.details(late), 401, 'enrolment-expired');
    const guessed = await enrolmentToken();
    for (let i = 0; i < MAX_ENROLMENT_TRIES; i += 1)
      await rejects(sessions.secondFactor.confirm(guessed, '000000'), 400, 'bad-totp');
    await rejects(sessions.secondFactor.details(guessed), 401, 'enrolment-expired');
  });

  it('[SEC2] re-enrolling replaces the secret: the old app’s codes stop working', async () => {
    const { secret } = await enrol();
    const offer = sessions.secondFactor.begin('duty2');
    const details = await sessions.secondFactor.details(offer.enrolmentToken);
    await sessions.secondFactor.confirm(offer.enrolmentToken, totpCode(details.secret, clock.now()));
    clock.advance(90_000);
    await rejects(sessions.login('duty2', 'duty2-pass', totpCode(secret, clock.now())), 401, 'bad-totp');
    await sessions.login('duty2', 'duty2-pass', totpCode(details.secret, clock.now()));
  });

  it('[SEC2] signing out everywhere ends every session of the user and no other', async () => {
    const first = await sessions.login('officer', 'correct-horse', undefined);
    const second = await sessions.login('officer', 'correct-horse', undefined);
    await addUser(store, 'alpha', {
      username: 'night',
      role: 'officer',
      password: 'night-pass',
      withoutTotp: true,
    });
    const other = await sessions.login('night', 'night-pass', undefined);
    // Both are cached by a first use: the cache must not outlive the sign-out.
    assert.equal((await sessions.authenticate(first.token))?.username, 'officer');
    assert.equal((await sessions.authenticate(second.token))?.username, 'officer');
    assert.equal(await sessions.logoutEverywhere('officer'), 2);
    assert.equal(await sessions.authenticate(first.token), null);
    assert.equal(await sessions.authenticate(second.token), null);
    assert.equal((await sessions.authenticate(other.token))?.username, 'night');
  });

  it('[SEC2] an admin’s reset takes the second factor away and ends the user’s sessions', async () => {
    const { secret, recoveryCodes } = await enrol();
    const session = await sessions.login('duty2', 'duty2-pass', totpCode(secret, clock.now()));
    assert.equal(await resetSecondFactor(store, 'duty2'), true);
    assert.equal(await store.getSession(session.token), null);
    assert.equal(await sessions.secondFactor.recoveryCodesLeft('duty2'), 0);
    await rejects(
      sessions.login('duty2', 'duty2-pass', undefined, recoveryCodes[0]),
      401,
      'totp-enrolment-required',
    );
    await enrolmentToken();
    assert.equal(await resetSecondFactor(store, 'nobody'), false);
  });

  it('[SEC2] tokens come from the bearer header, the cookie, or the query', () => {
    assert.equal(tokenFrom({ authorization: 'Bearer abc' }, {}), 'abc');
    assert.equal(tokenFrom({ cookie: 'x=1; liaison_session=def' }, {}), 'def');
    assert.equal(tokenFrom({}, { token: 'ghi' }), 'ghi');
    assert.equal(tokenFrom({}, {}), null);
  });
});
