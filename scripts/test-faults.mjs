#!/usr/bin/env node
// `npm run test:faults`: the fault tests (test/faults/) with many trials each, one file at a
// time so the machine's load does not blur their timing. CI runs the same files with their
// small defaults as part of `npm test`.
//   LIAISON_FAULT_TRIALS  faults per test (default here 24; CI's defaults are 3)
//   LIAISON_FAULT_SEED    the schedule to replay (default: a fresh one, printed below)
//   extra arguments       test files to run instead of all of test/faults/
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const trials = process.env.LIAISON_FAULT_TRIALS || '24';
const seed = process.env.LIAISON_FAULT_SEED || String(randomInt(0, 2 ** 31));
const named = process.argv.slice(2);
const files =
  named.length > 0
    ? named
    : readdirSync('test/faults')
        .filter((name) => name.endsWith('.test.ts'))
        .sort()
        .map((name) => join('test/faults', name));

process.stdout.write(
  `fault tests: ${trials} trials, seed ${seed} (replay: LIAISON_FAULT_SEED=${seed} LIAISON_FAULT_TRIALS=${trials} npm run test:faults)\n`,
);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files],
  { stdio: 'inherit', env: { ...process.env, LIAISON_FAULT_TRIALS: trials, LIAISON_FAULT_SEED: seed } },
);
process.exit(result.status ?? 1);
