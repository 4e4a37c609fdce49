/**
 * Encounter reports between two real nodes (ENC1, ENC2, HOT1): alpha submits a report; bravo
 * lists it with the same reference and report, its item (the message bravo acknowledges) is
 * delivered; bravo acknowledges and both say acknowledged; bravo replies in the encounter's
 * thread and alpha holds the reply; either side moves it to consultation and closes it with an
 * outcome, and both agree. A draft stays at alpha and never reaches bravo. Every field of a bad
 * report gets a 400 naming it and records nothing; an observer may read but not report. Last, a
 * hostile peer in bravo's place sends encounter events with bad bodies: they are ignored, and
 * alpha keeps serving.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { canonicalBytes } from '../../src/core/canonical.ts';
import { signEvent } from '../../src/core/event.ts';
import type { Signer } from '../../src/core/sign.ts';
import type { JsonObject, LiaisonEvent, UnsignedEnvelope } from '../../src/core/types.ts';
import { proofPayload, type ReceiptBody } from '../../src/federation/protocol.ts';
import { loadSigner, loadTlsIdentity } from '../../src/node/folder.ts';
import {
  ApiClient,
  type Cluster,
  eventually,
  HOTLINE,
  startCluster,
  waitLinkUp,
} from '../support/cluster.ts';

interface Encounter {
  id: string;
  ref: string;
  state: string;
  line: string | null;
  origin: string;
  author: string;
  report: Record<string, unknown>;
  acknowledgement: {
    id: string;
    precedence: string;
    state: string;
    deliveredAt: string | null;
    ackedBy: string | null;
    deadline: string;
  } | null;
  consultationAt: string | null;
  closedAt: string | null;
  outcome: string | null;
}

interface Refusal {
  error: string;
  message: string;
  fields?: { path: string; message: string }[];
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/** A complete report: every field of ENC1 given once. */
function fullReport(): Record<string, unknown> {
  return {
    domain: 'sea',
    occurredAt: minutesAgo(20),
    position: { lat: 24.508333, lon: 122.253333 },
    severity: 'high',
    ownPlatforms: [
      {
        kind: 'destroyer',
        name: 'Aubert',
        hull: 'D 651',
        callSign: 'Alpha One',
        position: { lat: 24.5, lon: 122.25 },
        courseDeg: 45,
        speedKn: 18,
      },
    ],
    otherPlatforms: [{ kind: 'frigate', name: 'unknown', hull: '572', callSign: 'Victor 2' }],
    closestApproach: { distanceM: 550, at: minutesAgo(18) },
    behaviours: ['crossing-ahead', 'no-response'],
    communications: [
      { kind: 'radio', text: 'Warship 572, this is Alpha One on channel 16, alter course', answered: false },
      { kind: 'light', text: 'AA AA', answered: true },
    ],
    narrative: 'The frigate crossed our bow at 600 yards from the north-east.',
  };
}

/** The report with `path` (dotted) set to `value`, or removed when `value` is undefined. */
function withField(path: string, value: unknown): Record<string, unknown> {
  const report = fullReport();
  const keys = path.split('.');
  let target: Record<string, unknown> = report;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = keys.at(-1) as string;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return report;
}

/** One bad field: the body and the path the node must name. */
const BAD_FIELDS: { what: string; body: unknown; path: string }[] = [
  { what: 'a domain other than sea or air', body: withField('domain', 'space'), path: 'domain' },
  { what: 'a time without a zone', body: withField('occurredAt', '2026-11-27 02:40'), path: 'occurredAt' },
  {
    what: 'a time in the future',
    body: withField('occurredAt', new Date(Date.now() + 3_600_000).toISOString()),
    path: 'occurredAt',
  },
  { what: 'no position', body: withField('position', undefined), path: 'position' },
  { what: 'a latitude beyond 90', body: withField('position.lat', 91), path: 'position.lat' },
  { what: 'a longitude beyond 180', body: withField('position.lon', -181), path: 'position.lon' },
  { what: 'an unknown severity', body: withField('severity', 'apocalyptic'), path: 'severity' },
  { what: 'none of our platforms', body: withField('ownPlatforms', []), path: 'ownPlatforms' },
  { what: 'none of theirs', body: withField('otherPlatforms', []), path: 'otherPlatforms' },
  {
    what: 'a platform kind not on the list',
    body: withField('ownPlatforms.0.kind', 'battleship'),
    path: 'ownPlatforms.0.kind',
  },
  {
    what: 'an aircraft at sea',
    body: withField('otherPlatforms.0.kind', 'fighter'),
    path: 'otherPlatforms.0.kind',
  },
  {
    what: 'a platform with an empty name',
    body: withField('ownPlatforms.0.name', '  '),
    path: 'ownPlatforms.0.name',
  },
  {
    what: 'a hull number over 40 characters',
    body: withField('ownPlatforms.0.hull', 'H'.repeat(41)),
    path: 'ownPlatforms.0.hull',
  },
  {
    what: 'a tail number over 40 characters',
    body: withField('otherPlatforms.0.tail', 'T'.repeat(41)),
    path: 'otherPlatforms.0.tail',
  },
  {
    what: 'a call sign over 40 characters',
    body: withField('otherPlatforms.0.callSign', 'C'.repeat(41)),
    path: 'otherPlatforms.0.callSign',
  },
  {
    what: 'a platform position off the globe',
    body: withField('ownPlatforms.0.position', { lat: 0, lon: 200 }),
    path: 'ownPlatforms.0.position.lon',
  },
  {
    what: 'a course over 360',
    body: withField('ownPlatforms.0.courseDeg', 361),
    path: 'ownPlatforms.0.courseDeg',
  },
  { what: 'a negative speed', body: withField('ownPlatforms.0.speedKn', -1), path: 'ownPlatforms.0.speedKn' },
  {
    what: 'an unknown platform field',
    body: withField('ownPlatforms.0.colour', 'grey'),
    path: 'ownPlatforms.0',
  },
  {
    what: 'an attachment that is not a blob name',
    body: withField('attachments', ['photo.jpg']),
    path: 'attachments.0',
  },
  {
    what: 'a closest approach over 1,000 km',
    body: withField('closestApproach.distanceM', 2_000_000),
    path: 'closestApproach.distanceM',
  },
  {
    what: 'a closest approach time that does not read',
    body: withField('closestApproach.at', 'soon'),
    path: 'closestApproach.at',
  },
  {
    what: 'a closest approach two days off',
    body: withField('closestApproach.at', minutesAgo(48 * 60)),
    path: 'closestApproach.at',
  },
  { what: 'behaviours that are not a list', body: withField('behaviours', 'laser'), path: 'behaviours' },
  {
    what: 'a behaviour not on the list',
    body: withField('behaviours', ['laser', 'rudeness']),
    path: 'behaviours.1',
  },
  {
    what: 'a communication of an unknown kind',
    body: withField('communications.0.kind', 'pigeon'),
    path: 'communications.0.kind',
  },
  {
    what: 'a communication without text',
    body: withField('communications.1.text', ''),
    path: 'communications.1.text',
  },
  {
    what: 'a communication not saying if answered',
    body: withField('communications.0.answered', 'maybe'),
    path: 'communications.0.answered',
  },
  { what: 'no narrative', body: withField('narrative', undefined), path: 'narrative' },
  {
    what: 'a narrative over 20,000 characters',
    body: withField('narrative', 'x'.repeat(20_001)),
    path: 'narrative',
  },
  { what: 'a draft flag that is not a boolean', body: withField('draft', 'yes'), path: 'draft' },
  { what: 'a line that is not a line id', body: withField('line', '../etc'), path: 'line' },
  { what: 'an unknown field', body: withField('weather', 'fair'), path: '(body)' },
  { what: 'a body that is not an object', body: ['not', 'a', 'report'], path: '(body)' },
];

describe('encounter reports between two real nodes', { timeout: 180_000 }, () => {
  let cluster: Cluster;
  let alpha: ApiClient;
  let bravo: ApiClient;
  let observer: ApiClient;
  let submitted: Encounter;
  let draftId: string;

  const encountersAt = async (client: ApiClient) =>
    (await client.get<{ encounters: Encounter[] }>('/api/v1/encounters')).encounters;
  const encounterAt = async (client: ApiClient, id: string) =>
    (await encountersAt(client)).find((encounter) => encounter.id === id);
  const linesAt = async (client: ApiClient) =>
    (await client.get<{ id: string }[]>('/api/v1/lines')).map((l) => l.id);

  before(async () => {
    cluster = await startCluster();
    [alpha, bravo, observer] = await Promise.all([
      ApiClient.login(cluster.node('alpha').url, 'officer'),
      ApiClient.login(cluster.node('bravo').url, 'officer'),
      ApiClient.login(cluster.node('alpha').url, 'observer'),
    ]);
    await Promise.all([waitLinkUp(alpha), waitLinkUp(bravo)]);
  });

  after(async () => {
    await cluster?.stop();
  });

  it('[ENC1] [ENC2] [HOT1] alpha submits; bravo lists the same ref and report; the item is delivered', async () => {
    const report = fullReport();
    const { status, body } = await alpha.request('POST', '/api/v1/encounters', report);
    assert.equal(status, 201, JSON.stringify(body));
    submitted = (body as { encounter: Encounter }).encounter;
    assert.equal(submitted.state, 'submitted');
    assert.match(submitted.ref, /^ALPHA-\d{8}-[0-9A-F]{4}$/);
    assert.equal(submitted.line, submitted.id, 'the encounter is its thread line');
    assert.equal(submitted.author, 'officer@alpha');
    assert.equal(submitted.acknowledgement?.precedence, 'IMMEDIATE', 'high severity → IMMEDIATE');
    assert.deepEqual(submitted.report, report);

    const atBravo = await eventually('bravo to list the encounter', () => encounterAt(bravo, submitted.id));
    assert.equal(atBravo.ref, submitted.ref);
    assert.equal(atBravo.origin, 'alpha');
    assert.equal(atBravo.state, 'submitted');
    assert.deepEqual(atBravo.report, report);
    assert.equal(atBravo.acknowledgement?.id, submitted.acknowledgement?.id);
    assert.equal(
      atBravo.acknowledgement?.deadline,
      submitted.acknowledgement?.deadline,
      'one deadline for both',
    );
    assert.ok((await linesAt(bravo)).includes(submitted.id), 'bravo holds the thread line');
    await eventually('alpha to see its item delivered', async () => {
      const held = await encounterAt(alpha, submitted.id);
      return held?.acknowledgement?.deliveredAt ? held : undefined;
    });
  });

  it('[ENC2] [HOT3] bravo acknowledges the item: both nodes say acknowledged', async () => {
    const itemId = submitted.acknowledgement?.id;
    assert.ok(itemId);
    const refused = await alpha.request('POST', `/api/v1/messages/${itemId}/ack`, {});
    assert.equal(refused.status, 409, 'alpha cannot acknowledge its own report');
    await bravo.post(`/api/v1/messages/${itemId}/ack`, { text: 'Received, checking with the ship' });
    for (const client of [bravo, alpha]) {
      const held = await eventually('the encounter to be acknowledged', async () => {
        const encounter = await encounterAt(client, submitted.id);
        return encounter?.state === 'acknowledged' ? encounter : undefined;
      });
      assert.equal(held.acknowledgement?.ackedBy, 'officer@bravo');
    }
  });

  it('[ENC2] [HOT1] bravo replies in the encounter’s thread; alpha holds the reply', async () => {
    const reply = await bravo.post<LiaisonEvent>(`/api/v1/lines/${submitted.id}/messages`, {
      text: 'Our frigate reports a range of 900 yards. We propose to compare tracks.',
      precedence: 'PRIORITY',
    });
    await eventually('alpha to hold the reply', async () => {
      const { events } = await alpha.get<{ events: LiaisonEvent[] }>(`/api/v1/lines/${submitted.id}/events`);
      return events.some((event) => event.id === reply.id) ? true : undefined;
    });
  });

  it('[ENC2] consultation, then closed with an outcome: both nodes agree; a closed one stays closed', async () => {
    const consulted = await alpha.post<{ encounter: Encounter }>(
      `/api/v1/encounters/${submitted.id}/consult`,
      {},
    );
    assert.equal(consulted.encounter.state, 'consultation');
    await eventually('bravo to see the consultation', async () =>
      (await encounterAt(bravo, submitted.id))?.state === 'consultation' ? true : undefined,
    );
    const outcome = 'Tracks compared; both navies reminded their units of the rules of the road.';
    const closed = await bravo.post<{ encounter: Encounter }>(`/api/v1/encounters/${submitted.id}/close`, {
      outcome,
    });
    assert.equal(closed.encounter.state, 'closed');
    const atAlpha = await eventually('alpha to see it closed', async () => {
      const encounter = await encounterAt(alpha, submitted.id);
      return encounter?.state === 'closed' ? encounter : undefined;
    });
    assert.equal(atAlpha.outcome, outcome);
    assert.equal(atAlpha.closedAt, closed.encounter.closedAt);
    assert.equal(atAlpha.consultationAt, consulted.encounter.consultationAt);
    const again = await alpha.request('POST', `/api/v1/encounters/${submitted.id}/consult`, {});
    assert.equal(again.status, 409);
    assert.equal((again.body as Refusal).error, 'encounter-closed');
    const noOutcome = await alpha.request('POST', `/api/v1/encounters/${submitted.id}/close`, {
      outcome: ' ',
    });
    assert.equal(noOutcome.status, 400);
    assert.deepEqual(
      (noOutcome.body as Refusal).fields?.map((f) => f.path),
      ['outcome'],
    );
  });

  it('[ENC2] a draft stays at alpha, is updated in place, and never reaches bravo until submitted', async () => {
    const { status, body } = await alpha.request('POST', '/api/v1/encounters', {
      ...fullReport(),
      draft: true,
    });
    assert.equal(status, 201, JSON.stringify(body));
    const draft = (body as { encounter: Encounter }).encounter;
    draftId = draft.id;
    assert.equal(draft.state, 'draft');
    assert.equal(draft.line, null);
    assert.equal(draft.acknowledgement, null);
    const updated = await alpha.request('PUT', `/api/v1/encounters/${draftId}`, {
      ...fullReport(),
      narrative: 'Second version, after talking to the bridge.',
    });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(
      (await encounterAt(alpha, draftId))?.report.narrative,
      'Second version, after talking to the bridge.',
    );
    const badUpdate = await alpha.request(
      'PUT',
      `/api/v1/encounters/${draftId}`,
      withField('severity', 'none'),
    );
    assert.equal(badUpdate.status, 400);
    assert.deepEqual(
      (badUpdate.body as Refusal).fields?.map((f) => f.path),
      ['severity'],
    );
    const notADraft = await alpha.request('PUT', `/api/v1/encounters/${submitted.id}`, fullReport());
    assert.equal(notADraft.status, 409);

    // Something alpha sends after the draft reaches bravo; the draft does not come with it.
    const marker = await alpha.post<LiaisonEvent>(`/api/v1/lines/${HOTLINE}/messages`, {
      text: 'Marker after the draft',
      precedence: 'ROUTINE',
    });
    await eventually('bravo to hold the marker', async () => {
      const { events } = await bravo.get<{ events: LiaisonEvent[] }>(`/api/v1/lines/${HOTLINE}/events`);
      return events.some((event) => event.id === marker.id) ? true : undefined;
    });
    assert.equal(await encounterAt(bravo, draftId), undefined, 'bravo never holds alpha’s draft');
    assert.ok(!(await linesAt(bravo)).includes(`local-alpha`), 'nor alpha’s local line');

    const sent = await alpha.post<{ encounter: Encounter; fromDraft: string }>(
      `/api/v1/encounters/${draftId}/submit`,
      {},
    );
    assert.equal(sent.fromDraft, draftId);
    assert.equal(sent.encounter.state, 'submitted');
    assert.equal(sent.encounter.report.narrative, 'Second version, after talking to the bridge.');
    await eventually('bravo to list the submitted draft', () => encounterAt(bravo, sent.encounter.id));
  });

  for (const { what, body, path } of BAD_FIELDS) {
    it(`[ENC1] [SEC3] ${what} → 400 naming ${path}, and nothing is recorded`, async () => {
      const [encountersBefore, linesBefore] = await Promise.all([encountersAt(alpha), linesAt(alpha)]);
      const { status, body: refusal } = await alpha.request('POST', '/api/v1/encounters', body);
      assert.equal(status, 400, JSON.stringify(refusal));
      assert.equal((refusal as Refusal).error, 'invalid-input');
      const paths = (refusal as Refusal).fields?.map((f) => f.path) ?? [];
      assert.ok(paths.includes(path), `${path} in ${JSON.stringify(refusal)}`);
      const [encountersAfter, linesAfter] = await Promise.all([encountersAt(alpha), linesAt(alpha)]);
      assert.equal(encountersAfter.length, encountersBefore.length);
      assert.deepEqual(linesAfter, linesBefore);
    });
  }

  it('[SEC1] an observer reads encounters but may not report, consult or close (403)', async () => {
    assert.ok((await encountersAt(observer)).length > 0);
    const codes = await observer.get<{ behaviours: { code: string; name: Record<string, string> }[] }>(
      '/api/v1/encounters/codes',
    );
    assert.equal(codes.behaviours.find((b) => b.code === 'laser')?.name.ja, 'レーザーの照射');
    for (const [path, body] of [
      ['/api/v1/encounters', fullReport()],
      ['/api/v1/encounters', { ...fullReport(), draft: true }],
      [`/api/v1/encounters/${draftId}/submit`, {}],
      [`/api/v1/encounters/${submitted.id}/consult`, {}],
      [`/api/v1/encounters/${submitted.id}/close`, { outcome: 'Observers close nothing' }],
    ] as const) {
      const { status } = await observer.request('POST', path, body);
      assert.equal(status, 403, path);
    }
    assert.equal((await observer.request('PUT', `/api/v1/encounters/${draftId}`, fullReport())).status, 403);
  });

  it('[ENC2] [LOG8] encounter events with bad bodies from a hostile peer are ignored; alpha keeps serving', async () => {
    const open = await alpha.post<{ encounter: Encounter }>('/api/v1/encounters', fullReport());
    const thread = open.encounter.id;
    await eventually('bravo to hold the open encounter', () => encounterAt(bravo, thread));
    // Taken once alpha knows bravo holds the item, so its delivery cannot change under the test.
    const before = await eventually('alpha to see the item delivered', async () => {
      const held = await encounterAt(alpha, thread);
      return held?.acknowledgement?.deliveredAt ? held : undefined;
    });

    const bravoNode = cluster.node('bravo');
    await bravoNode.stop('SIGTERM');
    const peer = await FakePeer.connect(
      `wss://127.0.0.1:${cluster.node('alpha').federationPort}`,
      loadTlsIdentity(bravoNode.dir, 'bravo'),
    );
    try {
      const signer = loadSigner(bravoNode.dir);
      await peer.handshake('bravo', signer);
      peer.send({ t: 'heads', heads: {} });
      const hostile: [string, JsonObject][] = [
        ['encounter.submitted', { encounter: thread, ref: 'EVIL', report: { narrative: 'not a report' } }],
        [
          'encounter.submitted',
          { encounter: thread, ref: 'EVIL', report: { ...fullReport(), severity: 9 } as JsonObject },
        ],
        [
          'encounter.submitted',
          { encounter: 'line-elsewhere', ref: 'EVIL', report: fullReport() as JsonObject },
        ],
        ['encounter.submitted', { encounter: 12, report: 'nothing' }],
        ['encounter.submitted', {}],
        ['encounter.state', { encounter: thread, state: 'closed' }],
        ['encounter.state', { encounter: 'no-such-encounter', state: 'consultation' }],
        ['encounter.closed', { encounter: 'no-such-encounter', outcome: 'Closed by nobody' }],
      ];
      let batch = 0;
      for (const [type, body] of hostile) {
        const envelope = await nextBravoEvent(alpha, thread, type, body);
        batch += 1;
        const receipt = await peer.batch(batch, [withoutId(signEvent(envelope, signer))]);
        assert.deepEqual(receipt.rejected, [], `${type} is a well-signed event the record keeps`);
      }
      const { status } = await alpha.request('GET', '/api/v1/encounters');
      assert.equal(status, 200);
      const after = await encounterAt(alpha, thread);
      assert.deepEqual(after, before, 'the open encounter is as it was');
      assert.ok(!(await encountersAt(alpha)).some((encounter) => encounter.ref === 'EVIL'));
      const health = await fetch(`${cluster.node('alpha').url}/healthz`);
      assert.equal(health.status, 200);
    } finally {
      peer.close();
    }
  });
});

/** An event's envelope as a peer sends it (the id is computed by the receiver). */
function withoutId(event: LiaisonEvent): Omit<LiaisonEvent, 'id'> {
  const { id: _id, ...envelope } = event;
  return envelope;
}

/** The next well-formed event bravo could write on `line`, built from what alpha holds. */
async function nextBravoEvent(
  client: ApiClient,
  line: string,
  type: string,
  body: JsonObject,
): Promise<UnsignedEnvelope> {
  const { events } = await client.get<{ events: LiaisonEvent[] }>(`/api/v1/lines/${line}/events?limit=10000`);
  const lastOf = (origin: string) =>
    events
      .filter((event) => event.origin === origin)
      .sort((a, b) => a.seq - b.seq)
      .at(-1);
  const bravoHead = lastOf('bravo');
  const alphaHead = lastOf('alpha');
  assert.ok(alphaHead);
  return {
    v: 1,
    line,
    origin: 'bravo',
    seq: (bravoHead?.seq ?? 0) + 1,
    prev: bravoHead?.id ?? null,
    clock: 1 + Math.max(bravoHead?.clock ?? 0, alphaHead.clock),
    deps: { alpha: alphaHead.id },
    ts: new Date().toISOString(),
    author: 'officer@bravo',
    type,
    body,
  };
}

interface Frame {
  t: string;
  [key: string]: unknown;
}

/** A raw federation client speaking as bravo (as in hostile-peer.test.ts). */
class FakePeer {
  readonly frames: Frame[] = [];
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.frames.push(JSON.parse(data.toString()) as Frame));
  }

  static async connect(url: string, tls: { keyPem: string; certPem: string }): Promise<FakePeer> {
    // Listen before the socket opens: the node's hello can arrive with the upgrade response.
    const peer = new FakePeer(
      new WebSocket(url, { key: tls.keyPem, cert: tls.certPem, rejectUnauthorized: false }),
    );
    await new Promise((resolve, reject) => {
      peer.socket.once('open', resolve);
      peer.socket.once('error', reject);
    });
    return peer;
  }

  send(frame: object): void {
    this.socket.send(JSON.stringify(frame));
  }

  private take(match: (frame: Frame) => boolean, what: string): Promise<Frame> {
    return eventually(what, async () => {
      const index = this.frames.findIndex(match);
      return index < 0 ? undefined : this.frames.splice(index, 1)[0];
    });
  }

  async handshake(node: string, signer: Signer): Promise<void> {
    this.send({ t: 'hello', protocol: 1, node, nonce: randomBytes(16).toString('base64url') });
    const hello = await this.take((frame) => frame.t === 'hello', 'the node’s hello');
    this.send({
      t: 'proof',
      sig: signer.sign(canonicalBytes(proofPayload(node, 'alpha', hello.nonce as string))),
    });
  }

  async batch(n: number, events: unknown[]): Promise<ReceiptBody> {
    this.send({ t: 'batch', n, events });
    const receipt = await this.take(
      (frame) => frame.t === 'receipt' && (frame.body as ReceiptBody).n === n,
      `receipt ${n}`,
    );
    return receipt.body as ReceiptBody;
  }

  close(): void {
    this.socket.terminate();
  }
}
