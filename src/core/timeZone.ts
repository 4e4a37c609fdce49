/**
 * IANA time zone names (CON2): a node announces its own zone to its peers, so each console can
 * show a time in the peer's zone on hover too. A zone name from a peer is untrusted text, so it
 * is shown only when it is a short IANA-looking name that this runtime's `Intl` knows.
 *
 * Pure: used by the node and the console alike.
 */

const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

/** Answers of `isKnownTimeZone` so far (building an Intl formatter to ask is slow). */
const answers = new Map<string, boolean>();
const MAX_REMEMBERED = 1_000;

/** Whether `value` names a time zone this runtime can format times in. */
export function isKnownTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || !ZONE_NAME.test(value)) return false;
  const known = answers.get(value);
  if (known !== undefined) return known;
  let isKnown = true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
  } catch {
    isKnown = false;
  }
  // Bounded: a peer could announce many names, and the answers never change.
  if (answers.size < MAX_REMEMBERED) answers.set(value, isKnown);
  return isKnown;
}

/** The time zone of the machine this runs on, as its runtime reports it. */
export function machineTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone;
}
