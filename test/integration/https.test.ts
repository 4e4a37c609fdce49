/**
 * HTTPS for the console and API, and keys at rest (SEC2; issue 7 parts 3 and 6), against real
 * node processes on loopback: a node with TLS forced on (`LIAISON_HTTPS=true`) serves its
 * self-signed console certificate, sets HSTS and Secure cookies, and the CLI reaches it over
 * HTTPS; a node on a non-loopback host without TLS, a node whose key is open to others, and a
 * node whose encrypted key gets no or a wrong passphrase each refuse to start, saying why;
 * `liaison init` never overwrites a key.
 *
 * One node, SQLite (the store plays no part in TLS or key files), so no PostgreSQL twin.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, freePort } from '../support/cluster.ts';
import { type HttpsNode, httpsNodeEnv, httpsRequest, startHttpsNode } from '../support/httpsNode.ts';

/** Runs the CLI with the HTTPS node's environment (plus `extra`); returns its exit code and output. */
function cli(args: string[], extra: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: httpsNodeEnv(extra),
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Plain HTTP to an HTTPS port: the answer's status, or the error's code. */
function plainHttpStatus(port: number): Promise<string> {
  return new Promise((resolve) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port, path: '/healthz', timeout: 5_000 });
    outgoing.on('response', (response) => {
      response.resume();
      resolve(String(response.statusCode));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('timeout')));
    outgoing.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    outgoing.end();
  });
}

describe('HTTPS for the console and API (SEC2)', { timeout: 180_000 }, () => {
  let node: HttpsNode;

  before(async () => {
    node = await startHttpsNode('alpha');
  });
  after(async () => {
    await node?.remove();
  });

  it('[SEC2] a node with TLS on answers /healthz over HTTPS with its console certificate, and sets HSTS', async () => {
    // node:https trusts only the node's certificate here: the request passing proves the node
    // served exactly it, for 127.0.0.1 (its subjectAltName).
    const answer = await httpsRequest(`${node.url}/healthz`, node.certPem);
    assert.equal(answer.status, 200);
    assert.equal((JSON.parse(answer.body) as { status: string }).status, 'ok');
    const printed = cli(['fingerprint', '--data', node.dir]);
    assert.equal(printed.status, 0, printed.stderr);
    assert.match(printed.stdout, new RegExp(`console HTTPS \\(SHA-256\\): +${answer.fingerprint}`));
    assert.match(String(answer.headers['strict-transport-security']), /^max-age=31536000/);
    const port = Number(new URL(node.url).port);
    assert.notEqual(await plainHttpStatus(port), '200', 'plain HTTP is not served on the HTTPS port');
  });

  it('[SEC2] a sign-in over HTTPS sets an httpOnly, SameSite=Strict, Secure cookie', async () => {
    const answer = await httpsRequest(`${node.url}/api/v1/auth/login`, node.certPem, {
      method: 'POST',
      body: { username: 'officer', password: 'liaison-test' },
    });
    assert.equal(answer.status, 200, answer.body);
    const cookie = String(answer.headers['set-cookie']);
    for (const part of ['HttpOnly', 'SameSite=Strict', 'Secure']) assert.ok(cookie.includes(part), cookie);
  });

  it('[SEC2] the CLI acts through a node that serves HTTPS (its certificate checked by fingerprint)', async () => {
    const rotated = cli(['key', 'rotate', '--data', node.dir]);
    assert.equal(rotated.status, 0, rotated.stderr);
    assert.match(rotated.stdout, /signing key rotated on 1 line/);
    for (const name of ['node.key', 'node.key.1.retired', 'https.key', 'tls.key', 'admin.token'])
      assert.equal(statSync(join(node.dir, name)).mode & 0o777, 0o600, name);
  });
});

describe('nodes that refuse to start (SEC2, keys at rest)', { timeout: 180_000 }, () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'liaison-keys-at-rest-'));
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  /** `liaison init` of a new node folder in root; returns the folder. */
  const init = (name: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) => {
    const dir = join(root, name);
    const result = cli(['init', '--data', dir, '--node-id', name, '--http-port', '20999', ...extra], env);
    assert.equal(result.status, 0, result.stderr);
    return { dir, stdout: result.stdout };
  };

  it('[SEC2] a node configured on 0.0.0.0 without TLS refuses to start, saying why', async () => {
    const { dir } = init('wild');
    const port = await freePort();
    const result = cli(['serve', '--data', dir], {
      LIAISON_HOST: '0.0.0.0',
      LIAISON_HTTPS: 'false',
      LIAISON_HTTP_PORT: String(port),
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /listens on 0\.0\.0\.0, which is not a loopback address, and https is false/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'a clear message, not a stack trace');
  });

  it('[SEC2] liaison init on a non-loopback host makes an https public URL and prints the certificate fingerprint', () => {
    const { dir, stdout } = init('desk', [
      '--host',
      '0.0.0.0',
      '--public-url',
      'https://desk.example.org:7801',
    ]);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { publicUrl: string };
    assert.equal(config.publicUrl, 'https://desk.example.org:7801');
    const printed = cli(['fingerprint', '--data', dir]);
    const served = /console HTTPS \(SHA-256\): +([0-9A-F:]{95})/.exec(printed.stdout)?.[1];
    assert.ok(served, printed.stdout);
    assert.ok(stdout.includes(served), 'init printed the same fingerprint');
    const bare = init('desk2', ['--host', '0.0.0.0']);
    assert.match(
      (JSON.parse(readFileSync(join(bare.dir, 'config.json'), 'utf8')) as { publicUrl: string }).publicUrl,
      /^https:/,
    );
  });

  it('[SEC2] a node whose node.key is readable by others refuses to start, naming the file and the fix', () => {
    const { dir } = init('loose');
    chmodSync(join(dir, 'node.key'), 0o644);
    const result = cli(['serve', '--data', dir], { LIAISON_HTTPS: '' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /node\.key holds a secret but is open to group or others \(mode 0644\)/);
    assert.match(result.stderr, /chmod 600/);
  });

  it('[SEC2] liaison init refuses to overwrite a node, or a key left in a folder', () => {
    const { dir } = init('kept');
    const key = readFileSync(join(dir, 'node.key'), 'utf8');
    const again = cli(['init', '--data', dir, '--node-id', 'kept', '--http-port', '20999']);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already holds a node/);
    rmSync(join(dir, 'config.json'));
    const keyOnly = cli(['init', '--data', dir, '--node-id', 'kept', '--http-port', '20999']);
    assert.equal(keyOnly.status, 1);
    assert.match(keyOnly.stderr, /node\.key exists: liaison init never overwrites a node's key/);
    assert.equal(readFileSync(join(dir, 'node.key'), 'utf8'), key, 'the key is untouched');
  });

  it('[SEC2] an encrypted node.key: no passphrase or a wrong one is a clear refusal; the right one starts the node', async () => {
    const passphraseFile = join(root, 'passphrase');
    writeFileSync(passphraseFile, 'correct horse battery staple\n', { mode: 0o600 });
    const { dir, stdout } = init('sealed', ['--passphrase-file', passphraseFile]);
    assert.match(stdout, /encrypted with the passphrase/);
    const keyText = readFileSync(join(dir, 'node.key'), 'utf8');
    assert.equal((JSON.parse(keyText) as { cipher: string }).cipher, 'aes-256-gcm');
    assert.equal(statSync(join(dir, 'node.key')).mode & 0o777, 0o600);
    const port = await freePort();
    const base = { LIAISON_HTTP_PORT: String(port), LIAISON_FEDERATION_PORT: String(await freePort()) };

    const withoutPassphrase = cli(['serve', '--data', dir], base);
    assert.equal(withoutPassphrase.status, 1);
    assert.match(
      withoutPassphrase.stderr,
      /node\.key is encrypted: give its passphrase in LIAISON_KEY_PASSPHRASE/,
    );
    const wrong = cli(['serve', '--data', dir], { ...base, LIAISON_KEY_PASSPHRASE: 'not it' });
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /wrong passphrase for .*node\.key/);
    assert.doesNotMatch(wrong.stderr, /\n\s+at /, 'a clear message, not a stack trace');

    const printed = cli(['fingerprint', '--data', dir], { LIAISON_KEY_PASSPHRASE_FILE: passphraseFile });
    assert.equal(printed.status, 0, printed.stderr);
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [BIN, 'serve', '--data', dir], {
      env: httpsNodeEnv({ ...base, LIAISON_KEY_PASSPHRASE_FILE: passphraseFile }),
      stdio: 'ignore',
    });
    try {
      const certPem = readFileSync(join(dir, 'https.crt'), 'utf8');
      let status = 0;
      for (let i = 0; i < 300 && status !== 200 && child.exitCode === null; i++) {
        status =
          (await httpsRequest(`https://127.0.0.1:${port}/healthz`, certPem).catch(() => null))?.status ?? 0;
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(status, 200, 'the node started with the passphrase from its file');
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
