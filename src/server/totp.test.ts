/**
 * TOTP (SEC2): RFC 6238 Appendix B vectors for HMAC-SHA-1, RFC 4648 §10 base32 vectors, the
 * one-step drift window, and the otpauth:// URI authenticator apps scan.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { base32Decode, base32Encode, newTotpSecret, otpauthUri, totpCode, verifyTotp } from './totp.ts';

/** RFC 6238's SHA-1 seed, ASCII "12345678901234567890", in base32. */
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

/**
 * RFC 6238 Appendix B, SHA-1: T (seconds) → the 8-digit TOTP. The 6-digit code is the value mod
 * 10^6, i.e. the last 6 digits.
 */
const RFC_VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('totpCode', () => {
  it('[SEC2] the RFC seed encodes to the base32 secret the vectors use', () => {
    assert.equal(base32Encode(Buffer.from('12345678901234567890', 'ascii')), RFC_SECRET);
  });

  for (const [seconds, code] of RFC_VECTORS) {
    it(`[SEC2] RFC 6238 Appendix B, 8 digits: T=${seconds} → ${code}`, () => {
      assert.equal(totpCode(RFC_SECRET, seconds * 1000, 8), code);
    });
    it(`[SEC2] RFC 6238 Appendix B, the 6 digits apps show: T=${seconds} → ${code.slice(2)}`, () => {
      assert.equal(totpCode(RFC_SECRET, seconds * 1000), code.slice(2));
    });
  }

  it('[SEC2] a code holds for its whole 30-second step', () => {
    assert.equal(totpCode(RFC_SECRET, 30_000), totpCode(RFC_SECRET, 59_999));
    assert.notEqual(totpCode(RFC_SECRET, 59_999), totpCode(RFC_SECRET, 60_000));
  });

  it('a secret that is not base32 throws', () => {
    assert.throws(() => totpCode('not base32!', 0));
  });
});

describe('verifyTotp', () => {
  const t = 1111111109 * 1000;
  const code = '081804';

  it('[SEC2] accepts the current code and one step of drift either way', () => {
    assert.equal(verifyTotp(RFC_SECRET, code, t), true);
    assert.equal(verifyTotp(RFC_SECRET, code, t + 30_000), true, 'the code of the previous step');
    assert.equal(verifyTotp(RFC_SECRET, code, t - 30_000), true, 'the code of the next step');
  });

  it('[SEC2] refuses two steps of drift either way', () => {
    assert.equal(verifyTotp(RFC_SECRET, code, t + 60_000), false);
    assert.equal(verifyTotp(RFC_SECRET, code, t - 60_000), false);
  });

  for (const bad of [
    '',
    '08180',
    '0818040',
    '08180a',
    ' 081804',
    '081804 ',
    '０８１８０４',
    '-81804',
    '81804.',
  ]) {
    it(`[SEC2] refuses ${JSON.stringify(bad)}: not six ASCII digits`, () => {
      assert.equal(verifyTotp(RFC_SECRET, bad, t), false);
    });
  }

  it('[SEC2] refuses another secret’s code', () => {
    const other = base32Encode(Buffer.from('another seed 1234567', 'ascii'));
    assert.equal(verifyTotp(other, code, t), false);
    assert.equal(verifyTotp(other, totpCode(other, t), t), true);
  });
});

describe('base32', () => {
  /** RFC 4648 §10, without padding. */
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ];
  for (const [plain, encoded] of vectors) {
    it(`RFC 4648 §10: ${JSON.stringify(plain)} ↔ ${encoded}`, () => {
      assert.equal(base32Encode(Buffer.from(plain, 'ascii')), encoded);
      assert.equal(Buffer.from(base32Decode(encoded) ?? []).toString('ascii'), plain);
    });
  }

  it('decoding ignores padding and case', () => {
    assert.equal(Buffer.from(base32Decode('mzxw6yq=') ?? []).toString('ascii'), 'foob');
    assert.equal(Buffer.from(base32Decode('MZXW6YTBOI======') ?? []).toString('ascii'), 'foobar');
  });

  it('decoding refuses characters outside the alphabet', () => {
    for (const text of ['MZXW1', 'MZXW8', 'MZ XW', 'MZ-XW']) assert.equal(base32Decode(text), null, text);
  });

  it('round-trips random bytes of every length up to 41', () => {
    for (let length = 0; length <= 41; length++) {
      const bytes = randomBytes(length);
      assert.deepEqual(Buffer.from(base32Decode(base32Encode(bytes)) ?? []), bytes, `length ${length}`);
    }
  });

  it('[SEC2] a new secret is 160 random bits: 32 base32 characters', () => {
    const secret = newTotpSecret();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.equal(base32Decode(secret)?.length, 20);
    assert.notEqual(newTotpSecret(), secret);
  });
});

describe('otpauthUri', () => {
  it('[SEC2] names the issuer and account and gives secret, SHA1, 6 digits, 30 s', () => {
    const uri = otpauthUri(RFC_SECRET, 'officer@alpha');
    assert.equal(
      uri,
      `otpauth://totp/Liaison%3Aofficer%40alpha?secret=${RFC_SECRET}&issuer=Liaison&algorithm=SHA1&digits=6&period=30`,
    );
    const url = new URL(uri);
    assert.equal(url.protocol, 'otpauth:');
    assert.equal(url.host, 'totp');
    assert.equal(decodeURIComponent(url.pathname.slice(1)), 'Liaison:officer@alpha');
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      secret: RFC_SECRET,
      issuer: 'Liaison',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });

  it('[SEC2] escapes a custom issuer and account', () => {
    const url = new URL(otpauthUri(RFC_SECRET, 'duty officer@bravo', 'Bravo & Co'));
    assert.equal(decodeURIComponent(url.pathname.slice(1)), 'Bravo & Co:duty officer@bravo');
    assert.equal(url.searchParams.get('issuer'), 'Bravo & Co');
  });
});
