/**
 * The marks the map draws for encounters (ENC4; CON1): each severity has its own shape as well
 * as its own colour (circle, square, triangle, diamond), so it never rests on colour alone; a
 * closed encounter is drawn hollow. The legend draws the same marks beside their words.
 * Colours keep at least 3:1 against the sea and the land (WCAG 2.1 non-text contrast).
 */
import type { Severity } from '../../../src/core/encounter.ts';

export const SEVERITY_COLOUR: Record<Severity, string> = {
  low: '#1d4f91',
  medium: '#6b4a00',
  high: '#b3400a',
  critical: '#a3161a',
};

/** The shape of a severity's mark, centred on (0, 0), about `r` pixels across its half. */
function shapePath(severity: Severity, r: number): string {
  switch (severity) {
    case 'low':
      return `M${-r},0a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0Z`;
    case 'medium':
      return `M${-r * 0.85},${-r * 0.85}h${r * 1.7}v${r * 1.7}h${-r * 1.7}Z`;
    case 'high':
      return `M0,${-r * 1.1}L${r * 1.05},${r * 0.75}L${-r * 1.05},${r * 0.75}Z`;
    case 'critical':
      return `M0,${-r * 1.25}L${r * 1.05},0L0,${r * 1.25}L${-r * 1.05},0Z`;
  }
}

/** Props of `SeverityMark`. */
export interface SeverityMarkProps {
  severity: Severity;
  /** Hollow: a closed encounter. */
  isHollow?: boolean;
  isSelected?: boolean;
  r?: number;
}

/** An encounter's mark, to place inside an SVG at (0, 0). */
export function SeverityMark({ severity, isHollow = false, isSelected = false, r = 7 }: SeverityMarkProps) {
  const colour = SEVERITY_COLOUR[severity];
  return (
    <>
      {isSelected && <circle r={r * 2} className="world-map__selection-ring" />}
      <path
        d={shapePath(severity, r)}
        fill={isHollow ? '#ffffff' : colour}
        stroke={isHollow ? colour : '#ffffff'}
        strokeWidth={isHollow ? 2.5 : 1.5}
      />
    </>
  );
}

/** A mark on its own, for the legend and the lists beside the map. */
export function SeverityMarkIcon({ severity, isHollow = false }: { severity: Severity; isHollow?: boolean }) {
  return (
    <svg className="map-mark-icon" viewBox="-10 -10 20 20" width="18" height="18" aria-hidden="true">
      <SeverityMark severity={severity} isHollow={isHollow} />
    </svg>
  );
}
