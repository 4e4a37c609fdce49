/**
 * Every route of the node's HTTP face, as the fuzz suite (SEC3) aims at it: the kind of id each
 * path parameter takes, the query keys it reads, and a valid body for the fuzzer to break.
 *
 * The list is checked against the routes the running app registers (`servedRoutes`, read from
 * Fastify's route tree): the suite fuzzes whatever the app serves, with generic hostile input
 * for a route this list does not know yet, and its first test fails until the route is added
 * here (or a route that is gone is removed) — so a new route cannot be left out.
 */

import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import type { Actor } from './fuzzNodes.ts';
import type { SeedTargets } from './seed.ts';

/** What a path parameter names. */
export type IdKind =
  | 'line'
  | 'event'
  | 'encounter'
  | 'notice'
  | 'talk'
  | 'callRequest'
  | 'call'
  | 'blob'
  | 'user'
  | 'node'
  | 'number';

export interface RouteSpec {
  /** `METHOD /path` as the app registers it. */
  route: string;
  /** Path parameter → what it names. */
  params?: Record<string, IdKind>;
  /** Query keys the route reads, and values it knows. */
  query?: { keys: string[]; values?: (targets: SeedTargets) => string[] };
  /** A valid body, for the fuzzer to break; `{}` when the route takes an empty one. */
  body?: (targets: SeedTargets) => unknown;
  /** The body is raw bytes (`application/octet-stream`), not JSON. */
  isUpload?: boolean;
  /**
   * The route hashes a password (scrypt) when its body is valid: the fuzzer never sends it a
   * valid body, so hashing stays out of the loop (and accounts keep their passwords).
   */
  hashesPassword?: boolean;
  /** Who the route is fuzzed as; default every actor. */
  actors?: readonly Actor[];
  /**
   * Its allowed writes change what the node lets the other routes do (a new key, a user's
   * rights, an unpaired peer): fuzzed after every other route, in the order listed.
   */
  isDisruptive?: boolean;
}

/** Ids shaped as each kind's pattern asks, most of them naming nothing. */
export const SHAPED_IDS: Record<IdKind, fc.Arbitrary<string>> = {
  line: fc.stringMatching(/^[a-z0-9-]{1,64}$/),
  event: fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
  encounter: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
  notice: fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
  talk: fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
  callRequest: fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
  call: fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
  blob: fc.stringMatching(/^[0-9a-f]{64}$/),
  user: fc.stringMatching(/^[a-z0-9._-]{1,64}$/),
  node: fc.stringMatching(/^[a-z0-9-]{1,32}$/),
  number: fc.oneof(
    fc.nat().map(String),
    fc.constantFrom('0', '-1', '1e3', '9007199254740993', '0x10', '1.5'),
  ),
};

/** The ids of each kind the node holds. */
export function knownIds(targets: SeedTargets, kind: IdKind): string[] {
  switch (kind) {
    case 'line':
      return targets.lines;
    case 'event':
      return [...targets.messages, ...targets.notices];
    case 'encounter':
      return targets.encounters;
    case 'notice':
      return targets.notices;
    case 'talk':
      return targets.talks;
    case 'callRequest':
      return targets.callRequests;
    case 'call':
      return targets.calls;
    case 'blob':
      return targets.blobs;
    case 'user':
      return [targets.spareUser];
    case 'node':
      return targets.nodes;
    case 'number':
      return ['1', '2'];
  }
}

const client = 'fuzz-console-2';
const noBody = () => ({});

/** The routes, grouped as the route files are. */
export const ROUTE_SPECS: readonly RouteSpec[] = [
  // The node itself (app.ts).
  { route: 'GET /healthz' },
  { route: 'GET /metrics' },
  { route: 'GET /' },
  { route: 'GET /api/v1/stream', query: { keys: ['since', 'token', 'client'] } },
  // Sign-in and second factor (authRoutes.ts).
  {
    route: 'POST /api/v1/auth/login',
    hashesPassword: true,
    body: () => ({ username: 'officer', password: 'x' }),
  },
  { route: 'POST /api/v1/auth/logout', actors: ['anonymous'], body: noBody },
  { route: 'POST /api/v1/auth/logout-all', actors: ['anonymous'], body: noBody },
  { route: 'POST /api/v1/auth/totp/enrolment', body: () => ({ enrolmentToken: 'A'.repeat(43) }) },
  {
    route: 'POST /api/v1/auth/totp/confirm',
    body: () => ({ enrolmentToken: 'A'.repeat(43), code: '123456' }),
  },
  { route: 'POST /api/v1/auth/totp/re-enrol', hashesPassword: true, body: () => ({ password: 'x' }) },
  { route: 'POST /api/v1/auth/recovery-codes', hashesPassword: true, body: () => ({ password: 'x' }) },
  { route: 'GET /api/v1/auth/second-factor' },
  // Lines, messages, events, the record (routes.ts).
  { route: 'GET /api/v1/lines' },
  { route: 'POST /api/v1/lines', body: () => ({ title: 'A new line', members: ['bravo'] }) },
  { route: 'GET /api/v1/lines/:id/events', params: { id: 'line' }, query: { keys: ['limit', 'since'] } },
  { route: 'GET /api/v1/lines/:id/messages', params: { id: 'line' }, query: { keys: ['limit'] } },
  {
    route: 'POST /api/v1/lines/:id/messages',
    params: { id: 'line' },
    body: (t) => ({ text: 'Radio check', precedence: 'ROUTINE', attachments: t.blobs }),
  },
  { route: 'GET /api/v1/messages/:id', params: { id: 'event' } },
  { route: 'POST /api/v1/messages/:id/ack', params: { id: 'event' }, body: () => ({ text: 'Noted' }) },
  { route: 'POST /api/v1/messages/:id/seen', params: { id: 'event' }, body: noBody },
  { route: 'GET /api/v1/events/:id', params: { id: 'event' } },
  { route: 'GET /api/v1/peers' },
  { route: 'GET /api/v1/pairing' },
  { route: 'GET /api/v1/export', query: { keys: ['line'], values: (t) => t.lines } },
  { route: 'POST /api/v1/admin/pair', body: (t) => ({ card: t.bravoCard }) },
  { route: 'GET /api/v1/alarms' },
  {
    route: 'POST /api/v1/admin/equivocations/:number/resolve',
    params: { number: 'number' },
    body: () => ({ resolution: 'Checked with the peer by voice' }),
  },
  { route: 'POST /api/v1/admin/rebuild', body: noBody },
  // Users, audit, node operations (userRoutes.ts, auditRoutes.ts, adminRoutes.ts).
  { route: 'GET /api/v1/admin/users' },
  {
    route: 'POST /api/v1/admin/users',
    hashesPassword: true,
    body: () => ({ username: 'newcomer', role: 'observer', password: 'a long enough password' }),
  },
  { route: 'GET /api/v1/admin/audit', query: { keys: ['limit', 'before'] } },
  { route: 'POST /api/v1/admin/release-appends', body: noBody },
  // Drills, reports, the duty roster (drillRoutes.ts, reportRoutes.ts, dutyRoutes.ts).
  { route: 'GET /api/v1/drills', query: { keys: ['line', 'limit'], values: (t) => t.lines } },
  { route: 'POST /api/v1/drills', body: (t) => ({ line: t.lines[0] }) },
  {
    route: 'GET /api/v1/reports/reliability',
    query: {
      keys: ['peer', 'from', 'to', 'format', 'token'],
      values: () => ['bravo', 'html', 'json', '2026-01-01', '2026-01-31T00:00:00Z'],
    },
  },
  { route: 'GET /api/v1/duty' },
  { route: 'POST /api/v1/duty/take', body: noBody },
  { route: 'POST /api/v1/duty/handover', body: () => ({ to: 'supervisor', note: 'Two items open' }) },
  { route: 'GET /api/v1/users' },
  // Translations, call requests, own settings, the phrasebook.
  {
    route: 'POST /api/v1/messages/:id/translations',
    params: { id: 'event' },
    body: () => ({ language: 'ja', text: '無線確認' }),
  },
  { route: 'GET /api/v1/messages/:id/translations', params: { id: 'event' } },
  { route: 'GET /api/v1/call-requests', query: { keys: ['line'], values: (t) => t.lines } },
  {
    route: 'POST /api/v1/call-requests',
    body: (t) => ({ line: t.lines[0], level: 'director', topic: 'Fishing fleet', urgency: 'PRIORITY' }),
  },
  {
    route: 'POST /api/v1/call-requests/:id/answer',
    params: { id: 'callRequest' },
    body: () => ({ answer: 'decline', reason: 'Not today' }),
  },
  { route: 'GET /api/v1/me' },
  { route: 'PATCH /api/v1/me', body: () => ({ language: 'zh' }) },
  { route: 'GET /api/v1/phrasebook' },
  // Blobs (blobRoutes.ts).
  { route: 'POST /api/v1/blobs', isUpload: true },
  { route: 'GET /api/v1/blobs/:hash', params: { hash: 'blob' } },
  // Deadlines and escalation (escalationRoutes.ts).
  { route: 'GET /api/v1/escalation/policies' },
  { route: 'PUT /api/v1/escalation/policies', body: (t) => t.samples.policies },
  { route: 'GET /api/v1/lines/:id/deadlines', params: { id: 'line' } },
  { route: 'PUT /api/v1/lines/:id/deadlines', params: { id: 'line' }, body: () => ({ ROUTINE: '12h' }) },
  // Calls and recording (callRoutes.ts, recordingRoutes.ts).
  { route: 'GET /api/v1/calls/config' },
  { route: 'POST /api/v1/calls', body: (t) => ({ line: t.lines[0], media: 'voice', client }) },
  { route: 'GET /api/v1/calls/live' },
  { route: 'POST /api/v1/calls/:id/answer', params: { id: 'call' }, body: () => ({ client }) },
  { route: 'POST /api/v1/calls/:id/hangup', params: { id: 'call' }, body: () => ({ mediaFailed: true }) },
  {
    route: 'POST /api/v1/calls/:id/signal',
    params: { id: 'call' },
    body: () => ({ client, to: 'fuzz-console-3', kind: 'offer', data: 'v=0' }),
  },
  { route: 'GET /api/v1/calls', query: { keys: ['line', 'limit'], values: (t) => t.lines } },
  { route: 'GET /api/v1/lines/:id/call-policy', params: { id: 'line' } },
  {
    route: 'PUT /api/v1/lines/:id/call-policy',
    params: { id: 'line' },
    body: () => ({ recording: 'forbidden' }),
  },
  { route: 'POST /api/v1/calls/:id/recording', params: { id: 'call' }, body: () => ({ recording: true }) },
  {
    route: 'POST /api/v1/calls/:id/recordings',
    params: { id: 'call' },
    body: (t) => ({ blob: t.blobs[0], durationMs: 1000, mime: 'audio/webm;codecs=opus' }),
  },
  // Video talks (talkRoutes.ts).
  { route: 'POST /api/v1/talks', body: (t) => t.samples.talk },
  { route: 'GET /api/v1/talks' },
  { route: 'GET /api/v1/talks/:id', params: { id: 'talk' } },
  { route: 'POST /api/v1/talks/:id/cancel', params: { id: 'talk' }, body: () => ({ reason: 'Postponed' }) },
  { route: 'POST /api/v1/talks/:id/join', params: { id: 'talk' }, body: () => ({ client }) },
  { route: 'POST /api/v1/talks/:id/leave', params: { id: 'talk' }, body: () => ({ client }) },
  {
    route: 'POST /api/v1/talks/:id/signal',
    params: { id: 'talk' },
    body: () => ({ client, to: 'fuzz-console-3', kind: 'ice', data: 'candidate:1' }),
  },
  // Encounters, notices, dossiers (encounterRoutes.ts, dossierRoutes.ts).
  { route: 'GET /api/v1/encounters/codes' },
  { route: 'GET /api/v1/encounters' },
  { route: 'POST /api/v1/encounters', body: (t) => t.samples.report },
  { route: 'GET /api/v1/encounters/:id', params: { id: 'encounter' } },
  { route: 'PUT /api/v1/encounters/:id', params: { id: 'encounter' }, body: (t) => t.samples.report },
  {
    route: 'POST /api/v1/encounters/:id/submit',
    params: { id: 'encounter' },
    body: (t) => ({ line: t.lines[0] }),
  },
  { route: 'POST /api/v1/encounters/:id/consult', params: { id: 'encounter' }, body: noBody },
  {
    route: 'POST /api/v1/encounters/:id/close',
    params: { id: 'encounter' },
    body: () => ({ outcome: 'Both ships resumed their courses' }),
  },
  { route: 'GET /api/v1/notices' },
  { route: 'POST /api/v1/notices', body: (t) => t.samples.notice },
  { route: 'POST /api/v1/notices/:id/withdraw', params: { id: 'notice' }, body: noBody },
  {
    // `format=pdf` prints with Chromium (seconds a page; ENC5's own tests): never a known value here.
    route: 'GET /api/v1/encounters/:id/dossier',
    params: { id: 'encounter' },
    query: { keys: ['format', 'lang', 'token'], values: () => ['jsonl', 'html', 'en', 'zh', 'ja'] },
  },
  // Last: what changes the node for the routes after it.
  {
    route: 'PATCH /api/v1/admin/users/:name',
    params: { name: 'user' },
    body: () => ({ role: 'observer', disabled: true }),
    isDisruptive: true,
  },
  {
    route: 'POST /api/v1/admin/users/:name/password',
    params: { name: 'user' },
    hashesPassword: true,
    body: () => ({ password: 'another long password' }),
    isDisruptive: true,
  },
  { route: 'POST /api/v1/admin/key/rotate', body: noBody, isDisruptive: true },
  {
    route: 'POST /api/v1/admin/peers/:nodeId/unpair',
    params: { nodeId: 'node' },
    body: () => ({ reason: 'Key compromised' }),
    isDisruptive: true,
  },
];

/** A route tree line of `printRoutes({commonPrefix: false})`: its depth, path part and methods. */
const TREE_LINE = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/;

/**
 * The routes the app serves, as `METHOD /path`, read from Fastify's route tree. HEAD, which
 * Fastify adds to every GET, is left out: the fuzzer sends HEAD to GET routes too.
 */
export function servedRoutes(app: FastifyInstance): string[] {
  const routes = new Set<string>();
  const pathAtDepth: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = TREE_LINE.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    const path = `${pathAtDepth[depth - 1] ?? ''}${match[2] ?? ''}`;
    pathAtDepth[depth] = path;
    pathAtDepth.length = depth + 1;
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim())) {
      if (method && method !== 'HEAD') routes.add(`${method} ${path}`);
    }
  }
  return [...routes].sort();
}

/** The spec of a route; generic (every parameter a line id, no query keys, `{}` as body) for one not listed. */
export function specOf(route: string): RouteSpec {
  const listed = ROUTE_SPECS.find((spec) => spec.route === route);
  if (listed) return listed;
  const params = Object.fromEntries([...route.matchAll(/:([A-Za-z]+)/g)].map((m) => [m[1], 'line' as const]));
  return { route, params, body: noBody };
}

/** The routes to fuzz, in order: the ordinary ones as the app lists them, then the disruptive ones. */
export function fuzzOrder(served: readonly string[]): string[] {
  const disruptive = ROUTE_SPECS.filter((spec) => spec.isDisruptive).map((spec) => spec.route);
  return [
    ...served.filter((route) => !disruptive.includes(route)),
    ...disruptive.filter((r) => served.includes(r)),
  ];
}
