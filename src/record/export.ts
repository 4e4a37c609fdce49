/**
 * Writing exports (LOG12) and rebuilding projections (LOG1).
 *
 * An export is a snapshot: only events that had arrived when it started are written, so an
 * event arriving mid-export can never leave a hole in a chain, and the signed trailer names
 * exactly the heads written.
 */
import { attachmentsOf } from '../core/blobCheck.ts';
import type { Clock } from '../core/clock.ts';
import { isoTime } from '../core/clock.ts';
import { type ExportHeads, eventLine, exportHeaderLine, signedTrailerLine } from '../core/exportFormat.ts';
import type { Signer } from '../core/sign.ts';
import type { Store } from '../store/types.ts';
import { projectEvent } from './projection.ts';

export interface ExportOptions {
  store: Store;
  signer: Signer;
  selfId: string;
  clock: Clock;
  /** Lines to export, whole, from their genesis. */
  lineIds: string[];
  onProgress?: (eventsWritten: number, total: number) => void;
  /** Collects the names of the blobs the exported events reference (LOG11, `export --blobs`). */
  attachments?: Set<string>;
}

/** Yields the export's lines (each ending in a newline): header, events, signed trailer. */
export async function* exportLines(options: ExportOptions): AsyncGenerator<string> {
  const { store, lineIds } = options;
  const snapshot = await store.lastArrival();
  // The signer is listed even when it is in none of the lines, so its trailer verifies (LOG12).
  const memberIds = new Set<string>([options.selfId]);
  for (const id of lineIds) {
    const line = await store.getLine(id);
    if (line) for (const member of line.members) memberIds.add(member);
  }
  const nodes = (await store.listNodes())
    .filter((n) => memberIds.has(n.nodeId))
    .sort((a, b) => (a.nodeId < b.nodeId ? -1 : 1));
  yield `${exportHeaderLine(nodes.map((n) => ({ nodeId: n.nodeId, name: n.name, publicKey: n.publicKey })))}\n`;
  let total = 0;
  for (const id of lineIds) total += await store.countEvents(id);
  const heads: ExportHeads = {};
  let written = 0;
  for (const id of lineIds) {
    for await (const stored of store.eventsInOrder(id)) {
      if (stored.arrival > snapshot) continue;
      const event = stored.event;
      const lineHeads = heads[event.line] ?? {};
      lineHeads[event.origin] = { seq: event.seq, id: event.id };
      heads[event.line] = lineHeads;
      written += 1;
      for (const hash of attachmentsOf(event.body)) options.attachments?.add(hash);
      if (written % 1000 === 0) options.onProgress?.(written, total);
      yield `${eventLine(event)}\n`;
    }
  }
  options.onProgress?.(written, total);
  yield `${signedTrailerLine(heads, options.signer, options.selfId, isoTime(options.clock.now()))}\n`;
}

/**
 * Recreates every projection from the events (LOG1): clears them, then replays the record in
 * arrival order. Returns the number of events replayed.
 */
export async function rebuildProjections(
  store: Store,
  clock: Clock,
  onProgress?: (done: number, total: number) => void,
): Promise<number> {
  const total = await store.countEvents();
  await store.clearProjections();
  let cursor = 0;
  let done = 0;
  for (;;) {
    const page = await store.eventsSince(cursor, 2000, null);
    if (page.length === 0) break;
    const ops = page.flatMap((stored) => projectEvent(stored.event));
    if (ops.length > 0) await store.commit({ events: [], receivedAt: isoTime(clock.now()), ops });
    cursor = page[page.length - 1]?.arrival ?? cursor;
    done += page.length;
    onProgress?.(done, total);
  }
  return done;
}
