/**
 * The live stream (CON5): one WebSocket to `/api/v1/stream`, reopened with backoff whenever
 * it closes, resuming from the last arrival cursor (`?since=`) so no event is missed.
 *
 * Frames (JSON): `{type: "hello", cursor}` on open, `{type: "event", event, cursor}`,
 * `{type: "state", message}` and `{type: "peer", peer}`; for calls (CALL1) `{type: "call"}` and
 * `{type: "signal"}`, and for video talks (CALL5) `{type: "talk"}` (a talk's roster), handed on
 * whole to `onCallFrame`. Unknown frame types are ignored so a
 * newer node does not break an older console.
 */
import type { LiaisonEvent } from '../../src/core/types.ts';
import type { MessageStatus, Peer } from './api.ts';

/** A frame the console understands. */
export type StreamFrame =
  | { type: 'hello'; cursor: number }
  | { type: 'event'; event: LiaisonEvent; cursor: number }
  | { type: 'state'; message: MessageStatus }
  | { type: 'peer'; peer: Peer }
  | { type: 'call' | 'signal' | 'talk'; frame: Record<string, unknown> };

/** What the stream reports to the console. */
export interface StreamHandlers {
  onEvent(event: LiaisonEvent): void;
  onState(status: MessageStatus): void;
  onPeer(peer: Peer): void;
  /** A call's change or a WebRTC signal for this console (CALL1), as the node sent it. */
  onCallFrame?(frame: Record<string, unknown>): void;
  /** The stream opened (`resumed` after an earlier loss, when states may have moved on) or was lost. */
  onConnection(connection: 'live' | 'lost', resumed: boolean): void;
  /**
   * The node closed the stream with 4401: the session is over (expired, signed out everywhere,
   * or the user was disabled, SEC1). The stream stops instead of reconnecting.
   */
  onSessionEnded?(): void;
}

/** The close code with which a node ends the stream of a session that is over (SEC1, SEC2). */
export const SESSION_ENDED_CLOSE_CODE = 4401;

/** The part of the browser's WebSocket the stream uses, so tests can pass a fake. */
export interface WebSocketMinimal {
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  close(): void;
}

/** Options of `openStream`. */
export interface StreamOptions {
  /** Arrival cursor to resume after; null to start from now. */
  since: number | null;
  /** Creates the socket; defaults to the browser's WebSocket. */
  createSocket?: (url: string) => WebSocketMinimal;
  /** The page's origin; defaults to `window.location` (tests pass their own). */
  origin?: PageOrigin;
  /** This console's id, so the node can send it the call signals meant for it (CALL1). */
  clientId?: string;
}

/** The parts of the page's location the stream URL is made from. */
export interface PageOrigin {
  protocol: string;
  host: string;
}

/** A running stream. */
export interface LiveStream {
  /** Stops the stream for good (sign-out, unmount). */
  close(): void;
}

/** Reconnect delays: 0.5 s, doubling, at most 5 s. */
export const RECONNECT_INITIAL_MS = 500;
export const RECONNECT_MAX_MS = 5000;

/** The stream URL on the page's own origin, `ws:` or `wss:` to match the page. */
export function streamUrl(
  since: number | null,
  origin: PageOrigin = window.location,
  clientId?: string,
): string {
  const scheme = origin.protocol === 'https:' ? 'wss:' : 'ws:';
  const params = new URLSearchParams();
  if (since !== null) params.set('since', String(since));
  if (clientId !== undefined) params.set('client', clientId);
  const text = params.toString();
  const query = text === '' ? '' : `?${text}`;
  return `${scheme}//${origin.host}/api/v1/stream${query}`;
}

/** Parses one frame; null for anything malformed or of a type this console does not know. */
export function parseFrame(data: unknown): StreamFrame | null {
  if (typeof data !== 'string') return null;
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof frame !== 'object' || frame === null || !('type' in frame)) return null;
  switch (frame.type) {
    case 'hello':
      return 'cursor' in frame && typeof frame.cursor === 'number'
        ? { type: 'hello', cursor: frame.cursor }
        : null;
    case 'event':
      return 'event' in frame && 'cursor' in frame && typeof frame.cursor === 'number'
        ? { type: 'event', event: frame.event as LiaisonEvent, cursor: frame.cursor }
        : null;
    case 'state':
      return 'message' in frame ? { type: 'state', message: frame.message as MessageStatus } : null;
    case 'peer':
      return 'peer' in frame ? { type: 'peer', peer: frame.peer as Peer } : null;
    case 'call':
    case 'signal':
    case 'talk':
      return { type: frame.type, frame: frame as Record<string, unknown> };
    default:
      return null;
  }
}

/** Opens the stream and keeps it open until `close()`. */
export function openStream(handlers: StreamHandlers, options: StreamOptions): LiveStream {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url));
  let cursor = options.since;
  let delay = RECONNECT_INITIAL_MS;
  let socket: WebSocketMinimal | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let isStopped = false;
  let wasLost = false;

  function receive(frame: StreamFrame): void {
    switch (frame.type) {
      case 'hello':
        // Our own cursor wins: the node replays what arrived after it right after hello.
        if (cursor === null) cursor = frame.cursor;
        delay = RECONNECT_INITIAL_MS;
        handlers.onConnection('live', wasLost);
        wasLost = false;
        return;
      case 'event':
        cursor = cursor === null ? frame.cursor : Math.max(cursor, frame.cursor);
        handlers.onEvent(frame.event);
        return;
      case 'state':
        handlers.onState(frame.message);
        return;
      case 'peer':
        handlers.onPeer(frame.peer);
        return;
      case 'call':
      case 'signal':
      case 'talk':
        handlers.onCallFrame?.(frame.frame);
        return;
    }
  }

  function connect(): void {
    retryTimer = null;
    const current = createSocket(streamUrl(cursor, options.origin, options.clientId));
    socket = current;
    current.onmessage = (message) => {
      const frame = parseFrame(message.data);
      if (frame !== null) receive(frame);
    };
    current.onclose = (event) => {
      if (socket !== current) return;
      socket = null;
      if (isStopped) return;
      if (event.code === SESSION_ENDED_CLOSE_CODE && handlers.onSessionEnded) {
        isStopped = true;
        handlers.onSessionEnded();
        return;
      }
      if (!wasLost) handlers.onConnection('lost', false);
      wasLost = true;
      retryTimer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, RECONNECT_MAX_MS);
    };
  }

  connect();
  return {
    close() {
      isStopped = true;
      if (retryTimer !== null) clearTimeout(retryTimer);
      const current = socket;
      socket = null;
      current?.close();
    },
  };
}
