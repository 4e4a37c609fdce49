/**
 * The record's data types (DESIGN.md "The record", LOG2).
 *
 * Pure types shared by the node and the console: no Node built-ins here.
 */

/** A JSON value as it may appear in an event body. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** Node ids match `[a-z0-9-]{1,32}` (LOG2). */
export const NODE_ID_PATTERN = /^[a-z0-9-]{1,32}$/;

/** Line ids: lowercase letters, digits and dashes, 1 to 64 characters. */
export const LINE_ID_PATTERN = /^[a-z0-9-]{1,64}$/;

/** Event types are dotted names, e.g. `message.posted` (LOG2). */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

/**
 * Event ids and raw 32-byte Ed25519 public keys in base64url: 43 characters without padding,
 * canonical (the last character's two spare bits are zero), so one value has one spelling.
 */
export const EVENT_ID_PATTERN = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

/** A raw 32-byte Ed25519 public key in base64url (same shape as an event id). */
export const PUBLIC_KEY_PATTERN = EVENT_ID_PATTERN;

/** An Ed25519 signature (64 bytes) in canonical base64url: 86 characters, four spare bits zero. */
export const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{85}[AQgw]$/;

/** The user part of an author `user@node` (LOG2). */
export const USER_NAME_PATTERN = /^[a-z0-9._-]{1,64}$/;

/** Longest event type, in characters. */
export const MAX_EVENT_TYPE_LENGTH = 64;

/** The type of a line's genesis event, its first event, which names the members (LOG1). */
export const GENESIS_EVENT_TYPE = 'line.created';

/** The export format version, the export header's `liaisonExport` (LOG12). */
export const EXPORT_FORMAT_VERSION = 1;

/** The envelope version this code writes and accepts (LOG2 `v`). */
export const ENVELOPE_VERSION = 1;

/** Largest body, in bytes of its canonical JSON (LOG11). */
export const MAX_BODY_BYTES = 64 * 1024;

/** The envelope fields that are signed: everything but `sig` (LOG2). */
export interface UnsignedEnvelope {
  v: 1;
  line: string;
  origin: string;
  seq: number;
  prev: string | null;
  clock: number;
  deps: Record<string, string>;
  ts: string;
  author: string;
  type: string;
  body: JsonObject;
}

/** A signed envelope, as it travels between nodes (LOG2). */
export interface Envelope extends UnsignedEnvelope {
  /** base64url Ed25519 signature over the canonical bytes of the unsigned envelope. */
  sig: string;
}

/** An envelope plus its id: base64url(SHA-256(canonical bytes without sig)). This is what the API returns. */
export interface LiaisonEvent extends Envelope {
  id: string;
}

/** What a node holds for one (line, origin): its latest event. */
export interface Head {
  seq: number;
  id: string;
  clock: number;
}

/** line id → origin node id → head. */
export type Heads = Record<string, Record<string, Head>>;

/** Precedences of the hotline, highest first (HOT2). */
export const PRECEDENCES = ['FLASH', 'IMMEDIATE', 'PRIORITY', 'ROUTINE'] as const;
export type Precedence = (typeof PRECEDENCES)[number];

/** Message states (HOT3). */
export const MESSAGE_STATES = ['sent', 'delivered', 'seen', 'acknowledged', 'overdue'] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

/** Link states (FED7). */
export const LINK_STATES = ['up', 'degraded', 'down'] as const;
export type LinkState = (typeof LINK_STATES)[number];

/** Roles of users (SEC1). */
export const ROLES = ['admin', 'supervisor', 'officer', 'interpreter', 'observer'] as const;
export type Role = (typeof ROLES)[number];
