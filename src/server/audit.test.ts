import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isoTime, ManualClock } from '../core/clock.ts';
import { eventId, unsignedOf, verifyEventSignature } from '../core/event.ts';
import { generateKeyPair, Signer } from '../core/sign.ts';
import type { LiaisonEvent } from '../core/types.ts';
import { silentLogger } from '../node/init.ts';
import { Ledger } from '../record/ledger.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store, StoredEvent } from '../store/types.ts';
import { AuditLog, isAuditEvent } from './audit.ts';

const T0 = Date.parse('2026-11-27T08:00:00.000Z');
const LOCAL = 'local-alpha';
const WINDOW_MS = 150;

describe('the audit log', () => {
  let store: Store;
  let ledger: Ledger;
  let signer: Signer;
  let audit: AuditLog;
  const logged: object[] = [];

  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
    signer = new Signer(generateKeyPair().privateKey);
    const clock = new ManualClock(T0);
    await store.putNode({
      nodeId: 'alpha',
      name: 'Alpha',
      url: 'http://127.0.0.1:7801',
      federationUrl: 'wss://127.0.0.1:7901',
      publicKey: signer.publicKey,
      isSelf: true,
      addedAt: isoTime(T0),
      tlsFingerprint: null,
    });
    ledger = new Ledger({ store, signer, selfId: 'alpha', clock, logger: silentLogger });
    await ledger.open();
    // As `liaison init` makes it (src/node/init.ts).
    await ledger.addLine({
      id: LOCAL,
      kind: 'local',
      title: 'Alpha (local notes)',
      members: ['alpha'],
      createdAt: isoTime(T0),
    });
    await ledger.append(LOCAL, 'alpha', 'line.created', {
      kind: 'local',
      title: 'Alpha (local notes)',
      members: ['alpha'],
    });
    logged.length = 0;
    const logger = { ...silentLogger, error: (entry: object) => void logged.push(entry) };
    audit = new AuditLog({ ledger, store, clock, logger, failureWindowMs: WINDOW_MS });
  });

  afterEach(async () => {
    await audit.stop();
    await ledger.idle();
    await store.close();
  });

  const localEvents = async (): Promise<LiaisonEvent[]> =>
    (await store.eventsBySeqRange(LOCAL, 'alpha', 1, 10_000)).map((stored) => stored.event);

  it('[SEC5] an entry is a signed event on the local line, chained to the one before it', async () => {
    assert.equal(
      await audit.record('role-changed', 'admin@alpha', {
        username: 'night',
        from: 'officer',
        to: 'supervisor',
      }),
      true,
    );
    assert.equal(await audit.record('key-rotated', 'cli@alpha', { via: 'admin-token' }), true);
    const [genesis, roleChanged, rotated] = await localEvents();
    assert.ok(genesis && roleChanged && rotated);
    assert.equal(roleChanged.type, 'audit.role-changed');
    assert.equal(roleChanged.author, 'admin@alpha');
    assert.deepEqual(roleChanged.body, { username: 'night', from: 'officer', to: 'supervisor' });
    assert.equal(roleChanged.prev, genesis.id, 'chained to the genesis');
    assert.equal(rotated.prev, roleChanged.id, 'and the next one to it');
    for (const event of [roleChanged, rotated]) {
      assert.ok(verifyEventSignature(event, signer.publicKey), 'signed by the node');
      assert.equal(eventId(unsignedOf(event)), event.id, 'its id is the hash of its bytes');
    }
    assert.equal(ledger.getLine(LOCAL)?.kind, 'local', 'a line the federation never sends');
  });

  it('[SEC5] entries read newest first, a page at a time, without the local line’s other events', async () => {
    for (let i = 1; i <= 5; i++) {
      await audit.record('user-created', 'admin@alpha', { username: `user-${i}`, role: 'officer' });
      // A draft report is a local note too (ENC2): not an audit entry.
      await ledger.append(LOCAL, 'officer@alpha', 'encounter.drafted', { note: i });
    }
    const first = await audit.read(2);
    assert.deepEqual(
      first.entries.map((entry) => [entry.action, entry.details.username]),
      [
        ['user-created', 'user-5'],
        ['user-created', 'user-4'],
      ],
    );
    assert.ok(first.next !== null);
    const second = await audit.read(2, first.next);
    assert.deepEqual(
      second.entries.map((entry) => entry.details.username),
      ['user-3', 'user-2'],
    );
    const last = await audit.read(10, second.next ?? undefined);
    assert.deepEqual(
      last.entries.map((entry) => entry.details.username),
      ['user-1'],
    );
    assert.equal(last.next, null, 'nothing before the first entry');
    const entry = first.entries[0];
    assert.ok(entry);
    assert.equal(entry.author, 'admin@alpha');
    assert.match(entry.at, /^\d{4}-\d\d-\d\dT/);
    assert.equal(entry.id.length, 43);
  });

  it('[SEC5] failed sign-ins of one account: the first at once, the rest of the minute as one entry', async () => {
    await audit.loginFailed('officer', 'bad-password', '192.0.2.1');
    let failures = (await localEvents()).filter((e) => e.type === 'audit.login-failed');
    assert.deepEqual(
      failures.map((e) => e.body),
      [{ username: 'officer', reason: 'bad-password', count: 1, addresses: ['192.0.2.1'] }],
    );
    for (let i = 0; i < 200; i++)
      await audit.loginFailed('officer', i % 2 ? 'bad-code' : 'bad-password', `192.0.2.${i % 20}`);
    await audit.loginFailed('officer', 'locked', '192.0.2.1');
    assert.equal(
      (await localEvents()).filter((e) => e.type === 'audit.login-failed').length,
      1,
      'no entry per failure',
    );
    await sleep(WINDOW_MS * 2);
    await ledger.idle();
    failures = (await localEvents()).filter((e) => e.type === 'audit.login-failed');
    assert.equal(failures.length, 2, 'one entry sums up the window');
    const summary = failures[1]?.body as {
      count: number;
      reasons: object;
      addresses: string[];
      from: string;
    };
    assert.equal(summary.count, 201);
    assert.deepEqual(summary.reasons, { 'bad-password': 100, 'bad-code': 100, locked: 1 });
    assert.equal(summary.addresses.length, 10, 'at most ten addresses');
    assert.match(summary.from, /^\d{4}-/);
    // A quiet window after it writes nothing more.
    await sleep(WINDOW_MS * 2);
    assert.equal((await localEvents()).filter((e) => e.type === 'audit.login-failed').length, 2);
  });

  it('[SEC5] names that are not accounts are summed up together and never recorded', async () => {
    await audit.loginFailed('hunter2-typed-as-a-name', 'unknown-user', '198.51.100.9');
    for (let i = 0; i < 50; i++) await audit.loginFailed(`guess-${i}`, 'unknown-user', '198.51.100.9');
    await audit.stop();
    await ledger.idle();
    const failures = (await localEvents()).filter((e) => e.type === 'audit.login-failed');
    assert.equal(failures.length, 2);
    assert.equal(failures[0]?.body.username, null);
    assert.equal(failures[1]?.body.count, 50);
    const text = JSON.stringify(failures);
    assert.doesNotMatch(text, /hunter2|guess-/, 'the names tried are not kept');
  });

  /** The store as a disk that was tampered with: `edit` changes the events read back. */
  const tamperedStore = (edit: (events: StoredEvent[]) => StoredEvent[]): Store =>
    new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'eventsBySeqRange') {
          return async (...args: Parameters<Store['eventsBySeqRange']>) =>
            edit(await target.eventsBySeqRange(...args));
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });

  it('[SEC5] a read says the chain is whole, and shows where an entry was changed or removed', async () => {
    for (const username of ['night', 'day', 'relief'])
      await audit.record('role-changed', 'admin@alpha', { username, from: 'officer', to: 'observer' });
    const whole = await audit.read(10);
    assert.deepEqual(whole.chain, { intact: true, from: 1, to: 4 });

    const promoted = new AuditLog({
      ledger,
      store: tamperedStore((events) =>
        events.map((stored) =>
          stored.event.body.username === 'day'
            ? { ...stored, event: { ...stored.event, body: { ...stored.event.body, to: 'admin' } } }
            : stored,
        ),
      ),
      clock: new ManualClock(T0),
      logger: silentLogger,
    });
    const changed = await promoted.read(10);
    assert.equal(changed.chain.intact, false);
    assert.deepEqual(changed.chain.problem, { seq: 3, problem: 'changed' });

    const removed = new AuditLog({
      ledger,
      store: tamperedStore((events) => events.filter((stored) => stored.event.body.username !== 'day')),
      clock: new ManualClock(T0),
      logger: silentLogger,
    });
    const gap = await removed.read(10);
    assert.deepEqual(
      gap.entries.map((entry) => entry.details.username),
      ['relief', 'night'],
    );
    assert.deepEqual(gap.chain.problem, { seq: 4, problem: 'missing-before' });
  });

  it('[SEC5] an entry that cannot be written is logged, and the caller goes on', async () => {
    ledger.holdAppends('restored from a backup');
    assert.equal(await audit.record('appends-released', 'cli@alpha', {}), false);
    assert.equal(logged.length, 1);
    assert.match(JSON.stringify(logged[0]), /appends-released/);
    ledger.releaseAppends();
    assert.ok((await localEvents()).every((event) => !isAuditEvent(event)));
  });
});
