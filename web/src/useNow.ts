/**
 * The current time, re-read every `intervalMs`, for what changes with the clock alone: a
 * deadline passing (overdue, HOT3) and the time left before it.
 */
import { useEffect, useState } from 'react';

/** Milliseconds since the epoch, refreshed every `intervalMs` (default one second). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
