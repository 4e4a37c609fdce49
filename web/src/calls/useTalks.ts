/**
 * Video talks (CALL5) for the console: the talks the node lists, read at start, again whenever a
 * `talk.*` event arrives on the stream (`talkEvents` counts them, on any line) and every 30 s;
 * scheduling and cancelling re-read at once. Beside them, this console's own talk: one
 * `TalkController` per signed-in screen and its snapshots.
 */
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { Role } from '../../../src/core/types.ts';
import { useFollowedRead } from '../useLatestRead.ts';
import { TalkController, type TalkSnapshot } from './talkController.ts';
import { cancelTalk, fetchTalks, scheduleTalk, type Talk, type TalkInput } from './talksApi.ts';

/** How often the talks are read again without an event. */
const REFRESH_MS = 30_000;

/** The event types of video talks. */
export const TALK_EVENT_TYPES: readonly string[] = [
  'talk.scheduled',
  'talk.cancelled',
  'talk.joined',
  'talk.left',
];

/** Whether a role may schedule and cancel talks (`talk.schedule` in docs/SECURITY.md). */
export function mayScheduleTalks(role: Role): boolean {
  return role === 'supervisor' || role === 'admin';
}

/** Where a talk stands at `nowMs`. */
export type TalkPhase = 'upcoming' | 'live' | 'ended' | 'cancelled';

export function talkPhase(talk: Talk, nowMs: number): TalkPhase {
  if (talk.cancelledAt !== null) return 'cancelled';
  const startsMs = Date.parse(talk.startsAt);
  const endsMs = startsMs + talk.durationMin * 60_000;
  if (nowMs < startsMs) return 'upcoming';
  return nowMs < endsMs ? 'live' : 'ended';
}

export interface TalksData extends TalkSnapshot {
  /** Null until the node has answered. */
  talks: Talk[] | null;
  listError: string | null;
  isBusy: boolean;
  /** Schedules a talk; rejects with the node's refusal (an ApiError). */
  schedule(input: TalkInput): Promise<void>;
  cancel(id: string): Promise<void>;
  join(id: string): void;
  leave(): void;
  refresh(): void;
}

export function useTalks(talkEvents: number, onUnauthorized: () => void): TalksData {
  const {
    data: talks,
    error: listError,
    isBusy,
    change,
    refresh,
  } = useFollowedRead(fetchTalks, talkEvents, onUnauthorized, REFRESH_MS);
  const [controller] = useState(() => new TalkController());
  useEffect(() => () => controller.close(), [controller]);
  const snapshot = useSyncExternalStore(controller.subscribe, controller.getSnapshot);

  const schedule = useCallback((input: TalkInput) => change(() => scheduleTalk(input)), [change]);
  const cancel = useCallback((id: string) => change(() => cancelTalk(id)), [change]);
  const join = useCallback((id: string) => void controller.join(id), [controller]);
  const leave = useCallback(() => void controller.leave(), [controller]);

  return { ...snapshot, talks, listError, isBusy, schedule, cancel, join, leave, refresh };
}
