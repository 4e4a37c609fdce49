/**
 * Loads the base map's data (ENC4) in the browser: Natural Earth land and countries from the
 * `world-atlas` package, built into the console's own files by Vite, so the map needs no tile
 * server and makes no request beyond the node that serves the console. Each file is its own
 * chunk, fetched the first time the map opens (the console's first screen does not wait for it);
 * the coarse one first, the fine one after it.
 */
import type { Topology } from 'topojson-specification';
import { type BaseLayer, buildBaseLayer } from './baseMap.ts';

let coarse: Promise<BaseLayer> | null = null;
let fine: Promise<BaseLayer> | null = null;

function layerOf(module: Promise<{ default: unknown }>): Promise<BaseLayer> {
  return module.then((loaded) => buildBaseLayer(loaded.default as Topology));
}

/** The 1:110m layer, loaded once. */
export function loadCoarseLayer(): Promise<BaseLayer> {
  coarse ??= layerOf(import('world-atlas/countries-110m.json'));
  return coarse;
}

/** The 1:50m layer, loaded once. */
export function loadFineLayer(): Promise<BaseLayer> {
  fine ??= layerOf(import('world-atlas/countries-50m.json'));
  return fine;
}
