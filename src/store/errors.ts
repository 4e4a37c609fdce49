/**
 * Named errors of the store module. Shared by every implementation, so callers can catch them
 * whichever store they hold.
 */

/**
 * A commit named an event whose (line, origin, seq) is already held, or given earlier in the
 * same batch, with a different id. The whole batch was rolled back. The caller should have
 * detected this equivocation (LOG9) before committing.
 */
export class StoreConflictError extends Error {
  override readonly name = 'StoreConflictError';

  constructor(
    readonly line: string,
    readonly origin: string,
    readonly seq: number,
    /** Id of the event held (or earlier in the batch) for this (line, origin, seq). */
    readonly heldId: string,
    /** Id of the event that was refused. */
    readonly refusedId: string,
  ) {
    super(`event ${refusedId} conflicts with held event ${heldId} at ${line}/${origin}/${seq}`);
  }
}

/** The database's schema cannot be used by this code: it was migrated by a newer version (STO2). */
export class StoreMigrationError extends Error {
  override readonly name = 'StoreMigrationError';
}

/**
 * A commit broke an invariant of the record, e.g. a projection row for an event that is not
 * held (LOG1). The whole batch was rolled back; this is a bug in the caller.
 */
export class StoreIntegrityError extends Error {
  override readonly name = 'StoreIntegrityError';
}
