/**
 * Property tests of the export verifier (LOG12): every valid export built from a random
 * schedule verifies, and every single tampering of one kind makes it fail.
 *
 * The tampering properties draw from a pool of exports signed once, so each run costs one
 * verification (and at most one signature), not a fresh chain.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { signEvent } from './event.ts';
import { eventLine, verifyExport } from './exportFormat.ts';
import { buildExport, buildLine, makeNodes, type ScheduleStep } from './testSupport.ts';
import type { LiaisonEvent } from './types.ts';

const NUM_RUNS = 100;
const nodes = makeNodes(['alpha', 'bravo', 'charlie']);

interface LineSpec {
  members: number;
  steps: ScheduleStep[];
}

/** A line of 2 or 3 member origins and a random interleaving of appends and syncs. */
const lineSpec: fc.Arbitrary<LineSpec> = fc.integer({ min: 2, max: 3 }).chain((members) =>
  fc.record({
    members: fc.constant(members),
    steps: fc.array(
      fc.record({
        origin: fc.nat({ max: members - 1 }),
        syncFrom: fc.array(fc.nat({ max: members - 1 }), { maxLength: 2 }),
        text: fc.string({ unit: 'grapheme', maxLength: 12 }),
      }),
      { minLength: 2, maxLength: 14 },
    ),
  }),
);

/** One or two lines per export. */
const exportSpec = fc.array(lineSpec, { minLength: 1, maxLength: 2 });

function build(specs: readonly LineSpec[]): { lines: string[]; events: LiaisonEvent[] } {
  const built = specs.map((spec, index) =>
    buildLine(`line-${index}`, nodes.slice(0, spec.members), spec.steps),
  );
  return { lines: buildExport(nodes, built), events: built.flat() };
}

/** Exports signed once and reused by the tampering properties. */
const pool = fc.sample(exportSpec, { numRuns: 16, seed: 8785 }).map(build);

/** A pool export and the index of one of its event lines (1 … length − 2). */
const pick = fc
  .record({ exportIndex: fc.nat({ max: pool.length - 1 }), at: fc.nat() })
  .map(({ exportIndex, at }) => {
    const chosen = pool[exportIndex] ?? { lines: [], events: [] };
    const eventCount = chosen.lines.length - 2;
    return { ...chosen, index: 1 + (at % eventCount) };
  });

async function assertRejected(lines: readonly string[], what: string): Promise<void> {
  const report = await verifyExport(lines);
  assert.equal(report.ok, false, `${what} was accepted`);
}

describe('export verifier properties (LOG12)', () => {
  it('[LOG12] accepts any valid multi-origin export built from genesis', async () => {
    await fc.assert(
      fc.asyncProperty(exportSpec, async (specs) => {
        const { lines, events } = build(specs);
        const report = await verifyExport(lines);
        assert.equal(report.ok, true, report.error?.message);
        assert.equal(report.events, events.length);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('[LOG2][LOG5][LOG12] rejects any single changed character in an event line, at that line', async () => {
    await fc.assert(
      fc.asyncProperty(
        pick,
        fc.nat(),
        fc.integer({ min: 0, max: 0xffff }),
        async ({ lines, index }, at, code) => {
          const line = lines[index] ?? '';
          const position = at % line.length;
          fc.pre(line.charCodeAt(position) !== code);
          const tampered = [...lines];
          tampered[index] = line.slice(0, position) + String.fromCharCode(code) + line.slice(position + 1);
          const report = await verifyExport(tampered);
          assert.equal(
            report.ok,
            false,
            `changing position ${position} to U+${code.toString(16)} was accepted`,
          );
          assert.equal(report.error?.lineNumber, index + 1);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('[LOG4][LOG6][LOG12] rejects an export with any one event dropped, including the tail', async () => {
    await fc.assert(
      fc.asyncProperty(pick, async ({ lines, index }) => {
        await assertRejected(
          [...lines.slice(0, index), ...lines.slice(index + 1)],
          `dropping line ${index + 1}`,
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('[LOG9][LOG12] rejects an export with any event duplicated anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(pick, fc.nat(), async ({ lines, index }, to) => {
        const position = 1 + (to % (lines.length - 1));
        const tampered = [...lines.slice(0, position), lines[index] ?? '', ...lines.slice(position)];
        await assertRejected(tampered, `a copy of line ${index + 1} at ${position + 1}`);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('[LOG5][LOG9][LOG12] rejects a foreign event, validly signed by a known node, inserted anywhere', async () => {
    const foreign = fc.record({
      origin: fc.nat({ max: nodes.length - 1 }),
      line: fc.nat({ max: 2 }),
      seq: fc.integer({ min: 1, max: 12 }),
      prev: fc.nat(),
      deps: fc.array(fc.nat(), { maxLength: 3 }),
      clock: fc.integer({ min: 1, max: 40 }),
      nonce: fc.nat(),
      to: fc.nat(),
    });
    await fc.assert(
      fc.asyncProperty(pick, foreign, async ({ lines, events }, spec) => {
        const node = nodes[spec.origin] ?? nodes[0];
        if (node === undefined) throw new RangeError('no nodes');
        const pickId = (n: number): string => events[n % events.length]?.id ?? '';
        const deps: Record<string, string> = {};
        for (const n of spec.deps) {
          const dep = events[n % events.length];
          if (dep !== undefined && dep.origin !== node.nodeId) deps[dep.origin] = dep.id;
        }
        const event = signEvent(
          {
            v: 1,
            line: `line-${spec.line}`,
            origin: node.nodeId,
            seq: spec.seq,
            prev: spec.seq === 1 ? null : pickId(spec.prev),
            clock: spec.clock,
            deps,
            ts: '2025-03-01T10:00:00.000Z',
            author: node.nodeId,
            type: 'message.posted',
            body: { text: `foreign ${spec.nonce}` },
          },
          node.signer,
        );
        const position = 1 + (spec.to % (lines.length - 1));
        await assertRejected(
          [...lines.slice(0, position), eventLine(event), ...lines.slice(position)],
          'a foreign event',
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('[LOG7][LOG12] rejects any two adjacent events swapped', async () => {
    await fc.assert(
      fc.asyncProperty(pick, async ({ lines, index }) => {
        const first = index >= lines.length - 2 ? index - 1 : index;
        const tampered = [...lines];
        tampered[first] = lines[first + 1] ?? '';
        tampered[first + 1] = lines[first] ?? '';
        await assertRejected(tampered, `swapping lines ${first + 1} and ${first + 2}`);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
