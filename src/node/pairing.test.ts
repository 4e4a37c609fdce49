/**
 * Pairing (FED1, HOT1): signed cards, the safety code, and importing a card into a node with a
 * real in-memory SQLite store, a real ledger and real keys.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { isoTime, ManualClock } from '../core/clock.ts';
import { fingerprint, generateKeyPair, Signer } from '../core/sign.ts';
import { closeStores, openLedgerNode, T0 } from '../record/testLedgers.ts';
import { type Card, CardError, hotlineId, importCard, makeCard, parseCard, safetyCode } from './pairing.ts';

const NOW = isoTime(T0);
const FINGERPRINT = `${'0A:'.repeat(31)}0B`;

function signerOf(): Signer {
  return new Signer(generateKeyPair().privateKey);
}

function cardOf(nodeId: string, signer: Signer, name = `${nodeId} ministry`): Card {
  return makeCard(
    {
      nodeId,
      name,
      url: `http://${nodeId}.example:7801`,
      federationUrl: `wss://${nodeId}.example:7901`,
      publicKey: signer.publicKey,
      tlsFingerprint: FINGERPRINT,
    },
    signer,
  );
}

function cardError(pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof CardError, `expected a CardError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('cards [FED1]', () => {
  const alpha = signerOf();

  it('[FED1] makeCard / parseCard round-trip', () => {
    const card = cardOf('alpha', alpha);
    assert.equal(card.liaisonCard, 1);
    assert.deepEqual(parseCard(JSON.stringify(card, null, 2)), card);
  });

  const tampered: [string, (card: Card) => object][] = [
    ['its url changed', (card) => ({ ...card, url: 'http://mallory.example:7801' })],
    ['its federation url changed', (card) => ({ ...card, federationUrl: 'ws://mallory.example:7901' })],
    ['its name changed', (card) => ({ ...card, name: 'Mallory' })],
    ['another key put in', (card) => ({ ...card, publicKey: signerOf().publicKey })],
  ];
  for (const [what, tamper] of tampered) {
    it(`[FED1] a card with ${what} → CardError`, () => {
      const text = JSON.stringify(tamper(cardOf('alpha', alpha)));
      assert.throws(() => parseCard(text), cardError(/altered or forged/));
    });
  }

  it('[FED1] a card re-signed by another key than the one it names → CardError', () => {
    const mallory = signerOf();
    const forged = makeCard(
      {
        nodeId: 'alpha',
        name: 'alpha',
        url: 'http://a.example',
        federationUrl: 'wss://a.example',
        publicKey: alpha.publicKey,
        tlsFingerprint: FINGERPRINT,
      },
      mallory,
    );
    assert.throws(() => parseCard(JSON.stringify(forged)), cardError(/altered or forged/));
  });

  const malformed: [string, string, RegExp][] = [
    ['not JSON', '{"liaisonCard": 1', /not JSON/],
    ['no signature', JSON.stringify({ liaisonCard: 1, nodeId: 'alpha' }), /no signature/],
    ['null', 'null', /no signature/],
    ['a bad node id', JSON.stringify({ ...cardOf('alpha', alpha), nodeId: 'Alpha!' }), /malformed: nodeId/],
    ['an unknown field', JSON.stringify({ ...cardOf('alpha', alpha), tls: 'x' }), /malformed/],
    [
      'another version',
      JSON.stringify({ ...cardOf('alpha', alpha), liaisonCard: 2 }),
      /malformed: liaisonCard/,
    ],
  ];
  for (const [what, text, pattern] of malformed) {
    it(`[FED1] ${what} → CardError`, () => {
      assert.throws(() => parseCard(text), cardError(pattern));
    });
  }
});

describe('safetyCode [FED1]', () => {
  const a = signerOf().publicKey;
  const b = signerOf().publicKey;
  const c = signerOf().publicKey;

  it('[FED1] both sides compute the same code, whatever the order', () => {
    assert.equal(safetyCode(a, b), safetyCode(b, a));
    assert.match(safetyCode(a, b), /^\d{4} \d{4} \d{4}$/);
  });

  it('[FED1] another key gives another code', () => {
    assert.notEqual(safetyCode(a, c), safetyCode(a, b));
    assert.notEqual(safetyCode(c, b), safetyCode(a, b));
  });
});

describe('hotlineId [HOT1]', () => {
  it('[HOT1] is the same from both sides, the smaller id first', () => {
    assert.equal(hotlineId('bravo', 'alpha'), 'hotline-alpha-bravo');
    assert.equal(hotlineId('alpha', 'bravo'), 'hotline-alpha-bravo');
  });
});

describe('importCard [FED1][HOT1]', () => {
  afterEach(closeStores);

  /** A node on its own clock, with its card; it knows no peer and no line yet. */
  async function makeNode(nodeId: string) {
    const node = await openLedgerNode(nodeId, new ManualClock(T0));
    const self = { nodeId, name: `${nodeId} ministry`, publicKey: node.signer.publicKey };
    return { ...node, self, card: cardOf(nodeId, node.signer) };
  }

  type TestNode = Awaited<ReturnType<typeof makeNode>>;

  /** Two unpaired nodes, made one after the other. */
  async function makeNodes(first: string, second: string): Promise<[TestNode, TestNode]> {
    return [await makeNode(first), await makeNode(second)];
  }

  /** `node` imports `card`, as its console would at `at`. */
  function importInto(node: TestNode, card: Card, at = NOW) {
    return importCard(card, node.self, node.store, node.ledger, at);
  }

  it('[HOT1] both sides create the hotline with sorted members; the smaller id writes the genesis', async () => {
    const [alpha, bravo] = await makeNodes('alpha', 'bravo');

    // bravo imports first: it makes the line but must wait for alpha's genesis.
    const atBravo = await importInto(bravo, alpha.card);
    assert.equal(atBravo.line.id, 'hotline-alpha-bravo');
    assert.deepEqual(atBravo.line.members, ['alpha', 'bravo']);
    assert.equal(atBravo.line.kind, 'hotline');
    assert.equal(atBravo.line.title, 'alpha ministry ⇄ bravo ministry');
    assert.equal(bravo.ledger.isReady(atBravo.line.id), false);
    assert.equal(await bravo.store.countEvents(), 0);
    assert.deepEqual(await bravo.store.getLine(atBravo.line.id), atBravo.line);
    const peer = await bravo.store.getNode('alpha');
    assert.equal(peer?.publicKey, alpha.signer.publicKey);
    assert.equal(peer?.isSelf, false);
    assert.equal(peer?.url, alpha.card.url);

    const atAlpha = await importInto(alpha, bravo.card);
    assert.deepEqual(atAlpha.line, atBravo.line);
    assert.ok(alpha.ledger.isReady(atAlpha.line.id));
    const genesis = await alpha.store.getEventBySeq(atAlpha.line.id, 'alpha', 1);
    assert.equal(genesis?.event.type, 'line.created');
    assert.deepEqual(genesis?.event.body, {
      kind: 'hotline',
      title: 'alpha ministry ⇄ bravo ministry',
      members: ['alpha', 'bravo'],
    });

    // [FED1] both consoles show the same safety code; each shows the other's fingerprint.
    assert.equal(atAlpha.safetyCode, atBravo.safetyCode);
    assert.equal(atAlpha.fingerprint, fingerprint(bravo.signer.publicKey));
    assert.equal(atBravo.fingerprint, fingerprint(alpha.signer.publicKey));
    assert.equal(atAlpha.isNew, true);

    // The import made alpha's key known at bravo: the genesis is accepted there.
    const received = await bravo.ledger.receive(genesis ? [genesis.event] : [], 'alpha');
    assert.deepEqual([received.accepted, received.rejected], [1, []]);
    assert.ok(bravo.ledger.isReady(atBravo.line.id));
  });

  it('[HOT1] members are sorted whichever side imports: zulu importing alpha waits for alpha', async () => {
    const [zulu, alpha] = await makeNodes('zulu', 'alpha');
    const result = await importInto(zulu, alpha.card);
    assert.equal(result.line.id, 'hotline-alpha-zulu');
    assert.deepEqual(result.line.members, ['alpha', 'zulu']);
    assert.equal(await zulu.store.countEvents(), 0);
  });

  it('[FED1] importing the same card again is not new and writes no second genesis', async () => {
    const [alpha, bravo] = await makeNodes('alpha', 'bravo');
    const first = await importInto(alpha, bravo.card);
    const again = await importInto(alpha, bravo.card, isoTime(T0 + 60_000));
    assert.equal(again.isNew, false);
    assert.deepEqual(again.line, first.line);
    assert.equal(await alpha.store.countEvents(), 1);
    assert.equal((await alpha.store.getNode('bravo'))?.addedAt, NOW);
  });

  it('[FED1] a card of a known node with another key is refused', async () => {
    const [alpha, bravo] = await makeNodes('alpha', 'bravo');
    await importInto(alpha, bravo.card);
    const impostor = cardOf('bravo', signerOf());
    await assert.rejects(importInto(alpha, impostor), cardError(/already paired with another key/));
    assert.equal((await alpha.store.getNode('bravo'))?.publicKey, bravo.signer.publicKey);
  });

  it("[FED1] this node's own card is refused", async () => {
    const alpha = await makeNode('alpha');
    await assert.rejects(importInto(alpha, alpha.card), cardError(/card of this node/));
    assert.deepEqual(await alpha.store.listLines(), []);
  });
});
