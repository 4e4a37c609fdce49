/**
 * Summaries of samples (latencies in milliseconds). Percentiles use the nearest-rank method:
 * p99 of 1,000 samples is the 990th smallest, a value that was actually observed.
 */

/** Percentiles, mean and extremes of a set of samples, rounded to 0.01 ms. */
export interface Distribution {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** The nearest-rank percentile `p` (0–100) of ascending `sorted`; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Summarises samples; every field is NaN (count 0) when there are none. */
export function distribution(samples: readonly number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    count: sorted.length,
    min: round(sorted[0] ?? Number.NaN),
    mean: round(sorted.length > 0 ? sum / sorted.length : Number.NaN),
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
  };
}

/** `{count, min, …}` as figures named with a unit suffix: `{p50Ms, p99Ms, …}`. */
export function distributionFigures(d: Distribution, unit = 'Ms'): Record<string, number> {
  return {
    [`min${unit}`]: d.min,
    [`mean${unit}`]: d.mean,
    [`p50${unit}`]: d.p50,
    [`p90${unit}`]: d.p90,
    [`p99${unit}`]: d.p99,
    [`max${unit}`]: d.max,
  };
}

/** A one-line rendering, e.g. `p50 3.1 · p90 4.0 · p99 7.9 · max 12.3 ms (n=1000)`. */
export function formatDistribution(d: Distribution, unit = 'ms'): string {
  return `p50 ${d.p50} · p90 ${d.p90} · p99 ${d.p99} · max ${d.max} ${unit} (n=${d.count})`;
}
