/**
 * Video talks between three real nodes (CALL5): a supervisor at alpha schedules a talk with
 * bravo and charlie over the API, and every node lists it with its agenda and the people
 * expected; bad input is refused with the fields named, and a role that may not schedule gets
 * 403. Then a console at each node joins (a WebSocket stream with its console id, as the browser
 * opens it): each gets the roster of all three, a signal reaches the one console it is for
 * across the federation, and the joins and a leave are in every node's record.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { ApiClient, type Cluster, eventually, startCluster } from '../support/cluster.ts';

interface Participant {
  client: string;
  user: string;
  node: string;
}

interface TalkView {
  id: string;
  line: string;
  title: string;
  startsAt: string;
  durationMin: number;
  agenda: { title: string; presenter?: string; minutes?: number }[];
  participants: { name: string; node: string; role?: string }[];
  members: string[];
  scheduledBy: string;
  attendance: { user: string; joinedAt: string; leftAt: string | null }[];
  connected: Omit<Participant, 'client'>[];
}

interface ErrorBody {
  error: string;
  fields?: { path: string; message: string }[];
}

const NODES = ['alpha', 'bravo', 'charlie'] as const;

/** A console's stream at a node, with its id, collecting the frames it gets. */
class ConsoleStream {
  readonly frames: Record<string, unknown>[] = [];
  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => this.frames.push(JSON.parse(String(data)) as Record<string, unknown>));
  }

  static async open(url: string, token: string, client: string): Promise<ConsoleStream> {
    const socket = new WebSocket(`${url.replace('http:', 'ws:')}/api/v1/stream?client=${client}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const stream = new ConsoleStream(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return stream;
  }

  /** The users of the latest roster of the talk this console got. */
  rosterUsers(talk: string): string[] | undefined {
    const roster = this.frames.findLast((f) => f.type === 'talk' && f.talk === talk) as
      | { participants: Participant[] }
      | undefined;
    return roster?.participants.map((p) => p.user);
  }

  close(): void {
    this.socket.close();
  }
}

describe('video talks between three real nodes', { timeout: 120_000 }, () => {
  let cluster: Cluster;
  const supervisors = new Map<string, ApiClient>();
  const officers = new Map<string, ApiClient>();
  const streams = new Map<string, ConsoleStream>();
  let talkId = '';

  const api = (map: Map<string, ApiClient>, nodeId: string): ApiClient => {
    const client = map.get(nodeId);
    assert.ok(client, `a client at ${nodeId}`);
    return client;
  };
  const listAt = async (nodeId: string) =>
    (await api(officers, nodeId).get<{ talks: TalkView[] }>('/api/v1/talks')).talks;
  const talkAt = async (nodeId: string) => (await listAt(nodeId)).find((t) => t.id === talkId);

  before(async () => {
    cluster = await startCluster({ nodeIds: [...NODES] });
    for (const node of cluster.nodes) {
      supervisors.set(node.nodeId, await ApiClient.login(node.url, 'supervisor'));
      officers.set(node.nodeId, await ApiClient.login(node.url, 'officer'));
    }
  });

  after(async () => {
    for (const stream of streams.values()) stream.close();
    await cluster?.stop();
  });

  it('[CALL5] a supervisor schedules a talk with two peers; every node lists it with agenda and participants', async () => {
    const startsAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await api(supervisors, 'alpha').request('POST', '/api/v1/talks', {
      title: 'Trilateral maritime safety talk',
      members: ['bravo', 'charlie'],
      startsAt,
      durationMin: 45,
      agenda: [
        { title: 'Opening remarks', presenter: 'Alpha', minutes: 5 },
        { title: 'Encounters since the last talk', minutes: 25 },
        { title: 'Next steps' },
      ],
      participants: [
        { name: 'Rear Admiral Aubert', node: 'alpha', role: 'head of delegation' },
        { name: 'Captain Brandt', node: 'bravo' },
        { name: 'Commander Chen', node: 'charlie' },
      ],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const talk = (created.body as { talk: TalkView }).talk;
    talkId = talk.id;
    assert.deepEqual(talk.members, ['alpha', 'bravo', 'charlie']);
    assert.equal(talk.scheduledBy, 'supervisor@alpha');
    assert.equal(talk.startsAt, startsAt);
    for (const nodeId of NODES) {
      const seen = await eventually(`${nodeId} to list the talk`, () => talkAt(nodeId));
      assert.equal(seen.title, 'Trilateral maritime safety talk');
      assert.equal(seen.durationMin, 45);
      assert.deepEqual(
        seen.agenda.map((item) => item.title),
        ['Opening remarks', 'Encounters since the last talk', 'Next steps'],
      );
      assert.equal(seen.agenda[0]?.presenter, 'Alpha');
      assert.deepEqual(
        seen.participants.map((p) => `${p.name}@${p.node}`),
        ['Rear Admiral Aubert@alpha', 'Captain Brandt@bravo', 'Commander Chen@charlie'],
      );
      assert.deepEqual(seen.members, ['alpha', 'bravo', 'charlie']);
      assert.deepEqual(seen.connected, []);
    }
  });

  it('[CALL5] bad input is refused with the fields named, and nothing is scheduled', async () => {
    const supervisor = api(supervisors, 'alpha');
    const good = {
      title: 'A talk',
      members: ['bravo'],
      startsAt: new Date(Date.now() + 3_600_000).toISOString(),
      durationMin: 30,
      agenda: [{ title: 'One item' }],
      participants: [],
    };
    const cases: [string, Record<string, unknown>, string][] = [
      ['no agenda', { ...good, agenda: [] }, 'agenda'],
      ['a start that is not a time', { ...good, startsAt: 'tomorrow at noon' }, 'startsAt'],
      ['a start long past', { ...good, startsAt: '2020-01-01T00:00:00Z' }, 'startsAt'],
      ['a duration of two minutes', { ...good, durationMin: 2 }, 'durationMin'],
      ['a node that is not paired', { ...good, members: ['zulu'] }, 'members.0'],
      [
        'a participant from a node not in the talk',
        { ...good, participants: [{ name: 'C', node: 'charlie' }] },
        'participants.0.node',
      ],
      ['an unknown field', { ...good, room: 'blue' }, '(body)'],
    ];
    const before = (await listAt('alpha')).length;
    for (const [what, body, field] of cases) {
      const refused = await supervisor.request('POST', '/api/v1/talks', body);
      assert.equal(refused.status, 400, `${what}: ${JSON.stringify(refused.body)}`);
      const error = refused.body as ErrorBody;
      assert.equal(error.error, 'invalid-input', what);
      assert.ok(
        error.fields?.some((f) => f.path === field),
        `${what} names ${field}: ${JSON.stringify(error.fields)}`,
      );
    }
    assert.equal((await listAt('alpha')).length, before, 'nothing was scheduled');
  });

  it('[CALL5] roles without talk.schedule may not schedule or cancel (403)', async () => {
    const body = {
      title: 'An officer’s talk',
      members: ['bravo'],
      startsAt: new Date(Date.now() + 3_600_000).toISOString(),
      durationMin: 30,
      agenda: [{ title: 'One item' }],
    };
    for (const username of ['officer', 'observer', 'interpreter']) {
      const client = await ApiClient.login(cluster.node('alpha').url, username);
      const refused = await client.request('POST', '/api/v1/talks', body);
      assert.equal(refused.status, 403, `${username}: ${JSON.stringify(refused.body)}`);
      assert.equal((refused.body as ErrorBody).error, 'forbidden');
    }
    const cancel = await api(officers, 'bravo').request('POST', `/api/v1/talks/${talkId}/cancel`, {});
    assert.equal(cancel.status, 403);
  });

  it('[CALL5] a console at each node joins; each sees all three and a signal reaches its one console', async () => {
    for (const nodeId of NODES) {
      const client = `console-${nodeId}-0001`;
      streams.set(
        nodeId,
        await ConsoleStream.open(cluster.node(nodeId).url, api(officers, nodeId).token, client),
      );
    }
    for (const nodeId of NODES) {
      const joined = await api(officers, nodeId).request('POST', `/api/v1/talks/${talkId}/join`, {
        client: `console-${nodeId}-0001`,
      });
      assert.equal(joined.status, 200, JSON.stringify(joined.body));
      // Each join is announced before the next: the join order is alpha, bravo, charlie.
      await eventually(`every node to count ${nodeId} in`, async () => {
        for (const other of NODES) {
          const talk = await talkAt(other);
          if (!talk?.connected.some((p) => p.node === nodeId)) return undefined;
        }
        return true;
      });
    }
    const all = ['officer@alpha', 'officer@bravo', 'officer@charlie'];
    for (const nodeId of NODES) {
      const users = await eventually(`${nodeId}’s console to see all three`, async () => {
        const seen = streams.get(nodeId)?.rosterUsers(talkId);
        return seen?.length === 3 ? seen : undefined;
      });
      assert.deepEqual(users, all, `${nodeId}'s console sees everyone in join order`);
    }

    const sent = await api(officers, 'charlie').request('POST', `/api/v1/talks/${talkId}/signal`, {
      client: 'console-charlie-0001',
      to: 'console-alpha-0001',
      kind: 'offer',
      data: '{"type":"offer","sdp":"v=0"}',
    });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    const signal = await eventually('alpha’s console to get charlie’s offer', async () =>
      streams.get('alpha')?.frames.find((f) => f.type === 'signal' && f.session === talkId),
    );
    assert.equal(signal.from, 'console-charlie-0001');
    assert.equal(signal.kind, 'offer');
    assert.ok(!streams.get('bravo')?.frames.some((f) => f.type === 'signal'), 'bravo’s console gets nothing');

    const outsider = await api(officers, 'bravo').request('POST', `/api/v1/talks/${talkId}/signal`, {
      client: 'console-not-in-talk',
      to: 'console-alpha-0001',
      kind: 'offer',
      data: '{}',
    });
    assert.equal(outsider.status, 403);
    assert.equal((outsider.body as ErrorBody).error, 'not-a-participant');
    const unknown = await api(officers, 'bravo').request('POST', '/api/v1/talks/no-such-talk-1/join', {
      client: 'console-bravo-0002',
    });
    assert.equal(unknown.status, 404);
    assert.equal((unknown.body as ErrorBody).error, 'unknown-talk');
  });

  it('[CALL5] a console leaves: it is gone from every roster, and every record shows who joined and left', async () => {
    const left = await api(officers, 'bravo').request('POST', `/api/v1/talks/${talkId}/leave`, {
      client: 'console-bravo-0001',
    });
    assert.equal(left.status, 200, JSON.stringify(left.body));
    for (const nodeId of NODES) {
      const talk = await eventually(`${nodeId} to hold every join and bravo’s leave`, async () => {
        const seen = await talkAt(nodeId);
        const bravo = seen?.attendance.find((a) => a.user === 'officer@bravo');
        return seen?.attendance.length === 3 && bravo?.leftAt && seen.connected.length === 2
          ? seen
          : undefined;
      });
      assert.deepEqual(talk.attendance.map((a) => a.user).sort(), [
        'officer@alpha',
        'officer@bravo',
        'officer@charlie',
      ]);
      assert.deepEqual(
        talk.connected.map((p) => p.user),
        ['officer@alpha', 'officer@charlie'],
      );
      assert.ok(
        talk.connected.every((p) => !('client' in p)),
        'console ids stay with the consoles in the talk',
      );
    }
    assert.deepEqual(streams.get('alpha')?.rosterUsers(talkId), ['officer@alpha', 'officer@charlie']);
  });

  it('[CALL5] a cancelled talk is listed as cancelled everywhere and can no longer be joined', async () => {
    const cancelled = await api(supervisors, 'charlie').request('POST', `/api/v1/talks/${talkId}/cancel`, {
      reason: 'postponed to next week',
    });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    for (const nodeId of NODES) {
      await eventually(`${nodeId} to show the talk cancelled`, async () => {
        const talk = (await talkAt(nodeId)) as (TalkView & { cancelledBy: string | null }) | undefined;
        return talk?.cancelledBy === 'supervisor@charlie' ? true : undefined;
      });
    }
    const refused = await eventually('bravo to refuse a join', async () => {
      const answer = await api(officers, 'bravo').request('POST', `/api/v1/talks/${talkId}/join`, {
        client: 'console-bravo-0001',
      });
      return answer.status === 409 ? answer : undefined;
    });
    assert.equal((refused.body as ErrorBody).error, 'talk-cancelled');
  });
});
