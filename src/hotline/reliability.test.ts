import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { JsonObject, LiaisonEvent } from '../core/types.ts';
import { computeReliability } from './reliability.ts';
import { lastFullMonth, loadReliabilityEvents, parsePeriod } from './reliabilityLoader.ts';
import { durationStats, histogram, percentile } from './reliabilityStats.ts';
import type { ReliabilityPeriod } from './reliabilityTypes.ts';

const LINE = 'hotline-alpha-bravo';
const MEMBERS = ['alpha', 'bravo'];
const FROM = Date.parse('2025-03-01T00:00:00.000Z');
const MARCH: ReliabilityPeriod = { from: '2025-03-01T00:00:00.000Z', to: '2025-04-01T00:00:00.000Z' };
const MIN = 60_000;
const HOUR = 3_600_000;

/** A hand-built record of one line: events in LOG7 order (a global clock), unsigned. */
class TestRecord {
  readonly events: LiaisonEvent[] = [];
  private readonly seqs = new Map<string, number>();

  /** Appends an event of `origin` dated `FROM + atMs`. */
  add(origin: string, type: string, atMs: number, body: JsonObject = {}): LiaisonEvent {
    const seq = (this.seqs.get(origin) ?? 0) + 1;
    this.seqs.set(origin, seq);
    const event: LiaisonEvent = {
      v: 1,
      line: LINE,
      origin,
      seq,
      prev: null,
      clock: this.events.length + 1,
      deps: {},
      ts: new Date(FROM + atMs).toISOString(),
      author: origin,
      type,
      body,
      sig: 'unsigned',
      id: createHash('sha256').update(`${origin}/${seq}/${type}`).digest('base64url'),
    };
    this.events.push(event);
    return event;
  }

  post(origin: string, atMs: number, precedence: string, deadlineAfterMs: number): LiaisonEvent {
    return this.add(origin, 'message.posted', atMs, {
      text: 'test',
      precedence,
      deadline: new Date(FROM + atMs + deadlineAfterMs).toISOString(),
    });
  }

  /** `node` records that it held `origin`'s events up to each seq at FROM + ms. */
  heads(
    node: string,
    atMs: number,
    origin: string,
    runs: [number, number][],
    heads: Record<string, number> = {},
  ) {
    return this.add(node, 'heads.recorded', atMs, {
      heads: Object.fromEntries(Object.entries(heads).map(([o, seq]) => [o, { seq, id: 'x' }])),
      arrivals: { [origin]: runs.map(([seq, ms]) => [seq, new Date(FROM + ms).toISOString()]) },
    });
  }

  link(node: string, atMs: number, state: string, previous: string) {
    const peer = node === 'alpha' ? 'bravo' : 'alpha';
    return this.add(node, 'link.state', atMs, {
      peer,
      state,
      previous,
      since: new Date(FROM + atMs).toISOString(),
      rttMs: 5,
      clockOffsetMs: 0,
    });
  }
}

/** Three alpha messages with known latencies (100, 300, 600 ms) and two acknowledgements. */
function threeMessages(): TestRecord {
  const record = new TestRecord();
  record.add('alpha', 'line.created', 0, { kind: 'hotline', title: 't', members: MEMBERS });
  const m1 = record.post('alpha', 1_000, 'FLASH', 10 * MIN);
  const m2 = record.post('alpha', 2_000, 'FLASH', 10 * MIN);
  const m3 = record.post('alpha', 3_000, 'ROUTINE', 6 * HOUR);
  record.heads('bravo', 5_000, 'alpha', [
    [m1.seq, 1_100],
    [m2.seq, 2_300],
    [m3.seq, 3_600],
  ]);
  record.add('bravo', 'message.acknowledged', 61_000, { message: m1.id });
  record.add('bravo', 'message.acknowledged', 122_000, { message: m2.id });
  return record;
}

const direction = (report: ReturnType<typeof computeReliability>, from: string) => {
  const found = report.figures.directions.find((d) => d.from === from);
  assert.ok(found, `direction from ${from}`);
  return found;
};

describe('reliability arithmetic', () => {
  it('[HOT8] percentiles are nearest-rank: 3 values give the middle one as p50', () => {
    assert.equal(percentile([100, 300, 600], 50), 300);
    assert.equal(percentile([100, 300, 600], 90), 600);
    assert.equal(percentile([5], 99), 5);
    assert.equal(percentile([], 50), null);
    assert.deepEqual(durationStats([600, 100, 300]), { count: 3, p50: 300, p90: 600, p99: 600, max: 600 });
    assert.deepEqual(durationStats([]), { count: 0, p50: null, p90: null, p99: null, max: null });
  });

  it('[HOT8] the latency histogram puts each value in its bucket and the rest above the last', () => {
    const buckets = histogram([100, 250, 251, 400_000], [250, 500]);
    assert.deepEqual(buckets, [
      { upToMs: 250, count: 2 },
      { upToMs: 500, count: 1 },
      { upToMs: null, count: 1 },
    ]);
  });
});

describe('the reliability report', () => {
  it('[HOT8] three messages with known latencies give exact delivery and acknowledgement figures', () => {
    const report = computeReliability(threeMessages().events, {
      line: LINE,
      members: MEMBERS,
      period: MARCH,
    });
    const out = direction(report, 'alpha');
    assert.equal(out.to, 'bravo');
    assert.equal(out.messages, 3);
    assert.deepEqual(out.delivery.latencyMs, { count: 3, p50: 300, p90: 600, p99: 600, max: 600 });
    assert.equal(out.delivery.notDelivered, 0);
    const flash = out.acknowledgement.byPrecedence.FLASH;
    assert.deepEqual(flash, {
      messages: 2,
      acknowledged: 2,
      withinDeadline: 2,
      answerRatePercent: 100,
      timeToAckMs: { count: 2, p50: 60_000, p90: 120_000, p99: 120_000, max: 120_000 },
    });
    assert.equal(out.acknowledgement.byPrecedence.ROUTINE.acknowledged, 0);
    assert.equal(out.acknowledgement.total.answerRatePercent, 66.67);
    // The ROUTINE message's 6 h deadline passed before the end of March without an answer.
    assert.deepEqual(out.overdue, { overdue: 1, unacknowledgedAtEnd: 1, escalated: 0, escalationSteps: 0 });
    assert.equal(direction(report, 'bravo').messages, 0);
    assert.equal(report.figures.overall.messages, 3);
  });

  it('[HOT8] only messages dated inside [from, to) count, and only follow-ups of the cut', () => {
    const record = new TestRecord();
    record.add('alpha', 'line.created', -2 * HOUR, { kind: 'hotline', title: 't', members: MEMBERS });
    record.post('alpha', -1, 'ROUTINE', HOUR); // a millisecond before the period: not counted
    const first = record.post('alpha', 0, 'FLASH', 10 * MIN); // at `from`: counted
    const periodMs = Date.parse(MARCH.to) - FROM;
    const last = record.post('alpha', periodMs - 1_000, 'FLASH', 10 * MIN);
    record.post('alpha', periodMs, 'FLASH', 10 * MIN); // at `to`: not counted (and alpha's boundary)
    record.add('bravo', 'message.acknowledged', 30_000, { message: first.id });
    // Acknowledged and delivered only after the period's end: neither counts.
    record.heads('bravo', periodMs + 500, 'alpha', [[last.seq, periodMs + 400]]);
    record.add('bravo', 'message.acknowledged', periodMs + 2_000, { message: last.id });
    const out = direction(
      computeReliability(record.events, { line: LINE, members: MEMBERS, period: MARCH }),
      'alpha',
    );
    assert.equal(out.messages, 2);
    assert.equal(out.acknowledgement.total.acknowledged, 1);
    assert.equal(out.delivery.notDelivered, 2);
    // The last message's deadline falls after the end: not overdue within the period.
    assert.equal(out.overdue.overdue, 0);
  });

  it('[HOT8] link uptime: each view on its own clock, and combined up only when both say up', () => {
    const record = new TestRecord();
    const period = { from: '2025-03-01T00:00:00.000Z', to: '2025-03-03T00:00:00.000Z' };
    record.add('alpha', 'line.created', 0, { kind: 'hotline', title: 't', members: MEMBERS });
    record.link('alpha', 0, 'up', 'down');
    record.link('bravo', 0, 'up', 'down');
    record.link('alpha', 6 * HOUR, 'down', 'up');
    record.link('bravo', 6 * HOUR, 'down', 'up');
    record.link('alpha', 6.5 * HOUR, 'up', 'down');
    record.link('bravo', 7 * HOUR, 'up', 'down');
    const { uptime } = computeReliability(record.events, { line: LINE, members: MEMBERS, period }).figures;
    const alphaView = uptime.views.find((v) => v.node === 'alpha');
    assert.equal(alphaView?.upPercent, 98.96);
    assert.equal(alphaView?.outages, 1);
    assert.equal(uptime.combined.downMs, HOUR);
    assert.equal(uptime.combined.upPercent, 97.92);
    assert.equal(uptime.combined.outages, 1);
    assert.deepEqual(uptime.daily, [
      { day: '2025-03-01', upPercent: 95.83, availablePercent: 95.83 },
      { day: '2025-03-02', upPercent: 100, availablePercent: 100 },
    ]);
  });

  it('[HOT8] without link events the uptime is unknown, not 0 % or 100 %', () => {
    const { uptime } = computeReliability(threeMessages().events, {
      line: LINE,
      members: MEMBERS,
      period: MARCH,
    }).figures;
    assert.equal(uptime.combined.upPercent, null);
    assert.equal(uptime.combined.unknownMs, uptime.combined.observedMs);
  });

  it('[HOT8] drills: answered with the round trip on the sender clock, missed, pending', () => {
    const record = new TestRecord();
    const period = { from: MARCH.from, to: new Date(FROM + HOUR).toISOString() };
    record.add('alpha', 'line.created', 0, { kind: 'hotline', title: 't', members: MEMBERS });
    const answered = record.add('alpha', 'drill.sent', 1_000, { drill: 'd1' });
    const answer = record.add('bravo', 'drill.answered', 1_200, { drill: 'd1', sentEvent: answered.id });
    record.heads('alpha', 2_000, 'bravo', [[answer.seq, 1_450]]);
    record.add('alpha', 'drill.sent', 10 * MIN, { drill: 'd2' }); // never answered: missed
    record.add('alpha', 'drill.sent', HOUR - MIN, { drill: 'd3' }); // a minute before the end: pending
    const { drills } = direction(
      computeReliability(record.events, { line: LINE, members: MEMBERS, period }),
      'alpha',
    );
    assert.deepEqual(drills, {
      sent: 3,
      answered: 1,
      missed: 1,
      pending: 1,
      answerRatePercent: 33.33,
      roundTripMs: { count: 1, p50: 450, p90: 450, p99: 450, max: 450 },
    });
  });

  it('[HOT8] escalations and late acknowledgements count as overdue', () => {
    const record = new TestRecord();
    record.add('alpha', 'line.created', 0, { kind: 'hotline', title: 't', members: MEMBERS });
    const late = record.post('alpha', 1_000, 'FLASH', 10 * MIN);
    record.add('alpha', 'escalation.raised', 1_000 + 10 * MIN, { message: late.id, step: 1 });
    record.add('bravo', 'escalation.raised', 1_000 + 10 * MIN, { message: late.id, step: 1 });
    record.add('bravo', 'message.acknowledged', 1_000 + 20 * MIN, { message: late.id });
    const out = direction(
      computeReliability(record.events, { line: LINE, members: MEMBERS, period: MARCH }),
      'alpha',
    );
    assert.deepEqual(out.overdue, { overdue: 1, unacknowledgedAtEnd: 0, escalated: 1, escalationSteps: 2 });
    assert.equal(out.acknowledgement.total.withinDeadline, 0);
    assert.equal(out.acknowledgement.total.acknowledged, 1);
  });

  it('[HOT8] incomplete until both records show they hold everything up to the end, and says what is missing', () => {
    const record = threeMessages();
    const period = { from: MARCH.from, to: new Date(FROM + HOUR).toISOString() };
    const first = computeReliability(record.events, { line: LINE, members: MEMBERS, period });
    assert.equal(first.completeness.isComplete, false);
    assert.deepEqual(first.completeness.missing.map((m) => `${m.kind}:${m.origin}`).sort(), [
      'later-event:alpha',
      'later-event:bravo',
    ]);
    const drill = record.add('alpha', 'drill.sent', HOUR + 1_000, { drill: 'after' }); // alpha's boundary
    record.add('bravo', 'drill.answered', HOUR + 2_000, { drill: 'after', sentEvent: drill.id }); // bravo's
    const waiting = computeReliability(record.events, { line: LINE, members: MEMBERS, period });
    assert.deepEqual(
      waiting.completeness.missing.map((m) =>
        m.kind === 'holdings' ? `${m.node} holds ${m.origin} ${m.neededSeq}` : m.kind,
      ),
      ['bravo holds alpha 4', 'alpha holds bravo 3'],
    );
    record.heads('bravo', HOUR + 3_000, 'alpha', [[drill.seq, HOUR + 1_500]], { alpha: drill.seq });
    record.heads('alpha', HOUR + 4_000, 'bravo', [[4, HOUR + 2_500]], { bravo: 4 });
    const done = computeReliability(record.events, { line: LINE, members: MEMBERS, period });
    assert.deepEqual(done.completeness, { isComplete: true, missing: [] });
    // Events after the end changed nothing in the figures.
    assert.equal(done.digest, first.digest);
  });

  it('[HOT8] both nodes get the same figures and digest though one holds more after the end', () => {
    const record = threeMessages();
    const periodMs = Date.parse(MARCH.to) - FROM;
    record.add('alpha', 'drill.sent', periodMs + 1_000, { drill: 'after' });
    record.add('bravo', 'drill.sent', periodMs + 1_000, { drill: 'after2' });
    const bravoHolds = [...record.events];
    // Alpha's clock stepped back: dated inside the period, but after alpha's boundary.
    record.post('alpha', 4_000, 'FLASH', 10 * MIN);
    record.add('alpha', 'message.acknowledged', periodMs + 5_000, { message: record.events[1]?.id ?? '' });
    const atAlpha = computeReliability(record.events, { line: LINE, members: MEMBERS, period: MARCH });
    const atBravo = computeReliability(bravoHolds, { line: LINE, members: MEMBERS, period: MARCH });
    assert.deepEqual(atAlpha.figures, atBravo.figures);
    assert.equal(atAlpha.digest, atBravo.digest);
    assert.match(atAlpha.digest, /^[0-9a-f]{64}$/);
  });

  it('[HOT8] hostile or odd bodies are ignored, never thrown on', () => {
    const record = threeMessages();
    record.add('bravo', 'link.state', 1_000, { peer: 'bravo', state: 'up' });
    record.add('bravo', 'link.state', 2_000, { peer: 'alpha', state: 'sideways', since: 'yesterday' });
    record.add('bravo', 'link.state', 2 * MIN, {
      peer: 'alpha',
      state: 'up',
      since: '1970-01-01T00:00:00.000Z',
    });
    record.add('bravo', 'heads.recorded', 4_000, { heads: 'all', arrivals: { alpha: [['x', 'y'], [1]] } });
    record.add('bravo', 'message.acknowledged', 5_000, { message: 42 });
    record.add('bravo', 'drill.answered', 6_000, { sentEvent: 'nope' });
    record.add('alpha', 'message.posted', 7_000, { text: 'x', precedence: 'URGENT', deadline: 'soon' });
    const report = computeReliability(record.events, { line: LINE, members: MEMBERS, period: MARCH });
    assert.equal(direction(report, 'alpha').messages, 3);
    // The odd `since` is held to a minute before its event: bravo's view starts at 1 min, not 1970.
    const bravoView = report.figures.uptime.views.find((v) => v.node === 'bravo');
    assert.equal(bravoView?.unknownMs, MIN);
  });
});

describe('loading and the period', () => {
  it('[HOT8] the loader keeps what the figures need: same report as from every event', async () => {
    const record = threeMessages();
    const periodMs = Date.parse(MARCH.to) - FROM;
    record.add('alpha', 'message.seen', 3_000, { message: record.events[1]?.id ?? '' });
    record.post('alpha', -5 * 86_400_000, 'FLASH', 10 * MIN);
    record.link('alpha', -3 * 86_400_000, 'up', 'down');
    const drill = record.add('alpha', 'drill.sent', periodMs + 1_000, { drill: 'after' });
    record.heads('bravo', periodMs + 2_000, 'alpha', [[drill.seq, periodMs + 1_500]], { alpha: drill.seq });
    record.heads('bravo', periodMs + 9_000, 'alpha', [[drill.seq, periodMs + 1_500]], {
      alpha: drill.seq + 5,
    });
    const store = {
      async *eventsInOrder() {
        for (const event of record.events) yield { event, arrival: 1, receivedAt: event.ts };
      },
    };
    const loaded = await loadReliabilityEvents(store, LINE, MARCH);
    assert.ok(loaded.length < record.events.length);
    assert.ok(!loaded.some((e) => e.type === 'message.seen'));
    const fromLoaded = computeReliability(loaded, { line: LINE, members: MEMBERS, period: MARCH });
    const fromAll = computeReliability(record.events, { line: LINE, members: MEMBERS, period: MARCH });
    assert.deepEqual(fromLoaded, fromAll);
  });

  it('[HOT8] the default period is the last full calendar month in UTC', () => {
    assert.deepEqual(lastFullMonth(Date.parse('2025-01-15T10:00:00Z')), {
      from: '2024-12-01T00:00:00.000Z',
      to: '2025-01-01T00:00:00.000Z',
    });
    assert.deepEqual(parsePeriod(undefined, undefined, Date.parse('2025-03-01T00:00:00Z')), {
      ok: true,
      period: { from: '2025-02-01T00:00:00.000Z', to: '2025-03-01T00:00:00.000Z' },
    });
  });

  const refused: [string | undefined, string | undefined][] = [
    ['2025-03-02', '2025-03-01'],
    ['2025-03-01', '2025-03-01'],
    ['2024-01-01', '2025-01-02'],
    ['yesterday', '2025-03-01'],
    ['2025-02-30T00:00:00Z', '2025-03-05'],
    ['2025-03-01T24:00:00Z', '2025-03-05'],
    ['2025-03-01T00:00:00', '2025-03-02'],
    ['2025-03-01', undefined],
  ];
  for (const [from, to] of refused) {
    it(`[HOT8] a bad period is refused: ${from} → ${to}`, () => {
      assert.equal(parsePeriod(from, to, 0).ok, false);
    });
  }

  it('[HOT8] dates and offsets are read as instants in UTC', () => {
    assert.deepEqual(parsePeriod('2025-03-01', '2025-03-01T12:00:00+02:00', 0), {
      ok: true,
      period: { from: '2025-03-01T00:00:00.000Z', to: '2025-03-01T10:00:00.000Z' },
    });
    assert.equal(parsePeriod('2024-01-01', '2024-12-31T23:59:59.999Z', 0).ok, true);
  });
});
