/**
 * Wires the console's state to the node: reads lines, peers and the selected line's history,
 * then follows the stream from the history's cursor so nothing falls between the two (CON5).
 * After the stream comes back from a loss, message states and peers are read again, since
 * only events are replayed from the cursor.
 *
 * A message that arrives without a state report soon after (a frame lost to a node busy
 * writing, say) has its state read once, so it never stays "not yet delivered" by mistake.
 *
 * Acknowledging a message shows the acknowledgement at once (the node's answer is the event);
 * marking one seen is reported once per message (`SeenMarks`) and its answer is the new state.
 */
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { LiaisonEvent, Precedence } from '../../src/core/types.ts';
import {
  ApiError,
  fetchLineEvents,
  fetchLines,
  fetchMessageStates,
  fetchMessageStatus,
  fetchPeers,
  type Line,
  postAcknowledgement,
  postMessage,
  postSeen,
  postTemplatedMessage,
} from './api.ts';
import { CONSOLE_ID, publishCallFrame, publishStreamOpened } from './calls/callBus.ts';
import { type ConsoleState, consoleReducer, initialConsoleState } from './consoleState.ts';
import { MESSAGE_POSTED } from './messages.ts';
import { SeenMarks, wantsSeenMark } from './seenMarks.ts';
import { openStream } from './stream.ts';

/** How long a new message may go without a state report before the console asks for one. */
export const STATUS_GRACE_MS = 1500;

/** What the main screen gets from `useConsoleData`. */
export interface ConsoleData {
  state: ConsoleState;
  selectedLineId: string | null;
  selectLine(lineId: string): void;
  /** Posts a message on a line and shows it at once; rejects with an ApiError. */
  send(lineId: string, text: string, precedence: Precedence): Promise<void>;
  /** Posts a phrasebook message (HOT6) and shows it at once. */
  sendTemplate(
    lineId: string,
    template: string,
    params: Record<string, unknown>,
    precedence: Precedence,
  ): Promise<void>;
  /** Acknowledges a peer's message with an optional reply and shows it at once; rejects with an ApiError. */
  acknowledge(messageId: string, reply: string): Promise<void>;
  /** Tells the node a person here has a peer's message on screen; once per message, failures ignored. */
  markSeen(messageId: string): void;
  /** A failure to read from the node, in words, or null. */
  loadError: string | null;
}

/** The line shown first: the first hotline, else the first line. */
export function pickInitialLine(lines: readonly Line[]): Line | null {
  return lines.find((line) => line.kind === 'hotline') ?? lines[0] ?? null;
}

/** Loads and follows the node's data; `onUnauthorized` runs when the session has ended. */
export function useConsoleData(onUnauthorized: () => void): ConsoleData {
  const [state, dispatch] = useReducer(consoleReducer, initialConsoleState);
  const [selectedLineId, setSelectedLineId] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const requestedLines = useRef(new Set<string>());
  const onUnauthorizedRef = useRef(onUnauthorized);
  useEffect(() => {
    onUnauthorizedRef.current = onUnauthorized;
  }, [onUnauthorized]);
  const statusByIdRef = useRef(state.statusById);
  useEffect(() => {
    statusByIdRef.current = state.statusById;
  }, [state.statusById]);
  const statusTimers = useRef(new Set<ReturnType<typeof setTimeout>>());
  useEffect(() => {
    const timers = statusTimers.current;
    return () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    };
  }, []);

  /** Reads a new message's state if no report has come for it within the grace period. */
  const checkStatusLater = useCallback((event: LiaisonEvent) => {
    if (event.type !== MESSAGE_POSTED) return;
    const timer = setTimeout(() => {
      statusTimers.current.delete(timer);
      if (statusByIdRef.current[event.id] !== undefined) return;
      fetchMessageStatus(event.id)
        .then((status) => dispatch({ type: 'statuses-received', statuses: [status] }))
        .catch(() => {
          // The stream or the next reconnect brings it; the message shows "sent" until then.
        });
    }, STATUS_GRACE_MS);
    statusTimers.current.add(timer);
  }, []);

  const fail = useCallback((error: unknown) => {
    if (error instanceof ApiError && error.status === 401) onUnauthorizedRef.current();
    else setLoadError(error instanceof Error ? error.message : String(error));
  }, []);

  /** Reads a line's history and message states; resolves with the arrival cursor. */
  const loadLine = useCallback(async (lineId: string): Promise<number> => {
    requestedLines.current.add(lineId);
    try {
      const [page, statuses] = await Promise.all([fetchLineEvents(lineId), fetchMessageStates(lineId)]);
      dispatch({ type: 'line-loaded', lineId, events: page.events, statuses });
      return page.cursor;
    } catch (error) {
      requestedLines.current.delete(lineId);
      throw error;
    }
  }, []);

  const refreshAfterGap = useCallback(async () => {
    try {
      const lineIds = [...requestedLines.current];
      const [peers, ...statusLists] = await Promise.all([
        fetchPeers(),
        ...lineIds.map((lineId) => fetchMessageStates(lineId)),
      ]);
      dispatch({ type: 'peers-loaded', peers });
      dispatch({ type: 'statuses-received', statuses: statusLists.flat() });
    } catch (error) {
      fail(error);
    }
  }, [fail]);

  useEffect(() => {
    let isCancelled = false;
    let closeStream: (() => void) | null = null;
    async function start(): Promise<void> {
      const [lines, peers] = await Promise.all([fetchLines(), fetchPeers()]);
      if (isCancelled) return;
      dispatch({ type: 'lines-loaded', lines });
      dispatch({ type: 'peers-loaded', peers });
      const first = pickInitialLine(lines);
      setSelectedLineId(first?.id ?? null);
      const cursor = first === null ? null : await loadLine(first.id);
      if (isCancelled) return;
      const stream = openStream(
        {
          onEvent: (event) => {
            dispatch({ type: 'event-received', event });
            checkStatusLater(event);
          },
          onState: (status) => dispatch({ type: 'statuses-received', statuses: [status] }),
          onPeer: (peer) => dispatch({ type: 'peer-received', peer }),
          onCallFrame: publishCallFrame,
          onConnection: (connection, resumed) => {
            dispatch({ type: 'connection-changed', connection });
            if (resumed) void refreshAfterGap();
            if (connection === 'live') publishStreamOpened();
          },
          // SEC1: a disabled user's console goes back to the sign-in screen.
          onSessionEnded: () => onUnauthorizedRef.current(),
        },
        { since: cursor, clientId: CONSOLE_ID },
      );
      closeStream = () => stream.close();
    }
    start().catch((error: unknown) => {
      if (!isCancelled) fail(error);
    });
    return () => {
      isCancelled = true;
      closeStream?.();
    };
  }, [loadLine, refreshAfterGap, fail, checkStatusLater]);

  useEffect(() => {
    if (selectedLineId === null || requestedLines.current.has(selectedLineId)) return;
    loadLine(selectedLineId).catch(fail);
  }, [selectedLineId, loadLine, fail]);

  const send = useCallback(
    async (lineId: string, text: string, precedence: Precedence) => {
      const event = await postMessage(lineId, text, precedence);
      dispatch({ type: 'event-received', event });
      checkStatusLater(event);
    },
    [checkStatusLater],
  );

  const sendTemplate = useCallback(
    async (lineId: string, template: string, params: Record<string, unknown>, precedence: Precedence) => {
      const event = await postTemplatedMessage(lineId, template, params, precedence);
      dispatch({ type: 'event-received', event });
      checkStatusLater(event);
    },
    [checkStatusLater],
  );

  const acknowledge = useCallback(async (messageId: string, reply: string) => {
    try {
      const event = await postAcknowledgement(messageId, reply);
      dispatch({ type: 'event-received', event });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) onUnauthorizedRef.current();
      if (error instanceof ApiError && error.code === 'already-acknowledged') {
        // Someone was quicker: show their acknowledgement rather than leave the button up.
        fetchMessageStatus(messageId)
          .then((status) => dispatch({ type: 'statuses-received', statuses: [status] }))
          .catch(() => {
            // The stream's state frame brings it.
          });
      }
      throw error;
    }
  }, []);

  const seenMarks = useRef(new SeenMarks());
  const markSeen = useCallback((messageId: string) => {
    const known = statusByIdRef.current[messageId];
    // Our own messages never reach here; a report says whether someone here opened it already.
    if (known !== undefined && !wantsSeenMark(known, false)) return;
    if (!seenMarks.current.claim(messageId)) return;
    postSeen(messageId)
      .then((status) => dispatch({ type: 'statuses-received', statuses: [status] }))
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 401) onUnauthorizedRef.current();
        seenMarks.current.failed(messageId, error instanceof ApiError ? error.status : 0);
      });
  }, []);

  return {
    state,
    selectedLineId,
    selectLine: setSelectedLineId,
    send,
    sendTemplate,
    acknowledge,
    markSeen,
    loadError,
  };
}
