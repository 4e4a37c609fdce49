import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeBase64url } from './base64url.ts';
import {
  fingerprint,
  generateKeyPair,
  KeyFormatError,
  Signer,
  sha256,
  verifySignature,
  verifySignatureAsync,
} from './sign.ts';

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));
const b64u = (text: string): string => encodeBase64url(hex(text));

/** RFC 8032 §7.1 test vectors: secret seed, public key, message, signature (hex). */
const RFC8032_VECTORS = [
  {
    name: 'TEST 1 (empty message)',
    secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2 (one byte)',
    secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'TEST 3 (two bytes)',
    secret: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
  {
    name: 'TEST SHA(abc)',
    secret: '833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42',
    publicKey: 'ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf',
    message:
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    signature:
      'dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704',
  },
];

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  const index = Math.floor(bit / 8) % Math.max(copy.length, 1);
  copy[index] = (copy[index] ?? 0) ^ (1 << (bit % 8));
  return copy;
}

describe('Ed25519 (RFC 8032)', () => {
  for (const vector of RFC8032_VECTORS) {
    it(`[LOG5] ${vector.name}: derives the public key, signs exactly, verifies, and a flipped bit fails`, () => {
      const signer = new Signer(b64u(vector.secret));
      assert.equal(signer.publicKey, b64u(vector.publicKey));
      const message = hex(vector.message);
      const signature = signer.sign(message);
      assert.equal(signature, b64u(vector.signature));
      assert.equal(verifySignature(signer.publicKey, message, signature), true);

      const signatureBytes = hex(vector.signature);
      for (const bit of [0, 255, 256, 511]) {
        const flipped = encodeBase64url(flipBit(signatureBytes, bit));
        assert.equal(verifySignature(signer.publicKey, message, flipped), false, `signature bit ${bit}`);
      }
      if (message.length > 0) {
        assert.equal(verifySignature(signer.publicKey, flipBit(message, 3), signature), false, 'message bit');
      } else {
        assert.equal(verifySignature(signer.publicKey, new Uint8Array([0]), signature), false, 'extra byte');
      }
      const otherKey = encodeBase64url(flipBit(hex(vector.publicKey), 9));
      assert.equal(verifySignature(otherKey, message, signature), false, 'key bit');
    });
  }

  it('[LOG5] generates key pairs whose seed yields the same public key', () => {
    const keys = generateKeyPair();
    const signer = new Signer(keys.privateKey);
    assert.equal(signer.publicKey, keys.publicKey);
    assert.match(keys.publicKey, /^[A-Za-z0-9_-]{43}$/);
    assert.match(keys.privateKey, /^[A-Za-z0-9_-]{43}$/);
    const bytes = new TextEncoder().encode('liaison');
    assert.equal(verifySignature(keys.publicKey, bytes, signer.sign(bytes)), true);
    assert.notEqual(generateKeyPair().publicKey, keys.publicKey);
  });

  it('[LOG5] refuses a private key that is not 32 bytes of base64url', () => {
    for (const seed of [
      '',
      'abc',
      b64u('00'.repeat(31)),
      b64u('00'.repeat(33)),
      `${b64u('00'.repeat(32))}=`,
    ]) {
      assert.throws(() => new Signer(seed), KeyFormatError, seed);
    }
  });

  it('[LOG5] verifySignature returns false on garbage and never throws', () => {
    const signer = new Signer(b64u(RFC8032_VECTORS[1]?.secret ?? ''));
    const message = hex('72');
    const signature = signer.sign(message);
    const garbage: [string, Uint8Array, string][] = [
      ['', message, signature],
      ['not base64url!', message, signature],
      [b64u('00'.repeat(31)), message, signature],
      [b64u('ff'.repeat(32)), message, signature],
      [signer.publicKey, message, ''],
      [signer.publicKey, message, signature.slice(0, -2)],
      [signer.publicKey, message, `${signature}==`],
      [signer.publicKey, message, `${signature.slice(0, -1)}B`],
      [signer.publicKey, message, 'x'.repeat(10_000)],
    ];
    for (const [publicKey, bytes, sig] of garbage) {
      assert.equal(verifySignature(publicKey, bytes, sig), false, `${publicKey} / ${sig.slice(0, 20)}`);
    }
    assert.equal(verifySignature(signer.publicKey, message, signature), true);
  });

  it('[LOG5] verifySignatureAsync agrees with verifySignature and resolves false on garbage', async () => {
    const vector = RFC8032_VECTORS[2];
    assert.ok(vector);
    const publicKey = b64u(vector.publicKey);
    const message = hex(vector.message);
    const signature = b64u(vector.signature);
    assert.equal(await verifySignatureAsync(publicKey, message, signature), true);
    assert.equal(await verifySignatureAsync(publicKey, flipBit(message, 1), signature), false);
    assert.equal(
      await verifySignatureAsync(publicKey, message, encodeBase64url(flipBit(hex(vector.signature), 7))),
      false,
    );
    assert.equal(await verifySignatureAsync('garbage', message, signature), false);
    assert.equal(await verifySignatureAsync(publicKey, message, 'garbage'), false);
    assert.equal(await verifySignatureAsync(b64u('ff'.repeat(32)), message, signature), false);
  });

  it('[LOG2] sha256 gives base64url of the digest (FIPS 180-2 "abc")', () => {
    assert.equal(
      sha256(new TextEncoder().encode('abc')),
      b64u('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'),
    );
  });

  it('[FED1] fingerprint is the first 16 bytes of SHA-256 of the raw key, hex in groups of four', () => {
    assert.equal(
      fingerprint(b64u(RFC8032_VECTORS[0]?.publicKey ?? '')),
      '21fe:31df:a154:a261:626b:f854:046f:d227',
    );
    assert.match(fingerprint(generateKeyPair().publicKey), /^[0-9a-f]{4}(:[0-9a-f]{4}){7}$/);
    assert.throws(() => fingerprint('short'), KeyFormatError);
  });
});
