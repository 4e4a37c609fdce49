import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LinkRefusal, Peer } from './api.ts';
import {
  describeOldestWaiting,
  describeRefusal,
  describeSkewBanner,
  describeSkewShort,
  hasClockSkew,
  REFUSAL_RECENT_MS,
  recentRefusal,
} from './peerLinks.ts';

const NOW_MS = Date.parse('2026-11-26T21:30:00.000Z');
const HOUR_MS = 60 * 60 * 1000;

function peer(overrides: Partial<Peer> = {}): Peer {
  return {
    nodeId: 'bravo',
    name: 'Bravo',
    state: 'down',
    rttMs: null,
    queue: 0,
    lastHeartbeatAt: null,
    since: '2026-11-26T21:03:10.000Z',
    ...overrides,
  };
}

function refusal(overrides: Partial<LinkRefusal> = {}): LinkRefusal {
  return {
    code: 'bad-certificate',
    message: 'the TLS certificate of bravo does not match the fingerprint of its card',
    byPeer: false,
    at: '2026-11-26T21:04:05.000Z',
    ...overrides,
  };
}

describe('peer link details', () => {
  it('[FED2] shows a refusal from the last 24 hours, and none older or absent', () => {
    const recent = refusal();
    assert.equal(recentRefusal(peer({ lastRefusal: recent }), NOW_MS), recent);
    const atEdge = refusal({ at: new Date(NOW_MS - REFUSAL_RECENT_MS).toISOString() });
    assert.equal(recentRefusal(peer({ lastRefusal: atEdge }), NOW_MS), atEdge, 'exactly a day ago');
    const older = refusal({ at: new Date(NOW_MS - REFUSAL_RECENT_MS - 1000).toISOString() });
    assert.equal(recentRefusal(peer({ lastRefusal: older }), NOW_MS), null, 'over a day ago');
    assert.equal(recentRefusal(peer({ lastRefusal: null }), NOW_MS), null);
    assert.equal(recentRefusal(peer(), NOW_MS), null, 'a node that does not report refusals');
    assert.equal(recentRefusal(peer({ lastRefusal: refusal({ at: 'not a time' }) }), NOW_MS), null);
  });

  it('[FED2] counts a refusal stamped ahead of the browser clock as recent', () => {
    const ahead = refusal({ at: new Date(NOW_MS + 2 * HOUR_MS).toISOString() });
    assert.equal(recentRefusal(peer({ lastRefusal: ahead }), NOW_MS), ahead);
  });

  it('[FED7] does not call an outage a refusal: a heartbeat timeout shows as the link state', () => {
    const timeout = refusal({ code: 'heartbeat-timeout', message: 'heartbeat-timeout' });
    assert.equal(recentRefusal(peer({ lastRefusal: timeout }), NOW_MS), null);
  });

  it('[FED2] says when the link was refused, in UTC, and why, and who refused', () => {
    assert.equal(
      describeRefusal(peer(), refusal(), NOW_MS),
      'Link refused at 21:04 UTC: the TLS certificate of bravo does not match the fingerprint of its card',
    );
    assert.equal(
      describeRefusal(
        peer(),
        refusal({
          byPeer: true,
          code: 'bad-proof',
          message: 'the peer could not prove it holds the key of its card',
        }),
        NOW_MS,
      ),
      'Link refused by Bravo at 21:04 UTC: the peer could not prove it holds the key of its card',
    );
    assert.equal(
      describeRefusal(peer(), refusal({ code: 'flooding', message: 'flooding' }), NOW_MS),
      'Link refused at 21:04 UTC: reason “flooding”',
    );
    const yesterday = refusal({ at: '2026-11-25T23:50:00.000Z' });
    assert.match(describeRefusal(peer(), yesterday, NOW_MS), /^Link refused at 25 Nov, 23:50 UTC: /);
  });

  it('[FED6] says since when the oldest message has waited, when one waits', () => {
    assert.equal(
      describeOldestWaiting(peer({ queue: 3, oldestQueuedAt: '2026-11-26T21:02:30.000Z' }), NOW_MS),
      'oldest waiting since 21:02 UTC',
    );
    assert.equal(describeOldestWaiting(peer({ oldestQueuedAt: null }), NOW_MS), null);
    assert.equal(describeOldestWaiting(peer(), NOW_MS), null);
  });

  it('[FED7] raises the skew alarm from the node’s own flag or from the offset it reports', () => {
    assert.equal(hasClockSkew(peer({ clockOffsetMs: 1999 })), false);
    assert.equal(hasClockSkew(peer({ clockOffsetMs: -2400 })), true);
    assert.equal(hasClockSkew(peer({ skewAlarm: true, clockOffsetMs: null })), true, 'kept while down');
    assert.equal(hasClockSkew(peer({ skewAlarm: false, clockOffsetMs: null })), false);
    assert.equal(hasClockSkew(peer()), false);
  });

  it('[FED7] gives the measured offset when there is one, else says it was over 2 s', () => {
    assert.equal(describeSkewShort(peer({ clockOffsetMs: 2400 })), 'CLOCK OFF +2.4 s');
    assert.equal(describeSkewShort(peer({ skewAlarm: true, clockOffsetMs: null })), 'CLOCK OFF > 2 s');
    assert.match(
      describeSkewBanner(peer({ clockOffsetMs: -3000 })),
      /^Clock of Bravo differs from ours by -3\.0 s — /,
    );
    assert.match(
      describeSkewBanner(peer({ skewAlarm: true, clockOffsetMs: null })),
      /^Clock of Bravo differed from ours by more than 2 s when last measured — /,
    );
  });
});
