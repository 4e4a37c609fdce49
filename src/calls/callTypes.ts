/**
 * The shapes of a live call as the node reports it to consoles (CALL1), apart from the call
 * manager so the console can import them without any of the node's code.
 */
import type { CallEndReason, CallMedia } from '../federation/protocol.ts';

/** One end of a call: a person at a node, on one console. */
export interface CallParty {
  node: string;
  /** `user@node`; null for a callee nobody has answered for yet. */
  user: string | null;
  /** The console (browser page) taking part; null until it answered. */
  client: string | null;
}

export type CallState = 'ringing' | 'answered' | 'ended';

/** A call as consoles see it (`{type: "call", call}` frames, `GET /api/v1/calls/live`). */
export interface CallView {
  id: string;
  line: string;
  media: CallMedia;
  /** Whether this node placed the call or is called. */
  direction: 'outgoing' | 'incoming';
  state: CallState;
  caller: CallParty;
  callee: CallParty;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  endReason: CallEndReason | null;
  durationMs: number | null;
  /** False while the federation link to the other node is down (the media may still flow). */
  signalling: 'up' | 'down';
  /** Who is recording the call and since when (CALL4), or null. */
  recording: { by: string; since: string } | null;
}
