/**
 * Writing exports (LOG12) and rebuilding projections (LOG1) on real in-memory SQLite stores
 * with real keys: a hotline where alpha and bravo both write, and bravo records what it holds.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { isoTime, ManualClock } from '../core/clock.ts';
import { verifyExport } from '../core/exportFormat.ts';
import type { LiaisonEvent } from '../core/types.ts';
import { HeadsRecorder } from '../federation/headsRecorder.ts';
import { silentLogger } from '../node/init.ts';
import type { StoredEvent } from '../store/types.ts';
import { type ExportOptions, exportLines, rebuildProjections } from './export.ts';
import {
  closeStores,
  type LedgerNode,
  type LedgerPair,
  LINE,
  MEMBERS,
  makeLedgerPair,
  openTestStore,
  post as postOn,
  sync,
  T0,
} from './testLedgers.ts';

afterEach(closeStores);

/** A FLASH message due ten minutes after T0. */
function post(node: LedgerNode, text: string): Promise<StoredEvent> {
  return postOn(node, text, { precedence: 'FLASH', deadline: isoTime(T0 + 600_000) });
}

/** A line with concurrent writing on both sides: alpha 1–4, bravo 1–3, some of them concurrent. */
async function conversation(): Promise<LedgerPair> {
  const pair = await makeLedgerPair({ withNodes: true });
  const { clock, alpha, bravo } = pair;
  await post(alpha, 'a2');
  await sync(alpha, bravo);
  clock.advance(1_000);
  await post(bravo, 'b1');
  await post(alpha, 'a3 concurrent with b1');
  clock.advance(1_000);
  await sync(bravo, alpha);
  await sync(alpha, bravo);
  await post(bravo, 'b2');
  await post(alpha, 'a4');
  clock.advance(1_000);
  await sync(alpha, bravo);
  await sync(bravo, alpha);
  return pair;
}

/** What `exportLines` needs to export LINE from `node`. */
function exportOf(node: LedgerNode, clock: ManualClock): ExportOptions {
  return { store: node.store, signer: node.signer, selfId: node.id, clock, lineIds: [LINE] };
}

/** Every line of an export, without its newline. */
async function linesOf(exported: AsyncIterable<string>): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of exported) lines.push(line);
  return withoutNewlines(lines);
}

function withoutNewlines(lines: string[]): string[] {
  return lines.map((line) => {
    assert.ok(line.endsWith('\n'), 'every export line ends in a newline');
    return line.slice(0, -1);
  });
}

describe('exportLines', () => {
  it('[LOG12] the export of a two-origin line verifies, with the header keys and with both cards', async () => {
    const { clock, alpha } = await conversation();
    const progress: [number, number][] = [];
    const lines = await linesOf(
      exportLines({
        ...exportOf(alpha, clock),
        onProgress: (written, total) => progress.push([written, total]),
      }),
    );
    const events = await alpha.store.countEvents(LINE);
    assert.equal(events, 6);
    assert.equal(lines.length, events + 2);
    assert.deepEqual(progress.at(-1), [events, events]);

    const report = await verifyExport(lines);
    assert.equal(report.ok, true, report.error?.message);
    assert.equal(report.events, events);
    assert.deepEqual(report.lines, [LINE]);
    assert.equal(report.trustedHeader, true);

    const nodes = await alpha.store.listNodes();
    const withCards = await verifyExport(lines, {
      trustedNodes: nodes.map(({ nodeId, name, publicKey }) => ({ nodeId, name, publicKey })),
    });
    assert.equal(withCards.ok, true, withCards.error?.message);
    assert.equal(withCards.trustedHeader, false);

    const origins = new Set(lines.slice(1, -1).map((line) => (JSON.parse(line) as LiaisonEvent).origin));
    assert.deepEqual([...origins].sort(), MEMBERS);
  });

  it('[LOG12] an export whose tail is dropped does not verify (the trailer pins the heads)', async () => {
    const { clock, alpha } = await conversation();
    const lines = await linesOf(exportLines(exportOf(alpha, clock)));
    const dropped = [...lines.slice(0, -2), ...lines.slice(-1)];
    const report = await verifyExport(dropped);
    assert.equal(report.ok, false);
    assert.equal(report.error?.code, 'trailer-mismatch');
  });

  it('[LOG12] events arriving after the export started are left out; the export still verifies (snapshot)', async () => {
    const { clock, alpha, bravo } = await conversation();
    const generator = exportLines(exportOf(alpha, clock));
    const header = await generator.next();
    assert.equal(header.done, false);

    // While the export runs: bravo writes a concurrent event of a low clock, which lands in the
    // middle of the LOG7 order at alpha, and alpha writes on top of it.
    const lateFromBravo = (await post(bravo, 'late, concurrent')).event;
    const lateFromAlpha = (await post(alpha, 'late, own')).event;
    await sync(bravo, alpha);
    const lateOwn = (await post(alpha, 'after receiving')).event;
    const late = new Set([lateFromBravo.id, lateFromAlpha.id, lateOwn.id]);

    const rest: string[] = [];
    for (let next = await generator.next(); !next.done; next = await generator.next()) rest.push(next.value);
    const lines = withoutNewlines([header.value, ...rest]);
    const ids = lines.slice(1, -1).map((line) => (JSON.parse(line) as LiaisonEvent).id);
    assert.equal(ids.length, 6);
    assert.ok(
      ids.every((id) => !late.has(id)),
      'no event that arrived after the start is exported',
    );
    const report = await verifyExport(lines);
    assert.equal(report.ok, true, report.error?.message);
    assert.equal(await alpha.store.countEvents(LINE), 9);
  });

  it('[LOG12] an export of no lines (a node not yet paired) verifies: the header lists the signer', async () => {
    const { clock, alpha } = await makeLedgerPair({ withNodes: true });
    const lines = await linesOf(exportLines({ ...exportOf(alpha, clock), lineIds: [] }));
    assert.equal(lines.length, 2);
    const report = await verifyExport(lines);
    assert.equal(report.ok, true, report.error?.message);
    assert.equal(report.events, 0);
    assert.deepEqual(
      report.fingerprints.map((f) => f.nodeId),
      ['alpha'],
    );
  });
});

describe('rebuildProjections', () => {
  it('[LOG1][FED3] recreates message rows and deliveries identical to before', async () => {
    const { clock, alpha, bravo } = await conversation();
    // Delivery into the record: each side records what it holds (FED3); alpha also has bravo's
    // receipt, whose row the heads.recorded event repeats.
    for (const node of [alpha, bravo]) {
      await new HeadsRecorder({ ledger: node.ledger, store: node.store, logger: silentLogger }).tick();
    }
    clock.advance(1_000);
    const heldByBravo = bravo.ledger.heldSeq(LINE, 'alpha');
    const receivedAt = (await bravo.store.getEventBySeq(LINE, 'alpha', heldByBravo))?.receivedAt;
    assert.ok(receivedAt);
    await alpha.ledger.recordDeliveries([
      { line: LINE, origin: 'alpha', node: 'bravo', uptoSeq: heldByBravo, at: receivedAt },
    ]);
    await sync(bravo, alpha);
    await sync(alpha, bravo);

    for (const node of [alpha, bravo]) {
      const snapshot = async () => {
        const messages = await node.store.latestMessages(LINE, 100);
        const rows = await Promise.all(messages.map((m) => node.store.getMessage(m.id)));
        const deliveries = await Promise.all(
          messages.map((m) => node.store.deliveriesFor(LINE, m.origin, m.seq)),
        );
        return { rows, deliveries };
      };
      const before = await snapshot();
      assert.equal(before.rows.length, 5);
      assert.ok(
        before.deliveries.every((d) => Object.keys(d).length === 1),
        `every message is delivered to its peer at ${node.id}: ${JSON.stringify(before.deliveries)}`,
      );

      clock.advance(60_000);
      const progress: number[] = [];
      const replayed = await rebuildProjections(node.store, clock, (done) => progress.push(done));
      assert.equal(replayed, await node.store.countEvents());
      assert.equal(progress.at(-1), replayed);
      assert.deepEqual(await snapshot(), before, `projections at ${node.id} after rebuild`);
    }
  });

  it('[LOG1] rebuild on a store with no events leaves nothing', async () => {
    const clock = new ManualClock(T0);
    const store = await openTestStore(clock);
    assert.equal(await rebuildProjections(store, clock), 0);
  });
});
