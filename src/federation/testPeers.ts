/**
 * Test fixture: a peer's status as a node's Federation reports it (FED7), for tests that feed
 * link states to the parts that listen to them.
 */
import { isoTime } from '../core/clock.ts';
import { T0 } from '../record/testLedgers.ts';
import type { PeerStatus } from './federation.ts';

/** bravo's link seen from alpha, up since T0, with `patch` over it. */
export function peerStatus(patch: Partial<PeerStatus> = {}): PeerStatus {
  return {
    nodeId: 'bravo',
    name: 'Bravo',
    state: 'up',
    rttMs: 12,
    queue: 0,
    lastHeartbeatAt: isoTime(T0),
    since: isoTime(T0),
    clockOffsetMs: 40,
    skewAlarm: false,
    oldestQueuedAt: null,
    lastRefusal: null,
    ...patch,
  };
}
