/**
 * base64url without padding (RFC 4648 §5), as used for keys, signatures and event ids (LOG2).
 *
 * Browser-safe: no Buffer, Uint8Array in and out. Decoding is strict so that one byte string has
 * exactly one spelling: it refuses padding, characters outside the URL-safe alphabet, a length
 * that no byte string encodes to, and non-zero spare bits in the last character.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Character code → 6-bit value, or -1 for characters outside the alphabet. */
const DECODE_TABLE: Int8Array = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let index = 0; index < ALPHABET.length; index++) table[ALPHABET.charCodeAt(index)] = index;
  return table;
})();

/** Encodes bytes as base64url without padding. */
export function encodeBase64url(bytes: Uint8Array): string {
  let out = '';
  const fullGroupsEnd = bytes.length - (bytes.length % 3);
  for (let i = 0; i < fullGroupsEnd; i += 3) {
    const group = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out +=
      ALPHABET.charAt(group >> 18) +
      ALPHABET.charAt((group >> 12) & 63) +
      ALPHABET.charAt((group >> 6) & 63) +
      ALPHABET.charAt(group & 63);
  }
  const rest = bytes.length - fullGroupsEnd;
  if (rest === 1) {
    const group = (bytes[fullGroupsEnd] ?? 0) << 16;
    out += ALPHABET.charAt(group >> 18) + ALPHABET.charAt((group >> 12) & 63);
  } else if (rest === 2) {
    const group = ((bytes[fullGroupsEnd] ?? 0) << 16) | ((bytes[fullGroupsEnd + 1] ?? 0) << 8);
    out +=
      ALPHABET.charAt(group >> 18) + ALPHABET.charAt((group >> 12) & 63) + ALPHABET.charAt((group >> 6) & 63);
  }
  return out;
}

/**
 * Decodes unpadded base64url. Returns null when the text is not the canonical encoding of some
 * byte string (padding, foreign characters, impossible length, non-zero spare bits).
 */
export function decodeBase64url(text: string): Uint8Array | null {
  const rest = text.length % 4;
  if (rest === 1) return null;
  const out = new Uint8Array(((text.length - rest) / 4) * 3 + (rest === 0 ? 0 : rest - 1));
  let written = 0;
  let buffer = 0;
  let bufferedBits = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? (DECODE_TABLE[code] ?? -1) : -1;
    if (value < 0) return null;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bufferedBits += 6;
    if (bufferedBits >= 8) {
      bufferedBits -= 8;
      out[written++] = (buffer >> bufferedBits) & 0xff;
    }
  }
  // Whatever is left over are spare bits of the last character: canonical encodings zero them.
  if ((buffer & ((1 << bufferedBits) - 1)) !== 0) return null;
  return out;
}
