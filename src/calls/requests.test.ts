/**
 * Call requests (HOT7) on a real ledger pair (in-memory SQLite, real keys, a ManualClock): the
 * request with its stamped deadline, the answers and the state machine on both sides, the
 * refusals of the API's module, and bodies a hostile peer could send.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { isoTime } from '../core/clock.ts';
import type { LiaisonEvent, Precedence } from '../core/types.ts';
import {
  closeStores,
  type LedgerNode,
  LINE,
  MEMBERS,
  makeLedgerPair,
  sync,
  T0,
} from '../record/testLedgers.ts';
import {
  CALL_REQUEST_ANSWERED,
  CALL_REQUESTED,
  type CallRequestError,
  CallRequests,
  computeCallRequests,
  readCallAnswer,
  readCallRequest,
} from './requests.ts';

afterEach(closeStores);

const MINUTE = 60_000;
/** The line's deadlines in these tests: FLASH 10 min … ROUTINE 6 h (the HOT2 defaults). */
const DEADLINES: Record<Precedence, number> = {
  FLASH: 10 * MINUTE,
  IMMEDIATE: 30 * MINUTE,
  PRIORITY: 180 * MINUTE,
  ROUTINE: 360 * MINUTE,
};

function requestsOf(node: LedgerNode, clock: { now(): number }, closed: Set<string> = new Set()) {
  return new CallRequests({
    ledger: node.ledger,
    store: node.store,
    clock,
    deadlines: () => DEADLINES,
    isLineClosed: (line) => closed.has(line),
  });
}

async function pairWithRequests() {
  const pair = await makeLedgerPair();
  await sync(pair.alpha, pair.bravo);
  const closed = new Set<string>();
  return {
    ...pair,
    closed,
    atAlpha: requestsOf(pair.alpha, pair.clock, closed),
    atBravo: requestsOf(pair.bravo, pair.clock, closed),
  };
}

const ASK = {
  line: LINE,
  level: 'director',
  topic: 'Unsafe intercept near the strait',
  urgency: 'IMMEDIATE',
} as const;

function refusedWith(code: CallRequestError['code'], field?: string) {
  return (error: CallRequestError) => {
    assert.equal(error.code, code, error.message);
    if (field !== undefined) assert.equal(error.field, field);
    return true;
  };
}

/** An event as a peer might send it (only the fields the readers use matter). */
function event(fields: Partial<LiaisonEvent> & Pick<LiaisonEvent, 'type' | 'body'>): LiaisonEvent {
  return {
    v: 1,
    line: LINE,
    origin: 'bravo',
    seq: 2,
    prev: null,
    clock: 2,
    deps: {},
    ts: isoTime(T0),
    author: 'officer@bravo',
    sig: '',
    id: 'x'.repeat(43),
    ...fields,
  };
}

describe('call requests [HOT7]', () => {
  it('[HOT7] a request is a signed event on the hotline; its deadline is the line’s for its urgency; the peer sees it open, its turn to answer', async () => {
    const { alpha, bravo, clock, atAlpha, atBravo } = await pairWithRequests();
    clock.advance(MINUTE);
    const stored = await atAlpha.request('officer@alpha', ASK);
    assert.equal(stored.event.type, CALL_REQUESTED);
    assert.equal(stored.event.line, LINE);
    assert.equal(stored.event.body.deadline, isoTime(T0 + MINUTE + 30 * MINUTE));
    assert.equal(stored.event.body.proposedAt, undefined);
    await sync(alpha, bravo);
    const [seen] = await atBravo.list();
    assert.equal(seen?.state, 'open');
    assert.equal(seen?.requestedBy, 'officer@alpha');
    assert.equal(seen?.level, 'director');
    assert.equal(seen?.topic, ASK.topic);
    assert.equal(seen?.side, 'peer');
    assert.deepEqual(seen?.awaiting, ['bravo']);
    assert.deepEqual(seen?.mayAnswer, ['accept', 'propose', 'decline']);
    const [own] = await atAlpha.list();
    assert.equal(own?.side, 'requester');
    assert.deepEqual(
      own?.mayAnswer,
      ['decline'],
      'the requester may only withdraw while the peer is to answer',
    );
  });

  it('[HOT7] an explicit deadline and a proposed time are stored as the record writes times', async () => {
    const { atAlpha } = await pairWithRequests();
    const stored = await atAlpha.request('officer@alpha', {
      ...ASK,
      deadline: '2025-03-01T10:00:00+01:00',
      proposedAt: '2025-03-01T08:30:00Z',
    });
    assert.equal(stored.event.body.deadline, isoTime(T0 + 60 * MINUTE));
    assert.equal(stored.event.body.proposedAt, isoTime(T0 + 30 * MINUTE));
  });

  it('[HOT7] bravo proposes a time, alpha accepts: both sides show the same agreed call', async () => {
    const { alpha, bravo, clock, atAlpha, atBravo } = await pairWithRequests();
    const asked = await atAlpha.request('officer@alpha', ASK);
    const id = asked.event.body.request as string;
    await sync(alpha, bravo);
    clock.advance(2 * MINUTE);
    const proposal = await atBravo.answer(id, 'officer@bravo', {
      answer: 'propose',
      at: isoTime(T0 + 60 * MINUTE),
      reason: 'The director is free at 0900Z',
    });
    assert.equal(proposal.view.state, 'proposed');
    assert.equal(proposal.view.turn, 'requester');
    assert.deepEqual(proposal.view.mayAnswer, [], 'bravo waits for alpha now');
    await sync(bravo, alpha);
    const atAlphaNow = await atAlpha.get(id);
    assert.deepEqual(atAlphaNow?.mayAnswer, ['accept', 'propose', 'decline']);
    assert.equal(atAlphaNow?.time, isoTime(T0 + 60 * MINUTE));
    const accepted = await atAlpha.answer(id, 'officer@alpha', { answer: 'accept' });
    assert.equal(
      accepted.stored.event.body.at,
      isoTime(T0 + 60 * MINUTE),
      'the accept names the agreed time',
    );
    await sync(alpha, bravo);
    const [a, b] = [await atAlpha.get(id), await atBravo.get(id)];
    for (const view of [a, b]) {
      assert.equal(view?.state, 'agreed');
      assert.equal(view?.agreedTime, isoTime(T0 + 60 * MINUTE));
      assert.equal(view?.closedBy, 'officer@alpha');
      assert.deepEqual(
        view?.answers.map((answer) => [answer.answer, answer.by, answer.side]),
        [
          ['propose', 'officer@bravo', 'peer'],
          ['accept', 'officer@alpha', 'requester'],
        ],
      );
    }
    assert.equal(b?.answers[0]?.reason, 'The director is free at 0900Z');
  });

  it('[HOT7] accepting takes the requester’s time; with none on the table the call is agreed for now', async () => {
    const { alpha, bravo, clock, atAlpha, atBravo } = await pairWithRequests();
    const timed = await atAlpha.request('officer@alpha', { ...ASK, proposedAt: isoTime(T0 + 20 * MINUTE) });
    const untimed = await atAlpha.request('officer@alpha', { ...ASK, urgency: 'FLASH' });
    await sync(alpha, bravo);
    clock.advance(MINUTE);
    const first = await atBravo.answer(timed.event.body.request as string, 'officer@bravo', {
      answer: 'accept',
    });
    assert.equal(first.view.agreedTime, isoTime(T0 + 20 * MINUTE));
    const second = await atBravo.answer(untimed.event.body.request as string, 'officer@bravo', {
      answer: 'accept',
    });
    assert.equal(second.view.agreedTime, isoTime(T0 + MINUTE));
  });

  it('[HOT7] the peer declines with a reason; the request is closed to every later answer', async () => {
    const { alpha, bravo, atAlpha, atBravo } = await pairWithRequests();
    const asked = await atAlpha.request('officer@alpha', ASK);
    const id = asked.event.body.request as string;
    await sync(alpha, bravo);
    const declined = await atBravo.answer(id, 'supervisor@bravo', {
      answer: 'decline',
      reason: 'Not at this level',
    });
    assert.equal(declined.view.state, 'declined');
    assert.equal(declined.view.closedBy, 'supervisor@bravo');
    await sync(bravo, alpha);
    assert.equal((await atAlpha.get(id))?.state, 'declined');
    await assert.rejects(
      atAlpha.answer(id, 'officer@alpha', { answer: 'decline' }),
      refusedWith('request-closed'),
    );
    await assert.rejects(
      atBravo.answer(id, 'officer@bravo', { answer: 'accept' }),
      refusedWith('request-closed'),
    );
  });

  it('[HOT7] the requester withdraws: cancelled; it may not accept or propose on its own open request', async () => {
    const { alpha, bravo, atAlpha, atBravo } = await pairWithRequests();
    const asked = await atAlpha.request('officer@alpha', ASK);
    const id = asked.event.body.request as string;
    await assert.rejects(
      atAlpha.answer(id, 'officer@alpha', { answer: 'accept' }),
      refusedWith('not-your-turn'),
    );
    await assert.rejects(
      atAlpha.answer(id, 'officer@alpha', { answer: 'propose', at: isoTime(T0 + 5 * MINUTE) }),
      refusedWith('not-your-turn'),
    );
    const withdrawn = await atAlpha.answer(id, 'officer@alpha', { answer: 'decline' });
    assert.equal(withdrawn.view.state, 'cancelled');
    await sync(alpha, bravo);
    assert.equal((await atBravo.get(id))?.state, 'cancelled');
  });

  it('[HOT7] once the peer proposed, the peer may not answer again before the requester', async () => {
    const { alpha, bravo, atAlpha, atBravo } = await pairWithRequests();
    const asked = await atAlpha.request('officer@alpha', ASK);
    const id = asked.event.body.request as string;
    await sync(alpha, bravo);
    await atBravo.answer(id, 'officer@bravo', { answer: 'propose', at: isoTime(T0 + 40 * MINUTE) });
    await assert.rejects(
      atBravo.answer(id, 'officer@bravo', { answer: 'accept' }),
      refusedWith('not-your-turn'),
    );
    await assert.rejects(
      atBravo.answer(id, 'officer@bravo', { answer: 'decline' }),
      refusedWith('not-your-turn'),
    );
    await sync(bravo, alpha);
    const counter = await atAlpha.answer(id, 'officer@alpha', {
      answer: 'propose',
      at: isoTime(T0 + 50 * MINUTE),
    });
    assert.equal(counter.view.turn, 'peer');
    await sync(alpha, bravo);
    const agreed = await atBravo.answer(id, 'officer@bravo', {
      answer: 'accept',
      at: isoTime(T0 + 50 * MINUTE),
    });
    assert.equal(agreed.view.agreedTime, isoTime(T0 + 50 * MINUTE));
  });

  it('[HOT7] with no answer by the deadline the request is overdue on both sides, and closed', async () => {
    const { alpha, bravo, clock, atAlpha, atBravo } = await pairWithRequests();
    const asked = await atAlpha.request('officer@alpha', { ...ASK, urgency: 'FLASH' });
    const id = asked.event.body.request as string;
    await sync(alpha, bravo);
    clock.advance(10 * MINUTE);
    assert.equal((await atBravo.get(id))?.state, 'open', 'the deadline itself is still in time');
    clock.advance(1);
    for (const side of [atAlpha, atBravo]) {
      const view = await side.get(id);
      assert.equal(view?.state, 'overdue');
      assert.equal(view?.closedAt, isoTime(T0 + 10 * MINUTE));
      assert.deepEqual(view?.mayAnswer, []);
    }
    await assert.rejects(
      atBravo.answer(id, 'officer@bravo', { answer: 'accept' }),
      refusedWith('request-closed'),
    );
  });

  it('[HOT7] a peer’s answer dated after the deadline is ignored by every reader', async () => {
    const { alpha, bravo, clock, atAlpha } = await pairWithRequests();
    const asked = await atAlpha.request('officer@alpha', { ...ASK, urgency: 'FLASH' });
    const id = asked.event.body.request as string;
    await sync(alpha, bravo);
    clock.advance(11 * MINUTE);
    await bravo.ledger.append(LINE, 'officer@bravo', CALL_REQUEST_ANSWERED, {
      request: id,
      answer: 'accept',
    });
    await sync(bravo, alpha);
    const view = await atAlpha.get(id);
    assert.equal(view?.state, 'overdue');
    assert.deepEqual(view?.answers, []);
  });

  it('[HOT7] the module refuses an unknown request, a changed time on accept, a passed time, a bad time and a closed or non-hotline line', async () => {
    const { alpha, bravo, clock, closed, atAlpha, atBravo } = await pairWithRequests();
    await assert.rejects(
      atBravo.answer('nosuchrequest', 'officer@bravo', { answer: 'accept' }),
      refusedWith('unknown-request'),
    );
    const asked = await atAlpha.request('officer@alpha', {
      ...ASK,
      urgency: 'ROUTINE',
      proposedAt: isoTime(T0 + 5 * MINUTE),
    });
    const id = asked.event.body.request as string;
    await sync(alpha, bravo);
    await assert.rejects(
      atBravo.answer(id, 'officer@bravo', { answer: 'accept', at: isoTime(T0 + 6 * MINUTE) }),
      refusedWith('time-mismatch'),
    );
    await assert.rejects(
      atBravo.answer(id, 'officer@bravo', { answer: 'propose', at: isoTime(T0 - 2 * MINUTE) }),
      refusedWith('invalid-time', 'at'),
    );
    clock.advance(7 * MINUTE);
    await assert.rejects(
      atBravo.answer(id, 'officer@bravo', { answer: 'accept' }),
      refusedWith('time-passed'),
    );
    await assert.rejects(
      atAlpha.request('officer@alpha', { ...ASK, deadline: isoTime(T0) }),
      refusedWith('invalid-time', 'deadline'),
    );
    await assert.rejects(
      atAlpha.request('officer@alpha', { ...ASK, proposedAt: isoTime(T0 + 200 * 86_400_000) }),
      refusedWith('invalid-time', 'proposedAt'),
    );
    await alpha.ledger.addLine({
      id: 'thread-one',
      kind: 'thread',
      title: 'Thread',
      members: MEMBERS,
      createdAt: isoTime(T0),
    });
    await assert.rejects(
      atAlpha.request('officer@alpha', { ...ASK, line: 'thread-one' }),
      refusedWith('not-a-hotline'),
    );
    await assert.rejects(
      atAlpha.request('officer@alpha', { ...ASK, line: 'hotline-nope' }),
      refusedWith('unknown-line'),
    );
    closed.add(LINE);
    await assert.rejects(atAlpha.request('officer@alpha', ASK), refusedWith('line-closed'));
    await assert.rejects(
      atBravo.answer(id, 'officer@bravo', { answer: 'decline' }),
      refusedWith('line-closed'),
    );
    assert.equal((await atAlpha.list()).length, 1, 'nothing was appended by the refusals');
  });

  it('[HOT7] concurrent answers (the requester withdraws as the peer accepts) settle the same on both sides', async () => {
    const { alpha, bravo, atAlpha, atBravo } = await pairWithRequests();
    const asked = await atAlpha.request('officer@alpha', ASK);
    const id = asked.event.body.request as string;
    await sync(alpha, bravo);
    await Promise.all([
      atAlpha.answer(id, 'officer@alpha', { answer: 'decline' }),
      atBravo.answer(id, 'officer@bravo', { answer: 'accept' }),
    ]);
    await sync(alpha, bravo);
    await sync(bravo, alpha);
    const [a, b] = [await atAlpha.get(id), await atBravo.get(id)];
    assert.equal(a?.state, b?.state);
    assert.deepEqual(a?.answers, b?.answers);
    assert.equal(a?.answers.length, 1, 'the answer later in LOG7 order is ignored');
  });

  it('[HOT7] the requests survive a restart: a new reader finds them in the record', async () => {
    const { alpha, clock, atAlpha } = await pairWithRequests();
    const asked = await atAlpha.request('officer@alpha', ASK);
    const fresh = requestsOf(alpha, clock);
    assert.equal((await fresh.get(asked.event.body.request as string))?.topic, ASK.topic);
  });

  it('[HOT7] bodies that do not read are ignored, never a crash', () => {
    const good = {
      request: 'abcdefgh12',
      level: 'minister',
      topic: 'Talks',
      urgency: 'ROUTINE',
      deadline: isoTime(T0 + MINUTE),
    };
    assert.ok(readCallRequest(event({ type: CALL_REQUESTED, body: good })));
    const badRequests = [
      { ...good, request: 'short' },
      { ...good, level: 'king' },
      { ...good, topic: '' },
      { ...good, topic: 'x'.repeat(501) },
      { ...good, urgency: 'URGENT' },
      { ...good, deadline: 'tomorrow' },
      { ...good, deadline: '2025-03-01T08:01:00Z' },
      { ...good, proposedAt: 12 },
      { ...good, request: ['abcdefgh12'] },
    ];
    for (const body of badRequests)
      assert.equal(readCallRequest(event({ type: CALL_REQUESTED, body })), null, JSON.stringify(body));
    const answer = { request: 'abcdefgh12', answer: 'propose', at: isoTime(T0 + MINUTE) };
    assert.ok(readCallAnswer(event({ type: CALL_REQUEST_ANSWERED, body: answer })));
    const badAnswers = [
      { ...answer, answer: 'maybe' },
      { request: 'abcdefgh12', answer: 'propose' },
      { request: 'abcdefgh12', answer: 'decline', at: isoTime(T0) },
      { ...answer, reason: 7 },
      { ...answer, at: null },
    ];
    for (const body of badAnswers)
      assert.equal(readCallAnswer(event({ type: CALL_REQUEST_ANSWERED, body })), null, JSON.stringify(body));

    const request = event({
      type: CALL_REQUESTED,
      origin: 'alpha',
      author: 'officer@alpha',
      id: 'r'.repeat(43),
      body: good,
    });
    const views = computeCallRequests(
      [
        request,
        // The same id again, later: the first stands.
        event({ type: CALL_REQUESTED, clock: 3, id: 'd'.repeat(43), body: { ...good, topic: 'Other' } }),
        // An answer on another line, an answer to an unknown request, a body that does not read.
        event({
          type: CALL_REQUEST_ANSWERED,
          clock: 4,
          line: 'hotline-other',
          id: 'o'.repeat(43),
          body: { request: 'abcdefgh12', answer: 'decline' },
        }),
        event({
          type: CALL_REQUEST_ANSWERED,
          clock: 5,
          id: 'u'.repeat(43),
          body: { request: 'unknown-123', answer: 'decline' },
        }),
        event({ type: CALL_REQUEST_ANSWERED, clock: 6, id: 'b'.repeat(43), body: { request: 'abcdefgh12' } }),
      ],
      T0,
    );
    assert.equal(views.length, 1);
    assert.equal(views[0]?.topic, 'Talks');
    assert.equal(views[0]?.state, 'open');
    assert.deepEqual(views[0]?.answers, []);
  });
});
