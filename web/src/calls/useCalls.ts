/**
 * The console's calls as React state (CALL1): one `CallController` per signed-in screen, its
 * snapshots, and the actions the call panel needs. The window of an ended call stays until the
 * officer closes it, so how a call ended is never missed.
 */
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { Role } from '../../../src/core/types.ts';
import { CallController, type CallsSnapshot } from './callController.ts';
import type { CallMedia, LiveCall } from './callsApi.ts';

/** The roles that place and answer calls (`call.make` in docs/SECURITY.md). */
const CALL_ROLES: readonly Role[] = ['admin', 'supervisor', 'officer'];

export function mayCall(role: Role): boolean {
  return CALL_ROLES.includes(role);
}

export interface Calls extends CallsSnapshot {
  /** This console's call while it is shown (an ended one until dismissed). */
  shown: LiveCall | null;
  place(line: string, media: CallMedia): void;
  answer(id: string): void;
  hangUp(id: string): void;
  toggleRecording(): void;
  dismiss(): void;
}

export function useCalls(): Calls {
  const [controller] = useState(() => new CallController());
  useEffect(() => () => controller.close(), [controller]);
  const snapshot = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  const [dismissedId, setDismissedId] = useState<string | null>(null);
  const place = useCallback(
    (line: string, media: CallMedia) => void controller.place(line, media),
    [controller],
  );
  const answer = useCallback((id: string) => void controller.answer(id), [controller]);
  const hangUp = useCallback((id: string) => void controller.hangUp(id), [controller]);
  const toggleRecording = useCallback(() => void controller.toggleRecording(), [controller]);
  const mine = snapshot.mine;
  const dismiss = useCallback(() => setDismissedId(mine?.id ?? null), [mine]);
  const shown = mine && mine.id !== dismissedId ? mine : null;
  return { ...snapshot, shown, place, answer, hangUp, toggleRecording, dismiss };
}
