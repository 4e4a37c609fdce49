/**
 * The hostile input suite for the federation link (SEC3, SEC4, LOG8, FED4): the fuzzer takes
 * bravo's place on alpha's federation port, with bravo's TLS certificate and signing key, and
 * sends FUZZ_RUNS cases (default 1000; `npm run fuzz`: 100,000) of each kind:
 *
 * - before the handshake: garbage, binary frames, unknown frame types, every frame with the wrong
 *   fields, hellos that lie — as bravo and as a stranger;
 * - on an open link: call, talk, blob, heads, ping, pong, receipt and error frames that pass the
 *   schema with hostile values, and frames that do not;
 * - batches: replayed events, forgeries of bravo's next event, events with broken fields, and
 *   valid events with hostile bodies.
 *
 * Alpha never crashes and keeps serving; what it refused changes nothing in its record; what a
 * batch's receipt did not refuse is held; the only events alpha writes itself are its answers to
 * a live peer (the link's state, heads, a ringing call). Last, every read route is fuzzed over
 * the record the hostile peer wrote into, so no reader breaks on what a peer may sign.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalBytes } from '../../src/core/canonical.ts';
import { parseEnvelope, signedBytes } from '../../src/core/event.ts';
import { type Signer, sha256, verifySignature } from '../../src/core/sign.ts';
import type { JsonObject, LiaisonEvent } from '../../src/core/types.ts';
import { createTlsIdentity, type TlsIdentity } from '../../src/federation/certificate.ts';
import { loadSigner, loadTlsIdentity } from '../../src/node/folder.ts';
import {
  batchSteps,
  brokenFrames,
  buildBatch,
  type ChainTip,
  frameData,
  type HostileFrame,
  type LinkTargets,
  parseableFrames,
} from '../support/fuzz/frames.ts';
import {
  describeEvents,
  type FuzzPair,
  HOTLINE,
  isAuditEntry,
  markRecord,
  newEventsSince,
  relogin,
  startFuzzPair,
} from '../support/fuzz/fuzzNodes.ts';
import { FUZZ_RUNS, FUZZ_SEED, fuzzRoute } from '../support/fuzz/httpFuzz.ts';
import { FuzzPeer } from '../support/fuzz/peer.ts';
import { ROUTE_SPECS } from '../support/fuzz/routes.ts';
import { refreshTargets, type SeedTargets, seedRecord, settled } from '../support/fuzz/seed.ts';

/** Events alpha writes itself in answer to a live peer: allowed while the fuzzer plays bravo. */
const NODE_ANSWERS = new Set(['link.state', 'link.skew', 'heads.recorded', 'call.ringing', 'call.ended']);
/** Event types the fuzzer does not sign valid hostile bodies of: they change keys and pairings. */
const TRUST_TYPES = new Set(['key.rotated', 'key.revoked', 'peer.unpaired', 'line.created']);
/** Reads per route over the record the hostile peer wrote into. */
const READ_RUNS = Math.max(50, Math.round(FUZZ_RUNS / 10));
/** A record mark with the count of error lines alpha had logged by then. */
type RecordMark = { lastArrival: number; errorLogs: number };
/** The frame limits refill by time (SEC4): the fuzzer moves alpha's clock a second per case. */
const SECOND = 1_000;

const TIMEOUT_MS = 180_000 + FUZZ_RUNS * 3 * 20;

describe('[SEC3] [SEC4] hostile frames and batches on the federation link', { timeout: TIMEOUT_MS }, () => {
  let pair: FuzzPair;
  let targets: SeedTargets;
  let url: string;
  let bravoTls: TlsIdentity;
  let strangerTls: TlsIdentity;
  let bravoSigner: Signer;
  let link: LinkTargets;
  let held: LiaisonEvent[] = [];
  const bodySamples: Record<string, JsonObject> = {};
  let peer: FuzzPeer | null = null;
  let batchNo = 0;

  const alpha = () => pair.alpha.node;

  before(async () => {
    pair = await startFuzzPair({ env: { LIAISON_HEADS_INTERVAL_MS: '50' } });
    targets = await seedRecord(pair);
    url = `wss://127.0.0.1:${alpha().config.federationPort}`;
    bravoTls = loadTlsIdentity(pair.bravo.dir, 'bravo');
    strangerTls = createTlsIdentity('zulu');
    bravoSigner = loadSigner(pair.bravo.dir);
    held = (await alpha().store.eventsSince(0, 10_000, null))
      .map((s) => s.event)
      .filter((e) => !e.line.startsWith('local-'));
    for (const event of held) if (!TRUST_TYPES.has(event.type)) bodySamples[event.type] ??= event.body;
    link = {
      self: 'alpha',
      peer: 'bravo',
      hotline: HOTLINE,
      lines: targets.lines,
      blobs: targets.blobs,
      talks: targets.talks,
      calls: targets.calls,
      eventIds: held.map((e) => e.id),
      nowMs: pair.clock.now(),
    };
  });

  after(async () => {
    await peer?.close();
    await pair?.stop();
  });

  /**
   * Events since `mark` that neither alpha's answers to a live peer nor `accepted` explain; an
   * error alpha logged meanwhile fails the case too.
   */
  const unexplained = async (mark: RecordMark, accepted: ReadonlySet<string> = new Set()) => {
    const added = (await newEventsSince(alpha(), mark, 500)).filter(
      (e) => !isAuditEntry(e) && !accepted.has(e.id) && !(e.origin === 'alpha' && NODE_ANSWERS.has(e.type)),
    );
    assert.deepEqual(pair.errorLogs.slice(mark.errorLogs), [], 'alpha logged no error');
    return added;
  };

  /** An open, proven link as bravo (a new one when alpha closed the last). */
  const openLink = async (): Promise<FuzzPeer> => {
    if (peer?.isOpen) return peer;
    await peer?.close();
    for (let attempt = 0; attempt < 20; attempt++) {
      pair.clock.advance(SECOND);
      const next = await FuzzPeer.connect(url, bravoTls);
      if (await next.handshake('bravo', bravoSigner, 'alpha')) {
        peer = next;
        return next;
      }
      // Alpha may still hold the last connection for a moment (duplicate-connection).
      await next.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('could not open a link as bravo');
  };

  /** Where bravo's next event on the hotline goes, from alpha's record. */
  const chainTip = async (): Promise<ChainTip> => {
    const heads = alpha().ledger.headSummary([HOTLINE])[HOTLINE] ?? {};
    const clockOf = async (id: string | undefined) =>
      id ? ((await alpha().store.getEvent(id))?.event.clock ?? 0) : 0;
    const own = heads.bravo;
    const theirs = heads.alpha;
    return {
      seq: (own?.seq ?? 0) + 1,
      prev: own?.id ?? null,
      clock: 1 + Math.max(await clockOf(own?.id), await clockOf(theirs?.id)),
      deps: theirs ? { alpha: theirs.id } : {},
    };
  };

  const assertServing = async () => {
    const health = await fetch(`${alpha().url}/healthz`);
    assert.equal(health.status, 200);
  };

  /** Runs a property; a failure names the case and the seed. */
  const check = async <T>(name: string, cases: fc.Arbitrary<T>, run: (c: T) => Promise<void>) => {
    let done = 0;
    const tenth = Math.max(1, Math.floor(FUZZ_RUNS / 10));
    const counted = async (c: T) => {
      await run(c);
      done += 1;
      if (FUZZ_RUNS >= 10_000 && done % tenth === 0)
        process.stderr.write(`  ${name}: ${done}/${FUZZ_RUNS}\n`);
    };
    const details = await fc.check(fc.asyncProperty(cases, counted), {
      numRuns: FUZZ_RUNS,
      endOnFailure: true,
      ...(FUZZ_SEED === undefined ? {} : { seed: FUZZ_SEED }),
    });
    if (!details.failed) return;
    const cause =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    const shown = JSON.stringify(details.counterexample, (_k, v) =>
      v instanceof Uint8Array ? `<${v.length} bytes>` : v,
    );
    throw new Error(
      `${name}: ${cause}\n  case: ${shown?.slice(0, 1500)}\n  replay with FUZZ_SEED=${details.seed}`,
    );
  };

  it(`[SEC3] ${FUZZ_RUNS} connections send hostile frames before the handshake: refused, nothing stored`, async (t) => {
    const lies: fc.Arbitrary<HostileFrame> = fc
      .record({
        protocol: fc.oneof(fc.constant(1), fc.integer()),
        node: fc.constantFrom('bravo', 'alpha', 'zulu', 'bravo '),
        nonce: fc.stringMatching(/^[A-Za-z0-9_-]{1,200}$/),
      })
      .map((hello): HostileFrame => ({ kind: 'json', value: { t: 'hello', ...hello } }));
    const cases = fc.record({
      asStranger: fc.boolean(),
      frames: fc.array(fc.oneof(brokenFrames(link), parseableFrames(link), lies), {
        minLength: 1,
        maxLength: 3,
      }),
    });
    const closes = new Map<number, number>();
    await check('before the handshake', cases, async ({ asStranger, frames }) => {
      const mark = { ...(await markRecord(alpha())), errorLogs: pair.errorLogs.length };
      const connection = await FuzzPeer.connect(url, asStranger ? strangerTls : bravoTls);
      for (const frame of frames) connection.send(frameData(frame));
      await connection.close();
      closes.set(connection.closeCode ?? 0, (closes.get(connection.closeCode ?? 0) ?? 0) + 1);
      const added = await unexplained(mark);
      assert.deepEqual(added, [], `the record changed: ${describeEvents(added)}`);
    });
    t.diagnostic(`close codes (count): ${JSON.stringify(Object.fromEntries(closes))}`);
    if (FUZZ_RUNS >= 100)
      assert.ok((closes.get(4003) ?? 0) > 0, 'some connections were cut as protocol errors');
    await assertServing();
  });

  it(`[SEC3] [SEC4] ${FUZZ_RUNS} cases of hostile frames on an open link: the node answers or cuts the link, nothing stored`, async (t) => {
    const cases = fc.array(
      fc.oneof({ weight: 7, arbitrary: parseableFrames(link) }, { weight: 2, arbitrary: brokenFrames(link) }),
      { minLength: 1, maxLength: 4 },
    );
    let cut = 0;
    let answered = 0;
    await check('on an open link', cases, async (frames) => {
      const connection = await openLink();
      const mark = { ...(await markRecord(alpha())), errorLogs: pair.errorLogs.length };
      for (const frame of frames) connection.send(frameData(frame));
      // An empty batch is answered after every frame before it was handled (or the link is cut).
      batchNo += 1;
      if (await connection.batch(batchNo, [])) answered += 1;
      else cut += 1;
      connection.forget();
      pair.clock.advance(SECOND);
      const added = await unexplained(mark);
      assert.deepEqual(added, [], `the record changed: ${describeEvents(added)}`);
    });
    t.diagnostic(`the link stayed open through ${answered} cases and was cut in ${cut}`);
    if (FUZZ_RUNS >= 100)
      assert.ok(answered > 0 && cut > 0, 'the fuzzer reached both the handlers and the refusals');
    await assertServing();
  });

  it(`[LOG8] [FED4] ${FUZZ_RUNS} batches of replayed, forged, broken and hostile events: refusals change nothing`, async (t) => {
    let stored = 0;
    let refusals = 0;
    await check('batches', batchSteps(bodySamples), async (steps) => {
      const connection = await openLink();
      const envelopes = buildBatch(steps, await chainTip(), held, bravoSigner, {
        ...link,
        nowMs: pair.clock.now(),
      });
      const mark = { ...(await markRecord(alpha())), errorLogs: pair.errorLogs.length };
      batchNo += 1;
      const receipt = await connection.batch(batchNo, envelopes);
      connection.forget();
      pair.clock.advance(SECOND);
      const refused = new Set(receipt?.body.rejected.map((r) => r.index) ?? envelopes.map((_e, i) => i));
      const accepted = new Set<string>();
      envelopes.forEach((envelope, index) => {
        const parsed = parseEnvelope(envelope);
        if (!refused.has(index) && parsed.ok) accepted.add(sha256(signedBytes(parsed.envelope)));
      });
      if (receipt) {
        const isSigned = verifySignature(alpha().signer.publicKey, canonicalBytes(receipt.body), receipt.sig);
        assert.ok(isSigned, 'the receipt is signed by alpha');
      }
      const added = await unexplained(mark, accepted);
      assert.deepEqual(
        added,
        [],
        `the record took events the receipt refused or never named: ${describeEvents(added)}`,
      );
      for (const id of accepted) assert.ok(await alpha().store.getEvent(id), `accepted event ${id} is held`);
      stored += (await newEventsSince(alpha(), mark, 500)).filter((e) => e.origin === 'bravo').length;
      refusals += receipt?.body.rejected.length ?? 0;
    });
    t.diagnostic(`alpha stored ${stored} new events of bravo's and refused ${refusals}`);
    if (FUZZ_RUNS >= 100)
      assert.ok(stored > 0 && refusals > 0, 'the fuzzer reached both the record and the refusals');
    await assertServing();
  });

  it(`[SEC3] every read route over what the hostile peer wrote: ${READ_RUNS} hostile reads each, no 5xx`, async () => {
    await peer?.close();
    await settled(alpha());
    const tokens = await relogin(pair.alpha);
    const fresh = await refreshTargets(pair.alpha, targets);
    const target = { node: alpha(), tokens, targets: fresh, errorLogs: pair.errorLogs };
    for (const spec of ROUTE_SPECS.filter((s) => s.route.startsWith('GET ')))
      await fuzzRoute(spec, target, READ_RUNS);
    await assertServing();
  });
});
