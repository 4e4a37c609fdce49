/**
 * Store contract, part one: the records beside the event log (settings, nodes, lines, users,
 * sessions, rejections), migrations, and durability across a reopen.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nth, type StoreHarness, testChain, testMessage, withStore } from './contract-fixtures.ts';
import type { LineRecord, NodeRecord, SessionRecord, UserRecord } from './types.ts';

const alpha: NodeRecord = {
  nodeId: 'alpha',
  name: 'Alpha Ministry duty desk',
  url: 'http://127.0.0.1:7801',
  federationUrl: 'ws://127.0.0.1:7901',
  publicKey: 'MCowBQYDK2VwAyEAalphaalphaalphaalphaalphaal',
  isSelf: true,
  addedAt: '2025-01-01T00:00:00.000Z',
  tlsFingerprint: `${'AB:'.repeat(31)}CD`,
};
const bravo: NodeRecord = {
  ...alpha,
  nodeId: 'bravo',
  name: 'Bravo Ministry duty desk',
  url: 'http://127.0.0.1:7802',
  federationUrl: 'ws://127.0.0.1:7902',
  isSelf: false,
  tlsFingerprint: null,
};
const hotline: LineRecord = {
  id: 'hotline-alpha-bravo',
  kind: 'hotline',
  title: 'Alpha – Bravo hotline',
  members: ['alpha', 'bravo'],
  createdAt: '2025-01-01T00:00:00.000Z',
};
const officer: UserRecord = {
  username: 'officer',
  role: 'officer',
  passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
  totpSecret: 'JBSWY3DPEHPK3PXP',
  createdAt: '2025-01-01T00:00:00.000Z',
  failedLogins: 0,
  lockedUntil: null,
  language: 'en',
  totpExempt: false,
  disabled: false,
};
const session: SessionRecord = {
  tokenHash: 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg',
  username: 'officer',
  createdAt: '2025-01-01T00:00:00.000Z',
  expiresAt: '2025-01-02T00:00:00.000Z',
};

/** Registers the tests of records, migrations and reopening. */
export function recordsContract(harness: StoreHarness): void {
  describe('meta', () => {
    it('returns null for a key never set, then the latest value set', () =>
      withStore(harness, async (store) => {
        assert.equal(await store.getMeta('nodeId'), null);
        await store.setMeta('nodeId', 'alpha');
        await store.setMeta('cursor', '7');
        await store.setMeta('cursor', '8');
        assert.equal(await store.getMeta('nodeId'), 'alpha');
        assert.equal(await store.getMeta('cursor'), '8');
      }));
  });

  describe('nodes', () => {
    it('[FED1] round-trips nodes, replaces one put again, lists them all', () =>
      withStore(harness, async (store) => {
        assert.equal(await store.getNode('alpha'), null);
        await store.putNode(bravo);
        await store.putNode(alpha);
        assert.deepEqual(await store.getNode('alpha'), alpha);
        assert.deepEqual(await store.getNode('bravo'), bravo);
        const moved = { ...bravo, url: 'http://10.0.0.2:7802', publicKey: 'rotated' };
        await store.putNode(moved);
        assert.deepEqual(await store.getNode('bravo'), moved);
        const listed = await store.listNodes();
        assert.deepEqual(
          listed.sort((a, b) => a.nodeId.localeCompare(b.nodeId)),
          [alpha, moved],
        );
      }));
  });

  describe('lines', () => {
    it('[HOT1] round-trips lines with their members, replaces one put again, lists them all', () =>
      withStore(harness, async (store) => {
        assert.equal(await store.getLine(hotline.id), null);
        const local: LineRecord = {
          id: 'local-alpha',
          kind: 'local',
          title: 'Notes',
          members: ['alpha'],
          createdAt: '2025-01-01T00:00:01.000Z',
        };
        await store.putLine(hotline);
        await store.putLine(local);
        assert.deepEqual(await store.getLine(hotline.id), hotline);
        const renamed = { ...hotline, title: 'Renamed' };
        await store.putLine(renamed);
        assert.deepEqual(await store.getLine(hotline.id), renamed);
        const listed = await store.listLines();
        assert.deepEqual(
          listed.sort((a, b) => a.id.localeCompare(b.id)),
          [renamed, local],
        );
      }));
  });

  describe('users and sessions', () => {
    it('[SEC1] round-trips users, nullable fields included, and updates one put again', () =>
      withStore(harness, async (store) => {
        assert.equal(await store.getUser('officer'), null);
        const demo: UserRecord = {
          ...officer,
          username: 'admin',
          role: 'admin',
          totpSecret: null,
          totpExempt: true,
        };
        await store.putUser(officer);
        await store.putUser(demo);
        assert.deepEqual(await store.getUser('officer'), officer);
        assert.deepEqual(await store.getUser('admin'), demo);
        const locked = { ...officer, failedLogins: 10, lockedUntil: '2025-01-01T00:15:00.000Z' };
        await store.putUser(locked);
        assert.deepEqual(await store.getUser('officer'), locked);
        const listed = await store.listUsers();
        assert.deepEqual(
          listed.sort((a, b) => a.username.localeCompare(b.username)),
          [demo, locked],
        );
      }));

    it('[SEC2] stores, finds and deletes sessions by token hash', () =>
      withStore(harness, async (store) => {
        await store.putUser(officer);
        assert.equal(await store.getSession(session.tokenHash), null);
        await store.putSession(session);
        assert.deepEqual(await store.getSession(session.tokenHash), session);
        await store.deleteSession(session.tokenHash);
        assert.equal(await store.getSession(session.tokenHash), null);
        await store.deleteSession(session.tokenHash);
      }));

    it('[SEC4] updating a user (failed logins, lock) keeps their sessions', () =>
      withStore(harness, async (store) => {
        await store.putUser(officer);
        await store.putSession(session);
        await store.putUser({ ...officer, failedLogins: 3 });
        assert.deepEqual(await store.getSession(session.tokenHash), session);
      }));

    it('[HOT6] a user reads in English until their language is changed, and a put without one keeps it', () =>
      withStore(harness, async (store) => {
        const { language: _omitted, ...withoutLanguage } = officer;
        await store.putUser(withoutLanguage);
        assert.equal((await store.getUser('officer'))?.language, 'en');
        await store.putUser({ ...officer, language: 'ja' });
        assert.equal((await store.getUser('officer'))?.language, 'ja');
        await store.putUser({ ...withoutLanguage, failedLogins: 2 });
        const kept = await store.getUser('officer');
        assert.equal(kept?.language, 'ja');
        assert.equal(kept?.failedLogins, 2);
        await store.putUser({ ...officer, language: 'zh' });
        assert.deepEqual(
          (await store.listUsers()).map((user) => user.language),
          ['zh'],
        );
      }));

    it('[SEC2] a new user must enrol a second factor unless exempt, and a put without the flag keeps it', () =>
      withStore(harness, async (store) => {
        const { totpExempt: _omitted, ...withoutFlag } = officer;
        await store.putUser({ ...withoutFlag, totpSecret: null });
        assert.equal((await store.getUser('officer'))?.totpExempt, false);
        await store.putUser({ ...officer, totpSecret: null, totpExempt: true });
        await store.putUser({ ...withoutFlag, totpSecret: null, failedLogins: 1 });
        assert.equal((await store.getUser('officer'))?.totpExempt, true);
      }));

    it('[SEC1] a user is enabled when created, and a put without the flag keeps it', () =>
      withStore(harness, async (store) => {
        const { disabled: _omitted, ...withoutFlag } = officer;
        await store.putUser(withoutFlag);
        assert.equal((await store.getUser('officer'))?.disabled, false);
        await store.putUser({ ...officer, disabled: true });
        await store.putUser({ ...withoutFlag, failedLogins: 2 });
        assert.equal((await store.getUser('officer'))?.disabled, true);
        assert.deepEqual(
          (await store.listUsers()).map((user) => [user.username, user.disabled]),
          [['officer', true]],
        );
      }));

    it('[SEC2] ends every session of one user and no other', () =>
      withStore(harness, async (store) => {
        await store.putUser(officer);
        await store.putUser({ ...officer, username: 'night' });
        const second = { ...session, tokenHash: 'second-session-of-the-officer' };
        const other = { ...session, tokenHash: 'session-of-night', username: 'night' };
        for (const each of [session, second, other]) await store.putSession(each);
        assert.equal(await store.deleteSessionsOf('officer'), 2);
        assert.equal(await store.getSession(session.tokenHash), null);
        assert.equal(await store.getSession(second.tokenHash), null);
        assert.deepEqual(await store.getSession(other.tokenHash), other);
        assert.equal(await store.deleteSessionsOf('officer'), 0);
      }));

    it('[SEC2] a recovery code is used once; new codes replace the old ones', () =>
      withStore(harness, async (store) => {
        await store.putUser(officer);
        await store.putUser({ ...officer, username: 'night' });
        await store.putRecoveryCodes('officer', ['hash-a', 'hash-b'], '2025-01-01T00:00:00.000Z');
        await store.putRecoveryCodes('night', ['hash-a'], '2025-01-01T00:00:00.000Z');
        assert.equal(await store.countRecoveryCodes('officer'), 2);
        assert.equal(await store.redeemRecoveryCode('officer', 'hash-a'), true);
        assert.equal(await store.redeemRecoveryCode('officer', 'hash-a'), false, 'used once only');
        assert.equal(await store.redeemRecoveryCode('officer', 'hash-c'), false);
        assert.equal(await store.countRecoveryCodes('officer'), 1);
        assert.equal(await store.countRecoveryCodes('night'), 1, "another user's code is theirs");
        await store.putRecoveryCodes('officer', ['hash-d'], '2025-01-02T00:00:00.000Z');
        assert.equal(await store.redeemRecoveryCode('officer', 'hash-b'), false, 'replaced');
        assert.equal(await store.redeemRecoveryCode('officer', 'hash-d'), true);
        await store.putRecoveryCodes('night', [], '2025-01-02T00:00:00.000Z');
        assert.equal(await store.countRecoveryCodes('night'), 0);
      }));
  });

  describe('rejections', () => {
    it('[LOG8] counts rejections by reason', () =>
      withStore(harness, async (store) => {
        assert.deepEqual(await store.rejectionCounts(), {});
        await store.addRejection('bad-signature', 'event abc: signature does not verify', 'bravo');
        await store.addRejection('missing-dep', 'event def: dep xyz not held', 'bravo');
        await store.addRejection('bad-signature', 'event ghi: signature does not verify', null);
        assert.deepEqual(await store.rejectionCounts(), { 'bad-signature': 2, 'missing-dep': 1 });
      }));
  });

  describe('migrations and durability', () => {
    it('[STO2] migrate() is idempotent and keeps the data', () =>
      withStore(harness, async (store) => {
        await store.setMeta('nodeId', 'alpha');
        const events = testChain(1, 3);
        await store.commit({ events, receivedAt: '2025-01-01T00:00:00.000Z', ops: [] });
        await store.migrate();
        await store.migrate();
        assert.equal(await store.getMeta('nodeId'), 'alpha');
        assert.equal(await store.countEvents(), 3);
        const [arrival] = await store.commit({
          events: testChain(4, 4),
          receivedAt: '2025-01-01T00:00:01.000Z',
          ops: [],
        });
        assert.equal(arrival, 4);
      }));

    it('[LOG10] a reopened store holds everything committed before it was closed', async (t) => {
      const { reopenStore } = harness;
      if (reopenStore === undefined) {
        t.skip('this harness cannot reopen a store');
        return;
      }
      const first = await harness.makeStore();
      const events = testChain(1, 5);
      const messages = events.map((event) => ({ op: 'message.insert' as const, row: testMessage(event) }));
      await first.commit({ events, receivedAt: '2025-01-01T00:00:00.000Z', ops: messages });
      await first.setMeta('nodeId', 'alpha');
      await first.putNode(alpha);
      await first.putLine(hotline);
      await first.putUser(officer);
      await first.putSession(session);
      await first.addRejection('bad-signature', 'detail', 'bravo');
      await first.close();

      const second = await reopenStore(first);
      try {
        assert.deepEqual(
          (await second.eventsSince(0, 100, null)).map((stored) => [stored.arrival, stored.event]),
          events.map((event, index) => [index + 1, event]),
        );
        assert.deepEqual(await second.getMessage(nth(events, 0).id), testMessage(nth(events, 0)));
        assert.equal(await second.getMeta('nodeId'), 'alpha');
        assert.deepEqual(await second.getNode('alpha'), alpha);
        assert.deepEqual(await second.getLine(hotline.id), hotline);
        assert.deepEqual(await second.getUser('officer'), officer);
        assert.deepEqual(await second.getSession(session.tokenHash), session);
        assert.deepEqual(await second.rejectionCounts(), { 'bad-signature': 1 });
        const [arrival] = await second.commit({
          events: testChain(6, 6),
          receivedAt: '2025-01-01T00:00:02.000Z',
          ops: [],
        });
        assert.equal(arrival, 6);
      } finally {
        await second.close();
      }
    });
  });
}
