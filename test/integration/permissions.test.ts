/**
 * The permission table end to end (SEC1): for every action of src/server/permissions.ts and
 * every role, a real node answers a representative request with 403 exactly when
 * docs/SECURITY.md's table says no. Each probe sends what the route refuses as bad input once
 * the permission is granted (or reads only), so an allowed role gets a 2xx or a 4xx other than
 * 403, and nothing is written.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROLES, type Role } from '../../src/core/types.ts';
import { ACTIONS, type Action, isAllowed } from '../../src/server/permissions.ts';
import { ApiClient, type Cluster, startCluster } from '../support/cluster.ts';

interface Probe {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  path: string;
  body?: unknown;
}

const HOTLINE = 'hotline-alpha-bravo';
const NOT_AN_ID = 'x';

/**
 * One request per action; typed by `Action`, so a new action does not compile until it has one.
 * The route checks the permission before anything else it checks.
 */
const PROBES: Record<Action, Probe> = {
  'line.read': { method: 'GET', path: '/api/v1/lines' },
  'message.send': { method: 'POST', path: `/api/v1/lines/${HOTLINE}/messages`, body: {} },
  'message.ack': { method: 'POST', path: `/api/v1/messages/${NOT_AN_ID}/ack`, body: {} },
  'record.export': { method: 'GET', path: '/api/v1/export?unknown=1' },
  'node.admin': { method: 'GET', path: '/api/v1/admin/users' },
  'blob.read': { method: 'GET', path: `/api/v1/blobs/${NOT_AN_ID}` },
  'blob.upload': { method: 'POST', path: '/api/v1/blobs', body: {} },
  'escalation.manage': { method: 'PUT', path: '/api/v1/escalation/policies', body: { unknown: 1 } },
  'pairing.manage': { method: 'POST', path: '/api/v1/admin/key/rotate', body: { unknown: 1 } },
  'duty.hold': { method: 'POST', path: '/api/v1/duty/take', body: { unknown: 1 } },
  // The supervisor holds the desk (see `before`): handing it to them again changes nothing, and
  // only those who may reassign it get past "only the holder may hand it over".
  'duty.reassign': { method: 'POST', path: '/api/v1/duty/handover', body: { to: 'supervisor' } },
  'message.translate': { method: 'POST', path: `/api/v1/messages/${NOT_AN_ID}/translations`, body: {} },
  'report.read': { method: 'GET', path: '/api/v1/reports/reliability?unknown=1' },
  'call.make': { method: 'POST', path: '/api/v1/calls', body: {} },
  'call.request': { method: 'POST', path: '/api/v1/call-requests', body: {} },
  'talk.schedule': { method: 'POST', path: '/api/v1/talks', body: {} },
  'talk.join': { method: 'POST', path: `/api/v1/talks/${NOT_AN_ID}/join`, body: {} },
  'encounter.report': { method: 'POST', path: '/api/v1/encounters', body: {} },
  'notice.issue': { method: 'POST', path: '/api/v1/notices', body: {} },
  'audit.read': { method: 'GET', path: '/api/v1/admin/audit?unknown=1' },
};

describe('the permission table on a real node', { timeout: 180_000 }, () => {
  let cluster: Cluster;
  const clients = new Map<Role, ApiClient>();

  before(async () => {
    cluster = await startCluster();
    const alpha = cluster.node('alpha');
    for (const role of ROLES) clients.set(role, await ApiClient.login(alpha.url, role));
    const taken = await clients.get('supervisor')?.request('POST', '/api/v1/duty/take', {});
    assert.equal(taken?.status, 201, 'the supervisor holds the desk');
  });

  after(async () => {
    await cluster?.stop();
  });

  it('[SEC1] every action has a probe', () => {
    assert.deepEqual(Object.keys(PROBES).sort(), [...ACTIONS].sort());
  });

  for (const role of ROLES) {
    it(`[SEC1] the ${role}: 403 exactly where the table says no`, async () => {
      const client = clients.get(role);
      assert.ok(client);
      for (const action of ACTIONS) {
        const probe = PROBES[action];
        const { status, body } = await client.request(probe.method, probe.path, probe.body);
        const allowed = isAllowed(role, action);
        const said: string = `${role} ${action}: ${probe.method} ${probe.path} → ${status} ${JSON.stringify(body)}`;
        if (allowed) {
          assert.notEqual(status, 403, said);
          assert.notEqual(status, 401, said);
          assert.ok(status < 500, said);
        } else {
          assert.equal(status, 403, said);
        }
      }
    });
  }
});
