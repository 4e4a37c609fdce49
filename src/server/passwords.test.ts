/**
 * Password hashing with scrypt (SEC2): the stored form, verification, salts, and stored hashes
 * that are not ours, which verify as false rather than throw.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashPassword, verifyPassword } from './passwords.ts';

describe('passwords [SEC2]', () => {
  const stored = hashPassword('correct horse battery');

  it('[SEC2] a hash is scrypt$N$r$p$salt$hash and verifies with its password', async () => {
    assert.match(await stored, /^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.equal(await verifyPassword('correct horse battery', await stored), true);
  });

  it('[SEC2] a wrong password does not verify', async () => {
    for (const wrong of ['Correct horse battery', 'correct horse battery ']) {
      assert.equal(await verifyPassword(wrong, await stored), false, JSON.stringify(wrong));
    }
  });

  it('[SEC2] two hashes of one password differ (a fresh salt each time)', async () => {
    const [first, second] = await Promise.all([
      hashPassword('联络 連絡 liaison'),
      hashPassword('联络 連絡 liaison'),
    ]);
    assert.notEqual(first.split('$')[4], second.split('$')[4]);
    assert.notEqual(first.split('$')[5], second.split('$')[5]);
    assert.equal(await verifyPassword('联络 連絡 liaison', second), true);
  });

  describe('a malformed stored hash verifies as false, never throws', () => {
    /** Each case spoils the good stored hash of `correct horse battery` (its salt and hash kept). */
    const malformed: [string, (salt: string, hash: string) => string][] = [
      ['empty', () => ''],
      ['another scheme', (salt, hash) => `bcrypt$16384$8$1$${salt}$${hash}`],
      ['a part missing', (salt) => `scrypt$16384$8$1$${salt}`],
      ['an empty hash', (salt) => `scrypt$16384$8$1$${salt}$`],
      ['a hash of the wrong length', (salt, hash) => `scrypt$16384$8$1$${salt}$${hash.slice(0, 20)}`],
      ['N not a number', (salt, hash) => `scrypt$abc$8$1$${salt}$${hash}`],
      ['N not a power of two', (salt, hash) => `scrypt$1000$8$1$${salt}$${hash}`],
      ['N with a sign', (salt, hash) => `scrypt$+16384$8$1$${salt}$${hash}`],
      ['N in exponent form', (salt, hash) => `scrypt$1.6384e4$8$1$${salt}$${hash}`],
      ['r zero', (salt, hash) => `scrypt$16384$0$1$${salt}$${hash}`],
      ['p negative', (salt, hash) => `scrypt$16384$8$-1$${salt}$${hash}`],
      ['a cost beyond the memory limit', (salt, hash) => `scrypt$1073741824$8$1$${salt}$${hash}`],
    ];
    for (const [what, spoil] of malformed) {
      it(`[SEC2] ${what}`, async () => {
        const [, , , , salt = '', hash = ''] = (await stored).split('$');
        assert.equal(await verifyPassword('correct horse battery', spoil(salt, hash)), false);
      });
    }
  });
});
