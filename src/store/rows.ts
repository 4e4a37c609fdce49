/**
 * Conversions between the Store's records and the database rows of `schema.ts`. Numbers go
 * through `Number()` because PostgreSQL drivers return bigint columns as strings.
 */
import type { Insertable, Selectable } from 'kysely';
import { isLanguage } from '../core/phrasebook/types.ts';
import type { LiaisonEvent, Precedence, Role } from '../core/types.ts';
import type { LinesTable, MessagesTable, NodesTable, SessionsTable, UsersTable } from './schema.ts';
import type { LineRecord, MessageRow, NodeRecord, SessionRecord, StoredEvent, UserRecord } from './types.ts';

/** The event columns `toStoredEvent` needs. */
export interface StoredEventColumns {
  arrival: number | string;
  received_at: string;
  envelope: string;
}

/** Columns to select for `toStoredEvent`. */
export const STORED_EVENT_COLUMNS = ['arrival', 'received_at', 'envelope'] as const;

/** Parses a stored event back from its envelope column. */
export function toStoredEvent(row: StoredEventColumns): StoredEvent {
  // The envelope was written by `commit` from a verified LiaisonEvent: no need to re-validate.
  const event = JSON.parse(row.envelope) as LiaisonEvent;
  return { event, arrival: Number(row.arrival), receivedAt: row.received_at };
}

/** The row of an event about to be inserted. */
export function eventRow(event: LiaisonEvent, receivedAt: string) {
  return {
    id: event.id,
    line: event.line,
    origin: event.origin,
    seq: event.seq,
    clock: event.clock,
    type: event.type,
    received_at: receivedAt,
    envelope: JSON.stringify(event),
  };
}

/** The row of a node record. */
export function nodeRow(node: NodeRecord): Insertable<NodesTable> {
  return {
    node_id: node.nodeId,
    name: node.name,
    url: node.url,
    federation_url: node.federationUrl,
    public_key: node.publicKey,
    is_self: node.isSelf ? 1 : 0,
    added_at: node.addedAt,
    tls_fingerprint: node.tlsFingerprint,
  };
}

/** The node record of a row. */
export function toNode(row: Selectable<NodesTable>): NodeRecord {
  return {
    nodeId: row.node_id,
    name: row.name,
    url: row.url,
    federationUrl: row.federation_url,
    publicKey: row.public_key,
    isSelf: Number(row.is_self) === 1,
    addedAt: row.added_at,
    tlsFingerprint: row.tls_fingerprint,
  };
}

/** The row of a line record; members as JSON. */
export function lineRow(line: LineRecord): Insertable<LinesTable> {
  return {
    id: line.id,
    kind: line.kind,
    title: line.title,
    members: JSON.stringify(line.members),
    created_at: line.createdAt,
  };
}

/** The line record of a row. */
export function toLine(row: Selectable<LinesTable>): LineRecord {
  return {
    id: row.id,
    // Written by lineRow from a LineRecord.
    kind: row.kind as LineRecord['kind'],
    title: row.title,
    members: JSON.parse(row.members) as string[],
    createdAt: row.created_at,
  };
}

/** The row of a user record. */
export function userRow(user: UserRecord): Insertable<UsersTable> {
  return {
    username: user.username,
    role: user.role,
    password_hash: user.passwordHash,
    totp_secret: user.totpSecret,
    created_at: user.createdAt,
    failed_logins: user.failedLogins,
    locked_until: user.lockedUntil,
    // Absent: the column keeps its value (its default for a new user).
    language: user.language,
    totp_exempt: user.totpExempt === undefined ? undefined : user.totpExempt ? 1 : 0,
    disabled: user.disabled === undefined ? undefined : user.disabled ? 1 : 0,
  };
}

/** The user record of a row. */
export function toUser(row: Selectable<UsersTable>): UserRecord {
  return {
    username: row.username,
    // Written by userRow from a UserRecord.
    role: row.role as Role,
    passwordHash: row.password_hash,
    totpSecret: row.totp_secret,
    createdAt: row.created_at,
    failedLogins: Number(row.failed_logins),
    lockedUntil: row.locked_until,
    language: isLanguage(row.language) ? row.language : 'en',
    totpExempt: Number(row.totp_exempt) === 1,
    disabled: Number(row.disabled) === 1,
  };
}

/** The row of a session record. */
export function sessionRow(session: SessionRecord): Insertable<SessionsTable> {
  return {
    token_hash: session.tokenHash,
    username: session.username,
    created_at: session.createdAt,
    expires_at: session.expiresAt,
  };
}

/** The session record of a row. */
export function toSession(row: Selectable<SessionsTable>): SessionRecord {
  return {
    tokenHash: row.token_hash,
    username: row.username,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/** The row of a message, but for `clock`, which `commit` takes from the event. */
export function messageRow(message: MessageRow): Omit<Insertable<MessagesTable>, 'clock'> {
  return {
    id: message.id,
    line: message.line,
    origin: message.origin,
    seq: message.seq,
    author: message.author,
    precedence: message.precedence,
    posted_at: message.postedAt,
    deadline: message.deadline,
    seen_at: message.seenAt,
    seen_by: message.seenBy,
    acked_at: message.ackedAt,
    acked_by: message.ackedBy,
    overdue_at: message.overdueAt,
  };
}

/** The message of a row. */
export function toMessage(row: Selectable<MessagesTable>): MessageRow {
  return {
    id: row.id,
    line: row.line,
    origin: row.origin,
    seq: Number(row.seq),
    author: row.author,
    // Written by messageRow from a MessageRow.
    precedence: row.precedence as Precedence,
    postedAt: row.posted_at,
    deadline: row.deadline,
    seenAt: row.seen_at,
    seenBy: row.seen_by,
    ackedAt: row.acked_at,
    ackedBy: row.acked_by,
    overdueAt: row.overdue_at,
  };
}
