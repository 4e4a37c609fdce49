/**
 * What the console shows of a message's state (HOT3) between the node's reports.
 *
 * The node judges a deadline by its clock when it is asked (HOT2) but sends no frame when a
 * deadline merely passes, so the console applies the same rule with its own clock: a message
 * not acknowledged by its deadline shows as overdue at once, without a reload. The FLASH alarm
 * (CON1) lists the FLASH messages that still want an acknowledgement.
 *
 * An acknowledgement event the console already holds (our own, just posted, or one from the
 * stream whose state frame has not come yet) counts at once, so the alarm never outlives the
 * acknowledgement that ends it.
 */
import type { LiaisonEvent, Role } from '../../src/core/types.ts';
import type { MessageBody, MessageStatus } from './api.ts';
import { type Acknowledgement, readMessageBody } from './messages.ts';

/** The state of a message we have no report for yet: durable at its origin, no more known. */
export function unknownStatus(id: string): MessageStatus {
  return {
    id,
    state: 'sent',
    deliveredAt: null,
    deliveredTo: {},
    seenAt: null,
    ackedAt: null,
    ackedBy: null,
    deadline: null,
    overdueAt: null,
  };
}

/**
 * The status as of `nowMs`: the node's report, turned overdue when its deadline has passed
 * without an acknowledgement (the node's own rule, `src/hotline/messages.ts`).
 * `fallbackDeadline` is the deadline stamped in the message body, for a report without one.
 */
export function effectiveStatus(status: MessageStatus, nowMs: number, fallbackDeadline = ''): MessageStatus {
  if (status.state === 'acknowledged' || status.state === 'overdue' || status.ackedAt !== null) return status;
  const deadline = status.deadline ?? (fallbackDeadline === '' ? null : fallbackDeadline);
  if (deadline === null) return status;
  const deadlineMs = Date.parse(deadline);
  if (Number.isNaN(deadlineMs) || nowMs <= deadlineMs) return status;
  return { ...status, state: 'overdue', deadline, overdueAt: status.overdueAt ?? deadline };
}

/**
 * The report with an acknowledgement the console holds applied, for when the node's state
 * frame has not caught up yet. An acknowledgement the node already reports wins.
 */
export function withAcknowledgement(status: MessageStatus, acknowledgement?: Acknowledgement): MessageStatus {
  if (acknowledgement === undefined || status.ackedAt !== null) return status;
  return {
    ...status,
    state: 'acknowledged',
    ackedAt: acknowledgement.event.ts,
    ackedBy: acknowledgement.event.author,
  };
}

/**
 * Everything the console knows of one message's state as of `nowMs`: the node's report (or
 * none yet), any acknowledgement held, and the deadline judged by our clock.
 */
export function currentStatus(
  event: LiaisonEvent,
  body: MessageBody,
  statusById: Readonly<Record<string, MessageStatus>>,
  acknowledgements: ReadonlyMap<string, Acknowledgement>,
  nowMs: number,
): MessageStatus {
  const reported = statusById[event.id] ?? unknownStatus(event.id);
  return effectiveStatus(withAcknowledgement(reported, acknowledgements.get(event.id)), nowMs, body.deadline);
}

/** Roles that may post on a line, mirroring the node's permission table (SEC1, docs/SECURITY.md). */
const POSTING_ROLES: readonly Role[] = ['admin', 'supervisor', 'officer'];

/** Whether a role may send messages; the node refuses the others with 403 anyway. */
export function maySend(role: Role): boolean {
  return POSTING_ROLES.includes(role);
}

/** Roles that may acknowledge a peer's message and mark it seen (`message.ack`, SEC1). */
const ACKNOWLEDGING_ROLES: readonly Role[] = ['admin', 'supervisor', 'officer'];

/** Whether a role may acknowledge messages (and so mark them seen); the node refuses the others. */
export function mayAcknowledge(role: Role): boolean {
  return ACKNOWLEDGING_ROLES.includes(role);
}

/** Whether a message wants an acknowledgement from this desk: a peer's, not acknowledged yet. */
export function awaitsOurAcknowledgement(status: MessageStatus, isOwn: boolean): boolean {
  return !isOwn && status.state !== 'acknowledged' && status.ackedAt === null;
}

/** A FLASH message the alarm shows. */
export interface FlashAlarmItem {
  event: LiaisonEvent;
  body: MessageBody;
  status: MessageStatus;
  isOwn: boolean;
}

/**
 * FLASH messages that must not be missed, oldest first: every FLASH from a peer not yet
 * acknowledged, and our own FLASH messages once overdue (the peer's silence, HOT4).
 */
export function unacknowledgedFlashes(
  events: readonly LiaisonEvent[],
  statusById: Readonly<Record<string, MessageStatus>>,
  ownNodeId: string,
  nowMs: number,
  acknowledgements: ReadonlyMap<string, Acknowledgement> = new Map(),
): FlashAlarmItem[] {
  const items: FlashAlarmItem[] = [];
  for (const event of events) {
    const body = readMessageBody(event);
    if (body === null || body.precedence !== 'FLASH') continue;
    const status = currentStatus(event, body, statusById, acknowledgements, nowMs);
    if (status.state === 'acknowledged') continue;
    const isOwn = event.origin === ownNodeId;
    if (isOwn && status.state !== 'overdue') continue;
    items.push({ event, body, status, isOwn });
  }
  return items;
}
