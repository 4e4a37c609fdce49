/**
 * The store module (STO1, STO2): the Store interface, its SQLite and PostgreSQL
 * implementations, its named errors, and the contract suite every implementation passes.
 *
 * `runStoreContract` registers node:test cases; import it from tests only.
 */
export type { StoreContractOptions } from './contract.ts';
export { runStoreContract } from './contract.ts';
export { StoreConflictError, StoreIntegrityError, StoreMigrationError } from './errors.ts';
export type { StoreLogger } from './kysely-store.ts';
export type { PostgresStoreOptions } from './postgres.ts';
export { openPostgresStore } from './postgres.ts';
export type { SqliteStoreOptions } from './sqlite.ts';
export { openSqliteStore } from './sqlite.ts';
export type {
  CommitBatch,
  DeliveryRow,
  LineRecord,
  MessageRow,
  NodeRecord,
  ProjectionOp,
  RejectionCounts,
  SessionRecord,
  Store,
  StoredEvent,
  UserRecord,
} from './types.ts';
