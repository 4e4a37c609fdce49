/**
 * The escalation engine (HOT3, HOT4) on a real ledger pair (in-memory SQLite, real keys) with a
 * ManualClock: steps fall due as the test moves the clock, never by sleeping. Only the network
 * edge is faked: alerts go to a recording AlertSender (webhook and SMTP have their own tests).
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { isoTime } from '../core/clock.ts';
import { DEFAULT_ESCALATION_POLICIES, type EscalationPolicies } from '../core/escalationPolicy.ts';
import type { LiaisonEvent } from '../core/types.ts';
import { parseDeadlines } from '../node/config.ts';
import { silentLogger } from '../node/init.ts';
import {
  closeStores,
  eventsOf,
  type LedgerNode,
  type LedgerPair,
  LINE,
  makeLedgerPair,
  post,
  sync,
  T0,
} from '../record/testLedgers.ts';
import type { AlertNotice, AlertSender, ChannelOutcome } from './alerts/dispatch.ts';
import { ESCALATION_FAILED, ESCALATION_RAISED, Escalation } from './escalation.ts';
import { PolicyStore } from './escalationPolicies.ts';
import { Hotline } from './messages.ts';

const MIN = 60_000;
const DEADLINE_MS = 10 * MIN;

/** Records every notice; answers with `outcome` for each non-console channel. */
class RecordingSender implements AlertSender {
  readonly notices: AlertNotice[] = [];
  constructor(private readonly outcome: (channel: 'webhook' | 'email') => ChannelOutcome) {}
  async send(notice: AlertNotice): Promise<ChannelOutcome[]> {
    this.notices.push(notice);
    return notice.channels.filter((c) => c !== 'console').map((c) => this.outcome(c as 'webhook' | 'email'));
  }
}

const delivered = (channel: 'webhook' | 'email'): ChannelOutcome => ({
  channel,
  delivered: 1,
  failed: 0,
  problems: [],
});

interface Engine {
  node: LedgerNode;
  escalation: Escalation;
  sender: RecordingSender;
  policies: PolicyStore;
}

const engines: Escalation[] = [];

afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.stop();
  await closeStores();
});

async function startEngine(
  pair: LedgerPair,
  node: LedgerNode,
  options: { sender?: RecordingSender; policies?: EscalationPolicies } = {},
): Promise<Engine> {
  const policies = new PolicyStore(node.store);
  await policies.load();
  if (options.policies) await policies.save(options.policies);
  const sender = options.sender ?? new RecordingSender(delivered);
  const escalation = new Escalation({
    ledger: node.ledger,
    store: node.store,
    clock: pair.clock,
    logger: silentLogger,
    policies,
    alerts: sender,
  });
  engines.push(escalation);
  await escalation.start();
  return { node, escalation, sender, policies };
}

/** The `escalation.raised` bodies `node` holds, of `origin`, in arrival order. */
async function raisedAt(node: LedgerNode, origin?: string): Promise<LiaisonEvent[]> {
  return (await eventsOf(node)).filter(
    (e) => e.type === ESCALATION_RAISED && (!origin || e.origin === origin),
  );
}

/** alpha posts a FLASH due 10 min after T0; bravo holds it; both run an engine. */
async function flashFromAlpha(options: { sender?: RecordingSender; policies?: EscalationPolicies } = {}) {
  const pair = await makeLedgerPair({ withNodes: true });
  await sync(pair.alpha, pair.bravo);
  const alpha = await startEngine(pair, pair.alpha, options);
  const bravo = await startEngine(pair, pair.bravo, options);
  const message = await post(pair.alpha, 'Unsafe approach in progress', {
    precedence: 'FLASH',
    deadline: isoTime(T0 + DEADLINE_MS),
  });
  await sync(pair.alpha, pair.bravo);
  const idle = async () => {
    await alpha.escalation.idle();
    await bravo.escalation.idle();
  };
  /** Moves the clock, lets both engines run, and exchanges what they wrote. */
  const advance = async (ms: number) => {
    pair.clock.advance(ms);
    await idle();
    await sync(pair.alpha, pair.bravo);
    await sync(pair.bravo, pair.alpha);
  };
  await idle();
  return { pair, alpha, bravo, message, advance, idle };
}

describe('escalation [HOT4]', () => {
  it('[HOT4] nothing happens before the deadline; at it both sides raise step 1 and the peer sees it', async () => {
    const { alpha, bravo, message, advance } = await flashFromAlpha();
    await advance(DEADLINE_MS - 1);
    assert.deepEqual(await raisedAt(alpha.node), []);
    await advance(1);

    const atAlpha = await raisedAt(alpha.node);
    assert.equal(atAlpha.length, 2, 'both steps are on the line, held by alpha');
    const own = atAlpha.find((e) => e.origin === 'alpha');
    const peers = atAlpha.find((e) => e.origin === 'bravo');
    assert.deepEqual(own?.body, {
      message: message.event.id,
      step: 1,
      precedence: 'FLASH',
      side: 'sender',
      roles: ['supervisor', 'officer'],
      channels: ['console', 'webhook', 'email'],
      overdueAt: isoTime(T0 + DEADLINE_MS),
    });
    assert.equal(own?.author, 'alpha');
    assert.equal(peers?.body.side, 'receiver');
    assert.equal((await raisedAt(bravo.node)).length, 2, 'bravo holds both too');
    // Outside the console: one notice per side, naming the escalation event.
    assert.equal(alpha.sender.notices.length, 1);
    assert.equal(alpha.sender.notices[0]?.escalation, own?.id);
    assert.equal(bravo.sender.notices[0]?.side, 'receiver');
  });

  it('[HOT3] the first step fixes overdueAt in the projection: the deadline', async () => {
    const { pair, alpha, message, advance } = await flashFromAlpha();
    await advance(DEADLINE_MS + 30_000);
    for (const node of [pair.alpha, pair.bravo]) {
      assert.equal((await node.store.getMessage(message.event.id))?.overdueAt, isoTime(T0 + DEADLINE_MS));
    }
    const hotline = new Hotline(alpha.node.ledger, alpha.node.store, parseDeadlines(''), pair.clock);
    const view = await hotline.view(message.event.id);
    assert.equal(view?.state, 'overdue');
  });

  it('[HOT4] the last step repeats every N minutes while no acknowledgement comes', async () => {
    const { alpha, advance } = await flashFromAlpha();
    await advance(DEADLINE_MS);
    await advance(5 * MIN - 1);
    assert.deepEqual(
      (await raisedAt(alpha.node, 'alpha')).map((e) => e.body.step),
      [1],
    );
    await advance(1);
    await advance(5 * MIN);
    assert.deepEqual(
      (await raisedAt(alpha.node, 'alpha')).map((e) => e.body.step),
      [1, 2, 3],
    );
    assert.equal(alpha.sender.notices.length, 3);
  });

  it('[HOT4] steps stop at the acknowledgement, on both sides; [HOT3] a late acknowledgement keeps overdueAt', async () => {
    const { pair, alpha, bravo, message, advance } = await flashFromAlpha();
    await advance(DEADLINE_MS + 2 * MIN);
    await pair.bravo.ledger.append(LINE, 'officer@bravo', 'message.acknowledged', {
      message: message.event.id,
    });
    await advance(0);
    await advance(60 * MIN);
    assert.deepEqual((await raisedAt(alpha.node)).map((e) => `${e.origin}:${e.body.step}`).sort(), [
      'alpha:1',
      'bravo:1',
    ]);
    assert.deepEqual(alpha.escalation.pendingMessages(), []);
    assert.deepEqual(bravo.escalation.pendingMessages(), []);
    const hotline = new Hotline(pair.alpha.ledger, pair.alpha.store, parseDeadlines(''), pair.clock);
    const view = await hotline.view(message.event.id);
    assert.equal(view?.state, 'acknowledged');
    assert.equal(view?.overdueAt, isoTime(T0 + DEADLINE_MS));
  });

  it('[HOT4] a restart repeats no recorded step; a node down through several steps runs the latest once', async () => {
    const { pair, alpha, advance } = await flashFromAlpha();
    await advance(DEADLINE_MS);
    await alpha.escalation.stop();
    // Down through steps 2, 3 and 4 (5, 10 and 15 min past the deadline).
    pair.clock.advance(17 * MIN);
    const restarted = await startEngine(pair, pair.alpha);
    await restarted.escalation.idle();
    assert.deepEqual(
      (await raisedAt(pair.alpha, 'alpha')).map((e) => e.body.step),
      [1, 4],
    );
    assert.equal(restarted.sender.notices.length, 1);
    // A second restart at once runs nothing: step 4 is in the record.
    await restarted.escalation.stop();
    const again = await startEngine(pair, pair.alpha);
    await again.escalation.idle();
    assert.equal((await raisedAt(pair.alpha, 'alpha')).length, 2);
    pair.clock.advance(3 * MIN);
    await again.escalation.idle();
    assert.deepEqual(
      (await raisedAt(pair.alpha, 'alpha')).map((e) => e.body.step),
      [1, 4, 5],
    );
  });

  it('[HOT4] a message that arrives after its deadline is escalated at once by the receiver', async () => {
    const pair = await makeLedgerPair({ withNodes: true });
    await sync(pair.alpha, pair.bravo);
    const bravo = await startEngine(pair, pair.bravo);
    await post(pair.alpha, 'late', { precedence: 'FLASH', deadline: isoTime(T0 + DEADLINE_MS) });
    pair.clock.advance(DEADLINE_MS + 12 * MIN);
    await sync(pair.alpha, pair.bravo);
    await bravo.escalation.idle();
    assert.deepEqual(
      (await raisedAt(pair.bravo, 'bravo')).map((e) => [e.body.step, e.body.side]),
      [[3, 'receiver']],
    );
  });

  it('[HOT4] policies are per node: a ROUTINE policy with one console step runs once and sends nothing out', async () => {
    const pair = await makeLedgerPair({ withNodes: true });
    await sync(pair.alpha, pair.bravo);
    const alpha = await startEngine(pair, pair.alpha);
    await post(pair.alpha, 'routine', { precedence: 'ROUTINE', deadline: isoTime(T0 + 6 * 3_600_000) });
    pair.clock.advance(30 * 3_600_000);
    await alpha.escalation.idle();
    const raised = await raisedAt(pair.alpha, 'alpha');
    assert.deepEqual(
      raised.map((e) => [e.body.step, e.body.channels]),
      [[1, ['console']]],
    );
    assert.equal(alpha.sender.notices.length, 0, 'the console channel needs no sending');
  });

  it('[HOT4] an alert that could not be delivered is logged, and recorded as escalation.failed', async () => {
    const failing = new RecordingSender((channel) => ({
      channel,
      delivered: 0,
      failed: 1,
      problems: channel === 'email' ? ['550 <desk@alpha.example> unknown'] : ['answered 500'],
    }));
    const { alpha, advance } = await flashFromAlpha({ sender: failing });
    await advance(DEADLINE_MS);
    const failed = (await eventsOf(alpha.node)).filter(
      (e) => e.type === ESCALATION_FAILED && e.origin === 'alpha',
    );
    assert.deepEqual(failed.map((e) => e.body.channel).sort(), ['email', 'webhook']);
    const email = failed.find((e) => e.body.channel === 'email');
    assert.equal(email?.body.step, 1);
    assert.equal(email?.body.failed, 1);
    assert.equal(typeof email?.body.escalation, 'string');
    assert.doesNotMatch(
      String(email?.body.reason),
      /desk@alpha/,
      'no address of ours goes into the shared record',
    );
  });

  it('[HOT4] with no contact for the alerted roles, the step is still raised and the gap recorded', async () => {
    const pair = await makeLedgerPair({ withNodes: true });
    const policies = new PolicyStore(pair.alpha.store);
    const escalation = new Escalation({
      ledger: pair.alpha.ledger,
      store: pair.alpha.store,
      clock: pair.clock,
      logger: silentLogger,
      policies,
      alerts: null,
    });
    engines.push(escalation);
    await escalation.start();
    await post(pair.alpha, 'x', { precedence: 'IMMEDIATE', deadline: isoTime(T0 + DEADLINE_MS) });
    pair.clock.advance(DEADLINE_MS);
    await escalation.idle();
    const failed = (await eventsOf(pair.alpha)).filter((e) => e.type === ESCALATION_FAILED);
    assert.deepEqual(failed.map((e) => [e.body.channel, e.body.reason]).sort(), [
      ['email', 'no-recipients'],
      ['webhook', 'no-recipients'],
    ]);
  });

  it('[HOT4] an edited policy applies from the next step', async () => {
    const { alpha, advance } = await flashFromAlpha();
    await advance(DEADLINE_MS);
    await alpha.policies.save({
      ...DEFAULT_ESCALATION_POLICIES,
      FLASH: {
        steps: [{ afterSeconds: 0, roles: ['supervisor'], channels: ['console'] }],
        repeatEverySeconds: 60,
        maxRepeats: null,
      },
    });
    await advance(MIN);
    const steps = await raisedAt(alpha.node, 'alpha');
    assert.deepEqual(
      steps.map((e) => [e.body.step, e.body.roles]),
      [
        [1, ['supervisor', 'officer']],
        [2, ['supervisor']],
      ],
    );
  });
});
