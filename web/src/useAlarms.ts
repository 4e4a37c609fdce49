/**
 * Follows the node's alarms (LOG9, CON1): reads `GET /alarms` at once, every `ALARM_POLL_MS`,
 * and again whenever the stream comes back from a loss, since alarms are not streamed. An
 * answer that was overtaken by a later request is dropped; a failed read keeps the alarms last
 * known (a lost node is the connection notice's news, and an alarm must not vanish with it).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ALARM_POLL_MS } from './alarms.ts';
import { type Alarms, ApiError, fetchAlarms, postResolveEquivocation } from './api.ts';
import type { Connection } from './consoleState.ts';

const NO_ALARMS: Alarms = { equivocations: [], appendsHeld: null };

/** What the screen gets from `useAlarms`. */
export interface AlarmsData {
  alarms: Alarms;
  /** Resolves an equivocation with a written resolution, then reads the alarms again; rejects with an ApiError. */
  resolve(id: number, resolution: string): Promise<void>;
}

/** Loads and polls the alarms; `onUnauthorized` runs when the session has ended. */
export function useAlarms(connection: Connection, onUnauthorized: () => void): AlarmsData {
  const [alarms, setAlarms] = useState<Alarms>(NO_ALARMS);
  const onUnauthorizedRef = useRef(onUnauthorized);
  useEffect(() => {
    onUnauthorizedRef.current = onUnauthorized;
  }, [onUnauthorized]);
  const latestRequest = useRef(0);
  const isMounted = useRef(true);
  useEffect(() => {
    isMounted.current = true;
    return () => {
      isMounted.current = false;
    };
  }, []);

  const refresh = useCallback(async () => {
    const requestNumber = ++latestRequest.current;
    try {
      const next = await fetchAlarms();
      if (isMounted.current && requestNumber === latestRequest.current) setAlarms(next);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) onUnauthorizedRef.current();
      // Otherwise keep what is known; the next poll tries again.
    }
  }, []);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), ALARM_POLL_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  // CON5: after the stream is lost and back, read again at once rather than at the next poll.
  const previousConnection = useRef(connection);
  useEffect(() => {
    const wasLost = previousConnection.current === 'lost';
    previousConnection.current = connection;
    if (wasLost && connection === 'live') void refresh();
  }, [connection, refresh]);

  const resolve = useCallback(
    async (id: number, resolution: string) => {
      try {
        await postResolveEquivocation(id, resolution);
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) onUnauthorizedRef.current();
        // Someone resolved it first: reading the alarms again takes the banner away.
        if (!(error instanceof ApiError && error.code === 'unknown-equivocation')) throw error;
      }
      await refresh();
    },
    [refresh],
  );

  return { alarms, resolve };
}
