/**
 * The shapes of the reliability report (HOT8): its figures (what the digest covers), its
 * completeness and its period. Computed by `reliability.ts`; see there for what each figure
 * counts and which clock it reads.
 */
import type { Precedence } from '../core/types.ts';
import type { DurationStats, HistogramBucket } from './reliabilityStats.ts';

/** The period of a report: [from, to), RFC 3339 UTC with milliseconds. */
export interface ReliabilityPeriod {
  from: string;
  to: string;
}

/** Time a link spent in each state, and the share of known time it was up. */
export interface LinkUptime {
  /** The part of the period the line existed (from its genesis). */
  observedMs: number;
  upMs: number;
  degradedMs: number;
  downMs: number;
  /** Time no view recorded anything about. */
  unknownMs: number;
  /** Up time / known time, percent; null when nothing is known. */
  upPercent: number | null;
  /** Up or degraded (messages still pass) / known time, percent. */
  availablePercent: number | null;
  /** Separate stretches of `down` inside the period (one already down at its start counts). */
  outages: number;
}

/** One UTC day of the combined view (the chart of daily uptime). */
export interface DailyUptime {
  day: string;
  upPercent: number | null;
  availablePercent: number | null;
}

/** Acknowledgements of a set of messages. */
export interface AckFigures {
  messages: number;
  acknowledged: number;
  /** Acknowledged by the deadline (the acknowledgement's `ts` ≤ the stamped deadline). */
  withinDeadline: number;
  /** acknowledged / messages, percent (every hotline message asks for an acknowledgement). */
  answerRatePercent: number | null;
  timeToAckMs: DurationStats;
}

/** The figures of one direction (sender → recipient), or of both together. */
export interface TrafficFigures {
  messages: number;
  delivery: {
    delivered: number;
    /** Not recorded as delivered by the period's end. */
    notDelivered: number;
    latencyMs: DurationStats;
    histogram: HistogramBucket[];
  };
  acknowledgement: { total: AckFigures; byPrecedence: Record<Precedence, AckFigures> };
  overdue: {
    /** Deadline before the period's end, not acknowledged by the deadline. */
    overdue: number;
    /** Of those, still not acknowledged at the period's end. */
    unacknowledgedAtEnd: number;
    /** Messages with at least one `escalation.raised` (either side). */
    escalated: number;
    escalationSteps: number;
  };
  drills: {
    sent: number;
    answered: number;
    /** No answer in the record and sent over 5 minutes before the period's end. */
    missed: number;
    pending: number;
    answerRatePercent: number | null;
    roundTripMs: DurationStats;
  };
}

/** Figures of one direction. */
export interface DirectionFigures extends TrafficFigures {
  from: string;
  to: string;
}

/** Everything the digest covers: the same on both nodes once both are complete. */
export interface ReliabilityFigures {
  line: string;
  members: string[];
  period: ReliabilityPeriod;
  uptime: {
    /** Each node's own view of the link (its `link.state` events), on its own clock. */
    views: (LinkUptime & { node: string; peer: string })[];
    /** Both views overlaid: up only when every view that knows says up. */
    combined: LinkUptime;
    daily: DailyUptime[];
  };
  directions: DirectionFigures[];
  overall: TrafficFigures;
}

/** Something the report still waits for before it is final. */
export type MissingData =
  | { kind: 'later-event'; origin: string; message: string }
  | {
      kind: 'holdings';
      node: string;
      origin: string;
      neededSeq: number;
      recordedSeq: number;
      message: string;
    };

/** Whether both nodes hold everything the figures are computed from. */
export interface Completeness {
  isComplete: boolean;
  missing: MissingData[];
}

/** The report's content, before the reading node adds itself and the generation time. */
export interface ReliabilityReport {
  figures: ReliabilityFigures;
  completeness: Completeness;
  /** SHA-256 (hex) of the canonical JSON (RFC 8785) of `figures`. */
  digest: string;
}

/** What the computation needs besides the events. */
export interface ReliabilityInput {
  line: string;
  /** The line's member node ids. */
  members: readonly string[];
  period: ReliabilityPeriod;
}
