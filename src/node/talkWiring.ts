/**
 * Wires video talks (CALL5) into a node: the live rosters (`Talks`) between the federation link
 * (talk frames and talk signals in, through the call hooks of callWiring.ts; links that close
 * and open), the console stream (rosters and signals out; consoles that go away) and the record
 * (the talks it learns from `talk.*` events, and the `talk.joined` / `talk.left` it appends).
 *
 * The federation is built before the talks, so `linkHooks` forward to them once `attach` has
 * made them; until then a talk frame is dropped (no console can be in a talk before the node
 * serves its API).
 */
import { TALK_EVENT_TYPES } from '../calls/talkLog.ts';
import { Talks } from '../calls/talks.ts';
import type { Clock } from '../core/clock.ts';
import { sortLog7 } from '../core/order.ts';
import type { Federation } from '../federation/federation.ts';
import type { CallFrame } from '../federation/protocol.ts';
import type { Ledger, Logger } from '../record/ledger.ts';
import type { StreamHub } from '../server/stream.ts';
import type { Store } from '../store/types.ts';

/** What callWiring.ts hands on to the talks: their frames, and closed links. */
export interface TalkLinkHooks {
  /** Whether a frame from a peer belongs to a talk (not to a call). */
  claims(frame: CallFrame): boolean;
  frame(peer: string, frame: CallFrame): void;
  linkClosed(peer: string): void;
}

export interface TalkWiring {
  linkHooks: TalkLinkHooks;
  /** Makes the talks once the federation and the stream exist, and reads the talks held. */
  attach(parts: { federation: Federation; stream: StreamHub }): Promise<Talks>;
}

export function talkWiring(options: {
  selfId: string;
  ledger: Ledger;
  store: Store;
  clock: Clock;
  logger: Logger;
}): TalkWiring {
  const { selfId, ledger, store, clock, logger } = options;
  let talks: Talks | null = null;
  return {
    linkHooks: {
      claims: (frame) => talks?.claims(frame) ?? frame.t.startsWith('talk.'),
      frame: (peer, frame) => talks?.frame(peer, frame),
      linkClosed: (peer) => talks?.linkClosed(peer),
    },
    async attach({ federation, stream }) {
      const made = new Talks({
        selfId,
        clock,
        logger,
        line: (id) => ledger.getLine(id),
        sendToPeer: (peer, frame) => federation.sendCallFrame(peer, frame),
        sendToConsole: (client, frame) => stream.toClient(client, frame),
        isConsoleConnected: (client) => stream.hasClient(client),
        record: (line, author, type, talk) => ledger.append(line, author, type, { talk }),
      });
      // Listen first, then read what is held: a talk committed in between is seen twice, harmlessly.
      ledger.onCommitted((batch) => made.noteEvents(batch.events.map((stored) => stored.event)));
      const held = await store.eventsOfTypes(TALK_EVENT_TYPES);
      made.noteEvents(sortLog7(held.map((stored) => stored.event)));
      stream.onClientClosed((client) => made.consoleClosed(client));
      const linked = new Set<string>();
      federation.onPeerStatus((status) => {
        const isLinked = status.state !== 'down';
        if (isLinked && !linked.has(status.nodeId)) made.linkOpened(status.nodeId);
        if (isLinked) linked.add(status.nodeId);
        else linked.delete(status.nodeId);
      });
      talks = made;
      return made;
    },
  };
}
