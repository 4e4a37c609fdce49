import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type Area,
  bearingDeg,
  closestApproach,
  destination,
  distanceM,
  EARTH_RADIUS_M,
  formatPositionDM,
  isInsideArea,
  type LatLon,
  METRES_PER_NM,
  parsePosition,
  type Track,
} from './geo.ts';
import { formatPosition } from './phrasebook/format.ts';

const NM = METRES_PER_NM;
const DEGREES_PER_RADIAN = 180 / Math.PI;

/**
 * The position `northNm` north and `eastNm` east of `origin`, east measured along the mean
 * latitude: the worked examples below are laid out on a flat chart this way, as a navigator would.
 */
function offset(origin: LatLon, northNm: number, eastNm: number): LatLon {
  const dLat = ((northNm * NM) / EARTH_RADIUS_M) * DEGREES_PER_RADIAN;
  const meanLat = (origin.lat + dLat / 2) / DEGREES_PER_RADIAN;
  const dLon = ((eastNm * NM) / (EARTH_RADIUS_M * Math.cos(meanLat))) * DEGREES_PER_RADIAN;
  const lon = origin.lon + dLon;
  return { lat: origin.lat + dLat, lon: lon >= 180 ? lon - 360 : lon < -180 ? lon + 360 : lon };
}

function track(position: LatLon, courseDeg: number, speedKn: number): Track {
  return { position, courseDeg, speedKn };
}

/** Asserts two positions are within `metres` of each other. */
function assertNear(actual: LatLon, expected: LatLon, metres: number, what: string): void {
  const gap = distanceM(actual, expected);
  assert.ok(
    gap <= metres,
    `${what}: ${JSON.stringify(actual)} is ${gap.toFixed(1)} m from ${JSON.stringify(expected)}`,
  );
}

function assertClose(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} is not within ${tolerance} of ${expected}`,
  );
}

describe('distance, bearing and destination on the sphere', () => {
  it('[ENC1] known city pairs come within 0.5 % of their published great-circle distances', () => {
    const pairs: [string, LatLon, LatLon, number][] = [
      ['London–Paris', { lat: 51.5074, lon: -0.1278 }, { lat: 48.8566, lon: 2.3522 }, 343.5e3],
      ['New York–London', { lat: 40.7128, lon: -74.006 }, { lat: 51.5074, lon: -0.1278 }, 5570e3],
      // The haversine example of Rosetta Code (computed there with a 6372.8 km radius).
      ['Nashville BNA–Los Angeles LAX', { lat: 36.12, lon: -86.67 }, { lat: 33.94, lon: -118.4 }, 2887.26e3],
      // The meridian quadrant on the WGS 84 ellipsoid: 10 001.966 km.
      ['equator–North Pole', { lat: 0, lon: 30 }, { lat: 90, lon: 30 }, 10_001.966e3],
    ];
    for (const [name, a, b, published] of pairs) {
      const ratio = distanceM(a, b) / published;
      assert.ok(Math.abs(ratio - 1) <= 0.005, `${name}: ${distanceM(a, b)} m against ${published} m`);
      assert.equal(distanceM(b, a), distanceM(a, b), `${name} both ways`);
    }
    assert.equal(distanceM({ lat: 24.5, lon: 122.25 }, { lat: 24.5, lon: 122.25 }), 0);
  });

  it('[ENC1] one minute of latitude is one nautical mile to within 0.1 %, also across 180°', () => {
    // 1′ = 6 371 008.8 m × π / 10 800 = 1853.2 m: the nautical mile was defined on a slightly smaller sphere.
    assertClose(
      distanceM({ lat: 10, lon: 50 }, { lat: 10 + 1 / 60, lon: 50 }),
      NM,
      NM * 0.001,
      '1′ of latitude',
    );
    // 0.2° of longitude at the equator over the antimeridian: 12′ ≈ 12 NM, not 359.8°.
    assertClose(
      distanceM({ lat: 0, lon: 179.9 }, { lat: 0, lon: -179.9 }),
      12 * NM,
      12 * NM * 0.001,
      'over 180°',
    );
  });

  it('[ENC1] bearings are initial true bearings from 0 to 360', () => {
    const origin = { lat: 0, lon: 0 };
    assertClose(bearingDeg(origin, { lat: 1, lon: 0 }), 0, 1e-9, 'north');
    assertClose(bearingDeg(origin, { lat: 0, lon: 1 }), 90, 1e-9, 'east');
    assertClose(bearingDeg(origin, { lat: -1, lon: 0 }), 180, 1e-9, 'south');
    assertClose(bearingDeg(origin, { lat: 0, lon: -1 }), 270, 1e-9, 'west');
    assertClose(bearingDeg({ lat: 0, lon: 179.5 }, { lat: 0, lon: -179.5 }), 90, 1e-9, 'east over 180°');
    // A great circle leaving 60°N due "east" of a point at 60°N heads north of east.
    const eastward = bearingDeg({ lat: 60, lon: 0 }, { lat: 60, lon: 10 });
    assert.ok(eastward > 80 && eastward < 90, `great circle from 60°N: ${eastward}`);
  });

  it('[ENC1] destination goes the distance and bearing asked, wrapping longitude to −180..180', () => {
    const reached = destination({ lat: 0, lon: 179.9 }, 90, 20 * NM);
    assert.ok(reached.lon < -179.5 && reached.lon >= -180, `over 180°: ${reached.lon}`);
    fc.assert(
      fc.property(
        fc.double({ min: -80, max: 80, noNaN: true }),
        fc.double({ min: -180, max: 179.999, noNaN: true }),
        fc.double({ min: 0, max: 359.999, noNaN: true }),
        fc.double({ min: 10, max: 500_000, noNaN: true }),
        (lat, lon, bearing, metres) => {
          const from = { lat, lon };
          const to = destination(from, bearing, metres);
          assert.ok(to.lon >= -180 && to.lon <= 180 && Math.abs(to.lat) <= 90);
          assertClose(distanceM(from, to), metres, metres * 1e-6 + 1e-6, 'distance');
          const turned = Math.abs(bearingDeg(from, to) - bearing);
          assert.ok(
            Math.min(turned, 360 - turned) < 1e-4,
            `bearing ${bearingDeg(from, to)} against ${bearing}`,
          );
        },
      ),
    );
  });
});

describe('closest point of approach (issue 6 part 5)', () => {
  const taiwanStrait = { lat: 24.5, lon: 120.5 };

  it('[ENC1] worked example: reciprocal courses 1 NM apart pass at 1 NM, when abeam', () => {
    // A heads 000 at 12 kn; B starts 10 NM north and 1 NM east, heading 180 at 12 kn.
    // r = (1, 10) NM, v = vB − vA = (0, −12) − (0, 12) = (0, −24) kn.
    // t* = −(r·v)/|v|² = 240 / 576 h = 0.41667 h = 25 min; r + v·t* = (1, 10 − 10) = (1, 0): 1 NM.
    const cpa = closestApproach(track(taiwanStrait, 0, 12), track(offset(taiwanStrait, 10, 1), 180, 12));
    assertClose(cpa.distanceM, 1 * NM, 2, 'CPA distance');
    assertClose(cpa.minutes, 25, 0.02, 'minutes to CPA');
    assert.equal(cpa.isOpening, false);
    // Each has run 12 kn × 25 min = 5 NM: A 5 NM north of its start, B 5 NM south of its own.
    assertNear(cpa.a, offset(taiwanStrait, 5, 0), 5, 'A at CPA');
    assertNear(cpa.b, offset(taiwanStrait, 5, 1), 5, 'B at CPA');
  });

  it('[ENC1] worked example: crossing at right angles, 5 NM apart at 10 kn each', () => {
    // A at the origin heads 000 at 10 kn; B 5 NM east heads 270 at 10 kn.
    // r = (5, 0) NM, v = (−10, 0) − (0, 10) = (−10, −10) kn; r·v = −50, |v|² = 200.
    // t* = 50 / 200 h = 0.25 h = 15 min; r + v·t* = (5 − 2.5, 0 − 2.5) = (2.5, −2.5):
    // CPA = 2.5 NM × √2 = 3.5355 NM = 6547.6 m, A 2.5 NM north of the origin, B 2.5 NM east of it.
    const origin = { lat: 0, lon: 0 };
    const cpa = closestApproach(track(origin, 0, 10), track(offset(origin, 0, 5), 270, 10));
    assertClose(cpa.distanceM, 2.5 * Math.SQRT2 * NM, 2, 'CPA distance');
    assertClose(cpa.minutes, 15, 0.01, 'minutes to CPA');
    assert.equal(cpa.isOpening, false);
    assertNear(cpa.a, offset(origin, 2.5, 0), 3, 'A at CPA');
    assertNear(cpa.b, offset(origin, 0, 2.5), 3, 'B at CPA');
  });

  it('[ENC1] worked example: same course and speed keep the distance; minutes 0, opening', () => {
    // v = vB − vA = 0: |r + v·t| = |r| for every t.
    const a = taiwanStrait;
    const b = offset(taiwanStrait, 2, 3);
    const cpa = closestApproach(track(a, 45, 15), track(b, 45, 15));
    assert.equal(cpa.distanceM, distanceM(a, b));
    assert.equal(cpa.minutes, 0);
    assert.equal(cpa.isOpening, true);
    assert.deepEqual([cpa.a, cpa.b], [a, b]);
  });

  it('[ENC1] worked example: already opening, the CPA is now (minutes 0, never negative)', () => {
    // B 3 NM ahead on the same course, faster: r = (0, 3), v = (0, 15 − 10) = (0, 5); r·v = 15 > 0,
    // so t* = −15/25 h is in the past and is clamped to 0: the CPA is the 3 NM of now.
    const ahead = offset(taiwanStrait, 3, 0);
    const cpa = closestApproach(track(taiwanStrait, 0, 10), track(ahead, 0, 15));
    assertClose(cpa.distanceM, 3 * NM, 2, 'CPA distance');
    assert.equal(cpa.minutes, 0);
    assert.equal(cpa.isOpening, true);
    assert.deepEqual([cpa.a, cpa.b], [taiwanStrait, ahead]);
    // The same two, B now astern and slower, close instead: the tracks are the same, the order matters.
    const astern = closestApproach(track(taiwanStrait, 0, 15), track(ahead, 0, 10));
    assert.equal(astern.isOpening, false);
    assertClose(astern.minutes, 36, 0.02, 'overtaking: 3 NM at 5 kn = 36 min');
    assertClose(astern.distanceM, 0, 2, 'overtaking on the same line meets');
  });

  it('[ENC1] worked example at 70°N: a longitude degree is cos 70° as long there', () => {
    // A at 70°N 20°E heads 090 at 10 kn; B 10 NM east and 1 NM north heads 270 at 10 kn.
    // 10 NM east at 70°N is 10 × 1852 m / (6 371 008.8 m × cos 70°) = 0.487° of longitude.
    // r = (10, 1), v = (−20, 0): t* = 200 / 400 h = 30 min; r + v·t* = (0, 1): 1 NM.
    // (A plane that forgot cos 70° would see B 3.4 NM away and answer 10 minutes.)
    const a = { lat: 70, lon: 20 };
    const b = offset(a, 1, 10);
    assertClose(b.lon - a.lon, 0.487, 0.001, 'the longitude gap by hand');
    const cpa = closestApproach(track(a, 90, 10), track(b, 270, 10));
    assertClose(cpa.distanceM, 1 * NM, 3, 'CPA distance');
    assertClose(cpa.minutes, 30, 0.05, 'minutes to CPA');
    // Each runs 5 NM. The plane's straight line parts from the parallel (the rhumb line a ship on
    // 090 follows) by about d² × tan 70° / 2R = 9260² × 2.75 / 12 742 018 = 18.5 m.
    assertNear(cpa.a, offset(a, 0, 5), 25, 'A at CPA');
    assertNear(cpa.b, offset(a, 1, 5), 25, 'B at CPA');
  });

  it('[ENC1] worked example across the antimeridian: 179.9°E and 179.9°W close head on', () => {
    // A at 10°N 179.9°E heads 090 at 12 kn; B 1 NM north at 179.9°W heads 270 at 12 kn.
    // The gap east is 0.2° of longitude over 180°, not 359.8°: 0.2° × π/180 × 6 371 008.8 m ×
    // cos(10.008°) = 21 900 m = 11.83 NM. Closing at 24 kn: 11.83 / 24 h = 29.6 min; CPA = 1 NM,
    // both on the 180° meridian.
    const a = { lat: 10, lon: 179.9 };
    const b = offset(a, 1, 0);
    b.lon = -179.9;
    const meanLat = (a.lat + b.lat) / 2 / DEGREES_PER_RADIAN;
    const gapNm = ((0.2 / DEGREES_PER_RADIAN) * EARTH_RADIUS_M * Math.cos(meanLat)) / NM;
    assertClose(gapNm, 11.83, 0.01, 'the gap by hand');
    const cpa = closestApproach(track(a, 90, 12), track(b, 270, 12));
    assertClose(cpa.distanceM, 1 * NM, 3, 'CPA distance');
    assertClose(cpa.minutes, (gapNm / 24) * 60, 0.05, 'minutes to CPA');
    assertNear(cpa.a, { lat: 10, lon: 180 }, 10, 'A on the meridian');
    assertNear(cpa.b, { lat: b.lat, lon: -180 }, 10, 'B on the meridian');
    for (const p of [cpa.a, cpa.b]) assert.ok(p.lon >= -180 && p.lon <= 180, `lon ${p.lon} in range`);
  });

  it('[ENC1] property: the CPA is never farther than now, and swapping the two changes nothing', () => {
    const nearby = fc.record({
      northNm: fc.double({ min: -30, max: 30, noNaN: true }),
      eastNm: fc.double({ min: -30, max: 30, noNaN: true }),
      courseDeg: fc.double({ min: 0, max: 359.999, noNaN: true }),
      speedKn: fc.double({ min: 0, max: 40, noNaN: true }),
    });
    const centre = fc.record({
      lat: fc.double({ min: -75, max: 75, noNaN: true }),
      lon: fc.double({ min: -180, max: 179.999, noNaN: true }),
    });
    fc.assert(
      fc.property(centre, nearby, nearby, (origin, first, second) => {
        const a = track(offset(origin, first.northNm, first.eastNm), first.courseDeg, first.speedKn);
        const b = track(offset(origin, second.northNm, second.eastNm), second.courseDeg, second.speedKn);
        const cpa = closestApproach(a, b);
        const now = distanceM(a.position, b.position);
        assert.ok(cpa.distanceM <= now, `CPA ${cpa.distanceM} m against ${now} m now`);
        assert.ok(cpa.minutes >= 0);
        assert.equal(cpa.isOpening, cpa.minutes === 0);
        const swapped = closestApproach(b, a);
        assertClose(swapped.distanceM, cpa.distanceM, 1e-6, 'swapped distance');
        assertClose(swapped.minutes, cpa.minutes, 1e-9 * (1 + cpa.minutes), 'swapped minutes');
        assertNear(swapped.a, cpa.b, 1e-3, 'swapped positions');
        // Within the tens of NM the plane is meant for, the positions at the CPA are as far apart as
        // the CPA says. (Nearly equal velocities can put a CPA days and thousands of miles ahead.)
        const runNm = (Math.max(a.speedKn, b.speedKn) * cpa.minutes) / 60;
        const apart = distanceM(cpa.a, cpa.b);
        // 10 m is 0.01 % of 60 NM, the plane's accuracy there.
        if (runNm <= 60)
          assert.ok(Math.abs(apart - cpa.distanceM) <= 10, `${apart} m apart, CPA ${cpa.distanceM} m`);
      }),
    );
  });
});

describe('inside a notified area (ENC3)', () => {
  const polygon = (...points: [number, number][]): Area => ({
    type: 'polygon',
    points: points.map(([lat, lon]) => ({ lat, lon })),
  });

  it('[ENC3] a convex polygon holds what is inside it and nothing outside', () => {
    const box = polygon([24, 119], [24, 121], [26, 121], [26, 119]);
    assert.equal(isInsideArea({ lat: 25, lon: 120 }, box), true);
    assert.equal(isInsideArea({ lat: 24.01, lon: 120.99 }, box), true);
    assert.equal(isInsideArea({ lat: 27, lon: 120 }, box), false);
    assert.equal(isInsideArea({ lat: 25, lon: 122 }, box), false);
    assert.equal(isInsideArea({ lat: 23.99, lon: 120 }, box), false);
  });

  it('[ENC3] a concave polygon leaves its notch outside', () => {
    // A U open to the north: lat 0..3, lon 0..3, with the notch lat 1..3, lon 1..2 cut out.
    const u = polygon([0, 0], [0, 3], [3, 3], [3, 2], [1, 2], [1, 1], [3, 1], [3, 0]);
    assert.equal(isInsideArea({ lat: 0.5, lon: 1.5 }, u), true, 'the bottom of the U');
    assert.equal(isInsideArea({ lat: 2, lon: 0.5 }, u), true, 'the west arm');
    assert.equal(isInsideArea({ lat: 2, lon: 2.5 }, u), true, 'the east arm');
    assert.equal(isInsideArea({ lat: 2, lon: 1.5 }, u), false, 'the notch');
    assert.equal(isInsideArea({ lat: 4, lon: 1.5 }, u), false, 'north of it');
  });

  it('[ENC3] a polygon over the 180° meridian holds both sides of it', () => {
    const overDateLine = polygon([10, 179], [10, -179], [12, -179], [12, 179]);
    for (const lon of [179.5, -179.5, 180, -180])
      assert.equal(isInsideArea({ lat: 11, lon }, overDateLine), true, `inside at ${lon}`);
    for (const lon of [178.5, -178.5, 0])
      assert.equal(isInsideArea({ lat: 11, lon }, overDateLine), false, `outside at ${lon}`);
    // The same area listed from its western vertex first.
    const fromWest = polygon([10, -179], [12, -179], [12, 179], [10, 179]);
    assert.equal(isInsideArea({ lat: 11, lon: 179.5 }, fromWest), true);
    assert.equal(isInsideArea({ lat: 11, lon: 178.5 }, fromWest), false);
  });

  it('[ENC3] a circle holds the points within its radius', () => {
    const center = { lat: 24.5, lon: 122.25 };
    const circle: Area = { type: 'circle', center, radiusM: 5 * NM };
    assert.equal(isInsideArea(center, circle), true);
    assert.equal(isInsideArea(destination(center, 37, 4.9 * NM), circle), true);
    assert.equal(isInsideArea(destination(center, 217, 5.1 * NM), circle), false);
    const overDateLine: Area = { type: 'circle', center: { lat: 0, lon: 180 }, radiusM: 10 * NM };
    assert.equal(isInsideArea({ lat: 0, lon: -179.9 }, overDateLine), true, '6 NM east, over 180°');
  });
});

describe('positions as people write them (ENC1)', () => {
  const decimal = { lat: 24.5083, lon: 122.2533 };
  const dm = { lat: 24 + 30.5 / 60, lon: 122 + 15.2 / 60 };

  it('[ENC1] reads decimal degrees, degrees and minutes, and degrees, minutes and seconds', () => {
    const readable: [string, LatLon][] = [
      ['24.5083 122.2533', decimal],
      ['24.5083, -122.2533', { lat: 24.5083, lon: -122.2533 }],
      ['24.5083N 122.2533W', { lat: 24.5083, lon: -122.2533 }],
      ['-24.5083 -122.2533', { lat: -24.5083, lon: -122.2533 }],
      ['24°30.5′N 122°15.2′E', dm],
      ['24 30.5N 122 15.2E', dm],
      ['24 30.5 122 15.2', dm],
      ['N24°30.5′ E122°15.2′', dm],
      ['n 24 30.5, e 122 15.2', dm],
      ['122°15.2′E 24°30.5′N', dm],
      ["24°30.5'S 122°15.2'W", { lat: -dm.lat, lon: -dm.lon }],
      ['24°30\'30"N 122°15\'12"E', dm],
      ['24°30′30″N 122°15′12″E', dm],
      ['24º30.5’N 122º15.2’E', dm],
      ['北纬24°30.5′、东经122°15.2′', dm],
      ['北緯24度30.5分、東経122度15.2分', dm],
      ['０°０.５′Ｎ　１８０°Ｗ', { lat: 0.5 / 60, lon: -180 }],
    ];
    for (const [text, expected] of readable) {
      const parsed = parsePosition(text);
      assert.ok(parsed.ok, `${text}: ${parsed.ok ? '' : parsed.message}`);
      assertClose(parsed.position.lat, expected.lat, 1e-9, `${text} lat`);
      assertClose(parsed.position.lon, expected.lon, 1e-9, `${text} lon`);
    }
  });

  it('[ENC1] refuses unreadable or out-of-range positions with a message that says why', () => {
    const refused: [string, RegExp][] = [
      ['', /type a position/],
      ['   ', /type a position/],
      ['95 122', /latitude 95 is beyond 90°/],
      ['-90.5, 10', /latitude -90.5 is beyond 90°/],
      ['24.5 190', /longitude 190 is beyond 180°/],
      ['24°30′N 181°E', /longitude 181 is beyond 180°/],
      ['24 61N 122 15E', /minutes 61 must be below 60/],
      ['24 30 75N 122 15E', /seconds 75 must be below 60/],
      ['24.5 30N 122 15E', /degrees 24.5 must be whole/],
      ['24.5N 122.3N', /both coordinates are latitudes/],
      ['122E 24W', /both coordinates are longitudes/],
      ['-24.5S 122E', /either a sign or N\/S\/E\/W/],
      ['24.5', /a latitude and a longitude/],
      ['1 2 3', /a latitude and a longitude/],
      ['24.5, 122.3, 7', /a latitude and a longitude/],
      ['twenty four north', /cannot read "t"/],
      ['24.5 122.3 @', /cannot read "@"/],
      ['24°30.5°N 122E', /out of place/],
      ['1'.repeat(101), /at most 100 characters/],
    ];
    for (const [text, message] of refused) {
      const parsed = parsePosition(text);
      assert.equal(parsed.ok, false, `${text} should be refused`);
      if (!parsed.ok) assert.match(parsed.message, message, text);
    }
  });

  it('[ENC1] formats degrees and decimal minutes to a hundredth, carrying 60′ into the degree', () => {
    assert.equal(formatPositionDM({ lat: 24.5083333, lon: 122.2533333 }), '24°30.50′N 122°15.20′E');
    assert.equal(formatPositionDM({ lat: -33.8688, lon: -70.6693 }), '33°52.13′S 70°40.16′W');
    assert.equal(formatPositionDM({ lat: 9.99999999, lon: -180 }), '10°00.00′N 180°00.00′W');
    assert.equal(formatPositionDM({ lat: -0.0000001, lon: 0 }), '0°00.00′N 0°00.00′E');
    assert.equal(formatPositionDM({ lat: 5.05, lon: 7.005 }), '5°03.00′N 7°00.30′E');
  });

  it('[ENC1] reads back what it writes and what the phrasebook writes in all three languages', () => {
    const position = fc.record({
      lat: fc.double({ min: -90, max: 90, noNaN: true }),
      lon: fc.double({ min: -180, max: 180, noNaN: true }),
    });
    fc.assert(
      fc.property(position, (p) => {
        const ours = parsePosition(formatPositionDM(p));
        assert.ok(ours.ok, formatPositionDM(p));
        // A hundredth of a minute is 1/6000°; rounding moves at most half of it.
        assertClose(ours.position.lat, p.lat, 1 / 12000 + 1e-12, 'lat');
        const lonGap = Math.abs(ours.position.lon - p.lon);
        assert.ok(
          Math.min(lonGap, 360 - lonGap) <= 1 / 12000 + 1e-12,
          `lon ${ours.position.lon} vs ${p.lon}`,
        );
        for (const language of ['en', 'zh', 'ja'] as const) {
          const text = formatPosition(language, p);
          const theirs = parsePosition(text);
          assert.ok(theirs.ok, text);
          assertClose(theirs.position.lat, p.lat, 1 / 1200 + 1e-12, `${text} lat`);
        }
      }),
    );
  });
});
