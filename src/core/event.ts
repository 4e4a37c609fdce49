/**
 * The event envelope (LOG2): its id, signing, strict parsing of untrusted input, and
 * signature verification. Node only (uses sign.ts).
 *
 * Signed bytes = RFC 8785 canonical bytes of the envelope without `sig` (LOG3);
 * `sig` = Ed25519 over them; `id` = base64url(SHA-256(them)), not part of the envelope.
 */
import { CanonicalizationError, canonicalBytes, canonicalize } from './canonical.ts';
import { type Rejection, rejection } from './rejection.ts';
import { type Signer, sha256, verifySignature } from './sign.ts';
import {
  ENVELOPE_VERSION,
  type Envelope,
  EVENT_ID_PATTERN,
  EVENT_TYPE_PATTERN,
  type JsonObject,
  LINE_ID_PATTERN,
  type LiaisonEvent,
  MAX_BODY_BYTES,
  MAX_EVENT_TYPE_LENGTH,
  NODE_ID_PATTERN,
  SIGNATURE_PATTERN,
  type UnsignedEnvelope,
  USER_NAME_PATTERN,
} from './types.ts';

/** The envelope's fields, in the order the wire format lists them (LOG2). */
export const ENVELOPE_FIELDS = [
  'v',
  'line',
  'origin',
  'seq',
  'prev',
  'clock',
  'deps',
  'ts',
  'author',
  'type',
  'body',
  'sig',
] as const;

const KNOWN_FIELDS: ReadonlySet<string> = new Set<string>([...ENVELOPE_FIELDS, 'id']);

/** RFC 3339 UTC with exactly three fractional digits, e.g. `2025-03-01T08:15:00.000Z`. */
const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The result of `parseEnvelope`: the envelope, or why it is refused. */
export type EnvelopeParseResult = { ok: true; envelope: Envelope } | { ok: false; rejection: Rejection };

/**
 * The signed part of an envelope, copied field by field, so that passing an `Envelope` or a
 * `LiaisonEvent` never lets `sig` or `id` leak into the signed bytes.
 */
export function unsignedOf(envelope: UnsignedEnvelope): UnsignedEnvelope {
  return {
    v: envelope.v,
    line: envelope.line,
    origin: envelope.origin,
    seq: envelope.seq,
    prev: envelope.prev,
    clock: envelope.clock,
    deps: envelope.deps,
    ts: envelope.ts,
    author: envelope.author,
    type: envelope.type,
    body: envelope.body,
  };
}

/** The bytes that are signed and hashed: canonical bytes of the envelope without `sig` (LOG2, LOG3). */
export function signedBytes(envelope: UnsignedEnvelope): Uint8Array {
  return canonicalBytes(unsignedOf(envelope));
}

/** The event id: base64url(SHA-256(signed bytes)) (LOG2). */
export function eventId(unsigned: UnsignedEnvelope): string {
  return sha256(signedBytes(unsigned));
}

/** Signs an envelope with the origin's key and returns the event with its `sig` and `id` (LOG2, LOG5). */
export function signEvent(unsigned: UnsignedEnvelope, signer: Signer): LiaisonEvent {
  const fields = unsignedOf(unsigned);
  const bytes = canonicalBytes(fields);
  return { ...fields, sig: signer.sign(bytes), id: sha256(bytes) };
}

/** Whether `envelope.sig` verifies with `publicKey` over its signed bytes (LOG5). Never throws. */
export function verifyEventSignature(envelope: Envelope, publicKey: string): boolean {
  let bytes: Uint8Array;
  try {
    bytes = signedBytes(envelope);
  } catch {
    return false;
  }
  return verifySignature(publicKey, bytes, envelope.sig);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number written by the ASCII digits of `text` from `start` to `end`. */
function digitsAt(text: string, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) value = value * 10 + (text.charCodeAt(i) - 48);
  return value;
}

/**
 * Whether `ts` is RFC 3339 UTC with milliseconds (`YYYY-MM-DDTHH:MM:SS.sssZ`) naming a real
 * instant: no 30 February, no 24:00, no leap second (which `Date` cannot represent).
 */
export function isTimestamp(ts: unknown): ts is string {
  if (typeof ts !== 'string' || !TIMESTAMP_PATTERN.test(ts)) return false;
  const year = digitsAt(ts, 0, 4);
  const month = digitsAt(ts, 5, 7);
  if (month < 1 || month > 12) return false;
  const isLeapYear = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = month === 2 && isLeapYear ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  const day = digitsAt(ts, 8, 10);
  return (
    day >= 1 &&
    day <= daysInMonth &&
    digitsAt(ts, 11, 13) <= 23 &&
    digitsAt(ts, 14, 16) <= 59 &&
    digitsAt(ts, 17, 19) <= 59
  );
}

/** Whether `value` is a plain object (not null, not an array, not a class instance). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * The member node ids named by a genesis body (`{ members: [nodeId, …], … }`, LOG1), or null
 * when the body does not name them properly (not an array of node ids, empty, or repeated).
 */
export function genesisMembers(body: JsonObject): string[] | null {
  const members = body.members;
  if (!Array.isArray(members) || members.length === 0) return null;
  const ids: string[] = [];
  for (const member of members) {
    if (typeof member !== 'string' || !NODE_ID_PATTERN.test(member) || ids.includes(member)) return null;
    ids.push(member);
  }
  return ids;
}

function malformed(message: string): EnvelopeParseResult {
  return { ok: false, rejection: rejection('malformed', message) };
}

/** Quotes untrusted text for a message, shortened so a hostile input cannot flood the logs. */
/**
 * A peer's value as text for a refusal: never throws, whatever it is (`String` throws on an
 * object whose `toString` is not a function, e.g. `{"toString": 1}`, found by the fuzz suite).
 */
function describeValue(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? typeof value);
}

function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}

function isAuthor(author: unknown, origin: string): author is string {
  if (typeof author !== 'string') return false;
  if (author === origin) return true;
  const at = author.indexOf('@');
  return at > 0 && USER_NAME_PATTERN.test(author.slice(0, at)) && author.slice(at + 1) === origin;
}

function parseDeps(deps: unknown, origin: string): Record<string, string> | string {
  if (!isPlainObject(deps)) return 'deps is not an object';
  const parsed: Record<string, string> = {};
  for (const [node, id] of Object.entries(deps)) {
    if (!NODE_ID_PATTERN.test(node)) return `deps key ${quote(node)} is not a node id`;
    if (node === origin) return 'deps names the origin itself';
    if (typeof id !== 'string' || !EVENT_ID_PATTERN.test(id))
      return `deps[${quote(node)}] is not an event id`;
    parsed[node] = id;
  }
  return parsed;
}

/**
 * Parses an untrusted value (e.g. from `JSON.parse`) as a signed envelope, strictly (LOG2,
 * LOG11). An `id` field is tolerated and dropped; any other unknown field is refused. The
 * signature is not checked here (`verifyEventSignature`), nor the chain (`checkChain`).
 */
export function parseEnvelope(input: unknown): EnvelopeParseResult {
  if (!isPlainObject(input)) return malformed('envelope is not a JSON object');
  // Version first: a future envelope with new fields is "bad-version", not "malformed".
  if (Object.hasOwn(input, 'v') && input.v !== ENVELOPE_VERSION) {
    return {
      ok: false,
      rejection: rejection('bad-version', `unsupported envelope version ${quote(describeValue(input.v))}`),
    };
  }
  for (const key of Object.keys(input)) {
    if (!KNOWN_FIELDS.has(key)) return malformed(`unknown field ${quote(key)}`);
  }
  for (const field of ENVELOPE_FIELDS) {
    if (!Object.hasOwn(input, field)) return malformed(`missing field "${field}"`);
  }
  const { line, origin, seq, prev, clock, ts, author, type, body, sig } = input;
  if (typeof line !== 'string' || !LINE_ID_PATTERN.test(line)) return malformed('line is not a line id');
  if (typeof origin !== 'string' || !NODE_ID_PATTERN.test(origin))
    return malformed('origin is not a node id');
  if (!isCount(seq)) return malformed('seq is not an integer ≥ 1');
  let prevId: string | null = null;
  if (seq === 1) {
    if (prev !== null) return malformed('prev must be null when seq is 1');
  } else {
    if (typeof prev !== 'string' || !EVENT_ID_PATTERN.test(prev)) return malformed('prev is not an event id');
    prevId = prev;
  }
  if (!isCount(clock)) return malformed('clock is not an integer ≥ 1');
  const deps = parseDeps(input.deps, origin);
  if (typeof deps === 'string') return malformed(deps);
  if (!isTimestamp(ts)) return malformed('ts is not an RFC 3339 UTC timestamp with milliseconds');
  if (!isAuthor(author, origin)) return malformed('author is neither the origin nor user@origin');
  if (typeof type !== 'string' || type.length > MAX_EVENT_TYPE_LENGTH || !EVENT_TYPE_PATTERN.test(type)) {
    return malformed('type is not a dotted event type');
  }
  if (!isPlainObject(body)) return malformed('body is not a JSON object');
  let bodyText: string;
  try {
    bodyText = canonicalize(body);
  } catch (error) {
    if (error instanceof CanonicalizationError) return malformed(`body: ${error.message}`);
    throw error;
  }
  // Cheap bound first: a UTF-16 code unit takes at most 3 UTF-8 bytes.
  if (bodyText.length * 3 > MAX_BODY_BYTES && utf8Length(bodyText) > MAX_BODY_BYTES) {
    return { ok: false, rejection: rejection('body-too-large', `body exceeds ${MAX_BODY_BYTES} bytes`) };
  }
  if (typeof sig !== 'string' || !SIGNATURE_PATTERN.test(sig))
    return malformed('sig is not a base64url signature');
  return {
    ok: true,
    envelope: {
      v: ENVELOPE_VERSION,
      line,
      origin,
      seq,
      prev: prevId,
      clock,
      deps,
      ts,
      author,
      type,
      // canonicalize accepted it above, so it is a JSON object.
      body: body as JsonObject,
      sig,
    },
  };
}

const utf8 = new TextEncoder();

function utf8Length(text: string): number {
  return utf8.encode(text).length;
}
