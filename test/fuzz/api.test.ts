/**
 * The hostile input suite for the HTTP API (SEC3, SEC4): every route the node serves gets
 * FUZZ_RUNS (default 1000; `npm run fuzz`: 100,000) random and malformed requests from
 * fast-check — wrong JSON, wrong types, huge numbers, unicode, deep nesting, missing and extra
 * fields, odd path parameters and query strings, as each role, as the CLI's admin token and as
 * nobody — against a real node started in this process (test/support/fuzz/). No request gets a
 * 5xx, every refusal is in the SEC3 envelope and leaves the record as it was, and the node keeps
 * serving. The routes come from the running app, so a new one is fuzzed (and named by the first
 * test) the day it is added.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { type FuzzPair, startFuzzPair } from '../support/fuzz/fuzzNodes.ts';
import {
  describeStatuses,
  envelopeProblem,
  FUZZ_RUNS,
  FUZZ_SEED,
  fuzzRoute,
  type HttpFuzzTarget,
} from '../support/fuzz/httpFuzz.ts';
import { rawHttp, rawRequests, rawResponses } from '../support/fuzz/rawHttp.ts';
import { fuzzOrder, ROUTE_SPECS, servedRoutes, specOf } from '../support/fuzz/routes.ts';
import { type SeedTargets, seedRecord } from '../support/fuzz/seed.ts';

/** Connections of raw bytes: each is a TCP connection of its own, so a quarter of a route's runs. */
const RAW_RUNS = Math.max(50, Math.round(FUZZ_RUNS / 4));
/** About 5 ms a request on a loaded machine, plus the nodes' start. */
const TIMEOUT_MS = 120_000 + FUZZ_RUNS * ROUTE_SPECS.length * 5;

describe('[SEC3] hostile input on every API route', { timeout: TIMEOUT_MS }, () => {
  let pair: FuzzPair;
  let targets: SeedTargets;
  let target: HttpFuzzTarget;
  let served: string[] = [];

  before(async () => {
    pair = await startFuzzPair({ env: { LIAISON_MAX_BLOB_BYTES: '4096' } });
    targets = await seedRecord(pair);
    target = { node: pair.alpha.node, tokens: pair.alpha.tokens, targets, errorLogs: pair.errorLogs };
    served = servedRoutes(pair.alpha.node.app);
    assert.deepEqual(pair.errorLogs, [], 'the nodes logged no error while starting and seeding');
  });

  after(async () => {
    await pair?.stop();
  });

  /** The node still answers, in process and on its socket. */
  const assertServing = async () => {
    const inProcess = await pair.alpha.node.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(inProcess.statusCode, 200, inProcess.body);
    const overTcp = await fetch(`${pair.alpha.node.url}/healthz`);
    assert.equal(overTcp.status, 200);
  };

  it('[SEC3] the fuzz list names every route the node serves, and no other', () => {
    const listed = ROUTE_SPECS.map((spec) => spec.route);
    assert.deepEqual(
      served.filter((route) => !listed.includes(route)),
      [],
      'routes the node serves that test/support/fuzz/routes.ts does not list (they are fuzzed generically meanwhile)',
    );
    assert.deepEqual(
      listed.filter((route) => !served.includes(route)),
      [],
      'routes test/support/fuzz/routes.ts lists that the node does not serve',
    );
  });

  // Registered from the list; a route the list lacks is fuzzed by the test after these.
  for (const route of fuzzOrder(ROUTE_SPECS.map((spec) => spec.route))) {
    it(`[SEC3] ${route}: ${FUZZ_RUNS} hostile requests, no 5xx, refusals in the envelope and the record unchanged`, async (t) => {
      if (!served.includes(route)) {
        t.skip('the node does not serve this route (see the first test)');
        return;
      }
      t.diagnostic(`answers: ${describeStatuses(await fuzzRoute(specOf(route), target))}`);
      await assertServing();
    });
  }

  it(`[SEC3] ${RAW_RUNS} connections of bytes that are barely HTTP: refused in the envelope or served, never a 5xx`, async () => {
    const { httpPort } = pair.alpha.node.config;
    const details = await fc.check(
      fc.asyncProperty(rawRequests, async (request) => {
        const answer = await rawHttp(httpPort, request);
        for (const { status, body } of rawResponses(answer)) {
          assert.ok(status < 500, `answered ${answer.slice(0, 300)}`);
          if (status >= 400 && body !== '')
            assert.equal(envelopeProblem(body), null, `answered ${answer.slice(0, 300)}`);
        }
      }),
      { numRuns: RAW_RUNS, endOnFailure: true, ...(FUZZ_SEED === undefined ? {} : { seed: FUZZ_SEED }) },
    );
    assert.equal(
      details.failed,
      false,
      `${String(details.errorInstance)}\n  request: ${JSON.stringify(details.counterexample)?.slice(0, 600)}`,
    );
    await assertServing();
  });

  it(`[SEC3] routes the list does not know yet: ${FUZZ_RUNS} generic hostile requests each`, async () => {
    const listed = new Set(ROUTE_SPECS.map((spec) => spec.route));
    for (const route of served.filter((r) => !listed.has(r))) await fuzzRoute(specOf(route), target);
    await assertServing();
  });
});
