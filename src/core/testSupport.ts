/**
 * Test support for the record's unit and property tests: signing nodes and valid lines built
 * from a schedule of appends and syncs. Not used by production code.
 *
 * The model: each node holds, for every origin of the line, the highest seq it has stored
 * (its view). Syncing from a peer takes the peer's view (transitively, as LOG8 would: a node
 * only stores an event once it holds its deps). An append uses `nextEnvelopeFields`, so every
 * line built here satisfies LOG4 and LOG6 by construction.
 */
import { nextEnvelopeFields } from './chain.ts';
import { signEvent } from './event.ts';
import { eventLine, exportHeaderLine, exportHeads, signedTrailerLine } from './exportFormat.ts';
import { sortLog7 } from './order.ts';
import { generateKeyPair, Signer } from './sign.ts';
import { GENESIS_EVENT_TYPE, type Head, type JsonObject, type LiaisonEvent } from './types.ts';

/** A node with its signing key. */
export interface TestNode {
  nodeId: string;
  name: string;
  publicKey: string;
  privateKey: string;
  signer: Signer;
}

/** One step of a schedule: `syncFrom` nodes' views are merged into `origin`'s, then `origin` appends. */
export interface ScheduleStep {
  origin: number;
  syncFrom: readonly number[];
  text?: string;
}

/** Base instant of the timestamps of built events. */
const BASE_TIME = Date.UTC(2025, 2, 1, 8, 0, 0);

/** Creates nodes with fresh keys. */
export function makeNodes(nodeIds: readonly string[]): TestNode[] {
  return nodeIds.map((nodeId) => {
    const keys = generateKeyPair();
    return { nodeId, name: `Node ${nodeId}`, ...keys, signer: new Signer(keys.privateKey) };
  });
}

/**
 * Builds a valid line: a genesis by `nodes[0]` naming all of `nodes` as members, then one event
 * per step. A node's first append first syncs from `nodes[0]`, so it holds the genesis.
 */
export function buildLine(
  lineId: string,
  nodes: readonly TestNode[],
  steps: readonly ScheduleStep[],
): LiaisonEvent[] {
  const views = nodes.map(() => nodes.map(() => 0));
  const byOrigin: LiaisonEvent[][] = nodes.map(() => []);
  const all: LiaisonEvent[] = [];
  let tick = 0;

  const append = (origin: number, type: string, body: JsonObject): void => {
    const node = nodes[origin];
    const view = views[origin];
    const own = byOrigin[origin];
    if (node === undefined || view === undefined || own === undefined)
      throw new RangeError(`no node ${origin}`);
    const headOf = (events: LiaisonEvent[] | undefined, seq: number): Head | undefined => {
      const event = seq > 0 ? events?.[seq - 1] : undefined;
      return event === undefined ? undefined : { seq: event.seq, id: event.id, clock: event.clock };
    };
    const latestByOrigin = new Map<string, Head>();
    nodes.forEach((other, index) => {
      const head = headOf(byOrigin[index], view[index] ?? 0);
      if (head !== undefined) latestByOrigin.set(other.nodeId, head);
    });
    const fields = nextEnvelopeFields(headOf(own, own.length), latestByOrigin, node.nodeId);
    tick++;
    const event = signEvent(
      {
        v: 1,
        line: lineId,
        origin: node.nodeId,
        ...fields,
        ts: new Date(BASE_TIME + tick * 1000).toISOString(),
        author: tick % 2 === 0 ? node.nodeId : `officer@${node.nodeId}`,
        type,
        body,
      },
      node.signer,
    );
    own.push(event);
    view[origin] = own.length;
    all.push(event);
  };

  const sync = (to: number, from: number): void => {
    const target = views[to];
    const source = views[from];
    if (target === undefined || source === undefined) throw new RangeError(`no node ${to} or ${from}`);
    source.forEach((seq, index) => {
      target[index] = Math.max(target[index] ?? 0, seq);
    });
  };

  append(0, GENESIS_EVENT_TYPE, {
    kind: 'hotline',
    title: `Line ${lineId}`,
    members: nodes.map((node) => node.nodeId),
  });
  for (const step of steps) {
    if ((byOrigin[step.origin]?.length ?? 0) === 0) sync(step.origin, 0);
    for (const from of step.syncFrom) sync(step.origin, from);
    append(step.origin, 'message.posted', { text: step.text ?? `message ${tick}`, precedence: 'ROUTINE' });
  }
  return all;
}

/** The lines of a complete export (without newlines): header, each line's events in LOG7 order, trailer. */
export function buildExport(
  nodes: readonly TestNode[],
  lines: readonly (readonly LiaisonEvent[])[],
  signerIndex = 0,
): string[] {
  const signer = nodes[signerIndex];
  if (signer === undefined) throw new RangeError(`no node ${signerIndex}`);
  const events = lines.flatMap((line) => sortLog7(line));
  return [
    exportHeaderLine(nodes),
    ...events.map(eventLine),
    signedTrailerLine(exportHeads(events), signer.signer, signer.nodeId, '2025-03-01T12:00:00.000Z'),
  ];
}
