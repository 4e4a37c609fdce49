import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalBytes } from './canonical.ts';
import { signEvent, unsignedOf } from './event.ts';
import {
  eventLine,
  exportHeaderLine,
  exportHeads,
  signedTrailerLine,
  type VerifyOptions,
  type VerifyReport,
  verifyExport,
} from './exportFormat.ts';
import { fingerprint, verifySignature } from './sign.ts';
import { buildExport, buildLine, makeNodes, type ScheduleStep } from './testSupport.ts';
import type { LiaisonEvent } from './types.ts';

const nodes = makeNodes(['alpha', 'bravo', 'charlie']);
const [alpha, bravo, charlie] = nodes as [(typeof nodes)[0], (typeof nodes)[0], (typeof nodes)[0]];
const cards = nodes.map(({ nodeId, name, publicKey }) => ({ nodeId, name, publicKey }));

const schedule: ScheduleStep[] = [
  { origin: 1, syncFrom: [] },
  { origin: 0, syncFrom: [] },
  { origin: 2, syncFrom: [1] },
  { origin: 0, syncFrom: [2] },
  { origin: 1, syncFrom: [0] },
  { origin: 2, syncFrom: [] },
  { origin: 1, syncFrom: [2] },
  { origin: 0, syncFrom: [1] },
];
const line1 = buildLine('hotline-abc', nodes, schedule);
const line2 = buildLine('thread-7', nodes, schedule.slice(0, 4));
const valid = buildExport(nodes, [line1, line2]);
const lastEventLine = valid.length - 2;

/** The event on export line `index` (0-based). */
function eventAt(lines: readonly string[], index: number): LiaisonEvent {
  return JSON.parse(lines[index] ?? '') as LiaisonEvent;
}

function replaced(lines: readonly string[], index: number, ...items: string[]): string[] {
  return [...lines.slice(0, index), ...items, ...lines.slice(index + 1)];
}

function inserted(lines: readonly string[], index: number, ...items: string[]): string[] {
  return [...lines.slice(0, index), ...items, ...lines.slice(index)];
}

async function expectFailure(
  lines: readonly string[],
  code: string,
  lineNumber: number,
  options?: VerifyOptions,
): Promise<VerifyReport> {
  const report = await verifyExport(lines, options);
  assert.equal(report.ok, false, 'should fail');
  assert.equal(report.error?.code, code, report.error?.message);
  assert.equal(report.error?.lineNumber, lineNumber, report.error?.message);
  return report;
}

async function* asAsync(lines: readonly string[]): AsyncIterable<string> {
  for (const line of lines) yield line;
}

describe('export format (LOG12)', () => {
  it('[LOG12] writes the header, event lines and a signed trailer in the documented shape', () => {
    assert.deepEqual(JSON.parse(exportHeaderLine(cards)), { liaisonExport: 1, nodes: cards });
    const event = line1[1] as LiaisonEvent;
    const fields = Object.keys(JSON.parse(eventLine(event)));
    assert.deepEqual(fields, [
      'v',
      'line',
      'origin',
      'seq',
      'prev',
      'clock',
      'deps',
      'ts',
      'author',
      'type',
      'body',
      'sig',
      'id',
    ]);
    const heads = exportHeads([...line1, ...line2]);
    assert.deepEqual(Object.keys(heads), ['hotline-abc', 'thread-7']);
    const ts = '2025-03-01T12:00:00.000Z';
    const { trailer } = JSON.parse(signedTrailerLine(heads, alpha.signer, 'alpha', ts));
    const { sig, ...unsigned } = trailer;
    assert.deepEqual(unsigned, { heads, signer: 'alpha', ts });
    assert.equal(verifySignature(alpha.publicKey, canonicalBytes(unsigned), sig), true);
  });

  it('[LOG12] exportHeads keeps the highest seq of every (line, origin)', () => {
    const heads = exportHeads([...line1].reverse());
    const alphaEvents = line1.filter((event) => event.origin === 'alpha');
    const last = alphaEvents[alphaEvents.length - 1];
    assert.deepEqual(heads['hotline-abc']?.alpha, { seq: last?.seq, id: last?.id });
  });

  it('[LOG12] verifies a valid export, trusting the header when no card is given, and says so', async () => {
    const progress: number[] = [];
    const report = await verifyExport(valid, { onProgress: (count) => progress.push(count) });
    assert.equal(report.ok, true, report.error?.message);
    assert.equal(report.events, line1.length + line2.length);
    assert.deepEqual(report.lines, ['hotline-abc', 'thread-7']);
    assert.equal(report.trustedHeader, true);
    assert.deepEqual(
      report.fingerprints,
      nodes.map((node) => ({ nodeId: node.nodeId, fingerprint: fingerprint(node.publicKey) })),
    );
    assert.deepEqual(progress, [report.events]);
  });

  it('[LOG12] trusts only the cards when cards are given', async () => {
    const report = await verifyExport(valid, { trustedNodes: cards });
    assert.equal(report.ok, true, report.error?.message);
    assert.equal(report.trustedHeader, false);
    const firstCharlie = valid.findIndex(
      (_line, index) => index > 0 && eventAt(valid, index).origin === 'charlie',
    );
    await expectFailure(valid, 'unknown-origin', firstCharlie + 1, { trustedNodes: cards.slice(0, 2) });
    const wrongKey = [{ ...cards[0], nodeId: 'alpha', publicKey: bravo.publicKey }, ...cards.slice(1)];
    await expectFailure(valid, 'bad-header', 1, { trustedNodes: wrongKey });
    await expectFailure(valid, 'malformed', 0, { trustedNodes: [{ nodeId: 'alpha', publicKey: 'short' }] });
  });

  it('[LOG12] reads async iterables, CRLF line ends and a final newline', async () => {
    const report = await verifyExport(asAsync([...valid.map((line) => `${line}\r`), '', '']));
    assert.equal(report.ok, true, report.error?.message);
  });

  it('[LOG12] a blank line inside the export is malformed', async () => {
    await expectFailure(inserted(valid, 3, ''), 'malformed', 4);
  });

  it('[LOG12] an export without its trailer, or empty, is truncated', async () => {
    await expectFailure(valid.slice(0, -1), 'truncated', valid.length);
    await expectFailure([], 'truncated', 1);
    await expectFailure(valid.slice(0, 1), 'truncated', 2);
  });

  it('[LOG12] a missing or malformed header is bad-header', async () => {
    await expectFailure(valid.slice(1), 'bad-header', 1);
    await expectFailure(replaced(valid, 0, '{"liaisonExport":2,"nodes":[]}'), 'bad-header', 1);
    await expectFailure(
      replaced(valid, 0, JSON.stringify({ liaisonExport: 1, nodes: cards, extra: 1 })),
      'bad-header',
      1,
    );
    await expectFailure(
      replaced(valid, 0, JSON.stringify({ liaisonExport: 1, nodes: [{ nodeId: 'alpha' }] })),
      'bad-header',
      1,
    );
    await expectFailure(
      replaced(valid, 0, JSON.stringify({ liaisonExport: 1, nodes: [cards[0], cards[0]] })),
      'bad-header',
      1,
    );
    await expectFailure(replaced(valid, 0, 'not json'), 'bad-header', 1);
  });

  it('[LOG2] an event line that is not JSON, or has no id, is malformed', async () => {
    await expectFailure(replaced(valid, 2, '{"v":1'), 'malformed', 3);
    const { id: _id, ...withoutId } = eventAt(valid, 2);
    await expectFailure(replaced(valid, 2, JSON.stringify(withoutId)), 'malformed', 3);
    await expectFailure(replaced(valid, 2, '[1,2]'), 'malformed', 3);
  });

  it('[LOG2] an id that is not the hash of the signed bytes is id-mismatch, naming the event', async () => {
    const event = eventAt(valid, 2);
    const report = await expectFailure(
      replaced(valid, 2, JSON.stringify({ ...event, id: eventAt(valid, 3).id })),
      'id-mismatch',
      3,
    );
    assert.equal(report.error?.eventId, eventAt(valid, 3).id);
  });

  it('[LOG5] an event signed with another node’s key is bad-signature', async () => {
    const event = eventAt(valid, 2);
    const forged = signEvent(unsignedOf(event), event.origin === 'bravo' ? alpha.signer : bravo.signer);
    const report = await expectFailure(replaced(valid, 2, eventLine(forged)), 'bad-signature', 3);
    assert.equal(report.error?.eventId, event.id);
  });

  it('[LOG5][LOG12] a bad signature is reported before a later failure, with the events checked before it', async () => {
    const event = eventAt(valid, 3);
    const forged = signEvent(unsignedOf(event), event.origin === 'bravo' ? alpha.signer : bravo.signer);
    const tampered = inserted(replaced(valid, 3, eventLine(forged)), 6, valid[5] ?? '');
    const report = await expectFailure(tampered, 'bad-signature', 4);
    assert.equal(report.events, 2);
  });

  it('[LOG12] verifies thousands of events in batches, reporting progress and the first bad signature', async () => {
    const steps: ScheduleStep[] = Array.from({ length: 2599 }, (_, i) => ({
      origin: i % 3,
      syncFrom: [(i + 2) % 3],
    }));
    const big = buildExport(nodes, [buildLine('big', nodes, steps)]);
    const progress: number[] = [];
    const report = await verifyExport(big, { onProgress: (count) => progress.push(count) });
    assert.equal(report.ok, true, report.error?.message);
    assert.equal(report.events, 2600);
    assert.deepEqual(
      progress,
      [...progress].sort((a, b) => a - b),
    );
    assert.equal(progress.at(-1), 2600);
    assert.ok(progress.length >= 2);

    const index = 2300;
    const event = eventAt(big, index);
    const forged = signEvent(unsignedOf(event), event.origin === 'bravo' ? alpha.signer : bravo.signer);
    const failed = await expectFailure(replaced(big, index, eventLine(forged)), 'bad-signature', index + 1);
    assert.equal(failed.events, index - 1);
    assert.equal(failed.error?.eventId, event.id);
  });

  it('[LOG5] an origin that is not in the header is unknown-origin', async () => {
    const header = exportHeaderLine(cards.filter((card) => card.nodeId !== 'bravo'));
    const firstBravo = valid.findIndex(
      (_line, index) => index > 0 && eventAt(valid, index).origin === 'bravo',
    );
    await expectFailure(replaced(valid, 0, header), 'unknown-origin', firstBravo + 1);
  });

  it('[LOG9] two different events for the same (line, origin, seq) are an equivocation', async () => {
    const index = valid.findIndex((_line, i) => i > 1 && eventAt(valid, i).origin === 'alpha');
    const original = eventAt(valid, index);
    const twin = signEvent({ ...unsignedOf(original), body: { text: 'something else' } }, alpha.signer);
    await expectFailure(inserted(valid, index + 1, eventLine(twin)), 'equivocation', index + 2);
  });

  it('[LOG12] the same event twice is a duplicate', async () => {
    await expectFailure(inserted(valid, 4, valid[3] ?? ''), 'duplicate', 5);
  });

  it('[LOG7] concurrent events out of LOG7 order are out-of-order', async () => {
    // Two adjacent events where the second neither follows nor depends on the first.
    const index = valid.findIndex((_line, i) => {
      if (i < 2 || i >= lastEventLine) return false;
      const [first, second] = [eventAt(valid, i), eventAt(valid, i + 1)];
      return (
        first.line === second.line &&
        first.origin !== second.origin &&
        !Object.values(second.deps).includes(first.id)
      );
    });
    assert.ok(index > 0, 'the schedule has concurrent neighbours');
    const swapped = replaced(replaced(valid, index, valid[index + 1] ?? ''), index + 1, valid[index] ?? '');
    await expectFailure(swapped, 'out-of-order', index + 2);
  });

  it('[LOG12] a line whose events are split in two blocks is out-of-order', async () => {
    const line1Last = line1.length;
    const moved = [
      ...valid.slice(0, line1Last),
      ...valid.slice(line1Last + 1, lastEventLine + 1),
      valid[line1Last] ?? '',
      valid[valid.length - 1] ?? '',
    ];
    await expectFailure(moved, 'out-of-order', lastEventLine + 1);
  });

  it('[LOG1] a line must start with its genesis, name its members, and have only one', async () => {
    await expectFailure([valid[0] ?? '', ...valid.slice(2)], 'bad-genesis', 2);
    const genesis = eventAt(valid, 1);
    const noMembers = signEvent({ ...unsignedOf(genesis), body: { title: 'x' } }, alpha.signer);
    await expectFailure(replaced(valid, 1, eventLine(noMembers)), 'bad-genesis', 2);
    const secondGenesis = line1.find((event) => event.origin === 'bravo' && event.seq === 1) as LiaisonEvent;
    const index = valid.indexOf(eventLine(secondGenesis));
    const renamed = signEvent(
      { ...unsignedOf(secondGenesis), type: 'line.created', body: { members: ['bravo'] } },
      bravo.signer,
    );
    await expectFailure(replaced(valid, index, eventLine(renamed)), 'bad-genesis', index + 1);
  });

  it('[LOG1] an origin that the genesis does not name is not-member', async () => {
    const twoMembers = buildLine('pair', nodes.slice(0, 2), [{ origin: 1, syncFrom: [] }]);
    const genesis = twoMembers[0] as LiaisonEvent;
    const intruder = signEvent(
      {
        v: 1,
        line: 'pair',
        origin: 'charlie',
        seq: 1,
        prev: null,
        clock: 2,
        deps: { alpha: genesis.id },
        ts: '2025-03-01T09:00:00.000Z',
        author: 'charlie',
        type: 'message.posted',
        body: { text: 'let me in' },
      },
      charlie.signer,
    );
    await expectFailure(buildExport(nodes, [[...twoMembers, intruder]]), 'not-member', 4);
  });

  it('[LOG4][LOG6] a dropped event breaks the chain', async () => {
    const dropped = [...valid.slice(0, 3), ...valid.slice(4)];
    const report = await verifyExport(dropped);
    assert.equal(report.ok, false);
    assert.ok(
      ['seq-gap', 'missing-dep', 'bad-clock', 'prev-mismatch', 'dep-backwards'].includes(
        report.error?.code ?? '',
      ),
    );
  });

  it('[LOG12] a dropped tail is trailer-mismatch', async () => {
    const report = await expectFailure(
      [...valid.slice(0, lastEventLine), valid[valid.length - 1] ?? ''],
      'trailer-mismatch',
      valid.length - 1,
    );
    assert.equal(report.events, line1.length + line2.length - 1);
  });

  it('[LOG12] a trailer naming more lines or origins than the export holds is trailer-mismatch', async () => {
    const heads = exportHeads([...line1, ...line2]);
    const extraLine = signedTrailerLine(
      { ...heads, ghost: { alpha: { seq: 1, id: line1[0]?.id ?? '' } } },
      alpha.signer,
      'alpha',
      '2025-03-01T12:00:00.000Z',
    );
    await expectFailure(replaced(valid, valid.length - 1, extraLine), 'trailer-mismatch', valid.length);
    const partial = signedTrailerLine(
      { 'hotline-abc': heads['hotline-abc'] ?? {} },
      alpha.signer,
      'alpha',
      '2025-03-01T12:00:00.000Z',
    );
    await expectFailure(replaced(valid, valid.length - 1, partial), 'trailer-mismatch', valid.length);
  });

  it('[LOG12] a trailer not signed by a trusted node, or malformed, or followed by more lines is bad-trailer', async () => {
    const heads = exportHeads([...line1, ...line2]);
    const ts = '2025-03-01T12:00:00.000Z';
    const last = valid.length - 1;
    await expectFailure(
      replaced(valid, last, signedTrailerLine(heads, alpha.signer, 'zulu', ts)),
      'bad-trailer',
      valid.length,
    );
    await expectFailure(
      replaced(valid, last, signedTrailerLine(heads, bravo.signer, 'alpha', ts)),
      'bad-trailer',
      valid.length,
    );
    await expectFailure(
      replaced(valid, last, signedTrailerLine(heads, alpha.signer, 'alpha', 'yesterday')),
      'bad-trailer',
      valid.length,
    );
    const { trailer } = JSON.parse(valid[last] ?? '');
    await expectFailure(
      replaced(valid, last, JSON.stringify({ trailer, more: 1 })),
      'bad-trailer',
      valid.length,
    );
    await expectFailure(
      replaced(valid, last, JSON.stringify({ trailer: { ...trailer, heads: { x: 1 } } })),
      'bad-trailer',
      valid.length,
    );
    await expectFailure([...valid, valid[2] ?? ''], 'bad-trailer', valid.length + 1);
  });
});
