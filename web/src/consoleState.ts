/**
 * The console's live view of the node, as a pure reducer: lines, each line's events in LOG7
 * order, message states (HOT3), peer links (FED7) and the stream's health (CON5).
 *
 * Events arrive from three places (a line's first read, the stream, the answer to our own
 * post) in any order and possibly twice; they are merged by id and re-sorted with LOG7 on
 * every arrival, since a late concurrent event may belong before ones already shown.
 * Bookkeeping events (`heads.recorded`) are dropped on arrival: they are never shown.
 */
import type { LiaisonEvent } from '../../src/core/types.ts';
import type { Line, MessageStatus, Peer } from './api.ts';
import { isKeptEvent } from './messages.ts';
import { compareLog7 } from './order.ts';

/** The stream's health: connecting for the first time, live, or lost and reconnecting. */
export type Connection = 'connecting' | 'live' | 'lost';

/** Everything the main screen shows. */
export interface ConsoleState {
  lines: Line[];
  /** Line id → its events in LOG7 order. */
  eventsByLine: Record<string, LiaisonEvent[]>;
  /** Lines whose history has been read. */
  loadedLines: Record<string, boolean>;
  /** Message (event) id → its state. */
  statusById: Record<string, MessageStatus>;
  peers: Peer[];
  connection: Connection;
}

/** What can happen to the view. */
export type ConsoleAction =
  | { type: 'lines-loaded'; lines: Line[] }
  | { type: 'line-loaded'; lineId: string; events: LiaisonEvent[]; statuses: MessageStatus[] }
  | { type: 'event-received'; event: LiaisonEvent }
  | { type: 'statuses-received'; statuses: MessageStatus[] }
  | { type: 'peers-loaded'; peers: Peer[] }
  | { type: 'peer-received'; peer: Peer }
  | { type: 'connection-changed'; connection: Connection };

/** The view before anything is read. */
export const initialConsoleState: ConsoleState = {
  lines: [],
  eventsByLine: {},
  loadedLines: {},
  statusById: {},
  peers: [],
  connection: 'connecting',
};

/** Adds `incoming` events to `known`, skipping ids already held and bookkeeping, in LOG7 order. */
export function mergeEvents(
  known: readonly LiaisonEvent[],
  incoming: readonly LiaisonEvent[],
): LiaisonEvent[] {
  const held = new Set(known.map((event) => event.id));
  const fresh = incoming.filter((event) => {
    if (held.has(event.id) || !isKeptEvent(event)) return false;
    held.add(event.id);
    return true;
  });
  return [...known, ...fresh].sort(compareLog7);
}

function withStatuses(
  statusById: Record<string, MessageStatus>,
  statuses: readonly MessageStatus[],
): Record<string, MessageStatus> {
  const next = { ...statusById };
  for (const status of statuses) next[status.id] = status;
  return next;
}

/**
 * The lines with the one a `line.created` event opens, when it is new here: a thread opened
 * while the console runs (an encounter's, HOT1) joins the line list without a reload.
 */
export function withCreatedLine(lines: Line[], event: LiaisonEvent): Line[] {
  if (event.type !== 'line.created' || lines.some((line) => line.id === event.line)) return lines;
  const body = event.body as { kind?: unknown; title?: unknown; members?: unknown };
  if (body.kind !== 'thread' && body.kind !== 'hotline') return lines;
  const members = Array.isArray(body.members) ? body.members.filter((m) => typeof m === 'string') : [];
  const title = typeof body.title === 'string' ? body.title : event.line;
  return [...lines, { id: event.line, kind: body.kind, title, members }];
}

/** Applies one action. */
export function consoleReducer(state: ConsoleState, action: ConsoleAction): ConsoleState {
  switch (action.type) {
    case 'lines-loaded':
      return { ...state, lines: action.lines };
    case 'line-loaded':
      return {
        ...state,
        eventsByLine: {
          ...state.eventsByLine,
          [action.lineId]: mergeEvents(state.eventsByLine[action.lineId] ?? [], action.events),
        },
        loadedLines: { ...state.loadedLines, [action.lineId]: true },
        statusById: withStatuses(state.statusById, action.statuses),
      };
    case 'event-received': {
      if (!isKeptEvent(action.event)) return state;
      const known = state.eventsByLine[action.event.line] ?? [];
      if (known.some((event) => event.id === action.event.id)) return state;
      return {
        ...state,
        lines: withCreatedLine(state.lines, action.event),
        eventsByLine: { ...state.eventsByLine, [action.event.line]: mergeEvents(known, [action.event]) },
      };
    }
    case 'statuses-received':
      return { ...state, statusById: withStatuses(state.statusById, action.statuses) };
    case 'peers-loaded':
      return { ...state, peers: action.peers };
    case 'peer-received': {
      const isKnown = state.peers.some((peer) => peer.nodeId === action.peer.nodeId);
      const peers = isKnown
        ? state.peers.map((peer) => (peer.nodeId === action.peer.nodeId ? action.peer : peer))
        : [...state.peers, action.peer];
      return { ...state, peers };
    }
    case 'connection-changed':
      return state.connection === action.connection ? state : { ...state, connection: action.connection };
  }
}
