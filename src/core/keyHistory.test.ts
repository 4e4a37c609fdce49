import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { followRotations, KeyHistory, parseRotation, rotationBody } from './keyHistory.ts';
import { generateKeyPair, Signer } from './sign.ts';

const LINE = 'hotline-alpha-bravo';

function keys(): { signer: Signer; publicKey: string } {
  const pair = generateKeyPair();
  return { signer: new Signer(pair.privateKey), publicKey: pair.publicKey };
}

describe('key history (LOG5)', () => {
  const k0 = keys();
  const k1 = keys();
  const k2 = keys();

  it('[LOG5] a rotation body proved by the new key parses, naming fromSeq = seq + 1', () => {
    const body = rotationBody(LINE, 'alpha', 7, k0.publicKey, k1.signer);
    const rotation = parseRotation({ line: LINE, origin: 'alpha', seq: 7, body });
    assert.deepEqual(rotation, {
      line: LINE,
      origin: 'alpha',
      seq: 7,
      fromSeq: 8,
      previousKey: k0.publicKey,
      publicKey: k1.publicKey,
    });
  });

  it('[LOG5] a rotation whose proof is not by the new key, or whose body is off, is refused', () => {
    const body = rotationBody(LINE, 'alpha', 7, k0.publicKey, k1.signer);
    const forged = { ...rotationBody(LINE, 'alpha', 7, k0.publicKey, k2.signer), publicKey: k1.publicKey };
    const cases: [string, object, number][] = [
      ['forged proof', forged, 7],
      ['wrong seq', body, 8],
      ['extra field', { ...body, note: 'x' }, 7],
      ['same key', rotationBody(LINE, 'alpha', 7, k1.publicKey, k1.signer), 7],
      ['another line', rotationBody('thread-1', 'alpha', 7, k0.publicKey, k1.signer), 7],
    ];
    for (const [name, candidate, seq] of cases) {
      const result = parseRotation({ line: LINE, origin: 'alpha', seq, body: candidate as never });
      assert.equal(typeof result, 'string', name);
    }
  });

  it('[LOG5] keysFor follows the rotations of (line, origin), and any chain key elsewhere', () => {
    const history = new KeyHistory();
    history.setNodeKey('alpha', k0.publicKey);
    const first = parseRotation({
      line: LINE,
      origin: 'alpha',
      seq: 4,
      body: rotationBody(LINE, 'alpha', 4, k0.publicKey, k1.signer),
    });
    assert.ok(typeof first !== 'string');
    assert.equal(history.check(first), null);
    const added = history.add(first);
    assert.equal(added.isCurrentKeyChanged, true);
    assert.equal(history.currentKey('alpha'), k1.publicKey);
    assert.deepEqual(history.keysFor(LINE, 'alpha', 4), [k0.publicKey]);
    assert.deepEqual(history.keysFor(LINE, 'alpha', 5), [k1.publicKey]);
    // A line whose rotation is not held yet: the current key first, then the older ones.
    assert.deepEqual(history.keysFor('thread-1', 'alpha', 2), [k1.publicKey, k0.publicKey]);
    // The same step on another line does not move the current key back or forward again.
    const other = parseRotation({
      line: 'thread-1',
      origin: 'alpha',
      seq: 2,
      body: rotationBody('thread-1', 'alpha', 2, k0.publicKey, k1.signer),
    });
    assert.ok(typeof other !== 'string');
    assert.equal(history.add(other).isCurrentKeyChanged, false);
    assert.equal(history.currentKey('alpha'), k1.publicKey);
    // A second rotation of the line must retire the key in force, not an older one.
    const stale = parseRotation({
      line: LINE,
      origin: 'alpha',
      seq: 9,
      body: rotationBody(LINE, 'alpha', 9, k0.publicKey, k2.signer),
    });
    assert.ok(typeof stale !== 'string');
    assert.match(history.check(stale) ?? '', /previousKey/);
    added.undo();
    assert.equal(history.currentKey('alpha'), k0.publicKey);
    assert.deepEqual(history.rotationsOf(LINE, 'alpha'), []);
  });

  it('[LOG5] followRotations walks from a known key to the newest, in any order given', () => {
    const r1 = parseRotation({
      line: LINE,
      origin: 'alpha',
      seq: 3,
      body: rotationBody(LINE, 'alpha', 3, k0.publicKey, k1.signer),
    });
    const r2 = parseRotation({
      line: LINE,
      origin: 'alpha',
      seq: 9,
      body: rotationBody(LINE, 'alpha', 9, k1.publicKey, k2.signer),
    });
    assert.ok(typeof r1 !== 'string' && typeof r2 !== 'string');
    assert.equal(followRotations(k0.publicKey, [r2, r1]), k2.publicKey);
    assert.equal(followRotations(k1.publicKey, [r2, r1]), k2.publicKey);
    assert.equal(followRotations(k2.publicKey, [r2, r1]), k2.publicKey);
  });
});
