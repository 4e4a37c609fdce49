/**
 * The reliability report on two real node processes (HOT8): a few messages of each precedence,
 * some acknowledged, drills every 2 s and a cut of the link through a TCP proxy; then the report
 * for the same period read from alpha and from bravo must have the same figures and digest, and
 * plausible ones. Also the route's refusals (400, 403, 404) and the printable page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LiaisonEvent } from '../../src/core/types.ts';
import type { MessageView } from '../../src/hotline/messages.ts';
import type { ReliabilityReport } from '../../src/hotline/reliabilityTypes.ts';
import {
  ApiClient,
  type Cluster,
  eventually,
  HOTLINE,
  startCluster,
  waitLinkUp,
} from '../support/cluster.ts';

type ReportAnswer = ReliabilityReport & { node: string; peer: string; generatedAt: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function linkState(client: ApiClient): Promise<string | undefined> {
  return (await client.get<{ state: string }[]>('/api/v1/peers'))[0]?.state;
}

describe('the reliability report between two nodes', { timeout: 120_000 }, () => {
  let cluster: Cluster;
  let alpha: ApiClient;
  let bravo: ApiClient;
  let alphaSupervisor: ApiClient;
  let bravoObserver: ApiClient;
  let from: string;
  let to: string;

  before(async () => {
    cluster = await startCluster({
      proxiedPairs: [['alpha', 'bravo']],
      env: {
        LIAISON_DRILL_INTERVAL_MS: '2000',
        LIAISON_ACK_DEADLINES: 'FLASH=3s,IMMEDIATE=30s,PRIORITY=3h,ROUTINE=6h',
      },
    });
    alpha = await ApiClient.login(cluster.node('alpha').url, 'officer');
    bravo = await ApiClient.login(cluster.node('bravo').url, 'officer');
    alphaSupervisor = await ApiClient.login(cluster.node('alpha').url, 'supervisor');
    bravoObserver = await ApiClient.login(cluster.node('bravo').url, 'observer');
    await waitLinkUp(alpha);
    await waitLinkUp(bravo);

    from = new Date(Date.now()).toISOString();
    const post = (client: ApiClient, precedence: string) =>
      client.post<LiaisonEvent>(`/api/v1/lines/${HOTLINE}/messages`, {
        text: `test ${precedence}`,
        precedence,
      });
    const acked = [await post(alpha, 'FLASH'), await post(alpha, 'IMMEDIATE')];
    await post(alpha, 'FLASH'); // left unacknowledged: overdue after 3 s
    await post(alpha, 'ROUTINE');
    const fromBravo = await post(bravo, 'PRIORITY');
    const ack = async (client: ApiClient, sender: ApiClient, event: LiaisonEvent) => {
      await eventually('the message to arrive', async () =>
        (await client.request('GET', `/api/v1/messages/${event.id}`)).status === 200 ? true : undefined,
      );
      await sleep(200); // a measurable time to acknowledge
      await client.post(`/api/v1/messages/${event.id}/ack`, {});
      await eventually('the acknowledgement to reach the sender', async () =>
        (await sender.get<MessageView>(`/api/v1/messages/${event.id}`)).state === 'acknowledged'
          ? true
          : undefined,
      );
    };
    for (const event of acked) await ack(bravo, alpha, event);
    await ack(alpha, bravo, fromBravo);

    // Downtime: cut the link, hold it down a few seconds, restore it.
    const proxy = cluster.proxy('alpha', 'bravo');
    proxy.cut();
    await eventually('both sides to see the link down', async () =>
      (await linkState(alpha)) === 'down' && (await linkState(bravo)) === 'down' ? true : undefined,
    );
    await sleep(3_000);
    proxy.restore();
    await waitLinkUp(alpha);
    await waitLinkUp(bravo);
    await sleep(4_000); // the overdue FLASH's deadline passes, drills run again
    to = new Date(Date.now()).toISOString();
  });

  after(async () => {
    await cluster?.stop();
  });

  const reportPath = (peer: string, extra = '') =>
    `/api/v1/reports/reliability?peer=${peer}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}${extra}`;

  it('[HOT8] alpha and bravo print identical figures and digest for the same period', async () => {
    // Drills run every 2 s, so both sides soon append events dated after the end, and record
    // that they hold each other's: the reports become complete.
    const [atAlpha, atBravo] = await eventually(
      'both reports to be complete',
      async () => {
        const a = await alphaSupervisor.get<ReportAnswer>(reportPath('bravo'));
        const b = await bravoObserver.get<ReportAnswer>(reportPath('alpha'));
        return a.completeness.isComplete && b.completeness.isComplete ? [a, b] : undefined;
      },
      60_000,
    );
    assert.equal(atAlpha.node, 'alpha');
    assert.equal(atBravo.node, 'bravo');
    assert.deepEqual(atAlpha.figures, atBravo.figures);
    assert.equal(atAlpha.digest, atBravo.digest);

    const { figures } = atAlpha;
    const out = figures.directions.find((d) => d.from === 'alpha');
    const back = figures.directions.find((d) => d.from === 'bravo');
    assert.equal(out?.messages, 4);
    assert.equal(back?.messages, 1);
    assert.equal(figures.overall.messages, 5);
    assert.equal(out?.delivery.delivered, 4);
    assert.equal(out?.acknowledgement.byPrecedence.FLASH.messages, 2);
    assert.equal(out?.acknowledgement.byPrecedence.FLASH.acknowledged, 1);
    assert.equal(out?.acknowledgement.byPrecedence.IMMEDIATE.acknowledged, 1);
    assert.equal(back?.acknowledgement.byPrecedence.PRIORITY.acknowledged, 1);
    assert.ok((out?.acknowledgement.total.timeToAckMs.p50 ?? 0) > 0, 'acknowledgements take time');
    assert.ok((out?.overdue.overdue ?? 0) >= 1, 'the unanswered FLASH is overdue');
    assert.ok(figures.overall.drills.sent > 0 && figures.overall.drills.answered > 0, 'drills ran');
    const { combined } = figures.uptime;
    assert.ok(
      combined.upPercent !== null && combined.upPercent < 100,
      `uptime ${combined.upPercent} < 100 %`,
    );
    assert.ok(combined.upPercent > 0);
    assert.ok(combined.outages >= 1);
    for (const view of figures.uptime.views) assert.ok(view.downMs > 0, `${view.node} saw the link down`);
  });

  it('[HOT8] the printable page shows the node, the peer, the period and the digest', async () => {
    const json = await alphaSupervisor.get<ReportAnswer>(reportPath('bravo'));
    const response = await fetch(`${cluster.node('alpha').url}${reportPath('bravo', '&format=html')}`, {
      headers: { authorization: `Bearer ${alphaSupervisor.token}` },
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const html = await response.text();
    assert.ok(html.includes(json.digest));
    assert.ok(html.includes(from) && html.includes(to));
    assert.match(html, /<svg role="img"/);
    assert.match(html, /@page\{size:A4/);
  });

  it('[HOT8] a bad period is 400, a peer without a hotline 404, and an officer 403', async () => {
    const bad = [
      `/api/v1/reports/reliability?peer=bravo&from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`,
      '/api/v1/reports/reliability?peer=bravo&from=2024-01-01&to=2025-06-01',
      '/api/v1/reports/reliability?peer=bravo&from=last-week&to=2025-06-01',
      '/api/v1/reports/reliability?peer=bravo&from=2025-06-01',
      '/api/v1/reports/reliability?peer=bravo&format=pdf',
      '/api/v1/reports/reliability?peer=Bravo!',
    ];
    for (const path of bad) {
      const { status, body } = await alphaSupervisor.request('GET', path);
      assert.equal(status, 400, path);
      assert.match((body as { error: string }).error, /^(bad-period|invalid-input)$/, path);
    }
    const unknown = await alphaSupervisor.request('GET', '/api/v1/reports/reliability?peer=charlie');
    assert.deepEqual([unknown.status, (unknown.body as { error: string }).error], [404, 'unknown-peer']);
    const officer = await alpha.request('GET', '/api/v1/reports/reliability?peer=bravo');
    assert.deepEqual([officer.status, (officer.body as { error: string }).error], [403, 'forbidden']);
    // The default period (last full month) answers, with no traffic in it.
    const lastMonth = await alphaSupervisor.get<ReportAnswer>('/api/v1/reports/reliability');
    assert.equal(lastMonth.figures.overall.messages, 0);
    assert.equal(lastMonth.peer, 'bravo');
  });
});
