import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Encounter } from '../encountersApi.ts';
import { setLanguage } from '../strings.ts';
import {
  acknowledgementWords,
  awaitingOurAcknowledgement,
  boardSections,
  isAckOverdue,
  matchesFilters,
  NO_FILTERS,
  openCount,
} from './board.ts';

const NOW = Date.parse('2026-11-27T06:00:00.000Z');

function encounter(
  id: string,
  patch: Partial<Encounter> = {},
  reportPatch: Partial<Encounter['report']> = {},
): Encounter {
  return {
    id,
    ref: `ALPHA-20261127-${id.toUpperCase()}`,
    state: 'submitted',
    line: `line-${id}`,
    origin: 'alpha',
    author: 'officer@alpha',
    at: '2026-11-27T03:00:00.000Z',
    report: {
      domain: 'sea',
      occurredAt: '2026-11-27T02:40:00.000Z',
      position: { lat: 24.5, lon: 122.25 },
      severity: 'high',
      ownPlatforms: [{ kind: 'destroyer', name: 'Aubert', hull: 'D 651' }],
      otherPlatforms: [{ kind: 'frigate', name: 'Yulin', callSign: 'Victor 2' }],
      behaviours: [],
      communications: [],
      narrative: 'Crossed ahead at 600 yards.',
      ...reportPatch,
    },
    acknowledgement: {
      id: `item-${id}`,
      state: 'delivered',
      deliveredAt: '2026-11-27T03:00:01.000Z',
      deliveredTo: { bravo: '2026-11-27T03:00:01.000Z' },
      seenAt: null,
      ackedAt: null,
      ackedBy: null,
      deadline: '2026-11-27T06:30:00.000Z',
      overdueAt: null,
    },
    approach: null,
    inNotifiedAreas: [],
    consultationAt: null,
    closedAt: null,
    outcome: null,
    ...patch,
  };
}

describe('the encounter board', () => {
  afterEach(() => setLanguage('en'));

  it('[ENC2] sorts by state, open ones oldest first, closed newest first, drafts apart', () => {
    const list = [
      encounter('a', { at: '2026-11-27T05:00:00.000Z' }),
      encounter('b', { at: '2026-11-27T01:00:00.000Z' }),
      encounter('c', { state: 'closed', at: '2026-11-26T01:00:00.000Z' }),
      encounter('d', { state: 'closed', at: '2026-11-27T02:00:00.000Z' }),
      encounter('e', { state: 'draft', line: null, acknowledgement: null }),
      encounter('f', { state: 'consultation' }),
      encounter('g', { state: 'acknowledged' }),
    ];
    const sections = boardSections(list, NO_FILTERS);
    const ids = (items: Encounter[]) => items.map((e) => e.id);
    assert.deepEqual(ids(sections.byState.submitted), ['b', 'a']);
    assert.deepEqual(ids(sections.byState.closed), ['d', 'c']);
    assert.deepEqual(ids(sections.byState.consultation), ['f']);
    assert.deepEqual(ids(sections.byState.acknowledged), ['g']);
    assert.deepEqual(ids(sections.drafts), ['e']);
    assert.equal(openCount(list), 4);
  });

  it('[ENC2] filters by state, severity and domain, and searches ref, platforms and narrative', () => {
    const list = [
      encounter('a'),
      encounter(
        'b',
        {},
        {
          domain: 'air',
          severity: 'critical',
          ownPlatforms: [{ kind: 'fighter', name: 'Swift 21', tail: '5081' }],
        },
      ),
      encounter('c', { state: 'closed' }, { narrative: 'Laser from the bridge wing.' }),
    ];
    const pick = (filters: Partial<typeof NO_FILTERS>) =>
      list.filter((e) => matchesFilters(e, { ...NO_FILTERS, ...filters })).map((e) => e.id);
    assert.deepEqual(pick({ state: 'closed' }), ['c']);
    assert.deepEqual(pick({ severity: 'critical' }), ['b']);
    assert.deepEqual(pick({ domain: 'sea' }), ['a', 'c']);
    assert.deepEqual(pick({ query: 'laser' }), ['c']);
    assert.deepEqual(pick({ query: '5081' }), ['b'], 'a tail number');
    assert.deepEqual(pick({ query: 'victor' }), ['a', 'b', 'c'], 'a call sign');
    assert.deepEqual(pick({ query: 'ALPHA-20261127-B' }), ['b'], 'the ref');
    assert.deepEqual(pick({ query: 'yulin laser' }), ['c'], 'every word must be found');
    assert.deepEqual(pick({ query: 'nothing-like-this' }), []);
  });

  it('[ENC2] [CON1] says who owes the acknowledgement, the time left, and overdue in words', () => {
    const ours = encounter('a');
    assert.deepEqual(acknowledgementWords(ours, 'alpha', NOW), {
      tone: 'awaiting',
      text: 'Awaiting the peer’s acknowledgement · 30 min left',
    });
    assert.deepEqual(acknowledgementWords(ours, 'bravo', NOW), {
      tone: 'awaiting',
      text: 'To acknowledge by this desk · 30 min left',
    });
    const late = NOW + 45 * 60_000;
    assert.ok(isAckOverdue(ours, late), 'past the deadline on the reader’s clock');
    assert.deepEqual(acknowledgementWords(ours, 'alpha', late), {
      tone: 'overdue',
      text: 'OVERDUE: the peer has not acknowledged · deadline passed 15 min ago',
    });
    assert.equal(
      acknowledgementWords(ours, 'bravo', late).text,
      'OVERDUE: not acknowledged by this desk · deadline passed 15 min ago',
    );
    const item = ours.acknowledgement;
    assert.ok(item);
    const acknowledged = encounter('b', {
      state: 'acknowledged',
      acknowledgement: {
        ...item,
        state: 'acknowledged',
        ackedBy: 'officer@bravo',
        ackedAt: '2026-11-27T03:10:00.000Z',
      },
    });
    const words = acknowledgementWords(acknowledged, 'alpha', late);
    assert.equal(words.tone, 'acknowledged');
    assert.match(words.text, /^Acknowledged by officer@bravo at 03:10:00 UTC/);
    setLanguage('ja');
    assert.match(acknowledgementWords(ours, 'alpha', late).text, /^期限切れ/);
  });

  it('[ENC2] counts the peer’s reports this desk still has to acknowledge', () => {
    const list = [
      encounter('a', { origin: 'bravo' }),
      encounter('b', { origin: 'bravo', state: 'acknowledged' }),
      encounter('c'),
    ];
    const item = list[1]?.acknowledgement;
    assert.ok(item && list[1]);
    list[1].acknowledgement = { ...item, state: 'acknowledged' };
    assert.equal(awaitingOurAcknowledgement(list, 'alpha'), 1);
    assert.equal(awaitingOurAcknowledgement(list, 'bravo'), 1);
  });
});
