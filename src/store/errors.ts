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

/** SQLSTATE classes and codes of a database that cannot answer now, though it may later. */
const UNAVAILABLE_SQLSTATE_CLASSES = ['08']; // connection exception
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown: the session was terminated
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '25006', // read_only_sql_transaction
  '53100', // disk_full
]);
/** Node system error codes of a lost or refused connection to the database server. */
const UNAVAILABLE_SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);
/** better-sqlite3 result codes of a database that cannot be written or read now. */
const UNAVAILABLE_SQLITE_CODES = /^SQLITE_(BUSY|LOCKED|FULL|READONLY|IOERR|CANTOPEN)/;

/**
 * Whether `error`, thrown by a store call, means the database is out of reach for now (a
 * terminated or refused session, a full disk, a read-only database) rather than a bug: the
 * caller should answer 503 and the author may try again. Recognised by shape, since pg and
 * better-sqlite3 throw their own classes and pg throws plain Errors for a dropped connection.
 */
export function isStoreUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (UNAVAILABLE_SQLSTATES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && UNAVAILABLE_SQLSTATE_CLASSES.includes(code.slice(0, 2))) return true;
    if (UNAVAILABLE_SYSTEM_CODES.has(code) || UNAVAILABLE_SQLITE_CODES.test(code)) return true;
  }
  // pg's messages for a connection that ended under a query or before one could be sent.
  return /^(Connection terminated|Client has encountered a connection error|Client was closed|timeout exceeded when trying to connect)/.test(
    error.message,
  );
}
