/**
 * `npm run bench [-- NAME…] [--strict] [--keep]`: runs the benchmarks (all, or those named),
 * prints a summary and writes the results, with the machine and the date, to
 * `bench/results/latest.json` and `bench/results/<date>.json`. See docs/benchmarks.md.
 *
 * Every benchmark works in a folder of its own under one temporary folder; whatever happens
 * (failure, timeout, Ctrl-C) the node processes started there are stopped and the folder is
 * removed. `--keep` keeps the folders (and the nodes' logs) for a look afterwards.
 * `--strict` exits 1 when a target is missed, not only when a benchmark fails to run.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { append } from './append.ts';
import { callSetup } from './callSetup.ts';
import { catchup } from './catchup.ts';
import { flashAlarm } from './flashAlarm.ts';
import { latency, latencyPostgres } from './latency.ts';
import { killNodesUnder } from './support/cluster.ts';
import { currentLoad, describeMachine, probeDurableCommit } from './support/machine.ts';
import { type Benchmark, type BenchmarkResult, meets } from './support/types.ts';
import { sustained } from './sustained.ts';
import { verify } from './verify.ts';

const BENCHMARKS: readonly Benchmark[] = [
  latency,
  latencyPostgres,
  append,
  sustained,
  verify,
  catchup,
  flashAlarm,
  callSetup,
];
const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

function usage(): string {
  return `usage: npm run bench [-- NAME…] [--strict] [--keep]\nbenchmarks: ${BENCHMARKS.map((b) => b.name).join(', ')}\n`;
}

/** Runs one benchmark within its time bound; never throws. */
async function runOne(benchmark: Benchmark, workDir: string): Promise<BenchmarkResult> {
  mkdirSync(workDir, { recursive: true });
  const started = performance.now();
  const loadBefore = currentLoad();
  const base = { name: benchmark.name, title: benchmark.title, target: benchmark.target };
  const finish = () => ({
    durationMs: Math.round(performance.now() - started),
    loadAverage: { before: loadBefore, after: currentLoad() },
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`gave up after ${benchmark.timeoutMs / 1000} s`)),
      benchmark.timeoutMs,
    );
  });
  try {
    const outcome = await Promise.race([
      benchmark.run({ workDir, log: (message) => log(`  ${message}`) }),
      timeout,
    ]);
    return {
      ...base,
      ...outcome,
      isMet: meets(benchmark.target, outcome.measured),
      ...finish(),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...base,
      measured: null,
      isMet: false,
      figures: {},
      notes: nodeLogTails(workDir),
      ...finish(),
      error: message,
    };
  } finally {
    clearTimeout(timer);
    // A benchmark that failed or timed out may have left nodes running.
    killNodesUnder(workDir);
  }
}

/** The last lines of every node log under `workDir`, to say why a node failed. */
function nodeLogTails(workDir: string, lines = 8): string[] {
  const tails: string[] = [];
  const visit = (dir: string, depth: number) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && depth > 0) visit(path, depth - 1);
      else if (entry.isFile() && entry.name === 'node.log') {
        const tail = readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n    ');
        if (tail) tails.push(`${path.slice(workDir.length + 1)}:\n    ${tail}`);
      }
    }
  };
  if (existsSync(workDir)) visit(workDir, 3);
  return tails;
}

function summaryLine(result: BenchmarkResult): string {
  const { target } = result;
  const bound = `${target.figure} ${target.bound} ${target.value} ${target.unit}`;
  const measured = result.measured === null ? 'n/a' : `${result.measured} ${target.unit}`;
  const verdict = result.error ? `ERROR: ${result.error}` : result.isMet ? 'met' : 'MISSED';
  return `${result.name.padEnd(10)} ${bound.padEnd(36)} ${measured.padEnd(18)} ${verdict}`;
}

/** Writes the run's JSON atomically (a `.tmp` then a rename). */
function writeResults(report: object, date: Date): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const text = `${JSON.stringify(report, null, 2)}\n`;
  const stamp = date
    .toISOString()
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  const paths = [join(RESULTS_DIR, 'latest.json'), join(RESULTS_DIR, `${stamp}.json`)];
  for (const path of paths) {
    writeFileSync(`${path}.tmp`, text);
    renameSync(`${path}.tmp`, path);
  }
  return paths;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(usage());
    return 0;
  }
  const isStrict = args.includes('--strict');
  const isKept = args.includes('--keep');
  const names = args.filter((arg) => !arg.startsWith('--'));
  const unknown = names.filter((name) => !BENCHMARKS.some((b) => b.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark: ${unknown.join(', ')}\n${usage()}`);
    return 2;
  }
  const selected = names.length > 0 ? BENCHMARKS.filter((b) => names.includes(b.name)) : BENCHMARKS;

  // Not named liaison-*: on a shared machine, others' clean-ups sweep /tmp/liaison-* away.
  const root = mkdtempSync(join(tmpdir(), 'lsn-bench-'));
  const cleanUp = () => {
    killNodesUnder(root);
    if (!isKept) rmSync(root, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping the nodes and removing ${root}\n`);
      cleanUp();
      process.exit(130);
    });
  }

  const date = new Date();
  const machine = describeMachine();
  const disk = probeDurableCommit(root);
  log(`Liaison benchmarks — ${date.toISOString()}`);
  log(
    `${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}, ${machine.os}`,
  );
  log(
    `load average ${machine.loadAverage1m}; one durable SQLite commit (WAL, synchronous FULL) on ${machine.tempFileSystem}: p50 ${disk.p50Ms} ms, p99 ${disk.p99Ms} ms`,
  );
  const started = performance.now();
  const results: BenchmarkResult[] = [];
  try {
    for (const benchmark of selected) {
      log(`\n▶ ${benchmark.name}: ${benchmark.title}`);
      const result = await runOne(benchmark, join(root, benchmark.name));
      for (const note of result.notes) log(`  · ${note}`);
      log(
        `  ${summaryLine(result)} (${(result.durationMs / 1000).toFixed(1)} s; load average ${result.loadAverage.before} → ${result.loadAverage.after})`,
      );
      results.push(result);
    }
  } finally {
    cleanUp();
  }
  const totalMs = Math.round(performance.now() - started);

  log('\nSummary');
  log(`${'name'.padEnd(10)} ${'target'.padEnd(36)} ${'measured'.padEnd(18)} verdict`);
  for (const result of results) log(summaryLine(result));
  const paths = writeResults(
    {
      format: 1,
      date: date.toISOString(),
      machine,
      disk,
      selected: selected.map((b) => b.name),
      totalDurationMs: totalMs,
      results,
    },
    date,
  );
  log(
    `\n${(totalMs / 1000).toFixed(1)} s in all; results in ${paths.join(' and ')}${isKept ? `; folders kept in ${root}` : ''}`,
  );

  if (results.some((r) => r.error)) return 1;
  if (isStrict && results.some((r) => !r.isMet)) return 1;
  return 0;
}

// Exit explicitly: a benchmark that timed out may still hold sockets or timers.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
