/**
 * Real nodes for integration, browser and benchmark runs: each node is its own process
 * (`liaison serve`) on loopback, with its own folder and SQLite database, paired offline first.
 * Nothing of ours is mocked; only the ports are chosen for the test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pairAllOffline, prepareDemoNode } from '../../src/node/setup.ts';

export const BIN = fileURLToPath(new URL('../../bin/liaison.js', import.meta.url));
export const PASSWORD = 'liaison-test';

/** A free TCP port on loopback (for a port that must be known before the process starts). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
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

export interface Cluster {
  root: string;
  nodes: TestNode[];
  node(nodeId: string): TestNode;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  nodeIds?: string[];
  /** Extra environment for every node, e.g. LIAISON_ACK_DEADLINES. */
  env?: NodeJS.ProcessEnv;
  /** Keep the folders after stop (for debugging). */
  keep?: boolean;
}

async function waitHealthy(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`node at ${url} exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`node at ${url} did not become healthy in ${timeoutMs} ms`);
}

/** Creates, pairs and starts nodes (default alpha and bravo), each its own process. */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const root = mkdtempSync(join(tmpdir(), 'liaison-cluster-'));
  const nodeIds = options.nodeIds ?? ['alpha', 'bravo'];
  const nodes: TestNode[] = [];
  for (const nodeId of nodeIds) {
    const httpPort = await freePort();
    const federationPort = await freePort();
    const dir = join(root, nodeId);
    await prepareDemoNode(
      dir,
      { nodeId, name: `${nodeId[0]?.toUpperCase()}${nodeId.slice(1)}`, httpPort, federationPort },
      PASSWORD,
    );
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
          env: { ...process.env, LIAISON_LOG_LEVEL: 'warn', ...options.env },
        });
        node.process = child;
        await waitHealthy(node.url, child, 30_000);
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
  await pairAllOffline(nodes.map((n) => n.dir));
  await Promise.all(nodes.map((n) => n.start()));
  return {
    root,
    nodes,
    node(nodeId) {
      const found = nodes.find((n) => n.nodeId === nodeId);
      if (!found) throw new Error(`no node ${nodeId}`);
      return found;
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.stop('SIGTERM')));
      if (!options.keep) rmSync(root, { recursive: true, force: true });
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
  timeoutMs = 15_000,
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
