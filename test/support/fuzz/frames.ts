/**
 * Hostile federation frames for the fuzz suite (SEC3, LOG8, FED4): what a broken or malicious
 * peer sends over the link — text that is not JSON, binary frames, unknown frame types, every
 * frame of the protocol (src/federation/protocol.ts) with the wrong types, and frames that pass
 * the schema with hostile values (calls on lines that are not shared, authors of other nodes,
 * signals of 32 KiB, heads of lines nobody has, blob requests past the end) — and events for
 * batches: replays of held events, forgeries of the peer's next event, and valid events with
 * hostile bodies, which the record takes (the peer's key signed them) and every reader must bear.
 */
import fc from 'fast-check';
import { isoTime } from '../../../src/core/clock.ts';
import { signEvent } from '../../../src/core/event.ts';
import { generateKeyPair, Signer } from '../../../src/core/sign.ts';
import type { JsonObject, LiaisonEvent, UnsignedEnvelope } from '../../../src/core/types.ts';
import { hostileJson, hostileString, jsonText, longString, malformedJson, mutated } from './hostile.ts';

/** What the frame fuzzer knows of the link: the two nodes, what they share, ids to aim at. */
export interface LinkTargets {
  self: string;
  peer: string;
  hotline: string;
  lines: string[];
  blobs: string[];
  talks: string[];
  calls: string[];
  eventIds: string[];
  nowMs: number;
}

/** One frame to send: JSON, text as it is, or bytes. */
export type HostileFrame =
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'binary'; bytes: Uint8Array };

/** The frame as the socket takes it. */
export function frameData(frame: HostileFrame): string | Uint8Array {
  if (frame.kind === 'binary') return frame.bytes;
  return frame.kind === 'text' ? frame.text : jsonText(frame.value);
}

/** A valid frame of each type the protocol knows, for `mutated` to break. */
export function sampleFrames(t: LinkTargets): object[] {
  const at = isoTime(t.nowMs);
  const client = 'fuzz-client-9';
  return [
    { t: 'hello', protocol: 1, node: t.peer, nonce: 'bm9uY2U', timeZone: 'Asia/Tokyo' },
    { t: 'proof', sig: 'A'.repeat(86) },
    { t: 'heads', heads: { [t.hotline]: { [t.peer]: { seq: 1, id: t.eventIds[0] ?? 'x' } } } },
    { t: 'batch', n: 1, events: [] },
    {
      t: 'receipt',
      body: { node: t.peer, peer: t.self, n: 1, at, heads: {}, rejected: [] },
      sig: 'A'.repeat(86),
    },
    { t: 'ping', sentAt: t.nowMs, sig: 'A'.repeat(86) },
    { t: 'pong', echo: t.nowMs, at: t.nowMs },
    { t: 'error', code: 'protocol-error', message: 'no' },
    { t: 'blob.get', hash: t.blobs[0] ?? '0'.repeat(64), offset: 0, length: 1024 },
    { t: 'blob.chunk', hash: t.blobs[0] ?? '0'.repeat(64), offset: 0, total: 4, data: 'AAAA' },
    { t: 'blob.missing', hash: t.blobs[0] ?? '0'.repeat(64) },
    {
      t: 'call.invite',
      call: 'fuzz-call-0001',
      line: t.hotline,
      media: 'voice',
      from: `officer@${t.peer}`,
      client,
    },
    { t: 'call.ringing', call: 'fuzz-call-0001' },
    { t: 'call.accept', call: 'fuzz-call-0001', by: `officer@${t.peer}`, client },
    { t: 'call.end', call: 'fuzz-call-0001', reason: 'hangup' },
    {
      t: 'rtc.signal',
      session: 'fuzz-call-0001',
      from: client,
      to: 'fuzz-console-1',
      kind: 'offer',
      data: 'v=0',
    },
    { t: 'talk.join', talk: t.talks[0] ?? 'fuzz-talk-01', client, user: `officer@${t.peer}`, joinedAt: at },
    { t: 'talk.leave', talk: t.talks[0] ?? 'fuzz-talk-01', client },
    {
      t: 'talk.roster',
      talk: t.talks[0] ?? 'fuzz-talk-01',
      participants: [{ client, user: `officer@${t.peer}`, joinedAt: at }],
    },
  ];
}

/** Frames that break the protocol: not JSON, binary, unknown types, every type with wrong fields. */
export function brokenFrames(t: LinkTargets): fc.Arbitrary<HostileFrame> {
  const samples = sampleFrames(t);
  return fc.oneof(
    { weight: 2, arbitrary: malformedJson.map((text): HostileFrame => ({ kind: 'text', text })) },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes): HostileFrame => ({ kind: 'binary', bytes })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.oneof(hostileString, fc.constantFrom('batch.v2', 'HELLO', 'call', 'admin', '')),
          hostileJson,
        )
        .map(([type, rest]): HostileFrame => ({ kind: 'json', value: { t: type, rest } })),
    },
    {
      weight: 6,
      arbitrary: fc
        .constantFrom(...samples)
        .chain((sample) => mutated(sample))
        .map(asJson),
    },
    { weight: 1, arbitrary: hostileJson.map(asJson) },
  );
}

function asJson(value: unknown): HostileFrame {
  return { kind: 'json', value };
}

/** A session id (calls, talks) the schema takes: one the node knows, or a new one. */
function sessionIds(known: string[]): fc.Arbitrary<string> {
  const shaped = fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/);
  return known.length > 0 ? fc.oneof(fc.constantFrom(...known), shaped) : shaped;
}

/**
 * Frames the schema takes, with hostile values: the frames a peer with a valid key could send
 * after the handshake to confuse calls, talks, blobs and heads. They keep the link open.
 */
export function parseableFrames(t: LinkTargets): fc.Arbitrary<HostileFrame> {
  const node = fc.oneof(fc.constant(t.peer), fc.constant(t.self), fc.stringMatching(/^[a-z0-9-]{1,32}$/));
  const author = fc
    .tuple(fc.stringMatching(/^[a-z0-9._-]{1,64}$/), node)
    .map(([user, at]) => `${user}@${at}`);
  const line = fc.oneof(fc.constantFrom(...t.lines), fc.stringMatching(/^[a-z0-9-]{0,64}$/));
  const client = fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/);
  const call = sessionIds(t.calls);
  const talk = sessionIds(t.talks);
  const instant = fc
    .integer({ min: 0, max: 8_000_000_000_000 })
    .map((ms) => new Date(ms).toISOString())
    .filter((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(s));
  const hash = fc.oneof(
    t.blobs.length > 0 ? fc.constantFrom(...t.blobs) : fc.constant('0'.repeat(64)),
    fc.stringMatching(/^[0-9a-f]{64}$/),
  );
  const offset = fc.oneof(fc.nat(), fc.constantFrom(0, 2 ** 31, Number.MAX_SAFE_INTEGER));
  const text = fc.oneof(
    hostileString,
    longString.map((s) => s.slice(0, 32 * 1024)),
  );
  const seq = fc.oneof(fc.nat({ max: 10 }), fc.constant(Number.MAX_SAFE_INTEGER));
  const heads = fc.dictionary(
    fc.oneof(line, fc.string({ maxLength: 64 })),
    fc.dictionary(
      fc.stringMatching(/^[a-z0-9-]{1,32}$/),
      fc.record({ seq, id: fc.string({ maxLength: 64 }) }),
      {
        maxKeys: 3,
      },
    ),
    { maxKeys: 3 },
  );
  const frames: fc.Arbitrary<object>[] = [
    fc.record({
      t: fc.constant('call.invite'),
      call,
      line,
      media: fc.constantFrom('voice', 'video'),
      from: author,
      client,
    }),
    fc.record({ t: fc.constant('call.ringing'), call }),
    fc.record({ t: fc.constant('call.accept'), call, by: author, client }),
    fc.record({
      t: fc.constant('call.end'),
      call,
      reason: fc.constantFrom(
        'hangup',
        'cancelled',
        'declined',
        'busy',
        'glare',
        'missed',
        'link-lost',
        'media-failed',
        'unreachable',
      ),
    }),
    fc.record({
      t: fc.constant('rtc.signal'),
      session: call,
      from: client,
      to: client,
      kind: fc.constantFrom('offer', 'answer', 'ice'),
      data: text,
    }),
    fc.record({ t: fc.constant('talk.join'), talk, client, user: author, joinedAt: instant }),
    fc.record({ t: fc.constant('talk.leave'), talk, client }),
    fc.record({
      t: fc.constant('talk.roster'),
      talk,
      participants: fc.array(fc.record({ client, user: author, joinedAt: instant }), { maxLength: 32 }),
    }),
    fc.record({ t: fc.constant('blob.get'), hash, offset, length: fc.integer({ min: 1, max: 1024 * 1024 }) }),
    fc.record({
      t: fc.constant('blob.chunk'),
      hash,
      offset,
      total: offset,
      data: fc.base64String({ maxLength: 400 }),
    }),
    fc.record({ t: fc.constant('blob.missing'), hash }),
    fc.record({ t: fc.constant('heads'), heads }),
    fc.record({
      t: fc.constant('pong'),
      echo: fc.double({ noNaN: true, noDefaultInfinity: true }),
      at: fc.double({ noNaN: true, noDefaultInfinity: true }),
    }),
    fc.record({
      t: fc.constant('ping'),
      sentAt: fc.integer(),
      sig: fc.stringMatching(/^[A-Za-z0-9_-]{1,200}$/),
    }),
    fc.record({
      t: fc.constant('error'),
      code: fc.oneof(hostileString, fc.constantFrom('bad-proof', 'unpaired')),
      message: text,
    }),
    fc.record({
      t: fc.constant('receipt'),
      body: fc.record({
        node: fc.constant(t.peer),
        peer: fc.constant(t.self),
        n: fc.nat(),
        at: hostileString,
        heads,
        rejected: fc.constant([]),
      }),
      sig: fc.stringMatching(/^[A-Za-z0-9_-]{1,200}$/),
    }),
  ];
  return fc.oneof(...frames).map(asJson);
}

/** The chain position of the peer's next event on a line, from the record. */
export interface ChainTip {
  seq: number;
  prev: string | null;
  clock: number;
  deps: Record<string, string>;
}

const OTHER_KEY = new Signer(generateKeyPair().privateKey);

/** Drops the id (a peer sends envelopes; the id is their hash). */
function envelopeOf(event: LiaisonEvent): Omit<LiaisonEvent, 'id'> {
  const { id: _id, ...envelope } = event;
  return envelope;
}

/** One event of a batch as fast-check draws it; `buildBatch` makes it an envelope at send time. */
export interface BatchStep {
  kind: 'replay' | 'valid' | 'forged' | 'broken';
  type: string;
  body: JsonObject;
  forgery: 'other-key' | 'gap' | 'prev' | 'clock' | 'origin' | 'line' | 'big-body' | 'author';
  field: string;
  junk: unknown;
  pick: number;
}

/**
 * Steps of a batch: replays of held events, forgeries of the peer's next event (another key, a
 * gap, a broken prev, a wrong clock, another origin or line, a body over 64 KiB, another node's
 * author), events with a broken field, and valid next events with hostile bodies of the types
 * the record holds.
 */
export function batchSteps(bodySamples: Record<string, JsonObject>): fc.Arbitrary<BatchStep[]> {
  const types = Object.keys(bodySamples);
  const typedBody = fc.constantFrom(...types).chain((type) =>
    fc.oneof({ weight: 3, arbitrary: mutated(bodySamples[type]) }, hostileJson).map((body) => ({
      type,
      body: (body !== null && typeof body === 'object' && !Array.isArray(body)
        ? body
        : { value: body }) as JsonObject,
    })),
  );
  const step = fc
    .record({
      kind: fc.constantFrom<BatchStep['kind']>('replay', 'valid', 'valid', 'forged', 'forged', 'broken'),
      typed: typedBody,
      forgery: fc.constantFrom<BatchStep['forgery']>(
        'other-key',
        'gap',
        'prev',
        'clock',
        'origin',
        'line',
        'big-body',
        'author',
      ),
      field: fc.constantFrom(
        'v',
        'seq',
        'prev',
        'clock',
        'deps',
        'ts',
        'author',
        'type',
        'body',
        'sig',
        'extra',
      ),
      junk: hostileJson,
      pick: fc.nat(),
    })
    .map(({ typed, ...rest }): BatchStep => ({ ...rest, type: typed.type, body: typed.body }));
  return fc.array(step, { maxLength: 5 });
}

/** Signs, or null for a body with no canonical form (nothing a peer could send signed). */
function signedOrNull(unsigned: UnsignedEnvelope, signer: Signer): LiaisonEvent | null {
  try {
    return signEvent(unsigned, signer);
  } catch {
    return null;
  }
}

/** Builds the batch's envelopes from the peer's chain tip as the record holds it now. */
export function buildBatch(
  steps: BatchStep[],
  tip: ChainTip,
  held: LiaisonEvent[],
  signer: Signer,
  t: LinkTargets,
): unknown[] {
  let at = tip;
  const envelopes: unknown[] = [];
  for (const step of steps) {
    if (step.kind === 'replay') {
      const event = held[step.pick % Math.max(1, held.length)];
      if (event) envelopes.push(envelopeOf(event));
      continue;
    }
    const unsigned: UnsignedEnvelope = {
      v: 1,
      line: t.hotline,
      origin: t.peer,
      seq: at.seq,
      prev: at.prev,
      clock: at.clock,
      deps: at.deps,
      ts: isoTime(t.nowMs),
      author: `officer@${t.peer}`,
      type: step.type,
      body: step.body,
    };
    if (step.kind === 'valid') {
      const event = signedOrNull(unsigned, signer);
      if (!event) continue;
      envelopes.push(envelopeOf(event));
      at = { seq: at.seq + 1, prev: event.id, clock: at.clock + 1, deps: at.deps };
      continue;
    }
    if (step.kind === 'forged') {
      const n = 1 + (step.pick % 5);
      const forged: Record<BatchStep['forgery'], () => LiaisonEvent | null> = {
        'other-key': () => signedOrNull(unsigned, OTHER_KEY),
        gap: () => signedOrNull({ ...unsigned, seq: unsigned.seq + n }, signer),
        prev: () => signedOrNull({ ...unsigned, prev: 'A'.repeat(43) }, signer),
        clock: () => signedOrNull({ ...unsigned, clock: unsigned.clock + n }, signer),
        origin: () => signedOrNull({ ...unsigned, origin: 'zulu', author: 'zulu', deps: {} }, signer),
        line: () => signedOrNull({ ...unsigned, line: 'no-such-line' }, signer),
        'big-body': () => signedOrNull({ ...unsigned, body: { text: 'x'.repeat(70_000) } }, signer),
        author: () => signedOrNull({ ...unsigned, author: `officer@${t.self}` }, signer),
      };
      const event = forged[step.forgery]();
      if (event) envelopes.push(envelopeOf(event));
      continue;
    }
    const base = signedOrNull(unsigned, signer);
    const envelope: Record<string, unknown> = base
      ? { ...envelopeOf(base) }
      : { ...unsigned, sig: 'A'.repeat(86) };
    // Junk equal to the field's own value would leave a valid event at the seq the next valid
    // step takes too: an equivocation by accident (LOG9 has its own tests), quarantining the peer.
    const isSame = jsonText(step.junk) === jsonText(envelope[step.field] ?? null);
    Object.defineProperty(envelope, step.field, {
      value: isSame ? ['broken', step.junk] : step.junk,
      enumerable: true,
      configurable: true,
      writable: true,
    });
    envelopes.push(envelope);
  }
  return envelopes;
}
