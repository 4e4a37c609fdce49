/**
 * Where the map looks (ENC4): the view (a centre and a zoom), the Mercator projection it makes on
 * a screen of a given size, and the moves a person makes — pan by pixels, zoom around a point,
 * fit what the map shows, centre on one place.
 *
 * - Mercator, as sea charts are drawn: conformal, so bearings and shapes near an encounter read
 *   true. At zoom 1 the whole 360° of longitude spans the map's width.
 * - The centre's longitude is a rotation of the sphere, not a shift of the plane: d3 cuts the
 *   world at the meridian opposite the centre (its antimeridian clipping), so whatever the centre,
 *   even 180°, nothing is drawn across the map from one edge to the other.
 * - The centre's latitude is kept so that the view never leaves the Mercator square (±85.05°).
 *
 * Pure (d3-geo only): tested in node.
 */
import { type GeoProjection, geoMercator } from 'd3-geo';
import type { LatLon } from '../../../src/core/geo.ts';

/** What the map shows: its centre, and the zoom (1 = the world's width fills the map). */
export interface MapView {
  centre: LatLon;
  zoom: number;
}

/** The map's size on screen, in CSS pixels. */
export interface MapSize {
  width: number;
  height: number;
}

/** A point on screen, in CSS pixels from the map's top left corner. */
export interface ScreenPoint {
  x: number;
  y: number;
}

/** The whole world across the map's width. */
export const MIN_ZOOM = 1;
/** About 2.5 km across a 1000-pixel map: a closest approach of a few hundred metres shows. */
export const MAX_ZOOM = 8192;
/** Where the map looks before it knows what to show: the world, centred on the Pacific. */
export const WORLD_VIEW: MapView = { centre: { lat: 20, lon: 150 }, zoom: 1 };

const DEGREES = 180 / Math.PI;
const RADIANS = Math.PI / 180;
/** The latitude of the Mercator square's edge. */
export const MERCATOR_MAX_LAT = Math.atan(Math.sinh(Math.PI)) * DEGREES;

/** An angle brought into −180 (included) .. 180 (excluded). */
export function wrapLon(lon: number): number {
  return ((((lon + 180) % 360) + 360) % 360) - 180;
}

/** Pixels per radian of longitude at a zoom, on a map `width` pixels wide. */
export function scaleOf(zoom: number, width: number): number {
  return (width * zoom) / (2 * Math.PI);
}

/** Mercator's y (radians-scaled, north up) of a latitude in degrees. */
function mercatorY(lat: number): number {
  return Math.log(Math.tan(Math.PI / 4 + (lat * RADIANS) / 2));
}

function latOfMercatorY(y: number): number {
  return (2 * Math.atan(Math.exp(y)) - Math.PI / 2) * DEGREES;
}

/**
 * A view made valid for a screen: zoom within its bounds, longitude wrapped, and the latitude
 * kept so that the top and bottom of the map stay inside the Mercator square (the centre is the
 * equator when the map is taller than the world).
 */
export function clampView(view: MapView, size: MapSize): MapView {
  const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, Number.isFinite(view.zoom) ? view.zoom : MIN_ZOOM));
  const scale = scaleOf(zoom, size.width);
  const halfHeight = size.height / 2 / scale;
  const room = Math.PI - halfHeight;
  const y = room <= 0 ? 0 : Math.max(-room, Math.min(room, mercatorY(view.centre.lat)));
  return { centre: { lat: latOfMercatorY(y), lon: wrapLon(view.centre.lon) }, zoom };
}

/**
 * The projection of a view on a screen: `rotate` brings the centre's meridian to the middle (so
 * the cut is at its antimeridian, the map's left and right edges), `center` its latitude; the
 * clip extent is the screen with a margin, so paths off screen are dropped, not drawn.
 */
export function projectionFor(view: MapView, size: MapSize): GeoProjection {
  const margin = 16;
  return geoMercator()
    .rotate([-view.centre.lon, 0])
    .center([0, view.centre.lat])
    .scale(scaleOf(view.zoom, size.width))
    .translate([size.width / 2, size.height / 2])
    .clipExtent([
      [-margin, -margin],
      [size.width + margin, size.height + margin],
    ]);
}

/** The position under a point of the screen, or null off the world. */
export function positionAt(view: MapView, size: MapSize, point: ScreenPoint): LatLon | null {
  const inverted = projectionFor(view, size).invert?.([point.x, point.y]);
  if (!inverted || !Number.isFinite(inverted[0]) || !Number.isFinite(inverted[1])) return null;
  return { lat: inverted[1], lon: wrapLon(inverted[0]) };
}

/** Where a position falls on the screen. */
export function screenPointOf(view: MapView, size: MapSize, position: LatLon): ScreenPoint | null {
  const projected = projectionFor(view, size)([position.lon, position.lat]);
  return projected ? { x: projected[0], y: projected[1] } : null;
}

/** The view after the world has been dragged by (dx, dy) pixels: what was under (x, y) is now under (x+dx, y+dy). */
export function panBy(view: MapView, size: MapSize, dx: number, dy: number): MapView {
  const scale = scaleOf(view.zoom, size.width);
  const lon = view.centre.lon - (dx / scale) * DEGREES;
  const lat = latOfMercatorY(mercatorY(view.centre.lat) + dy / scale);
  return clampView({ centre: { lat, lon }, zoom: view.zoom }, size);
}

/** The view zoomed by `factor` around a point of the screen, which stays over the same place. */
export function zoomAt(view: MapView, size: MapSize, point: ScreenPoint, factor: number): MapView {
  const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, view.zoom * factor));
  const ratio = zoom / view.zoom;
  // In Mercator the screen is the plane scaled: the centre moves toward the point by 1 − 1/ratio.
  const dx = (point.x - size.width / 2) * (1 - 1 / ratio);
  const dy = (point.y - size.height / 2) * (1 - 1 / ratio);
  const moved = panBy(view, size, -dx, -dy);
  return clampView({ centre: moved.centre, zoom }, size);
}

/** The view centred on a position, at least at `minZoom`. */
export function centreOn(view: MapView, size: MapSize, position: LatLon, minZoom = 1): MapView {
  return clampView({ centre: { ...position }, zoom: Math.max(view.zoom, minZoom) }, size);
}

/** A box of the sphere: west may be east of east when the box crosses 180°. */
export interface LonLatBox {
  west: number;
  east: number;
  south: number;
  north: number;
}

/**
 * The smallest run of longitudes holding every given longitude: the complement of the widest
 * gap between them around the circle. Returns [west, east], west > east across 180°.
 */
export function lonSpan(lons: readonly number[]): [number, number] | null {
  if (lons.length === 0) return null;
  const sorted = [...lons].map(wrapLon).sort((a, b) => a - b);
  let widestGap = -1;
  let west = sorted[0] ?? 0;
  let east = sorted[sorted.length - 1] ?? 0;
  for (let i = 0; i < sorted.length; i++) {
    const from = sorted[i] ?? 0;
    const to = i + 1 < sorted.length ? (sorted[i + 1] ?? 0) : (sorted[0] ?? 0) + 360;
    if (to - from > widestGap) {
      widestGap = to - from;
      east = from;
      west = wrapLon(to);
    }
  }
  return [west, east];
}

/** The box of a set of positions (longitudes by their smallest span). */
export function boxOf(positions: readonly LatLon[]): LonLatBox | null {
  const span = lonSpan(positions.map((p) => p.lon));
  if (!span) return null;
  const lats = positions.map((p) => p.lat);
  return { west: span[0], east: span[1], south: Math.min(...lats), north: Math.max(...lats) };
}

/** Degrees of longitude from west to east, going east. */
function lonWidth(box: LonLatBox): number {
  const width = box.east - box.west;
  return width < 0 ? width + 360 : width;
}

/**
 * The view that shows every given position with a margin of `paddingPx` around them, zoomed no
 * further than `maxZoom` (a lone point is shown with its surroundings); the world when none.
 */
export function fitView(positions: readonly LatLon[], size: MapSize, paddingPx = 48, maxZoom = 64): MapView {
  const box = boxOf(positions);
  if (!box) return clampView(WORLD_VIEW, size);
  const usableWidth = Math.max(1, size.width - 2 * paddingPx);
  const usableHeight = Math.max(1, size.height - 2 * paddingPx);
  const widthRad = Math.max(lonWidth(box) * RADIANS, 1e-9);
  const heightMerc = Math.max(mercatorY(Math.min(box.north, 85)) - mercatorY(Math.max(box.south, -85)), 1e-9);
  // scale = width·zoom/2π, so a run of r radians takes r·scale pixels.
  const zoomForWidth = (usableWidth * 2 * Math.PI) / (widthRad * size.width);
  const zoomForHeight = (usableHeight * 2 * Math.PI) / (heightMerc * size.width);
  const zoom = Math.min(maxZoom, zoomForWidth, zoomForHeight);
  const centreY = (mercatorY(Math.min(box.north, 85)) + mercatorY(Math.max(box.south, -85))) / 2;
  const centre = { lat: latOfMercatorY(centreY), lon: wrapLon(box.west + lonWidth(box) / 2) };
  return clampView({ centre, zoom }, size);
}

/** The part of the sphere the view shows (with a margin), for culling the base map's pieces. */
export function visibleBox(view: MapView, size: MapSize, marginPx = 32): LonLatBox {
  const scale = scaleOf(view.zoom, size.width);
  const halfWidthDeg = ((size.width / 2 + marginPx) / scale) * DEGREES;
  const y = mercatorY(view.centre.lat);
  const halfHeight = (size.height / 2 + marginPx) / scale;
  const north = latOfMercatorY(y + halfHeight);
  const south = latOfMercatorY(y - halfHeight);
  if (halfWidthDeg >= 180) return { west: -180, east: 180, south, north };
  return {
    west: wrapLon(view.centre.lon - halfWidthDeg),
    east: wrapLon(view.centre.lon + halfWidthDeg),
    south,
    north,
  };
}

/** A run of longitudes as [start, length in degrees going east]; the whole circle is 360. */
function lonRun(west: number, east: number): [number, number] {
  if (west === -180 && east === 180) return [-180, 360];
  const width = east - west;
  return [west, width < 0 ? width + 360 : width];
}

/** Whether two boxes of the sphere share any place (a box across 180° has west > east). */
export function boxesOverlap(a: LonLatBox, b: LonLatBox): boolean {
  if (a.north < b.south || b.north < a.south) return false;
  const [aStart, aWidth] = lonRun(a.west, a.east);
  const [bStart, bWidth] = lonRun(b.west, b.east);
  if (aWidth >= 360 || bWidth >= 360) return true;
  const offset = (from: number, to: number) => (((to - from) % 360) + 360) % 360;
  return offset(aStart, bStart) <= aWidth || offset(bStart, aStart) <= bWidth;
}

/** The graticule's spacing in degrees for a view: about four to ten lines across it. */
export function graticuleStep(view: MapView): number {
  const spanDeg = 360 / view.zoom;
  const steps = [30, 10, 5, 2, 1, 0.5, 0.25, 1 / 6, 1 / 12, 1 / 30, 1 / 60];
  return steps.find((step) => spanDeg / step >= 4) ?? steps[steps.length - 1] ?? 1;
}

/** Metres on the ground per screen pixel at the view's centre. */
export function metresPerPixel(view: MapView, size: MapSize): number {
  const earthRadiusM = 6_371_008.8;
  return (earthRadiusM * Math.cos(view.centre.lat * RADIANS)) / scaleOf(view.zoom, size.width);
}

/** Lengths a scale bar may show, in nautical miles. */
const SCALE_NM = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000];

/** The scale bar for the view's centre: the longest round length in NM that fits in `maxPx`. */
export function scaleBar(view: MapView, size: MapSize, maxPx = 120): { nm: number; px: number } {
  const nmPerPixel = metresPerPixel(view, size) / 1852;
  const nm = [...SCALE_NM].reverse().find((length) => length / nmPerPixel <= maxPx) ?? SCALE_NM[0] ?? 0.1;
  return { nm, px: nm / nmPerPixel };
}

/** `data-view` of the map for tests and for reading: "lat,lon,zoom". */
export function describeView(view: MapView): string {
  return `${view.centre.lat.toFixed(4)},${view.centre.lon.toFixed(4)},${view.zoom.toFixed(3)}`;
}
