/** The Ledger's error for what a caller can explain to a user (re-exported by ledger.ts). */

/** A failure of an append that the caller can explain to a user (mapped to 4xx by the server). */
export class RecordError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RecordError';
  }
}
