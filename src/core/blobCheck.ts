/**
 * Blobs referenced from the record (LOG11): any event whose body has `attachments`, an array
 * of blob names (lowercase hex SHA-256, 64 characters), references those blobs.
 *
 * `checkExportBlobs` is the LOG11 part of `liaison verify FILE --blobs DIR`: it reads an export
 * (LOG12) and asks, for every referenced blob in order, what the blob's bytes hash to. The
 * caller does the reading (this module does no I/O), so the rule is the same whatever holds the
 * blobs. It stops at the first event whose blob is missing or does not hash to its name.
 */

/** A blob's name: the lowercase hex SHA-256 of its bytes. */
export const BLOB_HASH_PATTERN = /^[0-9a-f]{64}$/;

/** The most attachments one event may name. */
export const MAX_ATTACHMENTS = 20;

/** The blob names an event body references (entries that are not blob names are ignored). */
export function attachmentsOf(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const list = (body as { attachments?: unknown }).attachments;
  if (!Array.isArray(list)) return [];
  return list.filter((h): h is string => typeof h === 'string' && BLOB_HASH_PATTERN.test(h));
}

/** The result of checking an export's blobs. */
export interface BlobCheckReport {
  ok: boolean;
  /** Distinct blobs checked and found whole. */
  blobs: number;
  /** Events that reference at least one blob. */
  referencingEvents: number;
  error?: {
    lineNumber: number;
    eventId: string | null;
    hash: string;
    code: 'blob-missing' | 'blob-mismatch';
    message: string;
  };
}

/**
 * Checks every blob an export references. `digestOf(hash)` returns the SHA-256 (hex) of the
 * bytes held under that name, or null when there are none.
 */
export async function checkExportBlobs(
  lines: AsyncIterable<string> | Iterable<string>,
  digestOf: (hash: string) => Promise<string | null>,
): Promise<BlobCheckReport> {
  const checked = new Set<string>();
  let referencingEvents = 0;
  let lineNumber = 0;
  for await (const text of lines) {
    lineNumber += 1;
    if (!text.includes('"attachments"')) continue;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      continue; // the record's own check (verifyExport) reports lines that are not JSON
    }
    if (typeof record !== 'object' || record === null || !('body' in record)) continue;
    const hashes = attachmentsOf((record as { body: unknown }).body);
    if (hashes.length === 0) continue;
    referencingEvents += 1;
    const id = (record as { id?: unknown }).id;
    const eventId = typeof id === 'string' ? id : null;
    for (const hash of hashes) {
      if (checked.has(hash)) continue;
      const digest = await digestOf(hash);
      if (digest === null) {
        return {
          ok: false,
          blobs: checked.size,
          referencingEvents,
          error: { lineNumber, eventId, hash, code: 'blob-missing', message: `blob ${hash} is missing` },
        };
      }
      if (digest !== hash) {
        return {
          ok: false,
          blobs: checked.size,
          referencingEvents,
          error: {
            lineNumber,
            eventId,
            hash,
            code: 'blob-mismatch',
            message: `blob ${hash} does not hash to its name (its bytes hash to ${digest})`,
          },
        };
      }
      checked.add(hash);
    }
  }
  return { ok: true, blobs: checked.size, referencingEvents };
}
