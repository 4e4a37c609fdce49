/**
 * The geometry of encounters (ENC1, ENC3; issue 6 part 5): great-circle distance and bearing on
 * a sphere, the closest point of approach (CPA) of two tracks, whether a position lies inside a
 * notified area, and positions as a person types and reads them.
 *
 * - Distances are on a sphere of the mean Earth radius (haversine): within about 0.5 % of the
 *   ellipsoid, plenty for reports of encounters.
 * - The CPA works in a local tangent plane (east and north metres) touching the sphere at the
 *   great-circle midpoint of the two positions, with one north for both tracks (the plane's), as
 *   a radar plot has; each track goes on as a straight line at its observed course and speed.
 *   Distances in the plane are within 0.01 % of the sphere's out to 60 NM from the midpoint, at
 *   any latitude and across 180°. The limit is the straight line: a ship holding a course follows
 *   a rhumb line. Against rhumb-line tracks up to 30 NM apart, 30 kn and a CPA within 2 h, the
 *   CPA distance came within 30 m (95 % of cases) at 25° of latitude, 110 m at 60°, 180 m at
 *   70° and 0.2 NM at 80°. A CPA many hours or hundreds of miles ahead is only a rough guide.
 * - Polygons are tested by ray casting in a plane of (longitude, latitude) with longitudes
 *   unwrapped relative to the first vertex, so an area over the 180° meridian works. Edges are
 *   straight in that plane; an area may not span more than 180° of longitude or hold a pole.
 * - `parsePosition` reads decimal degrees, degrees and decimal minutes, and degrees, minutes and
 *   seconds, with N/S/E/W or signs, and reads back what the phrasebook's `formatPosition` writes
 *   in English, Chinese and Japanese (`src/core/phrasebook/format.ts`).
 *
 * Pure: no Node built-ins, so the console computes with the same code as the node.
 */

/** A position in degrees: lat −90..90 (north positive), lon −180..180 (east positive). */
// A type, not an interface, so a position stays assignable to an event body's JSON.
export type LatLon = { lat: number; lon: number };

/** A platform's motion at an instant: true course 0..360 and speed in knots. */
export interface Track {
  position: LatLon;
  courseDeg: number;
  speedKn: number;
}

/** The mean Earth radius (IUGG), in metres. */
export const EARTH_RADIUS_M = 6_371_008.8;

/** One nautical mile in metres (exact, by definition). */
export const METRES_PER_NM = 1852;

const RADIANS_PER_DEGREE = Math.PI / 180;

function toRadians(degrees: number): number {
  return degrees * RADIANS_PER_DEGREE;
}

function toDegrees(radians: number): number {
  return radians / RADIANS_PER_DEGREE;
}

/** An angle in degrees brought into −180 (included) .. 180 (excluded). */
function wrap180(degrees: number): number {
  return (((degrees % 360) + 540) % 360) - 180;
}

/** The great-circle distance in metres (haversine). */
export function distanceM(a: LatLon, b: LatLon): number {
  const halfDLat = toRadians(b.lat - a.lat) / 2;
  const halfDLon = toRadians(b.lon - a.lon) / 2;
  const h =
    Math.sin(halfDLat) ** 2 +
    Math.cos(toRadians(a.lat)) * Math.cos(toRadians(b.lat)) * Math.sin(halfDLon) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The initial great-circle bearing from `from` to `to`, in degrees 0 (included) .. 360 (excluded). */
export function bearingDeg(from: LatLon, to: LatLon): number {
  const lat1 = toRadians(from.lat);
  const lat2 = toRadians(to.lat);
  const dLon = toRadians(to.lon - from.lon);
  const y = Math.sin(dLon) * Math.cos(lat2);
  const x = Math.cos(lat1) * Math.sin(lat2) - Math.sin(lat1) * Math.cos(lat2) * Math.cos(dLon);
  const bearing = (toDegrees(Math.atan2(y, x)) + 360) % 360;
  return bearing === 360 ? 0 : bearing;
}

/** The position reached from `from` along a great circle with initial bearing `bearing` after `distance` metres. */
export function destination(from: LatLon, bearing: number, distance: number): LatLon {
  const angle = distance / EARTH_RADIUS_M;
  const lat1 = toRadians(from.lat);
  const theta = toRadians(bearing);
  const sinLat2 = Math.sin(lat1) * Math.cos(angle) + Math.cos(lat1) * Math.sin(angle) * Math.cos(theta);
  const lat2 = Math.asin(Math.max(-1, Math.min(1, sinLat2)));
  const dLon = Math.atan2(
    Math.sin(theta) * Math.sin(angle) * Math.cos(lat1),
    Math.cos(angle) - Math.sin(lat1) * sinLat2,
  );
  return { lat: toDegrees(lat2), lon: wrap180(from.lon + toDegrees(dLon)) };
}

// ---------------------------------------------------------------------------------------------
// Closest point of approach

/** A direction or point in space, in units of the Earth's radius (x to 0°E, z to the North Pole). */
interface Vector3 {
  x: number;
  y: number;
  z: number;
}

/** The unit vectors up, east and north at a position. */
interface LocalFrame {
  up: Vector3;
  east: Vector3;
  north: Vector3;
}

/** A point or a vector in the local plane: metres east and north (per minute for a velocity). */
interface PlaneVector {
  east: number;
  north: number;
}

function dot3(u: Vector3, v: Vector3): number {
  return u.x * v.x + u.y * v.y + u.z * v.z;
}

function frameAt(position: LatLon): LocalFrame {
  const lat = toRadians(position.lat);
  const lon = toRadians(position.lon);
  const [sinLat, cosLat, sinLon, cosLon] = [Math.sin(lat), Math.cos(lat), Math.sin(lon), Math.cos(lon)];
  return {
    up: { x: cosLat * cosLon, y: cosLat * sinLon, z: sinLat },
    east: { x: -sinLon, y: cosLon, z: 0 },
    north: { x: -sinLat * cosLon, y: -sinLat * sinLon, z: cosLat },
  };
}

function positionOf(up: Vector3): LatLon {
  const lat = toDegrees(Math.asin(Math.max(-1, Math.min(1, up.z))));
  return { lat, lon: wrap180(toDegrees(Math.atan2(up.y, up.x))) };
}

/** The frame at the great-circle midpoint of two positions (at the first, should they be antipodal). */
function frameBetween(a: LatLon, b: LatLon): LocalFrame {
  const upA = frameAt(a).up;
  const upB = frameAt(b).up;
  const sum = { x: upA.x + upB.x, y: upA.y + upB.y, z: upA.z + upB.z };
  const length = Math.sqrt(dot3(sum, sum));
  if (length < 1e-12) return frameAt(a);
  return frameAt(positionOf({ x: sum.x / length, y: sum.y / length, z: sum.z / length }));
}

/** A position seen in the plane tangent at `plane.up` (orthographic: straight down onto it). */
function toPlane(plane: LocalFrame, position: LatLon): PlaneVector {
  const up = frameAt(position).up;
  return { east: EARTH_RADIUS_M * dot3(up, plane.east), north: EARTH_RADIUS_M * dot3(up, plane.north) };
}

/** The position under a point of the plane (past the horizon, the horizon). */
function fromPlane(plane: LocalFrame, point: PlaneVector): LatLon {
  const east = point.east / EARTH_RADIUS_M;
  const north = point.north / EARTH_RADIUS_M;
  const height = Math.sqrt(Math.max(0, 1 - east * east - north * north));
  const along = (axis: 'x' | 'y' | 'z') =>
    east * plane.east[axis] + north * plane.north[axis] + height * plane.up[axis];
  return positionOf({ x: along('x'), y: along('y'), z: along('z') });
}

/**
 * A track's velocity in metres per minute, its course taken from the plane's north. A track's own
 * north differs from the plane's by the convergence of the meridians, Δlon × sin(lat) (0.2° for
 * 30 NM at 25°N, 1.4° at 70°N); turning each course by it fits the first instant better but
 * rhumb-line tracks over an encounter's hour or two worse, and would set two ships on the same course and
 * speed closing on each other.
 */
function velocity(track: Track): PlaneVector {
  const metresPerMinute = (track.speedKn * METRES_PER_NM) / 60;
  const course = toRadians(track.courseDeg);
  return { east: metresPerMinute * Math.sin(course), north: metresPerMinute * Math.cos(course) };
}

function dot(u: PlaneVector, v: PlaneVector): number {
  return u.east * v.east + u.north * v.north;
}

function moved(point: PlaneVector, motion: PlaneVector, minutes: number): PlaneVector {
  return { east: point.east + motion.east * minutes, north: point.north + motion.north * minutes };
}

/** Relative speeds below this (m²/min², about 0.001 kn) count as none: the distance stays as it is. */
const STILL_RELATIVE_SPEED_SQUARED = 1e-3;

/** Where and when two tracks come closest, as `closestApproach` answers. */
export interface ClosestApproach {
  /** The distance at the CPA, in metres. */
  distanceM: number;
  /** Minutes from the observation to the CPA; 0 when they are already opening, never negative. */
  minutes: number;
  /** Where `a` is at the CPA. */
  a: LatLon;
  /** Where `b` is at the CPA. */
  b: LatLon;
  /** Whether the distance only grows (or stays) from now. */
  isOpening: boolean;
}

/**
 * The closest point of approach of two tracks observed at the same instant (issue 6 part 5).
 *
 * In the local tangent plane (see the file's comment), with `r` the position of b relative to a
 * and `v` b's velocity relative to a, the distance at time t is |r + v·t|, least at
 * t* = −(r·v)/|v|², clamped at 0 (a CPA in the past means they are opening now). Equal
 * velocities keep the distance as it is: minutes 0, opening. `r` is scaled from the plane's
 * chord to the great-circle distance, so the CPA distance never exceeds the distance now.
 */
export function closestApproach(a: Track, b: Track): ClosestApproach {
  const plane = frameBetween(a.position, b.position);
  const startA = toPlane(plane, a.position);
  const startB = toPlane(plane, b.position);
  const currentM = distanceM(a.position, b.position);
  const chord = Math.hypot(startB.east - startA.east, startB.north - startA.north);
  const scale = chord > 0 ? currentM / chord : 0;
  const relative = {
    east: (startB.east - startA.east) * scale,
    north: (startB.north - startA.north) * scale,
  };
  const motionA = velocity(a);
  const motionB = velocity(b);
  const relativeMotion = { east: motionB.east - motionA.east, north: motionB.north - motionA.north };
  const speedSquared = dot(relativeMotion, relativeMotion);
  const closingRate = -dot(relative, relativeMotion);
  const minutes = speedSquared >= STILL_RELATIVE_SPEED_SQUARED ? closingRate / speedSquared : 0;
  // Not above zero: opening, still, or so close to the CPA now that the time underflows.
  if (!(minutes > 0)) {
    return { distanceM: currentM, minutes: 0, a: { ...a.position }, b: { ...b.position }, isOpening: true };
  }
  const atCpa = moved(relative, relativeMotion, minutes);
  return {
    // Rounding can put |r + v·t*| a hair above |r| when the two tracks barely close.
    distanceM: Math.min(Math.hypot(atCpa.east, atCpa.north), currentM),
    minutes,
    a: fromPlane(plane, moved(startA, motionA, minutes)),
    b: fromPlane(plane, moved(startB, motionB, minutes)),
    isOpening: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Areas (ENC3)

/** A notified area: a polygon of 3..200 vertices (not closed: first ≠ last), or a circle. */
export type Area =
  | { type: 'polygon'; points: LatLon[] }
  | { type: 'circle'; center: LatLon; radiusM: number };

/** Ray casting in (unwrapped longitude, latitude); a point exactly on an edge may fall either way. */
function isInsidePolygon(point: LatLon, vertices: LatLon[]): boolean {
  const first = vertices[0];
  if (first === undefined) return false;
  const unwrap = (lon: number) => first.lon + wrap180(lon - first.lon);
  const x = unwrap(point.lon);
  const y = point.lat;
  let isInside = false;
  for (let i = 0, j = vertices.length - 1; i < vertices.length; j = i++) {
    const vi = vertices[i];
    const vj = vertices[j];
    if (vi === undefined || vj === undefined) continue;
    const xi = unwrap(vi.lon);
    const xj = unwrap(vj.lon);
    const crossesRay = vi.lat > y !== vj.lat > y;
    if (crossesRay && x < ((xj - xi) * (y - vi.lat)) / (vj.lat - vi.lat) + xi) isInside = !isInside;
  }
  return isInside;
}

/** Whether a position lies inside a notified area (ENC3). */
export function isInsideArea(point: LatLon, area: Area): boolean {
  switch (area.type) {
    case 'polygon':
      return isInsidePolygon(point, area.points);
    case 'circle':
      return distanceM(area.center, point) <= area.radiusM;
  }
}

// ---------------------------------------------------------------------------------------------
// Positions as people write them (ENC1)

type Hemisphere = 'N' | 'S' | 'E' | 'W';
type Unit = 'degrees' | 'minutes' | 'seconds';

type Token =
  | { kind: 'number'; text: string }
  | { kind: 'mark'; unit: Unit }
  | { kind: 'hemisphere'; letter: Hemisphere }
  | { kind: 'separator' };

/** One coordinate as read: its value, and its axis when a letter named it. */
interface Coordinate {
  value: number;
  axis: 'lat' | 'lon' | undefined;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const MAX_POSITION_LENGTH = 100;
const EXAMPLE = 'e.g. 24°30.5′N 122°15.2′E or 24.5083, 122.2533';

/** The many ways of writing the same symbol, brought to one ASCII spelling before reading. */
const SPELLINGS: [RegExp, string][] = [
  [/北纬|北緯/g, 'N'],
  [/南纬|南緯/g, 'S'],
  [/东经|東経|東經/g, 'E'],
  [/西经|西経|西經/g, 'W'],
  [/[°º˚度]/g, '°'],
  [/[″“”秒]|′′|''/g, '"'],
  [/[′’‘´`分]/g, "'"],
  [/[，、；]/g, ','],
  [/[−–]/g, '-'],
];

const TOKEN = /\s+|([+-]?(?:\d+(?:\.\d*)?|\.\d+))|(°)|(')|(")|([NSEWnsew])|([,;/])/y;

function tokenize(text: string): Parsed<Token[]> {
  let normal = text;
  for (const [pattern, replacement] of SPELLINGS) normal = normal.replace(pattern, replacement);
  normal = normal.normalize('NFKC');
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < normal.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(normal);
    if (match === null)
      return { ok: false, message: `cannot read "${normal.slice(at, at + 1)}" in a position` };
    const [, number, degrees, minutes, seconds, letter, separator] = match;
    if (number !== undefined) tokens.push({ kind: 'number', text: number });
    else if (degrees !== undefined) tokens.push({ kind: 'mark', unit: 'degrees' });
    else if (minutes !== undefined) tokens.push({ kind: 'mark', unit: 'minutes' });
    else if (seconds !== undefined) tokens.push({ kind: 'mark', unit: 'seconds' });
    else if (letter !== undefined)
      tokens.push({ kind: 'hemisphere', letter: letter.toUpperCase() as Hemisphere });
    else if (separator !== undefined) tokens.push({ kind: 'separator' });
  }
  return { ok: true, value: tokens };
}

/** Splits the tokens at hemisphere letters: after each when they follow numbers, before each when they lead. */
function splitAtLetters(tokens: Token[]): Token[][] {
  const isPrefix = tokens[0]?.kind === 'hemisphere';
  const groups: Token[][] = [];
  let current: Token[] = [];
  for (const token of tokens) {
    if (token.kind === 'hemisphere' && isPrefix && current.length > 0) {
      groups.push(current);
      current = [];
    }
    current.push(token);
    if (token.kind === 'hemisphere' && !isPrefix) {
      groups.push(current);
      current = [];
    }
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** Splits plain numbers (each with its mark, if any) into two halves: 1+1, 2+2 or 3+3 parts. */
function splitInHalf(tokens: Token[]): Token[][] {
  const numberIndexes = tokens.flatMap((token, index) => (token.kind === 'number' ? [index] : []));
  if (numberIndexes.length % 2 !== 0 || numberIndexes.length > 6) return [tokens];
  const middle = numberIndexes[numberIndexes.length / 2] ?? tokens.length;
  return [tokens.slice(0, middle), tokens.slice(middle)];
}

/** Splits the tokens into latitude and longitude (in either order): at a comma, at letters, or in half. */
function splitCoordinates(tokens: Token[]): Token[][] {
  const separators = tokens.flatMap((token, index) => (token.kind === 'separator' ? [index] : []));
  if (separators.length > 0) {
    const at = separators[0] ?? 0;
    return separators.length === 1 ? [tokens.slice(0, at), tokens.slice(at + 1)] : [tokens];
  }
  if (tokens.some((token) => token.kind === 'hemisphere')) return splitAtLetters(tokens);
  return splitInHalf(tokens);
}

function trimmed(value: number): string {
  return String(Number(value.toFixed(4)));
}

/** One coordinate: an optional letter before or after, then degrees [minutes [seconds]], each with an optional mark. */
function parseCoordinate(tokens: Token[]): Parsed<Coordinate> {
  const first = tokens[0];
  const last = tokens[tokens.length - 1];
  const letterToken = first?.kind === 'hemisphere' ? first : last?.kind === 'hemisphere' ? last : undefined;
  const body = tokens.filter((token) => token !== letterToken);
  if (body.some((token) => token.kind === 'hemisphere'))
    return { ok: false, message: 'put N/S or E/W once, before or after each coordinate' };
  const units: Unit[] = ['degrees', 'minutes', 'seconds'];
  const parts: string[] = [];
  for (const token of body) {
    if (token.kind === 'number') {
      parts.push(token.text);
    } else if (token.kind === 'mark' && token.unit !== units[parts.length - 1]) {
      return { ok: false, message: `a ${token.unit} mark is out of place; ${EXAMPLE}` };
    }
  }
  if (parts.length === 0 || parts.length > 3)
    return { ok: false, message: `each coordinate is degrees, then minutes and seconds if any; ${EXAMPLE}` };
  const [degreesText = '', ...rest] = parts;
  if (rest.some((part) => /^[+-]/.test(part)))
    return { ok: false, message: 'only the degrees may carry a sign' };
  const isSigned = /^[+-]/.test(degreesText);
  if (isSigned && letterToken !== undefined)
    return { ok: false, message: 'write either a sign or N/S/E/W, not both' };
  const [degrees = 0, minutes = 0, seconds = 0] = parts.map((part) => Math.abs(Number(part)));
  const [minutesText, secondsText] = rest;
  if (minutesText !== undefined && !Number.isInteger(degrees))
    return { ok: false, message: `degrees ${trimmed(degrees)} must be whole when minutes follow` };
  if (secondsText !== undefined && !Number.isInteger(minutes))
    return { ok: false, message: `minutes ${trimmed(minutes)} must be whole when seconds follow` };
  if (minutes >= 60) return { ok: false, message: `minutes ${trimmed(minutes)} must be below 60` };
  if (seconds >= 60) return { ok: false, message: `seconds ${trimmed(seconds)} must be below 60` };
  const letter = letterToken?.kind === 'hemisphere' ? letterToken.letter : undefined;
  const isNegative = degreesText.startsWith('-') || letter === 'S' || letter === 'W';
  const magnitude = degrees + minutes / 60 + seconds / 3600;
  const axis = letter === 'N' || letter === 'S' ? 'lat' : letter === undefined ? undefined : 'lon';
  return { ok: true, value: { value: isNegative ? -magnitude : magnitude, axis } };
}

/** Puts two coordinates in (lat, lon) order from their letters; without letters, latitude comes first. */
function orderCoordinates(first: Coordinate, second: Coordinate): Parsed<LatLon> {
  if (first.axis !== undefined && first.axis === second.axis) {
    const both = first.axis === 'lat' ? 'latitudes (N/S)' : 'longitudes (E/W)';
    return { ok: false, message: `both coordinates are ${both}; one must be a latitude and one a longitude` };
  }
  const isSwapped = first.axis === 'lon' || second.axis === 'lat';
  const [lat, lon] = isSwapped ? [second.value, first.value] : [first.value, second.value];
  if (Math.abs(lat) > 90) return { ok: false, message: `latitude ${trimmed(lat)} is beyond 90°` };
  if (Math.abs(lon) > 180) return { ok: false, message: `longitude ${trimmed(lon)} is beyond 180°` };
  return { ok: true, value: { lat: lat + 0, lon: lon + 0 } };
}

/**
 * Parses a position typed by a person: decimal degrees (`24.5083 122.2533`, `24.5083, -122.2533`,
 * `24.5083N 122.2533W`), degrees and decimal minutes (`24°30.5′N 122°15.2′E`, `24 30.5N 122 15.2E`)
 * or degrees, minutes and seconds (`24°30'30"N 122°15'12"E`); letters before or after, longitude
 * first when the letters say so, and what the phrasebook writes in Chinese and Japanese.
 */
export function parsePosition(text: string): { ok: true; position: LatLon } | { ok: false; message: string } {
  if (text.trim() === '') return { ok: false, message: `type a position, ${EXAMPLE}` };
  if (text.length > MAX_POSITION_LENGTH)
    return { ok: false, message: `a position is at most ${MAX_POSITION_LENGTH} characters` };
  const tokens = tokenize(text);
  if (!tokens.ok) return tokens;
  const groups = splitCoordinates(tokens.value);
  const [firstTokens, secondTokens] = groups;
  if (groups.length !== 2 || firstTokens === undefined || secondTokens === undefined)
    return { ok: false, message: `a position is a latitude and a longitude, ${EXAMPLE}` };
  const first = parseCoordinate(firstTokens);
  if (!first.ok) return first;
  const second = parseCoordinate(secondTokens);
  if (!second.ok) return second;
  const ordered = orderCoordinates(first.value, second.value);
  return ordered.ok ? { ok: true, position: ordered.value } : ordered;
}

/** One axis in whole degrees and minutes to a hundredth, carried so minutes never show 60. */
function degreesMinutes(value: number): { degrees: number; minutes: string; isZero: boolean } {
  const hundredths = Math.round(Math.abs(value) * 6000);
  const degrees = Math.floor(hundredths / 6000);
  const minutes = ((hundredths % 6000) / 100).toFixed(2).padStart(5, '0');
  return { degrees, minutes, isZero: hundredths === 0 };
}

/**
 * A position in degrees and decimal minutes to a hundredth (about 18 m): `24°30.50′N 122°15.20′E`.
 * The same symbols as the phrasebook's `formatPosition`, which shows tenths; `parsePosition` reads both.
 */
export function formatPositionDM(position: LatLon): string {
  const lat = degreesMinutes(position.lat);
  const lon = degreesMinutes(position.lon);
  // A value that rounds to zero is written N or E, never 0°00.00′S.
  const ns = position.lat < 0 && !lat.isZero ? 'S' : 'N';
  const ew = position.lon < 0 && !lon.isZero ? 'W' : 'E';
  return `${lat.degrees}°${lat.minutes}′${ns} ${lon.degrees}°${lon.minutes}′${ew}`;
}
