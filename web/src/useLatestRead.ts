/**
 * One resource the console reads from its node and reads again on demand (pairings, drills,
 * the duty roster): the answer of the latest request wins, so a slow earlier answer never
 * overwrites a newer one; a 401 ends the session (`onUnauthorized`), other failures are kept in
 * words for the screen.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './api.ts';

/** What `useLatestRead` gives. */
export interface LatestRead<T> {
  /** Null until the first answer. */
  data: T | null;
  /** The last failure in words, or null. */
  error: string | null;
  /** Reads again. */
  refresh(): void;
  /** Reports a failure of other work on the resource: a 401 ends the session, others show. */
  fail(caught: unknown): void;
  clearError(): void;
}

/** Reads with `read` whenever `refresh` is called; nothing is read until then. */
export function useLatestRead<T>(read: () => Promise<T>, onUnauthorized: () => void): LatestRead<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const onUnauthorizedRef = useRef(onUnauthorized);
  const readRef = useRef(read);
  useEffect(() => {
    onUnauthorizedRef.current = onUnauthorized;
    readRef.current = read;
  }, [onUnauthorized, read]);
  const latestRequest = useRef(0);

  const fail = useCallback((caught: unknown) => {
    if (caught instanceof ApiError && caught.status === 401) onUnauthorizedRef.current();
    else setError(caught instanceof Error ? caught.message : String(caught));
  }, []);

  const refresh = useCallback(() => {
    const requestNumber = ++latestRequest.current;
    readRef
      .current()
      .then((next) => {
        if (requestNumber !== latestRequest.current) return;
        setData(next);
        setError(null);
      })
      .catch((caught: unknown) => {
        if (requestNumber === latestRequest.current) fail(caught);
      });
  }, [fail]);

  const clearError = useCallback(() => setError(null), []);

  return { data, error, refresh, fail, clearError };
}

/** What `useFollowedRead` gives: the read, and changes made through the node that re-read it. */
export interface FollowedRead<T> extends LatestRead<T> {
  /** A change is on its way to the node. */
  isBusy: boolean;
  /**
   * Runs a change, then reads again; a 401 ends the session; the failure is rethrown for the
   * caller to show where the person acted.
   */
  change(work: () => Promise<unknown>): Promise<void>;
}

/**
 * A resource followed live (the duty roster, call requests, talks): read at once, again each
 * time `trigger` changes (a count of its events on the stream) and every `periodMs` in case a
 * frame was missed.
 */
export function useFollowedRead<T>(
  read: () => Promise<T>,
  trigger: number,
  onUnauthorized: () => void,
  periodMs: number,
): FollowedRead<T> {
  const latest = useLatestRead(read, onUnauthorized);
  const { refresh, fail, clearError } = latest;
  const [isBusy, setIsBusy] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the count is the trigger, not an input.
  useEffect(() => {
    refresh();
  }, [trigger, refresh]);

  useEffect(() => {
    const timer = setInterval(refresh, periodMs);
    return () => clearInterval(timer);
  }, [refresh, periodMs]);

  const change = useCallback(
    async (work: () => Promise<unknown>) => {
      setIsBusy(true);
      try {
        await work();
        clearError();
        refresh();
      } catch (caught) {
        if (caught instanceof ApiError && caught.status === 401) fail(caught);
        throw caught;
      } finally {
        setIsBusy(false);
      }
    },
    [refresh, fail, clearError],
  );

  return { ...latest, isBusy, change };
}
