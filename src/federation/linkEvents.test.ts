/**
 * Link events (FED7) on real ledgers (in-memory SQLite, real keys, a ManualClock) fed by a fake
 * Federation: what alpha appends as `link.state` and `link.skew` when bravo's status changes.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { isoTime } from '../core/clock.ts';
import type { LiaisonEvent } from '../core/types.ts';
import { silentLogger } from '../node/init.ts';
import {
  closeStores,
  eventsOf,
  type LedgerNode,
  LINE,
  makeLedgerPair,
  sync,
  T0,
} from '../record/testLedgers.ts';
import type { PeerStatus } from './federation.ts';
import { LinkEvents, type PeerStatusSource } from './linkEvents.ts';
import { peerStatus } from './testPeers.ts';

afterEach(closeStores);

/** A Federation-like emitter that tells whatever status a test gives it. */
class FakeFederation implements PeerStatusSource {
  private readonly listeners = new Set<(status: PeerStatus) => void>();
  constructor(private readonly initial: PeerStatus[] = []) {}
  onPeerStatus(listener: (status: PeerStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  status(): PeerStatus[] {
    return this.initial;
  }
  emit(status: PeerStatus): void {
    for (const listener of this.listeners) listener(status);
  }
}

/** The link events `node` wrote on LINE. */
async function linkEventsAt(node: LedgerNode): Promise<LiaisonEvent[]> {
  return (await eventsOf(node)).filter((e) => e.origin === node.id && e.type.startsWith('link.'));
}

async function started(node: LedgerNode, initial: PeerStatus[] = []) {
  const federation = new FakeFederation(initial);
  const warnings: object[] = [];
  const logger = { ...silentLogger, warn: (obj: object) => warnings.push(obj) };
  const linkEvents = new LinkEvents({ federation, ledger: node.ledger, logger });
  linkEvents.start();
  return { federation, linkEvents, warnings };
}

describe('LinkEvents [FED7]', () => {
  it('[FED7] a state change appends link.state on the shared line, authored by the node, with the status', async () => {
    const { alpha } = await makeLedgerPair();
    const { federation, linkEvents } = await started(alpha);
    federation.emit(peerStatus({ state: 'up', since: isoTime(T0 + 500) }));
    await linkEvents.idle();
    const [event, ...rest] = await linkEventsAt(alpha);
    assert.equal(rest.length, 0);
    assert.equal(event?.type, 'link.state');
    assert.equal(event?.author, 'alpha');
    assert.deepEqual(event?.body, {
      peer: 'bravo',
      state: 'up',
      previous: 'down',
      since: isoTime(T0 + 500),
      rttMs: 12,
      clockOffsetMs: 40,
    });
  });

  it('[FED7] only real transitions are recorded, with the previous state; no measurement gives nulls', async () => {
    const { alpha } = await makeLedgerPair();
    const { federation, linkEvents } = await started(alpha, [peerStatus({ state: 'up' })]);
    federation.emit(peerStatus({ state: 'up' }));
    federation.emit(peerStatus({ state: 'degraded', rttMs: 1_500 }));
    federation.emit(peerStatus({ state: 'degraded', rttMs: 1_600 }));
    federation.emit(peerStatus({ state: 'down', rttMs: null, clockOffsetMs: null }));
    federation.emit(peerStatus({ state: 'down', rttMs: null, clockOffsetMs: null }));
    await linkEvents.idle();
    const events = await linkEventsAt(alpha);
    assert.deepEqual(
      events.map((e) => [e.body.previous, e.body.state, e.body.rttMs, e.body.clockOffsetMs]),
      [
        ['up', 'degraded', 1_500, 40],
        ['degraded', 'down', null, null],
      ],
      'the initial status is taken as known: no link.state for up → up',
    );
  });

  it('[FED7] nothing is recorded before the line is ready; later transitions are', async () => {
    const { alpha, bravo } = await makeLedgerPair();
    const { federation, linkEvents } = await started(bravo);
    const alphaStatus = (state: PeerStatus['state']) => ({ ...peerStatus({ state }), nodeId: 'alpha' });
    federation.emit(alphaStatus('up'));
    await linkEvents.idle();
    assert.equal(bravo.ledger.isReady(LINE), false);
    assert.deepEqual(await linkEventsAt(bravo), []);

    await sync(alpha, bravo);
    federation.emit(alphaStatus('down'));
    await linkEvents.idle();
    assert.deepEqual(
      (await linkEventsAt(bravo)).map((e) => [e.body.peer, e.body.previous, e.body.state]),
      [['alpha', 'up', 'down']],
    );
  });

  it('[FED7][HOT8] a line whose genesis arrives while the link is up records the link as up then', async () => {
    const { alpha, bravo } = await makeLedgerPair();
    const alphaUp = { ...peerStatus({ state: 'up', since: isoTime(T0 + 200) }), nodeId: 'alpha' };
    const { linkEvents } = await started(bravo, [alphaUp]);
    assert.equal(bravo.ledger.isReady(LINE), false);

    await sync(alpha, bravo);
    await linkEvents.idle();
    const recorded = await linkEventsAt(bravo);
    assert.deepEqual(
      recorded.map((e) => [e.type, e.body.peer, e.body.previous, e.body.state, e.body.since]),
      [['link.state', 'alpha', 'down', 'up', isoTime(T0 + 200)]],
    );
  });

  it('[FED7] local lines and lines without the peer get nothing', async () => {
    const { alpha } = await makeLedgerPair();
    for (const [id, kind, members] of [
      ['local-alpha', 'local', ['alpha']],
      ['thread-alpha-charlie', 'thread', ['alpha', 'charlie']],
    ] as const) {
      await alpha.ledger.addLine({ id, kind, title: id, members: [...members], createdAt: isoTime(T0) });
      await alpha.ledger.append(id, 'alpha', 'line.created', { kind, title: id, members: [...members] });
    }
    const { federation, linkEvents } = await started(alpha);
    federation.emit(peerStatus({ state: 'up' }));
    await linkEvents.idle();
    const linkEventLines = (await alpha.store.eventsSince(0, 1_000, null))
      .filter((s) => s.event.type === 'link.state')
      .map((s) => s.event.line);
    assert.deepEqual(linkEventLines, [LINE]);
  });

  it('[FED7] the skew alarm appends link.skew once per episode and a cleared one when it falls', async () => {
    const { alpha } = await makeLedgerPair();
    const { federation, linkEvents } = await started(alpha, [peerStatus()]);
    federation.emit(peerStatus({ clockOffsetMs: 3_600_012, skewAlarm: true }));
    federation.emit(peerStatus({ clockOffsetMs: 3_600_020, skewAlarm: true }));
    // The link drops and comes back, still skewed: the same episode.
    federation.emit(peerStatus({ state: 'down', clockOffsetMs: null, skewAlarm: true }));
    federation.emit(peerStatus({ state: 'up', clockOffsetMs: 3_600_015, skewAlarm: true }));
    federation.emit(peerStatus({ clockOffsetMs: -150, skewAlarm: false }));
    federation.emit(peerStatus({ clockOffsetMs: -2_500, skewAlarm: true }));
    await linkEvents.idle();
    const skews = (await linkEventsAt(alpha)).filter((e) => e.type === 'link.skew').map((e) => e.body);
    assert.deepEqual(skews, [
      { peer: 'bravo', clockOffsetMs: 3_600_012 },
      { peer: 'bravo', clockOffsetMs: -150, cleared: true },
      { peer: 'bravo', clockOffsetMs: -2_500 },
    ]);
  });

  it('[FED7] a failed append is logged and dropped; the next transition is recorded', async () => {
    const { alpha } = await makeLedgerPair();
    const { federation, linkEvents, warnings } = await started(alpha);
    alpha.ledger.holdAppends('restored from a backup');
    federation.emit(peerStatus({ state: 'up' }));
    await linkEvents.idle();
    assert.deepEqual(await linkEventsAt(alpha), []);
    assert.equal(warnings.length, 1);
    assert.match(JSON.stringify(warnings[0]), /restored from a backup/);

    alpha.ledger.releaseAppends();
    federation.emit(peerStatus({ state: 'down' }));
    await linkEvents.idle();
    assert.deepEqual(
      (await linkEventsAt(alpha)).map((e) => [e.body.previous, e.body.state]),
      [['up', 'down']],
    );
  });

  it('[FED7] after stop nothing more is recorded', async () => {
    const { alpha } = await makeLedgerPair();
    const { federation, linkEvents } = await started(alpha);
    await linkEvents.stop();
    federation.emit(peerStatus({ state: 'up' }));
    await linkEvents.idle();
    assert.deepEqual(await linkEventsAt(alpha), []);
  });
});
