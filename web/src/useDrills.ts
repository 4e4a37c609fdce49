/**
 * Link drill results (FED8) for the Drills panel: read when the panel opens, again whenever a
 * drill event arrives on the stream (`drillEvents` counts them), and every 15 s while it is
 * open, since a drill turns "missed" with time alone.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { type DrillResult, fetchDrills, runDrill } from './api.ts';
import { useLatestRead } from './useLatestRead.ts';

/** How often an open panel re-reads the results. */
const REFRESH_MS = 15_000;

/** What the screen gets from `useDrills`. */
export interface DrillsData {
  /** Null until the first answer. */
  drills: DrillResult[] | null;
  /** A failure to read or run, in words, or null. */
  error: string | null;
  /** Line id of a drill being started now, or null. */
  runningOn: string | null;
  runNow(line: string): void;
}

/** Loads the drills while `isOpen`; `onUnauthorized` runs when the session has ended. */
export function useDrills(isOpen: boolean, drillEvents: number, onUnauthorized: () => void): DrillsData {
  const { data: drills, error, refresh, fail } = useLatestRead(fetchDrills, onUnauthorized);
  const [runningOn, setRunningOn] = useState<string | null>(null);

  // Read on opening and whenever the count of drill events on the stream changes.
  const readForEvents = useRef<number | null>(null);
  useEffect(() => {
    if (!isOpen) {
      readForEvents.current = null;
      return;
    }
    if (readForEvents.current === drillEvents) return;
    readForEvents.current = drillEvents;
    refresh();
  }, [isOpen, drillEvents, refresh]);

  useEffect(() => {
    if (!isOpen) return;
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [isOpen, refresh]);

  const runNow = useCallback(
    (line: string) => {
      setRunningOn(line);
      runDrill(line)
        .then(refresh, fail)
        .finally(() => setRunningOn(null));
    },
    [refresh, fail],
  );

  return { drills, error, runningOn, runNow };
}
