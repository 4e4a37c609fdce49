/**
 * The reliability report (HOT8) for the Reliability panel: the period the reader picked (this
 * month, last month, or custom UTC days) and the report the node computed for it. Read when the
 * panel opens and whenever the peer or the period changes; the node does the arithmetic, so the
 * console shows exactly what the printed page and the peer's node show.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Role } from '../../src/core/types.ts';
import { ApiError, fetchReliabilityReport, type ReliabilityReport } from './api.ts';

/** Which period the reader picked. */
export type PeriodChoice = 'this-month' | 'last-month' | 'custom';

/** A period [from, to) as ISO instants. */
export interface ReportPeriod {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Whether a role may read the report (`report.read` in docs/SECURITY.md). */
export function mayReadReports(role: Role): boolean {
  return role === 'admin' || role === 'supervisor' || role === 'observer';
}

/**
 * The period of a choice at `nowMs`: calendar months in UTC; a custom period runs from the start
 * of its first day to the end of its last day (UTC), or is null when the days do not make one.
 */
export function periodOf(
  choice: PeriodChoice,
  nowMs: number,
  custom: { firstDay: string; lastDay: string },
): ReportPeriod | null {
  const now = new Date(nowMs);
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  if (choice === 'this-month')
    return {
      from: new Date(Date.UTC(year, month, 1)).toISOString(),
      to: new Date(Date.UTC(year, month + 1, 1)).toISOString(),
    };
  if (choice === 'last-month')
    return {
      from: new Date(Date.UTC(year, month - 1, 1)).toISOString(),
      to: new Date(Date.UTC(year, month, 1)).toISOString(),
    };
  if (!DATE.test(custom.firstDay) || !DATE.test(custom.lastDay)) return null;
  const fromMs = Date.parse(`${custom.firstDay}T00:00:00Z`);
  const toMs = Date.parse(`${custom.lastDay}T00:00:00Z`) + DAY_MS;
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || fromMs >= toMs) return null;
  return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
}

/** What the panel gets from `useReliability`. */
export interface ReliabilityData {
  /** The report for the current peer and period; null before the first answer. */
  report: ReliabilityReport | null;
  isLoading: boolean;
  /** Why the node refused or could not be reached, in words, or null. */
  error: string | null;
  reload(): void;
}

/** Loads the report while `isOpen`; `onUnauthorized` runs when the session has ended. */
export function useReliability(
  isOpen: boolean,
  peer: string | null,
  period: ReportPeriod | null,
  onUnauthorized: () => void,
): ReliabilityData {
  const [report, setReport] = useState<ReliabilityReport | null>(null);
  const [isLoading, setIsLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const latestRequest = useRef(0);
  const onUnauthorizedRef = useRef(onUnauthorized);
  useEffect(() => {
    onUnauthorizedRef.current = onUnauthorized;
  }, [onUnauthorized]);

  const from = period?.from ?? null;
  const to = period?.to ?? null;
  const load = useCallback(() => {
    if (peer === null || from === null || to === null) return;
    const requestNumber = ++latestRequest.current;
    setIsLoading(true);
    fetchReliabilityReport(peer, from, to)
      .then((next) => {
        if (requestNumber !== latestRequest.current) return;
        setReport(next);
        setError(null);
      })
      .catch((caught: unknown) => {
        if (requestNumber !== latestRequest.current) return;
        if (caught instanceof ApiError && caught.status === 401) onUnauthorizedRef.current();
        else setError(caught instanceof Error ? caught.message : String(caught));
      })
      .finally(() => {
        if (requestNumber === latestRequest.current) setIsLoading(false);
      });
  }, [peer, from, to]);

  useEffect(() => {
    if (isOpen) load();
  }, [isOpen, load]);

  return { report, isLoading, error, reload: load };
}
