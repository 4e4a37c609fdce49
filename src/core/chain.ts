/**
 * The chain rules for one event against what is already held (LOG4, LOG6), and the fields of a
 * new local event that keep them. Pure: the caller looks up what it holds and passes it in.
 *
 * - LOG4: `seq` rises by one per (line, origin) from 1; `prev` is the id of the previous event.
 * - LOG6: `deps` names, for the other origins, events held on the same line, never going
 *   backwards from what the origin's previous event named; `clock` = 1 + max(own last clock,
 *   clocks of deps).
 *
 * Duplicates and equivocations (LOG9) look the same from here (`seq` not above the head), so
 * they come back as `stale-seq` and the caller, which can compare ids, tells them apart.
 */
import { type Rejection, rejection } from './rejection.ts';
import type { Head, LiaisonEvent } from './types.ts';

/** What the chain check needs to know about a held event. */
export interface HeldEventInfo {
  line: string;
  origin: string;
  seq: number;
  clock: number;
  /** origin → seq of each dep the event named. */
  depSeqs: Record<string, number>;
}

/** What is held that bears on one incoming event. */
export interface ChainContext {
  /** The latest held event of (event.line, event.origin), if any. */
  ownHead: (HeldEventInfo & { id: string }) | undefined;
  /** Held events, by id, for the ids in event.deps; ids not held are absent. */
  deps: Map<string, HeldEventInfo>;
}

/** The chain fields of a new local event (LOG4, LOG6). */
export interface NextEnvelopeFields {
  seq: number;
  prev: string | null;
  deps: Record<string, string>;
  clock: number;
}

/** Thrown when a caller breaks this module's contract, e.g. asks for dep seqs of an unchecked event. */
export class ChainInvariantError extends Error {
  override readonly name = 'ChainInvariantError';
}

/**
 * Checks LOG4 and LOG6 for `event` against `ctx`. Returns null when they hold, or the first
 * broken rule. The envelope is assumed already parsed (`parseEnvelope`) and signed correctly.
 */
export function checkChain(event: LiaisonEvent, ctx: ChainContext): Rejection | null {
  const head = ctx.ownHead;
  const headSeq = head?.seq ?? 0;
  if (event.seq <= headSeq) {
    return rejection('stale-seq', `seq ${event.seq} of ${event.origin} is not above the held ${headSeq}`);
  }
  if (event.seq > headSeq + 1) {
    return rejection('seq-gap', `seq ${event.seq} of ${event.origin} follows held seq ${headSeq}`);
  }
  const expectedPrev = head?.id ?? null;
  if (event.prev !== expectedPrev) {
    return rejection('prev-mismatch', `prev of ${event.origin} seq ${event.seq} is not ${expectedPrev}`);
  }
  let clock = head?.clock ?? 0;
  for (const [depOrigin, depId] of Object.entries(event.deps)) {
    const dep = ctx.deps.get(depId);
    if (dep === undefined) return rejection('missing-dep', `dep ${depId} of ${depOrigin} is not held`);
    if (dep.line !== event.line) return rejection('dep-wrong-line', `dep ${depId} is on line ${dep.line}`);
    if (depOrigin === event.origin || dep.origin !== depOrigin) {
      return rejection('dep-wrong-origin', `deps[${depOrigin}] names an event of ${dep.origin}`);
    }
    clock = Math.max(clock, dep.clock);
  }
  const backwards = depsGoBackwards(event, ctx);
  if (backwards !== null) return backwards;
  if (event.clock !== clock + 1) {
    return rejection('bad-clock', `clock ${event.clock} should be ${clock + 1}`);
  }
  return null;
}

/** LOG6 "deps never go backwards": every origin the previous event named is named again, at a seq no lower. */
function depsGoBackwards(event: LiaisonEvent, ctx: ChainContext): Rejection | null {
  const earlier = ctx.ownHead?.depSeqs;
  if (earlier === undefined) return null;
  for (const [depOrigin, earlierSeq] of Object.entries(earlier)) {
    const depId = event.deps[depOrigin];
    if (depId === undefined) {
      return rejection('dep-backwards', `deps no longer name ${depOrigin}, which seq ${event.seq - 1} named`);
    }
    const seq = ctx.deps.get(depId)?.seq ?? 0;
    if (seq < earlierSeq) {
      return rejection('dep-backwards', `deps[${depOrigin}] went back from seq ${earlierSeq} to ${seq}`);
    }
  }
  return null;
}

/**
 * The seq of each dep an accepted event names (origin → seq), to build its `HeldEventInfo`.
 * Throws `ChainInvariantError` if a dep is not in `ctx.deps`, i.e. the event was not checked.
 */
export function depSeqsOf(event: LiaisonEvent, ctx: ChainContext): Record<string, number> {
  const depSeqs: Record<string, number> = {};
  for (const [depOrigin, depId] of Object.entries(event.deps)) {
    const dep = ctx.deps.get(depId);
    if (dep === undefined) throw new ChainInvariantError(`dep ${depId} of ${depOrigin} is not held`);
    depSeqs[depOrigin] = dep.seq;
  }
  return depSeqs;
}

/**
 * The chain fields of a new event by `selfId` on a line (LOG4, LOG6): the next seq after
 * `ownHead`, `prev` its id, `deps` the latest held event of every other origin on the line
 * (`latestByOrigin`, which may include `selfId`: it is skipped), and the clock above them all.
 */
export function nextEnvelopeFields(
  ownHead: Head | undefined,
  latestByOrigin: ReadonlyMap<string, Head>,
  selfId: string,
): NextEnvelopeFields {
  let clock = ownHead?.clock ?? 0;
  const deps: Record<string, string> = {};
  for (const origin of [...latestByOrigin.keys()].sort()) {
    const latest = latestByOrigin.get(origin);
    if (origin === selfId || latest === undefined) continue;
    deps[origin] = latest.id;
    clock = Math.max(clock, latest.clock);
  }
  return { seq: (ownHead?.seq ?? 0) + 1, prev: ownHead?.id ?? null, deps, clock: clock + 1 };
}
