/**
 * The restore hold (LOG9): a node restored from a backup appends nothing until every peer has
 * said what it holds of this node's own events and has returned them. Real ledgers on real
 * in-memory SQLite stores; only time is faked.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { isoTime } from '../core/clock.ts';
import { RecordError } from '../record/ledger.ts';
import {
  closeStores,
  type LedgerNode,
  LINE,
  MEMBERS,
  makeLedgerPair,
  openLedgerNode,
  post,
  sync,
  T0,
  TITLE,
} from '../record/testLedgers.ts';
import { silentLogger } from './init.ts';
import { RESTORE_HOLD_REASON, RestoreGate } from './restoreGate.ts';

afterEach(closeStores);

/**
 * alpha posts one message, is "backed up" (a new ledger with alpha's keys holding what alpha
 * held then), then posts two more that reach bravo. Returns the restored alpha and bravo.
 */
async function restoredScenario(): Promise<{ restored: LedgerNode; bravo: LedgerNode; alpha: LedgerNode }> {
  const pair = await makeLedgerPair();
  const { alpha, bravo, clock } = pair;
  await post(alpha, 'before the backup');
  const restored = await openLedgerNode('alpha', clock, { keys: alpha.keys });
  for (const node of [alpha, bravo]) restored.ledger.setNodeKey(node.id, node.keys.publicKey);
  await restored.ledger.addLine({
    id: LINE,
    kind: 'hotline',
    title: TITLE,
    members: MEMBERS,
    createdAt: isoTime(T0),
  });
  await sync(alpha, restored);
  await post(alpha, 'after the backup, 1');
  await post(alpha, 'after the backup, 2');
  await sync(alpha, bravo);
  return { restored, bravo, alpha };
}

function gateOn(node: LedgerNode, peers: string[]) {
  const releases: string[] = [];
  const gate = new RestoreGate({
    ledger: node.ledger,
    peers,
    logger: silentLogger,
    onRelease: (by) => {
      releases.push(by);
    },
  });
  return { gate, releases };
}

describe('the restore hold', () => {
  it('[LOG9] holds appends until the peer has returned the own events it holds, then appends the next seq', async () => {
    const { restored, bravo, alpha } = await restoredScenario();
    assert.equal(restored.ledger.heldSeq(LINE, 'alpha'), 2);
    assert.equal(alpha.ledger.heldSeq(LINE, 'alpha'), 4);
    const { gate, releases } = gateOn(restored, ['bravo']);
    gate.hold();

    await assert.rejects(post(restored, 'too early'), (error: unknown) => {
      assert.ok(error instanceof RecordError);
      assert.equal(error.code, 'catching-up');
      assert.ok(error.message.startsWith(RESTORE_HOLD_REASON));
      assert.match(error.message, /waiting for bravo/);
      return true;
    });
    assert.deepEqual(gate.status().waitingForPeers, ['bravo']);

    gate.peerHeadsArrived('bravo', bravo.ledger.headSummary([LINE]));
    assert.deepEqual(gate.status().missing, [{ line: LINE, held: 2, peersHold: 4 }]);
    assert.match(restored.ledger.appendsHeldBecause ?? '', /hotline-alpha-bravo: 2 of 4/);
    await assert.rejects(post(restored, 'still too early'), /restored from a backup/);

    await sync(bravo, restored);
    assert.equal(restored.ledger.appendsHeldBecause, null);
    assert.deepEqual(releases, ['peers']);
    const next = await post(restored, 'after the restore');
    assert.equal(next.event.seq, 5, 'the next seq after the highest alpha ever used, never a reused one');
  });

  it('[LOG9] releases as soon as the heads arrive when the peer holds nothing newer of this node', async () => {
    const { restored, bravo } = await restoredScenario();
    await sync(bravo, restored);
    const { gate, releases } = gateOn(restored, ['bravo']);
    gate.hold();
    assert.notEqual(restored.ledger.appendsHeldBecause, null);
    gate.peerHeadsArrived('bravo', bravo.ledger.headSummary([LINE]));
    assert.equal(restored.ledger.appendsHeldBecause, null);
    assert.deepEqual(releases, ['peers']);
  });

  it('[LOG9] waits for every paired peer, not only the first to answer', async () => {
    const { restored, bravo } = await restoredScenario();
    await sync(bravo, restored);
    const { gate } = gateOn(restored, ['bravo', 'charlie']);
    gate.hold();
    gate.peerHeadsArrived('bravo', bravo.ledger.headSummary([LINE]));
    assert.deepEqual(gate.status().waitingForPeers, ['charlie']);
    assert.match(restored.ledger.appendsHeldBecause ?? '', /waiting for charlie/);
  });

  it('[LOG9] a node without peers has no one to wait for', async () => {
    const { restored } = await restoredScenario();
    const { gate, releases } = gateOn(restored, []);
    gate.hold();
    assert.equal(restored.ledger.appendsHeldBecause, null);
    assert.deepEqual(releases, ['peers']);
  });

  it('[LOG9] an admin may end the wait early (peers gone for good), once', async () => {
    const { restored } = await restoredScenario();
    const { gate, releases } = gateOn(restored, ['bravo']);
    gate.hold();
    await gate.release('admin');
    await gate.release('admin');
    assert.equal(restored.ledger.appendsHeldBecause, null);
    assert.deepEqual(releases, ['admin']);
    assert.equal(gate.status().isHeld, false);
  });
});
