import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  boxesOverlap,
  boxOf,
  clampView,
  fitView,
  graticuleStep,
  lonSpan,
  MAX_ZOOM,
  type MapView,
  MERCATOR_MAX_LAT,
  metresPerPixel,
  panBy,
  positionAt,
  scaleBar,
  screenPointOf,
  visibleBox,
  wrapLon,
  zoomAt,
} from './view.ts';

const SIZE = { width: 1000, height: 600 };

function near(actual: number, expected: number, tolerance: number, what: string) {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} is not within ${tolerance} of ${expected}`,
  );
}

describe('the map view: projection, pan and zoom [ENC4]', () => {
  it('[ENC4] the centre of the view falls at the middle of the map, and back', () => {
    const view: MapView = { centre: { lat: 24.5, lon: 122.25 }, zoom: 8 };
    const middle = screenPointOf(view, SIZE, view.centre);
    assert.ok(middle);
    near(middle.x, 500, 1e-6, 'x');
    near(middle.y, 300, 1e-6, 'y');
    const back = positionAt(view, SIZE, { x: 500, y: 300 });
    assert.ok(back);
    near(back.lat, 24.5, 1e-9, 'lat');
    near(back.lon, 122.25, 1e-9, 'lon');
  });

  it('[ENC4] at zoom 1 the whole 360° of longitude spans the width, whatever the centre', () => {
    for (const lon of [0, 150, 180, -179.5]) {
      const view = clampView({ centre: { lat: 0, lon }, zoom: 1 }, SIZE);
      const east = screenPointOf(view, SIZE, { lat: 0, lon: wrapLon(lon + 90) });
      const west = screenPointOf(view, SIZE, { lat: 0, lon: wrapLon(lon - 90) });
      assert.ok(east && west);
      near(east.x - west.x, 500, 1e-6, `half the world at centre ${lon}`);
    }
  });

  it('[ENC4] a view centred on 180° puts both sides of the date line next to each other', () => {
    const view: MapView = { centre: { lat: 60, lon: 180 }, zoom: 4 };
    const chukotka = screenPointOf(view, SIZE, { lat: 65, lon: 178 });
    const alaska = screenPointOf(view, SIZE, { lat: 65, lon: -178 });
    assert.ok(chukotka && alaska);
    assert.ok(chukotka.x < 500 && alaska.x > 500, 'west of 180° on the left, east of it on the right');
    near(alaska.x - chukotka.x, (4 / 360) * 1000 * 4, 1e-6, 'four degrees apart');
  });

  it('[ENC4] dragging moves the place under the pointer with it', () => {
    const view: MapView = { centre: { lat: 30, lon: 130 }, zoom: 6 };
    const grabbed = positionAt(view, SIZE, { x: 300, y: 200 });
    assert.ok(grabbed);
    const moved = panBy(view, SIZE, 120, -80);
    const now = screenPointOf(moved, SIZE, grabbed);
    assert.ok(now);
    near(now.x, 420, 1e-6, 'x');
    near(now.y, 120, 1e-6, 'y');
  });

  it('[ENC4] dragging east over 180° wraps the longitude', () => {
    const moved = panBy({ centre: { lat: 0, lon: 179 }, zoom: 2 }, SIZE, (-(1000 * 2) / 360) * 3, 0);
    near(moved.centre.lon, -178, 1e-9, 'lon');
  });

  it('[ENC4] zooming keeps the place under the pointer where it was', () => {
    const view: MapView = { centre: { lat: 24, lon: 122 }, zoom: 4 };
    const pointer = { x: 800, y: 150 };
    const place = positionAt(view, SIZE, pointer);
    assert.ok(place);
    for (const factor of [2, 0.5, 1.3]) {
      const zoomed = zoomAt(view, SIZE, pointer, factor);
      near(zoomed.zoom, 4 * factor, 1e-9, 'zoom');
      const after = screenPointOf(zoomed, SIZE, place);
      assert.ok(after);
      near(after.x, pointer.x, 1e-6, `x after ×${factor}`);
      near(after.y, pointer.y, 1e-6, `y after ×${factor}`);
    }
  });

  it('[ENC4] zoom stays between the world and its limit, and the view inside the Mercator square', () => {
    assert.equal(zoomAt({ centre: { lat: 0, lon: 0 }, zoom: 1 }, SIZE, { x: 500, y: 300 }, 0.25).zoom, 1);
    assert.equal(
      zoomAt({ centre: { lat: 0, lon: 0 }, zoom: MAX_ZOOM }, SIZE, { x: 0, y: 0 }, 4).zoom,
      MAX_ZOOM,
    );
    const north = clampView({ centre: { lat: 89, lon: 0 }, zoom: 1 }, SIZE);
    const top = positionAt(north, SIZE, { x: 500, y: 0 });
    assert.ok(top);
    near(top.lat, MERCATOR_MAX_LAT, 1e-6, 'the top of the map at the square’s edge');
    const tall = clampView({ centre: { lat: 50, lon: 0 }, zoom: 1 }, { width: 400, height: 800 });
    near(tall.centre.lat, 0, 1e-9, 'a map taller than the world stays on the equator');
  });

  it('[ENC4] the smallest run of longitudes crosses 180° when that is shorter', () => {
    assert.deepEqual(lonSpan([170, -175, 179]), [170, -175]);
    assert.deepEqual(lonSpan([10, 20, -5]), [-5, 20]);
    assert.equal(lonSpan([]), null);
    assert.deepEqual(
      boxOf([
        { lat: 1, lon: 178 },
        { lat: -2, lon: -179 },
      ]),
      {
        west: 178,
        east: -179,
        south: -2,
        north: 1,
      },
    );
  });

  it('[ENC4] fitting the view shows every position, across 180° too', () => {
    const positions = [
      { lat: 51, lon: 178 },
      { lat: 53, lon: -176 },
    ];
    const view = fitView(positions, SIZE);
    assert.ok(view.zoom > 10, `zoomed in on a few degrees, got ${view.zoom}`);
    for (const position of positions) {
      const point = screenPointOf(view, SIZE, position);
      assert.ok(point);
      assert.ok(point.x >= 0 && point.x <= 1000 && point.y >= 0 && point.y <= 600, JSON.stringify(point));
    }
    near(Math.abs(view.centre.lon), 179, 1e-6, 'centred near 180°');
    assert.equal(fitView([], SIZE).zoom, 1, 'the world when there is nothing to show');
    assert.equal(fitView([{ lat: 24, lon: 122 }], SIZE).zoom, 64, 'a lone point with its surroundings');
  });

  it('[ENC4] boxes overlap across 180° and not when apart', () => {
    const pacific = { west: 170, east: -170, south: -10, north: 10 };
    assert.equal(boxesOverlap(pacific, { west: 175, east: 178, south: 0, north: 5 }), true);
    assert.equal(boxesOverlap(pacific, { west: -175, east: -160, south: 0, north: 5 }), true);
    assert.equal(boxesOverlap(pacific, { west: 0, east: 10, south: 0, north: 5 }), false);
    assert.equal(boxesOverlap(pacific, { west: 175, east: 178, south: 20, north: 25 }), false);
    assert.equal(boxesOverlap({ west: -180, east: 180, south: -90, north: 90 }, pacific), true);
    // 45° of longitude across at zoom 8, and a margin: a box across 180°.
    const seen = visibleBox({ centre: { lat: 60, lon: 180 }, zoom: 8 }, SIZE);
    assert.ok(
      seen.west > 150 && seen.west < 160 && seen.east < -150 && seen.east > -160,
      JSON.stringify(seen),
    );
  });

  it('[ENC4] the graticule is finer as the map zooms in, and the scale follows the latitude', () => {
    assert.equal(graticuleStep({ centre: { lat: 0, lon: 0 }, zoom: 1 }), 30);
    assert.equal(graticuleStep({ centre: { lat: 0, lon: 0 }, zoom: 8 }), 10);
    assert.ok(graticuleStep({ centre: { lat: 0, lon: 0 }, zoom: 1000 }) < 0.1);
    const equator = metresPerPixel({ centre: { lat: 0, lon: 0 }, zoom: 1 }, SIZE);
    near(equator, 40_030_174 / 1000, 100, 'the equator over 1000 pixels');
    near(metresPerPixel({ centre: { lat: 60, lon: 0 }, zoom: 1 }, SIZE), equator / 2, 1, 'half at 60°');
    // 1000 px over 360/64 degrees at the equator: about 0.34 NM a pixel, so 20 NM in 120 px.
    const bar = scaleBar({ centre: { lat: 0, lon: 0 }, zoom: 64 }, SIZE);
    assert.equal(bar.nm, 20);
    assert.ok(bar.px > 50 && bar.px <= 120, String(bar.px));
  });
});
