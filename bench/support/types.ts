/**
 * What a benchmark is and what it reports. `bench/run.ts` runs a list of these, prints a
 * summary and writes every result to `bench/results/`.
 */

/** The figure a benchmark is judged by, and the bound it must meet. */
export interface Target {
  /** Name of the figure in `figures`, e.g. `p99Ms`. */
  figure: string;
  /** `<=` for times, `>=` for rates. */
  bound: '<=' | '>=';
  value: number;
  unit: string;
}

/** Figures are numbers (or small objects of numbers), named with their unit: `p99Ms`, `eventsPerSecond`. */
export type Figures = Record<string, number | string | Record<string, number>>;

/** One benchmark's outcome. */
export interface BenchmarkResult {
  name: string;
  title: string;
  target: Target;
  /** The value of the target's figure. */
  measured: number | null;
  /** Whether the measured value meets the target (false when the run failed). */
  isMet: boolean;
  figures: Figures;
  /** What the run did (counts, rates, durations) and anything the reader should know. */
  notes: string[];
  durationMs: number;
  /** One-minute load average before and after the run: how busy the machine was meanwhile. */
  loadAverage: { before: number; after: number };
  /** Set when the benchmark could not complete; its figures may then be partial. */
  error?: string;
}

/** What a benchmark's run returns; the runner adds the rest. */
export type BenchmarkOutcome = Pick<BenchmarkResult, 'measured' | 'figures' | 'notes'>;

/** Where a benchmark may put its folders (removed by the runner, even on failure). */
export interface BenchContext {
  /** A fresh folder for this benchmark. */
  workDir: string;
  /** Writes a progress line for the person watching. */
  log(message: string): void;
}

/** A benchmark the runner can select by name. */
export interface Benchmark {
  name: string;
  title: string;
  target: Target;
  /** Upper bound on the run, after which the runner kills what it started and gives up. */
  timeoutMs: number;
  run(context: BenchContext): Promise<BenchmarkOutcome>;
}

/** Whether `measured` meets `target`. */
export function meets(target: Target, measured: number | null): boolean {
  if (measured === null || !Number.isFinite(measured)) return false;
  return target.bound === '<=' ? measured <= target.value : measured >= target.value;
}
