/**
 * Key rotation across the ledger and the export (LOG5, LOG12): real stores and keys, a fake clock.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { signEvent, unsignedOf } from '../core/event.ts';
import { verifyExport } from '../core/exportFormat.ts';
import { rotationBody } from '../core/keyHistory.ts';
import { generateKeyPair, Signer } from '../core/sign.ts';
import type { LiaisonEvent } from '../core/types.ts';
import { exportLines } from './export.ts';
import { closeStores, type LedgerNode, LINE, makeLedgerPair, post, sync } from './testLedgers.ts';

afterEach(closeStores);

/** alpha and bravo with two messages each way, then alpha's key rotated and one more message. */
async function rotatedPair() {
  const pair = await makeLedgerPair({ withNodes: true });
  const { alpha, bravo } = pair;
  await sync(alpha, bravo);
  await post(alpha, 'before 1');
  await post(bravo, 'before 2');
  await sync(alpha, bravo);
  await sync(bravo, alpha);
  const oldKey = alpha.signer.publicKey;
  const next = new Signer(generateKeyPair().privateKey);
  const rotations = await alpha.ledger.rotateKey(next, 'admin@alpha');
  return { ...pair, oldKey, next, rotations };
}

async function exportOf(node: LedgerNode, signer: Signer): Promise<string[]> {
  const lines: string[] = [];
  for await (const text of exportLines({
    store: node.store,
    signer,
    selfId: node.id,
    clock: { now: () => Date.UTC(2025, 2, 1, 9) },
    lineIds: [LINE],
  }))
    lines.push(text.replace(/\n$/, ''));
  return lines;
}

describe('key rotation in the ledger (LOG5)', () => {
  it('[LOG5] a rotation is a key.rotated event signed by the old key; later events verify with the new key on the peer', async () => {
    const { alpha, bravo, oldKey, next, rotations } = await rotatedPair();
    assert.equal(rotations.length, 1);
    const rotated = rotations[0]?.event;
    assert.equal(rotated?.type, 'key.rotated');
    assert.equal(rotated?.body.previousKey, oldKey);
    assert.equal(rotated?.body.publicKey, next.publicKey);
    assert.equal(rotated?.body.fromSeq, (rotated?.seq ?? 0) + 1);
    assert.equal(alpha.ledger.publicKey, next.publicKey);
    assert.equal((await alpha.store.getNode('alpha'))?.publicKey, next.publicKey);
    await post(alpha, 'after');
    await sync(alpha, bravo); // asserts nothing is refused
    assert.equal(bravo.ledger.nodeKey('alpha'), next.publicKey);
    assert.equal((await bravo.store.getNode('alpha'))?.publicKey, next.publicKey);
    await post(bravo, 'answer');
    await sync(bravo, alpha);
  });

  it('[LOG5] an event from fromSeq on signed with the old key is bad-signature', async () => {
    const { alpha, bravo, rotations } = await rotatedPair();
    await sync(alpha, bravo);
    const after = (await post(alpha, 'after')).event;
    const oldSigner = alpha.signer; // the fixture's signer: the key before the rotation
    const forged = signEvent(unsignedOf(after), oldSigner);
    assert.ok(after.seq >= Number(rotations[0]?.event.body.fromSeq));
    const result = await bravo.ledger.receive([forged], 'alpha');
    assert.deepEqual(
      result.rejected.map((r) => r.code),
      ['bad-signature'],
    );
    assert.equal(bravo.ledger.heldSeq(LINE, 'alpha'), after.seq - 1);
  });

  it('[LOG5] a key.rotated whose proof is not by the new key is refused and changes nothing', async () => {
    const pair = await makeLedgerPair({ withNodes: true });
    const { alpha, bravo } = pair;
    await sync(alpha, bravo);
    const wanted = new Signer(generateKeyPair().privateKey);
    const other = new Signer(generateKeyPair().privateKey);
    const body = {
      ...rotationBody(LINE, 'alpha', 2, alpha.signer.publicKey, other),
      publicKey: wanted.publicKey,
    };
    const event = (await alpha.ledger.append(LINE, 'alpha', 'key.rotated', body)).event;
    const result = await bravo.ledger.receive([event], 'alpha');
    assert.deepEqual(
      result.rejected.map((r) => r.code),
      ['bad-key-rotation'],
    );
    assert.equal(bravo.ledger.nodeKey('alpha'), alpha.signer.publicKey);
    assert.equal(bravo.ledger.heldSeq(LINE, 'alpha'), 1);
  });

  it('[LOG5] a restarted ledger rebuilds the key history from the record', async () => {
    const { alpha, bravo } = await rotatedPair();
    await post(alpha, 'after');
    await sync(alpha, bravo);
    const { Ledger } = await import('./ledger.ts');
    const { silentLogger } = await import('../node/init.ts');
    const reopened = new Ledger({
      store: bravo.store,
      signer: bravo.signer,
      selfId: 'bravo',
      clock: { now: () => Date.now() },
      logger: silentLogger,
    });
    await reopened.open();
    assert.equal(reopened.nodeKey('alpha'), alpha.ledger.publicKey);
    assert.equal(reopened.rotationsOf(LINE, 'alpha').length, 1);
  });
});

describe('verifying an export across a rotation (LOG5, LOG12)', () => {
  it('[LOG12] exports of both sides verify, trusting the header or a card of either key', async () => {
    const { alpha, bravo, oldKey, next } = await rotatedPair();
    await post(alpha, 'after');
    await sync(alpha, bravo);
    await post(bravo, 'answer');
    await sync(bravo, alpha);
    const bravoKey = bravo.signer.publicKey;
    for (const [node, signer] of [
      [alpha, next],
      [bravo, bravo.signer],
    ] as const) {
      const lines = await exportOf(node, signer);
      const plain = await verifyExport(lines);
      assert.equal(plain.ok, true, plain.error?.message);
      for (const alphaKey of [oldKey, next.publicKey]) {
        const report = await verifyExport(lines, {
          trustedNodes: [
            { nodeId: 'alpha', publicKey: alphaKey },
            { nodeId: 'bravo', publicKey: bravoKey },
          ],
        });
        assert.equal(report.ok, true, `${node.id} export, alpha card ${alphaKey}: ${report.error?.message}`);
      }
      const stranger = generateKeyPair().publicKey;
      const refused = await verifyExport(lines, {
        trustedNodes: [
          { nodeId: 'alpha', publicKey: stranger },
          { nodeId: 'bravo', publicKey: bravoKey },
        ],
      });
      assert.equal(refused.ok, false);
    }
  });

  it('[LOG5] an export where an event after the rotation is signed with the old key fails bad-signature', async () => {
    const { alpha, bravo } = await rotatedPair();
    const after = (await post(alpha, 'after')).event;
    await sync(alpha, bravo);
    const lines = await exportOf(bravo, bravo.signer);
    const index = lines.findIndex((line) => line.includes(`"id":"${after.id}"`));
    const forged: LiaisonEvent = signEvent(unsignedOf(after), alpha.signer);
    const tampered = [...lines];
    tampered[index] = JSON.stringify({ ...unsignedOf(forged), sig: forged.sig, id: forged.id });
    const report = await verifyExport(tampered);
    assert.equal(report.ok, false);
    assert.equal(report.error?.code, 'bad-signature');
    assert.equal(report.error?.lineNumber, index + 1);
  });
});
