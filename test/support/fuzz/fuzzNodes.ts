/**
 * The nodes the hostile input suite (SEC3, SEC4) runs against: alpha and bravo, paired offline,
 * each a real node started in this process by `startNode` (src/node/node.ts), so the fuzzer can
 * answer a thousand requests per route in seconds with `app.inject` instead of going through
 * loopback sockets. Nothing of the node is mocked; only time is:
 *
 * - Both nodes read one `ManualClock` that the suite moves itself. Frozen, nothing falls due by
 *   itself during a run (acknowledgement deadlines, escalation, session expiry, lockouts), so an
 *   event that appears in the record was put there by the request just made.
 * - The API's rate limits (SEC4) are off (`LIAISON_API_RATE_LIMIT=off`): with a frozen clock
 *   their buckets would never refill and the fuzzer would meet nothing but 429s. The limits
 *   have their own tests; the frame limits of the federation link stay on.
 *
 * `seedRecord` gives the fuzzer something to aim at: a message from each side, a draft and a
 * submitted encounter, a notice, a talk, a call request, a call and a blob. Then bravo stops, so
 * the record of alpha changes only through what the fuzzer sends it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ManualClock } from '../../../src/core/clock.ts';
import type { LiaisonEvent } from '../../../src/core/types.ts';
import { adminTokenPath } from '../../../src/node/folder.ts';
import { type RunningNode, startNode } from '../../../src/node/node.ts';
import { importOffline, prepareDemoNode } from '../../../src/node/setup.ts';
import { AUDIT_EVENT_PREFIX } from '../../../src/server/audit.ts';
import { freePort, PASSWORD } from '../cluster.ts';
import { dropSchemas, newSchemaName, TEST_DATABASE_URL } from '../postgres.ts';

export const HOTLINE = 'hotline-alpha-bravo';

/** Who the fuzzer acts as: each role's demo user, the CLI's admin token, or nobody. */
export const ACTORS = [
  'admin',
  'supervisor',
  'officer',
  'interpreter',
  'observer',
  'cli',
  'anonymous',
] as const;
export type Actor = (typeof ACTORS)[number];

/** The users the demo seeds, one per role, named after it. */
const ROLE_USERS = ['admin', 'supervisor', 'officer', 'interpreter', 'observer'] as const;

/** A node of the pair, with a bearer token per actor (logged in once, before any fuzzing). */
export interface FuzzNode {
  nodeId: string;
  dir: string;
  node: RunningNode;
  tokens: Partial<Record<Actor, string>>;
}

export interface FuzzPair {
  clock: ManualClock;
  alpha: FuzzNode;
  bravo: FuzzNode;
  /**
   * What the nodes logged at level error or above (a 500 is logged as `unexpected error`), and
   * exceptions that escaped them (`uncaught: …`).
   */
  errorLogs: string[];
  /** Stops bravo (the fuzzer then has alpha to itself, or takes bravo's place on the link). */
  stopBravo(): Promise<void>;
  stop(): Promise<void>;
}

export interface FuzzPairOptions {
  /** Extra environment for both nodes. */
  env?: NodeJS.ProcessEnv;
}

/** The variables `openStore` reads; set around each node's setup and start (see cluster.ts). */
const STORE_KEYS = ['DATABASE_URL', 'LIAISON_DB_SCHEMA'] as const;

function storeKind(): 'sqlite' | 'postgres' {
  return process.env.LIAISON_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';
}

/** Runs `work` with the node's store variables in process.env, restoring them after. */
async function withStoreEnv<T>(env: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const saved = STORE_KEYS.map((key) => [key, process.env[key]] as const);
  for (const key of STORE_KEYS) process.env[key] = env[key] ?? '';
  try {
    return await work();
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** A logger that keeps error lines for the suite to report, and drops the rest. */
function recordingLogger(nodeId: string, errorLogs: string[]) {
  return pino(
    { level: 'error', base: { node: nodeId } },
    {
      write(line: string) {
        errorLogs.push(line.trim());
      },
    },
  );
}

/** Logs a demo user in once; the fuzz loops reuse the token (no password hashing in them). */
async function login(node: RunningNode, username: string): Promise<string> {
  const response = await node.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password: PASSWORD },
  });
  if (response.statusCode !== 200)
    throw new Error(`login ${username}: ${response.statusCode} ${response.body}`);
  return (response.json() as { token: string }).token;
}

/** Logs every actor of a node in again (after the clock moved past their sessions' end). */
export async function relogin(fuzzNode: FuzzNode): Promise<Partial<Record<Actor, string>>> {
  const tokens: Partial<Record<Actor, string>> = {};
  for (const username of ROLE_USERS) tokens[username] = await login(fuzzNode.node, username);
  tokens.cli = readFileSync(adminTokenPath(fuzzNode.dir), 'utf8').trim();
  fuzzNode.tokens = tokens;
  return tokens;
}

/** Starts alpha and bravo in this process, paired, with a token per actor on each. */
export async function startFuzzPair(options: FuzzPairOptions = {}): Promise<FuzzPair> {
  const root = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'liaison-fuzz-'));
  const clock = new ManualClock(Date.now());
  const errorLogs: string[] = [];
  const kind = storeKind();
  const storeEnvs = new Map<string, Record<string, string>>();
  for (const nodeId of ['alpha', 'bravo'])
    storeEnvs.set(
      nodeId,
      kind === 'postgres'
        ? { DATABASE_URL: TEST_DATABASE_URL, LIAISON_DB_SCHEMA: newSchemaName(nodeId) }
        : { DATABASE_URL: '', LIAISON_DB_SCHEMA: '' },
    );
  const envOf = (nodeId: string) => storeEnvs.get(nodeId) ?? {};
  const dirs = { alpha: join(root, 'alpha'), bravo: join(root, 'bravo') };
  for (const [nodeId, dir] of Object.entries(dirs)) {
    const spec = {
      nodeId,
      name: nodeId === 'alpha' ? 'Alpha' : 'Bravo',
      httpPort: await freePort(),
      federationPort: await freePort(),
    };
    await withStoreEnv(envOf(nodeId), () => prepareDemoNode(dir, spec, PASSWORD));
  }
  await withStoreEnv(envOf('alpha'), () => importOffline(dirs.alpha, dirs.bravo));
  await withStoreEnv(envOf('bravo'), () => importOffline(dirs.bravo, dirs.alpha));

  const start = async (nodeId: 'alpha' | 'bravo'): Promise<FuzzNode> => {
    const node = await withStoreEnv(envOf(nodeId), () =>
      startNode({
        dataDir: dirs[nodeId],
        clock,
        env: {
          LIAISON_DRILL_INTERVAL_MS: '0',
          LIAISON_API_RATE_LIMIT: 'off',
          LIAISON_API_ADDRESS_RATE_LIMIT: 'off',
          ...options.env,
        },
        logger: recordingLogger(nodeId, errorLogs),
        consoleDir: null,
      }),
    );
    const fuzzNode: FuzzNode = { nodeId, dir: dirs[nodeId], node, tokens: {} };
    await relogin(fuzzNode);
    return fuzzNode;
  };

  const alpha = await start('alpha');
  const bravo = await start('bravo');
  // In `liaison serve` an exception that escapes an event handler ends the process: here it
  // fails the case that caused it, like an error the nodes log.
  const onUncaught = (error: unknown) =>
    errorLogs.push(`uncaught: ${error instanceof Error ? error.stack : String(error)}`);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  let isBravoRunning = true;
  return {
    clock,
    alpha,
    bravo,
    errorLogs,
    async stopBravo() {
      if (!isBravoRunning) return;
      isBravoRunning = false;
      await bravo.node.stop();
    },
    async stop() {
      if (isBravoRunning) await bravo.node.stop();
      await alpha.node.stop();
      process.off('uncaughtException', onUncaught);
      process.off('unhandledRejection', onUncaught);
      rmSync(root, { recursive: true, force: true });
      if (kind === 'postgres')
        await dropSchemas([...storeEnvs.values()].map((env) => env.LIAISON_DB_SCHEMA ?? ''));
    },
  };
}

/** What the record holds at one moment: the last arrival number, for `newEventsSince`. */
export interface RecordMark {
  lastArrival: number;
}

/** Marks the record of a node once its pending appends are done. */
export async function markRecord(node: RunningNode): Promise<RecordMark> {
  await node.ledger.idle();
  return { lastArrival: await node.store.lastArrival() };
}

/** The events stored after `mark`, once pending appends are done (at most `limit`). */
export async function newEventsSince(
  node: RunningNode,
  mark: RecordMark,
  limit = 50,
): Promise<LiaisonEvent[]> {
  await node.ledger.idle();
  const page = await node.store.eventsSince(mark.lastArrival, limit, null);
  return page.map((stored) => stored.event);
}

/** Whether an event is an audit entry on the node's local line (SEC5): written for refusals too. */
export function isAuditEntry(event: LiaisonEvent): boolean {
  return event.line.startsWith('local-') && event.type.startsWith(AUDIT_EVENT_PREFIX);
}

/** A short description of events for a failure message. */
export function describeEvents(events: LiaisonEvent[]): string {
  return events.map((e) => `${e.type} on ${e.line} by ${e.author}`).join('; ');
}
