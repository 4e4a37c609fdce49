/**
 * The map (ENC4): an SVG world map from the Natural Earth data shipped with the console (no tile
 * server), with encounter marks and their closest-approach lines, and the notified areas (ENC3).
 *
 * - Pan by dragging or with the arrow keys, zoom with the wheel (around the pointer), the + and −
 *   buttons or keys, and go back to everything with the reset button or 0 (CON3: keyboard alone).
 * - Marks are buttons: Tab reaches them, Enter or Space selects one (as a click does).
 * - The projection, clipping and culling are in view.ts and baseMap.ts; areas and lines in
 *   shapes.ts. The first view fits what the map shows; later data does not move the map.
 * - `data-view` on the SVG says where it looks ("lat,lon,zoom"), for tests and for reading.
 */
import { geoPath } from 'd3-geo';
import {
  type KeyboardEvent,
  type PointerEvent,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { Severity } from '../../../src/core/encounter.ts';
import { type Area, formatPositionDM, type LatLon } from '../../../src/core/geo.ts';
import type { EncounterState } from '../encountersApi.ts';
import { t } from '../strings.ts';
import { type BaseLayer, basePaths, layerFor } from './baseMap.ts';
import { SeverityMark } from './marks.tsx';
import { approachLine, areaGeometry, areaOutline } from './shapes.ts';
import {
  centreOn,
  describeView,
  fitView,
  type MapSize,
  type MapView,
  panBy,
  positionAt,
  projectionFor,
  type ScreenPoint,
  scaleBar,
  visibleBox,
  WORLD_VIEW,
  zoomAt,
} from './view.ts';
import { loadCoarseLayer, loadFineLayer } from './worldAtlas.ts';

/** An encounter on the map. */
export interface MapMarker {
  id: string;
  position: LatLon;
  /** Shown beside the mark: the encounter's reference. */
  label: string;
  /** What a screen reader says for the mark (reference, severity and state in words). */
  description: string;
  severity: Severity;
  state: EncounterState;
  /** The two platforms at the closest approach, when known. */
  approach: [LatLon, LatLon] | null;
}

/** A notified area on the map. */
export interface MapArea {
  id: string;
  area: Area;
  label: string;
  isInForce: boolean;
}

/** Props of `WorldMap`. */
export interface WorldMapProps {
  markers: readonly MapMarker[];
  areas: readonly MapArea[];
  selectedId: string | null;
  onSelect(id: string): void;
  /** Centre the map on a place; a new `serial` each time it should move. */
  focus?: { position: LatLon; serial: number } | null;
}

/** Moves under this many pixels are a click, not a drag. */
const DRAG_THRESHOLD_PX = 4;
/** Arrow keys move the map by this share of its size. */
const KEY_PAN_SHARE = 1 / 8;
const DEFAULT_SIZE: MapSize = { width: 900, height: 560 };

/** The map's size, followed as its box changes; `isMeasured` once the box has been read. */
function useBoxSize(element: HTMLElement | null): { size: MapSize; isMeasured: boolean } {
  const [measured, setMeasured] = useState<MapSize | null>(null);
  useEffect(() => {
    if (element === null) return;
    const measure = () => {
      // The box inside the border, where the SVG lies.
      const { clientWidth: width, clientHeight: height } = element;
      if (width > 0 && height > 0) setMeasured({ width, height });
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  return { size: measured ?? DEFAULT_SIZE, isMeasured: measured !== null };
}

/** The base map's two levels, loaded once the map is shown; an error in words if they cannot be. */
function useBaseLayers(): { coarse: BaseLayer | null; fine: BaseLayer | null; error: string | null } {
  const [coarse, setCoarse] = useState<BaseLayer | null>(null);
  const [fine, setFine] = useState<BaseLayer | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let isCurrent = true;
    const fail = (caught: unknown) => {
      if (isCurrent) setError(caught instanceof Error ? caught.message : String(caught));
    };
    loadCoarseLayer()
      .then((layer) => {
        if (isCurrent) setCoarse(layer);
        return loadFineLayer();
      })
      .then((layer) => {
        if (isCurrent) setFine(layer);
      })
      .catch(fail);
    return () => {
      isCurrent = false;
    };
  }, []);
  return { coarse, fine, error };
}

/** Every position the map shows, for fitting the view to them. */
function contentPositions(markers: readonly MapMarker[], areas: readonly MapArea[]): LatLon[] {
  return [
    ...markers.flatMap((marker) => [marker.position, ...(marker.approach ?? [])]),
    ...areas.flatMap((area) => areaOutline(area.area)),
  ];
}

/** The world map with its marks, areas and controls. */
export function WorldMap({ markers, areas, selectedId, onSelect, focus = null }: WorldMapProps) {
  const [box, setBox] = useState<HTMLDivElement | null>(null);
  const [svg, setSvg] = useState<SVGSVGElement | null>(null);
  const { size, isMeasured } = useBoxSize(box);
  const layers = useBaseLayers();
  const [view, setView] = useState<MapView>(WORLD_VIEW);
  const [pointer, setPointer] = useState<LatLon | null>(null);
  const drag = useRef<{ start: ScreenPoint; view: MapView; isDragging: boolean } | null>(null);
  const wasDragged = useRef(false);
  const hasFitted = useRef(false);
  const pendingView = useRef<MapView | null>(null);
  const frame = useRef<number | null>(null);

  const positions = useMemo(() => contentPositions(markers, areas), [markers, areas]);
  const fitAll = useCallback(() => setView(fitView(positions, size)), [positions, size]);

  // The first view shows everything; data arriving later does not move the map under the reader.
  useEffect(() => {
    if (hasFitted.current || positions.length === 0 || !isMeasured) return;
    hasFitted.current = true;
    fitAll();
  }, [positions, isMeasured, fitAll]);

  // A new focus centres the map on its place, in the same render as the request (so a key
  // pressed right after it moves the centred map); a resize alone does not.
  const [focusSerial, setFocusSerial] = useState<number | null>(null);
  if (focus && focus.serial !== focusSerial) {
    setFocusSerial(focus.serial);
    setView(centreOn(view, size, focus.position, 6));
  }

  /** Shows a view at the next frame: a drag makes many moves a frame, the map draws one. */
  const showView = useCallback((next: MapView) => {
    pendingView.current = next;
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      if (pendingView.current) setView(pendingView.current);
    });
  }, []);
  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    },
    [],
  );

  const projection = useMemo(() => projectionFor(view, size), [view, size]);
  const layer = layerFor(view.zoom, layers);
  const base = useMemo(
    () => (layer ? basePaths(layer, projection, view, visibleBox(view, size)) : null),
    [layer, projection, view, size],
  );
  const path = useMemo(() => geoPath(projection).digits(1), [projection]);

  // The wheel zooms around the pointer; React's wheel listener is passive, so it is added here.
  useEffect(() => {
    if (svg === null) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = svg.getBoundingClientRect();
      const lines = event.deltaMode === 1 ? 33 : event.deltaMode === 2 ? 300 : 1;
      const factor = 2 ** (-(event.deltaY * lines) / 400);
      setView((current) =>
        zoomAt(current, size, { x: event.clientX - rect.left, y: event.clientY - rect.top }, factor),
      );
    };
    svg.addEventListener('wheel', onWheel, { passive: false });
    return () => svg.removeEventListener('wheel', onWheel);
  }, [svg, size]);

  const pointOf = (event: PointerEvent<SVGSVGElement>): ScreenPoint => {
    const rect = event.currentTarget.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  };

  const onPointerDown = (event: PointerEvent<SVGSVGElement>) => {
    if (event.button !== 0) return;
    drag.current = { start: pointOf(event), view, isDragging: false };
    wasDragged.current = false;
  };

  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    const point = pointOf(event);
    const current = drag.current;
    if (current === null) {
      setPointer(positionAt(view, size, point));
      return;
    }
    const dx = point.x - current.start.x;
    const dy = point.y - current.start.y;
    if (!current.isDragging && Math.hypot(dx, dy) < DRAG_THRESHOLD_PX) return;
    if (!current.isDragging) {
      // Captured only once it is a drag, so a click on a mark still reaches the mark.
      current.isDragging = true;
      wasDragged.current = true;
      event.currentTarget.setPointerCapture(event.pointerId);
    }
    showView(panBy(current.view, size, dx, dy));
  };

  const endDrag = () => {
    drag.current = null;
  };

  /** The view a key moves `from` to, or null for a key the map does not use. */
  const viewAfterKey = (key: string, from: MapView): MapView | null => {
    const stepX = size.width * KEY_PAN_SHARE;
    const stepY = size.height * KEY_PAN_SHARE;
    const centre = { x: size.width / 2, y: size.height / 2 };
    switch (key) {
      case 'ArrowLeft':
        return panBy(from, size, stepX, 0);
      case 'ArrowRight':
        return panBy(from, size, -stepX, 0);
      case 'ArrowUp':
        return panBy(from, size, 0, stepY);
      case 'ArrowDown':
        return panBy(from, size, 0, -stepY);
      case '+':
      case '=':
        return zoomAt(from, size, centre, 2);
      case '-':
      case '_':
        return zoomAt(from, size, centre, 0.5);
      case '0':
        return fitView(positions, size);
      default:
        return null;
    }
  };

  const onKeyDown = (event: KeyboardEvent<SVGSVGElement>) => {
    if (viewAfterKey(event.key, view) === null) return;
    event.preventDefault();
    // From the latest view: keys pressed faster than the map draws each count.
    setView((current) => viewAfterKey(event.key, current) ?? current);
  };

  const zoomBy = (factor: number) =>
    setView((current) => zoomAt(current, size, { x: size.width / 2, y: size.height / 2 }, factor));

  const select = (id: string) => {
    if (!wasDragged.current) onSelect(id);
  };

  const bar = scaleBar(view, size);

  return (
    <div className="world-map" ref={setBox}>
      <svg
        ref={setSvg}
        className="world-map__svg"
        data-testid="map"
        data-view={describeView(view)}
        data-detail={layer === null ? 'none' : layer === layers.fine ? 'fine' : 'coarse'}
        width={size.width}
        height={size.height}
        viewBox={`0 0 ${size.width} ${size.height}`}
        role="application"
        aria-label={t('map.svgLabel')}
        aria-roledescription={t('map.roleDescription')}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a keyboard-operated widget (role application): it takes the focus so the arrow keys pan it and + and − zoom it (CON3).
        tabIndex={0}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={endDrag}
        onPointerCancel={endDrag}
        onPointerLeave={() => setPointer(null)}
        onKeyDown={onKeyDown}
      >
        <rect className="world-map__sea" width={size.width} height={size.height} />
        {base && (
          <g>
            <path className="world-map__graticule" d={base.graticule} />
            <path className="world-map__land" data-testid="map-land" d={base.land} />
            <path className="world-map__borders" data-testid="map-borders" d={base.borders} />
          </g>
        )}
        <g className="world-map__areas">
          {areas.map((area) => {
            const geometry = areaGeometry(area.area);
            const outline = path(geometry);
            // The label sits above the area, clear of the marks inside it.
            const [[left, top], [right]] = path.bounds(geometry);
            const labelAt =
              outline && Number.isFinite(top) ? { x: (left + right) / 2, y: Math.max(14, top - 6) } : null;
            return (
              <g key={area.id}>
                <path
                  className={area.isInForce ? 'world-map__area' : 'world-map__area world-map__area--past'}
                  data-testid="map-area"
                  data-id={area.id}
                  data-in-force={String(area.isInForce)}
                  d={outline ?? ''}
                >
                  <title>
                    {area.isInForce ? area.label : t('map.area.notInForce', { title: area.label })}
                  </title>
                </path>
                {labelAt && (
                  <text className="world-map__area-label" x={labelAt.x} y={labelAt.y}>
                    {area.label}
                  </text>
                )}
              </g>
            );
          })}
        </g>
        <g className="world-map__approaches">
          {markers.map((marker) => {
            if (!marker.approach) return null;
            const [a, b] = marker.approach;
            const ends = [projection([a.lon, a.lat]), projection([b.lon, b.lat])];
            return (
              <g key={marker.id}>
                <path
                  className="world-map__approach"
                  data-testid="map-cpa-line"
                  data-id={marker.id}
                  d={path(approachLine(a, b)) ?? ''}
                />
                {ends.map((end, index) =>
                  end ? (
                    // biome-ignore lint/suspicious/noArrayIndexKey: the two ends of one line, in order.
                    <circle key={index} className="world-map__approach-end" cx={end[0]} cy={end[1]} r={2.5} />
                  ) : null,
                )}
              </g>
            );
          })}
        </g>
        <g className="world-map__markers">
          {markers.map((marker) => {
            const at = projection([marker.position.lon, marker.position.lat]);
            if (!at) return null;
            const isSelected = marker.id === selectedId;
            return (
              // biome-ignore lint/a11y/useSemanticElements: an SVG mark cannot be an HTML button.
              <g
                key={marker.id}
                className="world-map__marker"
                data-testid="map-marker"
                data-id={marker.id}
                data-state={marker.state}
                data-severity={marker.severity}
                data-selected={String(isSelected)}
                transform={`translate(${at[0].toFixed(1)},${at[1].toFixed(1)})`}
                role="button"
                tabIndex={0}
                aria-pressed={isSelected}
                aria-label={marker.description}
                onClick={() => select(marker.id)}
                onKeyDown={(event) => {
                  if (event.key !== 'Enter' && event.key !== ' ') return;
                  event.preventDefault();
                  event.stopPropagation();
                  onSelect(marker.id);
                }}
              >
                <title>{marker.description}</title>
                <SeverityMark
                  severity={marker.severity}
                  isHollow={marker.state === 'closed'}
                  isSelected={isSelected}
                />
                <text className="world-map__marker-label" x={11} y={4}>
                  {marker.label}
                </text>
              </g>
            );
          })}
        </g>
        <g className="world-map__scale" transform={`translate(12,${size.height - 14})`}>
          <path d={`M0,-6V0H${bar.px.toFixed(1)}V-6`} />
          <text x={bar.px + 6} y={0} data-testid="map-scale">
            {t('map.scale', { nm: bar.nm })}
          </text>
        </g>
      </svg>
      <div className="world-map__controls">
        <button
          type="button"
          className="button button--secondary world-map__control"
          data-testid="map-zoom-in"
          aria-label={t('map.zoomIn')}
          title={t('map.zoomIn')}
          onClick={() => zoomBy(2)}
        >
          +
        </button>
        <button
          type="button"
          className="button button--secondary world-map__control"
          data-testid="map-zoom-out"
          aria-label={t('map.zoomOut')}
          title={t('map.zoomOut')}
          onClick={() => zoomBy(0.5)}
        >
          −
        </button>
        <button
          type="button"
          className="button button--secondary world-map__control world-map__control--wide"
          data-testid="map-reset"
          onClick={fitAll}
        >
          {t('map.reset')}
        </button>
      </div>
      {layers.error !== null ? (
        <p className="world-map__status world-map__status--error" role="alert">
          {t('map.loadFailed', { reason: layers.error })}
        </p>
      ) : (
        <p className="world-map__status" data-testid="map-status">
          {layer === null
            ? t('map.loading')
            : pointer
              ? t('map.pointer', { position: formatPositionDM(pointer) })
              : t('map.keys')}
        </p>
      )}
    </div>
  );
}
