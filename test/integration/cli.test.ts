/**
 * The `liaison` command as a user runs it: init, users, pairing by cards with the safety code,
 * export and verify (with and without trusted cards), and clear errors for a missing folder,
 * a bad password, a corrupt export and a tampered card.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN } from '../support/cluster.ts';

function liaison(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, LIAISON_LOG_LEVEL: 'warn' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the liaison command', { timeout: 120_000 }, () => {
  let root: string;
  let alphaDir: string;
  let bravoDir: string;

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'liaison-cli-'));
    alphaDir = join(root, 'alpha');
    bravoDir = join(root, 'bravo');
  });

  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('--help lists the subcommands', () => {
    const { status, stdout } = liaison('--help');
    assert.equal(status, 0);
    for (const command of ['init', 'serve', 'user', 'pair', 'export', 'verify', 'rebuild', 'demo']) {
      assert.match(stdout, new RegExp(`\\n  ${command}\\b`), command);
    }
  });

  it('a missing data folder is a clear error naming `liaison init`', () => {
    const { status, stderr } = liaison('export', '--data', join(root, 'nowhere'));
    assert.equal(status, 1);
    assert.match(stderr, /does not exist .*liaison init --data/);
    assert.doesNotMatch(stderr, /at .*\.ts:\d+/, 'no stack trace');
  });

  it('init creates two nodes, and a second init on the same folder is refused', () => {
    const alpha = liaison(
      'init',
      '--data',
      alphaDir,
      '--node-id',
      'alpha',
      '--name',
      'Alpha',
      '--http-port',
      '17801',
    );
    assert.equal(alpha.status, 0, alpha.stderr);
    assert.match(alpha.stdout, /created node alpha/);
    assert.match(alpha.stdout, /wss:\/\/127\.0\.0\.1:17901/, 'federation (TLS) on HTTP port + 100');
    assert.equal(liaison('init', '--data', bravoDir, '--node-id', 'bravo', '--http-port', '17802').status, 0);
    const again = liaison('init', '--data', alphaDir, '--node-id', 'alpha', '--http-port', '17801');
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already holds a node/);
  });

  it('[SEC2] user add prints an otpauth URI; a weak password or an unknown role is refused', () => {
    const added = liaison(
      'user',
      'add',
      'duty',
      '--role',
      'officer',
      '--password',
      'correct-horse',
      '--data',
      alphaDir,
    );
    assert.equal(added.status, 0, added.stderr);
    assert.match(
      added.stdout,
      /otpauth:\/\/totp\/Liaison%3Aduty%40alpha\?secret=[A-Z2-7]+&issuer=Liaison&algorithm=SHA1&digits=6&period=30/,
    );
    const weak = liaison(
      'user',
      'add',
      'weak',
      '--role',
      'officer',
      '--password',
      'short',
      '--data',
      alphaDir,
    );
    assert.equal(weak.status, 1);
    assert.match(weak.stderr, /at least 8 characters/);
    const role = liaison(
      'user',
      'add',
      'boss',
      '--role',
      'general',
      '--password',
      'long-enough',
      '--data',
      alphaDir,
    );
    assert.notEqual(role.status, 0);
    assert.match(role.stderr, /Allowed choices are admin, supervisor, officer, interpreter, observer/);
  });

  it('[FED1] pairing by cards shows the same safety code on both sides', () => {
    const alphaCard = join(root, 'alpha.card.json');
    const bravoCard = join(root, 'bravo.card.json');
    writeFileSync(alphaCard, liaison('pair', 'export', '--data', alphaDir).stdout);
    writeFileSync(bravoCard, liaison('pair', 'export', '--data', bravoDir).stdout);
    const atAlpha = liaison('pair', 'import', bravoCard, '--data', alphaDir);
    const atBravo = liaison('pair', 'import', alphaCard, '--data', bravoDir);
    assert.equal(atAlpha.status, 0, atAlpha.stderr);
    assert.equal(atBravo.status, 0, atBravo.stderr);
    const code = (text: string) => /SAFETY CODE: (\d{4} \d{4} \d{4})/.exec(text)?.[1];
    assert.ok(code(atAlpha.stdout));
    assert.equal(code(atAlpha.stdout), code(atBravo.stdout));
    assert.match(atAlpha.stdout, /hotline hotline-alpha-bravo/);
  });

  it('[FED1] a tampered card is refused', () => {
    const card = JSON.parse(liaison('pair', 'export', '--data', bravoDir).stdout) as Record<string, string>;
    card.url = 'http://203.0.113.9:7802';
    const forged = join(root, 'forged.card.json');
    writeFileSync(forged, JSON.stringify(card));
    const result = liaison('pair', 'import', forged, '--data', alphaDir);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /signature does not match/);
  });

  it('[LOG12] export then verify: OK with the header keys (said so) and with trusted cards', () => {
    const file = join(root, 'alpha.jsonl');
    const exported = liaison('export', '--data', alphaDir, '--out', file);
    assert.equal(exported.status, 0, exported.stderr);
    assert.equal(exported.stderr, '', 'no progress output when not on a terminal');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.deepEqual(Object.keys(JSON.parse(lines[0] ?? '{}')), ['liaisonExport', 'nodes']);
    assert.ok('trailer' in JSON.parse(lines.at(-1) ?? '{}'));

    const plain = liaison('verify', file);
    assert.equal(plain.status, 0, plain.stdout);
    assert.match(plain.stdout, /trusting the keys in the export's own header/);
    assert.match(plain.stdout, /trusted alpha: [0-9a-f]{4}(:[0-9a-f]{4}){7}/);

    const trusted = liaison(
      'verify',
      file,
      '--trust',
      join(root, 'alpha.card.json'),
      join(root, 'bravo.card.json'),
    );
    assert.equal(trusted.status, 0, trusted.stdout);
    assert.doesNotMatch(trusted.stdout, /own header/);
  });

  it('[LOG12] verify against a card of another node fails', () => {
    const strangerDir = join(root, 'charlie');
    liaison('init', '--data', strangerDir, '--node-id', 'alpha', '--http-port', '17803');
    const strangerCard = join(root, 'stranger.card.json');
    writeFileSync(strangerCard, liaison('pair', 'export', '--data', strangerDir).stdout);
    const result = liaison('verify', join(root, 'alpha.jsonl'), '--trust', strangerCard);
    assert.equal(result.status, 1);
    assert.match(result.stdout, /FAILED/);
  });

  it('[LOG12] a corrupt export is a clear failure, not a crash', () => {
    const corrupt = join(root, 'corrupt.jsonl');
    writeFileSync(corrupt, 'this is not an export\n');
    const result = liaison('verify', corrupt);
    assert.equal(result.status, 1);
    assert.match(result.stdout, /FAILED at line 1: bad-header/);
    const truncated = join(root, 'truncated.jsonl');
    writeFileSync(
      truncated,
      readFileSync(join(root, 'alpha.jsonl'), 'utf8').trim().split('\n').slice(0, -1).join('\n'),
    );
    const cut = liaison('verify', truncated);
    assert.equal(cut.status, 1);
    assert.match(cut.stdout, /truncated/);
  });

  it('[LOG1] rebuild on a stopped node replays its events', () => {
    const result = liaison('rebuild', '--data', alphaDir);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /rebuilt from \d+ events/);
  });
});
