/**
 * Reading a line's events for display: `message.posted` bodies, whether they are our own, and
 * the acknowledgements (`message.acknowledged`, with their optional reply) of each message.
 */
import { readTemplateRef } from '../../src/core/phrasebook/render.ts';
import { type LiaisonEvent, PRECEDENCES, type Precedence } from '../../src/core/types.ts';
import type { MessageBody } from './api.ts';

/** The event type of a hotline message. */
export const MESSAGE_POSTED = 'message.posted';

/** The event type of a line's genesis (LOG1). */
export const LINE_CREATED = 'line.created';

/** The event type of a node's signed note of what it holds (FED3): bookkeeping, never shown. */
export const HEADS_RECORDED = 'heads.recorded';

/** The event type of a person at a receiving node opening a message (HOT3 "seen"). */
export const MESSAGE_SEEN = 'message.seen';

/** The event type of an acknowledgement (HOT3), `{message, text?}`. */
export const MESSAGE_ACKNOWLEDGED = 'message.acknowledged';

/**
 * Whether the console keeps an event of a line. `heads.recorded` events arrive about once a
 * second while traffic flows, and `message.seen` events say nothing a state report does not;
 * both only matter through the message states the node reports, so they are dropped on
 * arrival rather than held and filtered on every render. Acknowledgements are kept: they
 * carry the reply shown under the message.
 */
export function isKeptEvent(event: LiaisonEvent): boolean {
  return event.type !== HEADS_RECORDED && event.type !== MESSAGE_SEEN;
}

function isPrecedence(value: unknown): value is Precedence {
  return PRECEDENCES.some((precedence) => precedence === value);
}

/** The body of a `message.posted` event, or null when it is not one this console can show. */
export function readMessageBody(event: LiaisonEvent): MessageBody | null {
  if (event.type !== MESSAGE_POSTED) return null;
  const { text, precedence, deadline } = event.body;
  if (typeof text !== 'string' || !isPrecedence(precedence)) return null;
  const ref = readTemplateRef(event.body);
  return {
    text,
    precedence,
    deadline: typeof deadline === 'string' ? deadline : '',
    ...(ref ? { template: { id: ref.template, params: ref.params } } : {}),
  };
}

/** True for events appended by this node, i.e. messages we sent. */
export function isOwnEvent(event: LiaisonEvent, ownNodeId: string): boolean {
  return event.origin === ownNodeId;
}

/** An acknowledgement of one message: who, when, and the reply if one was written. */
export interface Acknowledgement {
  /** The acknowledged message's event id. */
  messageId: string;
  /** The `message.acknowledged` event itself (author, ts). */
  event: LiaisonEvent;
  /** The short reply, or null. */
  text: string | null;
}

/** Reads a `message.acknowledged` event; null for any other event or a body naming no message. */
export function readAcknowledgement(event: LiaisonEvent): Acknowledgement | null {
  if (event.type !== MESSAGE_ACKNOWLEDGED) return null;
  const { message, text } = event.body;
  if (typeof message !== 'string' || message === '') return null;
  return { messageId: message, event, text: typeof text === 'string' && text !== '' ? text : null };
}

/**
 * Message id → its acknowledgement, from a line's events in LOG7 order. Should two desks
 * acknowledge the same message concurrently, the earliest (by `ts`) wins, as at the node
 * (its projection keeps the earliest mark); on a tie, the first in LOG7 order.
 */
export function acknowledgementsByMessage(events: readonly LiaisonEvent[]): Map<string, Acknowledgement> {
  const found = new Map<string, Acknowledgement>();
  for (const event of events) {
    const acknowledgement = readAcknowledgement(event);
    if (acknowledgement === null) continue;
    const held = found.get(acknowledgement.messageId);
    if (held === undefined || event.ts < held.event.ts) found.set(acknowledgement.messageId, acknowledgement);
  }
  return found;
}
