/**
 * Users and roles on a real node (SEC1) and the audit log that records what was done (SEC5):
 * the admin routes, `liaison user role|disable|enable` through the running node and on its
 * stopped folder, the rules that keep a node administrable, and the log read back as an admin,
 * a supervisor and an officer would.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { ApiClient, BIN, type Cluster, PASSWORD, startCluster } from '../support/cluster.ts';

interface UserView {
  username: string;
  role: string;
  disabled: boolean;
  secondFactor: string;
}

interface AuditEntry {
  seq: number;
  action: string;
  author: string;
  details: Record<string, unknown>;
}

interface AuditPage {
  entries: AuditEntry[];
  next: number | null;
  chain: { intact: boolean; from: number; to: number };
}

/** Passwords used below: none of them may appear in the audit log. */
const NIGHT_PASSWORD = 'night-shift-password';
const NEW_INTERPRETER_PASSWORD = 'fresh-interpreter-password';
const WRONG_PASSWORD = 'not-the-password-at-all';

describe('users, roles and the audit log', { timeout: 240_000 }, () => {
  let cluster: Cluster;
  let url: string;
  let admin: ApiClient;

  /** Runs `liaison` on alpha's folder. */
  const liaison = (...args: string[]) => {
    const result = spawnSync(process.execPath, [BIN, ...args, '--data', cluster.node('alpha').dir], {
      encoding: 'utf8',
      env: cluster.envFor('alpha'),
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  const login = (username: string, password = PASSWORD) =>
    fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    }).then(async (response) => ({
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
    }));

  const users = async () => (await admin.get<{ users: UserView[] }>('/api/v1/admin/users')).users;
  const userNamed = async (name: string) => (await users()).find((user) => user.username === name);
  const auditLog = async (client: ApiClient = admin) =>
    client.get<AuditPage>('/api/v1/admin/audit?limit=500');

  before(async () => {
    cluster = await startCluster({ nodeIds: ['alpha'] });
    url = cluster.node('alpha').url;
    admin = await ApiClient.login(url, 'admin');
  });

  after(async () => {
    await cluster?.stop();
  });

  it('[SEC1] an admin creates a user, who must enrol a second factor before anything else', async () => {
    const before = await users();
    assert.deepEqual(
      before.map((user) => [user.username, user.role, user.secondFactor, user.disabled]),
      [
        ['admin', 'admin', 'exempt', false],
        ['interpreter', 'interpreter', 'exempt', false],
        ['observer', 'observer', 'exempt', false],
        ['officer', 'officer', 'exempt', false],
        ['supervisor', 'supervisor', 'exempt', false],
      ],
    );
    const created = await admin.request('POST', '/api/v1/admin/users', {
      username: 'night',
      role: 'officer',
      password: NIGHT_PASSWORD,
      language: 'zh',
    });
    assert.equal(created.status, 201);
    assert.deepEqual(
      { ...(created.body as { user: UserView }).user, createdAt: undefined },
      {
        username: 'night',
        role: 'officer',
        language: 'zh',
        disabled: false,
        secondFactor: 'pending',
        lockedUntil: null,
        createdAt: undefined,
      },
    );
    const first = await login('night', NIGHT_PASSWORD);
    assert.equal(first.status, 401);
    assert.equal(first.body.error, 'totp-enrolment-required');
  });

  it('[SEC1] bad or conflicting input is refused with its reason and changes nothing', async () => {
    const count = (await users()).length;
    const duplicate = await admin.request('POST', '/api/v1/admin/users', {
      username: 'night',
      role: 'observer',
      password: NIGHT_PASSWORD,
    });
    assert.equal(duplicate.status, 409);
    assert.equal((duplicate.body as { error: string }).error, 'user-exists');
    const bad = await admin.request('POST', '/api/v1/admin/users', {
      username: 'Night Shift',
      role: 'captain',
      password: 'short',
      badge: 7,
    });
    assert.equal(bad.status, 400);
    const problems = (bad.body as { error: string; fields: { path: string }[] }).fields.map((f) => f.path);
    for (const path of ['username', 'role', 'password'])
      assert.ok(problems.includes(path), `${path} in ${problems}`);
    assert.equal(
      (await admin.request('PATCH', '/api/v1/admin/users/nobody', { role: 'officer' })).status,
      404,
    );
    assert.equal((await admin.request('PATCH', '/api/v1/admin/users/night', {})).status, 400);
    assert.equal(
      (await admin.request('PATCH', '/api/v1/admin/users/night', { role: 'captain' })).status,
      400,
    );
    assert.equal((await users()).length, count);
    assert.equal((await userNamed('night'))?.role, 'officer');
  });

  it('[SEC1] a new role counts from the very next request of a signed-in user', async () => {
    const officer = await ApiClient.login(url, 'officer');
    assert.equal((await officer.request('GET', '/api/v1/admin/audit')).status, 403);
    const promoted = await admin.request('PATCH', '/api/v1/admin/users/officer', { role: 'supervisor' });
    assert.equal(promoted.status, 200);
    assert.equal((promoted.body as { user: UserView }).user.role, 'supervisor');
    assert.equal(
      (await officer.request('GET', '/api/v1/admin/audit')).status,
      200,
      'the session follows at once',
    );
    await admin.request('PATCH', '/api/v1/admin/users/officer', { role: 'officer' });
    assert.equal((await officer.request('GET', '/api/v1/admin/audit')).status, 403, 'and back');
  });

  it('[SEC1] disabling ends every session of the user; enabling lets them sign in again', async () => {
    const desk = await ApiClient.login(url, 'observer');
    const laptop = await ApiClient.login(url, 'observer');
    assert.equal((await desk.request('GET', '/api/v1/lines')).status, 200);
    const disabled = await admin.request('PATCH', '/api/v1/admin/users/observer', { disabled: true });
    assert.equal(disabled.status, 200);
    assert.equal((disabled.body as { user: UserView }).user.disabled, true);
    for (const session of [desk, laptop])
      assert.equal((await session.request('GET', '/api/v1/lines')).status, 401);
    const refused = await login('observer');
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error, 'account-disabled');
    assert.equal((await login('observer', WRONG_PASSWORD)).status, 401, 'a wrong password says nothing more');
    assert.equal(
      (await admin.request('PATCH', '/api/v1/admin/users/observer', { disabled: false })).status,
      200,
    );
    assert.equal((await login('observer')).status, 200);
  });

  it('[SEC1] nobody demotes or disables themselves, and the last admin stays an admin', async () => {
    for (const change of [{ role: 'officer' }, { disabled: true }]) {
      const own = await admin.request('PATCH', '/api/v1/admin/users/admin', change);
      assert.equal(own.status, 409);
      assert.equal((own.body as { error: string }).error, 'self-lockout');
    }
    const demote = liaison('user', 'role', 'admin', 'officer');
    assert.notEqual(demote.status, 0);
    assert.match(demote.stderr, /only enabled admin.*\(last-admin\)/);
    const disable = liaison('user', 'disable', 'admin');
    assert.notEqual(disable.status, 0);
    assert.match(disable.stderr, /last-admin/);
    assert.equal((await userNamed('admin'))?.role, 'admin');
    assert.equal((await userNamed('admin'))?.disabled, false);
  });

  it('[SEC1] a new password: the old one fails, the sessions end and a lock is lifted', async () => {
    const session = await ApiClient.login(url, 'interpreter');
    for (let i = 0; i < 10; i++) await login('interpreter', WRONG_PASSWORD);
    assert.equal((await login('interpreter')).status, 423, 'locked after ten failures');
    const changed = await admin.request('POST', '/api/v1/admin/users/interpreter/password', {
      password: NEW_INTERPRETER_PASSWORD,
    });
    assert.equal(changed.status, 200);
    assert.equal((changed.body as { user: { lockedUntil: string | null } }).user.lockedUntil, null);
    assert.equal((await session.request('GET', '/api/v1/lines')).status, 401);
    assert.equal((await login('interpreter')).status, 401);
    assert.equal((await login('interpreter', NEW_INTERPRETER_PASSWORD)).status, 200);
    const short = await admin.request('POST', '/api/v1/admin/users/interpreter/password', {
      password: 'short',
    });
    assert.equal(short.status, 400);
  });

  it('[SEC1] liaison user role, disable and enable go through the running node', async () => {
    const role = liaison('user', 'role', 'night', 'supervisor');
    assert.equal(role.status, 0, role.stderr);
    assert.equal(role.stdout, 'night@alpha is now supervisor\n');
    const disable = liaison('user', 'disable', 'night');
    assert.equal(disable.status, 0, disable.stderr);
    assert.match(disable.stdout, /^disabled night@alpha; their sessions are ended/);
    assert.equal((await userNamed('night'))?.disabled, true);
    const enable = liaison('user', 'enable', 'night');
    assert.equal(enable.stdout, 'enabled night@alpha\n');
    const list = liaison('user', 'list');
    assert.match(list.stdout, /^night\tsupervisor\tenrols at next sign-in\n/m);
    const unknown = liaison('user', 'role', 'night', 'captain');
    assert.notEqual(unknown.status, 0);
  });

  it('[SEC5] the audit log says who did what and why sign-ins failed, and never a password', async () => {
    await login('nobody-of-ours', WRONG_PASSWORD);
    const leaving = await ApiClient.login(url, 'supervisor');
    assert.equal((await leaving.request('POST', '/api/v1/auth/logout-all', {})).status, 200);
    const rebuild = liaison('rebuild');
    assert.equal(rebuild.status, 0, rebuild.stderr);
    const { entries, chain } = await auditLog();
    assert.ok(chain.intact, 'the local line’s chain is whole');
    const seen = (action: string, match: (entry: AuditEntry) => boolean = () => true) =>
      entries.find((entry) => entry.action === action && match(entry));
    assert.ok(seen('login', (e) => e.author === 'admin@alpha' && e.details.address === '127.0.0.1'));
    assert.ok(seen('user-created', (e) => e.author === 'admin@alpha' && e.details.username === 'night'));
    assert.ok(
      seen(
        'role-changed',
        (e) =>
          e.details.username === 'officer' && e.details.from === 'officer' && e.details.to === 'supervisor',
      ),
    );
    assert.ok(seen('user-disabled', (e) => e.details.username === 'observer' && e.author === 'admin@alpha'));
    assert.ok(seen('user-enabled', (e) => e.details.username === 'observer'));
    assert.ok(seen('password-changed', (e) => e.details.username === 'interpreter'));
    assert.ok(
      seen(
        'role-changed',
        (e) => e.author === 'cli@alpha' && e.details.via === 'admin-token' && e.details.to === 'supervisor',
      ),
      'the CLI acted through the node with its admin token',
    );
    assert.ok(
      seen('admin-token', (e) => e.author === 'cli@alpha' && e.details.status === 409),
      'a refused CLI use too',
    );
    assert.ok(
      seen('projections-rebuilt', (e) => e.author === 'cli@alpha' && e.details.via === 'admin-token'),
    );
    assert.ok(seen('logout', (e) => e.author === 'supervisor@alpha' && e.details.everywhere === true));
    assert.ok(
      seen(
        'login-failed',
        (e) => e.details.username === 'interpreter' && e.details.reason === 'bad-password',
      ),
    );
    assert.ok(
      seen('login-failed', (e) => e.details.username === null && e.details.reason === 'unknown-user'),
    );
    assert.ok(
      seen('login-failed', (e) => e.details.username === 'observer' && e.details.reason === 'disabled'),
    );
    assert.ok(
      entries.filter((e) => e.action === 'login-failed' && e.details.username === 'interpreter').length <= 2,
      'ten failures in a minute are not ten entries',
    );
    const text = JSON.stringify(entries);
    for (const secret of [
      PASSWORD,
      NIGHT_PASSWORD,
      NEW_INTERPRETER_PASSWORD,
      WRONG_PASSWORD,
      'nobody-of-ours',
    ])
      assert.ok(!text.includes(secret), `${secret} is not in the log`);
    const seqs = entries.map((e) => e.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => b - a),
      'newest first',
    );
  });

  it('[SEC5] a supervisor reads the log; an officer reads neither it nor its events on the local line', async () => {
    const supervisor = await ApiClient.login(url, 'supervisor');
    assert.ok((await auditLog(supervisor)).entries.length > 0);
    const officer = await ApiClient.login(url, 'officer');
    assert.equal((await officer.request('GET', '/api/v1/admin/audit')).status, 403);
    const local = `/api/v1/lines/local-alpha/events?limit=10000`;
    const asOfficer = await officer.get<{ events: { type: string; id: string }[] }>(local);
    assert.ok(asOfficer.events.every((event) => !event.type.startsWith('audit.')));
    const asAdmin = await admin.get<{ events: { type: string; id: string }[] }>(local);
    const auditEvent = asAdmin.events.find((event) => event.type.startsWith('audit.'));
    assert.ok(auditEvent);
    assert.equal((await officer.request('GET', `/api/v1/events/${auditEvent.id}`)).status, 404);
    assert.equal((await admin.request('GET', `/api/v1/events/${auditEvent.id}`)).status, 200);
    const since = await officer.get<{ events: { type: string }[] }>(`${local}&since=0`);
    assert.ok(since.events.every((event) => !event.type.startsWith('audit.')));
  });

  it('[SEC5] pages of the log follow one another with `before`', async () => {
    const first = await admin.get<AuditPage>('/api/v1/admin/audit?limit=3');
    assert.equal(first.entries.length, 3);
    assert.ok(first.next !== null);
    const second = await admin.get<AuditPage>(`/api/v1/admin/audit?limit=3&before=${first.next}`);
    assert.ok((second.entries[0]?.seq ?? 0) < (first.entries[2]?.seq ?? 0));
    assert.equal((await admin.request('GET', '/api/v1/admin/audit?limit=0')).status, 400);
    assert.equal((await admin.request('GET', '/api/v1/admin/audit?before=abc')).status, 400);
  });

  it('[SEC1][SEC5] on a stopped node the CLI changes the user and writes the audit entry itself', async () => {
    const alpha = cluster.node('alpha');
    await alpha.stop();
    const role = liaison('user', 'role', 'night', 'observer');
    assert.equal(role.status, 0, role.stderr);
    const refused = liaison('user', 'disable', 'admin');
    assert.match(refused.stderr, /last-admin/, 'the rules hold offline too');
    await alpha.start();
    admin = await ApiClient.login(url, 'admin');
    assert.equal((await userNamed('night'))?.role, 'observer');
    const { entries, chain } = await auditLog();
    assert.ok(chain.intact);
    const offline = entries.find((e) => e.action === 'role-changed' && e.details.via === 'cli');
    assert.deepEqual(offline?.details, { username: 'night', from: 'supervisor', to: 'observer', via: 'cli' });
    assert.equal(offline?.author, 'cli@alpha');
  });
});
