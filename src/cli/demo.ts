/**
 * `npm run demo` (External interface): two paired nodes, alpha and bravo, each its own process
 * with its own SQLite database. On first start it creates both folders, seeds the five demo
 * users (no second factor) and pairs the nodes; later starts reuse the folders (`--fresh`
 * wipes them). Ctrl-C stops both; when one node dies the demo neither restarts it nor stops
 * the other, and says how to bring it back.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROLES } from '../core/types.ts';
import { configPath, loadConfig } from '../node/config.ts';
import { runningPid } from '../node/pidfile.ts';
import { importOffline, prepareDemoNode } from '../node/setup.ts';
import { buildConsole } from './buildConsole.ts';

const BIN = fileURLToPath(new URL('../../bin/liaison.js', import.meta.url));
const NODES = [
  { nodeId: 'alpha', name: 'Alpha Ministry of Defence', offset: 0 },
  { nodeId: 'bravo', name: 'Bravo Ministry of Defence', offset: 1 },
] as const;

export interface DemoOptions {
  basePort: number;
  dataDir: string;
  fresh: boolean;
  password: string;
}

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Creates the node folder and its users when missing; checks the ports of an existing one. */
async function prepareNode(
  dir: string,
  node: (typeof NODES)[number],
  port: number,
  password: string,
): Promise<void> {
  if (existsSync(configPath(dir)) && loadConfig(dir, {}).federationUrl.startsWith('ws:')) {
    // Made by a version before mutual TLS between nodes (FED2): demo data is disposable.
    say(`${dir} was made by an older version without TLS between nodes; recreating it`);
    rmSync(dir, { recursive: true, force: true });
  }
  if (existsSync(configPath(dir))) {
    const config = loadConfig(dir, {});
    if (config.httpPort !== port) {
      throw new Error(
        `${dir} was created for port ${config.httpPort}; use --fresh to recreate it on ${port}`,
      );
    }
    return;
  }
  say(`creating ${node.nodeId} in ${dir}`);
  await prepareDemoNode(dir, { nodeId: node.nodeId, name: node.name, httpPort: port }, password);
}

async function waitHealthy(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

export async function runDemo(options: DemoOptions): Promise<void> {
  const dirs = NODES.map((n) => join(options.dataDir, n.nodeId));
  for (const dir of dirs) {
    const pid = runningPid(dir);
    if (pid !== null) throw new Error(`a node already runs on ${dir} (process ${pid}); stop it first`);
  }
  if (options.fresh) for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  mkdirSync(options.dataDir, { recursive: true });

  say('preparing the console (builds once, then only when its sources change)…');
  await buildConsole({ quiet: true });
  for (const [i, node] of NODES.entries())
    await prepareNode(dirs[i] as string, node, options.basePort + node.offset, options.password);
  const [alphaDir, bravoDir] = dirs as [string, string];
  const code = await importOffline(alphaDir, bravoDir);
  await importOffline(bravoDir, alphaDir);

  const children = new Map<string, ChildProcess>();
  for (const [i, node] of NODES.entries()) {
    const dir = dirs[i] as string;
    const log = openSync(join(dir, 'node.log'), 'a');
    const child = spawn(process.execPath, [BIN, 'serve', '--data', dir], {
      stdio: ['ignore', log, log],
      env: { ...process.env, LIAISON_SKIP_CONSOLE_BUILD: '1' },
    });
    children.set(node.nodeId, child);
    child.on('exit', (exitCode, signal) => {
      children.delete(node.nodeId);
      if (stopping) return;
      say(
        `\n${node.nodeId} stopped (${signal ?? `exit code ${exitCode}`}); the other node keeps running.\n` +
          `  log:     ${join(dir, 'node.log')}\n  restart: npx liaison serve --data ${dir}`,
      );
      if (children.size === 0) process.exit(1);
    });
  }

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    say('\nstopping alpha and bravo…');
    for (const child of children.values()) child.kill('SIGTERM');
    const check = setInterval(() => {
      if (children.size === 0) {
        clearInterval(check);
        process.exit(0);
      }
    }, 50);
    setTimeout(() => {
      for (const child of children.values()) child.kill('SIGKILL');
      process.exit(0);
    }, 5000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const urls = NODES.map((n) => `http://127.0.0.1:${options.basePort + n.offset}`);
  const healthy = await Promise.all(urls.map((url) => waitHealthy(url, 60_000)));
  NODES.forEach((node, i) => {
    if (!healthy[i])
      say(`${node.nodeId} did not answer /healthz within 60 s; see ${join(dirs[i] as string, 'node.log')}`);
  });
  say(
    [
      '',
      'Liaison demo: two federated nodes',
      `  alpha  ${urls[0]}   (federation :${options.basePort + 100})   data ${alphaDir}`,
      `  bravo  ${urls[1]}   (federation :${options.basePort + 101})   data ${bravoDir}`,
      '',
      `  users on each node: ${ROLES.join(', ')}   password: ${options.password}   (no second factor)`,
      `  safety code of the pair: ${code}`,
      '',
      '  Log in as officer at alpha and at bravo in two browser windows and write on the hotline.',
      '  Ctrl-C stops both nodes.',
      '',
    ].join('\n'),
  );
}
