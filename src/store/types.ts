/**
 * The Store interface (STO1): everything a node keeps, behind one async interface with an
 * SQLite implementation (embedded default) and a PostgreSQL one (when `DATABASE_URL` is set).
 * Both pass the same contract suite (`runStoreContract`).
 *
 * The store is persistence only: it does not sign, verify or decide. Events are inserted with
 * the projection changes they cause, in one durable transaction (LOG1, LOG10).
 */
import type { Language } from '../core/phrasebook/types.ts';
import type { Heads, LiaisonEvent, Precedence, Role } from '../core/types.ts';

/** A line: the hotline between two nodes, an encounter thread, or a node's local line (LOG1, HOT1). */

/**
 * Event types few and far between that features read whole (`Store.eventsOfTypes`): key
 * rotations and pairings (LOG5, FED1), desk changes (HOT5), translations (HOT6), call records,
 * call requests and video talks (CALL2, HOT7, CALL5), encounters and activity notices (ENC1–ENC3). A partial
 * index covers exactly these, so the many ordinary events pay nothing for it.
 */
export const RARE_EVENT_TYPES = [
  'key.rotated',
  'peer.unpaired',
  'peer.paired',
  'duty.taken',
  'duty.handed-over',
  'message.translated',
  'call.started',
  'call.ringing',
  'call.answered',
  'call.ended',
  'call.recorded',
  'call.recording',
  'call.policy',
  'call.requested',
  'call.request.answered',
  'talk.scheduled',
  'talk.cancelled',
  'talk.joined',
  'talk.left',
  'encounter.drafted',
  'encounter.submitted',
  'encounter.state',
  'encounter.closed',
  'notice.issued',
  'notice.withdrawn',
] as const;

/** One of `RARE_EVENT_TYPES`. */
export type RareEventType = (typeof RARE_EVENT_TYPES)[number];

export interface LineRecord {
  id: string;
  kind: 'hotline' | 'thread' | 'local';
  title: string;
  /** Member node ids, sorted. A local line has only the node itself. */
  members: string[];
  createdAt: string;
}

/** A known node: this node itself or a paired peer (FED1). */
export interface NodeRecord {
  nodeId: string;
  name: string;
  /** Base URL of the node's HTTP API and console, e.g. http://127.0.0.1:7801 */
  url: string;
  /** URL of the node's federation listener, e.g. ws://127.0.0.1:7901 */
  federationUrl: string;
  /** Ed25519 public key, base64url of the 32 raw bytes. */
  publicKey: string;
  isSelf: boolean;
  addedAt: string;
  /** SHA-256 fingerprint of the node's TLS certificate, as in its card (FED2); null if unknown. */
  tlsFingerprint: string | null;
}

/** A user of this node (SEC1, SEC2). */
export interface UserRecord {
  username: string;
  role: Role;
  /** scrypt hash in the form `scrypt$N$r$p$salt$hash` (base64url parts). */
  passwordHash: string;
  /** base32 TOTP secret, or null when the user has no second factor (demo users only). */
  totpSecret: string | null;
  createdAt: string;
  /** Failed logins inside the current window, and when the account is locked until (SEC4). */
  failedLogins: number;
  lockedUntil: string | null;
  /**
   * The language the user reads templated messages in (HOT6, CON4). Always set when read;
   * a put without it keeps the stored one (English for a new user).
   */
  language?: Language;
  /**
   * True for the users the demo and the test clusters seed: with no TOTP secret they sign in
   * without a second factor. Any other user without a secret must enrol first (SEC2). Always
   * set when read; a put without it keeps the stored one (false for a new user).
   */
  totpExempt?: boolean;
  /**
   * True for a user an admin disabled (SEC1): they cannot sign in and have no session. Always
   * set when read; a put without it keeps the stored one (false for a new user).
   */
  disabled?: boolean;
}

/** A login session; only the SHA-256 of the token is kept. */
export interface SessionRecord {
  tokenHash: string;
  username: string;
  createdAt: string;
  expiresAt: string;
}

/** A stored event with its local arrival number (LOG7 cursor) and arrival time. */
export interface StoredEvent {
  event: LiaisonEvent;
  arrival: number;
  receivedAt: string;
}

/** The message projection (HOT3), one row per `message.posted` event. */
export interface MessageRow {
  id: string;
  line: string;
  origin: string;
  seq: number;
  author: string;
  precedence: Precedence;
  postedAt: string;
  deadline: string;
  seenAt: string | null;
  seenBy: string | null;
  ackedAt: string | null;
  ackedBy: string | null;
  overdueAt: string | null;
}

/**
 * One delivery fact: node `node` held every event of (line, origin) up to `uptoSeq` at `at`.
 * A message (line, origin, seq) was delivered to `node` at the earliest `at` whose `uptoSeq ≥ seq`.
 * Rows come from `heads.recorded` events and from signed receipts (FED3).
 */
export interface DeliveryRow {
  line: string;
  origin: string;
  node: string;
  uptoSeq: number;
  at: string;
}

/**
 * A projection change, applied in the same transaction as the events that cause it.
 * `message.insert` is ignored when the row exists; its event must be held or in the same batch
 * (else the commit fails with StoreIntegrityError). `message.update` sets only the fields given.
 * Times are RFC 3339 UTC with milliseconds (`toISOString()`): the store compares them as text.
 */
export type ProjectionOp =
  | { op: 'message.insert'; row: MessageRow }
  | {
      op: 'message.update';
      id: string;
      patch: Partial<Pick<MessageRow, 'seenAt' | 'seenBy' | 'ackedAt' | 'ackedBy' | 'overdueAt'>>;
    }
  | {
      /**
       * Marks a message seen or acknowledged by `by` at `at`, unless an earlier mark (by
       * `at`, then `by`) is held: every node ends with the same first mark whatever the
       * order the events arrived in (HOT3).
       */
      op: 'message.mark';
      id: string;
      /** The line of the marking event: a mark only applies to a message of its own line. */
      line: string;
      mark: 'seen' | 'acked';
      at: string;
      by: string;
    }
  | { op: 'delivery.add'; row: DeliveryRow };

/** What one durable commit writes. */
export interface CommitBatch {
  /** New events, already verified; inserted in this order (their arrival order). */
  events: LiaisonEvent[];
  /** Arrival time of these events (RFC 3339). */
  receivedAt: string;
  /** Projection changes caused by these events (or by receipts). */
  ops: ProjectionOp[];
}

/** Proof of an equivocation (LOG9): a second signed event for a held (line, origin, seq). */
export interface EquivocationRecord {
  id: number;
  line: string;
  origin: string;
  seq: number;
  heldId: string;
  conflicting: LiaisonEvent;
  peer: string | null;
  detectedAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolution: string | null;
}

/** Why events were refused, by reason code (LOG8); kept for `/metrics`. */
export type RejectionCounts = Record<string, number>;

/** The persistence interface every store implements (STO1). */
export interface Store {
  /** Which implementation: `sqlite` or `postgres`. */
  readonly kind: 'sqlite' | 'postgres';

  /** Runs pending migrations (STO2). Idempotent. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;

  putNode(node: NodeRecord): Promise<void>;
  getNode(nodeId: string): Promise<NodeRecord | null>;
  listNodes(): Promise<NodeRecord[]>;

  putLine(line: LineRecord): Promise<void>;
  getLine(id: string): Promise<LineRecord | null>;
  listLines(): Promise<LineRecord[]>;

  putUser(user: UserRecord): Promise<void>;
  getUser(username: string): Promise<UserRecord | null>;
  listUsers(): Promise<UserRecord[]>;
  putSession(session: SessionRecord): Promise<void>;
  getSession(tokenHash: string): Promise<SessionRecord | null>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Ends every session of a user (SEC2 "sign out everywhere"); returns how many there were. */
  deleteSessionsOf(username: string): Promise<number>;
  /** Replaces a user's recovery codes (SEC2) by these SHA-256 hashes; none when empty. */
  putRecoveryCodes(username: string, codeHashes: string[], createdAt: string): Promise<void>;
  /** Uses up one recovery code: true when it was held (it is then gone), false otherwise. */
  redeemRecoveryCode(username: string, codeHash: string): Promise<boolean>;
  /** How many unused recovery codes a user has. */
  countRecoveryCodes(username: string): Promise<number>;

  /**
   * Inserts events and applies projection ops in one durable transaction; returns the arrival
   * number given to each event, in order. An event whose id is already held is skipped (FED4)
   * and gets arrival 0. Throws StoreConflictError if (line, origin, seq) is held with a
   * different id: the caller must detect equivocation (LOG9) before committing. On any throw
   * nothing of the batch is written.
   */
  commit(batch: CommitBatch): Promise<number[]>;

  getEvent(id: string): Promise<StoredEvent | null>;
  getEventBySeq(line: string, origin: string, seq: number): Promise<StoredEvent | null>;
  /** Whether each of these ids is held. */
  hasEvents(ids: string[]): Promise<Set<string>>;
  /** Latest event of every (line, origin), optionally for one line. */
  heads(line?: string): Promise<Heads>;
  /** The latest `limit` events of a line, returned in LOG7 order (clock, origin, seq ascending). */
  latestEvents(line: string, limit: number): Promise<StoredEvent[]>;
  /** Events with arrival > `cursor`, in arrival order; all lines when `lines` is null. */
  eventsSince(cursor: number, limit: number, lines: string[] | null): Promise<StoredEvent[]>;
  /** All events of a line in LOG7 order, in pages (for export). */
  eventsInOrder(line: string, pageSize?: number): AsyncIterable<StoredEvent>;
  /**
   * Every event of one of these types, in arrival order: only for `RARE_EVENT_TYPES`, which an
   * index covers (any other type throws a RangeError rather than scan the whole record).
   */
  eventsOfTypes(types: readonly RareEventType[]): Promise<StoredEvent[]>;
  /** Events of (line, origin) with seq in [fromSeq, toSeq], ascending. */
  eventsBySeqRange(line: string, origin: string, fromSeq: number, toSeq: number): Promise<StoredEvent[]>;
  /** Highest arrival number, 0 when empty. */
  lastArrival(): Promise<number>;
  countEvents(line?: string): Promise<number>;

  getMessage(id: string): Promise<MessageRow | null>;
  /**
   * The latest `limit` messages of a line, in the LOG7 order of their `message.posted` events
   * (ascending), like `latestEvents`.
   */
  latestMessages(line: string, limit: number): Promise<MessageRow[]>;
  /** Messages of (line, origin) with seq in [fromSeq, toSeq]. */
  messagesBySeqRange(line: string, origin: string, fromSeq: number, toSeq: number): Promise<MessageRow[]>;
  /** node → earliest delivery time of message (line, origin, seq). */
  deliveriesFor(line: string, origin: string, seq: number): Promise<Record<string, string>>;

  /** Deletes every projection row (messages, deliveries) so `rebuild` can replay the events (LOG1). */
  clearProjections(): Promise<void>;

  addRejection(reason: string, detail: string, peer: string | null): Promise<void>;

  /** Keeps the proof of an equivocation (LOG9), once per conflicting event id; returns its record id. */
  addEquivocation(
    proof: Pick<
      EquivocationRecord,
      'line' | 'origin' | 'seq' | 'heldId' | 'conflicting' | 'peer' | 'detectedAt'
    >,
  ): Promise<number>;
  /** Equivocations, the unresolved ones only unless `all`. */
  listEquivocations(all?: boolean): Promise<EquivocationRecord[]>;
  /** Marks an equivocation resolved by an admin; false when there is no such unresolved one. */
  resolveEquivocation(id: number, by: string, resolution: string, at: string): Promise<boolean>;
  rejectionCounts(): Promise<RejectionCounts>;
}
