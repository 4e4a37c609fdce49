/**
 * The arithmetic of the reliability report (HOT8): percentiles, histograms, percentages and
 * link-state timelines. Pure and integer-minded, so two nodes given the same events print the
 * same figures to the last digit.
 *
 * - Percentiles use the nearest-rank method: the p-th percentile of n sorted values is the value
 *   at rank ⌈p/100 · n⌉ (1-based). No interpolation, so every figure is one of the measured
 *   durations (whole milliseconds).
 * - Percentages are rounded to two decimals (half away from zero on the hundredths).
 */
import { LINK_STATES, type LinkState } from '../core/types.ts';

/** Distribution of a set of durations in milliseconds; null figures when there is none. */
export interface DurationStats {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

/** One bar of a histogram: values up to `upToMs` (inclusive) above the previous bar's; null is "above". */
export interface HistogramBucket {
  upToMs: number | null;
  count: number;
}

/** Upper bounds of the delivery latency histogram, in ms; one more bucket holds what is above. */
export const LATENCY_BUCKETS_MS = [250, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000, 300_000] as const;

/** The nearest-rank percentile of ascending `sorted` values, or null when empty. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}

/** Count, p50, p90, p99 and max of durations (any order). */
export function durationStats(values: readonly number[]): DurationStats {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? null : (sorted[sorted.length - 1] ?? null),
  };
}

/** How many values fall in each bucket of `LATENCY_BUCKETS_MS` (and above the last). */
export function histogram(
  values: readonly number[],
  bounds: readonly number[] = LATENCY_BUCKETS_MS,
): HistogramBucket[] {
  const buckets: HistogramBucket[] = [
    ...bounds.map((upToMs) => ({ upToMs, count: 0 })),
    { upToMs: null, count: 0 },
  ];
  for (const value of values) {
    const index = bounds.findIndex((bound) => value <= bound);
    const bucket = buckets[index === -1 ? bounds.length : index];
    if (bucket) bucket.count += 1;
  }
  return buckets;
}

/** `part / whole` as a percentage with two decimals, or null when `whole` is 0. */
export function percent(part: number, whole: number): number | null {
  if (whole <= 0) return null;
  return Math.round((part * 10_000) / whole) / 100;
}

/** A link state, or `unknown` where the record says nothing. */
export type ViewState = LinkState | 'unknown';

/** A stretch of time [startMs, endMs) in one state. */
export interface Segment {
  startMs: number;
  endMs: number;
  state: ViewState;
}

/** One recorded transition of a node's view of a link: from `previous` to `state` at `atMs`. */
export interface Transition {
  atMs: number;
  state: LinkState;
  previous: LinkState | null;
}

/** Whether a value is one of the FED7 link states. */
export function isLinkState(value: unknown): value is LinkState {
  return typeof value === 'string' && (LINK_STATES as readonly string[]).includes(value);
}

/**
 * The segments of one node's view over [startMs, endMs), from its transitions in record order.
 * Before the first transition the view is in that transition's `previous` state (unknown when
 * there is none); each state holds until the next transition. A node that stops records nothing,
 * so its view holds its last state through its own downtime: the combined view corrects that.
 */
export function viewSegments(transitions: readonly Transition[], startMs: number, endMs: number): Segment[] {
  const segments: Segment[] = [];
  let state: ViewState = transitions[0]?.previous ?? 'unknown';
  let from = startMs;
  const push = (until: number) => {
    const start = Math.max(from, startMs);
    const end = Math.min(until, endMs);
    if (end > start) segments.push({ startMs: start, endMs: end, state });
  };
  for (const transition of transitions) {
    push(transition.atMs);
    from = Math.max(from, transition.atMs);
    state = transition.state;
  }
  push(endMs);
  return segments;
}

const SEVERITY: Record<ViewState, number> = { unknown: -1, up: 0, degraded: 1, down: 2 };

/**
 * The combined view of several nodes' views: at each moment the worst known state (down over
 * degraded over up), so the link counts as up only when every view that knows says up; unknown
 * only when no view knows.
 */
export function combineViews(views: readonly Segment[][], startMs: number, endMs: number): Segment[] {
  const cuts = new Set<number>([startMs, endMs]);
  for (const view of views) for (const segment of view) cuts.add(segment.startMs).add(segment.endMs);
  const points = [...cuts].filter((t) => t >= startMs && t <= endMs).sort((a, b) => a - b);
  const combined: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i] as number;
    const end = points[i + 1] as number;
    let state: ViewState = 'unknown';
    for (const view of views) {
      const here =
        view.find((segment) => segment.startMs <= start && segment.endMs > start)?.state ?? 'unknown';
      if (SEVERITY[here] > SEVERITY[state]) state = here;
    }
    const last = combined[combined.length - 1];
    if (last && last.state === state && last.endMs === start) last.endMs = end;
    else combined.push({ startMs: start, endMs: end, state });
  }
  return combined;
}

/** Milliseconds spent in each state inside [startMs, endMs). */
export function timeInStates(
  segments: readonly Segment[],
  startMs: number,
  endMs: number,
): Record<ViewState, number> {
  const totals: Record<ViewState, number> = { up: 0, degraded: 0, down: 0, unknown: 0 };
  for (const segment of segments) {
    const overlap = Math.min(segment.endMs, endMs) - Math.max(segment.startMs, startMs);
    if (overlap > 0) totals[segment.state] += overlap;
  }
  return totals;
}
