import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalBytes } from './canonical.ts';
import {
  eventId,
  genesisMembers,
  isTimestamp,
  parseEnvelope,
  signEvent,
  signedBytes,
  unsignedOf,
  verifyEventSignature,
} from './event.ts';
import { REJECTION_CODES } from './rejection.ts';
import { generateKeyPair, Signer, sha256 } from './sign.ts';
import { type JsonObject, MAX_BODY_BYTES, type UnsignedEnvelope } from './types.ts';

const alpha = new Signer(generateKeyPair().privateKey);
const bravo = new Signer(generateKeyPair().privateKey);
const ID_A = `${'A'.repeat(42)}E`;
const ID_B = `${'b'.repeat(42)}w`;

const unsigned: UnsignedEnvelope = {
  v: 1,
  line: 'hotline-ab',
  origin: 'alpha',
  seq: 2,
  prev: ID_A,
  clock: 5,
  deps: { bravo: ID_B },
  ts: '2025-03-01T08:15:00.000Z',
  author: 'duty.officer@alpha',
  type: 'message.posted',
  body: { text: 'Vessel in sector 4', precedence: 'FLASH', n: [1, 2.5, null, true] },
};
const signed = signEvent(unsigned, alpha);

/** The signed envelope, as plain JSON, with `changes` applied (undefined deletes a field). */
function variant(changes: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...unsignedOf(signed), sig: signed.sig };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete copy[key];
    else copy[key] = value;
  }
  return copy;
}

describe('event envelope', () => {
  it('[LOG2] id is base64url(SHA-256(canonical bytes of the envelope without sig))', () => {
    assert.equal(eventId(unsigned), sha256(canonicalBytes(unsigned)));
    assert.equal(signed.id, eventId(unsigned));
    assert.match(signed.id, /^[A-Za-z0-9_-]{43}$/);
    // Passing the signed event (with sig and id) must not change the signed bytes.
    assert.equal(eventId(signed), signed.id);
    assert.deepEqual(signedBytes(signed), canonicalBytes(unsigned));
  });

  it('[LOG2][LOG5] signEvent adds a signature by the given key over the signed bytes', () => {
    assert.match(signed.sig, /^[A-Za-z0-9_-]{86}$/);
    assert.equal(verifyEventSignature(signed, alpha.publicKey), true);
    assert.equal(verifyEventSignature(signed, bravo.publicKey), false);
    assert.equal(
      verifyEventSignature({ ...signed, body: { ...signed.body, text: 'changed' } }, alpha.publicKey),
      false,
    );
    assert.equal(verifyEventSignature({ ...signed, seq: 3 }, alpha.publicKey), false);
  });

  it('[LOG5] verifyEventSignature returns false rather than throw on an envelope with no canonical form', () => {
    const broken = { ...signed, body: { n: Number.NaN } };
    assert.equal(verifyEventSignature(broken, alpha.publicKey), false);
  });

  it('[LOG2] parseEnvelope accepts valid envelopes and returns only the envelope fields', () => {
    const valid: [string, Record<string, unknown>][] = [
      ['a full envelope', variant({})],
      ['with its id (tolerated, dropped)', variant({ id: signed.id })],
      ['a genesis', variant({ seq: 1, prev: null, deps: {}, clock: 1, type: 'line.created' })],
      ['an automatic event authored by the node', variant({ author: 'alpha' })],
      ['user names with dots, dashes, underscores', variant({ author: `a.b-c_${'x'.repeat(58)}@alpha` })],
      [
        'the largest safe seq and clock',
        variant({ seq: Number.MAX_SAFE_INTEGER, clock: Number.MAX_SAFE_INTEGER }),
      ],
      ['a type of 64 characters', variant({ type: `a.${'b'.repeat(62)}` })],
      ['a leap day', variant({ ts: '2024-02-29T23:59:59.999Z' })],
      ['a body of exactly 64 KiB', variant({ body: { t: 'x'.repeat(MAX_BODY_BYTES - 8) } })],
      [
        'line and origin ids at their longest',
        variant({ line: 'l'.repeat(64), origin: 'o'.repeat(32), author: 'o'.repeat(32) }),
      ],
    ];
    for (const [what, input] of valid) {
      const result = parseEnvelope(input);
      assert.ok(result.ok, `${what}: ${result.ok ? '' : result.rejection.message}`);
      assert.equal('id' in result.envelope, false, what);
    }
    const parsed = parseEnvelope(JSON.parse(JSON.stringify({ ...signed })));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.envelope, variant({}));
  });

  it('[LOG2][LOG11] parseEnvelope rejects each malformed field with its code', () => {
    const invalid: [string, unknown, keyof typeof REJECTION_CODES][] = [
      ['null', null, 'malformed'],
      ['an array', [variant({})], 'malformed'],
      ['a string', JSON.stringify(variant({})), 'malformed'],
      ['version 2', variant({ v: 2 }), 'bad-version'],
      ['version "1"', variant({ v: '1' }), 'bad-version'],
      ['a future version with new fields', variant({ v: 2, extra: 1 }), 'bad-version'],
      ['no version', variant({ v: undefined }), 'malformed'],
      ['an unknown field', variant({ extra: 1 }), 'malformed'],
      [
        'an __proto__ field',
        JSON.parse(`{"__proto__":1,${JSON.stringify(variant({})).slice(1)}`),
        'malformed',
      ],
      ['no sig', variant({ sig: undefined }), 'malformed'],
      ['no body', variant({ body: undefined }), 'malformed'],
      ['no deps', variant({ deps: undefined }), 'malformed'],
      ['line with capitals', variant({ line: 'Hotline' }), 'malformed'],
      ['empty line', variant({ line: '' }), 'malformed'],
      ['line of 65 characters', variant({ line: 'l'.repeat(65) }), 'malformed'],
      ['origin with underscore', variant({ origin: 'al_pha', author: 'al_pha' }), 'malformed'],
      ['origin of 33 characters', variant({ origin: 'o'.repeat(33), author: 'o'.repeat(33) }), 'malformed'],
      ['seq 0', variant({ seq: 0 }), 'malformed'],
      ['seq 1.5', variant({ seq: 1.5 }), 'malformed'],
      ['seq as a string', variant({ seq: '2' }), 'malformed'],
      ['seq above MAX_SAFE_INTEGER', variant({ seq: Number.MAX_SAFE_INTEGER + 1 }), 'malformed'],
      ['prev set at seq 1', variant({ seq: 1 }), 'malformed'],
      ['prev null at seq 2', variant({ prev: null }), 'malformed'],
      ['prev of 42 characters', variant({ prev: ID_A.slice(1) }), 'malformed'],
      ['prev with non-zero spare bits', variant({ prev: `${ID_A.slice(0, 42)}B` }), 'malformed'],
      ['prev padded', variant({ prev: `${ID_A}=` }), 'malformed'],
      ['clock 0', variant({ clock: 0 }), 'malformed'],
      ['clock -3', variant({ clock: -3 }), 'malformed'],
      ['deps an array', variant({ deps: [ID_B] }), 'malformed'],
      ['deps null', variant({ deps: null }), 'malformed'],
      ['deps with a bad node id', variant({ deps: { Bravo: ID_B } }), 'malformed'],
      ['deps naming the origin', variant({ deps: { alpha: ID_B } }), 'malformed'],
      ['deps with a bad id', variant({ deps: { bravo: 'nope' } }), 'malformed'],
      ['ts without milliseconds', variant({ ts: '2025-03-01T08:15:00Z' }), 'malformed'],
      ['ts with microseconds', variant({ ts: '2025-03-01T08:15:00.000000Z' }), 'malformed'],
      ['ts with an offset', variant({ ts: '2025-03-01T08:15:00.000+00:00' }), 'malformed'],
      ['ts with lowercase z', variant({ ts: '2025-03-01T08:15:00.000z' }), 'malformed'],
      ['ts on 30 February', variant({ ts: '2025-02-30T08:15:00.000Z' }), 'malformed'],
      ['ts on 29 February of a common year', variant({ ts: '2025-02-29T08:15:00.000Z' }), 'malformed'],
      ['ts at 24:00', variant({ ts: '2025-03-01T24:00:00.000Z' }), 'malformed'],
      ['ts in month 13', variant({ ts: '2025-13-01T08:15:00.000Z' }), 'malformed'],
      ['ts a number', variant({ ts: 1740816900000 }), 'malformed'],
      ['author of another node', variant({ author: 'officer@bravo' }), 'malformed'],
      ['author with capitals', variant({ author: 'Officer@alpha' }), 'malformed'],
      ['author with an empty user', variant({ author: '@alpha' }), 'malformed'],
      ['author with two @', variant({ author: 'a@b@alpha' }), 'malformed'],
      ['author with a 65-character user', variant({ author: `${'u'.repeat(65)}@alpha` }), 'malformed'],
      ['author another node id', variant({ author: 'bravo' }), 'malformed'],
      ['type without a dot', variant({ type: 'message' }), 'malformed'],
      ['type with capitals', variant({ type: 'Message.posted' }), 'malformed'],
      ['type of 65 characters', variant({ type: `a.${'b'.repeat(63)}` }), 'malformed'],
      ['body an array', variant({ body: [] }), 'malformed'],
      ['body null', variant({ body: null }), 'malformed'],
      ['body a string', variant({ body: 'text' }), 'malformed'],
      ['body with a lone surrogate', variant({ body: { text: '\ud800' } }), 'malformed'],
      [
        'body one byte over 64 KiB',
        variant({ body: { t: 'x'.repeat(MAX_BODY_BYTES - 7) } }),
        'body-too-large',
      ],
      ['body over 64 KiB in UTF-8 only', variant({ body: { t: '€'.repeat(22_000) } }), 'body-too-large'],
      ['sig of 85 characters', variant({ sig: signed.sig.slice(1) }), 'malformed'],
      ['sig with non-zero spare bits', variant({ sig: `${signed.sig.slice(0, 85)}B` }), 'malformed'],
      ['sig padded', variant({ sig: `${signed.sig}==` }), 'malformed'],
      ['sig a number', variant({ sig: 1 }), 'malformed'],
    ];
    for (const [what, input, code] of invalid) {
      const result = parseEnvelope(input);
      assert.equal(result.ok, false, what);
      if (!result.ok) {
        assert.equal(result.rejection.code, code, `${what}: ${result.rejection.message}`);
        assert.ok(result.rejection.code in REJECTION_CODES);
      }
    }
  });

  it('[LOG2] isTimestamp accepts RFC 3339 UTC with milliseconds only', () => {
    assert.equal(isTimestamp('0001-01-01T00:00:00.000Z'), true);
    assert.equal(isTimestamp('9999-12-31T23:59:59.999Z'), true);
    assert.equal(isTimestamp('2025-06-30T23:59:60.000Z'), false, 'leap seconds are not representable');
    assert.equal(isTimestamp('2025-06-31T00:00:00.000Z'), false);
    assert.equal(isTimestamp('2000-02-29T00:00:00.000Z'), true, '2000 is a leap year');
    assert.equal(isTimestamp('1900-02-29T00:00:00.000Z'), false, '1900 is not');
    assert.equal(isTimestamp('2025-00-10T00:00:00.000Z'), false);
    assert.equal(isTimestamp('2025-01-00T00:00:00.000Z'), false);
    assert.equal(isTimestamp('2025-01-01T23:60:00.000Z'), false);
    assert.equal(isTimestamp('２025-01-01T00:00:00.000Z'), false, 'ASCII digits only');
  });

  it('[LOG1] genesisMembers reads the member node ids of a genesis body', () => {
    assert.deepEqual(genesisMembers({ members: ['alpha', 'bravo'] }), ['alpha', 'bravo']);
    const malformed: JsonObject[] = [
      {},
      { members: [] },
      { members: 'alpha' },
      { members: ['Alpha'] },
      { members: ['a', 'a'] },
    ];
    for (const body of malformed) {
      assert.equal(genesisMembers(body), null, JSON.stringify(body));
    }
  });
});
