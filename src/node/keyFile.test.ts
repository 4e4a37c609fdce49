/**
 * Keys at rest (SEC2; issue 7 part 6): secret files are 0600 and a looser one is refused;
 * `node.key` encrypted with a passphrase (scrypt + AES-256-GCM) opens only with it, and a
 * rotation's staged key is encrypted with the same one. Real files in a temporary folder.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair, Signer } from '../core/sign.ts';
import { writeConfig } from './config.ts';
import { keyPath, loadSigner, nextKeyPath, stagedKey, stageNextKey } from './folder.ts';
import {
  checkSecretFiles,
  decryptKeyText,
  encryptKeyText,
  isEncryptedKeyText,
  KeyFileError,
  writeSecretFile,
} from './keyFile.ts';

const PASSPHRASE = 'correct horse battery staple';
let root: string;
let counter = 0;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'liaison-keyfile-'));
});
after(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A new node folder with a config and a node.key holding `keyText`. */
function folder(keyText: string): string {
  counter += 1;
  const dir = join(root, `node${counter}`);
  mkdirSync(dir, { mode: 0o700 });
  writeConfig(dir, {
    nodeId: `n${counter}`,
    name: 'n',
    host: '127.0.0.1',
    httpPort: 7801,
    federationPort: 7901,
    publicUrl: 'http://127.0.0.1:7801',
    federationUrl: 'wss://127.0.0.1:7901',
    ackDeadlines: '',
    logLevel: 'info',
    headsIntervalMs: 1000,
  });
  writeSecretFile(keyPath(dir), keyText);
  return dir;
}

describe('an encrypted node.key (SEC2, keys at rest)', () => {
  it('[SEC2] opens with its passphrase and gives the same key; the file holds no seed in clear', () => {
    const keys = generateKeyPair();
    const text = encryptKeyText(keys.privateKey, PASSPHRASE);
    assert.ok(isEncryptedKeyText(text));
    assert.ok(!text.includes(keys.privateKey));
    assert.equal(decryptKeyText(text, PASSPHRASE, 'node.key'), keys.privateKey);
    const dir = folder(text);
    assert.equal(loadSigner(dir, { LIAISON_KEY_PASSPHRASE: PASSPHRASE }).publicKey, keys.publicKey);
  });

  it('[SEC2] no passphrase, a wrong one, or an altered file: a KeyFileError saying which, never a crash', () => {
    const text = encryptKeyText(generateKeyPair().privateKey, PASSPHRASE);
    assert.throws(() => decryptKeyText(text, null, 'DATA/node.key'), {
      name: 'KeyFileError',
      message: /DATA\/node\.key is encrypted: give its passphrase in LIAISON_KEY_PASSPHRASE/,
    });
    assert.throws(() => decryptKeyText(text, 'wrong', 'DATA/node.key'), {
      name: 'KeyFileError',
      message: /wrong passphrase for DATA\/node\.key/,
    });
    const file = JSON.parse(text) as { data: string; N: number };
    const flipped = `${file.data.slice(0, -2)}${file.data.endsWith('AA') ? 'BB' : 'AA'}`;
    assert.throws(
      () => decryptKeyText(JSON.stringify({ ...file, data: flipped }), PASSPHRASE, 'k'),
      /wrong passphrase for k \(or the file was altered\)/,
    );
    // A crafted cost that would make the node spend minutes and gigabytes is not even tried.
    assert.throws(
      () => decryptKeyText(JSON.stringify({ ...file, N: 1 << 24 }), PASSPHRASE, 'k'),
      /k is not an encrypted Liaison key file/,
    );
    assert.throws(() => decryptKeyText('{not json', PASSPHRASE, 'k'), KeyFileError);
  });

  it('[SEC2] the passphrase can come from the file keyPassphraseFile names', () => {
    const keys = generateKeyPair();
    const dir = folder(encryptKeyText(keys.privateKey, PASSPHRASE));
    const passphraseFile = join(dir, '..', `passphrase${counter}`);
    writeFileSync(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });
    const signer = loadSigner(dir, { LIAISON_KEY_PASSPHRASE_FILE: passphraseFile });
    assert.equal(signer.publicKey, keys.publicKey);
  });

  it('[LOG5] a rotation stages its new key encrypted with the passphrase the node opened with', () => {
    const dir = folder(encryptKeyText(generateKeyPair().privateKey, PASSPHRASE));
    loadSigner(dir, { LIAISON_KEY_PASSPHRASE: PASSPHRASE });
    const next = generateKeyPair();
    stageNextKey(dir, next.privateKey);
    const staged = readFileSync(nextKeyPath(dir), 'utf8');
    assert.ok(isEncryptedKeyText(staged), 'node.key.next is encrypted too');
    assert.equal(decryptKeyText(staged, PASSPHRASE, 'next'), next.privateKey);
    assert.equal(stagedKey(dir), next.publicKey);
    assert.equal(statSync(nextKeyPath(dir)).mode & 0o777, 0o600);
  });

  it('[LOG5] a plain node.key stays plain through a rotation', () => {
    const dir = folder(`${generateKeyPair().privateKey}\n`);
    const next = generateKeyPair();
    stageNextKey(dir, next.privateKey);
    assert.equal(readFileSync(nextKeyPath(dir), 'utf8'), `${next.privateKey}\n`);
    assert.equal(new Signer(next.privateKey).publicKey, stagedKey(dir));
  });
});

describe('secret files are 0600 (SEC2, keys at rest)', () => {
  it('[SEC2] writeSecretFile makes a new file 0600 and narrows one that was open', () => {
    const path = join(root, 'admin.token');
    writeFileSync(path, 'old\n', { mode: 0o644 });
    chmodSync(path, 0o644);
    writeSecretFile(path, 'new\n');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(readFileSync(path, 'utf8'), 'new\n');
  });

  it('[SEC2] a secret file open to group or others is refused, naming it and the fix; 0600 passes', () => {
    const dir = folder(`${generateKeyPair().privateKey}\n`);
    writeSecretFile(join(dir, 'tls.key'), 'key');
    checkSecretFiles(dir);
    for (const [name, mode] of [
      ['node.key', 0o640],
      ['tls.key', 0o604],
      ['node.key', 0o660],
    ] as const) {
      chmodSync(join(dir, name), mode);
      assert.throws(() => checkSecretFiles(dir), {
        name: 'KeyFileError',
        message: new RegExp(
          `${name} holds a secret but is open to group or others \\(mode 0${mode.toString(8)}\\).*chmod 600`,
        ),
      });
      chmodSync(join(dir, name), 0o600);
    }
    const outside = join(root, `own-https${counter}.key`);
    writeFileSync(outside, 'key', { mode: 0o644 });
    chmodSync(outside, 0o644);
    assert.throws(() => checkSecretFiles(dir, [outside]), /own-https\d+\.key holds a secret/);
    checkSecretFiles(dir);
  });
});
