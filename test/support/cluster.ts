/**
 * Real nodes for integration, browser and benchmark runs: each node is its own process
 * (`liaison serve`) on loopback, with its own folder and store, paired offline first.
 * Nothing of ours is mocked; only the ports are chosen for the test.
 *
 * The store (STO1) is SQLite in the node's folder or, with `store: 'postgres'` (default: the
 * `LIAISON_TEST_STORE` environment variable), a fresh schema per node in the test server's
 * database (`./postgres.ts`), dropped at `stop()`. A node's process finds its store through
 * `DATABASE_URL` and `LIAISON_DB_SCHEMA`; a CLI command a test runs on a node's folder needs the
 * same: `spawnSync(…, { env: cluster.envFor(nodeId) })`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/node/folder.ts';
import { importOffline, prepareDemoNode } from '../../src/node/setup.ts';
import { assertPostgresReachable, dropSchemas, newSchemaName, TEST_DATABASE_URL } from './postgres.ts';
import { startTcpProxy, type TcpProxy } from './tcpProxy.ts';

export const BIN = fileURLToPath(new URL('../../bin/liaison.js', import.meta.url));
export const PASSWORD = 'liaison-test';

/**
 * Ports for nodes are drawn below Linux's ephemeral range (32768–60999 by default): a port
 * picked with listen(0) comes from that range, and once released it can be taken by any
 * outgoing connection (a PostgreSQL client, an HTTP request) before the node binds it.
 */
const NODE_PORT_RANGE = { from: 20_000, to: 32_000 };

/** Whether `port` can be bound on loopback now. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free TCP port on loopback (for a port that must be known before the process starts). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port =
      NODE_PORT_RANGE.from + Math.floor(Math.random() * (NODE_PORT_RANGE.to - NODE_PORT_RANGE.from));
    if (await isFree(port)) return port;
  }
  throw new Error(`no free port between ${NODE_PORT_RANGE.from} and ${NODE_PORT_RANGE.to} after 100 tries`);
}

export interface TestNode {
  nodeId: string;
  dir: string;
  url: string;
  httpPort: number;
  federationPort: number;
  process: ChildProcess | null;
  /** Starts (or restarts) the node process and waits for /healthz. */
  start(): Promise<void>;
  /** Sends a signal (default SIGTERM) and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export type StoreKind = 'sqlite' | 'postgres';

export interface Cluster {
  root: string;
  store: StoreKind;
  nodes: TestNode[];
  node(nodeId: string): TestNode;
  /** The environment node `nodeId` runs with, its store included: pass it to CLI commands on its folder. */
  envFor(nodeId: string): NodeJS.ProcessEnv;
  /** The proxy of a pair listed in `proxiedPairs`: cut or restore the link between a and b. */
  proxy(a: string, b: string): { cut(): void; restore(): void };
  stop(): Promise<void>;
}

export interface ClusterOptions {
  nodeIds?: string[];
  /** Extra environment for every node, e.g. LIAISON_ACK_DEADLINES. */
  env?: NodeJS.ProcessEnv;
  /** Extra environment for one node (over `env`), e.g. `{bravo: {LIAISON_CLOCK_OFFSET_MS: '3600000'}}`. */
  nodeEnv?: Record<string, NodeJS.ProcessEnv>;
  /** Keep the folders after stop (for debugging). */
  keep?: boolean;
  /** Pairs whose federation link runs through a TCP proxy the test can cut (`cluster.proxy(a, b)`). */
  proxiedPairs?: [string, string][];
  /** Where the nodes keep their records; default `LIAISON_TEST_STORE`, else SQLite. */
  store?: StoreKind;
  /** A folder for a node instead of `root/<nodeId>`, e.g. on a small tmpfs (the caller removes it). */
  dataDirs?: Record<string, string>;
}

/** The variables `openStore` (src/node/folder.ts) reads to choose a node's store. */
const STORE_ENV_KEYS = ['DATABASE_URL', 'LIAISON_DB_SCHEMA'] as const;

function defaultStore(): StoreKind {
  const named = process.env.LIAISON_TEST_STORE || 'sqlite';
  if (named !== 'sqlite' && named !== 'postgres')
    throw new Error(`LIAISON_TEST_STORE must be sqlite or postgres, not ${JSON.stringify(named)}`);
  return named;
}

/** The last of the setups queued to use process.env (see `withStoreEnv`). */
let storeEnvTurn: Promise<unknown> = Promise.resolve();

/**
 * Runs offline setup work (init, users, pairing) on one node's store in this process.
 * `openStore` reads the store from process.env, and config.json cannot name it, so the node's
 * DATABASE_URL and LIAISON_DB_SCHEMA go into process.env for the work and are restored after.
 * One such section runs at a time, even for clusters started concurrently in one test file.
 * (A child process that other code of that file spawns meanwhile inherits them.)
 */
function withStoreEnv<T>(env: NodeJS.ProcessEnv, work: () => Promise<T>): Promise<T> {
  const put = (key: string, value: string | undefined) => {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  };
  const run = async () => {
    const saved = STORE_ENV_KEYS.map((key) => [key, process.env[key]] as const);
    for (const key of STORE_ENV_KEYS) put(key, env[key]);
    try {
      return await work();
    } finally {
      for (const [key, value] of saved) put(key, value);
    }
  };
  const turn = storeEnvTurn.then(run, run);
  storeEnvTurn = turn.catch(() => undefined);
  return turn;
}

/** The last lines of a node's log, to say why it did not start. */
function logTail(logFile: string, lines = 12): string {
  try {
    return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitHealthy(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  logFile: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(
        `node at ${url} exited with code ${child.exitCode}; its log ends:\n${logTail(logFile)}`,
      );
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `node at ${url} did not become healthy in ${timeoutMs} ms; its log ends:\n${logTail(logFile)}`,
  );
}

/** Creates, pairs and starts nodes (default alpha and bravo), each its own process. */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const store = options.store ?? defaultStore();
  if (store === 'postgres') await assertPostgresReachable();
  const root = mkdtempSync(join(tmpdir(), 'liaison-cluster-'));
  const nodeIds = options.nodeIds ?? ['alpha', 'bravo'];
  // A SQLite node gets an empty DATABASE_URL: one set in the shell does not move it.
  const storeEnvs = new Map<string, NodeJS.ProcessEnv>(
    nodeIds.map((nodeId) => [
      nodeId,
      store === 'postgres'
        ? { DATABASE_URL: TEST_DATABASE_URL, LIAISON_DB_SCHEMA: newSchemaName(nodeId) }
        : { DATABASE_URL: '', LIAISON_DB_SCHEMA: '' },
    ]),
  );
  const envFor = (nodeId: string): NodeJS.ProcessEnv => {
    if (!storeEnvs.has(nodeId)) throw new Error(`no node ${nodeId}`);
    return {
      ...process.env,
      LIAISON_LOG_LEVEL: 'warn',
      LIAISON_SKIP_CONSOLE_BUILD: '1',
      ...storeEnvs.get(nodeId),
      ...options.env,
      ...options.nodeEnv?.[nodeId],
    };
  };
  const dropOwnSchemas = () =>
    store === 'postgres'
      ? dropSchemas(nodeIds.flatMap((id) => envFor(id).LIAISON_DB_SCHEMA || []))
      : undefined;
  const nodes: TestNode[] = [];
  const proxies = new Map<string, TcpProxy[]>();
  /** Leaves nothing behind when a node fails to be set up or to start, then rethrows. */
  const abandon = async (error: unknown): Promise<never> => {
    await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
    // Open proxies would keep the test process alive after its failure.
    for (const pair of proxies.values()) for (const p of pair) await p.close();
    if (!options.keep) {
      rmSync(root, { recursive: true, force: true });
      await dropOwnSchemas();
    }
    throw error;
  };
  for (const nodeId of nodeIds) {
    const httpPort = await freePort();
    const federationPort = await freePort();
    const dir = options.dataDirs?.[nodeId] ?? join(root, nodeId);
    await withStoreEnv(envFor(nodeId), () =>
      prepareDemoNode(
        dir,
        { nodeId, name: `${nodeId[0]?.toUpperCase()}${nodeId.slice(1)}`, httpPort, federationPort },
        PASSWORD,
      ),
    ).catch(abandon);
    const node: TestNode = {
      nodeId,
      dir,
      url: `http://127.0.0.1:${httpPort}`,
      httpPort,
      federationPort,
      process: null,
      async start() {
        const log = openSync(join(dir, 'node.log'), 'a');
        const child = spawn(process.execPath, [BIN, 'serve', '--data', dir], {
          stdio: ['ignore', log, log],
          env: envFor(nodeId),
        });
        node.process = child;
        await waitHealthy(node.url, child, 30_000, join(dir, 'node.log'));
      },
      async stop(signal = 'SIGTERM') {
        const child = node.process;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill(signal);
        await exited;
        node.process = null;
      },
    };
    nodes.push(node);
  }
  // What pairAllOffline does, each import with the importing node's store (FED9).
  for (const a of nodes)
    for (const b of nodes)
      if (a !== b) await withStoreEnv(envFor(a.nodeId), () => importOffline(a.dir, b.dir)).catch(abandon);
  for (const [a, b] of options.proxiedPairs ?? []) {
    const pair: TcpProxy[] = [];
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const target = nodes.find((n) => n.nodeId === to);
      const source = nodes.find((n) => n.nodeId === from);
      if (!target || !source) throw new Error(`no node ${to} or ${from} for a proxied pair`);
      const proxy = await startTcpProxy(target.federationPort);
      pair.push(proxy);
      // The card stays as signed; only the address this node dials is redirected.
      await withStoreEnv(envFor(from), async () => {
        const sourceStore = await openStore(source.dir);
        try {
          const record = await sourceStore.getNode(to);
          if (record)
            await sourceStore.putNode({ ...record, federationUrl: `wss://127.0.0.1:${proxy.port}` });
        } finally {
          await sourceStore.close();
        }
      }).catch(abandon);
    }
    proxies.set([a, b].sort().join('|'), pair);
  }
  await Promise.all(nodes.map((n) => n.start())).catch(abandon);
  return {
    root,
    store,
    nodes,
    envFor,
    node(nodeId) {
      const found = nodes.find((n) => n.nodeId === nodeId);
      if (!found) throw new Error(`no node ${nodeId}`);
      return found;
    },
    proxy(a, b) {
      const pair = proxies.get([a, b].sort().join('|'));
      if (!pair) throw new Error(`the link ${a}–${b} is not proxied`);
      return {
        cut: () => {
          for (const p of pair) p.cut();
        },
        restore: () => {
          for (const p of pair) p.restore();
        },
      };
    },
    async stop() {
      for (const pair of proxies.values()) for (const p of pair) await p.close();
      await Promise.all(nodes.map((n) => n.stop('SIGTERM')));
      // With `keep`, the schemas stay too, for debugging.
      if (!options.keep) {
        rmSync(root, { recursive: true, force: true });
        await dropOwnSchemas();
      }
    },
  };
}

/** A logged-in API client for one user of one node. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  static async login(baseUrl: string, username: string, password = PASSWORD): Promise<ApiClient> {
    const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (!response.ok)
      throw new Error(`login ${username} at ${baseUrl}: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { token: string };
    return new ApiClient(baseUrl, body.token);
  }

  /** Sends a request; returns the status and the parsed JSON body (or text). */
  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: unknown }> {
    const init: RequestInit = {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
    };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const response = await fetch(`${this.baseUrl}${path}`, init);
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (export, metrics)
    }
    return { status: response.status, body: parsed };
  }

  async get<T>(path: string): Promise<T> {
    const { status, body } = await this.request('GET', path);
    if (status !== 200) throw new Error(`GET ${path}: ${status} ${JSON.stringify(body)}`);
    return body as T;
  }

  async post<T>(path: string, payload: unknown): Promise<T> {
    const { status, body } = await this.request('POST', path, payload);
    if (status !== 200 && status !== 201) throw new Error(`POST ${path}: ${status} ${JSON.stringify(body)}`);
    return body as T;
  }
}

/** Polls `probe` every 50 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

export const HOTLINE = 'hotline-alpha-bravo';

/** Waits until the node behind `client` reports its (first) peer link up (FED7). */
export async function waitLinkUp(client: ApiClient, timeoutMs?: number): Promise<void> {
  await eventually(
    'the link to come up',
    async () =>
      (await client.get<{ state: string }[]>('/api/v1/peers'))[0]?.state === 'up' ? true : undefined,
    timeoutMs,
  );
}
