/**
 * A node's folder: `config.json`, `node.key` (its Ed25519 signing seed, mode 0600, optionally
 * encrypted with a passphrase: keyFile.ts), `tls.key` and `tls.crt` (its federation TLS
 * identity, FED2), `https.key` and `https.crt` (the console's HTTPS, SEC2: consoleTls.ts), `liaison.db` (SQLite, unless
 * `DATABASE_URL` points at PostgreSQL), `admin.token` (lets the CLI act through the running
 * node) and `liaison.pid`. A key rotation (LOG5) stages the new seed in `node.key.next` and keeps
 * each old one as `node.key.<n>.retired`.
 * Light on imports, so CLI commands that only read a folder start fast.
 */
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Signer } from '../core/sign.ts';
import {
  certificateFingerprint,
  createTlsIdentity,
  isMatchingPair,
  type TlsIdentity,
} from '../federation/certificate.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/types.ts';
import { ConfigError, loadConfig, type NodeConfig } from './config.ts';
import {
  decryptKeyText,
  encryptKeyText,
  isEncryptedKeyText,
  KeyFileError,
  keyPassphrase,
  writeSecretFile,
} from './keyFile.ts';
import { type CardBody, makeCard } from './pairing.ts';

/** Where the built console lives (web/dist in the repository). */
export const CONSOLE_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

export function keyPath(dataDir: string): string {
  return join(dataDir, 'node.key');
}
export function databasePath(dataDir: string): string {
  return join(dataDir, 'liaison.db');
}
export function adminTokenPath(dataDir: string): string {
  return join(dataDir, 'admin.token');
}

export function tlsKeyPath(dataDir: string): string {
  return join(dataDir, 'tls.key');
}
export function tlsCertificatePath(dataDir: string): string {
  return join(dataDir, 'tls.crt');
}

/** Writes a new TLS key and self-signed certificate for the node (at `liaison init`). */
export function createTlsFiles(dataDir: string, nodeId: string): TlsIdentity {
  const identity = createTlsIdentity(nodeId);
  writeSecretFile(tlsKeyPath(dataDir), identity.keyPem);
  writeFileSync(tlsCertificatePath(dataDir), identity.certPem);
  return identity;
}

/**
 * Reads the node's TLS identity (FED2). A folder made before TLS gets one now; its peers must
 * then import its new card, since they pin the certificate's fingerprint.
 */
export function loadTlsIdentity(dataDir: string, nodeId: string): TlsIdentity {
  const keyFile = tlsKeyPath(dataDir);
  const certFile = tlsCertificatePath(dataDir);
  if (!existsSync(keyFile) || !existsSync(certFile)) return createTlsFiles(dataDir, nodeId);
  const keyPem = readFileSync(keyFile, 'utf8');
  const certPem = readFileSync(certFile, 'utf8');
  if (!isMatchingPair(keyPem, certPem)) throw new ConfigError(`${certFile} does not belong to ${keyFile}`);
  return { keyPem, certPem, fingerprint: certificateFingerprint(certPem) };
}

/** Where a rotation keeps the new signing seed until its events are durable (LOG5). */
export function nextKeyPath(dataDir: string): string {
  return join(dataDir, 'node.key.next');
}

/** Writes a file and syncs it and its folder, so it survives a crash once this returns. */
function writeDurably(path: string, text: string): void {
  const temporary = `${path}.tmp`;
  writeSecretFile(temporary, text);
  const fd = openSync(temporary, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  syncFolder(dirname(path));
}

function syncFolder(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some platforms cannot fsync a folder; the rename is then as durable as they make it.
  }
}

/**
 * Stages the seed of a new signing key in `node.key.next`, durably, before a rotation (LOG5).
 * When `node.key` is encrypted, the new one is too, with the same passphrase.
 */
export function stageNextKey(dataDir: string, privateKeySeed: string): void {
  writeDurably(nextKeyPath(dataDir), keyFileText(dataDir, privateKeySeed));
}

/** The text of a key file for `seed`: encrypted when the folder's key is, else the bare seed. */
export function keyFileText(dataDir: string, seed: string): string {
  const current = keyPath(dataDir);
  if (!existsSync(current) || !isEncryptedKeyText(readFileSync(current, 'utf8'))) return `${seed}\n`;
  const passphrase = passphraseOf(dataDir);
  if (passphrase === null) throw new KeyFileError(`${current} is encrypted and no passphrase is given`);
  return encryptKeyText(seed, passphrase);
}

/**
 * The passphrases that opened each folder's key in this process, so a rotation's new key is
 * encrypted with the one the node started with, however it was given (environment or file).
 */
const openedWith = new Map<string, string>();

/** The passphrase of a folder's key: from the environment, else the one it was opened with, else its file. */
function passphraseOf(dataDir: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const fromEnvironment = keyPassphrase(env, undefined);
  if (fromEnvironment !== null) return fromEnvironment;
  const remembered = openedWith.get(dataDir);
  if (remembered !== undefined) return remembered;
  return keyPassphrase(env, loadConfig(dataDir, env).keyPassphraseFile);
}

/** Reads a key file's seed, decrypting it when encrypted (KeyFileError when that fails). */
function readSeed(dataDir: string, path: string, env: NodeJS.ProcessEnv = process.env): string {
  const text = readFileSync(path, 'utf8');
  if (!isEncryptedKeyText(text)) return text.trim();
  const passphrase = passphraseOf(dataDir, env);
  const seed = decryptKeyText(text, passphrase, path);
  if (passphrase !== null) openedWith.set(dataDir, passphrase);
  return seed;
}

/** Drops a staged key whose rotation did not happen. */
export function dropNextKey(dataDir: string): void {
  rmSync(nextKeyPath(dataDir), { force: true });
}

/**
 * Makes the staged key the node's key once its rotation is durable (LOG5): the old seed is kept
 * as `node.key.<n>.retired` (n = 1, 2, …), then `node.key.next` is renamed over `node.key`.
 * Each step is atomic, so a crash leaves either the old key with the next one staged (finished
 * at the next start) or the new key.
 */
export function promoteNextKey(dataDir: string): void {
  const next = nextKeyPath(dataDir);
  if (!existsSync(next)) return;
  const retired = readdirSync(dataDir).filter((name) => /^node\.key\.\d+\.retired$/.test(name)).length;
  const current = keyPath(dataDir);
  if (existsSync(current)) {
    copyFileSync(current, join(dataDir, `node.key.${retired + 1}.retired`));
    syncFolder(dataDir);
  }
  renameSync(next, current);
  syncFolder(dataDir);
}

/** The public key of the staged next key, or null when none is staged. */
export function stagedKey(dataDir: string): string | null {
  const path = nextKeyPath(dataDir);
  if (!existsSync(path)) return null;
  try {
    return new Signer(readSeed(dataDir, path)).publicKey;
  } catch {
    return null;
  }
}

/**
 * Reads the node's signing key, decrypting it with its passphrase when it is encrypted
 * (`LIAISON_KEY_PASSPHRASE` or the file `keyPassphraseFile` names, in `env`); a missing or wrong
 * passphrase is a `KeyFileError` that says so.
 */
export function loadSigner(dataDir: string, env: NodeJS.ProcessEnv = process.env): Signer {
  const path = keyPath(dataDir);
  if (!existsSync(path)) throw new ConfigError(`${path} is missing: this folder has no node key`);
  return new Signer(readSeed(dataDir, path, env));
}

/**
 * Opens the node's store (STO1): PostgreSQL when the `DATABASE_URL` environment variable is set,
 * in the schema `LIAISON_DB_SCHEMA` or, by default, the node's id; else SQLite in its folder.
 */
export async function openStore(dataDir: string): Promise<Store> {
  const url = process.env.DATABASE_URL;
  if (url === undefined || url === '') return openSqliteStore(databasePath(dataDir));
  const schema = process.env.LIAISON_DB_SCHEMA || loadConfig(dataDir).nodeId;
  // Loaded only here: commands on an SQLite node never load the pg driver.
  const { openPostgresStore } = await import('../store/postgres.ts');
  return openPostgresStore(url, { schema });
}

/** This node's signed card (FED1), read from its folder. */
export function nodeCard(dataDir: string): string {
  const config = loadConfig(dataDir, {});
  const signer = loadSigner(dataDir);
  const tls = loadTlsIdentity(dataDir, config.nodeId);
  return cardText(config, signer, tls.fingerprint);
}

/** The card of a node as JSON text; a revocation card names what it revokes (LOG5, revocation.ts). */
export function cardText(
  config: NodeConfig,
  signer: Signer,
  tlsFingerprint: string,
  revokes?: CardBody['revokes'],
): string {
  const card = makeCard(
    {
      nodeId: config.nodeId,
      name: config.name,
      url: config.publicUrl,
      federationUrl: config.federationUrl,
      publicKey: signer.publicKey,
      tlsFingerprint,
      ...(revokes ? { revokes } : {}),
    },
    signer,
  );
  return `${JSON.stringify(card, null, 2)}\n`;
}
