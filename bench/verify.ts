/**
 * `verify`: time `liaison verify` on a 100,000-event export (and `liaison export` making it).
 *
 * The record is written in-process with the node's own code, much faster than through HTTP:
 * two paired node folders (`prepareDemoNode`, `pairAllOffline`), each with its Ledger. In
 * rounds, bravo appends a run of messages and alpha receives them (checked as from a peer),
 * then alpha appends its own, many at a time so the ledger group-commits them. The export thus
 * holds two origins whose events name each other in `deps`, as a real hotline's do.
 * Then `node bin/liaison.js export` and `node bin/liaison.js verify` run as the CLI would.
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isoTime, systemClock } from '../src/core/clock.ts';
import { loadSigner, openStore } from '../src/node/folder.ts';
import { silentLogger } from '../src/node/init.ts';
import { pairAllOffline, prepareDemoNode } from '../src/node/setup.ts';
import { Ledger } from '../src/record/ledger.ts';
import type { Store } from '../src/store/types.ts';
import { BIN, freePort, HOTLINE, PASSWORD } from '../test/support/cluster.ts';
import type { Benchmark } from './support/types.ts';

const EVENTS = 100_000;
const ROUNDS = 10;
/** Of each round's events, this many are bravo's (received by alpha as a peer's batch). */
const BRAVO_PER_ROUND = 500;
/** Appends handed to the ledger at once; it commits them in groups of up to 512. */
const APPENDS_AT_ONCE = 2_048;
/** A peer batch is at most this many events (the federation's MAX_BATCH_EVENTS). */
const RECEIVE_BATCH = 500;

interface OpenNode {
  store: Store;
  ledger: Ledger;
}

async function openNode(dir: string, nodeId: string): Promise<OpenNode> {
  const store = await openStore(dir);
  const ledger = new Ledger({
    store,
    signer: loadSigner(dir),
    selfId: nodeId,
    clock: systemClock,
    logger: silentLogger,
  });
  await ledger.open();
  return { store, ledger };
}

/** Appends `count` messages by `author`, `APPENDS_AT_ONCE` in flight; returns their envelopes. */
async function appendMessages(node: OpenNode, author: string, count: number, tag: string): Promise<object[]> {
  const envelopes: object[] = [];
  const deadline = isoTime(Date.now() + 6 * 3600_000);
  for (let start = 0; start < count; start += APPENDS_AT_ONCE) {
    const size = Math.min(APPENDS_AT_ONCE, count - start);
    const stored = await Promise.all(
      Array.from({ length: size }, (_, i) =>
        node.ledger.append(HOTLINE, author, 'message.posted', {
          text: `${tag} message ${start + i}: vessel sighted, bearing 270, 5 nm, no response on channel 16`,
          precedence: 'ROUTINE',
          deadline,
        }),
      ),
    );
    for (const { event } of stored) {
      const { id: _id, ...envelope } = event;
      envelopes.push(envelope);
    }
  }
  return envelopes;
}

async function receiveAll(node: OpenNode, envelopes: object[], peer: string): Promise<void> {
  for (let start = 0; start < envelopes.length; start += RECEIVE_BATCH) {
    const result = await node.ledger.receive(envelopes.slice(start, start + RECEIVE_BATCH), peer);
    if (result.rejected.length > 0)
      throw new Error(`alpha refused bravo's events: ${JSON.stringify(result.rejected[0])}`);
  }
}

/** Runs the CLI; resolves with its output and wall time, rejects on a non-zero exit. */
function runCli(args: string[]): Promise<{ stdout: string; seconds: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code === 0) resolve({ stdout, seconds });
      else
        reject(new Error(`liaison ${args[0]} exited with ${code}: ${(stdout + stderr).trim().slice(-500)}`));
    });
  });
}

function round(value: number, digits = 2): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}

export const verify: Benchmark = {
  name: 'verify',
  title: '`liaison verify` on a 100,000-event export',
  target: { figure: 'verifySeconds', bound: '<=', value: 30, unit: 's' },
  timeoutMs: 150_000,
  async run({ workDir, log }) {
    const alphaDir = join(workDir, 'alpha');
    const bravoDir = join(workDir, 'bravo');
    await prepareDemoNode(alphaDir, { nodeId: 'alpha', name: 'Alpha', httpPort: await freePort() }, PASSWORD);
    await prepareDemoNode(bravoDir, { nodeId: 'bravo', name: 'Bravo', httpPort: await freePort() }, PASSWORD);
    await pairAllOffline([alphaDir, bravoDir]);

    log(`writing ${EVENTS.toLocaleString('en')} events in-process`);
    const buildStarted = performance.now();
    const alpha = await openNode(alphaDir, 'alpha');
    const bravo = await openNode(bravoDir, 'bravo');
    try {
      const genesis = await alpha.store.getEventBySeq(HOTLINE, 'alpha', 1);
      if (!genesis) throw new Error('alpha holds no genesis of the hotline');
      const { id: _id, ...genesisEnvelope } = genesis.event;
      await receiveAll(bravo, [genesisEnvelope], 'alpha');
      const alphaPerRound = EVENTS / ROUNDS - BRAVO_PER_ROUND;
      for (let round = 0; round < ROUNDS; round++) {
        const fromBravo = await appendMessages(bravo, 'officer@bravo', BRAVO_PER_ROUND, `bravo r${round}`);
        await receiveAll(alpha, fromBravo, 'bravo');
        await appendMessages(alpha, 'officer@alpha', alphaPerRound, `alpha r${round}`);
      }
    } finally {
      await alpha.ledger.idle();
      await alpha.store.close();
      await bravo.store.close();
    }
    const buildSeconds = (performance.now() - buildStarted) / 1000;

    const file = join(workDir, 'export.jsonl');
    log('exporting with `liaison export`');
    const exported = await runCli(['export', '--data', alphaDir, '--out', file]);
    const bytes = statSync(file).size;
    log('verifying with `liaison verify`');
    const verified = await runCli(['verify', file]);
    // What any CLI run pays before its work: node, tsx compiling the sources, commander.
    const startup = await runCli(['--help']);
    const ok = /^OK: (\d+) events/m.exec(verified.stdout);
    if (!ok) throw new Error(`liaison verify did not say OK: ${verified.stdout.trim().slice(-300)}`);
    const events = Number(ok[1]);

    return {
      measured: round(verified.seconds),
      figures: {
        events,
        exportMiB: round(bytes / 2 ** 20, 1),
        buildSeconds: round(buildSeconds),
        exportSeconds: round(exported.seconds),
        exportEventsPerSecond: Math.round(events / exported.seconds),
        verifySeconds: round(verified.seconds),
        verifyEventsPerSecond: Math.round(events / verified.seconds),
        cliStartupSeconds: round(startup.seconds),
      },
      notes: [
        `${events.toLocaleString('en')} events (alpha ${(EVENTS - ROUNDS * BRAVO_PER_ROUND).toLocaleString('en')} + bravo ${(ROUNDS * BRAVO_PER_ROUND).toLocaleString('en')} + genesis), ${round(bytes / 2 ** 20, 1)} MiB of JSONL; written in-process in ${round(buildSeconds, 1)} s`,
        `liaison export: ${round(exported.seconds)} s (${Math.round(events / exported.seconds)} events/s)`,
        `liaison verify: ${round(verified.seconds)} s (${Math.round(events / verified.seconds)} events/s), wall time of the whole command, including its start-up (\`liaison --help\` takes ${round(startup.seconds)} s)`,
      ],
    };
  },
};
