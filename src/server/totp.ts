/**
 * TOTP second factor (SEC2): RFC 6238 with HMAC-SHA-1, 6 digits, 30 s steps, as authenticator
 * apps expect; secrets are RFC 4648 base32.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const STEP_SECONDS = 30;
const DIGITS = 6;

/** Encodes bytes as RFC 4648 base32 without padding. */
export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes RFC 4648 base32 (padding and case ignored); null on a foreign character. */
export function base32Decode(text: string): Uint8Array | null {
  const clean = text.replace(/=+$/, '').toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) return null;
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Uint8Array.from(out);
}

/** A new random 160-bit secret, base32. */
export function newTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

/**
 * The code for a secret at a time (ms), per RFC 6238 / RFC 4226. Authenticator apps show 6
 * digits; 8 is there for RFC 6238's own test vectors.
 */
export function totpCode(secret: string, atMs: number, digits: 6 | 8 = DIGITS): string {
  const key = base32Decode(secret);
  if (!key) throw new Error('the TOTP secret is not base32');
  const counter = Math.floor(atMs / 1000 / STEP_SECONDS);
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const digest = createHmac('sha1', key).update(message).digest();
  const offset = (digest[digest.length - 1] ?? 0) & 0x0f;
  const binary = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** Whether `code` is valid now, allowing one step of drift either way. */
export function verifyTotp(secret: string, code: string, nowMs: number): boolean {
  return totpStep(secret, code, nowMs) !== null;
}

/**
 * The time step (`floor(t / 30 s)`) whose code `code` is, allowing one step of drift either way;
 * null when it is none of them. A login remembers the step it used so the same code cannot sign
 * in twice (SEC2: a code seen over a shoulder or in a log is spent).
 */
export function totpStep(secret: string, code: string, nowMs: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  for (const drift of [-1, 0, 1]) {
    const at = nowMs + drift * STEP_SECONDS * 1000;
    const expected = totpCode(secret, at);
    if (timingSafeEqual(Buffer.from(expected), Buffer.from(code)))
      return Math.floor(at / 1000 / STEP_SECONDS);
  }
  return null;
}

/** The `otpauth://` URI an authenticator app scans. */
export function otpauthUri(secret: string, account: string, issuer = 'Liaison'): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  const params = new URLSearchParams({
    secret,
    issuer,
    algorithm: 'SHA1',
    digits: String(DIGITS),
    period: String(STEP_SECONDS),
  });
  return `otpauth://totp/${label}?${params.toString()}`;
}
