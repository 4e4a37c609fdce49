/**
 * Password hashing with scrypt (SEC2). Stored as `scrypt$N$r$p$salt$hash` (base64url parts) so
 * the cost can be raised later without breaking stored hashes.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** Hashes a password with a fresh salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether `password` matches a stored hash; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  // Costs are positive integers; node's scrypt would throw on others, or read r = 0 as its default.
  const costs = [n, r, p].map((part) =>
    part !== undefined && /^[1-9]\d{0,9}$/.test(part) ? Number(part) : 0,
  );
  const [cost, blockSize, parallelism] = costs;
  if (!cost || !blockSize || !parallelism) return false;
  const expected = Buffer.from(hash, 'base64url');
  let key: Buffer;
  try {
    key = await scryptAsync(password, Buffer.from(salt, 'base64url'), cost, blockSize, parallelism);
  } catch {
    // N not a power of two, or a cost beyond the memory limit: not a hash this code wrote.
    return false;
  }
  return key.length === expected.length && timingSafeEqual(key, expected);
}
