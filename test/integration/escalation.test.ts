/**
 * Deadlines and escalation on two real node processes (HOT2, HOT3, HOT4): the routes (400 on bad
 * input, 403 for roles without escalation.manage), a line's deadlines set by a signed event both
 * sides hold, and a FLASH from alpha left unacknowledged: both nodes record `escalation.raised`,
 * the webhook server and the SMTP server this test started receive the alerts, and after bravo
 * acknowledges no further step is raised. Deadlines and repeats are seconds long (real time,
 * bounded with `eventually`), as the integration tests alone may do.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { EscalationPolicies } from '../../src/core/escalationPolicy.ts';
import type { LiaisonEvent } from '../../src/core/types.ts';
import type { MessageView } from '../../src/hotline/messages.ts';
import {
  ApiClient,
  type Cluster,
  eventually,
  HOTLINE,
  startCluster,
  waitLinkUp,
} from '../support/cluster.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtpServer.ts';

const SECRET = 'integration-webhook-secret';

async function escalationsAt(client: ApiClient, message: string): Promise<LiaisonEvent[]> {
  const { events } = await client.get<{ events: LiaisonEvent[] }>(
    `/api/v1/lines/${HOTLINE}/events?limit=5000`,
  );
  return events.filter((e) => e.type === 'escalation.raised' && e.body.message === message);
}

describe('deadlines and escalation between two nodes', { timeout: 90_000 }, () => {
  let cluster: Cluster;
  let smtp: TestSmtpServer;
  let hookServer: Server;
  const hooks: { node: string; side: string; step: number; signature: string | undefined }[] = [];
  let alphaAdmin: ApiClient;
  let bravoAdmin: ApiClient;
  let alpha: ApiClient;
  let bravo: ApiClient;

  before(async () => {
    smtp = await startSmtpServer();
    hookServer = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      req.on('end', () => {
        const payload = JSON.parse(body) as { node: string; side: string; step: number };
        hooks.push({ ...payload, signature: req.headers['x-liaison-signature'] as string | undefined });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', resolve));
    const address = hookServer.address();
    const hookUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/alerts`;
    cluster = await startCluster({
      env: {
        LIAISON_ACK_DEADLINES: 'FLASH=2s,IMMEDIATE=30s,PRIORITY=3h,ROUTINE=6h',
        LIAISON_ESCALATION_CONTACTS: JSON.stringify({
          supervisor: { email: ['duty-chief@example.org'], webhook: [hookUrl] },
        }),
        LIAISON_ESCALATION_WEBHOOK_SECRET: SECRET,
        LIAISON_SMTP_URL: smtp.url,
        LIAISON_SMTP_FROM: 'liaison@example.org',
      },
    });
    alphaAdmin = await ApiClient.login(cluster.node('alpha').url, 'admin');
    bravoAdmin = await ApiClient.login(cluster.node('bravo').url, 'admin');
    alpha = await ApiClient.login(cluster.node('alpha').url, 'officer');
    bravo = await ApiClient.login(cluster.node('bravo').url, 'officer');
    await waitLinkUp(alpha);
  });

  after(async () => {
    await cluster?.stop();
    await smtp?.close();
    hookServer?.closeAllConnections();
    await new Promise<void>((resolve) => (hookServer ? hookServer.close(() => resolve()) : resolve()));
  });

  it('[HOT4][SEC1][SEC3] policies: anyone reads them; only an admin edits them, validated whole', async () => {
    const defaults = await alpha.get<EscalationPolicies>('/api/v1/escalation/policies');
    assert.equal(defaults.FLASH.repeatEverySeconds, 300);

    const forbidden = await alpha.request('PUT', '/api/v1/escalation/policies', defaults);
    assert.equal(forbidden.status, 403);
    assert.equal((forbidden.body as { error: string }).error, 'forbidden');

    const outOfOrder = structuredClone(defaults);
    outOfOrder.FLASH.steps = [
      { afterSeconds: 60, roles: ['supervisor'], channels: ['console'] },
      { afterSeconds: 0, roles: ['supervisor'], channels: ['console'] },
    ];
    for (const bad of [
      outOfOrder,
      { ...defaults, URGENT: defaults.FLASH },
      {
        ...defaults,
        FLASH: { ...defaults.FLASH, steps: [{ afterSeconds: 0, roles: ['king'], channels: ['console'] }] },
      },
      { ...defaults, ROUTINE: undefined },
      'not json',
    ]) {
      const refused = await alphaAdmin.request('PUT', '/api/v1/escalation/policies', bad);
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.match((refused.body as { error: string }).error, /^(invalid-input|malformed-json)$/);
    }
    assert.deepEqual(
      await alpha.get('/api/v1/escalation/policies'),
      defaults,
      'a refused edit changes nothing',
    );
  });

  it('[HOT2] a line deadline set by one admin is a signed event both sides hold, and the sender stamps it', async () => {
    const path = `/api/v1/lines/${HOTLINE}/deadlines`;
    assert.equal((await alpha.request('PUT', path, { IMMEDIATE: '45m' })).status, 403);
    assert.equal((await alphaAdmin.request('PUT', path, { IMMEDIATE: 'soon' })).status, 400);
    assert.equal((await alphaAdmin.request('PUT', path, { IMMEDIATE: '500ms' })).status, 400);
    assert.equal((await alphaAdmin.request('PUT', path, { URGENT: '1m' })).status, 400);
    assert.equal((await alphaAdmin.request('PUT', '/api/v1/lines/no-such-line/deadlines', {})).status, 404);

    const set = await alphaAdmin.request('PUT', path, { IMMEDIATE: '45m' });
    assert.equal(set.status, 201);
    const { event } = set.body as { event: LiaisonEvent };
    assert.equal(event.type, 'line.settings');
    assert.deepEqual(event.body, { ackDeadlinesMs: { IMMEDIATE: 2_700_000 } });

    const atBravo = await eventually('bravo to hold the line setting', async () => {
      const view = await bravo.get<{ deadlinesMs: Record<string, number>; sources: Record<string, string> }>(
        path,
      );
      return view.sources.IMMEDIATE === 'line' ? view : undefined;
    });
    assert.equal(atBravo.deadlinesMs.IMMEDIATE, 2_700_000);
    assert.equal(atBravo.deadlinesMs.FLASH, 2000, "FLASH: the node's LIAISON_ACK_DEADLINES");

    const posted = await bravo.post<LiaisonEvent>(`/api/v1/lines/${HOTLINE}/messages`, {
      text: 'Notice of exercise, please confirm',
      precedence: 'IMMEDIATE',
    });
    const stamped = Date.parse(String(posted.body.deadline)) - Date.parse(posted.ts);
    // The deadline is stamped from the clock a moment before the envelope's ts is taken.
    assert.ok(Math.abs(stamped - 2_700_000) < 1000, `stamped ${stamped} ms`);
    // Back to the node's deadlines, so nothing else here depends on this setting.
    assert.equal((await bravoAdmin.request('PUT', path, {})).status, 201);
  });

  it('[HOT4][HOT3] an unacknowledged FLASH escalates on both sides, by webhook and e-mail, until acknowledged', async () => {
    const policy: EscalationPolicies = await alpha.get('/api/v1/escalation/policies');
    policy.FLASH = {
      steps: [{ afterSeconds: 0, roles: ['supervisor'], channels: ['console', 'webhook', 'email'] }],
      repeatEverySeconds: 2,
      maxRepeats: 100,
    };
    for (const admin of [alphaAdmin, bravoAdmin]) {
      const saved = await admin.request('PUT', '/api/v1/escalation/policies', policy);
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
    }

    const message = await alpha.post<LiaisonEvent>(`/api/v1/lines/${HOTLINE}/messages`, {
      text: 'Unsafe intercept in progress, respond',
      precedence: 'FLASH',
    });
    for (const [name, client] of [
      ['alpha', alpha],
      ['bravo', bravo],
    ] as const) {
      const raised = await eventually(`${name} to hold both sides' escalations`, async () => {
        const events = await escalationsAt(client, message.id);
        const sides = new Set(events.map((e) => `${e.origin}:${e.body.side}`));
        return sides.has('alpha:sender') && sides.has('bravo:receiver') ? events : undefined;
      });
      assert.equal(raised[0]?.body.overdueAt, message.body.deadline);
    }
    const view = await alpha.get<MessageView>(`/api/v1/messages/${message.id}`);
    assert.equal(view.state, 'overdue');
    assert.equal(view.overdueAt, message.body.deadline);

    await eventually('webhooks from both nodes', async () =>
      hooks.some((h) => h.node === 'alpha' && h.side === 'sender') &&
      hooks.some((h) => h.node === 'bravo' && h.side === 'receiver')
        ? true
        : undefined,
    );
    assert.match(hooks[0]?.signature ?? '', /^t=\d+,v1=[0-9a-f]{64}$/);
    await eventually('an e-mail alert', async () => (smtp.messages.length >= 2 ? true : undefined));
    assert.deepEqual(smtp.messages[0]?.to, ['duty-chief@example.org']);
    assert.match(smtp.messages[0]?.subject ?? '', /FLASH overdue/);

    const metrics = await alpha.request('GET', '/metrics');
    assert.match(String(metrics.body), /liaison_escalations_total\{[^}]*side="sender"[^}]*\} [1-9]/);

    await bravo.post(`/api/v1/messages/${message.id}/ack`, { text: 'Received, investigating' });
    await eventually('alpha to see the acknowledgement', async () => {
      const state = await alpha.get<MessageView>(`/api/v1/messages/${message.id}`);
      return state.state === 'acknowledged' ? state : undefined;
    });
    // A step alpha ran while the acknowledgement was on its way may still arrive; then silence.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const settled = (await escalationsAt(alpha, message.id)).length;
    const hooksSettled = hooks.length;
    await new Promise((resolve) => setTimeout(resolve, 4500));
    assert.equal(
      (await escalationsAt(alpha, message.id)).length,
      settled,
      'no step after the acknowledgement',
    );
    assert.equal(hooks.length, hooksSettled);
    const acknowledged = await alpha.get<MessageView>(`/api/v1/messages/${message.id}`);
    assert.equal(acknowledged.overdueAt, message.body.deadline, 'a late acknowledgement keeps overdueAt');
  });
});
