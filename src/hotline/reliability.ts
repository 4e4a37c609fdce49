/**
 * The reliability report (HOT8): for one hotline (one peer) and one period [from, to), link
 * uptime, delivery latency, time to acknowledge by precedence, answer rates, overdue messages
 * and drills (FED8), per direction (`alpha→bravo`, `bravo→alpha`) and overall.
 *
 * Computed from the record alone, so both members print the same figures: never from local
 * tables, receipts, arrival times of this node, or the reader's clock. What counts:
 *
 * - The cut. For each origin, its events before its first event dated at or after `to` (its
 *   "boundary"; seq order). Once that boundary event exists nothing the origin appends later can
 *   enter the cut, so the cut is fixed and both nodes can hold all of it.
 * - Subjects: `message.posted` and `drill.sent` of the cut dated inside [from, to). Their
 *   follow-ups (deliveries, acknowledgements, escalations, answers) count when they are in the
 *   cut, whatever their date; anything later is "not by the period's end".
 * - Complete: every member's boundary event is held here (so this node holds the whole cut), and
 *   every member's `heads.recorded` shows it holds every other member's cut (so it computes the
 *   same figures). Otherwise `completeness.missing` says which, and the figures are provisional.
 *
 * Clocks (each figure names the clocks it reads; FED7 alarms when they differ by over 2 s):
 * - link uptime: each node's view on its own clock (`link.state` `since`, bounded by the event's
 *   `ts`); the combined view overlays both, the worst state winning (up only when both say up);
 * - delivery latency: the post's `ts` (sender's clock) → the recipient's recorded arrival in its
 *   `heads.recorded` (recipient's clock); a negative difference (skew) counts as 0;
 * - time to acknowledge: the post's `ts` (sender) → the acknowledgement's `ts` (recipient);
 *   overdue: the acknowledgement's `ts` compared with the deadline the sender stamped (HOT2);
 * - drill round trip: the drill's `ts` → the answer's arrival back at the sender, recorded in the
 *   sender's `heads.recorded`: the sender's clock only.
 */
import { createHash } from 'node:crypto';
import { canonicalize } from '../core/canonical.ts';
import { isTimestamp } from '../core/event.ts';
import { GENESIS_EVENT_TYPE, type LiaisonEvent, PRECEDENCES, type Precedence } from '../core/types.ts';
import { DRILL_MISSED_AFTER_MS, readDrillAnswer, readDrillSent } from '../federation/drills.ts';
import { readDeliveries, readMarkTarget, readMessageBody } from '../record/projection.ts';
import {
  combineViews,
  durationStats,
  histogram,
  isLinkState,
  percent,
  type Segment,
  type Transition,
  timeInStates,
  viewSegments,
} from './reliabilityStats.ts';
import type {
  AckFigures,
  Completeness,
  DailyUptime,
  DirectionFigures,
  LinkUptime,
  MissingData,
  ReliabilityFigures,
  ReliabilityInput,
  ReliabilityReport,
  TrafficFigures,
} from './reliabilityTypes.ts';

const DAY_MS = 86_400_000;
/** How long before its `link.state` event a transition may be dated (its `since`). */
const SINCE_SLACK_MS = 60_000;

interface MessageFacts {
  precedence: Precedence;
  latencyMs: number | null;
  ackMs: number | null;
  isAckedByDeadline: boolean;
  isOverdue: boolean;
  escalationSteps: number;
}

interface DrillFacts {
  isAnswered: boolean;
  isMissed: boolean;
  roundTripMs: number | null;
}

/** Earliest arrival of (origin, seq) at a node: runs sorted by uptoSeq with a suffix minimum. */
class Arrivals {
  private readonly runs = new Map<string, { uptoSeq: number; atMs: number }[]>();
  private readonly sorted = new Map<string, { uptoSeq: number; earliestMs: number }[]>();

  add(node: string, origin: string, uptoSeq: number, atMs: number): void {
    const key = `${node}\u0000${origin}`;
    const list = this.runs.get(key) ?? [];
    list.push({ uptoSeq, atMs });
    this.runs.set(key, list);
    this.sorted.delete(key);
  }

  /** When `node` first held (origin, seq), in ms of its clock, or null. */
  at(node: string, origin: string, seq: number): number | null {
    const key = `${node}\u0000${origin}`;
    let table = this.sorted.get(key);
    if (!table) {
      const runs = [...(this.runs.get(key) ?? [])].sort((a, b) => a.uptoSeq - b.uptoSeq || a.atMs - b.atMs);
      table = runs.map((run) => ({ uptoSeq: run.uptoSeq, earliestMs: run.atMs }));
      for (let i = table.length - 2; i >= 0; i--) {
        const here = table[i] as { earliestMs: number };
        here.earliestMs = Math.min(here.earliestMs, (table[i + 1] as { earliestMs: number }).earliestMs);
      }
      this.sorted.set(key, table);
    }
    const index = table.findIndex((run) => run.uptoSeq >= seq);
    return index === -1 ? null : (table[index]?.earliestMs ?? null);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The SHA-256 (hex) of a value's canonical JSON: what two printed reports compare. */
export function reportDigest(figures: ReliabilityFigures): string {
  return createHash('sha256').update(canonicalize(figures)).digest('hex');
}

/**
 * Computes the report from a line's events in LOG7 order (a superset is fine: other lines'
 * events and events outside the cut are ignored). Deterministic: same events, same report.
 */
export function computeReliability(
  events: readonly LiaisonEvent[],
  input: ReliabilityInput,
): ReliabilityReport {
  const { line, period } = input;
  const members = [...input.members].sort();
  const fromMs = Date.parse(period.from);
  const toMs = Date.parse(period.to);
  const own = events.filter((event) => event.line === line && members.includes(event.origin));

  // The cut: each origin's events before its first event dated at or after `to`.
  const boundary = new Map<string, number>();
  for (const event of own) {
    if (Date.parse(event.ts) < toMs) continue;
    const held = boundary.get(event.origin);
    if (held === undefined || event.seq < held) boundary.set(event.origin, event.seq);
  }
  const inCut = (event: LiaisonEvent) => event.seq < (boundary.get(event.origin) ?? Number.POSITIVE_INFINITY);
  const isInPeriod = (event: LiaisonEvent) => {
    const ms = Date.parse(event.ts);
    return ms >= fromMs && ms < toMs;
  };

  let genesisMs: number | null = null;
  const arrivals = new Arrivals();
  /** node → origin → highest seq its heads.recorded names (any date: what it holds now). */
  const recordedHeads = new Map<string, Map<string, number>>();
  const acks = new Map<string, LiaisonEvent>();
  const escalations = new Map<string, number>();
  const answers = new Map<string, LiaisonEvent>();
  const transitions = new Map<string, Transition[]>();
  const posts: LiaisonEvent[] = [];
  const drills: LiaisonEvent[] = [];

  for (const event of own) {
    if (event.type === 'heads.recorded' && isRecord(event.body.heads)) {
      const heads = recordedHeads.get(event.origin) ?? new Map<string, number>();
      for (const [origin, head] of Object.entries(event.body.heads)) {
        const seq = isRecord(head) ? head.seq : undefined;
        if (typeof seq === 'number' && Number.isSafeInteger(seq))
          heads.set(origin, Math.max(heads.get(origin) ?? 0, seq));
      }
      recordedHeads.set(event.origin, heads);
    }
    // The line began with its genesis, in the cut or not (a period before it observes nothing).
    if (event.type === GENESIS_EVENT_TYPE) genesisMs ??= Date.parse(event.ts);
    if (!inCut(event)) continue;
    switch (event.type) {
      case 'heads.recorded':
        for (const row of readDeliveries(event))
          arrivals.add(row.node, row.origin, row.uptoSeq, Date.parse(row.at));
        break;
      case 'message.posted':
        if (isInPeriod(event) && readMessageBody(event.body)) posts.push(event);
        break;
      case 'message.acknowledged': {
        const target = readMarkTarget(event.body);
        const held = target ? acks.get(target) : undefined;
        // The first acknowledgement by (ts, author), as the projection keeps it (HOT3).
        if (target && (!held || event.ts < held.ts || (event.ts === held.ts && event.author < held.author)))
          acks.set(target, event);
        break;
      }
      case 'escalation.raised': {
        const target = readMarkTarget(event.body);
        if (target) escalations.set(target, (escalations.get(target) ?? 0) + 1);
        break;
      }
      case 'drill.sent':
        if (isInPeriod(event) && readDrillSent(event) !== null) drills.push(event);
        break;
      case 'drill.answered': {
        const sent = readDrillAnswer(event);
        // LOG7 order: the first answer in the list is the first answer.
        if (sent && !answers.has(sent)) answers.set(sent, event);
        break;
      }
      case 'link.state': {
        const { peer, state, previous, since } = event.body;
        if (
          typeof peer !== 'string' ||
          peer === event.origin ||
          !members.includes(peer) ||
          !isLinkState(state)
        )
          break;
        const key = `${event.origin}\u0000${peer}`;
        const list = transitions.get(key) ?? [];
        const tsMs = Date.parse(event.ts);
        const lastMs = list[list.length - 1]?.atMs ?? Number.NEGATIVE_INFINITY;
        // `since` is when the state began on the origin's clock, moments before it was recorded;
        // keep it within a minute before the event's own ts and after the last transition, so
        // an odd or hostile body cannot rewrite the past or reorder time.
        const sinceMs = isTimestamp(since) ? Date.parse(since) : tsMs;
        const atMs = Math.max(lastMs, tsMs - SINCE_SLACK_MS, Math.min(sinceMs, tsMs));
        list.push({ atMs, state, previous: isLinkState(previous) ? previous : null });
        transitions.set(key, list);
        break;
      }
      default:
        break;
    }
  }

  const windowStartMs = Math.min(toMs, Math.max(fromMs, genesisMs ?? fromMs));
  const uptime = linkUptime(members, transitions, windowStartMs, fromMs, toMs);

  const messageSamples = new Map<string, MessageFacts[]>();
  const drillSamples = new Map<string, DrillFacts[]>();
  const direction = (from: string, to: string) => `${from}\u0000${to}`;
  for (const post of posts) {
    const body = readMessageBody(post.body);
    if (!body) continue;
    const postedMs = Date.parse(post.ts);
    const deadlineMs = Date.parse(body.deadline);
    for (const recipient of members) {
      if (recipient === post.origin) continue;
      const arrivedMs = arrivals.at(recipient, post.origin, post.seq);
      const ack = acks.get(post.id);
      const ackMs = ack && ack.origin === recipient ? Date.parse(ack.ts) : null;
      const isAckedByDeadline = ackMs !== null && ackMs <= deadlineMs;
      const facts: MessageFacts = {
        precedence: body.precedence,
        latencyMs: arrivedMs === null ? null : Math.max(0, arrivedMs - postedMs),
        ackMs: ackMs === null ? null : Math.max(0, ackMs - postedMs),
        isAckedByDeadline,
        isOverdue: deadlineMs < toMs && !isAckedByDeadline,
        escalationSteps: escalations.get(post.id) ?? 0,
      };
      const key = direction(post.origin, recipient);
      messageSamples.set(key, [...(messageSamples.get(key) ?? []), facts]);
    }
  }
  for (const drill of drills) {
    const answer = answers.get(drill.id);
    const isAnswered = answer !== undefined && answer.origin !== drill.origin;
    const backMs = isAnswered ? arrivals.at(drill.origin, answer.origin, answer.seq) : null;
    const sentMs = Date.parse(drill.ts);
    const facts: DrillFacts = {
      isAnswered,
      isMissed: !isAnswered && sentMs + DRILL_MISSED_AFTER_MS <= toMs,
      roundTripMs: backMs === null ? null : Math.max(0, backMs - sentMs),
    };
    // A drill tests the path to every other member and back.
    for (const to of members) {
      if (to === drill.origin || (isAnswered && answer.origin !== to)) continue;
      const key = direction(drill.origin, to);
      drillSamples.set(key, [...(drillSamples.get(key) ?? []), facts]);
    }
  }

  const directions: DirectionFigures[] = [];
  for (const from of members)
    for (const to of members)
      if (from !== to)
        directions.push({
          from,
          to,
          ...traffic(
            messageSamples.get(direction(from, to)) ?? [],
            drillSamples.get(direction(from, to)) ?? [],
          ),
        });
  const overall = traffic([...messageSamples.values()].flat(), [
    ...new Set([...drillSamples.values()].flat()),
  ]);

  const figures: ReliabilityFigures = { line, members, period: { ...period }, uptime, directions, overall };
  return {
    figures,
    completeness: completeness(members, boundary, recordedHeads),
    digest: reportDigest(figures),
  };
}

function linkUptime(
  members: string[],
  transitions: Map<string, Transition[]>,
  startMs: number,
  fromMs: number,
  toMs: number,
): ReliabilityFigures['uptime'] {
  const views: ReliabilityFigures['uptime']['views'] = [];
  const segmentsByView: Segment[][] = [];
  for (const node of members)
    for (const peer of members) {
      if (node === peer) continue;
      const list = transitions.get(`${node}\u0000${peer}`) ?? [];
      const segments = viewSegments(list, startMs, toMs);
      segmentsByView.push(segments);
      views.push({ node, peer, ...uptimeOf(segments, startMs, toMs) });
    }
  const combined = combineViews(segmentsByView, startMs, toMs);
  const daily: DailyUptime[] = [];
  for (let dayMs = Math.floor(fromMs / DAY_MS) * DAY_MS; dayMs < toMs; dayMs += DAY_MS) {
    const start = Math.max(dayMs, startMs);
    const end = Math.min(dayMs + DAY_MS, toMs);
    const totals = timeInStates(combined, start, end);
    const known = end > start ? end - start - totals.unknown : 0;
    daily.push({
      day: new Date(dayMs).toISOString().slice(0, 10),
      upPercent: percent(totals.up, known),
      availablePercent: percent(totals.up + totals.degraded, known),
    });
  }
  const combinedUptime = uptimeOf(combined, startMs, toMs);
  return { views, combined: combinedUptime, daily };
}

function uptimeOf(segments: readonly Segment[], startMs: number, toMs: number): LinkUptime {
  const totals = timeInStates(segments, startMs, toMs);
  const observedMs = Math.max(0, toMs - startMs);
  const known = observedMs - totals.unknown;
  return {
    observedMs,
    upMs: totals.up,
    degradedMs: totals.degraded,
    downMs: totals.down,
    unknownMs: totals.unknown,
    upPercent: percent(totals.up, known),
    availablePercent: percent(totals.up + totals.degraded, known),
    outages: downStretches(segments),
  };
}

/** How many separate stretches of `down` there are (adjacent down segments are one stretch). */
function downStretches(segments: readonly Segment[]): number {
  let count = 0;
  let previous: Segment | null = null;
  for (const segment of segments) {
    const continues = previous?.state === 'down' && previous.endMs === segment.startMs;
    if (segment.state === 'down' && !continues) count += 1;
    previous = segment;
  }
  return count;
}

function ackFigures(messages: readonly MessageFacts[]): AckFigures {
  const acked = messages.filter((m) => m.ackMs !== null);
  return {
    messages: messages.length,
    acknowledged: acked.length,
    withinDeadline: messages.filter((m) => m.isAckedByDeadline).length,
    answerRatePercent: percent(acked.length, messages.length),
    timeToAckMs: durationStats(acked.map((m) => m.ackMs as number)),
  };
}

function traffic(messages: readonly MessageFacts[], drills: readonly DrillFacts[]): TrafficFigures {
  const latencies = messages.flatMap((m) => (m.latencyMs === null ? [] : [m.latencyMs]));
  const byPrecedence = Object.fromEntries(
    PRECEDENCES.map((precedence) => [
      precedence,
      ackFigures(messages.filter((m) => m.precedence === precedence)),
    ]),
  ) as Record<Precedence, AckFigures>;
  const overdue = messages.filter((m) => m.isOverdue);
  const answered = drills.filter((d) => d.isAnswered);
  const missed = drills.filter((d) => d.isMissed).length;
  return {
    messages: messages.length,
    delivery: {
      delivered: latencies.length,
      notDelivered: messages.length - latencies.length,
      latencyMs: durationStats(latencies),
      histogram: histogram(latencies),
    },
    acknowledgement: { total: ackFigures(messages), byPrecedence },
    overdue: {
      overdue: overdue.length,
      unacknowledgedAtEnd: overdue.filter((m) => m.ackMs === null).length,
      escalated: messages.filter((m) => m.escalationSteps > 0).length,
      escalationSteps: messages.reduce((sum, m) => sum + m.escalationSteps, 0),
    },
    drills: {
      sent: drills.length,
      answered: answered.length,
      missed,
      pending: drills.length - answered.length - missed,
      answerRatePercent: percent(answered.length, drills.length),
      roundTripMs: durationStats(answered.flatMap((d) => (d.roundTripMs === null ? [] : [d.roundTripMs]))),
    },
  };
}

/** Whether this node holds the whole cut, and every member's record shows it holds the others' cuts. */
function completeness(
  members: string[],
  boundary: Map<string, number>,
  recordedHeads: Map<string, Map<string, number>>,
): Completeness {
  const missing: MissingData[] = [];
  for (const origin of members) {
    const first = boundary.get(origin);
    if (first === undefined) {
      missing.push({
        kind: 'later-event',
        origin,
        message: `no event of ${origin} dated after the period's end is held here yet: ${origin} may still add events dated inside the period`,
      });
      continue;
    }
    for (const node of members) {
      if (node === origin) continue;
      const recordedSeq = recordedHeads.get(node)?.get(origin) ?? 0;
      if (recordedSeq < first - 1) {
        missing.push({
          kind: 'holdings',
          node,
          origin,
          neededSeq: first - 1,
          recordedSeq,
          message: `${node}'s record does not yet show it holds ${origin}'s events up to seq ${first - 1} (it names seq ${recordedSeq})`,
        });
      }
    }
  }
  return { isComplete: missing.length === 0, missing };
}
