/**
 * The one order every node shows (LOG7): ascending (`clock`, `origin`, `seq`).
 *
 * Origins compare by UTF-16 code units (node ids are ASCII, so this is also byte order).
 * Within one (line, origin) `seq` decides, and the clock rises with seq, so the order is total
 * over the events of a line. Pure and browser-safe: the console sorts with it too.
 */

/** The fields LOG7 orders by. */
export interface Log7Position {
  clock: number;
  origin: string;
  seq: number;
}

/** Compares two events in LOG7 order: negative when `a` comes first, 0 when tied, positive otherwise. */
export function compareLog7(a: Log7Position, b: Log7Position): number {
  if (a.clock !== b.clock) return a.clock - b.clock;
  if (a.origin !== b.origin) return a.origin < b.origin ? -1 : 1;
  return a.seq - b.seq;
}

/** Returns a new array with the events in LOG7 order; the input is left as it was. */
export function sortLog7<T extends Log7Position>(events: readonly T[]): T[] {
  return [...events].sort(compareLog7);
}
