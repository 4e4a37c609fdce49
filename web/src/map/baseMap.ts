/**
 * The offline base map (ENC4): land and the borders between countries from Natural Earth, as
 * the `world-atlas` package ships them in TopoJSON, turned into SVG paths for a view.
 *
 * - Two levels of detail: 1:110m (108 KB) for the world and continents, 1:50m (756 KB) once the
 *   view is zoomed to a sea (zoom ≥ 3). 1:10m (3.6 MB) would add little at the scales duty officers
 *   read encounters at, for five times the download.
 * - The land is split into its polygons and the borders into their lines, each with its box
 *   (`geoBounds`), so a view draws only the pieces it can see: at 1:50m the whole world is
 *   1.2 MB of path text and 50 ms of work, a sea at zoom 8 a few kilobytes.
 * - Projection and clipping are d3-geo's: `geoPath` cuts every ring at the view's antimeridian
 *   and closes it along the map's edge, so nothing streaks across the map (see view.ts).
 *
 * Pure: the TopoJSON is handed in (worldAtlas.ts loads it in the browser; tests read the file).
 */
import { type GeoProjection, geoBounds, geoGraticule, geoPath } from 'd3-geo';
import type { Feature, LineString, MultiLineString, Polygon } from 'geojson';
import { feature, mesh } from 'topojson-client';
import type { GeometryObject, Topology } from 'topojson-specification';
import { boxesOverlap, graticuleStep, type LonLatBox, type MapView } from './view.ts';

/** One polygon of land or one border line, with the box it lies in. */
export interface Piece {
  geometry: Polygon | LineString;
  box: LonLatBox;
}

/** One level of detail of the base map. */
export interface BaseLayer {
  land: Piece[];
  borders: Piece[];
}

/** The base map's SVG paths for one view. */
export interface BasePaths {
  land: string;
  borders: string;
  graticule: string;
}

/** From this zoom on, the finer data (when loaded) is drawn. */
export const DETAIL_ZOOM = 3;

function boxOfGeometry(geometry: Polygon | LineString): LonLatBox {
  const [[west, south], [east, north]] = geoBounds({ type: 'Feature', geometry, properties: null });
  return { west, east, south, north };
}

/** A world-atlas topology (`countries-*.json`: objects `land` and `countries`) as pieces. */
export function buildBaseLayer(topology: Topology): BaseLayer {
  const landObject = topology.objects.land as GeometryObject | undefined;
  const countries = topology.objects.countries as GeometryObject | undefined;
  if (!landObject || !countries) throw new Error('not a world-atlas countries topology');
  const landFeatures = feature(topology, landObject);
  const land: Piece[] = [];
  const features: Feature[] = 'features' in landFeatures ? landFeatures.features : [landFeatures];
  for (const item of features) {
    const geometry = item.geometry;
    const polygons =
      geometry.type === 'MultiPolygon'
        ? geometry.coordinates
        : geometry.type === 'Polygon'
          ? [geometry.coordinates]
          : [];
    for (const coordinates of polygons) {
      const polygon: Polygon = { type: 'Polygon', coordinates };
      land.push({ geometry: polygon, box: boxOfGeometry(polygon) });
    }
  }
  const borderLines: MultiLineString = mesh(topology, countries, (a, b) => a !== b);
  const borders = borderLines.coordinates.map((coordinates) => {
    const line: LineString = { type: 'LineString', coordinates };
    return { geometry: line, box: boxOfGeometry(line) };
  });
  return { land, borders };
}

/** The path text of the pieces that overlap `visible`. */
function piecesPath(pieces: readonly Piece[], path: ReturnType<typeof geoPath>, visible: LonLatBox): string {
  let text = '';
  for (const piece of pieces) {
    if (!boxesOverlap(piece.box, visible)) continue;
    text += path(piece.geometry) ?? '';
  }
  return text;
}

/** The graticule's lines over the visible box, spaced for the zoom. */
function graticulePath(view: MapView, path: ReturnType<typeof geoPath>, visible: LonLatBox): string {
  const step = graticuleStep(view);
  const snap = (value: number, down: boolean) =>
    (down ? Math.floor(value / step) : Math.ceil(value / step)) * step;
  const east = visible.east < visible.west ? visible.east + 360 : visible.east;
  const graticule = geoGraticule()
    .extent([
      [snap(visible.west, true), Math.max(-85, snap(visible.south, true))],
      [snap(east, false), Math.min(85, snap(visible.north, false))],
    ])
    .step([step, step])
    .precision(step / 4);
  return path(graticule()) ?? '';
}

/** The land, borders and graticule of a view, drawn with `projection`. */
export function basePaths(
  layer: BaseLayer,
  projection: GeoProjection,
  view: MapView,
  visible: LonLatBox,
): BasePaths {
  const path = geoPath(projection).digits(1);
  return {
    land: piecesPath(layer.land, path, visible),
    borders: piecesPath(layer.borders, path, visible),
    graticule: graticulePath(view, path, visible),
  };
}

/** The layer to draw at a zoom: the finer one from `DETAIL_ZOOM` on, when it has been loaded. */
export function layerFor(
  zoom: number,
  layers: { coarse: BaseLayer | null; fine: BaseLayer | null },
): BaseLayer | null {
  if (zoom >= DETAIL_ZOOM && layers.fine) return layers.fine;
  return layers.coarse ?? layers.fine;
}

/**
 * How many segments of an SVG path jump more than half the map's width sideways within one
 * subpath while on screen: a streak across the map, drawn when a ring that crosses the
 * antimeridian is not cut there. Segments wholly above or below the screen are the clip
 * rectangle's own edges and do not count. The path is d3's output: absolute M, L and Z commands.
 */
export function sidewaysJumps(d: string, size: { width: number; height: number }): number {
  const isOnScreen = (y: number) => y >= 0 && y <= size.height;
  let jumps = 0;
  let previous: [number, number] | null = null;
  for (const command of d.matchAll(/([MLZ])([^MLZ]*)/g)) {
    const [, letter, args = ''] = command;
    if (letter === 'Z') {
      previous = null;
      continue;
    }
    const numbers = args.split(/[ ,]+/).filter(Boolean).map(Number);
    for (let i = 0; i + 1 < numbers.length; i += 2) {
      const point: [number, number] = [numbers[i] ?? 0, numbers[i + 1] ?? 0];
      const isLine = letter === 'L' || i > 0;
      if (isLine && previous !== null && Math.abs(point[0] - previous[0]) > size.width / 2) {
        if (isOnScreen(point[1]) || isOnScreen(previous[1])) jumps++;
      }
      previous = point;
    }
  }
  return jumps;
}
