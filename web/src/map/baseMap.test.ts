import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { geoPath } from 'd3-geo';
import type { Topology } from 'topojson-specification';
import {
  type BaseLayer,
  basePaths,
  buildBaseLayer,
  DETAIL_ZOOM,
  layerFor,
  sidewaysJumps,
} from './baseMap.ts';
import { clampView, type MapView, projectionFor, visibleBox } from './view.ts';

const require = createRequire(import.meta.url);
const SIZE = { width: 1000, height: 600 };

function readLayer(name: string): BaseLayer {
  const path = require.resolve(`world-atlas/${name}`);
  return buildBaseLayer(JSON.parse(readFileSync(path, 'utf8')) as Topology);
}

const coarse = readLayer('countries-110m.json');
const fine = readLayer('countries-50m.json');

/** Views over the date line (Chukotka and Alaska, Fiji, the whole Pacific) and elsewhere. */
const VIEWS: MapView[] = [
  { centre: { lat: 0, lon: 180 }, zoom: 1 },
  { centre: { lat: 62, lon: 180 }, zoom: 3 },
  { centre: { lat: 66, lon: -179.9 }, zoom: 6 },
  { centre: { lat: -17, lon: 179 }, zoom: 8 },
  { centre: { lat: 0, lon: 0 }, zoom: 1 },
  { centre: { lat: 24.5, lon: 122 }, zoom: 16 },
];

describe('the offline base map [ENC4]', () => {
  it('[ENC4] the shipped Natural Earth data makes land, borders and a graticule at both levels', () => {
    assert.ok(coarse.land.length > 100 && fine.land.length > 1000, 'polygons of land');
    assert.ok(coarse.borders.length > 100, 'border lines');
    const view = clampView({ centre: { lat: 24, lon: 122 }, zoom: 4 }, SIZE);
    const paths = basePaths(fine, projectionFor(view, SIZE), view, visibleBox(view, SIZE));
    assert.match(paths.land, /^M[\d.-]+,[\d.-]+L/);
    assert.ok(paths.borders.length > 0 && paths.graticule.length > 0);
  });

  it('[ENC4] nothing streaks across the map, whatever the centre, even on the 180° meridian', () => {
    for (const layer of [coarse, fine]) {
      for (const raw of VIEWS) {
        const view = clampView(raw, SIZE);
        const paths = basePaths(layer, projectionFor(view, SIZE), view, visibleBox(view, SIZE));
        const where = `${view.centre.lat},${view.centre.lon} ×${view.zoom}`;
        assert.equal(sidewaysJumps(paths.land, SIZE), 0, `land at ${where}`);
        assert.equal(sidewaysJumps(paths.borders, SIZE), 0, `borders at ${where}`);
        assert.equal(sidewaysJumps(paths.graticule, SIZE), 0, `graticule at ${where}`);
      }
    }
  });

  it('[ENC4] the streak check finds the streaks of a map drawn without the antimeridian cut', () => {
    const view = clampView({ centre: { lat: 0, lon: 180 }, zoom: 1 }, SIZE);
    // No preclip: rings over the view's edge run back across the whole map.
    const uncut = projectionFor(view, SIZE).preclip((stream) => stream);
    const path = geoPath(uncut);
    const land = coarse.land.map((piece) => path(piece.geometry) ?? '').join('');
    assert.ok(sidewaysJumps(land, SIZE) > 0);
  });

  it('[ENC4] a zoomed view draws only the pieces it can see', () => {
    const world = clampView({ centre: { lat: 0, lon: 0 }, zoom: 1 }, SIZE);
    const sea = clampView({ centre: { lat: 24.5, lon: 122 }, zoom: 16 }, SIZE);
    const whole = basePaths(fine, projectionFor(world, SIZE), world, visibleBox(world, SIZE));
    const part = basePaths(fine, projectionFor(sea, SIZE), sea, visibleBox(sea, SIZE));
    assert.ok(part.land.length > 0, 'Taiwan and the coast of China are there');
    assert.ok(part.land.length * 20 < whole.land.length, `${part.land.length} vs ${whole.land.length}`);
  });

  it('[ENC4] the fine layer is drawn from the detail zoom on, once loaded', () => {
    assert.equal(layerFor(1, { coarse, fine }), coarse);
    assert.equal(layerFor(DETAIL_ZOOM, { coarse, fine }), fine);
    assert.equal(layerFor(DETAIL_ZOOM, { coarse, fine: null }), coarse);
    assert.equal(layerFor(1, { coarse: null, fine }), fine);
    assert.equal(layerFor(1, { coarse: null, fine: null }), null);
  });
});
