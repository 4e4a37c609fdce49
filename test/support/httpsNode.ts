/**
 * One real node serving its console and API over HTTPS on loopback (SEC2), for the HTTPS tests:
 * the node's own process (`liaison serve`) with `LIAISON_HTTPS=true` (TLS forced on loopback,
 * since tests use loopback only), its users seeded as the demo's, its store SQLite in its folder.
 * Requests go through node:https trusting only the node's own self-signed certificate, so a
 * passing request proves the node served that certificate for 127.0.0.1.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { httpsCertificatePath } from '../../src/node/consoleTls.ts';
import { prepareDemoNode } from '../../src/node/setup.ts';
import { BIN, freePort, PASSWORD } from './cluster.ts';

/** An HTTPS answer, with the fingerprint of the certificate the server presented. */
export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  fingerprint: string;
}

/** A GET or POST over HTTPS trusting only `ca` (PEM); rejects when TLS or the request fails. */
export function httpsRequest(
  url: string,
  ca: string,
  options: { method?: 'GET' | 'POST'; body?: object; token?: string } = {},
): Promise<HttpsAnswer> {
  const payload = options.body ? Buffer.from(JSON.stringify(options.body)) : null;
  return new Promise((resolve, reject) => {
    const outgoing = request(url, {
      method: options.method ?? 'GET',
      ca,
      headers: {
        ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      timeout: 10_000,
    });
    outgoing.on('response', (response) => {
      const fingerprint = (response.socket as TLSSocket).getPeerCertificate().fingerprint256;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          fingerprint,
        }),
      );
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer from ${url} in 10 s`)));
    outgoing.on('error', reject);
    outgoing.end(payload ?? undefined);
  });
}

export interface HttpsNode {
  nodeId: string;
  dir: string;
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** The console's self-signed certificate (PEM), as `liaison init` made it. */
  certPem: string;
  process: ChildProcess | null;
  /** Starts the node process (again) and waits for /healthz over HTTPS. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops the node and removes its folder. */
  remove(): Promise<void>;
}

/** The environment of the node's process: SQLite in its folder, HTTPS on, quiet logs. */
export function httpsNodeEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: '',
    LIAISON_DB_SCHEMA: '',
    LIAISON_LOG_LEVEL: 'warn',
    LIAISON_SKIP_CONSOLE_BUILD: '1',
    LIAISON_HTTPS: 'true',
    ...extra,
  };
}

/** Creates a node folder (demo users, password PASSWORD) and starts it over HTTPS on loopback. */
export async function startHttpsNode(nodeId = 'alpha'): Promise<HttpsNode> {
  const root = mkdtempSync(join(tmpdir(), 'liaison-https-'));
  const dir = join(root, nodeId);
  const httpPort = await freePort();
  const federationPort = await freePort();
  // The folder's store is SQLite, whatever DATABASE_URL this test process has.
  const savedUrl = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
  try {
    await prepareDemoNode(dir, { nodeId, name: nodeId, httpPort, federationPort }, PASSWORD);
  } finally {
    if (savedUrl !== undefined) process.env.DATABASE_URL = savedUrl;
  }
  const url = `https://127.0.0.1:${httpPort}`;
  const certPem = readFileSync(httpsCertificatePath(dir), 'utf8');
  const node: HttpsNode = {
    nodeId,
    dir,
    url,
    certPem,
    process: null,
    async start() {
      const logFile = join(dir, 'node.log');
      const child = spawn(process.execPath, [BIN, 'serve', '--data', dir], {
        stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')],
        env: httpsNodeEnv(),
      });
      node.process = child;
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        if (child.exitCode !== null)
          throw new Error(
            `node exited with ${child.exitCode}: ${readFileSync(logFile, 'utf8').slice(-2000)}`,
          );
        const answer = await httpsRequest(`${url}/healthz`, certPem).catch(() => null);
        if (answer?.status === 200) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`node at ${url} did not answer over HTTPS in 30 s`);
    },
    async stop() {
      const child = node.process;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
      node.process = null;
    },
    async remove() {
      await node.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    await node.start();
  } catch (error) {
    await node.remove();
    throw error;
  }
  return node;
}
