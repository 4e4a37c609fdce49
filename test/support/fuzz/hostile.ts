/**
 * Hostile input for the fuzz suite (SEC3), as fast-check arbitraries: strings that break
 * parsers and pages (control characters, lone surrogates, NUL, right-to-left marks, markup,
 * SQL, format strings, paths, very long text), numbers at the edges of JSON and of JavaScript
 * (1e400 reads as Infinity, 2^53 + 1 loses a digit, -0), JSON that is not JSON, nesting tens of
 * thousands deep, bodies over the 1 MiB limit, and `mutated(sample)`: a valid body with fields
 * dropped, replaced by the wrong type, broken inside, or joined by fields nobody asked for.
 *
 * Bodies are built as values and written as text by `jsonText`, so a `RawJson` leaf can carry
 * number literals that JSON.stringify cannot write (1e400, 123456789012345678901234567890).
 */
import fc from 'fast-check';

/** A JSON text fragment written as is in place of a value (for number literals JSON.stringify cannot write). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** What a fuzzed body is: a value to write as JSON, or raw text sent as it is. */
export type HostileBody =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string; contentType: string }
  | { kind: 'bytes'; bytes: Uint8Array; contentType: string };

/** Writes a value as JSON text, `RawJson` leaves as their text. */
export function jsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}:${jsonText(item)}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Bytes the node refuses whole (SEC3: JSON bodies over 1 MiB → 413). */
export const OVER_BODY_LIMIT = 1024 * 1024 + 16;

const SPECIAL_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '\u202eevil\u202c',
  '\ufeff',
  '\r\n\r\n',
  '<script>window.__xss=1</script>',
  '<img src=x onerror=alert(1)>',
  "'; DROP TABLE events; --",
  '" OR 1=1 --',
  '%s%s%n',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template injection is the point of this string.
  '${process.exit(1)}',
  '{{constructor.constructor("return process")()}}',
  '../../../../etc/passwd',
  '..\\..\\boot.ini',
  '__proto__',
  'constructor',
  'NaN',
  'Infinity',
  '-0',
  'null',
  'true',
  '1e400',
  '9'.repeat(400),
  '2026-02-30T25:61:61Z',
  '0000-00-00T00:00:00Z',
  '+275760-09-13T00:00:00.001Z',
  'hotline-alpha-bravo\u0000',
  '🚢🛩️👨‍👩‍👧‍👦',
  '𠜎𠜱𠝹',
  'Ｆｕｌｌｗｉｄｔｈ',
  'ﷺ',
  'e\u0301\u0301\u0301\u0301',
] as const;

/** Strings that break parsers and renderers, and ordinary ones around them (short). */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,70}$/) },
);

/** Text longer than any field takes (16,000 characters at most), in one- to four-byte characters. */
export const longString: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('x', 'é', '字', '\u0000', '🚢'), fc.integer({ min: 1_000, max: 20_000 }))
  .map(([unit, times]) => unit.repeat(times));

/** Numbers at the edges: of JSON, of doubles, of the integers the node keeps. */
export const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    1,
    0.5,
    2 ** 31,
    2 ** 32,
    2 ** 53 + 1,
    -(2 ** 53) - 1,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    Number.MIN_VALUE,
  ),
  fc.constantFrom(
    new RawJson('1e400'),
    new RawJson('-1e400'),
    new RawJson('123456789012345678901234567890'),
    new RawJson('1.00000000000000000000001'),
    new RawJson('-0.0e-0'),
    new RawJson('1E+2'),
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Keys a body should not have: unknown names, prototype names, odd text. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    '',
    'extra',
    'id',
    'admin',
    'role',
    'x'.repeat(300),
  ),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

/** Any JSON value with hostile leaves, a few levels deep. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.constantFrom(true, false, null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Text that is not JSON, or barely is. */
export const malformedJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    '{',
    '}',
    '{"text":',
    '{"text": "unterminated}',
    "{'single': 'quotes'}",
    '{"a":1,}',
    '[1,2,',
    'NaN',
    'undefined',
    '{"a": NaN}',
    '{"a": Infinity}',
    '\ufeff{}',
    '{"__proto__": {"isAdmin": true}}',
    '{"constructor": {"prototype": {"isAdmin": true}}}',
    '{"a": "\\ud800"}',
    '{"a": "\\u0000"}',
    '{"a": 1}{"b": 2}',
    'null',
    'true',
    '"just a string"',
    '12345',
  ),
  fc.string({ unit: 'binary', maxLength: 60 }),
  hostileJson.map((value) => jsonText(value).slice(0, -1)),
);

/** Arrays or objects nested thousands deep (parsers and canonical JSON recurse). */
export const deepNesting: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('[', '{"a":'),
    fc.integer({ min: 1_000, max: 30_000 }),
    fc.constantFrom('text', 'params'),
  )
  .map(([open, depth, field]) => {
    const close = open === '[' ? ']' : '}';
    return `{"${field}":${open.repeat(depth)}1${close.repeat(depth)},"precedence":"ROUTINE"}`;
  });

/** A body a little over the limit: refused whole (413) before any handler reads it. */
export const oversizedBody: fc.Arbitrary<string> = fc
  .constantFrom('text', 'title', 'card', 'narrative')
  .map((field) => `{"${field}":"${'x'.repeat(OVER_BODY_LIMIT)}"}`);

const DROP = Symbol('drop');

/** Lone surrogates, which encodeURIComponent cannot write. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Percent-encodes any string (a lone surrogate as U+FFFD; `%ED%A0%80` cases carry the raw bytes). */
export function encodeAny(text: string): string {
  return encodeURIComponent(text.replace(LONE_SURROGATE, '\ufffd'));
}

/** A value of another type than `sample`, or an edge value of the same type. */
function hostileFor(sample: unknown): fc.Arbitrary<unknown> {
  const sameType =
    typeof sample === 'string'
      ? fc.oneof(
          hostileString,
          fc.constant(`${sample}\u0000`),
          fc.constant(` ${sample} `),
          fc.constant(sample.toUpperCase()),
          fc.constant(sample.repeat(Math.ceil(17_000 / Math.max(1, sample.length)))),
          longString,
        )
      : typeof sample === 'number'
        ? hostileNumber
        : fc.constantFrom(true, false);
  return fc.oneof({ weight: 2, arbitrary: sameType }, { weight: 1, arbitrary: hostileJson });
}

/** A valid body broken: fields dropped, of the wrong type, broken inside, or unknown ones added. */
export function mutated(sample: unknown, depth = 0): fc.Arbitrary<unknown> {
  const deeper = depth < 4;
  if (Array.isArray(sample)) {
    const first = sample[0];
    return fc.oneof(
      fc.constant(sample),
      fc.constant([]),
      deeper ? fc.tuple(...sample.map((item) => mutated(item, depth + 1))) : fc.constant(sample),
      fc.integer({ min: 50, max: 20_000 }).map((count) => Array.from({ length: count }, () => first ?? null)),
      hostileJson,
    );
  }
  if (sample !== null && typeof sample === 'object') {
    const entries = Object.entries(sample).map(([key, value]) =>
      fc
        .oneof(
          { weight: 3, arbitrary: fc.constant(value) },
          { weight: 1, arbitrary: fc.constant(DROP) },
          { weight: 3, arbitrary: hostileFor(value) },
          { weight: deeper ? 2 : 0, arbitrary: mutated(value, depth + 1) },
        )
        .map((mutatedValue) => [key, mutatedValue] as const),
    );
    const extras = fc.array(fc.tuple(hostileKey, hostileJson), { maxLength: 2 });
    return fc.tuple(fc.tuple(...entries), extras).map(([kept, added]) => {
      const body: Record<string, unknown> = {};
      for (const [key, value] of kept) if (value !== DROP) body[key] = value;
      // defineProperty: `__proto__` becomes a field of the body, as JSON.parse makes it.
      for (const [key, value] of added)
        Object.defineProperty(body, key, { value, enumerable: true, configurable: true, writable: true });
      return body;
    });
  }
  return hostileFor(sample);
}

/** Content types a body may come with; only the first is what the API takes. */
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/xml',
  'application/json, text/html',
  '',
] as const;

/**
 * A request body: mostly `sample` broken, or random or malformed JSON, nesting, a body over the
 * limit, another content type, or none; rarely the sample itself (an allowed write).
 */
export function hostileBody(sample: unknown): fc.Arbitrary<HostileBody> {
  const json = (value: fc.Arbitrary<unknown>) => value.map((v): HostileBody => ({ kind: 'json', value: v }));
  const text = (
    body: fc.Arbitrary<string>,
    contentType: fc.Arbitrary<string> = fc.constant('application/json'),
  ) => fc.tuple(body, contentType).map(([t, c]): HostileBody => ({ kind: 'text', text: t, contentType: c }));
  return fc.oneof(
    { weight: 90, arbitrary: json(mutated(sample)) },
    { weight: 30, arbitrary: json(hostileJson) },
    { weight: 20, arbitrary: text(malformedJson) },
    { weight: 5, arbitrary: text(deepNesting) },
    { weight: 1, arbitrary: text(oversizedBody) },
    { weight: 12, arbitrary: text(hostileJson.map(jsonText), fc.constantFrom(...CONTENT_TYPES)) },
    { weight: 10, arbitrary: fc.constant<HostileBody>({ kind: 'none' }) },
    { weight: 4, arbitrary: json(fc.constant(sample)) },
  );
}

/**
 * A path segment for a parameter: one of the ids the node holds, one shaped like an id, or a
 * hostile one, percent-encoded (and sometimes not: `..`, `%`, `%zz`, `%00`).
 */
export function hostileSegment(known: readonly string[], shaped: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const knownIds = known.length > 0 ? fc.constantFrom(...known) : shaped;
  return fc.oneof(
    { weight: 4, arbitrary: knownIds },
    { weight: 2, arbitrary: shaped },
    { weight: 3, arbitrary: hostileString.map(encodeAny) },
    { weight: 1, arbitrary: longString.map((s) => encodeAny(s.slice(0, 300))) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '..',
        '.',
        '%',
        '%zz',
        '%00',
        '%2F',
        '%2e%2e',
        'a%2Fb',
        '%C0%AF',
        '%FF',
        '%ED%A0%80',
      ),
    },
  );
}

/** A query string: the route's own keys with hostile values, unknown keys, repeats, bare keys. */
export function hostileQuery(keys: readonly string[], knownValues: readonly string[]): fc.Arbitrary<string> {
  const key =
    keys.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...keys) }, hostileKey) : hostileKey;
  const value = fc.oneof(
    { weight: 2, arbitrary: knownValues.length > 0 ? fc.constantFrom(...knownValues) : hostileString },
    { weight: 3, arbitrary: hostileString },
    { weight: 2, arbitrary: hostileNumber.map((n) => (n instanceof RawJson ? n.text : String(n))) },
  );
  const pair = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(key, value).map(([k, v]) => `${encodeAny(k)}=${encodeAny(v)}`) },
    { weight: 1, arbitrary: key.map(encodeAny) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '=',
        '&&',
        '%',
        'a=%zz',
        'a=%ED%A0%80',
        'a[b]=1',
        'a[]=1&a[]=2',
        '__proto__[x]=1',
      ),
    },
  );
  return fc.array(pair, { maxLength: 5 }).map((pairs) => (pairs.length === 0 ? '' : `?${pairs.join('&')}`));
}
