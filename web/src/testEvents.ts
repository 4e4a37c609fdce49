/**
 * Events and message states for the console's unit tests: well-formed envelopes with made-up
 * ids and signatures (the console never verifies signatures; the node does).
 */
import type { JsonObject, LiaisonEvent } from '../../src/core/types.ts';
import type { MessageStatus } from './api.ts';

/** The hotline of the tests. */
export const LINE = 'hotline-alpha-bravo';

/** An event of `origin` at (`clock`, `seq`); the id names all three so tests read clearly. */
export function testEvent(
  origin: string,
  seq: number,
  clock: number,
  type = 'message.posted',
  body: JsonObject = {
    text: `${origin} ${seq}`,
    precedence: 'ROUTINE',
    deadline: '2026-11-26T23:00:00.000Z',
  },
): LiaisonEvent {
  return {
    v: 1,
    line: LINE,
    origin,
    seq,
    prev: null,
    clock,
    deps: {},
    ts: '2026-11-26T21:04:05.000Z',
    author: `officer@${origin}`,
    type,
    body,
    sig: 'sig',
    id: `${origin}-${seq}-c${clock}`,
  };
}

/** A message's state report, `sent` unless overridden. */
export function testStatus(id: string, overrides: Partial<MessageStatus> = {}): MessageStatus {
  return {
    id,
    state: 'sent',
    deliveredAt: null,
    deliveredTo: {},
    seenAt: null,
    ackedAt: null,
    ackedBy: null,
    deadline: '2026-11-26T23:00:00.000Z',
    overdueAt: null,
    ...overrides,
  };
}
