/**
 * Call requests (HOT7) for the console: read at start, again whenever a `call.requested` or
 * `call.request.answered` event arrives on the stream (`callRequestEvents` counts them, on any
 * line) and every 30 s; asking and answering re-read at once.
 *
 * Beside the hook, the pure rules the screen shows: a request turns overdue on the reader's
 * clock as its deadline passes (between two reads), the scheduled calls, and the reminders —
 * an agreed call due within 5 minutes, and a request to this desk in the last quarter of its
 * time to the deadline.
 */
import { useCallback } from 'react';
import type { Role } from '../../src/core/types.ts';
import {
  answerCallRequest,
  type CallAnswer,
  type CallRequest,
  type CallRequestInput,
  type CallRequestState,
  fetchCallRequests,
  postCallRequest,
} from './api.ts';
import { useFollowedRead } from './useLatestRead.ts';

/** How often the requests are read again without an event. */
const REFRESH_MS = 30_000;
/** A reminder shows from this long before an agreed call until this long after its time. */
export const DUE_SOON_MS = 5 * 60_000;
/** Agreed calls stay in the scheduled list until this long after their time. */
export const SCHEDULED_KEPT_MS = 60 * 60_000;
/** A request to this desk is reminded of in this last part of its time to the deadline. */
export const DEADLINE_REMINDER_PART = 0.25;

/** The event types of call requests (HOT7). */
export const CALL_REQUEST_EVENT_TYPES: readonly string[] = ['call.requested', 'call.request.answered'];

/** The request's state at `nowMs`: an open request past its deadline is overdue. */
export function currentCallState(request: CallRequest, nowMs: number): CallRequestState {
  return request.state === 'open' && nowMs > Date.parse(request.deadline) ? 'overdue' : request.state;
}

/** The answers this desk may give at `nowMs` (none once the deadline has passed unanswered). */
export function answersNow(request: CallRequest, nowMs: number): CallAnswer[] {
  return currentCallState(request, nowMs) === 'overdue' ? [] : request.mayAnswer;
}

/** Whether the request awaits this desk's answer (its turn, not only a withdrawal). */
export function awaitsUs(request: CallRequest, nowMs: number): boolean {
  return answersNow(request, nowMs).includes('accept');
}

/** Agreed calls from an hour ago on, soonest first. */
export function scheduledCalls(requests: readonly CallRequest[], nowMs: number): CallRequest[] {
  return requests
    .filter(
      (request) =>
        request.state === 'agreed' &&
        request.agreedTime !== null &&
        Date.parse(request.agreedTime) >= nowMs - SCHEDULED_KEPT_MS,
    )
    .sort((a, b) => Date.parse(a.agreedTime ?? '') - Date.parse(b.agreedTime ?? ''));
}

/** A reminder the console shows as a banner. */
export interface CallReminder {
  /** `due`: an agreed call within 5 minutes; `deadline`: a request to us nearing its deadline. */
  kind: 'due' | 'deadline';
  request: CallRequest;
}

/** The reminders at `nowMs`, calls due first. */
export function callReminders(requests: readonly CallRequest[], nowMs: number): CallReminder[] {
  const due = scheduledCalls(requests, nowMs)
    .filter((request) => Math.abs(Date.parse(request.agreedTime ?? '') - nowMs) <= DUE_SOON_MS)
    .map((request): CallReminder => ({ kind: 'due', request }));
  const nearDeadline = requests
    .filter((request) => {
      if (request.state !== 'open' || !awaitsUs(request, nowMs)) return false;
      const askedMs = Date.parse(request.requestedAt);
      const deadlineMs = Date.parse(request.deadline);
      return nowMs >= deadlineMs - (deadlineMs - askedMs) * DEADLINE_REMINDER_PART;
    })
    .map((request): CallReminder => ({ kind: 'deadline', request }));
  return [...due, ...nearDeadline];
}

/** Whether a role may ask for calls and answer requests (`call.request` in docs/SECURITY.md). */
export function mayRequestCalls(role: Role): boolean {
  return role === 'officer' || role === 'supervisor' || role === 'admin';
}

/** What the screen gets from `useCallRequests`. */
export interface CallRequestsData {
  /** Null until the first answer. */
  requests: CallRequest[] | null;
  /** A failure to read, in words, or null. */
  error: string | null;
  /** Whether a request or an answer is under way. */
  isBusy: boolean;
  /** Asks for a call; rejects with the node's refusal (an ApiError). */
  ask(input: CallRequestInput): Promise<void>;
  /** Answers a request; rejects with the node's refusal (an ApiError). */
  answer(id: string, answer: CallAnswer, options?: { at?: string; reason?: string }): Promise<void>;
}

/** Follows the call requests; `onUnauthorized` runs when the session has ended. */
export function useCallRequests(callRequestEvents: number, onUnauthorized: () => void): CallRequestsData {
  const {
    data: requests,
    error,
    isBusy,
    change,
  } = useFollowedRead(fetchCallRequests, callRequestEvents, onUnauthorized, REFRESH_MS);

  const ask = useCallback((input: CallRequestInput) => change(() => postCallRequest(input)), [change]);
  const answer = useCallback(
    (id: string, given: CallAnswer, options: { at?: string; reason?: string } = {}) =>
      change(() => answerCallRequest(id, given, options)),
    [change],
  );

  return { requests, error, isBusy, ask, answer };
}
