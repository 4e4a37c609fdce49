import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { MessageStatus } from '../api.ts';
import type { Notice } from '../encountersApi.ts';
import { setLanguage } from '../strings.ts';
import {
  altitudeWords,
  areaWords,
  awaitsOurAcknowledgement,
  noticeAckWords,
  noticeSections,
  noticeState,
  withLiveStatus,
} from './list.ts';

const NOW = Date.parse('2026-11-27T03:00:00.000Z');
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

function item(patch: Partial<MessageStatus> = {}): MessageStatus {
  return {
    id: 'n1',
    state: 'delivered',
    deliveredAt: iso(NOW - HOUR),
    deliveredTo: { bravo: iso(NOW - HOUR) },
    seenAt: null,
    ackedAt: null,
    ackedBy: null,
    deadline: iso(NOW + 2 * HOUR + 5 * 60_000),
    overdueAt: null,
    ...patch,
  };
}

function notice(patch: Partial<Notice> = {}): Notice {
  return {
    id: 'n1',
    line: 'hotline-alpha-bravo',
    origin: 'alpha',
    author: 'officer@alpha',
    issuedAt: iso(NOW - HOUR),
    withdrawnAt: null,
    inForce: true,
    kind: 'exercise',
    title: 'JADE SEA',
    area: {
      type: 'polygon',
      points: [
        { lat: 24, lon: 122 },
        { lat: 25.2, lon: 122 },
        { lat: 25.2, lon: 123.5 },
      ],
    },
    from: iso(NOW - HOUR),
    until: iso(NOW + 3 * HOUR),
    contact: 'Alpha duty desk',
    acknowledgement: item(),
    ...patch,
  };
}

describe('the notices list', () => {
  afterEach(() => setLanguage('en'));

  it('[ENC3] a notice is in force inside its window, upcoming before, ended after, withdrawn once withdrawn', () => {
    assert.equal(noticeState(notice(), NOW), 'in-force');
    assert.equal(noticeState(notice({ from: iso(NOW + HOUR) }), NOW), 'upcoming');
    assert.equal(noticeState(notice({ until: iso(NOW) }), NOW), 'ended');
    assert.equal(noticeState(notice({ withdrawnAt: iso(NOW - 60_000) }), NOW), 'withdrawn');
    assert.equal(noticeState(notice({ from: iso(NOW + HOUR), withdrawnAt: iso(NOW) }), NOW), 'withdrawn');
  });

  it('[ENC3] lists in force first, then upcoming by start, then ended and withdrawn newest first; empty states left out', () => {
    const notices = [
      notice({ id: 'ended-old', until: iso(NOW - 5 * HOUR), from: iso(NOW - 9 * HOUR) }),
      notice({ id: 'later', from: iso(NOW + 5 * HOUR), until: iso(NOW + 9 * HOUR) }),
      notice({ id: 'now' }),
      notice({ id: 'soon', from: iso(NOW + HOUR), until: iso(NOW + 9 * HOUR) }),
      notice({ id: 'ended-new', until: iso(NOW - HOUR), from: iso(NOW - 9 * HOUR) }),
    ];
    assert.deepEqual(
      noticeSections(notices, NOW).map((s) => [s.state, s.notices.map((n) => n.id)]),
      [
        ['in-force', ['now']],
        ['upcoming', ['soon', 'later']],
        ['ended', ['ended-new', 'ended-old']],
      ],
    );
  });

  it('[ENC3] [CON1] the acknowledgement in words: who owes it, the deadline and the time left, from each side', () => {
    const ours = noticeAckWords(notice(), 'alpha', NOW);
    assert.equal(ours.tone, 'awaiting');
    assert.match(
      ours.text,
      /^Awaiting the peer’s acknowledgement · deadline 05:05:00 UTC.* \(2 h 05 min left\)$/,
    );
    const theirs = noticeAckWords(notice(), 'bravo', NOW);
    assert.match(theirs.text, /^To acknowledge by this desk · deadline 05:05:00 UTC/);
    const seen = noticeAckWords(notice({ acknowledgement: item({ state: 'seen' }) }), 'alpha', NOW);
    assert.match(seen.text, /^Seen by the peer, not acknowledged yet/);
    const stuck = noticeAckWords(
      notice({ acknowledgement: item({ state: 'sent', deliveredTo: {} }) }),
      'alpha',
      NOW,
    );
    assert.equal(stuck.tone, 'undelivered');
    assert.match(stuck.text, /^Not delivered to the peer yet: link fault\?/);
    const acked = noticeAckWords(
      notice({
        acknowledgement: item({
          state: 'acknowledged',
          ackedBy: 'officer@bravo',
          ackedAt: iso(NOW - 60_000),
        }),
      }),
      'alpha',
      NOW,
    );
    assert.equal(acked.tone, 'acknowledged');
    assert.match(acked.text, /^Acknowledged by officer@bravo at 02:59:00 UTC/);
  });

  it('[ENC3] [CON1] overdue is said in words, on the reader’s clock too, before the node says so', () => {
    const late = notice({ acknowledgement: item({ deadline: iso(NOW - 7 * 60_000) }) });
    const ours = noticeAckWords(late, 'alpha', NOW);
    assert.equal(ours.tone, 'overdue');
    assert.equal(ours.text, 'OVERDUE: the peer has not acknowledged · deadline passed 7 min ago');
    assert.equal(
      noticeAckWords(late, 'bravo', NOW).text,
      'OVERDUE: not acknowledged by this desk · deadline passed 7 min ago',
    );
    setLanguage('zh');
    assert.equal(noticeAckWords(late, 'bravo', NOW).text, '已逾期：本值班台未确认 · 已超过时限 7 分钟');
  });

  it('[ENC3] only the peer’s notices not yet acknowledged await this desk', () => {
    assert.equal(awaitsOurAcknowledgement(notice(), 'bravo'), true);
    assert.equal(awaitsOurAcknowledgement(notice(), 'alpha'), false);
    assert.equal(
      awaitsOurAcknowledgement(notice({ acknowledgement: item({ state: 'acknowledged' }) }), 'bravo'),
      false,
    );
    assert.equal(awaitsOurAcknowledgement(notice({ acknowledgement: null }), 'bravo'), false);
  });

  it('[ENC3] [CON5] an item’s state follows the stream between reads, never back to an earlier one', () => {
    const sent = notice({ acknowledgement: item({ state: 'sent', deliveredAt: null, deliveredTo: {} }) });
    const other = notice({ id: 'n2', acknowledgement: item({ id: 'n2', state: 'acknowledged' }) });
    const live = {
      n1: item({ state: 'seen', seenAt: iso(NOW) }),
      n2: item({ id: 'n2', state: 'delivered' }),
    };
    const [first, second] = withLiveStatus([sent, other], live);
    assert.equal(first?.acknowledgement?.state, 'seen', 'a delivery and sighting the list has not read');
    assert.equal(second?.acknowledgement?.state, 'acknowledged', 'an older frame does not undo a read');
    assert.equal(withLiveStatus([sent], {})[0], sent, 'no frame, no change');
    const unread = notice({ acknowledgement: null });
    assert.equal(withLiveStatus([unread], live)[0]?.acknowledgement?.state, 'seen');
  });

  it('[ENC3] the area and the altitude band in words', () => {
    assert.equal(
      areaWords(notice().area),
      'Polygon of 3 points: 24°00.00′N 122°00.00′E · 25°12.00′N 122°00.00′E · 25°12.00′N 123°30.00′E',
    );
    assert.equal(
      areaWords({ type: 'circle', center: { lat: -33.5, lon: 151.25 }, radiusM: 12.5 * 1852 }),
      'Circle of 12.5 NM around 33°30.00′S 151°15.00′E',
    );
    assert.equal(altitudeWords(undefined), 'Not given (any altitude)');
    assert.equal(altitudeWords({ minFt: 0, maxFt: 15000 }), 'Surface to 15,000 ft');
    assert.equal(altitudeWords({ minFt: 5000, maxFt: 25000 }), '5,000 ft to 25,000 ft');
    setLanguage('ja');
    assert.equal(altitudeWords({ minFt: 0, maxFt: 15000 }), '海面から 15,000 フィートまで');
  });
});
