/**
 * The database schema as Kysely sees it (STO1, STO2). Columns are snake_case so the same names
 * work unquoted in SQLite and PostgreSQL. Times are RFC 3339 UTC text (`toISOString()`), so they
 * compare as strings; booleans are integers 0/1, which both dialects bind alike.
 */
import type { ColumnType, Generated } from 'kysely';

/** Which migrations ran (STO2). */
export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: string;
}

/** Small node-wide settings, e.g. the node id. */
export interface MetaTable {
  key: string;
  value: string;
}

/** Known nodes: this one and its peers (FED1). */
export interface NodesTable {
  node_id: string;
  name: string;
  url: string;
  federation_url: string;
  public_key: string;
  /** 1 for this node, 0 for a peer. */
  is_self: number;
  added_at: string;
  /** SHA-256 fingerprint of the node's TLS certificate, pinned from its card (migration 2). */
  tls_fingerprint: string | null;
}

/** Lines (HOT1); `members` is a JSON array of node ids. */
export interface LinesTable {
  id: string;
  kind: string;
  title: string;
  members: string;
  created_at: string;
}

/** Users of this node (SEC1, SEC2, SEC4). */
export interface UsersTable {
  username: string;
  role: string;
  password_hash: string;
  totp_secret: string | null;
  created_at: string;
  failed_logins: number;
  locked_until: string | null;
  /** `en`, `zh` or `ja` (HOT6); defaults to `en`. */
  language: ColumnType<string, string | undefined, string | undefined>;
  /** 1 for the demo's users, who sign in without a second factor (SEC2); defaults to 0. */
  totp_exempt: ColumnType<number, number | undefined, number | undefined>;
  /** 1 for a user an admin disabled (SEC1): they cannot sign in; defaults to 0. */
  disabled: ColumnType<number, number | undefined, number | undefined>;
}

/** Unused recovery codes (SEC2), by SHA-256 of the code; a used code's row is deleted. */
export interface RecoveryCodesTable {
  username: string;
  code_hash: string;
  created_at: string;
}

/** Login sessions, by SHA-256 of the token. */
export interface SessionsTable {
  token_hash: string;
  username: string;
  created_at: string;
  expires_at: string;
}

/**
 * The record (LOG1). `arrival` is the local arrival number (LOG7 cursor); `envelope` is the JSON
 * of the whole event including its id, the source of truth; the other columns index it.
 */
export interface EventsTable {
  arrival: Generated<number>;
  id: string;
  line: string;
  origin: string;
  seq: number;
  clock: number;
  type: string;
  received_at: string;
  envelope: string;
}

/** The message projection (HOT3), one row per `message.posted` event. */
export interface MessagesTable {
  id: string;
  line: string;
  origin: string;
  seq: number;
  /** The clock of the message's event, for LOG7 order. */
  clock: number;
  author: string;
  precedence: string;
  posted_at: string;
  deadline: string;
  seen_at: string | null;
  seen_by: string | null;
  acked_at: string | null;
  acked_by: string | null;
  overdue_at: string | null;
}

/** Delivery facts (FED3): `node` held (line, origin) up to `upto_seq` at `at`; earliest `at` kept. */
export interface DeliveriesTable {
  line: string;
  origin: string;
  node: string;
  upto_seq: number;
  at: string;
}

/** Refused events (LOG8), counted by reason. */
export interface RejectionsTable {
  id: Generated<number>;
  at: string;
  reason: string;
  detail: string;
  peer: string | null;
}

/** Equivocation proofs (LOG9): a second signed event for a held (line, origin, seq). */
export interface EquivocationsTable {
  id: Generated<number>;
  line: string;
  origin: string;
  seq: number;
  held_id: string;
  /** The conflicting event, as received (JSON of the envelope plus its id). */
  conflicting: string;
  peer: string | null;
  detected_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution: string | null;
}

/** Every table of a node's store. */
export interface Database {
  schema_migrations: SchemaMigrationsTable;
  meta: MetaTable;
  nodes: NodesTable;
  lines: LinesTable;
  users: UsersTable;
  sessions: SessionsTable;
  recovery_codes: RecoveryCodesTable;
  events: EventsTable;
  messages: MessagesTable;
  deliveries: DeliveriesTable;
  rejections: RejectionsTable;
  equivocations: EquivocationsTable;
}
