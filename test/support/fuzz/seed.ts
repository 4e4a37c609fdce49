/**
 * Something for the hostile input suite to aim at (SEC3): while alpha and bravo are linked, a
 * message from each side, a templated message, a draft and a submitted encounter, a notice, a
 * talk, a call request, a call that rang and ended, and a blob. The fuzzer mixes the ids of
 * these into its paths and bodies, so its requests reach past "no such thing" into the code that
 * handles real items. Then bravo stops and alpha settles: from there on, alpha's record changes
 * only through what the fuzzer sends it.
 */
import { isoTime } from '../../../src/core/clock.ts';
import { nodeCard } from '../../../src/node/folder.ts';
import type { RunningNode } from '../../../src/node/node.ts';
import { eventually } from '../cluster.ts';
import { type FuzzNode, type FuzzPair, HOTLINE } from './fuzzNodes.ts';

/** Ids of things alpha holds, for the fuzzer's paths and bodies. */
export interface SeedTargets {
  lines: string[];
  /** Message ids (43-character event ids): alpha's own, bravo's, a templated one. */
  messages: string[];
  encounters: string[];
  notices: string[];
  talks: string[];
  callRequests: string[];
  calls: string[];
  blobs: string[];
  /** The demo users, one per role (the fuzzer's own sessions). */
  users: string[];
  /** A user made for the user-admin routes to change, so the fuzzer's own users keep their rights. */
  spareUser: string;
  nodes: string[];
  /** Bravo's pairing card, as `liaison card` prints it. */
  bravoCard: string;
  /** A valid body per kind of thing, for the fuzzer to break. */
  samples: {
    report: Record<string, unknown>;
    notice: Record<string, unknown>;
    talk: Record<string, unknown>;
    policies: unknown;
  };
}

const HOUR = 3_600_000;
const SPARE_USER = 'spare.officer';

/** Sends a request as an actor of the node; throws unless it answers 2xx. */
async function send(
  fuzzNode: FuzzNode,
  actor: 'admin' | 'officer' | 'supervisor',
  method: 'GET' | 'POST',
  url: string,
  payload?: object,
): Promise<unknown> {
  const response = await fuzzNode.node.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${fuzzNode.tokens[actor]}` },
    ...(payload === undefined ? {} : { payload }),
  });
  if (response.statusCode >= 300)
    throw new Error(
      `seeding: ${method} ${url} at ${fuzzNode.nodeId}: ${response.statusCode} ${response.body}`,
    );
  return response.json();
}

/** A complete encounter report (ENC1), `minutesAgo` before the node's clock. */
export function sampleReport(nowMs: number): Record<string, unknown> {
  return {
    domain: 'sea',
    occurredAt: isoTime(nowMs - 20 * 60_000),
    position: { lat: 24.5, lon: 122.25 },
    severity: 'high',
    ownPlatforms: [{ kind: 'destroyer', name: 'Aubert', hull: 'D 651', callSign: 'Alpha One' }],
    otherPlatforms: [{ kind: 'frigate', name: 'unknown', hull: '572', callSign: 'Victor 2' }],
    closestApproach: { distanceM: 550, at: isoTime(nowMs - 18 * 60_000) },
    behaviours: ['crossing-ahead'],
    communications: [{ kind: 'radio', text: 'Alter course', answered: false }],
    narrative: 'The frigate crossed our bow at 600 yards.',
  };
}

/** An activity notice (ENC3) in force around the node's clock. */
export function sampleNotice(nowMs: number): Record<string, unknown> {
  return {
    kind: 'exercise',
    title: 'Surface exercise EAST SHIELD',
    area: {
      type: 'polygon',
      points: [
        { lat: 24, lon: 122 },
        { lat: 24, lon: 123 },
        { lat: 25, lon: 123 },
      ],
    },
    from: isoTime(nowMs - HOUR),
    until: isoTime(nowMs + HOUR),
    contact: 'Alpha duty desk, channel 16',
  };
}

/** A video talk (CALL5) with bravo, an hour after the node's clock. */
export function sampleTalk(nowMs: number): Record<string, unknown> {
  return {
    title: 'Maritime safety talk',
    members: ['bravo'],
    startsAt: isoTime(nowMs + HOUR),
    durationMin: 45,
    agenda: [{ title: 'Opening remarks', presenter: 'Alpha', minutes: 5 }, { title: 'Next steps' }],
    participants: [{ name: 'Captain Brandt', node: 'bravo' }],
  };
}

/** Waits until alpha holds an event. */
async function heldAt(node: RunningNode, id: string): Promise<void> {
  await eventually(`event ${id} at ${node.config.nodeId}`, async () =>
    (await node.store.getEvent(id)) ? true : undefined,
  );
}

/** Waits until a node's record has not moved for half a second. */
export async function settled(node: RunningNode): Promise<void> {
  let last = -1;
  let quietPolls = 0;
  await eventually(
    'alpha to settle',
    async () => {
      await node.ledger.idle();
      const now = await node.store.lastArrival();
      quietPolls = now === last ? quietPolls + 1 : 0;
      last = now;
      await new Promise((resolve) => setTimeout(resolve, 100));
      return quietPolls >= 5 ? true : undefined;
    },
    30_000,
  );
}

/** Seeds the record while the pair is linked, then stops bravo and waits for alpha to settle. */
export async function seedRecord(pair: FuzzPair): Promise<SeedTargets> {
  const { alpha, bravo } = pair;
  const nowMs = pair.clock.now();
  await eventually('the link to come up', async () => {
    const peers = (await send(alpha, 'admin', 'GET', '/api/v1/peers')) as { state: string }[];
    return peers[0]?.state === 'up' ? true : undefined;
  });
  const fromAlpha = (await send(alpha, 'officer', 'POST', `/api/v1/lines/${HOTLINE}/messages`, {
    text: 'Alpha desk: radio check',
    precedence: 'ROUTINE',
  })) as { id: string };
  const fromBravo = (await send(bravo, 'officer', 'POST', `/api/v1/lines/${HOTLINE}/messages`, {
    text: 'Bravo desk: we read you',
    precedence: 'IMMEDIATE',
  })) as { id: string };
  const upload = await alpha.node.app.inject({
    method: 'POST',
    url: '/api/v1/blobs',
    headers: { authorization: `Bearer ${alpha.tokens.officer}`, 'content-type': 'application/octet-stream' },
    payload: Buffer.from('a small attachment'),
  });
  const blob = (upload.json() as { hash: string }).hash;
  const report = sampleReport(nowMs);
  const draft = (await send(alpha, 'officer', 'POST', '/api/v1/encounters', { ...report, draft: true })) as {
    encounter: { id: string };
  };
  const submitted = (await send(alpha, 'officer', 'POST', '/api/v1/encounters', report)) as {
    encounter: { id: string };
  };
  const notice = (await send(alpha, 'officer', 'POST', '/api/v1/notices', sampleNotice(nowMs))) as {
    notice: { id: string };
  };
  const talk = (await send(alpha, 'supervisor', 'POST', '/api/v1/talks', sampleTalk(nowMs))) as {
    talk: { id: string; line: string };
  };
  const callRequest = (await send(alpha, 'officer', 'POST', '/api/v1/call-requests', {
    line: HOTLINE,
    level: 'duty-officer',
    topic: 'Fishing fleet near the median line',
    urgency: 'PRIORITY',
  })) as { request: { id: string } };
  const placed = (await send(alpha, 'officer', 'POST', '/api/v1/calls', {
    line: HOTLINE,
    media: 'voice',
    client: 'fuzz-console-1',
  })) as { call: { id: string } };
  await send(alpha, 'officer', 'POST', `/api/v1/calls/${placed.call.id}/hangup`, {});
  const policies = await send(alpha, 'admin', 'GET', '/api/v1/escalation/policies');
  // One password hash, here rather than in the fuzz loop.
  await send(alpha, 'admin', 'POST', '/api/v1/admin/users', {
    username: SPARE_USER,
    role: 'officer',
    password: 'a spare user password',
  });
  await heldAt(alpha.node, fromBravo.id);
  await pair.stopBravo();
  await eventually('alpha to see bravo gone', async () => {
    const peers = (await send(alpha, 'admin', 'GET', '/api/v1/peers')) as { state: string }[];
    return peers[0]?.state === 'down' ? true : undefined;
  });
  await settled(alpha.node);
  return {
    lines: [HOTLINE, talk.talk.line, 'local-alpha'],
    messages: [fromAlpha.id, fromBravo.id],
    encounters: [draft.encounter.id, submitted.encounter.id],
    notices: [notice.notice.id],
    talks: [talk.talk.id],
    callRequests: [callRequest.request.id],
    calls: [placed.call.id],
    blobs: [blob],
    users: ['admin', 'supervisor', 'officer', 'interpreter', 'observer'],
    spareUser: SPARE_USER,
    nodes: ['alpha', 'bravo'],
    bravoCard: nodeCard(bravo.dir),
    samples: {
      report,
      notice: sampleNotice(nowMs),
      talk: sampleTalk(nowMs),
      policies,
    },
  };
}

/** The targets with the ids alpha holds now added (what a peer wrote since the seed, say). */
export async function refreshTargets(alpha: FuzzNode, targets: SeedTargets): Promise<SeedTargets> {
  const list = async <T>(url: string, pick: (body: T) => string[]): Promise<string[]> =>
    pick((await send(alpha, 'admin', 'GET', url)) as T);
  const union = (known: string[], found: string[]) => [...new Set([...known, ...found])].slice(0, 200);
  return {
    ...targets,
    messages: union(
      targets.messages,
      await list<{ id: string }[]>(`/api/v1/lines/${HOTLINE}/messages?limit=200`, (b) => b.map((m) => m.id)),
    ),
    encounters: union(
      targets.encounters,
      await list<{ encounters: { id: string }[] }>('/api/v1/encounters', (b) =>
        b.encounters.map((e) => e.id),
      ),
    ),
    notices: union(
      targets.notices,
      await list<{ notices: { id: string }[] }>('/api/v1/notices', (b) => b.notices.map((n) => n.id)),
    ),
    talks: union(
      targets.talks,
      await list<{ talks: { id: string }[] }>('/api/v1/talks', (b) => b.talks.map((t) => t.id)),
    ),
    callRequests: union(
      targets.callRequests,
      await list<{ requests: { id: string }[] }>('/api/v1/call-requests', (b) => b.requests.map((r) => r.id)),
    ),
  };
}
