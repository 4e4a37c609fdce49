/**
 * What the map draws over the base map, as GeoJSON for d3-geo (ENC3, ENC4): a notified area
 * (polygon or circle) and an encounter's closest-approach line.
 *
 * - A polygon is drawn as the node tests it (`isInsideArea` in src/core/geo.ts): its edges are
 *   straight in (longitude, latitude), longitudes unwrapped from the first point so it may cross
 *   180°. Each edge is cut into steps of at most a degree, so d3's great-circle edges between
 *   the steps follow that line and the outline on the map is the outline the test uses.
 * - d3 takes a ring's inside to be on its right: a ring that would hold more than half the
 *   sphere is turned round, so the order a person entered the points in does not matter.
 * - A circle is d3's `geoCircle`: points at the radius by great-circle distance, as the node
 *   measures it (a geodesic polygon, never a flat circle stretched by the projection).
 * - The closest-approach line joins the two platforms' positions at that moment, by great circle.
 *
 * Pure: tested in node.
 */
import { geoArea, geoCircle } from 'd3-geo';
import type { LineString, Polygon, Position } from 'geojson';
import { type Area, EARTH_RADIUS_M, type LatLon } from '../../../src/core/geo.ts';
import { wrapLon } from './view.ts';

/** Edges longer than this (degrees of longitude or latitude) are cut into steps. */
const MAX_STEP_DEG = 1;
/** The angle between a circle's points, in degrees of its own arc. */
const CIRCLE_PRECISION_DEG = 3;

/** The points of a polygon edge from `a` to `b` (b excluded), straight in unwrapped (lon, lat). */
function edgePoints(a: [number, number], b: [number, number]): Position[] {
  const steps = Math.max(1, Math.ceil(Math.max(Math.abs(b[0] - a[0]), Math.abs(b[1] - a[1])) / MAX_STEP_DEG));
  const points: Position[] = [];
  for (let i = 0; i < steps; i++) {
    const f = i / steps;
    points.push([a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f]);
  }
  return points;
}

/** A polygon area's ring, closed, densified, with the inside on d3's side. */
export function polygonGeometry(points: readonly LatLon[]): Polygon {
  const first = points[0];
  if (!first) return { type: 'Polygon', coordinates: [] };
  const unwrapped: [number, number][] = points.map((p) => [first.lon + wrapLon(p.lon - first.lon), p.lat]);
  const ring: Position[] = [];
  unwrapped.forEach((point, index) => {
    const next = unwrapped[(index + 1) % unwrapped.length] ?? point;
    ring.push(...edgePoints(point, next));
  });
  ring.push([...(ring[0] ?? [first.lon, first.lat])]);
  const polygon: Polygon = { type: 'Polygon', coordinates: [ring] };
  // More than a hemisphere means the ring runs the other way round for d3: turn it.
  if (geoArea(polygon) > 2 * Math.PI) polygon.coordinates = [ring.reverse()];
  return polygon;
}

/** A circle area as a geodesic polygon. */
export function circleGeometry(center: LatLon, radiusM: number): Polygon {
  const radiusDeg = (radiusM / EARTH_RADIUS_M) * (180 / Math.PI);
  return geoCircle().center([center.lon, center.lat]).radius(radiusDeg).precision(CIRCLE_PRECISION_DEG)();
}

/** A notified area as a GeoJSON polygon. */
export function areaGeometry(area: Area): Polygon {
  return area.type === 'polygon' ? polygonGeometry(area.points) : circleGeometry(area.center, area.radiusM);
}

/** The positions that bound an area, for fitting the view: its points, or its circle's. */
export function areaOutline(area: Area): LatLon[] {
  const ring = areaGeometry(area).coordinates[0] ?? [];
  return ring.map(([lon = 0, lat = 0]) => ({ lat, lon: wrapLon(lon) }));
}

/** The closest-approach line between two positions. */
export function approachLine(a: LatLon, b: LatLon): LineString {
  return {
    type: 'LineString',
    coordinates: [
      [a.lon, a.lat],
      [b.lon, b.lat],
    ],
  };
}
