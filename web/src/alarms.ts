/**
 * The node's alarms in words (LOG9, CON1): an origin that signed two different events for one
 * seq on a line — an equivocation, which quarantines that origin on that line until an admin
 * resolves it — and a node that holds its own writes after a restore from backup until its
 * peers have told it its latest events.
 *
 * Pure: names come from a lookup, the current time and the reader's zone are arguments.
 */
import type { Role } from '../../src/core/types.ts';
import type { Equivocation } from './api.ts';
import { t } from './strings.ts';
import { formatDualTime, readerTimeZone } from './time.ts';

/** How often the console asks the node for its alarms (and after the stream comes back). */
export const ALARM_POLL_MS = 10_000;

/** A written resolution's bounds, as the node checks them. */
export const MIN_RESOLUTION_LENGTH = 3;
export const MAX_RESOLUTION_LENGTH = 2000;

/** Display names for node and line ids; an unknown id is shown as itself. */
export interface AlarmNames {
  node(nodeId: string): string;
  line(lineId: string): string;
}

/** Builds `AlarmNames` from known nodes (id → name) and lines (id → title). */
export function alarmNames(
  nodes: ReadonlyMap<string, string>,
  lines: ReadonlyMap<string, string>,
): AlarmNames {
  const named = (names: ReadonlyMap<string, string>, id: string) => {
    const name = names.get(id);
    return name === undefined || name === '' ? id : name;
  };
  return { node: (id) => named(nodes, id), line: (id) => named(lines, id) };
}

/**
 * "Bravo signed two different events for #57 on Alpha ⇄ Bravo — its events on this line are
 * refused until an admin resolves it".
 */
export function describeEquivocation(equivocation: Equivocation, names: AlarmNames): string {
  return t('alarm.equivocation', {
    origin: names.node(equivocation.origin),
    seq: equivocation.seq,
    line: names.line(equivocation.line),
  });
}

/** When it was detected (UTC and the reader's zone) and which peer passed on the second event. */
export function describeEquivocationDetail(
  equivocation: Equivocation,
  names: AlarmNames,
  nowMs: number,
  readerZone: string = readerTimeZone(),
): string {
  const time = formatDualTime(equivocation.detectedAt, new Date(nowMs), readerZone);
  const reporter = equivocation.reportedBy;
  if (reporter === null || reporter === equivocation.origin) return t('alarm.detected', { time });
  return t('alarm.detectedVia', { time, peer: names.node(reporter) });
}

/** The banner for a node that holds its writes after a restore, with the node's reason. */
export function describeAppendsHeld(reason: string): string {
  return t('alarm.appendsHeld', { reason: reason.trim() });
}

/** Only an admin resolves an equivocation (`node.admin`, SEC1). */
export function mayResolve(role: Role): boolean {
  return role === 'admin';
}

/** What is wrong with a written resolution, in words, or null when the node will take it. */
export function resolutionProblem(text: string): string | null {
  const length = text.trim().length;
  if (length < MIN_RESOLUTION_LENGTH) return t('alarm.resolutionTooShort', { min: MIN_RESOLUTION_LENGTH });
  if (length > MAX_RESOLUTION_LENGTH) return t('alarm.resolutionTooLong', { max: MAX_RESOLUTION_LENGTH });
  return null;
}
