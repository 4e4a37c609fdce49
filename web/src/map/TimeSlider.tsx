/**
 * The map's time slider (ENC3, ENC4; CON2, CON3): a range over the span of the record, the time
 * chosen shown in UTC and in the reader's zone, and a button back to now. Until a time is
 * chosen the map shows now and follows the clock. Keyboard: the arrow keys move a step, Page Up
 * and Page Down a larger one, Home and End go to the ends (the browser's own range control).
 */
import { useId } from 'react';
import { t } from '../strings.ts';
import { formatDualTime, formatFullTime } from '../time.ts';
import type { TimeSpan } from './timeline.ts';

/** Props of `TimeSlider`. */
export interface TimeSliderProps {
  span: TimeSpan;
  /** The time the map shows. */
  atMs: number;
  /** Whether that is now, following the clock. */
  isNow: boolean;
  nowMs: number;
  onChoose(ms: number): void;
  onNow(): void;
}

/** The slider under the map. */
export function TimeSlider({ span, atMs, isNow, nowMs, onChoose, onNow }: TimeSliderProps) {
  const id = useId();
  const iso = new Date(atMs).toISOString();
  const shown = formatDualTime(iso, new Date(nowMs));
  return (
    <div className="map-time">
      <label htmlFor={id} className="map-time__label">
        {t('map.time')}
      </label>
      <input
        id={id}
        type="range"
        className="map-time__range"
        data-testid="map-time"
        min={span.fromMs}
        max={span.toMs}
        step={span.stepMs}
        value={Math.min(span.toMs, Math.max(span.fromMs, atMs))}
        aria-valuetext={shown}
        onChange={(event) => onChoose(Number(event.target.value))}
      />
      <output
        htmlFor={id}
        className="map-time__value"
        data-testid="map-time-value"
        title={formatFullTime(iso)}
      >
        {isNow ? t('map.timeNow', { time: shown }) : t('map.timeChosen', { time: shown })}
      </output>
      <button
        type="button"
        className="button button--secondary"
        data-testid="map-time-now"
        disabled={isNow}
        onClick={onNow}
      >
        {t('map.backToNow')}
      </button>
    </div>
  );
}
