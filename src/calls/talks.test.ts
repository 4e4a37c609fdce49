/**
 * Video talks between three nodes (CALL5), joined by in-memory links that carry their talk frames
 * as the federation would: the roster every console sees, who offers to whom, joining and leaving
 * (and what is recorded), the signal relay's checks, lost and restored links, consoles that go
 * away, a join that overtakes its talk's schedule, and hostile frames from a peer. Also the fold
 * of the talk record. Time is a manual clock; the console grace timer is real but short.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../core/clock.ts';
import type { LiaisonEvent } from '../core/types.ts';
import type { CallFrame } from '../federation/protocol.ts';
import { RecordError } from '../record/ledger.ts';
import type { LineRecord } from '../store/types.ts';
import { foldTalks } from './talkLog.ts';
import { type TalkParticipant, type TalkRosterView, type TalkSignalView, Talks } from './talks.ts';

const LINE = 'line-talk1';
const PAIR_LINE = 'line-ab';
const TALK = 'talk-0000000001';
const PAIR_TALK = 'talk-ab-000001';
const LINES: Record<string, LineRecord> = {
  [LINE]: { id: LINE, kind: 'thread', title: 'Talk', members: ['alpha', 'bravo', 'charlie'] } as LineRecord,
  [PAIR_LINE]: { id: PAIR_LINE, kind: 'thread', title: 'Pair', members: ['alpha', 'bravo'] } as LineRecord,
};
const silent = { info() {}, warn() {}, error() {}, debug() {} } as never;
const T0 = Date.parse('2026-11-27T03:00:00.000Z');

let eventNumber = 0;
/** A stored event as the fold and the talks read it (envelope fields they do not read are left out). */
function event(
  type: string,
  body: Record<string, unknown>,
  options: { line?: string; author?: string; ts?: string } = {},
) {
  eventNumber += 1;
  return {
    id: `event-${eventNumber}`,
    line: options.line ?? LINE,
    origin: (options.author ?? 'supervisor@alpha').split('@')[1] ?? 'alpha',
    author: options.author ?? 'supervisor@alpha',
    ts: options.ts ?? '2026-11-27T03:00:00.000Z',
    type,
    body,
  } as unknown as LiaisonEvent;
}

function scheduled(talk = TALK, line = LINE): LiaisonEvent {
  return event(
    'talk.scheduled',
    {
      talk,
      title: 'Quarterly maritime safety talk',
      startsAt: '2026-11-27T04:00:00.000Z',
      durationMin: 60,
      agenda: [{ title: 'Opening', presenter: 'Alpha', minutes: 5 }, { title: 'Incidents' }],
      participants: [{ name: 'Rear Admiral A', node: 'alpha', role: 'head of delegation' }],
    },
    { line },
  );
}

interface Recorded {
  line: string;
  author: string;
  type: string;
  talk: string;
}

/** One node's talks and what its consoles received. */
interface TestNode {
  talks: Talks;
  recorded: Recorded[];
  /** Console id → the frames it got. */
  consoles: Map<string, (TalkRosterView | TalkSignalView)[]>;
  connected: Set<string>;
}

/** Three nodes whose talk frames go to each other while their pair's link is up. */
function threeNodes(options: { graceMs?: number } = {}) {
  const clock = new ManualClock(T0);
  const down = new Set<string>();
  const pairKey = (a: string, b: string) => [a, b].sort().join('|');
  const nodes = new Map<string, TestNode>();
  const make = (selfId: string): TestNode => {
    const node: TestNode = {
      talks: null as unknown as Talks,
      recorded: [],
      consoles: new Map(),
      connected: new Set(),
    };
    node.talks = new Talks({
      selfId,
      clock,
      logger: silent,
      line: (id) => LINES[id],
      sendToPeer: (peer, frame) => {
        if (down.has(pairKey(selfId, peer))) return false;
        // Delivered on the next turn, as over a socket.
        queueMicrotask(() => nodes.get(peer)?.talks.frame(selfId, structuredClone(frame)));
        return true;
      },
      sendToConsole: (client, frame) => {
        if (!node.connected.has(client)) return false;
        const list = node.consoles.get(client) ?? [];
        list.push(structuredClone(frame));
        node.consoles.set(client, list);
        return true;
      },
      isConsoleConnected: (client) => node.connected.has(client),
      record: async (line, author, type, talk) => {
        node.recorded.push({ line, author, type, talk });
      },
      consoleGraceMs: options.graceMs ?? 20,
    });
    node.talks.noteEvents([scheduled(), scheduled(PAIR_TALK, PAIR_LINE)]);
    nodes.set(selfId, node);
    return node;
  };
  const alpha = make('alpha');
  const bravo = make('bravo');
  const charlie = make('charlie');
  return {
    alpha,
    bravo,
    charlie,
    clock,
    cut: (a: string, b: string) => down.add(pairKey(a, b)),
    restore: (a: string, b: string) => down.delete(pairKey(a, b)),
    /** Opens a console's stream at a node. */
    open: (node: TestNode, client: string) => node.connected.add(client),
  };
}

/** Lets queued frames and records run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

/** The users in the latest roster a console got. */
function seenBy(node: TestNode, client: string): string[] {
  const rosters = (node.consoles.get(client) ?? []).filter((f): f is TalkRosterView => f.type === 'talk');
  return (rosters.at(-1)?.participants ?? []).map((p) => p.user);
}

function signalsAt(node: TestNode, client: string): TalkSignalView[] {
  return (node.consoles.get(client) ?? []).filter((f): f is TalkSignalView => f.type === 'signal');
}

const isCode = (code: string) => (error: unknown) => error instanceof RecordError && error.code === code;

/** Alpha, bravo and charlie each with one officer's console in the talk, joined a second apart. */
async function allJoined() {
  const nodes = threeNodes();
  const { alpha, bravo, charlie, clock, open } = nodes;
  open(alpha, 'console-alpha');
  open(bravo, 'console-bravo');
  open(charlie, 'console-charlie');
  await alpha.talks.join(TALK, 'console-alpha', 'officer@alpha');
  await settle();
  clock.advance(1000);
  await bravo.talks.join(TALK, 'console-bravo', 'officer@bravo');
  await settle();
  clock.advance(1000);
  await charlie.talks.join(TALK, 'console-charlie', 'officer@charlie');
  await settle();
  return nodes;
}

describe('video talks between three nodes', () => {
  it('[CALL5] three consoles at three nodes join; every console sees all three, in join order', async () => {
    const { alpha, bravo, charlie } = await allJoined();
    const order = ['officer@alpha', 'officer@bravo', 'officer@charlie'];
    assert.deepEqual(seenBy(alpha, 'console-alpha'), order);
    assert.deepEqual(seenBy(bravo, 'console-bravo'), order);
    assert.deepEqual(seenBy(charlie, 'console-charlie'), order);
    for (const node of [alpha, bravo, charlie]) {
      assert.deepEqual(
        node.talks.roster(TALK).map((p) => p.user),
        order,
        'every node holds the same roster in the same order',
      );
    }
    // Each node records its own person's join, once, on the talk's line.
    assert.deepEqual(alpha.recorded, [
      { line: LINE, author: 'officer@alpha', type: 'talk.joined', talk: TALK },
    ]);
    assert.deepEqual(charlie.recorded, [
      { line: LINE, author: 'officer@charlie', type: 'talk.joined', talk: TALK },
    ]);
  });

  it('[CALL5] the later joiner is after the earlier in every roster, so only it offers (offers never cross)', async () => {
    const { alpha, charlie } = await allJoined();
    const atAlpha = alpha.talks.roster(TALK);
    const atCharlie = charlie.talks.roster(TALK);
    const stamps = (list: TalkParticipant[]) => list.map((p) => `${p.client}@${p.joinedAt}`);
    assert.deepEqual(stamps(atAlpha), stamps(atCharlie), 'the same stamps everywhere');
    assert.ok(atAlpha[0] && atAlpha[2] && atAlpha[0].joinedAt < atAlpha[2].joinedAt);
  });

  it('[CALL5] joining twice from one console changes nothing; another person cannot take the console over', async () => {
    const { alpha } = await allJoined();
    const again = await alpha.talks.join(TALK, 'console-alpha', 'officer@alpha');
    assert.equal(again.length, 3);
    assert.equal(alpha.recorded.length, 1, 'no second talk.joined');
    await assert.rejects(
      alpha.talks.join(TALK, 'console-alpha', 'supervisor@alpha'),
      isCode('console-in-use'),
    );
    await assert.rejects(alpha.talks.join(TALK, 'console-bravo', 'officer@alpha'), isCode('console-in-use'));
  });

  it('[CALL5] a signal reaches the one console it is for, at its node; nothing else gets it', async () => {
    const { alpha, bravo, charlie } = await allJoined();
    charlie.talks.signal(
      TALK,
      { client: 'console-charlie', user: 'officer@charlie' },
      'console-alpha',
      'offer',
      '{"sdp":"x"}',
    );
    await settle();
    assert.deepEqual(signalsAt(alpha, 'console-alpha'), [
      { type: 'signal', session: TALK, from: 'console-charlie', kind: 'offer', data: '{"sdp":"x"}' },
    ]);
    assert.deepEqual(signalsAt(bravo, 'console-bravo'), []);
    assert.deepEqual(signalsAt(charlie, 'console-charlie'), []);
  });

  it('[CALL5] two consoles of one node signal each other through that node alone', async () => {
    const { alpha, open } = await allJoined();
    open(alpha, 'console-alpha2');
    await alpha.talks.join(TALK, 'console-alpha2', 'supervisor@alpha');
    alpha.talks.signal(
      TALK,
      { client: 'console-alpha2', user: 'supervisor@alpha' },
      'console-alpha',
      'ice',
      '{}',
    );
    assert.equal(signalsAt(alpha, 'console-alpha').length, 1);
  });

  it('[CALL5] signals are refused unless both consoles are in the talk and the sender is this person’s', async () => {
    const { alpha, open } = await allJoined();
    open(alpha, 'console-outsider');
    const tries: [string, string, string][] = [
      ['console-outsider', 'officer@alpha', 'console-bravo'], // not in the talk
      ['console-alpha', 'officer@alpha', 'console-nobody'], // target not in the talk
      ['console-alpha', 'supervisor@alpha', 'console-bravo'], // another person's console
      ['console-bravo', 'officer@bravo', 'console-alpha'], // a console of another node
      ['console-alpha', 'officer@alpha', 'console-alpha'], // itself
    ];
    for (const [client, user, to] of tries) {
      assert.throws(
        () => alpha.talks.signal(TALK, { client, user }, to, 'offer', '{}'),
        isCode('not-a-participant'),
      );
    }
    assert.throws(
      () =>
        alpha.talks.signal(
          'talk-unknown-01',
          { client: 'console-alpha', user: 'officer@alpha' },
          'console-bravo',
          'offer',
          '{}',
        ),
      isCode('not-a-participant'),
    );
  });

  it('[CALL5] a signal to a node whose link is down is refused as unreachable', async () => {
    const { alpha, cut } = await allJoined();
    cut('alpha', 'bravo');
    assert.throws(
      () =>
        alpha.talks.signal(
          TALK,
          { client: 'console-alpha', user: 'officer@alpha' },
          'console-bravo',
          'offer',
          '{}',
        ),
      isCode('peer-unreachable'),
    );
  });

  it('[CALL5] leaving takes the console out everywhere and records talk.left; only its person may', async () => {
    const { alpha, bravo, charlie } = await allJoined();
    await assert.rejects(
      bravo.talks.leave(TALK, 'console-bravo', 'supervisor@bravo'),
      isCode('not-a-participant'),
    );
    await assert.rejects(
      bravo.talks.leave(TALK, 'console-alpha', 'officer@alpha'),
      isCode('not-a-participant'),
    );
    await bravo.talks.leave(TALK, 'console-bravo', 'officer@bravo');
    await settle();
    assert.deepEqual(seenBy(alpha, 'console-alpha'), ['officer@alpha', 'officer@charlie']);
    assert.deepEqual(seenBy(charlie, 'console-charlie'), ['officer@alpha', 'officer@charlie']);
    assert.deepEqual(
      bravo.recorded.map((r) => `${r.type} ${r.author}`),
      ['talk.joined officer@bravo', 'talk.left officer@bravo'],
    );
  });

  it('[CALL5] a lost link takes the peer’s consoles out; when it opens again both sides announce theirs', async () => {
    const { alpha, bravo, charlie, cut, restore } = await allJoined();
    cut('alpha', 'charlie');
    alpha.talks.linkClosed('charlie');
    charlie.talks.linkClosed('alpha');
    assert.deepEqual(seenBy(alpha, 'console-alpha'), ['officer@alpha', 'officer@bravo']);
    assert.deepEqual(seenBy(charlie, 'console-charlie'), ['officer@bravo', 'officer@charlie']);
    assert.equal(seenBy(bravo, 'console-bravo').length, 3, 'bravo’s links are untouched');
    restore('alpha', 'charlie');
    alpha.talks.linkOpened('charlie');
    charlie.talks.linkOpened('alpha');
    await settle();
    const all = ['officer@alpha', 'officer@bravo', 'officer@charlie'];
    assert.deepEqual(seenBy(alpha, 'console-alpha'), all);
    assert.deepEqual(seenBy(charlie, 'console-charlie'), all);
  });

  it('[CALL5] a console whose stream closes leaves after the grace; one that comes back in time stays', async () => {
    const { alpha, bravo } = await allJoined();
    // Bravo's console reloads: its stream closes and opens again within the grace.
    bravo.connected.delete('console-bravo');
    bravo.talks.consoleClosed('console-bravo');
    bravo.connected.add('console-bravo');
    // Alpha's console is gone for good.
    alpha.connected.delete('console-alpha');
    alpha.talks.consoleClosed('console-alpha');
    await new Promise((resolve) => setTimeout(resolve, 60));
    await settle();
    assert.deepEqual(seenBy(bravo, 'console-bravo'), ['officer@bravo', 'officer@charlie']);
    assert.deepEqual(alpha.recorded.at(-1), {
      line: LINE,
      author: 'officer@alpha',
      type: 'talk.left',
      talk: TALK,
    });
    assert.equal(bravo.recorded.length, 1, 'bravo’s officer did not leave');
  });

  it('[CALL5] a join that overtakes its talk’s schedule is held and counted once the talk is known', async () => {
    const { alpha, bravo, open } = threeNodes();
    const LATE = 'talk-late-00001';
    alpha.talks.noteEvents([scheduled(LATE)]);
    open(alpha, 'console-alpha');
    open(bravo, 'console-bravo');
    await alpha.talks.join(LATE, 'console-alpha', 'officer@alpha');
    await settle();
    assert.equal(bravo.talks.roster(LATE).length, 0, 'bravo does not know the talk yet');
    bravo.talks.noteEvents([scheduled(LATE)]);
    await settle();
    assert.deepEqual(
      bravo.talks.roster(LATE).map((p) => p.user),
      ['officer@alpha'],
    );
    await bravo.talks.join(LATE, 'console-bravo', 'officer@bravo');
    await settle();
    assert.deepEqual(seenBy(alpha, 'console-alpha'), ['officer@alpha', 'officer@bravo']);
  });

  it('[CALL5] an unknown or cancelled talk cannot be joined', async () => {
    const { alpha } = threeNodes();
    await assert.rejects(
      alpha.talks.join('talk-unknown-01', 'console-alpha', 'officer@alpha'),
      isCode('unknown-talk'),
    );
    alpha.talks.noteEvents([event('talk.cancelled', { talk: TALK, reason: 'postponed' })]);
    await assert.rejects(alpha.talks.join(TALK, 'console-alpha', 'officer@alpha'), isCode('talk-cancelled'));
    assert.deepEqual(alpha.recorded, []);
  });

  it('[CALL5] hostile frames from a peer change nothing', async () => {
    const { alpha, bravo, charlie } = await allJoined();
    const before = alpha.talks.roster(TALK);
    const hostile: [string, CallFrame][] = [
      // charlie is not a member of the alpha–bravo talk
      [
        'charlie',
        {
          t: 'talk.join',
          talk: PAIR_TALK,
          client: 'console-evil1',
          user: 'officer@charlie',
          joinedAt: '2026-11-27T03:00:00.000Z',
        },
      ],
      // a person of another node
      [
        'charlie',
        {
          t: 'talk.join',
          talk: TALK,
          client: 'console-evil2',
          user: 'officer@bravo',
          joinedAt: '2026-11-27T03:00:00.000Z',
        },
      ],
      // taking over bravo's console id
      [
        'charlie',
        {
          t: 'talk.join',
          talk: TALK,
          client: 'console-bravo',
          user: 'officer@charlie',
          joinedAt: '2026-11-27T03:00:00.000Z',
        },
      ],
      // a roster naming another node's people
      [
        'charlie',
        {
          t: 'talk.roster',
          talk: TALK,
          participants: [
            { client: 'console-evil3', user: 'admin@alpha', joinedAt: '2026-11-27T03:00:00.000Z' },
          ],
        },
      ],
      // taking bravo's console out
      ['charlie', { t: 'talk.leave', talk: TALK, client: 'console-bravo' }],
      // alpha's own id, as if it were a peer
      [
        'alpha',
        {
          t: 'talk.join',
          talk: TALK,
          client: 'console-evil4',
          user: 'officer@alpha',
          joinedAt: '2026-11-27T03:00:00.000Z',
        },
      ],
    ];
    for (const [peer, frame] of hostile) alpha.talks.frame(peer, frame);
    // A signal that claims to come from bravo's console, sent by charlie.
    alpha.talks.frame('charlie', {
      t: 'rtc.signal',
      session: TALK,
      from: 'console-bravo',
      to: 'console-alpha',
      kind: 'offer',
      data: '{}',
    });
    // A signal meant for a console at another node.
    alpha.talks.frame('charlie', {
      t: 'rtc.signal',
      session: TALK,
      from: 'console-charlie',
      to: 'console-bravo',
      kind: 'offer',
      data: '{}',
    });
    await settle();
    assert.deepEqual(alpha.talks.roster(TALK), before);
    assert.deepEqual(signalsAt(alpha, 'console-alpha'), []);
    assert.deepEqual(signalsAt(bravo, 'console-bravo'), []);
    assert.equal(charlie.talks.roster(TALK).length, 3);
  });

  it('[CALL5] only talk frames and the signals of known talks are claimed from the calls', () => {
    const { alpha } = threeNodes();
    assert.equal(alpha.talks.claims({ t: 'talk.leave', talk: TALK, client: 'console-x1' }), true);
    assert.equal(
      alpha.talks.claims({
        t: 'rtc.signal',
        session: TALK,
        from: 'console-x1',
        to: 'console-x2',
        kind: 'ice',
        data: '',
      }),
      true,
    );
    assert.equal(
      alpha.talks.claims({
        t: 'rtc.signal',
        session: 'call-123456789',
        from: 'console-x1',
        to: 'console-x2',
        kind: 'ice',
        data: '',
      }),
      false,
    );
    assert.equal(alpha.talks.claims({ t: 'call.ringing', call: 'call-123456789' }), false);
  });
});

describe('the talk record', () => {
  it('[CALL5] a talk folds from its events: schedule, joins and leaves, cancel; the first schedule of an id stands', () => {
    const talks = foldTalks([
      scheduled(),
      event('talk.scheduled', { ...(scheduled().body as object), title: 'A second schedule of the same id' }),
      event('talk.joined', { talk: TALK }, { author: 'officer@alpha', ts: '2026-11-27T04:00:01.000Z' }),
      event('talk.joined', { talk: TALK }, { author: 'officer@bravo', ts: '2026-11-27T04:00:02.000Z' }),
      event('talk.left', { talk: TALK }, { author: 'officer@alpha', ts: '2026-11-27T04:30:00.000Z' }),
      event('talk.joined', { talk: TALK }, { author: 'officer@alpha', ts: '2026-11-27T04:31:00.000Z' }),
      event('talk.cancelled', { talk: TALK, reason: 'the room is needed' }, { author: 'admin@bravo' }),
      event('talk.cancelled', { talk: TALK, reason: 'a later cancel' }, { author: 'admin@charlie' }),
    ]);
    assert.equal(talks.length, 1);
    const [talk] = talks;
    assert.equal(talk?.title, 'Quarterly maritime safety talk');
    assert.deepEqual(talk?.agenda, [
      { title: 'Opening', presenter: 'Alpha', minutes: 5 },
      { title: 'Incidents' },
    ]);
    assert.equal(talk?.scheduledBy, 'supervisor@alpha');
    assert.deepEqual(talk?.attendance, [
      { user: 'officer@alpha', joinedAt: '2026-11-27T04:00:01.000Z', leftAt: '2026-11-27T04:30:00.000Z' },
      { user: 'officer@bravo', joinedAt: '2026-11-27T04:00:02.000Z', leftAt: null },
      { user: 'officer@alpha', joinedAt: '2026-11-27T04:31:00.000Z', leftAt: null },
    ]);
    assert.equal(talk?.cancelledBy, 'admin@bravo');
    assert.equal(talk?.cancelReason, 'the room is needed');
  });

  it('[CALL5] events on another line, unreadable bodies and unknown talks are skipped; talks come soonest first', () => {
    const later = event('talk.scheduled', {
      ...(scheduled('talk-later-0001').body as object),
      talk: 'talk-later-0001',
      startsAt: '2026-12-01T00:00:00Z',
    });
    const talks = foldTalks([
      later,
      scheduled(),
      event('talk.scheduled', { talk: 'talk-broken-001', title: '', startsAt: 'soon' }),
      event('talk.scheduled', { talk: 'x' }),
      event('talk.joined', { talk: TALK }, { line: 'line-elsewhere', author: 'officer@charlie' }),
      event('talk.joined', { talk: 'talk-nobody-001' }, { author: 'officer@charlie' }),
      event('talk.joined', 'not an object' as never, { author: 'officer@charlie' }),
    ]);
    assert.deepEqual(
      talks.map((t) => t.id),
      [TALK, 'talk-later-0001'],
    );
    assert.deepEqual(talks[0]?.attendance, []);
  });
});
