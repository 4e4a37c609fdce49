/**
 * Revoking a compromised key (LOG5, FED1; issue 7 part 6) across the ledger, the card import
 * and the export: real stores and keys, a fake clock. alpha's old key is taken to be in a
 * thief's hands; alpha rotates, makes a revocation card naming its `key.rotated` event, and
 * bravo imports it with the safety code heard by voice. The thief's events from the revocation
 * point on are refused; alpha's earlier events, signed with the old key, stay valid.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { isoTime } from '../core/clock.ts';
import { signEvent, unsignedOf } from '../core/event.ts';
import { verifyExport } from '../core/exportFormat.ts';
import { generateKeyPair, Signer } from '../core/sign.ts';
import type { LiaisonEvent } from '../core/types.ts';
import { silentLogger } from '../node/init.ts';
import { type Card, CardError, importCard, makeCard, parseCard, safetyCode } from '../node/pairing.ts';
import { exportLines } from './export.ts';
import { Ledger } from './ledger.ts';
import {
  closeStores,
  eventsOf,
  type LedgerNode,
  LINE,
  makeLedgerPair,
  post,
  sync,
  T0,
} from './testLedgers.ts';

afterEach(closeStores);

const FINGERPRINT = Array.from({ length: 32 }, () => 'AB').join(':');

/**
 * alpha posts a message bravo does not hold yet, then revokes its key: a rotation whose event
 * bravo does not hold either, and a card signed by the new key naming it.
 */
async function revokedPair() {
  const pair = await makeLedgerPair({ withNodes: true });
  const { alpha, bravo } = pair;
  await sync(alpha, bravo);
  await post(alpha, 'sent before the revocation');
  const oldSigner = alpha.signer;
  const next = new Signer(generateKeyPair().privateKey);
  const [rotation] = await alpha.ledger.rotateKey(next, 'alpha');
  assert.ok(rotation);
  const card = parseCard(
    JSON.stringify(
      makeCard(
        {
          nodeId: 'alpha',
          name: 'Alpha ministry',
          url: 'https://alpha.test',
          federationUrl: 'wss://alpha.test',
          publicKey: next.publicKey,
          tlsFingerprint: FINGERPRINT,
          revokes: {
            key: oldSigner.publicKey,
            lines: [{ line: LINE, seq: rotation.event.seq, id: rotation.event.id }],
          },
        },
        next,
      ),
    ),
  );
  const code = safetyCode(bravo.signer.publicKey, next.publicKey);
  return { ...pair, oldSigner, next, rotation: rotation.event, card, code };
}

function importAtBravo(bravo: LedgerNode, card: Card, spokenCode?: string) {
  return importCard(
    card,
    { nodeId: 'bravo', name: 'Bravo ministry', publicKey: bravo.signer.publicKey },
    bravo.store,
    bravo.ledger,
    isoTime(T0),
    { safetyCode: spokenCode },
  );
}

/** An event the thief signs with the old key as alpha's next at `seq`, chained on `prev`. */
function forged(template: LiaisonEvent, oldSigner: Signer, seq: number, prev: string | null): LiaisonEvent {
  const unsigned = { ...unsignedOf(template), seq, prev, type: 'message.posted' };
  unsigned.body = { text: 'forged by the thief', precedence: 'FLASH', deadline: isoTime(T0 + 600_000) };
  return signEvent(unsigned, oldSigner);
}

async function reopen(node: LedgerNode): Promise<Ledger> {
  const ledger = new Ledger({
    store: node.store,
    signer: node.signer,
    selfId: node.id,
    clock: { now: () => T0 },
    logger: silentLogger,
  });
  await ledger.open();
  return ledger;
}

describe('revoking a compromised key (LOG5, FED1)', () => {
  it('[FED1] a revocation card needs the safety code heard by voice; without it, or with a wrong one, nothing changes', async () => {
    const { bravo, card, code, oldSigner } = await revokedPair();
    await assert.rejects(importAtBravo(bravo, card), (error: unknown) => {
      assert.ok(error instanceof CardError);
      assert.equal(error.code, 'safety-code-required');
      return true;
    });
    await assert.rejects(importAtBravo(bravo, card, '0000 0000 0000'), { code: 'safety-code-mismatch' });
    assert.equal(bravo.ledger.nodeKey('alpha'), oldSigner.publicKey);
    assert.equal((await bravo.store.getNode('alpha'))?.publicKey, oldSigner.publicKey);
    const imported = await importAtBravo(bravo, card, code.replace(/ /g, ''));
    assert.equal(imported.revokedLines, 1);
    assert.equal(imported.safetyCode, code);
  });

  it('[FED1] a card with another key and no revocation is still refused', async () => {
    const { bravo, card, next } = await revokedPair();
    const { revokes: _revokes, sig: _sig, liaisonCard: _v, ...body } = card;
    const plain = parseCard(JSON.stringify(makeCard(body, next)));
    await assert.rejects(importAtBravo(bravo, plain), { code: 'key-mismatch' });
  });

  it('[LOG5] after the import the thief’s events from the revocation point are refused, before and after a restart; earlier ones stay valid', async () => {
    const { alpha, bravo, card, code, oldSigner, rotation } = await revokedPair();
    await importAtBravo(bravo, card, code);
    const before = await eventsOf(alpha);
    const lastBeforeRotation = before.find((e) => e.origin === 'alpha' && e.seq === rotation.seq - 1);
    assert.ok(lastBeforeRotation);

    // The thief, holding the old key, writes in the rotation's place and after it.
    const atPoint = forged(rotation, oldSigner, rotation.seq, rotation.prev);
    const afterPoint = forged(rotation, oldSigner, rotation.seq + 1, rotation.id);
    // alpha's message before the point, signed with the old key, is accepted.
    const beforePoint = before.filter((e) => e.origin === 'alpha' && e.seq < rotation.seq && e.seq > 1);
    assert.deepEqual((await bravo.ledger.receive(beforePoint, 'alpha')).rejected, []);
    const thiefRefusals = async (ledger: Ledger) =>
      (await ledger.receive([atPoint, afterPoint], 'alpha')).rejected.map((r) => r.code);
    assert.deepEqual(await thiefRefusals(bravo.ledger), ['revoked-key', 'revoked-key']);
    // After a restart, before alpha's rotation event has arrived, the pins still hold (store meta).
    await bravo.ledger.idle();
    const restarted = await reopen(bravo);
    assert.deepEqual(await thiefRefusals(restarted), ['revoked-key', 'revoked-key']);
    // alpha's own events arrive: the named rotation, and what the new key signs after it.
    await post(alpha, 'signed with the new key');
    const result = await restarted.receive(await eventsOf(alpha), 'alpha');
    assert.deepEqual(result.rejected, []);
    assert.equal(restarted.heldSeq(LINE, 'alpha'), rotation.seq + 1);
    const held = await bravo.store.getEventBySeq(LINE, 'alpha', rotation.seq - 1);
    assert.equal(held?.event.id, lastBeforeRotation.id, 'the old key’s event before the point is held');

    // Later, the thief re-signs alpha's latest event with the old key: still refused.
    const latest = await bravo.store.getEventBySeq(LINE, 'alpha', rotation.seq + 1);
    assert.ok(latest);
    const copy = signEvent(unsignedOf(latest.event), oldSigner);
    const refused = await restarted.receive([copy], 'alpha');
    assert.deepEqual(
      refused.rejected.map((r) => r.code),
      ['revoked-key'],
    );
  });

  it('[LOG12] the export of the revoked line verifies, trusting the header or the new card', async () => {
    const { alpha, bravo, card, code, next } = await revokedPair();
    await importAtBravo(bravo, card, code);
    await post(alpha, 'after');
    await sync(alpha, bravo);
    const lines: string[] = [];
    for await (const text of exportLines({
      store: bravo.store,
      signer: bravo.signer,
      selfId: 'bravo',
      clock: { now: () => T0 + 3_600_000 },
      lineIds: [LINE],
    }))
      lines.push(text.replace(/\n$/, ''));
    const plain = await verifyExport(lines);
    assert.equal(plain.ok, true, plain.error?.message);
    const trusted = await verifyExport(lines, {
      trustedNodes: [
        { nodeId: 'alpha', publicKey: next.publicKey },
        { nodeId: 'bravo', publicKey: bravo.signer.publicKey },
      ],
    });
    assert.equal(trusted.ok, true, trusted.error?.message);
  });
});
