/**
 * Shared pieces of the fault tests (`test/faults/`): a seeded random schedule, trial counts,
 * a writer that keeps posting through faults, and the convergence check every fault test ends
 * with.
 *
 * - The schedule of faults (when to kill, cut, fill) comes from a seeded PRNG. The seed is
 *   `LIAISON_FAULT_SEED` when set, else a random one; tests put it in their names, so a failed
 *   run can be replayed with the same schedule (the machine's own timing still varies).
 * - `LIAISON_FAULT_TRIALS` sets how many faults each test injects; CI runs each test's small
 *   default, `npm run test:faults` many more.
 * - A `MessageWriter` posts on the hotline from one node's officer at a steady pace and keeps
 *   every 201 it got (LOG10: an author's 201 means the event is durable). Refused and failed
 *   requests are recorded, never thrown, and never counted as accepted.
 * - `assertConverged` waits (bounded) until every node holds every accepted event exactly once
 *   and all nodes list the line in one LOG7 order, then checks the chains, the delivery states
 *   and that each node's `liaison export` passes `liaison verify`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compareLog7 } from '../../src/core/order.ts';
import type { LiaisonEvent } from '../../src/core/types.ts';
import type { PeerStatus } from '../../src/federation/federation.ts';
import type { MessageView } from '../../src/hotline/messages.ts';
import {
  ApiClient,
  BIN,
  type Cluster,
  type ClusterOptions,
  HOTLINE,
  PASSWORD,
  startCluster,
  type TestNode,
} from './cluster.ts';

const run = promisify(execFile);

/**
 * Faults injected on one cluster before a fresh one takes over: it bounds the events a cluster
 * gathers (one GET must still list them all) however many trials a run asks for.
 */
export const TRIALS_PER_CLUSTER = 12;

/** `trials` split into rounds of at most TRIALS_PER_CLUSTER, e.g. 30 → [12, 12, 6]. */
export function rounds(trials: number): number[] {
  const counts: number[] = [];
  for (let left = trials; left > 0; left -= TRIALS_PER_CLUSTER)
    counts.push(Math.min(left, TRIALS_PER_CLUSTER));
  return counts;
}

/** Starts a cluster, waits for every node to see its peers up, runs `use`, and always stops it. */
export async function withCluster<T>(
  options: ClusterOptions,
  use: (cluster: Cluster) => Promise<T>,
): Promise<T> {
  const cluster = await startCluster(options);
  try {
    const deadline = Date.now() + 30_000;
    for (const node of cluster.nodes) {
      const client = await ApiClient.login(node.url, 'officer');
      for (const peer of cluster.nodes) {
        if (peer === node) continue;
        while ((await peerStatus(client, peer.nodeId))?.state !== 'up') {
          assert.ok(Date.now() < deadline, `${node.nodeId}'s link to ${peer.nodeId} comes up`);
          await pause(100);
        }
      }
    }
    return await use(cluster);
  } finally {
    await cluster.stop();
  }
}

/** The most events one GET returns (the API's limit); a test that writes more cannot check its order. */
export const MAX_EVENTS = 10_000;

/** A seeded PRNG (mulberry32): the same seed gives the same fault schedule. */
export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
}

/** The run's seed: `LIAISON_FAULT_SEED`, or a fresh random one (printed by the tests that use it). */
export function faultSeed(): number {
  const fromEnv = process.env.LIAISON_FAULT_SEED;
  if (fromEnv !== undefined && fromEnv !== '') {
    const seed = Number(fromEnv);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      throw new Error(`LIAISON_FAULT_SEED must be an integer in [0, 2^32): ${fromEnv}`);
    return seed;
  }
  return randomInt(0, 2 ** 31);
}

/** A PRNG for one test: the run's seed mixed with the test's name, so tests do not share a schedule. */
export function faultRandom(seed: number, testName: string): SeededRandom {
  let mixed = seed >>> 0;
  for (const char of testName) mixed = (Math.imul(mixed ^ char.charCodeAt(0), 0x01000193) + 0x9e3779b9) >>> 0;
  return new SeededRandom(mixed);
}

/** How many faults a test injects: `LIAISON_FAULT_TRIALS`, else the test's CI default. */
export function faultTrials(ciDefault: number): number {
  const fromEnv = process.env.LIAISON_FAULT_TRIALS;
  if (fromEnv === undefined || fromEnv === '') return ciDefault;
  const trials = Number(fromEnv);
  if (!Number.isInteger(trials) || trials < 1)
    throw new Error(`LIAISON_FAULT_TRIALS must be a positive integer: ${fromEnv}`);
  return trials;
}

/** Waits `ms`: only to space out faults on the schedule, never to wait for an outcome. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A message a node answered with 201. */
export interface AcceptedMessage {
  id: string;
  origin: string;
  seq: number;
  text: string;
}

/** A post that did not get a 201: an HTTP answer (status and code) or a failed request. */
export interface WriteFailure {
  at: number;
  text: string;
  status: number | null;
  error: string;
}

export interface WriterOptions {
  /** Pause after each request of one loop, in ms (default 80). */
  intervalMs?: number;
  /** Loops posting side by side (default 2), so commits are shared (group commit). */
  concurrency?: number;
  /** A request that takes longer than this counts as failed (default 20 s). */
  requestTimeoutMs?: number;
  line?: string;
}

/**
 * Posts hotline messages from one node's officer at a steady pace until stopped, through kills,
 * cuts and full disks: every 201 is kept in `accepted`, everything else in `failures`.
 */
export class MessageWriter {
  readonly accepted: AcceptedMessage[] = [];
  readonly failures: WriteFailure[] = [];
  private token: string | null = null;
  private isStopping = false;
  private loops: Promise<void>[] = [];
  private sent = 0;

  private constructor(
    readonly node: TestNode,
    private readonly options: Required<WriterOptions>,
  ) {}

  /** Logs in (the node must be up) and starts posting. */
  static async start(node: TestNode, options: WriterOptions = {}): Promise<MessageWriter> {
    const writer = new MessageWriter(node, {
      intervalMs: options.intervalMs ?? 80,
      concurrency: options.concurrency ?? 2,
      requestTimeoutMs: options.requestTimeoutMs ?? 20_000,
      line: options.line ?? HOTLINE,
    });
    writer.token = (await ApiClient.login(node.url, 'officer')).token;
    for (let i = 0; i < writer.options.concurrency; i += 1) writer.loops.push(writer.loop());
    return writer;
  }

  /** Stops posting and waits for the requests in flight to settle. */
  async stop(): Promise<void> {
    this.isStopping = true;
    await Promise.all(this.loops);
  }

  /** Failures that were HTTP answers (the node was up and refused), not failed connections. */
  get refusals(): WriteFailure[] {
    return this.failures.filter((f) => f.status !== null);
  }

  private async loop(): Promise<void> {
    while (!this.isStopping) {
      this.sent += 1;
      await this.postOne(`${this.node.nodeId} #${this.sent}`);
      await pause(this.options.intervalMs);
    }
  }

  private async postOne(text: string): Promise<void> {
    try {
      const token = this.token ?? (await this.login());
      let response = await this.post(token, text);
      if (response.status === 401) response = await this.post(await this.login(), text);
      const answer = await response.text();
      let body: Partial<LiaisonEvent> & { error?: string; message?: string } = {
        message: answer.slice(0, 200),
      };
      try {
        body = JSON.parse(answer) as typeof body;
      } catch {
        // not JSON: keep the start of the text as the message
      }
      if (response.status === 201 && typeof body.id === 'string' && typeof body.seq === 'number') {
        this.accepted.push({ id: body.id, origin: String(body.origin), seq: body.seq, text });
      } else {
        this.failures.push({
          at: Date.now(),
          text,
          status: response.status,
          error: `${body.error ?? '?'}: ${body.message ?? ''}`,
        });
      }
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
      this.failures.push({ at: Date.now(), text, status: null, error: `${String(error)}${cause}` });
    }
  }

  private post(token: string, text: string): Promise<Response> {
    return fetch(`${this.node.url}/api/v1/lines/${this.options.line}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text, precedence: 'ROUTINE' }),
      signal: AbortSignal.timeout(this.options.requestTimeoutMs),
    });
  }

  private async login(): Promise<string> {
    this.token = (await ApiClient.login(this.node.url, 'officer', PASSWORD)).token;
    return this.token;
  }
}

/** Every id the writers got a 201 for. */
export function acceptedIds(writers: Iterable<MessageWriter>): string[] {
  return [...writers].flatMap((w) => w.accepted.map((m) => m.id));
}

/** A one-line account of a writer, for the test's log. */
export function describeWriter(writer: MessageWriter): string {
  const byError = new Map<string, number>();
  for (const f of writer.failures) {
    const key = f.status === null ? f.error.replace(/:\d+/g, ':…').slice(0, 80) : `${f.status} ${f.error}`;
    byError.set(key, (byError.get(key) ?? 0) + 1);
  }
  const failures = [...byError].map(([error, n]) => `${n}× ${error}`).join('; ');
  return `${writer.node.nodeId}: ${writer.accepted.length} accepted, ${writer.failures.length} failed${failures ? ` (${failures})` : ''}`;
}

/** The line's events at a node, in its LOG7 order. */
export async function lineEvents(client: ApiClient, line = HOTLINE): Promise<LiaisonEvent[]> {
  const page = await client.get<{ events: LiaisonEvent[] }>(
    `/api/v1/lines/${line}/events?limit=${MAX_EVENTS}`,
  );
  return page.events;
}

/** How one peer looks from a node (`GET /peers`). */
export async function peerStatus(client: ApiClient, peerId: string): Promise<PeerStatus | undefined> {
  return (await client.get<PeerStatus[]>('/api/v1/peers')).find((p) => p.nodeId === peerId);
}

export interface ConvergeOptions {
  line?: string;
  /** The bound on waiting for the nodes to agree (default 60 s). */
  timeoutMs?: number;
  /** Also wait until every accepted message is `delivered` (or further) at every node (HOT3). */
  checkDelivery?: boolean;
}

/** What the nodes agreed on. */
export interface ConvergedRecord {
  /** The line's event ids in LOG7 order, the same at every node. */
  order: string[];
  events: LiaisonEvent[];
  elapsedMs: number;
  /** How long each step took, for the test's log: `agreed 1200 ms, delivered 300 ms, exported 2100 ms`. */
  timings: string;
}

interface NodeView {
  nodeId: string;
  events: LiaisonEvent[];
}

/** Why the nodes do not agree yet, or null when they do. */
function disagreement(views: NodeView[], accepted: readonly string[]): string | null {
  const problems: string[] = [];
  for (const view of views) {
    if (view.events.length >= MAX_EVENTS)
      problems.push(`${view.nodeId} holds ${view.events.length} events, more than one GET can check`);
    const counts = new Map<string, number>();
    for (const event of view.events) counts.set(event.id, (counts.get(event.id) ?? 0) + 1);
    const missing = accepted.filter((id) => !counts.has(id));
    const doubled = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    if (missing.length > 0)
      problems.push(
        `${view.nodeId} lacks ${missing.length} of ${accepted.length} accepted (${missing.slice(0, 3).join(', ')}…)`,
      );
    if (doubled.length > 0)
      problems.push(
        `${view.nodeId} holds ${doubled.length} events twice (${doubled.slice(0, 3).join(', ')})`,
      );
  }
  const [first, ...others] = views;
  for (const other of others) {
    if (!first) break;
    const a = first.events.map((e) => e.id);
    const b = other.events.map((e) => e.id);
    if (a.length === b.length && a.every((id, i) => id === b[i])) continue;
    let index = 0;
    while (index < a.length && a[index] === b[index]) index += 1;
    problems.push(
      `${first.nodeId} (${a.length} events) and ${other.nodeId} (${b.length}) differ from position ${index}`,
    );
  }
  return problems.length > 0 ? problems.join('; ') : null;
}

/** Per origin, seqs run 1..n with each `prev` the id before it (LOG4): no gap, no reuse. */
function assertChains(nodeId: string, events: readonly LiaisonEvent[]): void {
  const byOrigin = new Map<string, LiaisonEvent[]>();
  for (const event of events) byOrigin.set(event.origin, [...(byOrigin.get(event.origin) ?? []), event]);
  for (const [origin, chain] of byOrigin) {
    chain.sort((a, b) => a.seq - b.seq);
    chain.forEach((event, i) => {
      assert.equal(event.seq, i + 1, `at ${nodeId}, ${origin}'s events run 1..n without gap or reuse`);
      assert.equal(
        event.prev,
        i === 0 ? null : chain[i - 1]?.id,
        `at ${nodeId}, ${origin} seq ${event.seq} chains`,
      );
    });
  }
}

/** Waits until every accepted message is delivered (or further) at every node. */
async function waitDelivered(
  clients: Map<string, ApiClient>,
  accepted: readonly string[],
  line: string,
  deadline: number,
): Promise<void> {
  let lagging = '';
  while (Date.now() < deadline) {
    lagging = '';
    for (const [nodeId, client] of clients) {
      const views = await client.get<MessageView[]>(`/api/v1/lines/${line}/messages?limit=${MAX_EVENTS}`);
      const stateOf = new Map(views.map((v) => [v.id, v.state]));
      const notDelivered = accepted.filter((id) => stateOf.get(id) === 'sent' || !stateOf.has(id));
      if (notDelivered.length > 0) {
        lagging += `${nodeId}: ${notDelivered.length} accepted messages not delivered (${notDelivered.slice(0, 3).join(', ')}…) `;
      }
    }
    if (!lagging) return;
    await pause(250);
  }
  assert.fail(`[HOT3] every accepted message is delivered at every node; still ${lagging}`);
}

/** Exports a node's record with the CLI (the node may be running) and verifies it offline (LOG12). */
export async function exportAndVerify(node: TestNode, file: string): Promise<LiaisonEvent[]> {
  await run(process.execPath, [BIN, 'export', '--data', node.dir, '--out', file], { timeout: 120_000 });
  try {
    const verified = await run(process.execPath, [BIN, 'verify', file], { timeout: 120_000 });
    assert.match(verified.stdout, /OK: \d+ events/, `liaison verify of ${node.nodeId}'s export says OK`);
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    assert.fail(
      `liaison verify of ${node.nodeId}'s export failed: ${failed.stdout ?? ''}${failed.stderr ?? ''}`,
    );
  }
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((text) => text.startsWith('{"'))
    .map((text) => JSON.parse(text) as LiaisonEvent & { liaisonExport?: number; trailer?: unknown })
    .filter((entry) => entry.liaisonExport === undefined && entry.trailer === undefined);
}

/**
 * Waits (bounded) until every node holds every accepted event exactly once and lists the line in
 * the same order, then asserts it: no duplicates, the same id sequence of all the line's events
 * everywhere, in LOG7 order, every origin's chain whole (LOG4), and each node's export verifying
 * offline with every accepted event in it once. Every node must be running.
 */
export async function assertConverged(
  cluster: Cluster,
  accepted: readonly string[],
  options: ConvergeOptions = {},
): Promise<ConvergedRecord> {
  const line = options.line ?? HOTLINE;
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 60_000);
  assert.equal(new Set(accepted).size, accepted.length, '[LOG10] no two 201s named the same event');
  const clients = new Map<string, ApiClient>();
  for (const node of cluster.nodes) clients.set(node.nodeId, await ApiClient.login(node.url, 'officer'));

  let views: NodeView[] = [];
  let problem: string | null = 'not checked yet';
  while (Date.now() < deadline) {
    try {
      views = [];
      for (const [nodeId, client] of clients) views.push({ nodeId, events: await lineEvents(client, line) });
      problem = disagreement(views, accepted);
    } catch (error) {
      problem = `a node did not answer: ${String(error)}`;
    }
    if (problem === null) break;
    await pause(250);
  }
  if (problem !== null) assert.fail(`the nodes did not converge in ${Date.now() - started} ms: ${problem}`);

  const [reference] = views;
  assert.ok(reference, 'the cluster has nodes');
  const order = reference.events.map((e) => e.id);
  for (const view of views) {
    const ids = view.events.map((e) => e.id);
    assert.deepEqual(ids, order, `[LOG7] ${view.nodeId} lists the line in the same order`);
    const held = new Set(ids);
    assert.equal(held.size, ids.length, `${view.nodeId} holds no event twice`);
    for (const id of accepted) assert.ok(held.has(id), `${view.nodeId} holds accepted event ${id}`);
    for (let i = 1; i < view.events.length; i += 1) {
      const [before, after] = [view.events[i - 1], view.events[i]];
      if (before && after)
        assert.ok(compareLog7(before, after) < 0, `[LOG7] ${view.nodeId}'s list is ascending at ${i}`);
    }
    assertChains(view.nodeId, view.events);
  }

  const agreedAt = Date.now();
  if (options.checkDelivery ?? true) {
    const deliveryDeadline = Math.max(deadline, Date.now() + 15_000);
    await waitDelivered(clients, accepted, line, deliveryDeadline);
  }

  const deliveredAt = Date.now();
  const wanted = new Set(accepted);
  // Side by side: each CLI run spends seconds starting up.
  const exports = await Promise.all(
    cluster.nodes.map((node) =>
      exportAndVerify(node, join(cluster.root, `fault-export-${node.nodeId}.jsonl`)),
    ),
  );
  for (const [i, node] of cluster.nodes.entries()) {
    const exported = exports[i] ?? [];
    const counts = new Map<string, number>();
    for (const event of exported)
      if (wanted.has(event.id)) counts.set(event.id, (counts.get(event.id) ?? 0) + 1);
    assert.equal(counts.size, wanted.size, `${node.nodeId}'s export holds every accepted event`);
    assert.ok(
      [...counts.values()].every((n) => n === 1),
      `${node.nodeId}'s export holds each accepted event once`,
    );
  }
  const exportedAt = Date.now();
  return {
    order,
    events: reference.events,
    elapsedMs: exportedAt - started,
    timings: `agreed ${agreedAt - started} ms, delivered ${deliveredAt - agreedAt} ms, exported and verified ${exportedAt - deliveredAt} ms`,
  };
}
