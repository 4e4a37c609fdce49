/**
 * The call state machine of two nodes (CALL1, CALL2), joined by an in-memory link that carries
 * their call frames as the federation would: placing, ringing, answering, hanging up, declining,
 * cancelling, ringing out (missed, with the missed-call item), busy, glare, a lost link, the
 * signal relay's checks, and hostile frames from a peer. Time is a manual clock; ring timers are
 * real but short.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../core/clock.ts';
import type { CallFrame } from '../federation/protocol.ts';
import { RecordError } from '../record/ledger.ts';
import type { LineRecord, StoredEvent } from '../store/types.ts';
import { Calls, type CallView, type ConsoleCallFrame, MAX_INVITES_PER_MINUTE } from './calls.ts';

const LINE = 'hotline-alpha-bravo';
const HOTLINE: LineRecord = {
  id: LINE,
  kind: 'hotline',
  title: 'Alpha ⇄ Bravo',
  members: ['alpha', 'bravo'],
} as LineRecord;
const silent = { info() {}, warn() {}, error() {}, debug() {} } as never;

interface Appended {
  line: string;
  author: string;
  type: string;
  body: Record<string, unknown>;
}

/** One node's call manager and what it did. */
interface TestNode {
  calls: Calls;
  appended: Appended[];
  consoles: ConsoleCallFrame[];
  signals: Map<string, ConsoleCallFrame[]>;
  missed: { line: string; author: string; precedence: string }[];
}

/** Two nodes whose call frames go to each other while `link.up`. */
function twoNodes(options: { ringTimeoutMs?: number; recordingAllowed?: boolean } = {}) {
  const clock = new ManualClock(Date.parse('2026-11-27T03:00:00.000Z'));
  const link = { up: true, delivered: [] as { to: string; frame: CallFrame }[] };
  const nodes = new Map<string, TestNode>();
  let closed = false;
  const make = (selfId: string): TestNode => {
    const node: TestNode = {
      calls: null as unknown as Calls,
      appended: [],
      consoles: [],
      signals: new Map(),
      missed: [],
    };
    node.calls = new Calls({
      selfId,
      clock,
      logger: silent,
      ringTimeoutMs: options.ringTimeoutMs ?? 60_000,
      append: async (line, author, type, body) => {
        node.appended.push({ line, author, type, body: body as Record<string, unknown> });
        return {} as StoredEvent;
      },
      line: (id) => (id === LINE ? HOTLINE : undefined),
      isLineClosed: () => closed,
      sendToPeer: (peer, frame) => {
        if (!link.up) return false;
        link.delivered.push({ to: peer, frame });
        // Delivered on the next turn, as over a socket.
        queueMicrotask(() => nodes.get(peer)?.calls.frame(selfId, frame));
        return true;
      },
      sendToConsole: (client, frame) => {
        const list = node.signals.get(client) ?? [];
        list.push(frame);
        node.signals.set(client, list);
        return true;
      },
      sendToCallTakers: (frame) => node.consoles.push(structuredClone(frame)),
      postMissedCall: async (line, author, _at, precedence) => {
        node.missed.push({ line, author, precedence });
      },
      recordingAllowed: () => options.recordingAllowed ?? false,
    });
    nodes.set(selfId, node);
    return node;
  };
  const alpha = make('alpha');
  const bravo = make('bravo');
  return {
    alpha,
    bravo,
    clock,
    link,
    closeLine: () => {
      closed = true;
    },
    stop: () => {
      alpha.calls.stop();
      bravo.calls.stop();
    },
  };
}

/** Lets queued frames and appends run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

function types(node: TestNode): string[] {
  return node.appended.map((a) => a.type);
}

function last(node: TestNode): CallView | undefined {
  const frame = node.consoles.at(-1);
  return frame?.type === 'call' ? frame.call : undefined;
}

describe('calls between two nodes', () => {
  it('[CALL1] [CALL2] a video call rings, is answered, hung up; each fact is recorded once, by the node that decides it', async () => {
    const { alpha, bravo, clock, stop } = twoNodes();
    const placed = await alpha.calls.start(LINE, 'video', { user: 'officer@alpha', client: 'console-a1' });
    await settle();
    assert.equal(placed.state, 'ringing');
    assert.equal(last(bravo)?.state, 'ringing', 'bravo’s consoles ring');
    assert.equal(last(bravo)?.caller.user, 'officer@alpha');
    assert.deepEqual(types(alpha), ['call.started']);
    assert.deepEqual(types(bravo), ['call.ringing']);
    assert.equal(bravo.appended[0]?.author, 'bravo', 'ringing is the node’s own fact');

    await bravo.calls.answer(placed.id, { user: 'officer@bravo', client: 'console-b1' });
    await settle();
    assert.equal(last(alpha)?.state, 'answered');
    assert.equal(
      last(alpha)?.callee.client,
      'console-b1',
      'alpha’s console learns whom to send its offer to',
    );
    assert.deepEqual(types(bravo), ['call.ringing', 'call.answered']);
    assert.equal(bravo.appended[1]?.author, 'officer@bravo');

    clock.advance(65_000);
    await alpha.calls.hangUp(placed.id, 'officer@alpha');
    await settle();
    assert.equal(last(bravo)?.state, 'ended');
    assert.equal(last(bravo)?.endReason, 'hangup');
    assert.deepEqual(types(alpha), ['call.started', 'call.ended']);
    assert.deepEqual(alpha.appended[1]?.body, { call: placed.id, reason: 'hangup', durationMs: 65_000 });
    assert.deepEqual(types(bravo), ['call.ringing', 'call.answered'], 'the hang-up is recorded once');
    stop();
  });

  it('[CALL1] relays signals only between the two consoles of an answered call', async () => {
    const { alpha, bravo, stop } = twoNodes();
    const { id } = await alpha.calls.start(LINE, 'voice', { user: 'officer@alpha', client: 'console-a1' });
    await settle();
    assert.throws(() => alpha.calls.signal(id, 'console-a1', 'console-b1', 'offer', '{}'), /cannot signal/);
    await bravo.calls.answer(id, { user: 'officer@bravo', client: 'console-b1' });
    await settle();
    alpha.calls.signal(id, 'console-a1', 'console-b1', 'offer', '{"sdp":"v=0"}');
    await settle();
    assert.deepEqual(bravo.signals.get('console-b1'), [
      { type: 'signal', session: id, from: 'console-a1', kind: 'offer', data: '{"sdp":"v=0"}' },
    ]);
    // Another console at alpha cannot speak for the caller's, nor send to a third console.
    assert.throws(() => alpha.calls.signal(id, 'console-a2', 'console-b1', 'ice', '{}'), RecordError);
    assert.throws(() => alpha.calls.signal(id, 'console-a1', 'console-b9', 'ice', '{}'), RecordError);
    // A peer frame naming a console other than the call's is dropped, not delivered.
    bravo.calls.frame('alpha', {
      t: 'rtc.signal',
      session: id,
      from: 'console-a9',
      to: 'console-b1',
      kind: 'ice',
      data: '{}',
    });
    assert.equal(bravo.signals.get('console-b1')?.length, 1);
    stop();
  });

  it('[CALL2] a declined call and a cancelled call are each recorded by the side that ended it', async () => {
    const { alpha, bravo, stop } = twoNodes();
    const first = await alpha.calls.start(LINE, 'voice', { user: 'officer@alpha', client: 'console-a1' });
    await settle();
    await bravo.calls.hangUp(first.id, 'officer@bravo');
    await settle();
    assert.equal(last(alpha)?.endReason, 'declined');
    assert.equal(bravo.appended.at(-1)?.type, 'call.ended');
    assert.equal(bravo.appended.at(-1)?.body.reason, 'declined');
    assert.ok(!types(alpha).includes('call.ended'));

    const second = await alpha.calls.start(LINE, 'voice', { user: 'officer@alpha', client: 'console-a1' });
    await settle();
    await alpha.calls.hangUp(second.id, 'officer@alpha');
    await settle();
    assert.equal(last(bravo)?.endReason, 'cancelled', 'bravo stops ringing');
    assert.equal(alpha.appended.at(-1)?.body.reason, 'cancelled');
    stop();
  });

  it('[CALL2] a call that rings out is missed on both sides and the caller posts the missed-call item', async () => {
    const { alpha, bravo, stop } = twoNodes({ ringTimeoutMs: 30 });
    const call = await alpha.calls.start(
      LINE,
      'voice',
      { user: 'officer@alpha', client: 'console-a1' },
      'FLASH',
    );
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(last(alpha)?.endReason, 'missed');
    assert.equal(last(bravo)?.endReason, 'missed');
    assert.deepEqual(alpha.appended.at(-1)?.body, { call: call.id, reason: 'missed' });
    assert.deepEqual(alpha.missed, [{ line: LINE, author: 'officer@alpha', precedence: 'FLASH' }]);
    assert.ok(!types(bravo).includes('call.ended'), 'the callee does not record it twice');
    stop();
  });

  it('[CALL1] a desk already in a call answers busy; the caller records it', async () => {
    const { alpha, bravo, link, stop } = twoNodes();
    const first = await alpha.calls.start(LINE, 'voice', { user: 'officer@alpha', client: 'console-a1' });
    await settle();
    await bravo.calls.answer(first.id, { user: 'officer@bravo', client: 'console-b1' });
    await settle();
    await assert.rejects(
      alpha.calls.start(LINE, 'voice', { user: 'supervisor@alpha', client: 'console-a2' }),
      /call-in-progress|already answered/,
    );
    // A second invite reaches bravo while its desk talks: it answers busy and records nothing.
    bravo.calls.frame('alpha', {
      t: 'call.invite',
      call: 'second-call-0001',
      line: LINE,
      media: 'voice',
      from: 'supervisor@alpha',
      client: 'console-a2',
    });
    await settle();
    assert.deepEqual(link.delivered.at(-1), {
      to: 'alpha',
      frame: { t: 'call.end', call: 'second-call-0001', reason: 'busy' },
    });
    assert.deepEqual(types(bravo), ['call.ringing', 'call.answered']);
    const busy = twoNodes();
    // Busy as the caller sees it: bravo answers busy, alpha records the end.
    const placed = await busy.alpha.calls.start(LINE, 'voice', {
      user: 'officer@alpha',
      client: 'console-a1',
    });
    busy.alpha.calls.frame('bravo', { t: 'call.end', call: placed.id, reason: 'busy' });
    await settle();
    assert.equal(last(busy.alpha)?.endReason, 'busy');
    assert.equal(busy.alpha.appended.at(-1)?.body.reason, 'busy');
    busy.stop();
    stop();
  });

  it('[CALL1] glare: both desks call at once; the smaller node id’s call rings on, the other ends on both sides', async () => {
    const { alpha, bravo, stop } = twoNodes();
    const [fromAlpha, fromBravo] = await Promise.all([
      alpha.calls.start(LINE, 'video', { user: 'officer@alpha', client: 'console-a1' }),
      bravo.calls.start(LINE, 'video', { user: 'officer@bravo', client: 'console-b1' }),
    ]);
    await settle();
    const alphaView = new Map(alpha.calls.live().map((c) => [c.id, c]));
    const bravoView = new Map(bravo.calls.live().map((c) => [c.id, c]));
    assert.equal(bravoView.get(fromBravo.id)?.endReason, 'glare');
    assert.equal(bravoView.get(fromAlpha.id)?.state, 'ringing', 'alpha’s call rings at bravo');
    assert.equal(alphaView.get(fromAlpha.id)?.state, 'ringing');
    assert.equal(bravo.appended.find((a) => a.type === 'call.ended')?.body.reason, 'glare');
    assert.ok(!types(alpha).includes('call.ended'), 'alpha’s call goes on');
    await bravo.calls.answer(fromAlpha.id, { user: 'officer@bravo', client: 'console-b1' });
    await settle();
    assert.equal(last(alpha)?.state, 'answered');
    stop();
  });

  it('[CALL1] a lost link ends a ringing call and keeps an answered one, saying the signalling is down', async () => {
    const { alpha, bravo, link, stop } = twoNodes();
    const ringing = await alpha.calls.start(LINE, 'voice', { user: 'officer@alpha', client: 'console-a1' });
    await settle();
    link.up = false;
    alpha.calls.linkClosed('bravo');
    bravo.calls.linkClosed('alpha');
    await settle();
    assert.equal(last(alpha)?.endReason, 'link-lost');
    assert.equal(last(bravo)?.endReason, 'link-lost');
    assert.equal(alpha.appended.at(-1)?.body.reason, 'link-lost');
    assert.ok(!types(bravo).includes('call.ended'));

    link.up = true;
    const answered = await alpha.calls.start(LINE, 'video', { user: 'officer@alpha', client: 'console-a1' });
    await settle();
    await bravo.calls.answer(answered.id, { user: 'officer@bravo', client: 'console-b1' });
    await settle();
    link.up = false;
    alpha.calls.linkClosed('bravo');
    assert.equal(last(alpha)?.state, 'answered');
    assert.equal(last(alpha)?.signalling, 'down');
    assert.ok(ringing.id !== answered.id);
    stop();
  });

  it('[CALL1] placing a call while the peer is unreachable ends it at once, recorded as a technical fault', async () => {
    const { alpha, link, stop } = twoNodes();
    link.up = false;
    const call = await alpha.calls.start(LINE, 'voice', { user: 'officer@alpha', client: 'console-a1' });
    assert.equal(call.state, 'ended');
    assert.equal(call.endReason, 'unreachable');
    assert.deepEqual(types(alpha), ['call.started', 'call.ended']);
    stop();
  });

  it('[CALL1] refuses calls on an unknown or closed line', async () => {
    const { alpha, closeLine, stop } = twoNodes();
    await assert.rejects(
      alpha.calls.start('thread-x', 'voice', { user: 'officer@alpha', client: 'console-a1' }),
      /unknown-line|there is no line/,
    );
    closeLine();
    await assert.rejects(
      alpha.calls.start(LINE, 'voice', { user: 'officer@alpha', client: 'console-a1' }),
      (error: RecordError) => error.code === 'line-closed',
    );
    assert.deepEqual(alpha.appended, []);
    stop();
  });

  it('[CALL1] hostile peer frames change nothing: an invite for a line the peer is not on, from another node’s user, or replayed', async () => {
    const { alpha, bravo, stop } = twoNodes();
    const invite = {
      t: 'call.invite' as const,
      call: 'hostile-call-01',
      line: LINE,
      media: 'voice' as const,
      from: 'officer@alpha',
      client: 'console-a1',
    };
    bravo.calls.frame('charlie', invite); // charlie is no member of the hotline
    bravo.calls.frame('alpha', { ...invite, call: 'hostile-call-02', from: 'officer@charlie' });
    bravo.calls.frame('alpha', { ...invite, call: 'hostile-call-03', line: 'thread-elsewhere' });
    await settle();
    assert.equal(bravo.consoles.length, 0, 'nothing rang');
    assert.equal(bravo.appended.length, 0, 'nothing was recorded');
    bravo.calls.frame('alpha', invite);
    bravo.calls.frame('alpha', invite); // replayed
    await settle();
    assert.equal(bravo.appended.filter((a) => a.type === 'call.ringing').length, 1);
    // An accept, end or signal for a call the sender is no party of is ignored.
    alpha.calls.frame('bravo', {
      t: 'call.accept',
      call: 'unknown-call-01',
      by: 'officer@bravo',
      client: 'console-b1',
    });
    bravo.calls.frame('charlie', { t: 'call.end', call: 'hostile-call-01', reason: 'hangup' });
    await settle();
    assert.equal(bravo.calls.live().find((c) => c.id === 'hostile-call-01')?.state, 'ringing');
    stop();
  });

  it('[CALL1] a peer flooding invites is answered busy past the limit, and nothing more is recorded', async () => {
    const { alpha, bravo, link, clock, stop } = twoNodes();
    for (let n = 0; n < MAX_INVITES_PER_MINUTE + 5; n++) {
      const call = `flood-call-${String(n).padStart(4, '0')}`;
      bravo.calls.frame('alpha', {
        t: 'call.invite',
        call,
        line: LINE,
        media: 'voice',
        from: 'officer@alpha',
        client: 'console-a1',
      });
      await settle();
      // The peer ends each at once to make room for the next.
      bravo.calls.frame('alpha', { t: 'call.end', call, reason: 'cancelled' });
    }
    await settle();
    const ringing = bravo.appended.filter((a) => a.type === 'call.ringing').length;
    assert.equal(ringing, MAX_INVITES_PER_MINUTE, 'only the first invites of the minute rang');
    const busy = link.delivered.filter((d) => d.to === 'alpha' && d.frame.t === 'call.end');
    assert.equal(busy.length, 5);
    // A minute later, the peer's calls ring again.
    clock.advance(61_000);
    bravo.calls.frame('alpha', {
      t: 'call.invite',
      call: 'later-call-0001',
      line: LINE,
      media: 'voice',
      from: 'officer@alpha',
      client: 'console-a1',
    });
    await settle();
    assert.equal(bravo.appended.filter((a) => a.type === 'call.ringing').length, MAX_INVITES_PER_MINUTE + 1);
    assert.ok(alpha);
    stop();
  });
});
