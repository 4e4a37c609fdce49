/**
 * Call requests between two real nodes (HOT7): an officer at alpha asks for a call at director
 * level, bravo sees it and proposes a time, alpha accepts and both nodes read the same agreed
 * call; bad input is refused naming its fields and changes nothing; an answer from the wrong
 * side is refused; a FLASH request nobody answers turns overdue on both sides at its deadline
 * (FLASH deadlines shortened to 3 s with LIAISON_ACK_DEADLINES).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LiaisonEvent } from '../../src/core/types.ts';
import {
  ApiClient,
  type Cluster,
  eventually,
  HOTLINE,
  startCluster,
  waitLinkUp,
} from '../support/cluster.ts';

interface Listed {
  request: string;
  line: string;
  state: string;
  turn: string | null;
  level: string;
  topic: string;
  urgency: string;
  requestedBy: string;
  proposedAt: string | null;
  deadline: string;
  time: string | null;
  agreedTime: string | null;
  answers: { answer: string; by: string; time: string | null; side: string }[];
  side: string;
  awaiting: string[];
  mayAnswer: string[];
}

interface Created {
  event: LiaisonEvent;
  request: Listed;
}

interface Refusal {
  error: string;
  message: string;
  fields?: { path: string; message: string }[];
}

const HOUR = 3_600_000;

/**
 * The deadline is `ms` after the request: stamped when the node took it, a moment before the
 * event's own `ts`, as for a message (HOT2).
 */
function assertDeadlineAfter(asked: Created, ms: number, what: string): void {
  const gap = Date.parse(asked.request.deadline) - Date.parse(asked.event.ts);
  assert.ok(gap <= ms && gap > ms - 1000, `${what}: ${gap} ms`);
}

/** What both sides must agree on: the request without this node's own view of it. */
function shared({ side: _side, awaiting: _awaiting, mayAnswer: _mayAnswer, ...rest }: Listed) {
  return rest;
}

describe('call requests between two nodes', { timeout: 120_000 }, () => {
  let cluster: Cluster;
  let alphaOfficer: ApiClient;
  let bravoOfficer: ApiClient;
  let bravoObserver: ApiClient;

  const requestAt = async (client: ApiClient, id: string) =>
    (await client.get<{ requests: Listed[] }>(`/api/v1/call-requests?line=${HOTLINE}`)).requests.find(
      (listed) => listed.request === id,
    );

  before(async () => {
    cluster = await startCluster({
      env: { LIAISON_ACK_DEADLINES: 'FLASH=3s,IMMEDIATE=30m,PRIORITY=3h,ROUTINE=6h' },
    });
    [alphaOfficer, bravoOfficer, bravoObserver] = await Promise.all([
      ApiClient.login(cluster.node('alpha').url, 'officer'),
      ApiClient.login(cluster.node('bravo').url, 'officer'),
      ApiClient.login(cluster.node('bravo').url, 'observer'),
    ]);
    await Promise.all([waitLinkUp(alphaOfficer), waitLinkUp(bravoOfficer)]);
  });

  after(async () => {
    await cluster?.stop();
  });

  it('[HOT7] alpha asks, bravo proposes a time, alpha accepts: both nodes read the same agreed call', async () => {
    const asked = await alphaOfficer.post<Created>('/api/v1/call-requests', {
      line: HOTLINE,
      level: 'director',
      topic: 'Unsafe intercept near the strait on 26 November',
      urgency: 'PRIORITY',
    });
    assert.equal(asked.event.type, 'call.requested');
    assert.equal(asked.event.author, 'officer@alpha');
    assert.equal(asked.request.state, 'open');
    assertDeadlineAfter(asked, 3 * HOUR, 'the deadline is the line’s PRIORITY acknowledgement deadline');
    const id = asked.request.request;

    const atBravo = await eventually('bravo to hold the request', async () => requestAt(bravoOfficer, id));
    assert.equal(atBravo.state, 'open');
    assert.equal(atBravo.requestedBy, 'officer@alpha');
    assert.equal(atBravo.level, 'director');
    assert.deepEqual(atBravo.mayAnswer, ['accept', 'propose', 'decline']);
    assert.deepEqual(atBravo.awaiting, ['bravo']);

    const proposedTime = new Date(Date.now() + HOUR).toISOString();
    const proposal = await bravoOfficer.post<Created>(`/api/v1/call-requests/${id}/answer`, {
      answer: 'propose',
      at: proposedTime,
      reason: 'The director is free in an hour',
    });
    assert.equal(proposal.request.state, 'proposed');
    assert.deepEqual(proposal.request.awaiting, ['alpha']);

    const proposedAtAlpha = await eventually('alpha to see the proposal', async () => {
      const listed = await requestAt(alphaOfficer, id);
      return listed?.state === 'proposed' ? listed : undefined;
    });
    assert.equal(proposedAtAlpha.time, proposedTime);
    assert.deepEqual(proposedAtAlpha.mayAnswer, ['accept', 'propose', 'decline']);

    const accepted = await alphaOfficer.post<Created>(`/api/v1/call-requests/${id}/answer`, {
      answer: 'accept',
    });
    assert.equal(accepted.request.state, 'agreed');
    assert.equal(accepted.request.agreedTime, proposedTime);

    const agreedAtBravo = await eventually('bravo to see the agreed call', async () => {
      const listed = await requestAt(bravoOfficer, id);
      return listed?.state === 'agreed' ? listed : undefined;
    });
    const agreedAtAlpha = await requestAt(alphaOfficer, id);
    assert.ok(agreedAtAlpha);
    assert.deepEqual(shared(agreedAtBravo), shared(agreedAtAlpha));
    assert.deepEqual(
      agreedAtBravo.answers.map((answer) => [answer.answer, answer.by, answer.time]),
      [
        ['propose', 'officer@bravo', proposedTime],
        ['accept', 'officer@alpha', proposedTime],
      ],
    );
    assert.deepEqual(agreedAtBravo.mayAnswer, [], 'an agreed call takes no more answers');
  });

  it('[HOT7] bad input is refused with 400 naming the fields, and changes nothing', async () => {
    const before = (await alphaOfficer.get<{ requests: Listed[] }>('/api/v1/call-requests')).requests.length;
    const good = { line: HOTLINE, level: 'minister', topic: 'Talks', urgency: 'ROUTINE' };
    const cases: [unknown, string][] = [
      [{ ...good, topic: '   ' }, 'topic'],
      [{ ...good, level: 'king' }, 'level'],
      [{ ...good, urgency: 'URGENT' }, 'urgency'],
      [{ ...good, proposedAt: 'tomorrow at noon' }, 'proposedAt'],
      [{ ...good, proposedAt: new Date(Date.now() - HOUR).toISOString() }, 'proposedAt'],
      [{ ...good, deadline: new Date(Date.now() + 400 * 24 * HOUR).toISOString() }, 'deadline'],
      [{ ...good, line: 'Not A Line' }, 'line'],
      [{ ...good, colour: 'red' }, '(body)'],
    ];
    for (const [body, field] of cases) {
      const answer = await alphaOfficer.request('POST', '/api/v1/call-requests', body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      const refusal = answer.body as Refusal;
      assert.equal(refusal.error, 'invalid-input');
      assert.ok(
        refusal.fields?.some((problem) => problem.path === field),
        `${JSON.stringify(body)} → ${JSON.stringify(refusal.fields)}`,
      );
    }
    const asked = await alphaOfficer.post<Created>('/api/v1/call-requests', good);
    const id = asked.request.request;
    await eventually('bravo to hold the request', async () => requestAt(bravoOfficer, id));
    const noTime = await bravoOfficer.request('POST', `/api/v1/call-requests/${id}/answer`, {
      answer: 'propose',
    });
    assert.equal(noTime.status, 400);
    assert.deepEqual(
      (noTime.body as Refusal).fields?.map((problem) => problem.path),
      ['at'],
    );
    const badAnswer = await bravoOfficer.request('POST', `/api/v1/call-requests/${id}/answer`, {
      answer: 'maybe',
    });
    assert.equal(badAnswer.status, 400);
    assert.equal((await requestAt(bravoOfficer, id))?.state, 'open', 'the refused answers changed nothing');
    const after = (await alphaOfficer.get<{ requests: Listed[] }>('/api/v1/call-requests')).requests.length;
    assert.equal(after, before + 1, 'only the good request was recorded');
  });

  it('[HOT7] the wrong side’s answer is 409 not-your-turn; an unknown request 404; an observer may only read', async () => {
    const asked = await alphaOfficer.post<Created>('/api/v1/call-requests', {
      line: HOTLINE,
      level: 'duty-officer',
      topic: 'Exercise area for tomorrow',
      urgency: 'IMMEDIATE',
    });
    const id = asked.request.request;
    const own = await alphaOfficer.request('POST', `/api/v1/call-requests/${id}/answer`, {
      answer: 'accept',
    });
    assert.equal(own.status, 409);
    assert.equal((own.body as Refusal).error, 'not-your-turn');

    await eventually('bravo to hold the request', async () => requestAt(bravoOfficer, id));
    const observer = await bravoObserver.request('POST', `/api/v1/call-requests/${id}/answer`, {
      answer: 'accept',
    });
    assert.equal(observer.status, 403);
    assert.equal((await requestAt(bravoObserver, id))?.state, 'open', 'an observer reads the requests');

    await bravoOfficer.post(`/api/v1/call-requests/${id}/answer`, {
      answer: 'decline',
      reason: 'Not needed',
    });
    const again = await bravoOfficer.request('POST', `/api/v1/call-requests/${id}/answer`, {
      answer: 'accept',
    });
    assert.equal(again.status, 409);
    assert.equal((again.body as Refusal).error, 'request-closed');

    const unknown = await bravoOfficer.request('POST', '/api/v1/call-requests/nosuchrequest/answer', {
      answer: 'accept',
    });
    assert.equal(unknown.status, 404);
    assert.equal((unknown.body as Refusal).error, 'unknown-request');
  });

  it('[HOT7] a FLASH request nobody answers is overdue on both sides at its deadline, and closed', async () => {
    const asked = await alphaOfficer.post<Created>('/api/v1/call-requests', {
      line: HOTLINE,
      level: 'director',
      topic: 'Fire-control radar lock reported',
      urgency: 'FLASH',
    });
    const id = asked.request.request;
    assertDeadlineAfter(asked, 3000, 'the FLASH deadline, shortened to 3 s');
    await eventually('bravo to hold the request', async () => requestAt(bravoOfficer, id));
    for (const client of [alphaOfficer, bravoOfficer]) {
      const overdue = await eventually(
        'the request to turn overdue',
        async () => {
          const listed = await requestAt(client, id);
          return listed?.state === 'overdue' ? listed : undefined;
        },
        10_000,
      );
      assert.deepEqual(overdue.mayAnswer, []);
    }
    const late = await bravoOfficer.request('POST', `/api/v1/call-requests/${id}/answer`, {
      answer: 'accept',
    });
    assert.equal(late.status, 409);
    assert.equal((late.body as Refusal).error, 'request-closed');
  });
});
