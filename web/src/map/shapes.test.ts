import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { geoArea, geoContains, geoDistance } from 'd3-geo';
import { EARTH_RADIUS_M, isInsideArea, type LatLon } from '../../../src/core/geo.ts';
import { approachLine, areaGeometry, areaOutline, circleGeometry, polygonGeometry } from './shapes.ts';

const SQUARE: LatLon[] = [
  { lat: 24, lon: 122 },
  { lat: 25, lon: 122 },
  { lat: 25, lon: 123 },
  { lat: 24, lon: 123 },
];

function contains(polygon: ReturnType<typeof polygonGeometry>, point: LatLon): boolean {
  return geoContains({ type: 'Feature', geometry: polygon, properties: null }, [point.lon, point.lat]);
}

describe('areas and closest-approach lines on the map [ENC3][ENC4]', () => {
  it('[ENC3] a polygon holds its inside whichever way round its points were entered', () => {
    for (const points of [SQUARE, [...SQUARE].reverse()]) {
      const polygon = polygonGeometry(points);
      assert.ok(geoArea(polygon) < 0.01, 'a small area, not the rest of the world');
      assert.equal(contains(polygon, { lat: 24.5, lon: 122.5 }), true);
      assert.equal(contains(polygon, { lat: 26, lon: 122.5 }), false);
    }
  });

  it('[ENC3] a polygon is drawn as the node tests it, across 180° too', () => {
    const overDateLine: LatLon[] = [
      { lat: -20, lon: 175 },
      { lat: -10, lon: 175 },
      { lat: -10, lon: -170 },
      { lat: -20, lon: -170 },
    ];
    const polygon = polygonGeometry(overDateLine);
    const area = { type: 'polygon' as const, points: overDateLine };
    // Edges straight in (lon, lat), as isInsideArea takes them: points just inside and outside the
    // northern edge, halfway along, where a great circle would bulge toward the pole.
    for (const point of [
      { lat: -10.05, lon: -177.5 },
      { lat: -9.95, lon: -177.5 },
      { lat: -15, lon: 179.9 },
      { lat: -15, lon: 170 },
    ]) {
      assert.equal(contains(polygon, point), isInsideArea(point, area), JSON.stringify(point));
    }
  });

  it('[ENC3] a circle is a geodesic polygon at the radius from its centre', () => {
    const center = { lat: 60, lon: 179.5 };
    const circle = circleGeometry(center, 50_000);
    const ring = circle.coordinates[0] ?? [];
    assert.ok(ring.length > 100);
    for (const [lon = 0, lat = 0] of ring) {
      const metres = geoDistance([center.lon, center.lat], [lon, lat]) * EARTH_RADIUS_M;
      assert.ok(Math.abs(metres - 50_000) < 1, `${metres} m`);
    }
    assert.equal(contains(areaGeometry({ type: 'circle', center, radiusM: 50_000 }), center), true);
  });

  it('[ENC4] an area’s outline and an approach line give positions to fit the view to', () => {
    const outline = areaOutline({ type: 'polygon', points: SQUARE });
    assert.ok(outline.some((p) => p.lat === 25 && p.lon === 123));
    assert.ok(outline.every((p) => p.lon >= -180 && p.lon < 180));
    assert.deepEqual(approachLine({ lat: 1, lon: 2 }, { lat: 3, lon: 4 }).coordinates, [
      [2, 1],
      [4, 3],
    ]);
  });
});
