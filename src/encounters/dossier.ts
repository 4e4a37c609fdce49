/**
 * An encounter's dossier (ENC5, ENC2): its whole record — the encounter's thread line and the
 * hotline it was reported on, both whole from their genesis — as a JSONL export (LOG12) that
 * `liaison verify` accepts, and the content of the printable page (dossierHtml.ts).
 *
 * The export is written by `exportLines` (src/record/export.ts), the code of every export, for
 * the two lines, up to the heads the node holds when the request comes. The page is built from
 * the events of that very export (the thread's timeline, the calls), and it prints the export's
 * heads and the SHA-256 of its bytes, so a reader can check the paper against the file.
 *
 * For that check to be possible at all, the same heads must give the same file: the trailer of a
 * dossier is dated by the newest event it holds, not by the moment it was written (Ed25519
 * signatures are deterministic, and the header and events are written the same way each time).
 * A dossier fetched as JSONL after the paper, while nothing new has reached its two lines, is
 * byte for byte the file the paper names.
 */
import { createHash } from 'node:crypto';
import { CALL_EVENT_TYPES, type CallRecord, foldCallLog } from '../calls/callLog.ts';
import { type Clock, isoTime } from '../core/clock.ts';
import type { ExportHeads } from '../core/exportFormat.ts';
import { sortLog7 } from '../core/order.ts';
import type { Language } from '../core/phrasebook/types.ts';
import type { Signer } from '../core/sign.ts';
import type { LiaisonEvent } from '../core/types.ts';
import { exportLines } from '../record/export.ts';
import type { Ledger } from '../record/ledger.ts';
import { RecordError } from '../record/recordError.ts';
import type { LineRecord, Store } from '../store/types.ts';
import type { DossierContent } from './dossierHtml.ts';
import type { Encounters, EncounterView } from './encounters.ts';
import type { Notices } from './notices.ts';

/** What a dossier is made from: the node's record, key and views. */
export interface DossierSources {
  nodeId: string;
  nodeName: string;
  store: Store;
  ledger: Ledger;
  clock: Clock;
  /** The key the node signs with now (a rotation replaces it, LOG5). */
  signer(): Signer;
  encounters: Encounters;
  notices: Notices;
}

/** A dossier's JSONL export and what the page takes from it. */
export interface DossierExport {
  /** The file: header, the events of both lines, the signed trailer. */
  jsonl: string;
  /** SHA-256 of `jsonl`'s UTF-8 bytes, lowercase hex. */
  sha256: string;
  /** The trailer's heads: line → origin → the last event exported. */
  heads: ExportHeads;
  /** Events in the file. */
  events: number;
  hotline: LineRecord;
  thread: LineRecord;
  /** The thread's events in LOG7 order. */
  threadEvents: LiaisonEvent[];
  /** The call events of both lines (CALL2). */
  callEvents: LiaisonEvent[];
  /** The newest event's time, the trailer's date. */
  newestAt: string;
}

/**
 * The clock a dossier's export is written with: it reads the newest event time noted so far.
 * `exportLines` asks its clock only for the trailer's date, after the last event, and every
 * event is noted as its line goes by; `exportDossier` checks the trailer it got all the same.
 */
class NewestEventClock implements Clock {
  private newestMs = 0;

  note(event: LiaisonEvent): void {
    const ms = Date.parse(event.ts);
    if (ms > this.newestMs) this.newestMs = ms;
  }

  now(): number {
    return this.newestMs;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The hotline an encounter's thread belongs to: the hotline with the thread's members (a thread
 * is opened with the members of the hotline it is reported on, HOT1).
 */
export function hotlineOf(ledger: Ledger, thread: LineRecord): LineRecord {
  const members = thread.members.join(',');
  const hotline = ledger
    .listLines()
    .filter((line) => line.kind === 'hotline' && [...line.members].sort().join(',') === members)
    .sort((a, b) => a.id.localeCompare(b.id))[0];
  if (!hotline) {
    throw new RecordError('no-hotline', `no hotline of this node has the members of ${thread.id}`);
  }
  return hotline;
}

/** The submitted encounter `id`, or the refusal: unknown (404), a draft (409). */
export async function dossierEncounter(sources: DossierSources, id: string): Promise<EncounterView> {
  const encounter = await sources.encounters.get(id);
  if (!encounter) throw new RecordError('unknown-encounter', `there is no encounter ${id}`);
  if (encounter.state === 'draft' || encounter.line === null) {
    throw new RecordError(
      'not-submitted',
      'a draft is kept on this node only and has no shared record: submit it first',
    );
  }
  return encounter;
}

/** Writes the dossier's JSONL export (LOG12) of the encounter's thread and hotline. */
export async function exportDossier(
  sources: DossierSources,
  encounter: EncounterView,
): Promise<DossierExport> {
  const thread = encounter.line ? sources.ledger.getLine(encounter.line) : undefined;
  if (!thread) throw new RecordError('unknown-line', `the thread of ${encounter.ref} is not held here`);
  const hotline = hotlineOf(sources.ledger, thread);
  const clock = new NewestEventClock();
  const chunks: string[] = [];
  const hash = createHash('sha256');
  const threadEvents: LiaisonEvent[] = [];
  const callEvents: LiaisonEvent[] = [];
  const callTypes: readonly string[] = CALL_EVENT_TYPES;
  let trailer: Record<string, unknown> | null = null;
  let events = 0;
  const lines = exportLines({
    store: sources.store,
    signer: sources.signer(),
    selfId: sources.nodeId,
    clock,
    lineIds: [hotline.id, thread.id],
  });
  for await (const text of lines) {
    chunks.push(text);
    hash.update(text, 'utf8');
    const value: unknown = JSON.parse(text);
    if (!isRecord(value) || 'liaisonExport' in value) continue;
    if (isRecord(value.trailer)) {
      trailer = value.trailer;
      continue;
    }
    const event = value as unknown as LiaisonEvent;
    events += 1;
    clock.note(event);
    if (event.line === thread.id) threadEvents.push(event);
    if (callTypes.includes(event.type)) callEvents.push(event);
  }
  const newestAt = isoTime(clock.now());
  if (!trailer || trailer.ts !== newestAt || !isRecord(trailer.heads)) {
    throw new Error('the dossier export ended without a trailer dated by its newest event');
  }
  return {
    jsonl: chunks.join(''),
    sha256: hash.digest('hex'),
    heads: trailer.heads as ExportHeads,
    events,
    hotline,
    thread,
    threadEvents,
    callEvents,
    newestAt,
  };
}

/**
 * The calls placed on the hotline or the thread from the encounter's time to its close (or to
 * `untilIso` while it is open), oldest first.
 */
export function callsOfEncounter(
  callEvents: readonly LiaisonEvent[],
  fromIso: string,
  untilIso: string,
): CallRecord[] {
  const from = Date.parse(fromIso);
  const until = Date.parse(untilIso);
  return foldCallLog(sortLog7(callEvents))
    .filter((call) => {
      const started = Date.parse(call.startedAt);
      return started >= from && started <= until;
    })
    .reverse();
}

/** The export and the content of the printable page, for a reader in a language. */
export async function buildDossier(
  sources: DossierSources,
  id: string,
  language: Language,
  reader: string,
): Promise<{ exported: DossierExport; content: DossierContent }> {
  // The views are read first, so everything they show is in the export taken after them.
  const encounter = await dossierEncounter(sources, id);
  const notices = (await sources.notices.list()).filter((n) => encounter.inNotifiedAreas.includes(n.id));
  const exported = await exportDossier(sources, encounter);
  const generatedAt = isoTime(sources.clock.now());
  const callWindow = { from: encounter.report.occurredAt, to: encounter.closedAt ?? generatedAt };
  const content: DossierContent = {
    language,
    node: { id: sources.nodeId, name: sources.nodeName },
    reader,
    generatedAt,
    encounter,
    notices,
    threadEvents: exported.threadEvents,
    calls: callsOfEncounter(exported.callEvents, callWindow.from, callWindow.to),
    callWindow,
    record: {
      hotline: exported.hotline,
      thread: exported.thread,
      heads: exported.heads,
      sha256: exported.sha256,
      events: exported.events,
    },
  };
  return { exported, content };
}
