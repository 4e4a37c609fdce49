/**
 * One route fuzzed (SEC3): fast-check draws requests from the route's spec (routes.ts) — who
 * sends it, the path with odd ids, a hostile query, hostile headers, a broken body — sends each
 * to the node in process (`app.inject`) and checks what a client and the record see:
 *
 * - never a 5xx: every answer is a 2xx/3xx, or a 4xx in the SEC3 envelope
 *   `{"error": "kebab-code", "message": "…", "fields"?: [{path, message}]}`, with at most plain
 *   details beside it (a 429's `retryAfterSeconds`, SEC4);
 * - a refused request, and any GET, adds nothing to the record but its audit entry (SEC5);
 * - nothing the request did made the node log an error.
 *
 * `FUZZ_RUNS` sets the requests per route (default 1000; `npm run fuzz`: 100,000), `FUZZ_SEED`
 * replays a run. Progress is printed per tenth of a route when the runs are many.
 */
import fc from 'fast-check';
import type { RunningNode } from '../../../src/node/node.ts';
import { ACTORS, type Actor, describeEvents, isAuditEntry, markRecord, newEventsSince } from './fuzzNodes.ts';
import { type HostileBody, hostileBody, hostileQuery, hostileSegment, jsonText } from './hostile.ts';
import { knownIds, type RouteSpec, SHAPED_IDS } from './routes.ts';
import type { SeedTargets } from './seed.ts';

/** Requests per route: `FUZZ_RUNS`, default 1000 (CI). */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
/** A fixed seed (`FUZZ_SEED`) replays a run: a failure names the seed it ran with. */
export const FUZZ_SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

/** What the fuzzer knows of the node under test. */
export interface HttpFuzzTarget {
  node: RunningNode;
  tokens: Partial<Record<Actor, string>>;
  targets: SeedTargets;
  errorLogs: string[];
}

/** One request as the fuzzer made it. */
export interface HttpCase {
  actor: Actor;
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body: HostileBody;
}

/** The keys of the SEC3 envelope; beside them an error may carry plain details (`retryAfterSeconds`, SEC4). */
const ENVELOPE_KEYS = new Set(['error', 'message', 'fields']);
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Why an error answer is not the SEC3 envelope, or null when it is. */
export function envelopeProblem(body: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'the error body is not JSON';
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return 'the error body is not an object';
  const envelope = parsed as Record<string, unknown>;
  const nested = Object.keys(envelope).filter(
    (key) => !ENVELOPE_KEYS.has(key) && !['string', 'number'].includes(typeof envelope[key]),
  );
  if (nested.length > 0)
    return `the error body has more than plain details beside the envelope: ${nested.join(', ')}`;
  if (typeof envelope.error !== 'string' || !KEBAB.test(envelope.error))
    return 'error is not a kebab-case code';
  if (typeof envelope.message !== 'string' || envelope.message.length === 0) return 'message is not a text';
  if (envelope.fields !== undefined) {
    const isFieldList =
      Array.isArray(envelope.fields) &&
      envelope.fields.every(
        (field: unknown) =>
          field !== null &&
          typeof field === 'object' &&
          typeof (field as { path?: unknown }).path === 'string' &&
          typeof (field as { message?: unknown }).message === 'string',
      );
    if (!isFieldList) return 'fields is not a list of {path, message}';
  }
  return null;
}

/** Header-safe garbage: printable ASCII. */
const headerText = fc.stringMatching(/^[\x21-\x7e]{0,300}$/);

/** How a signed-in actor presents its session: mostly a bearer token; also the cookie, or the query. */
function signedInHeaders(
  token: string,
): fc.Arbitrary<{ headers: Record<string, string>; queryToken?: string }> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant({ headers: { authorization: `Bearer ${token}` } }) },
    { weight: 1, arbitrary: fc.constant({ headers: { cookie: `liaison_session=${token}` } }) },
    {
      weight: 1,
      arbitrary: fc.constant({ headers: { cookie: `liaison_session=${token}`, 'x-liaison-request': '1' } }),
    },
    { weight: 1, arbitrary: fc.constant({ headers: {}, queryToken: token }) },
  );
}

/** What an outsider sends instead of a session. */
const outsiderHeaders: fc.Arbitrary<{ headers: Record<string, string>; queryToken?: string }> = fc.oneof(
  fc.constant({ headers: {} }),
  headerText.map((junk) => ({ headers: { authorization: `Bearer ${junk}` } })),
  fc.constant({ headers: { authorization: `Bearer ${'x'.repeat(5_000)}` } }),
  fc.constant({ headers: { authorization: 'Basic YWRtaW46bGlhaXNvbi10ZXN0' } }),
  fc.constant({ headers: { authorization: 'Bearer' } }),
  headerText.map((junk) => ({ headers: { cookie: `liaison_session=${junk}; liaison_session=` } })),
  headerText.map((junk) => ({ headers: {}, queryToken: junk })),
);

/** Headers any request may carry besides its session. */
const extraHeaders: fc.Arbitrary<Record<string, string>> = fc
  .array(
    fc.oneof(
      fc.constantFrom<[string, string]>(
        ['sec-fetch-site', 'cross-site'],
        ['sec-fetch-site', 'same-site'],
        ['sec-fetch-site', 'same-origin'],
        ['x-liaison-request', '1'],
        ['accept-language', 'zh-CN,ja;q=0.5'],
        ['x-forwarded-for', '10.0.0.1, 127.0.0.1'],
        ['accept', 'text/html'],
        ['origin', 'https://evil.example'],
      ),
      fc.tuple(fc.stringMatching(/^x-[a-z-]{1,20}$/), headerText),
    ),
    { maxLength: 3 },
  )
  .map((pairs) => Object.fromEntries(pairs));

/** A body of raw bytes for the upload route: around the fuzz node's blob limit, or not bytes at all. */
const uploadBody: fc.Arbitrary<HostileBody> = fc.oneof(
  fc
    .tuple(
      fc.uint8Array({ maxLength: 6_000 }),
      fc.constantFrom('application/octet-stream', 'application/octet-stream; x=1'),
    )
    .map(([bytes, contentType]): HostileBody => ({ kind: 'bytes', bytes, contentType })),
  hostileBody({}),
);

/** The request's body: the route's sample broken, raw bytes for an upload, or (for GET) mostly none. */
function bodyFor(
  spec: RouteSpec,
  method: HttpCase['method'],
  targets: SeedTargets,
): fc.Arbitrary<HostileBody> {
  if (method === 'GET' || method === 'HEAD')
    return fc.oneof({ weight: 9, arbitrary: fc.constant<HostileBody>({ kind: 'none' }) }, hostileBody({}));
  if (spec.isUpload) return uploadBody;
  const bodies = hostileBody(spec.body?.(targets) ?? {});
  if (!spec.hashesPassword) return bodies;
  // Strict schemas refuse an unknown field: the handler never runs, so nothing is hashed.
  return bodies.map((body): HostileBody => {
    if (body.kind === 'none') return { kind: 'json', value: { 'fuzz-never-valid': true } };
    if (
      body.kind !== 'json' ||
      body.value === null ||
      typeof body.value !== 'object' ||
      Array.isArray(body.value)
    )
      return body;
    return { kind: 'json', value: { ...body.value, 'fuzz-never-valid': true } };
  });
}

/** The route's path with each parameter drawn from ids the node holds, id-shaped ones and hostile ones. */
function pathFor(spec: RouteSpec, targets: SeedTargets): fc.Arbitrary<string> {
  const [, path = '/'] = spec.route.split(' ');
  const names = [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1] ?? '');
  if (names.length === 0) return fc.constant(path);
  const segments = names.map((name) => {
    const kind = spec.params?.[name] ?? 'line';
    return hostileSegment(knownIds(targets, kind), SHAPED_IDS[kind]);
  });
  return fc.tuple(...segments).map((values) => {
    let filled = path;
    names.forEach((name, index) => {
      filled = filled.replace(`:${name}`, values[index] ?? '');
    });
    return filled;
  });
}

/** Requests for one route, as fast-check draws them (each part built once: `chain` would rebuild it per request). */
export function requestsFor(spec: RouteSpec, target: HttpFuzzTarget): fc.Arbitrary<HttpCase> {
  const [routeMethod = 'GET'] = spec.route.split(' ');
  const method: fc.Arbitrary<HttpCase['method']> =
    routeMethod === 'GET'
      ? fc.oneof({ weight: 6, arbitrary: fc.constant('GET' as const) }, fc.constant('HEAD' as const))
      : fc.constant(routeMethod as HttpCase['method']);
  const actors = spec.actors ?? ACTORS;
  const session = fc.oneof(
    ...actors.map((actor) => {
      const token = target.tokens[actor];
      return (token ? signedInHeaders(token) : outsiderHeaders).map((auth) => ({ actor, ...auth }));
    }),
  );
  const values = spec.query?.values?.(target.targets) ?? [];
  const query = hostileQuery(spec.query?.keys ?? [], values);
  const body = bodyFor(spec, routeMethod as HttpCase['method'], target.targets);
  return fc
    .tuple(method, pathFor(spec, target.targets), query, session, extraHeaders, body)
    .map(([m, path, search, auth, extra, b]): HttpCase => {
      const tokenPart = auth.queryToken === undefined ? '' : `token=${encodeURIComponent(auth.queryToken)}`;
      const joined = tokenPart ? `${search}${search ? '&' : '?'}${tokenPart}` : search;
      return {
        actor: auth.actor,
        method: m,
        url: `${path}${joined}`,
        headers: { ...extra, ...auth.headers },
        body: b,
      };
    });
}

/** The case as a short text for a failure message. */
export function describeCase(c: HttpCase): string {
  const body =
    c.body.kind === 'none'
      ? '(none)'
      : c.body.kind === 'json'
        ? jsonText(c.body.value)
        : c.body.kind === 'text'
          ? `[${c.body.contentType}] ${c.body.text}`
          : `[${c.body.contentType}] ${c.body.bytes.length} bytes`;
  const headers = Object.keys(c.headers).join(', ');
  return `${c.method} ${c.url.slice(0, 400)} as ${c.actor} (headers: ${headers}) body: ${body.slice(0, 600)}${body.length > 600 ? `… (${body.length} chars)` : ''}`;
}

/** Sends one case; throws when the answer or the record breaks SEC3; returns the status. */
async function sendCase(c: HttpCase, target: HttpFuzzTarget): Promise<number> {
  const { node } = target;
  const mark = await markRecord(node);
  const loggedBefore = target.errorLogs.length;
  const headers = { ...c.headers };
  let payload: string | Buffer | undefined;
  if (c.body.kind === 'json') {
    payload = jsonText(c.body.value);
    headers['content-type'] = 'application/json';
  } else if (c.body.kind !== 'none') {
    payload = c.body.kind === 'text' ? c.body.text : Buffer.from(c.body.bytes);
    if (c.body.contentType) headers['content-type'] = c.body.contentType;
  }
  const response = await node.app.inject({
    method: c.method,
    url: c.url,
    headers,
    ...(payload === undefined ? {} : { payload }),
  });
  const status = response.statusCode;
  if (status >= 500) throw new Error(`answered ${status}: ${response.body.slice(0, 500)}`);
  const isRefused = status >= 400;
  if (isRefused && c.method !== 'HEAD') {
    const problem = envelopeProblem(response.body);
    if (problem)
      throw new Error(
        `answered ${status} outside the SEC3 envelope (${problem}): ${response.body.slice(0, 300)}`,
      );
  }
  if (isRefused || c.method === 'GET' || c.method === 'HEAD') {
    const added = (await newEventsSince(node, mark)).filter((event) => !isAuditEntry(event));
    if (added.length > 0)
      throw new Error(
        `answered ${status} but the record changed: ${describeEvents(added)} (${response.body.slice(0, 200)})`,
      );
  }
  const logged = target.errorLogs.slice(loggedBefore);
  if (logged.length > 0)
    throw new Error(`answered ${status} and the node logged an error: ${logged.join('\n').slice(0, 800)}`);
  return status;
}

/** The statuses of a route's answers as one line: `201×12, 400×903, 403×85`. */
export function describeStatuses(statuses: Map<number, number>): string {
  return [...statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status}×${count}`)
    .join(', ');
}

/**
 * Fuzzes one route with `runs` requests; throws a readable failure with the case and the seed.
 * Returns how many answers had each status (how deep the requests got).
 */
export async function fuzzRoute(
  spec: RouteSpec,
  target: HttpFuzzTarget,
  runs = FUZZ_RUNS,
): Promise<Map<number, number>> {
  let done = 0;
  const statuses = new Map<number, number>();
  const tenth = Math.max(1, Math.floor(runs / 10));
  const showProgress = runs >= 10_000;
  const property = fc.asyncProperty(requestsFor(spec, target), async (c) => {
    const status = await sendCase(c, target);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    done += 1;
    if (showProgress && done % tenth === 0) process.stderr.write(`  ${spec.route}: ${done}/${runs}\n`);
  });
  const details = await fc.check(property, {
    numRuns: runs,
    endOnFailure: true,
    ...(FUZZ_SEED === undefined ? {} : { seed: FUZZ_SEED }),
  });
  if (!details.failed) return statuses;
  const [c] = details.counterexample ?? [];
  const cause =
    details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(
    `${spec.route}: ${cause}\n  request: ${c ? describeCase(c) : '(none)'}\n  after ${details.numRuns} requests; replay with FUZZ_SEED=${details.seed}`,
  );
}
