/**
 * The JSONL export of the record and its offline verifier (LOG12). Node only (uses sign.ts).
 *
 * Format, one JSON object per line:
 *   1. header  `{"liaisonExport":1,"nodes":[{"nodeId","name","publicKey"}…]}`
 *   2. events  each the envelope plus its `id`; whole lines from genesis, each line's events
 *              contiguous and in LOG7 order
 *   3. trailer `{"trailer":{"heads":{line:{origin:{"seq","id"}}},"signer","ts","sig"}}`, where
 *              `sig` is the signer's Ed25519 signature over the canonical bytes of the trailer
 *              object without `sig`. The heads pin the last event of every (line, origin), so a
 *              dropped tail shows.
 *
 * `verifyExport` checks LOG2–LOG9 (and LOG1's genesis) in one pass with hash maps, stopping at
 * the first failure: memory and time are linear in the number of events, and the Ed25519
 * verification of each event dominates, so those run on the thread pool (exportVerifier.ts).
 */
import { canonicalBytes } from './canonical.ts';
import { isPlainObject, unsignedOf } from './event.ts';
import { ExportVerifier } from './exportVerifier.ts';
import type { Signer } from './sign.ts';
import { EXPORT_FORMAT_VERSION, type LiaisonEvent } from './types.ts';

/**
 * Signature verifications `verifyExport` waits for at a time, with as many more in flight; also
 * how often it reports progress, in events.
 */
const SIGNATURE_BATCH = 1000;

/** A node as the export header lists it. */
export interface ExportNode {
  nodeId: string;
  name: string;
  publicKey: string;
}

/** The last event of one (line, origin) in an export. */
export interface ExportHead {
  seq: number;
  id: string;
}

/** line → origin → last event, as the trailer carries it. */
export type ExportHeads = Record<string, Record<string, ExportHead>>;

/** A node whose key the verifier trusts, e.g. from a pairing card (FED1). */
export interface TrustedNode {
  nodeId: string;
  name?: string;
  publicKey: string;
}

/** Options of `verifyExport`. */
export interface VerifyOptions {
  /** Keys from cards. When absent the header's keys are trusted, and the report says so. */
  trustedNodes?: readonly TrustedNode[];
  /** Blob checking (LOG11) comes later. */
  blobsDir?: never;
  /** Called every thousand events and once at the end with the number of events checked. */
  onProgress?: (eventsChecked: number) => void;
}

/** The first failure `verifyExport` met. */
export interface VerifyError {
  /** 1-based line of the file; 0 for a problem with the trusted cards themselves. */
  lineNumber: number;
  eventId?: string;
  /** A key of `REJECTION_CODES`. */
  code: string;
  message: string;
}

/** What `verifyExport` found. */
export interface VerifyReport {
  ok: boolean;
  /** Events that passed every check (all of them when ok). */
  events: number;
  /** Line ids, in the order their blocks appear. */
  lines: string[];
  /** True when no cards were given and the header's keys were trusted. */
  trustedHeader: boolean;
  /** Fingerprints of the keys trusted (`fingerprint`), for people to compare. */
  fingerprints: { nodeId: string; fingerprint: string }[];
  error?: VerifyError;
}

/** The header line (without newline) listing the nodes whose keys sign the events (LOG12). */
export function exportHeaderLine(nodes: readonly ExportNode[]): string {
  return JSON.stringify({
    liaisonExport: EXPORT_FORMAT_VERSION,
    nodes: nodes.map(({ nodeId, name, publicKey }) => ({ nodeId, name, publicKey })),
  });
}

/** One event line (without newline): the envelope fields in LOG2 order, then `id`. */
export function eventLine(event: LiaisonEvent): string {
  return JSON.stringify({ ...unsignedOf(event), sig: event.sig, id: event.id });
}

/** The heads of a set of events: the highest seq of every (line, origin) and its id. */
export function exportHeads(events: Iterable<LiaisonEvent>): ExportHeads {
  const heads: ExportHeads = {};
  for (const event of events) {
    const lineHeads = heads[event.line] ?? {};
    heads[event.line] = lineHeads;
    const held = lineHeads[event.origin];
    if (held === undefined || held.seq < event.seq)
      lineHeads[event.origin] = { seq: event.seq, id: event.id };
  }
  return heads;
}

/**
 * The trailer line (without newline), signed by the exporting node: its Ed25519 signature over
 * the canonical bytes of `{heads, signer, ts}` (LOG12). `ts` is RFC 3339 UTC with milliseconds.
 */
export function signedTrailerLine(heads: ExportHeads, signer: Signer, signerId: string, ts: string): string {
  const sortedHeads: ExportHeads = {};
  for (const line of Object.keys(heads).sort()) {
    const lineHeads: Record<string, ExportHead> = {};
    for (const [origin, head] of Object.entries(heads[line] ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
      lineHeads[origin] = { seq: head.seq, id: head.id };
    }
    sortedHeads[line] = lineHeads;
  }
  const unsigned = { heads: sortedHeads, signer: signerId, ts };
  return JSON.stringify({ trailer: { ...unsigned, sig: signer.sign(canonicalBytes(unsigned)) } });
}

/**
 * Verifies an export offline (LOG12): header, then every event (LOG2 shape, id, LOG5 signature
 * by a trusted key, LOG1 genesis and membership, LOG4/LOG6 chain, LOG7 order, LOG9
 * equivocation), then the signed trailer and its heads. Stops at the first failure in file
 * order. `lines` are the file's lines without their newline (a trailing `\r` is tolerated).
 */
export async function verifyExport(
  lines: AsyncIterable<string> | Iterable<string>,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const verifier = new ExportVerifier(options.trustedNodes);
  const report = (error?: VerifyError): VerifyReport => ({
    ok: error === undefined,
    events: verifier.events,
    lines: verifier.lineIds,
    trustedHeader: verifier.trustedHeader,
    fingerprints: verifier.fingerprints,
    ...(error === undefined ? {} : { error }),
  });
  // An earlier bad signature still in flight wins over a later failure.
  const fail = async (error: VerifyError): Promise<VerifyReport> =>
    report((await verifier.settleSignatures()) ?? error);
  const cardFailure = verifier.trustCards();
  if (cardFailure !== null) return report(cardFailure);

  let lineNumber = 0;
  let phase: 'header' | 'events' | 'after-trailer' = 'header';
  let firstBlankLine = 0;
  for await (const raw of lines) {
    lineNumber++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    // Blank lines may only end the file (a final newline).
    if (text.trim() === '') {
      if (firstBlankLine === 0) firstBlankLine = lineNumber;
      continue;
    }
    if (firstBlankLine !== 0)
      return fail({ lineNumber: firstBlankLine, code: 'malformed', message: 'blank line' });
    if (phase === 'after-trailer') {
      return fail({ lineNumber, code: 'bad-trailer', message: 'content after the trailer' });
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return fail({ lineNumber, code: phase === 'header' ? 'bad-header' : 'malformed', message: 'not JSON' });
    }
    let error: VerifyError | null;
    if (phase === 'header') {
      error = verifier.header(value, lineNumber);
      phase = 'events';
    } else if (isPlainObject(value) && Object.hasOwn(value, 'trailer')) {
      error = (await verifier.settleSignatures()) ?? verifier.trailer(value, lineNumber);
      phase = 'after-trailer';
    } else {
      error = verifier.event(value, lineNumber);
      // Keep one batch running on the thread pool while the next one is being queued.
      if (error === null && verifier.pendingSignatures >= 2 * SIGNATURE_BATCH) {
        error = await verifier.settleSignatures(SIGNATURE_BATCH);
        if (error === null) options.onProgress?.(verifier.events - verifier.pendingSignatures);
      }
    }
    if (error !== null) return fail(error);
  }
  if (phase !== 'after-trailer') {
    const message = phase === 'header' ? 'the export is empty' : 'the export ends without its trailer';
    return fail({ lineNumber: lineNumber + 1, code: 'truncated', message });
  }
  options.onProgress?.(verifier.events);
  return report();
}
