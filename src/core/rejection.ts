/**
 * Why an event (or an export) is refused: one kebab-case code per broken rule (LOG8, LOG12).
 *
 * Parsers and checkers return a `Rejection` value rather than throwing; the caller decides
 * whether to fetch what is missing, count and log, or report it.
 */

/** Every rejection code with its meaning. */
export const REJECTION_CODES = {
  malformed: 'not a well-formed envelope or line: bad JSON, wrong or missing field, bad value (LOG2)',
  'bad-version': 'envelope version `v` is not 1 (LOG2)',
  'body-too-large': 'canonical body exceeds 64 KiB (LOG11)',
  'bad-signature': "signature does not verify with the origin's key (LOG5)",
  'id-mismatch': 'the `id` given with an event is not the SHA-256 of its signed bytes (LOG2)',
  'unknown-origin': 'the origin is not a known, trusted node (LOG5)',
  'bad-key-rotation':
    'a `key.rotated` event whose body, proof by the new key, or old key does not hold (LOG5)',
  'revoked-key':
    'signed with a key its node revoked on this line before this seq, or not the event a revocation card names there (LOG5)',
  'not-member': 'the origin is not a member of the line named by its genesis (LOG1)',
  'stale-seq': 'seq is not above the latest held for (line, origin): a duplicate or an equivocation (LOG4)',
  'seq-gap': 'seq skips ahead: the previous event of (line, origin) is not held (LOG4, LOG8)',
  'prev-mismatch': 'prev is not the id of the previous event of (line, origin) (LOG4)',
  'missing-dep': 'a dep names an event that is not held (LOG6, LOG8)',
  'dep-wrong-line': 'a dep names an event of another line (LOG6)',
  'dep-wrong-origin': 'a dep names an event whose origin is not its key, or the origin itself (LOG6)',
  'dep-backwards': "deps go backwards from the origin's previous event, or drop an origin it named (LOG6)",
  'bad-clock': 'clock is not 1 + max(own last clock, clocks of deps) (LOG6)',
  equivocation: 'two different events signed for the same (line, origin, seq) (LOG9)',
  quarantined:
    'the origin equivocated on this line; its events are refused there until an admin resolves it (LOG9)',
  duplicate: 'the same event appears twice in an export (LOG12)',
  'out-of-order':
    "an export's events are not in ascending LOG7 order, or a line's events are split (LOG7, LOG12)",
  'bad-genesis': 'a line does not start with its `line.created` genesis, or the genesis is malformed (LOG1)',
  'bad-header': 'the export header is missing or malformed, or contradicts a trusted card (LOG12)',
  'bad-trailer':
    'the export trailer is malformed, not signed by a trusted node, or followed by more lines (LOG12)',
  'trailer-mismatch': "the trailer's heads differ from the events present: a dropped tail (LOG12)",
  truncated: 'the export ends before its trailer (LOG12)',
} as const satisfies Record<string, string>;

/** A rejection code: a key of `REJECTION_CODES`. */
export type RejectionCode = keyof typeof REJECTION_CODES;

/** Why something was refused: a stable code (a key of `REJECTION_CODES`) and a message for people. */
export interface Rejection {
  code: string;
  message: string;
}

/** Builds a `Rejection`. */
export function rejection(code: RejectionCode, message: string): Rejection {
  return { code, message };
}
