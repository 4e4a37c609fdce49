#!/usr/bin/env node
// `npm test`: type-checks, installs the Debian packages the browser tests need when missing,
// builds the console, then runs every test file with node's test runner (through tsx).
// `--unit` runs only the unit tests (src/ and the console's web/src/); extra arguments are test
// files to run instead.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const named = args.filter((a) => !a.startsWith('--'));

function findTests(dir) {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith('.test.ts')) found.push(path);
  }
  return found.sort();
}

/** Runs a step; a failing step before the tests prints a summary line CI can read. */
function run(cmd, cmdArgs, what, { isTestRun = false } = {}) {
  process.stdout.write(`\n▶ ${what}\n`);
  const result = spawnSync(cmd, cmdArgs, { stdio: 'inherit' });
  if (result.status !== 0) {
    // The test runner prints its own summary (ℹ pass N / ℹ fail N); other steps get one here.
    process.stdout.write(isTestRun ? '\n✖ some tests failed\n' : `\n✖ ${what} failed\n0 passed, 1 failed\n`);
    process.exit(result.status ?? 1);
  }
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Whether Debian package `name` is installed. */
function hasPackage(name) {
  const result = spawnSync('dpkg', ['-s', name], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('Status: install ok installed');
}

/**
 * Debian packages the browser tests need: Chromium, CJK fonts so Chinese and Japanese show in
 * screenshots, coturn, the TURN relay the relayed-call test runs on loopback (CALL3), and
 * poppler-utils, which reads the dossier's PDF back as fonts, text and page images (ENC5).
 */
function ensureDebianPackages() {
  const missing = [];
  if (!hasCommand('chromium')) missing.push('chromium');
  if (!hasPackage('fonts-noto-cjk')) missing.push('fonts-noto-cjk');
  if (!hasCommand('turnserver')) missing.push('coturn');
  if (!hasCommand('pdftoppm')) missing.push('poppler-utils');
  if (missing.length === 0) return;
  process.stdout.write(`installing Debian packages: ${missing.join(' ')}\n`);
  try {
    execFileSync('apt-get', ['update'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch (error) {
    process.stdout.write(`could not install ${missing.join(' ')}: ${error.message}\n`);
    process.exit(1);
  }
}

const unitFiles = [...findTests('src'), ...findTests('web/src')];
const files = named.length > 0 ? named : unitOnly ? unitFiles : [...unitFiles, ...findTests('test')];
if (named.length === 0) run('npm', ['run', '--silent', 'typecheck'], 'type-check');
/** The dossier's tests print PDFs with Chromium and read them with poppler-utils (ENC5). */
const printsPdf = (f) => f.startsWith('test/') && f.endsWith('/dossier.test.ts');
if (!unitOnly && files.some((f) => f.startsWith('test/e2e') || printsPdf(f))) ensureDebianPackages();
if (!unitOnly && files.some((f) => f.startsWith('test/e2e'))) {
  run('node', ['bin/liaison.js', 'build-console'], 'build the console');
}
run(
  'node',
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
  `${files.length} test files`,
  { isTestRun: true },
);
