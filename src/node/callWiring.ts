/**
 * Wires calls (CALL1–CALL3) into a node: the call manager between the federation link (peer
 * frames in, frames out), the console stream (rings and signals out) and the record (call events,
 * and the missed-call item posted on the hotline).
 *
 * The federation is built before the call manager and the manager needs the federation, so the
 * federation gets `linkHooks`, which forward to the manager once `attach` has made it. Frames of
 * video talks (CALL5), and signals whose session is a talk, go to the talks instead.
 */
import type { Calls as CallsType } from '../calls/calls.ts';
import { Calls } from '../calls/calls.ts';
import { RecordingPolicy } from '../calls/recordingPolicy.ts';
import type { Clock } from '../core/clock.ts';
import type { Precedence } from '../core/types.ts';
import type { Federation } from '../federation/federation.ts';
import type { CallFrame } from '../federation/protocol.ts';
import type { Hotline } from '../hotline/messages.ts';
import type { Ledger, Logger } from '../record/ledger.ts';
import type { IceConfig } from '../server/callRoutes.ts';
import type { StreamHub } from '../server/stream.ts';
import type { Store } from '../store/types.ts';
import { type NodeConfig, parseDuration } from './config.ts';
import type { TalkLinkHooks } from './talkWiring.ts';

/** How long a call rings before it is missed, unless the node's config says otherwise. */
export const DEFAULT_RING_TIMEOUT_MS = 60_000;

export interface CallWiring {
  /** For the federation's context: the peer's call frames and closed links. */
  linkHooks: { frame(peer: string, frame: CallFrame): void; linkClosed(peer: string): void };
  /** Makes the call manager once the federation and the stream exist. */
  attach(parts: { federation: Federation; stream: StreamHub; hotline: Hotline }): CallsType;
  /** Each line's recording policy (CALL4). */
  recordingPolicy: RecordingPolicy;
  ice: IceConfig;
  ringTimeoutMs: number;
}

export function callWiring(options: {
  config: NodeConfig;
  ledger: Ledger;
  clock: Clock;
  logger: Logger;
  store: Store;
  isLineClosed(line: string): boolean;
  /** Video talks (CALL5, talkWiring.ts): their frames and talk signals go there, not to calls. */
  talks?: TalkLinkHooks;
}): CallWiring {
  const { config, ledger, clock, logger } = options;
  const recordingPolicy = new RecordingPolicy(ledger, options.store);
  const ringTimeoutMs = config.ringTimeout ? parseDuration(config.ringTimeout) : DEFAULT_RING_TIMEOUT_MS;
  let calls: Calls | null = null;
  return {
    recordingPolicy,
    ringTimeoutMs,
    ice: { iceServers: config.iceServers ?? [], iceTransportPolicy: config.iceTransportPolicy ?? 'all' },
    linkHooks: {
      frame: (peer, frame) =>
        options.talks?.claims(frame) ? options.talks.frame(peer, frame) : calls?.frame(peer, frame),
      linkClosed: (peer) => {
        calls?.linkClosed(peer);
        options.talks?.linkClosed(peer);
      },
    },
    attach({ federation, stream, hotline }) {
      calls = new Calls({
        selfId: config.nodeId,
        clock,
        logger,
        ringTimeoutMs,
        append: (line, author, type, body) => ledger.append(line, author, type, body),
        line: (id) => ledger.getLine(id),
        isLineClosed: options.isLineClosed,
        sendToPeer: (peer, frame) => federation.sendCallFrame(peer, frame),
        sendToConsole: (client, frame) => stream.toClient(client, frame),
        sendToCallTakers: (frame) => stream.toCallTakers(frame),
        postMissedCall: (line: string, author: string, at: string, precedence: Precedence) =>
          hotline.post(line, author, { template: 'call.missed', params: { time: at }, precedence }),
        recordingAllowed: (line) => recordingPolicy.of(line).recordingAllowed,
      });
      const live = calls;
      ledger.onCommitted((batch) => {
        for (const stored of batch.events) live.observe(stored.event);
      });
      return calls;
    },
  };
}
