import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeBase64url, encodeBase64url } from './base64url.ts';

const utf8 = new TextEncoder();

describe('base64url', () => {
  it('[LOG2] encodes the RFC 4648 §10 vectors without padding', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg'],
      ['fo', 'Zm8'],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg'],
      ['fooba', 'Zm9vYmE'],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [text, encoded] of vectors) {
      assert.equal(encodeBase64url(utf8.encode(text)), encoded);
      assert.deepEqual(decodeBase64url(encoded), utf8.encode(text));
    }
  });

  it('[LOG2] uses the URL-safe alphabet (- and _ instead of + and /)', () => {
    assert.equal(encodeBase64url(new Uint8Array([0xfb, 0xff, 0xbf])), '-_-_');
    assert.deepEqual(decodeBase64url('-_-_'), new Uint8Array([0xfb, 0xff, 0xbf]));
  });

  it('[LOG2] agrees with Node’s base64url and round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const encoded = encodeBase64url(bytes);
        assert.equal(encoded, Buffer.from(bytes).toString('base64url'));
        assert.deepEqual(decodeBase64url(encoded), bytes);
      }),
    );
  });

  it('[LOG2] refuses padding, foreign characters, impossible lengths and non-zero spare bits', () => {
    const invalid = [
      'Zg==',
      'Zg=',
      'Zm9v+',
      'Zm9v/',
      'Zm 9v',
      'Zm9v\n',
      'Zm9vé',
      'Z',
      'Zm9vY',
      'Zh',
      'Zm9',
      'Zm9vYmF=',
      '€',
    ];
    for (const text of invalid) assert.equal(decodeBase64url(text), null, text);
    // 'Zm8' is canonical for "fo"; 'Zm9' differs only in the two spare bits.
    assert.notEqual(decodeBase64url('Zm8'), null);
  });
});
