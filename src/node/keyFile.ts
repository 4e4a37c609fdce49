/**
 * Keys at rest (issue 7, part 6; SEC2): how a node's secret files are written, checked and,
 * for the signing key, optionally encrypted with a passphrase.
 *
 * Secret files: `node.key` (the Ed25519 signing seed), `node.key.next` and `node.key.<n>.retired`
 * (key rotation, LOG5), `tls.key` (federation TLS, FED2), `https.key` (the console's HTTPS),
 * `admin.token` (the CLI's way into the running node), and a passphrase file. Each is written
 * mode 0600 (`writeSecretFile`, which also narrows a file that already existed). At start a node
 * whose secret file is readable or writable by group or others REFUSES to start
 * (`checkSecretFiles`), naming the file and the fix: a key that others could read may already
 * be copied, so silently narrowing the mode would hide a possible compromise, and the admin must
 * decide whether to revoke the key (`liaison key revoke`). OpenSSH refuses such keys the same way.
 *
 * An encrypted `node.key` is one line of JSON instead of the bare seed:
 *
 *   {"liaisonKey": 1, "kdf": "scrypt", "N": 32768, "r": 8, "p": 1, "salt": b64url(16 bytes),
 *    "cipher": "aes-256-gcm", "iv": b64url(12 bytes), "tag": b64url(16 bytes), "data": b64url}
 *
 * `data` is the seed's text under AES-256-GCM with the key scrypt(passphrase, salt, N, r, p) and
 * the additional data `liaison-node-key-v1`, so a wrong passphrase or an altered file fails the
 * tag check (`KeyFileError`, never a crash). The passphrase comes from the environment variable
 * `LIAISON_KEY_PASSPHRASE`, or from the file named by the config key `keyPassphraseFile`
 * (`LIAISON_KEY_PASSPHRASE_FILE`), in that order (`keyPassphrase`).
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** scrypt's cost for a new encrypted key: about 0.1 s and 32 MiB, once per start. */
const SCRYPT_COST = { N: 32_768, r: 8, p: 1 } as const;
const SCRYPT_MAX_MEMORY = 128 * 1024 * 1024;
const ADDITIONAL_DATA = Buffer.from('liaison-node-key-v1', 'utf8');
/** The environment variable that holds the passphrase itself. */
export const PASSPHRASE_ENV = 'LIAISON_KEY_PASSPHRASE';

/** A key file that cannot be read: wrong or missing passphrase, altered file, bad mode. */
export class KeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyFileError';
  }
}

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/);
const encryptedKey = z
  .object({
    liaisonKey: z.literal(1),
    kdf: z.literal('scrypt'),
    // Bounded so a crafted file cannot make the node spend minutes or gigabytes.
    N: z
      .number()
      .int()
      .min(1024)
      .max(1 << 20)
      .refine((n) => (n & (n - 1)) === 0, 'a power of two'),
    r: z.number().int().min(1).max(32),
    p: z.number().int().min(1).max(16),
    salt: base64url,
    cipher: z.literal('aes-256-gcm'),
    iv: base64url,
    tag: base64url,
    data: base64url,
  })
  .strict();

/** Writes a secret file with mode 0600, narrowing the mode of a file that was already there. */
export function writeSecretFile(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** Whether a key file's text is an encrypted key (JSON) rather than a bare seed. */
export function isEncryptedKeyText(text: string): boolean {
  return text.trimStart().startsWith('{');
}

/** Encrypts a seed's text with a passphrase (scrypt + AES-256-GCM); one line of JSON. */
export function encryptKeyText(seed: string, passphrase: string): string {
  if (passphrase.length === 0) throw new KeyFileError('the key passphrase is empty');
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = scryptSync(passphrase, salt, 32, { ...SCRYPT_COST, maxmem: SCRYPT_MAX_MEMORY });
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(ADDITIONAL_DATA);
  const data = Buffer.concat([cipher.update(seed, 'utf8'), cipher.final()]);
  const file = {
    liaisonKey: 1,
    kdf: 'scrypt',
    ...SCRYPT_COST,
    salt: salt.toString('base64url'),
    cipher: 'aes-256-gcm',
    iv: iv.toString('base64url'),
    tag: cipher.getAuthTag().toString('base64url'),
    data: data.toString('base64url'),
  } satisfies z.infer<typeof encryptedKey>;
  return `${JSON.stringify(file)}\n`;
}

/**
 * The seed held by a key file's text: the text itself when it is not encrypted, else decrypted
 * with `passphrase`. Throws `KeyFileError` when the passphrase is missing or wrong.
 */
export function decryptKeyText(text: string, passphrase: string | null, path: string): string {
  if (!isEncryptedKeyText(text)) return text.trim();
  if (passphrase === null) {
    throw new KeyFileError(
      `${path} is encrypted: give its passphrase in ${PASSPHRASE_ENV} or in the file named by keyPassphraseFile (LIAISON_KEY_PASSPHRASE_FILE)`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KeyFileError(`${path} is not a key file (neither a key nor valid JSON)`);
  }
  const parsed = encryptedKey.safeParse(json);
  if (!parsed.success) throw new KeyFileError(`${path} is not an encrypted Liaison key file`);
  const file = parsed.data;
  const key = scryptSync(passphrase, Buffer.from(file.salt, 'base64url'), 32, {
    N: file.N,
    r: file.r,
    p: file.p,
    maxmem: SCRYPT_MAX_MEMORY,
  });
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(file.iv, 'base64url'));
    decipher.setAAD(ADDITIONAL_DATA);
    decipher.setAuthTag(Buffer.from(file.tag, 'base64url'));
    const seed = Buffer.concat([decipher.update(Buffer.from(file.data, 'base64url')), decipher.final()]);
    return seed.toString('utf8').trim();
  } catch {
    throw new KeyFileError(`wrong passphrase for ${path} (or the file was altered)`);
  }
}

/**
 * The passphrase of the node's key: `LIAISON_KEY_PASSPHRASE`, else the first line of the file
 * `passphraseFile` (the config key `keyPassphraseFile`), else null (a plain key).
 */
export function keyPassphrase(env: NodeJS.ProcessEnv, passphraseFile: string | undefined): string | null {
  const fromEnv = env[PASSPHRASE_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (passphraseFile === undefined || passphraseFile === '') return null;
  return readPassphraseFile(passphraseFile);
}

/** The passphrase in a file: its first line, without the line break. */
export function readPassphraseFile(path: string): string {
  if (!existsSync(path)) throw new KeyFileError(`the passphrase file ${path} does not exist`);
  const passphrase = readFileSync(path, 'utf8').split(/\r?\n/)[0] ?? '';
  if (passphrase === '') throw new KeyFileError(`the passphrase file ${path} is empty`);
  return passphrase;
}

/** The secret files of a node folder that exist now (see the file comment). */
export function secretFilesIn(dataDir: string): string[] {
  const names = readdirSync(dataDir).filter(
    (name) =>
      name === 'node.key' ||
      name === 'node.key.next' ||
      /^node\.key\.\d+\.retired$/.test(name) ||
      name === 'tls.key' ||
      name === 'https.key' ||
      name === 'admin.token',
  );
  return names.sort().map((name) => join(dataDir, name));
}

/**
 * Refuses (KeyFileError) when a secret file can be read or written by group or others: the
 * folder's own secret files and `extraFiles` (a configured HTTPS key or passphrase file).
 * Not checked on Windows, whose permissions are not modes.
 */
export function checkSecretFiles(dataDir: string, extraFiles: readonly string[] = []): void {
  if (process.platform === 'win32') return;
  for (const path of [...secretFilesIn(dataDir), ...extraFiles.filter((f) => existsSync(f))]) {
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) === 0) continue;
    throw new KeyFileError(
      `${path} holds a secret but is open to group or others (mode ${mode.toString(8).padStart(4, '0')}); ` +
        `the node will not start so. Run: chmod 600 ${path} — and if someone else could have read it, ` +
        'treat the key as compromised (docs/OPERATIONS.md, "Revoking a key")',
    );
  }
}
