/**
 * Client of the node's HTTP API (`/api/v1`, same origin, JSON).
 *
 * Requests carry the session cookie and, when one is held, `Authorization: Bearer <token>`
 * (the token lives in sessionStorage, so it ends with the tab), and `X-Liaison-Request: 1`,
 * which tells the node they come from the console's own page (CSRF check, SEC2). A 4xx
 * answer's `{error, message, fields?}` envelope (SEC3) becomes an `ApiError`.
 */
import type { Language } from '../../src/core/phrasebook/types.ts';
import type { LiaisonEvent, LinkState, MessageState, Precedence, Role } from '../../src/core/types.ts';
import { t } from './strings.ts';

const API_BASE = '/api/v1';
const TOKEN_KEY = 'liaison.token';

/** The header every request of the console carries, raw `fetch` calls included (SEC2 CSRF check). */
export const CONSOLE_REQUEST_HEADERS: Readonly<Record<string, string>> = { 'X-Liaison-Request': '1' };

/** The signed-in user. */
export interface User {
  username: string;
  role: Role;
  /** The user's node id. */
  node: string;
  /** The language they read templated messages in (HOT6); nodes before it send none. */
  language?: Language;
}

/** This node. */
export interface NodeInfo {
  nodeId: string;
  name: string;
}

/** `GET /me`. */
export interface Me {
  user: User;
  node: NodeInfo;
}

/** A line readable by the user (HOT1). */
export interface Line {
  id: string;
  kind: 'hotline' | 'thread' | 'local';
  title: string;
  members: string[];
}

/** The state of one message (HOT3), from `GET /lines/:id/messages` or a stream `state` frame. */
export interface MessageStatus {
  /** The message.posted event id. */
  id: string;
  /** The message's line (nodes that report it). */
  line?: string;
  precedence?: Precedence;
  state: MessageState;
  deliveredAt: string | null;
  /** Node id → when that node stored the message. */
  deliveredTo: Record<string, string>;
  seenAt: string | null;
  ackedAt: string | null;
  ackedBy: string | null;
  deadline: string | null;
  overdueAt: string | null;
}

/** A peer link (FED7). */
export interface Peer {
  nodeId: string;
  name: string;
  state: LinkState;
  rttMs: number | null;
  queue: number;
  lastHeartbeatAt: string | null;
  /** When the link entered its current state. */
  since: string | null;
  /** Estimated offset of the peer's clock from ours, from its heartbeats (FED7); null before one. */
  clockOffsetMs?: number | null;
  /** The node's own FED7 skew alarm: the last measured offset was over 2 s (kept while the link is down). */
  skewAlarm?: boolean;
  /** When the oldest event waiting for this peer was written; null when nothing waits. */
  oldestQueuedAt?: string | null;
  /** The last time a link with this peer was refused, and why (FED2, FED10). */
  lastRefusal?: LinkRefusal | null;
  /** The pairing was ended (FED1): the hotline is closed and the link refused. */
  unpaired?: boolean;
  /** The peer's IANA time zone, from its hello (CON2); null or absent until it announced one. */
  timeZone?: string | null;
}

/** Why a link with a peer was refused (a certificate or key that does not match the card, FED2). */
export interface LinkRefusal {
  /** Kebab-case reason, e.g. `bad-certificate`, `bad-proof`, `unknown-node`. */
  code: string;
  /** The reason in words, as the node logged it. */
  message: string;
  /** True when the peer refused us; false when our node refused the peer. */
  byPeer: boolean;
  at: string;
}

/** One pairing (FED1), from `GET /pairing`. */
export interface Pairing {
  nodeId: string;
  name: string;
  /** The short code both consoles show, e.g. `1234 5678 9012`, compared by voice. */
  safetyCode: string;
  keyFingerprint: string;
  tlsFingerprint: string;
  pairedAt: string;
}

/** An origin that signed two different events for one seq on a line (LOG9), not yet resolved. */
export interface Equivocation {
  /** The number to resolve it by. */
  id: number;
  line: string;
  origin: string;
  seq: number;
  /** The event this node holds for that seq. */
  heldId: string;
  /** The other signed event, kept as proof. */
  conflicting: LiaisonEvent;
  /** The peer that sent the conflicting event, when it came over a link. */
  reportedBy: string | null;
  detectedAt: string;
}

/** `GET /alarms`: what stops this node from accepting or writing events until someone acts. */
export interface Alarms {
  equivocations: Equivocation[];
  /** Why this node refuses to write (after a restore from backup, LOG9); null when it writes. */
  appendsHeld: string | null;
}

/** The body of a `message.posted` event. */
export interface MessageBody {
  /** Free text, or for a templated message its English rendering (the fallback). */
  text: string;
  precedence: Precedence;
  deadline: string;
  /** A phrasebook message (HOT6): rendered by each reader in their own language. */
  template?: { id: string; params: unknown };
}

/** One invalid input field, as named by a 4xx answer. */
export interface FieldError {
  path: string;
  message: string;
}

/** `GET /lines/:id/events`: the latest events in LOG7 order and the arrival cursor. */
export interface EventPage {
  events: LiaisonEvent[];
  cursor: number;
}

/** An answer that is not a success, or no answer at all (`status` 0). */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** HTTP status, or 0 when the node could not be reached. */
    readonly status: number,
    /** The kebab-case error code, e.g. `bad-credentials`. */
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
    /** The rest of the node's answer, e.g. `enrolmentToken` or `retryAfterSeconds` (SEC2, SEC4). */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Turns a failed response into an ApiError, keeping the node's own code and message when it sent them. */
async function toApiError(response: Response): Promise<ApiError> {
  let payload: unknown = null;
  try {
    payload = await response.json();
  } catch {
    // Not JSON (a proxy's error page, for instance): fall back to a generic message.
  }
  if (isRecord(payload) && typeof payload.error === 'string' && typeof payload.message === 'string') {
    const fields = Array.isArray(payload.fields) ? (payload.fields as FieldError[]) : [];
    return new ApiError(response.status, payload.error, payload.message, fields, payload);
  }
  return new ApiError(
    response.status,
    `http-${response.status}`,
    t('error.http', { status: response.status }),
  );
}

/** Sends one request and returns the parsed JSON body as `T` (the node's API is the contract). */
export async function request<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT',
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...CONSOLE_REQUEST_HEADERS };
  const token = readToken();
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${API_BASE}${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', t('error.network'));
  }
  if (!response.ok) throw await toApiError(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

function readToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function writeToken(token: string | null): void {
  try {
    if (token === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Storage may be disabled; the httpOnly cookie still authenticates.
  }
}

/** Credentials for `POST /auth/login`; `totp` or `recoveryCode` only once the node asked for it. */
export interface LoginRequest {
  username: string;
  password: string;
  totp?: string;
  /** A single-use recovery code in place of the TOTP code (SEC2). */
  recoveryCode?: string;
}

/** Signs in and keeps the bearer token for later requests. */
export async function login(credentials: LoginRequest): Promise<User> {
  const answer = await request<{ token: string; user: User }>('POST', '/auth/login', credentials);
  writeToken(answer.token);
  return answer.user;
}

/** What the enrolment screen shows (SEC2): the secret as a QR code (a `data:` URL) and as text. */
export interface TotpEnrolment {
  account: string;
  secret: string;
  otpauthUri: string;
  qrCode: string;
  expiresAt: string;
}

/** The secret of the enrolment the node opened with `totp-enrolment-required`. */
export function fetchTotpEnrolment(enrolmentToken: string): Promise<TotpEnrolment> {
  return request<TotpEnrolment>('POST', '/auth/totp/enrolment', { enrolmentToken });
}

/**
 * Confirms an enrolment with a code from the app; signs in and resolves with the user and the
 * ten recovery codes, shown once.
 */
export async function confirmTotpEnrolment(
  enrolmentToken: string,
  code: string,
): Promise<{ user: User; recoveryCodes: string[] }> {
  const answer = await request<{ token: string; user: User; recoveryCodes: string[] }>(
    'POST',
    '/auth/totp/confirm',
    { enrolmentToken, code },
  );
  writeToken(answer.token);
  return { user: answer.user, recoveryCodes: answer.recoveryCodes };
}

/** Ends every session of the signed-in user, on every device (SEC2). */
export async function logoutEverywhere(): Promise<void> {
  try {
    await request<unknown>('POST', '/auth/logout-all', {});
  } finally {
    writeToken(null);
  }
}

/** Signs out; the local token is dropped even when the node cannot be reached. */
export async function logout(): Promise<void> {
  try {
    await request<unknown>('POST', '/auth/logout');
  } finally {
    writeToken(null);
  }
}

/** The signed-in user and this node; rejects with status 401 when nobody is signed in. */
export function fetchMe(): Promise<Me> {
  return request<Me>('GET', '/me');
}

/** Changes the signed-in user's own language (HOT6, CON4); resolves with the updated `/me`. */
export function patchMyLanguage(language: Language): Promise<Me> {
  return request<Me>('PATCH', '/me', { language });
}

/** Lines the user may read. */
export function fetchLines(): Promise<Line[]> {
  return request<Line[]>('GET', '/lines');
}

/** The latest `limit` events of a line, in LOG7 order, with the arrival cursor to stream from. */
export function fetchLineEvents(lineId: string, limit = 500): Promise<EventPage> {
  return request<EventPage>('GET', `/lines/${encodeURIComponent(lineId)}/events?limit=${limit}`);
}

/** States of a line's latest messages. */
export function fetchMessageStates(lineId: string, limit = 500): Promise<MessageStatus[]> {
  return request<MessageStatus[]>('GET', `/lines/${encodeURIComponent(lineId)}/messages?limit=${limit}`);
}

/** The state of one message, by its event id. */
export function fetchMessageStatus(messageId: string): Promise<MessageStatus> {
  return request<MessageStatus>('GET', `/messages/${encodeURIComponent(messageId)}`);
}

/** Posts a free-text message; resolves with the stored `message.posted` event (LOG10). */
export function postMessage(lineId: string, text: string, precedence: Precedence): Promise<LiaisonEvent> {
  return request<LiaisonEvent>('POST', `/lines/${encodeURIComponent(lineId)}/messages`, { text, precedence });
}

/**
 * Posts a phrasebook message (HOT6): a template id and its typed parameters; every reader's
 * console renders it in their own language. Rejects with `invalid-template` (400, `fields`
 * naming each bad parameter).
 */
export function postTemplatedMessage(
  lineId: string,
  template: string,
  params: Record<string, unknown>,
  precedence: Precedence,
): Promise<LiaisonEvent> {
  return request<LiaisonEvent>('POST', `/lines/${encodeURIComponent(lineId)}/messages`, {
    template,
    params,
    precedence,
  });
}

/**
 * Acknowledges a peer's message (HOT3) with an optional short reply; resolves with the stored
 * `message.acknowledged` event. Rejects with `own-message` (409) for our own node's messages,
 * `already-acknowledged` (409), or 403 for roles that may not acknowledge.
 */
export function postAcknowledgement(messageId: string, text?: string): Promise<LiaisonEvent> {
  const body = text === undefined || text.trim() === '' ? {} : { text: text.trim() };
  return request<LiaisonEvent>('POST', `/messages/${encodeURIComponent(messageId)}/ack`, body);
}

/**
 * Tells the node a person here has opened a peer's message (HOT3 "seen"); resolves with the
 * message's state. The node ignores repeats and our own messages.
 */
export function postSeen(messageId: string): Promise<MessageStatus> {
  return request<MessageStatus>('POST', `/messages/${encodeURIComponent(messageId)}/seen`, {});
}

/** The state of every peer link. */
export function fetchPeers(): Promise<Peer[]> {
  return request<Peer[]>('GET', '/peers');
}

/** The safety code and fingerprints of each paired node (FED1). */
export function fetchPairing(): Promise<Pairing[]> {
  return request<Pairing[]>('GET', '/pairing');
}

/** One link drill and its answer (FED8), as `GET /drills` computes it from the record. */
export interface DrillResult {
  drill: string;
  line: string;
  sentBy: string;
  sentEvent: string;
  sentAt: string;
  answeredBy: string | null;
  answeredAt: string | null;
  /** From sending to the answer's arrival back at the sender, on the sender's clock. */
  roundTripMs: number | null;
  state: 'answered' | 'pending' | 'missed';
}

/** The latest drills on every hotline, newest first. */
export function fetchDrills(limit = 20): Promise<DrillResult[]> {
  return request<DrillResult[]>('GET', `/drills?limit=${limit}`);
}

/** Runs a drill on `line` now (FED8); the answer arrives as events. */
export function runDrill(line: string): Promise<unknown> {
  return request<unknown>('POST', '/drills', { line });
}

/** Unresolved equivocations and whether this node holds its own writes (LOG9). */
export function fetchAlarms(): Promise<Alarms> {
  return request<Alarms>('GET', '/alarms');
}

/**
 * Marks an equivocation resolved with a written resolution (admin only, LOG9). Rejects with
 * 404 `unknown-equivocation` when it is already resolved, 403 for other roles.
 */
export function postResolveEquivocation(id: number, resolution: string): Promise<unknown> {
  return request<unknown>('POST', `/admin/equivocations/${encodeURIComponent(String(id))}/resolve`, {
    resolution: resolution.trim(),
  });
}

/** One open item listed in a handover (HOT5), with its state now. */
export interface HandoverItem {
  message: string;
  line: string;
  origin: string;
  precedence: Precedence;
  postedAt: string;
  deadline: string;
  /** `to-acknowledge`: a peer's message awaiting our acknowledgement; `awaiting-peer`: ours awaiting theirs. */
  kind: 'to-acknowledge' | 'awaiting-peer';
  state: MessageState | null;
  /** The message's text (its English rendering for a phrasebook message), cut at 500 characters. */
  text: string | null;
}

/** One change of a duty desk (HOT5). */
export interface DutyChange {
  change: string;
  n: number;
  kind: 'taken' | 'handed-over';
  node: string;
  at: string;
  by: string;
  from: string | null;
  to: string;
  note: string | null;
  openItemCount: number;
}

/** One node's duty desk: who holds it since when, and its latest changes (newest first). */
export interface DutyDesk {
  node: string;
  name: string;
  isSelf: boolean;
  holder: string | null;
  since: string | null;
  history: DutyChange[];
}

/** `GET /duty`: every desk, this node's first, and the handover its holder received, if any. */
export interface DutyRoster {
  desks: DutyDesk[];
  handover: (Omit<DutyChange, 'openItemCount'> & { openItems: HandoverItem[]; more: number }) | null;
}

/** A user of this node, for choosing the next officer (HOT5). */
export interface NodeUser {
  username: string;
  role: Role;
  mayHoldDesk: boolean;
}

/** Who holds each desk (HOT5). */
export function fetchDuty(): Promise<DutyRoster> {
  return request<DutyRoster>('GET', '/duty');
}

/** The signed-in officer takes this node's desk; rejects with 409 `already-on-duty`. */
export function takeDesk(): Promise<unknown> {
  return request<unknown>('POST', '/duty/take', {});
}

/** Hands this node's desk to `to` (a username) with an optional note and the open items. */
export function handOverDesk(to: string, note: string): Promise<unknown> {
  const trimmed = note.trim();
  return request<unknown>('POST', '/duty/handover', trimmed === '' ? { to } : { to, note: trimmed });
}

/** This node's users and whether each may hold the desk. */
export function fetchUsers(): Promise<NodeUser[]> {
  return request<NodeUser[]>('GET', '/users');
}

/**
 * Adds a translation of a free-text message (HOT6); resolves with the signed
 * `message.translated` event. Rejects with 409 `templated-message`, 403 for roles that may not.
 */
export function postTranslation(messageId: string, language: Language, text: string): Promise<LiaisonEvent> {
  return request<LiaisonEvent>('POST', `/messages/${encodeURIComponent(messageId)}/translations`, {
    language,
    text: text.trim(),
  });
}

/** Durations in ms of one figure of the reliability report (HOT8); nearest-rank percentiles. */
export interface ReportDurations {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

/** Acknowledgements of one precedence (or all) in the reliability report. */
export interface ReportAcks {
  messages: number;
  acknowledged: number;
  withinDeadline: number;
  answerRatePercent: number | null;
  timeToAckMs: ReportDurations;
}

/** The traffic figures of one direction, or both, in the reliability report. */
export interface ReportTraffic {
  messages: number;
  delivery: {
    delivered: number;
    notDelivered: number;
    latencyMs: ReportDurations;
    histogram: { upToMs: number | null; count: number }[];
  };
  acknowledgement: { total: ReportAcks; byPrecedence: Record<Precedence, ReportAcks> };
  overdue: { overdue: number; unacknowledgedAtEnd: number; escalated: number; escalationSteps: number };
  drills: {
    sent: number;
    answered: number;
    missed: number;
    pending: number;
    answerRatePercent: number | null;
    roundTripMs: ReportDurations;
  };
}

/** Link uptime of one view (or both combined) in the reliability report. */
export interface ReportUptime {
  observedMs: number;
  upMs: number;
  degradedMs: number;
  downMs: number;
  unknownMs: number;
  upPercent: number | null;
  availablePercent: number | null;
  outages: number;
}

/** `GET /reports/reliability` (HOT8): figures computed from the record, the same on both nodes. */
export interface ReliabilityReport {
  node: string;
  peer: string;
  generatedAt: string;
  figures: {
    line: string;
    members: string[];
    period: { from: string; to: string };
    uptime: {
      views: (ReportUptime & { node: string; peer: string })[];
      combined: ReportUptime;
      daily: { day: string; upPercent: number | null; availablePercent: number | null }[];
    };
    directions: (ReportTraffic & { from: string; to: string })[];
    overall: ReportTraffic;
  };
  completeness: { isComplete: boolean; missing: { kind: string; message: string }[] };
  /** SHA-256 of the canonical JSON of `figures`: compare it with the peer's printed report. */
  digest: string;
}

function reliabilityQuery(peer: string, from: string, to: string): string {
  return new URLSearchParams({ peer, from, to }).toString();
}

/** The reliability report for the hotline with `peer` over [from, to) (ISO instants). */
export function fetchReliabilityReport(peer: string, from: string, to: string): Promise<ReliabilityReport> {
  return request<ReliabilityReport>('GET', `/reports/reliability?${reliabilityQuery(peer, from, to)}`);
}

/** The printable page of the same report (opened in a new tab; the session cookie authenticates it). */
export function reliabilityReportPageUrl(peer: string, from: string, to: string): string {
  return `${API_BASE}/reports/reliability?${reliabilityQuery(peer, from, to)}&format=html`;
}

/** The level a call is asked at (HOT7). */
export type CallLevel = 'duty-officer' | 'director' | 'minister';
/** An answer to a call request (HOT7). */
export type CallAnswer = 'accept' | 'propose' | 'decline';
/** Where a call request stands (HOT7); the last four are closed. */
export type CallRequestState = 'open' | 'proposed' | 'agreed' | 'declined' | 'cancelled' | 'overdue';

/** A call request as `GET /call-requests` lists it (HOT7). */
export interface CallRequest {
  request: string;
  line: string;
  requester: string;
  requestedBy: string;
  requestedAt: string;
  level: CallLevel;
  topic: string;
  urgency: Precedence;
  proposedAt: string | null;
  deadline: string;
  state: CallRequestState;
  turn: 'requester' | 'peer' | null;
  /** The time on the table: the requester's, the latest proposal's, or the agreed one. */
  time: string | null;
  agreedTime: string | null;
  answers: {
    node: string;
    by: string;
    at: string;
    answer: CallAnswer;
    time: string | null;
    reason: string | null;
  }[];
  closedAt: string | null;
  closedBy: string | null;
  /** This node's side. */
  side: 'requester' | 'peer';
  /** The nodes whose answer is awaited now. */
  awaiting: string[];
  /** The answers this node may give now. */
  mayAnswer: CallAnswer[];
}

/** What a desk asks for (HOT7). */
export interface CallRequestInput {
  line: string;
  level: CallLevel;
  topic: string;
  urgency: Precedence;
  proposedAt?: string;
}

/** Every call request on this node's hotlines, newest first (HOT7). */
export async function fetchCallRequests(): Promise<CallRequest[]> {
  return (await request<{ requests: CallRequest[] }>('GET', '/call-requests')).requests;
}

/** Asks the peer for a call; rejects with 400 naming the fields, 409 `line-closed`. */
export function postCallRequest(input: CallRequestInput): Promise<unknown> {
  return request<unknown>('POST', '/call-requests', input);
}

/** Answers a call request; rejects with 409 `not-your-turn`, `request-closed`, `time-passed`. */
export function answerCallRequest(
  id: string,
  answer: CallAnswer,
  options: { at?: string; reason?: string } = {},
): Promise<unknown> {
  return request<unknown>('POST', `/call-requests/${encodeURIComponent(id)}/answer`, { answer, ...options });
}
