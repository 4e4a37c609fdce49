/**
 * The closest approach of an encounter (ENC1, issue 6 part 5): as reported, or, when the report
 * gives none but names the position, course and speed of one of our platforms and one of theirs,
 * computed from them (`closestApproach` in src/core/geo.ts), with the two positions at that
 * moment for the map's closest-approach line.
 */
import type { RecordedReport } from '../core/encounter.ts';
import { closestApproach, type LatLon } from '../core/geo.ts';

export interface Approach {
  distanceM: number;
  /** When it happened (reported) or happens (computed from the encounter's time). */
  at: string;
  source: 'reported' | 'computed';
  /** Where each platform is at that moment, when computed. */
  positions: [LatLon, LatLon] | null;
}

/** The first platform of a list that can be projected: position, course and speed all given. */
function firstTrack(platforms: RecordedReport['ownPlatforms']) {
  const p = platforms.find((x) => x.position && x.courseDeg !== undefined && x.speedKn !== undefined);
  return p?.position && p.courseDeg !== undefined && p.speedKn !== undefined
    ? { position: p.position, courseDeg: p.courseDeg, speedKn: p.speedKn }
    : null;
}

export function encounterApproach(report: RecordedReport): Approach | null {
  if (report.closestApproach) {
    return {
      distanceM: report.closestApproach.distanceM,
      at: report.closestApproach.at,
      source: 'reported',
      positions: null,
    };
  }
  const own = firstTrack(report.ownPlatforms);
  const other = firstTrack(report.otherPlatforms);
  if (!own || !other) return null;
  const cpa = closestApproach(own, other);
  const at = new Date(Date.parse(report.occurredAt) + cpa.minutes * 60_000).toISOString();
  return { distanceM: Math.round(cpa.distanceM), at, source: 'computed', positions: [cpa.a, cpa.b] };
}
