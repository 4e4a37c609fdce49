/**
 * The node's video talk routes as the console uses them (CALL5; src/server/talkRoutes.ts). The
 * types mirror the node's `TalkView` and `TalkParticipant`.
 */
import { request } from '../api.ts';
import { CONSOLE_ID } from './callBus.ts';
import type { SignalKind } from './rtc.ts';

/** One item of a talk's agenda. */
export interface AgendaItem {
  title: string;
  presenter?: string;
  minutes?: number;
}

/** A person expected at a talk. */
export interface PlannedParticipant {
  name: string;
  node: string;
  role?: string;
}

/** A console in a talk now, and the person at it. */
export interface TalkParticipant {
  client: string;
  /** `user@node`. */
  user: string;
  node: string;
  joinedAt: string;
}

/** A talk as the node lists it. */
export interface Talk {
  id: string;
  line: string;
  title: string;
  startsAt: string;
  durationMin: number;
  agenda: AgendaItem[];
  participants: PlannedParticipant[];
  scheduledBy: string;
  scheduledAt: string;
  cancelledAt: string | null;
  cancelledBy: string | null;
  cancelReason: string | null;
  attendance: { user: string; joinedAt: string; leftAt: string | null }[];
  members: string[];
  /** The people in the talk now (their consoles' ids only go to the consoles in the talk). */
  connected: Omit<TalkParticipant, 'client'>[];
}

/** What a supervisor schedules. */
export interface TalkInput {
  title: string;
  members: string[];
  startsAt: string;
  durationMin: number;
  agenda: AgendaItem[];
  participants: PlannedParticipant[];
}

/**
 * Orders participants as the node does (src/calls/talks.ts): by join time, then console id. Of
 * two participants the later one sends the offer, so both consoles agree without talking.
 */
export function compareParticipants(a: TalkParticipant, b: TalkParticipant): number {
  if (a.joinedAt !== b.joinedAt) return a.joinedAt < b.joinedAt ? -1 : 1;
  return a.client < b.client ? -1 : a.client > b.client ? 1 : 0;
}

export async function fetchTalks(): Promise<Talk[]> {
  return (await request<{ talks: Talk[] }>('GET', '/talks')).talks;
}

/** Schedules a talk; rejects with 400 naming the fields, 403 for a role that may not. */
export async function scheduleTalk(input: TalkInput): Promise<Talk> {
  return (await request<{ talk: Talk }>('POST', '/talks', input)).talk;
}

export async function cancelTalk(id: string): Promise<Talk> {
  return (await request<{ talk: Talk }>('POST', `/talks/${encodeURIComponent(id)}/cancel`, {})).talk;
}

/** Joins with this console; resolves with the consoles in the talk, this one included. */
export async function joinTalk(id: string): Promise<TalkParticipant[]> {
  const path = `/talks/${encodeURIComponent(id)}/join`;
  return (await request<{ participants: TalkParticipant[] }>('POST', path, { client: CONSOLE_ID }))
    .participants;
}

export function leaveTalk(id: string): Promise<unknown> {
  return request('POST', `/talks/${encodeURIComponent(id)}/leave`, { client: CONSOLE_ID });
}

export function sendTalkSignal(id: string, to: string, kind: SignalKind, data: string): Promise<unknown> {
  return request('POST', `/talks/${encodeURIComponent(id)}/signal`, { client: CONSOLE_ID, to, kind, data });
}
