#!/usr/bin/env node
// Runs a TypeScript file (with its arguments) through tsx: `node bin/run-ts.js bench/run.ts --quick`.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const [file, ...rest] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bin/run-ts.js FILE.ts [args…]\n');
  process.exit(2);
}
process.argv = [process.argv[0] ?? 'node', file, ...rest];
await import(pathToFileURL(resolve(file)).href);
