/**
 * A closed hotline (FED1) on a real ledger pair (in-memory SQLite, real keys, a ManualClock):
 * once alpha unpairs bravo, alpha's drills (FED8), link events (FED7) and escalations (HOT4)
 * stop writing on the hotline, all but the link going down; a re-pairing starts them again.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { isoTime } from '../core/clock.ts';
import type { LiaisonEvent } from '../core/types.ts';
import { Drills, sendDrill } from '../federation/drills.ts';
import type { PeerStatus } from '../federation/federation.ts';
import { LinkEvents, type PeerStatusSource } from '../federation/linkEvents.ts';
import { peerStatus } from '../federation/testPeers.ts';
import { ESCALATION_RAISED, Escalation } from '../hotline/escalation.ts';
import { PolicyStore } from '../hotline/escalationPolicies.ts';
import {
  closeStores,
  eventsOf,
  type LedgerNode,
  LINE,
  makeLedgerPair,
  post,
  sync,
  T0,
} from '../record/testLedgers.ts';
import { silentLogger } from './init.ts';
import { Pairings } from './unpairing.ts';

const MIN = 60_000;
const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  await closeStores();
});

async function pairingsAt(node: LedgerNode): Promise<Pairings> {
  const pairings = new Pairings({
    selfId: node.id,
    ledger: node.ledger,
    store: node.store,
    logger: silentLogger,
  });
  await pairings.start();
  stops.push(() => pairings.stop());
  return pairings;
}

async function ownOfType(node: LedgerNode, type: string): Promise<LiaisonEvent[]> {
  return (await eventsOf(node)).filter((e) => e.origin === node.id && e.type === type);
}

/** A Federation-like emitter of bravo's status. */
class FakeFederation implements PeerStatusSource {
  private readonly listeners = new Set<(status: PeerStatus) => void>();
  onPeerStatus(listener: (status: PeerStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  status(): PeerStatus[] {
    return [];
  }
  emit(patch: Partial<PeerStatus>): void {
    const status = peerStatus(patch);
    for (const listener of this.listeners) listener(status);
  }
}

describe('a closed hotline [FED1]', () => {
  it('[FED1][FED8] no drills are sent or answered on a closed hotline; they resume once re-paired', async () => {
    const { clock, alpha, bravo } = await makeLedgerPair();
    await sync(alpha, bravo);
    const pairings = await pairingsAt(alpha);
    const drills = new Drills({
      ledger: alpha.ledger,
      store: alpha.store,
      clock,
      logger: silentLogger,
      intervalMs: 0,
      isLineClosed: (line) => pairings.isLineClosed(line),
    });
    drills.start();
    stops.push(() => drills.stop());

    await pairings.unpair('bravo', 'admin@alpha', 'test');
    assert.equal(pairings.isLineClosed(LINE), true);
    assert.deepEqual(await drills.runNow(), []);
    // A drill of bravo's that reaches alpha after the unpairing is not answered.
    await sendDrill(bravo.ledger, LINE);
    await sync(bravo, alpha);
    await drills.idle();
    assert.deepEqual(await ownOfType(alpha, 'drill.sent'), []);
    assert.deepEqual(await ownOfType(alpha, 'drill.answered'), []);

    await pairings.repair('bravo', 'alpha');
    assert.equal(pairings.isLineClosed(LINE), false);
    assert.equal((await drills.runNow()).length, 1);
    await sendDrill(bravo.ledger, LINE);
    await sync(bravo, alpha);
    await drills.idle();
    assert.equal((await ownOfType(alpha, 'drill.answered')).length, 1);
  });

  it('[FED1][FED7] on a closed hotline only the link going down is recorded, no up, degraded or skew', async () => {
    const { alpha } = await makeLedgerPair();
    const pairings = await pairingsAt(alpha);
    const federation = new FakeFederation();
    const linkEvents = new LinkEvents({
      federation,
      ledger: alpha.ledger,
      logger: silentLogger,
      isLineClosed: (line) => pairings.isLineClosed(line),
    });
    linkEvents.start();
    stops.push(() => linkEvents.stop());
    federation.emit({ state: 'up' });
    await linkEvents.idle();

    await pairings.unpair('bravo', 'admin@alpha', undefined);
    federation.emit({ state: 'degraded', skewAlarm: true, clockOffsetMs: 3_000 });
    federation.emit({ state: 'down' });
    federation.emit({ state: 'up' });
    await linkEvents.idle();
    const recorded = (await eventsOf(alpha)).filter((e) => e.type.startsWith('link.'));
    assert.deepEqual(
      recorded.map((e) => `${e.type}:${String(e.body.state)}`),
      ['link.state:up', 'link.state:down'],
    );

    await pairings.repair('bravo', 'alpha');
    federation.emit({ state: 'down' });
    federation.emit({ state: 'up' });
    await linkEvents.idle();
    const after = (await eventsOf(alpha)).filter((e) => e.type === 'link.state');
    assert.deepEqual(
      after.map((e) => e.body.state),
      ['up', 'down', 'down', 'up'],
    );
  });

  it('[FED1][HOT4] an overdue message on a closed hotline is not escalated; once re-paired the latest step due runs once', async () => {
    const { clock, alpha, bravo } = await makeLedgerPair();
    await sync(alpha, bravo);
    const pairings = await pairingsAt(alpha);
    const policies = new PolicyStore(alpha.store);
    await policies.load();
    const escalation = new Escalation({
      ledger: alpha.ledger,
      store: alpha.store,
      clock,
      logger: silentLogger,
      policies,
      alerts: null,
    });
    escalation.isLineClosed = (line) => pairings.isLineClosed(line);
    await escalation.start();
    stops.push(() => escalation.stop());
    const message = await post(alpha, 'Unsafe approach in progress', {
      precedence: 'FLASH',
      deadline: isoTime(T0 + 10 * MIN),
    });

    await pairings.unpair('bravo', 'admin@alpha', 'test');
    clock.advance(10 * MIN);
    await escalation.idle();
    clock.advance(12 * MIN);
    await escalation.idle();
    assert.deepEqual(await ownOfType(alpha, ESCALATION_RAISED), []);
    assert.deepEqual(
      escalation.pendingMessages().map((m) => m.id),
      [message.event.id],
      'still followed while the line is closed',
    );

    await pairings.repair('bravo', 'alpha');
    await escalation.idle();
    // The default FLASH steps run 0, 5, 10 … min past the deadline: 12 min past it, step 3 is due.
    const raised = await ownOfType(alpha, ESCALATION_RAISED);
    assert.deepEqual(
      raised.map((e) => e.body.step),
      [3],
    );
  });
});
