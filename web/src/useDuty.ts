/**
 * The duty roster (HOT5) for the console: read at start, again whenever a roster event
 * arrives on the stream (`dutyEvents` counts them, on any line) and every 30 s; taking the desk
 * and handing it over re-read it at once. This node's users are read when the handover dialog
 * needs them.
 */
import { useCallback, useState } from 'react';
import type { Role } from '../../src/core/types.ts';
import { type DutyRoster, fetchDuty, fetchUsers, handOverDesk, type NodeUser, takeDesk } from './api.ts';
import { useFollowedRead } from './useLatestRead.ts';

/** How often the roster is read again without an event. */
const REFRESH_MS = 30_000;

/** The roster event types (HOT5). */
export const DUTY_EVENT_TYPES: readonly string[] = ['duty.taken', 'duty.handed-over'];

/** What the screen gets from `useDuty`. */
export interface DutyData {
  /** Null until the first answer. */
  roster: DutyRoster | null;
  /** A failure to read, take or hand over, in words, or null. */
  error: string | null;
  /** Whether a take or a handover is under way. */
  isBusy: boolean;
  /** The users who may hold the desk, once read (`loadUsers`). */
  users: NodeUser[] | null;
  loadUsers(): void;
  take(): Promise<void>;
  handOver(to: string, note: string): Promise<void>;
}

/** Follows the roster; `onUnauthorized` runs when the session has ended. */
export function useDuty(dutyEvents: number, onUnauthorized: () => void): DutyData {
  const {
    data: roster,
    error,
    fail,
    isBusy,
    change,
  } = useFollowedRead(fetchDuty, dutyEvents, onUnauthorized, REFRESH_MS);
  const [users, setUsers] = useState<NodeUser[] | null>(null);

  const loadUsers = useCallback(() => {
    fetchUsers()
      .then((all) => setUsers(all.filter((user) => user.mayHoldDesk)))
      .catch(fail);
  }, [fail]);

  const take = useCallback(() => change(takeDesk), [change]);
  const handOver = useCallback((to: string, note: string) => change(() => handOverDesk(to, note)), [change]);

  return { roster, error, isBusy, users, loadUsers, take, handOver };
}

/** Whether a role may hold the desk (`duty.hold` in docs/SECURITY.md). */
export function mayHoldDesk(role: Role): boolean {
  return role === 'officer' || role === 'supervisor';
}

/** Whether a role may hand over a desk someone else holds (`duty.reassign`). */
export function mayReassignDesk(role: Role): boolean {
  return role === 'supervisor' || role === 'admin';
}

/** Whether a role may add translations (`message.translate`). */
export function mayTranslate(role: Role): boolean {
  return role === 'interpreter' || role === 'supervisor';
}
