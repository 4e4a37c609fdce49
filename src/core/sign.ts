/**
 * Ed25519 signatures and SHA-256 for the record (LOG2, LOG5). Node only (node:crypto).
 *
 * Keys travel as base64url of raw bytes: the 32-byte public key and the 32-byte private seed
 * (RFC 8032 §5.1.5). Node's KeyObjects are built from them through fixed DER prefixes
 * (PKCS #8 for the seed, SubjectPublicKeyInfo for the public key, RFC 8410).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign as signBytes,
  verify as verifyBytes,
} from 'node:crypto';
import { decodeBase64url } from './base64url.ts';

/** DER of a PKCS #8 Ed25519 private key up to the 32-byte seed (RFC 8410 §7). */
const PKCS8_SEED_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** DER of an Ed25519 SubjectPublicKeyInfo up to the 32-byte public key (RFC 8410 §4). */
const SPKI_KEY_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Public KeyObjects kept for reuse; a node verifies with a handful of keys, so this stays tiny. */
const MAX_CACHED_PUBLIC_KEYS = 64;
const publicKeyCache = new Map<string, KeyObject>();

/** Thrown when a key given to `Signer` or `fingerprint` is not 32 bytes of canonical base64url. */
export class KeyFormatError extends Error {
  override readonly name = 'KeyFormatError';
}

/** An Ed25519 key pair, both halves base64url of their 32 raw bytes. */
export interface KeyPair {
  publicKey: string;
  /** The private seed. Keep it secret. */
  privateKey: string;
}

/** Generates a fresh Ed25519 key pair. */
export function generateKeyPair(): KeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string' || typeof jwk.d !== 'string') {
    throw new KeyFormatError('node:crypto exported an Ed25519 JWK without x or d');
  }
  return { publicKey: jwk.x, privateKey: jwk.d };
}

/** Signs with one node's private key; the KeyObject is built once and kept private. */
export class Signer {
  /** The matching public key, base64url of its 32 raw bytes. */
  readonly publicKey: string;
  readonly #privateKey: KeyObject;

  /** @param privateKeySeed base64url of the 32-byte Ed25519 seed; throws `KeyFormatError` otherwise. */
  constructor(privateKeySeed: string) {
    const seed = decodeBase64url(privateKeySeed);
    if (seed === null || seed.length !== 32) {
      throw new KeyFormatError('an Ed25519 private key is 32 bytes of base64url');
    }
    this.#privateKey = createPrivateKey({
      key: Buffer.concat([PKCS8_SEED_PREFIX, seed]),
      format: 'der',
      type: 'pkcs8',
    });
    const jwk = createPublicKey(this.#privateKey).export({ format: 'jwk' });
    if (typeof jwk.x !== 'string') throw new KeyFormatError('node:crypto exported an Ed25519 JWK without x');
    this.publicKey = jwk.x;
  }

  /** Returns the base64url Ed25519 signature (64 bytes) of `bytes`. */
  sign(bytes: Uint8Array): string {
    return signBytes(null, bytes, this.#privateKey).toString('base64url');
  }
}

function publicKeyObject(publicKey: string): KeyObject | null {
  const cached = publicKeyCache.get(publicKey);
  if (cached !== undefined) return cached;
  const raw = decodeBase64url(publicKey);
  if (raw === null || raw.length !== 32) return null;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.concat([SPKI_KEY_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
  if (publicKeyCache.size >= MAX_CACHED_PUBLIC_KEYS) {
    const oldest = publicKeyCache.keys().next();
    if (oldest.done !== true) publicKeyCache.delete(oldest.value);
  }
  publicKeyCache.set(publicKey, key);
  return key;
}

/**
 * Whether `signature` (base64url) is a valid Ed25519 signature of `bytes` by `publicKey`
 * (base64url raw key). Never throws: malformed keys or signatures simply do not verify.
 */
export function verifySignature(publicKey: string, bytes: Uint8Array, signature: string): boolean {
  try {
    const signatureBytes = decodeBase64url(signature);
    if (signatureBytes === null || signatureBytes.length !== 64) return false;
    const key = publicKeyObject(publicKey);
    if (key === null) return false;
    return verifyBytes(null, bytes, key, signatureBytes);
  } catch {
    return false;
  }
}

/**
 * `verifySignature` on libuv's thread pool, so that many verifications use every core (the
 * export verifier keeps hundreds in flight). Resolves to false on any malformed input; never rejects.
 */
export function verifySignatureAsync(
  publicKey: string,
  bytes: Uint8Array,
  signature: string,
): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      const signatureBytes = decodeBase64url(signature);
      const key = publicKeyObject(publicKey);
      if (signatureBytes === null || signatureBytes.length !== 64 || key === null) {
        resolve(false);
        return;
      }
      verifyBytes(null, bytes, key, signatureBytes, (error, isValid) => resolve(error === null && isValid));
    } catch {
      resolve(false);
    }
  });
}

/** SHA-256 of `bytes`, in base64url (43 characters). */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64url');
}

/**
 * A fingerprint people can compare by eye or voice: the first 16 bytes of SHA-256 of the raw
 * public key, as lowercase hex in groups of four digits, e.g. `3f1a:09bc:…` (8 groups).
 * Throws `KeyFormatError` when `publicKey` is not 32 bytes of base64url.
 */
export function fingerprint(publicKey: string): string {
  const raw = decodeBase64url(publicKey);
  if (raw === null || raw.length !== 32)
    throw new KeyFormatError('an Ed25519 public key is 32 bytes of base64url');
  const hex = createHash('sha256').update(raw).digest('hex').slice(0, 32);
  return (hex.match(/.{4}/g) ?? []).join(':');
}
