/**
 * Hand-made SVG bar charts for the Reliability panel (HOT8). Each chart is an image with a title
 * and a description that says its numbers in words (CON1, CON3: not colour alone, readable by a
 * screen reader); every bar carries its value as text, and the tables beside the charts hold the
 * same figures.
 */
import { t } from '../strings.ts';

/** One bar: its id, its label under it, its value (null: no data) and the value in words. */
export interface ChartBar {
  /** Unique among the chart's bars (e.g. the full date of a day). */
  id: string;
  label: string;
  value: number | null;
  text: string;
}

/** Props of `BarChart`. */
export interface BarChartProps {
  title: string;
  /** The chart's content in words (the text alternative). */
  description: string;
  bars: readonly ChartBar[];
  /** The value of a full-height bar. */
  max: number;
  testId?: string;
}

const WIDTH = 600;
const HEIGHT = 170;
const PLOT_BOTTOM = 135;
const LEFT = 8;

/** A vertical bar chart with labels; days without data show "?". */
export function BarChart({ title, description, bars, max, testId }: BarChartProps) {
  const step = bars.length > 0 ? (WIDTH - LEFT) / bars.length : 0;
  const showLabels = bars.length <= 16;
  const labelEvery = showLabels ? 1 : Math.ceil(bars.length / 16);
  return (
    <figure className="reliability__chart" data-testid={testId}>
      <svg role="img" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" aria-label={`${title}. ${description}`}>
        <title>{title}</title>
        <desc>{description}</desc>
        <line x1={LEFT} y1={PLOT_BOTTOM} x2={WIDTH} y2={PLOT_BOTTOM} stroke="currentColor" />
        {bars.map((bar, i) => {
          const x = LEFT + i * step;
          const middle = x + step / 2;
          const height =
            bar.value === null || max <= 0 ? 0 : (Math.min(bar.value, max) / max) * (PLOT_BOTTOM - 20);
          return (
            <g key={bar.id}>
              {bar.value === null ? (
                <text x={middle} y={PLOT_BOTTOM - 4} fontSize="10" textAnchor="middle">
                  ?
                </text>
              ) : (
                <rect
                  x={x + 1}
                  y={PLOT_BOTTOM - height}
                  width={Math.max(1, step - 2)}
                  height={height}
                  className="reliability__bar"
                >
                  <title>{`${bar.label}: ${bar.text}`}</title>
                </rect>
              )}
              {showLabels && bar.value !== null && (
                <text x={middle} y={PLOT_BOTTOM - height - 4} fontSize="10" textAnchor="middle">
                  {bar.text}
                </text>
              )}
              {i % labelEvery === 0 && (
                <text x={middle} y={PLOT_BOTTOM + 14} fontSize="10" textAnchor="middle">
                  {bar.label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
}

/** A duration in words: 850 ms, 4.2 s, 3 min 20 s, 5 min, 2 h 5 min, 3 h; a dash for none. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return t('reliability.none');
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  // A zero remainder is left out, so the histogram's labels ("up to 5 min") fit under their bars.
  if (minutes < 60) {
    const seconds = Math.floor((ms % 60_000) / 1_000);
    return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
  }
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** A percentage with two decimals, or a dash. */
export function formatPercent(value: number | null): string {
  return value === null ? t('reliability.none') : `${value.toFixed(2)} %`;
}
