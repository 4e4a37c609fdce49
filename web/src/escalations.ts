/**
 * Escalations in the console (HOT4, CON1), read from the `escalation.raised` events of the
 * lines: for each message, the latest step each node raised, whom it alerts and how. The console
 * shows an escalation banner for every escalated message not yet acknowledged; a FLASH alarm
 * gives way to it once the message is escalated here or by the peer (CON1: the alarm goes away
 * when acknowledged or escalated; the banner stays until the acknowledgement).
 */
import type { LiaisonEvent } from '../../src/core/types.ts';

/** The latest escalation step of one message, as the banner names it. */
export interface EscalationView {
  message: string;
  line: string;
  /** The `escalation.raised` event. */
  event: LiaisonEvent;
  step: number;
  precedence: string;
  side: 'receiver' | 'sender';
  roles: string[];
  channels: string[];
  /** The node that raised it. */
  origin: string;
}

function readStrings(value: unknown): string[] | null {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : null;
}

/** Reads an `escalation.raised` event, or null when it is not one the console understands. */
export function readEscalation(event: LiaisonEvent): EscalationView | null {
  if (event.type !== 'escalation.raised') return null;
  const { message, step, precedence, side, roles, channels } = event.body;
  const roleList = readStrings(roles);
  const channelList = readStrings(channels);
  if (typeof message !== 'string' || typeof step !== 'number' || typeof precedence !== 'string') return null;
  if ((side !== 'receiver' && side !== 'sender') || !roleList || !channelList) return null;
  return {
    message,
    line: event.line,
    event,
    step,
    precedence,
    side,
    roles: roleList,
    channels: channelList,
    origin: event.origin,
  };
}

/** message id → the latest escalation of it raised by `nodeId` (or by any node when null). */
export function latestEscalations(
  events: readonly LiaisonEvent[],
  nodeId: string | null = null,
): Map<string, EscalationView> {
  const latest = new Map<string, EscalationView>();
  for (const event of events) {
    const view = readEscalation(event);
    if (!view || (nodeId !== null && view.origin !== nodeId)) continue;
    const held = latest.get(view.message);
    if (!held || view.step >= held.step) latest.set(view.message, view);
  }
  return latest;
}

/** Ids of messages acknowledged on these events. */
export function acknowledgedMessages(events: readonly LiaisonEvent[]): Set<string> {
  const ids = new Set<string>();
  for (const event of events) {
    if (event.type === 'message.acknowledged' && typeof event.body.message === 'string')
      ids.add(event.body.message);
  }
  return ids;
}

/**
 * The escalations the banner shows: this node's own latest step for each message not yet
 * acknowledged, oldest message first.
 */
export function openEscalations(events: readonly LiaisonEvent[], ownNodeId: string): EscalationView[] {
  const acknowledged = acknowledgedMessages(events);
  return [...latestEscalations(events, ownNodeId).values()].filter((view) => !acknowledged.has(view.message));
}

/** Ids of messages escalated by any node (the FLASH alarm gives way to the escalation banner). */
export function escalatedMessages(events: readonly LiaisonEvent[]): Set<string> {
  return new Set(latestEscalations(events).keys());
}
