/**
 * Reading `message.posted` events for display: their body, and whether they are our own.
 */
import { type LiaisonEvent, PRECEDENCES, type Precedence } from '../../src/core/types.ts';
import type { MessageBody } from './api.ts';

/** The event type of a hotline message. */
export const MESSAGE_POSTED = 'message.posted';

/** The event type of a line's genesis (LOG1). */
export const LINE_CREATED = 'line.created';

/** The event type of a node's signed note of what it holds (FED3): bookkeeping, never shown. */
export const HEADS_RECORDED = 'heads.recorded';

/**
 * Whether the console keeps an event of a line. `heads.recorded` events arrive about once a
 * second while traffic flows and only matter through the message states the node reports, so
 * they are dropped on arrival rather than held and filtered on every render.
 */
export function isKeptEvent(event: LiaisonEvent): boolean {
  return event.type !== HEADS_RECORDED;
}

function isPrecedence(value: unknown): value is Precedence {
  return PRECEDENCES.some((precedence) => precedence === value);
}

/** The body of a `message.posted` event, or null when it is not one this console can show. */
export function readMessageBody(event: LiaisonEvent): MessageBody | null {
  if (event.type !== MESSAGE_POSTED) return null;
  const { text, precedence, deadline } = event.body;
  if (typeof text !== 'string' || !isPrecedence(precedence)) return null;
  return { text, precedence, deadline: typeof deadline === 'string' ? deadline : '' };
}

/** True for events appended by this node, i.e. messages we sent. */
export function isOwnEvent(event: LiaisonEvent, ownNodeId: string): boolean {
  return event.origin === ownNodeId;
}
