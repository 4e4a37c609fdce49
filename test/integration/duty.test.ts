/**
 * The duty roster and translations between two real nodes (HOT5, HOT6): an officer at alpha
 * takes the desk and bravo sees who holds it; a handover to alpha's supervisor carries the open
 * items, and bravo sees the new holder; an interpreter at bravo translates a free-text message
 * of alpha's, and alpha holds the signed translation with its author. The roster survives
 * `liaison rebuild`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { LiaisonEvent } from '../../src/core/types.ts';
import {
  ApiClient,
  BIN,
  type Cluster,
  eventually,
  HOTLINE,
  startCluster,
  waitLinkUp,
} from '../support/cluster.ts';

interface Desk {
  node: string;
  holder: string | null;
  since: string | null;
  isSelf: boolean;
  history: { kind: string; from: string | null; to: string; openItemCount: number }[];
}

interface Roster {
  desks: Desk[];
  handover: {
    from: string;
    to: string;
    note: string | null;
    openItems: { message: string; kind: string; state: string }[];
  } | null;
}

describe('duty roster and translations between two nodes', { timeout: 120_000 }, () => {
  let cluster: Cluster;
  let alphaOfficer: ApiClient;
  let alphaSupervisor: ApiClient;
  let bravoOfficer: ApiClient;
  let bravoInterpreter: ApiClient;

  const deskOf = async (client: ApiClient, node: string) =>
    (await client.get<Roster>('/api/v1/duty')).desks.find((desk) => desk.node === node);

  before(async () => {
    cluster = await startCluster();
    [alphaOfficer, alphaSupervisor, bravoOfficer, bravoInterpreter] = await Promise.all([
      ApiClient.login(cluster.node('alpha').url, 'officer'),
      ApiClient.login(cluster.node('alpha').url, 'supervisor'),
      ApiClient.login(cluster.node('bravo').url, 'officer'),
      ApiClient.login(cluster.node('bravo').url, 'interpreter'),
    ]);
    await Promise.all([waitLinkUp(alphaOfficer), waitLinkUp(bravoOfficer)]);
  });

  after(async () => {
    await cluster?.stop();
  });

  it('[HOT5] an officer at alpha takes the desk and bravo shows who holds it, since when', async () => {
    const taken = await alphaOfficer.post<{ events: LiaisonEvent[] }>('/api/v1/duty/take', {});
    assert.deepEqual(
      taken.events.map((e) => [e.type, e.line, e.author]),
      [['duty.taken', HOTLINE, 'officer@alpha']],
    );
    const atBravo = await eventually('bravo to see alpha’s desk holder', async () => {
      const desk = await deskOf(bravoOfficer, 'alpha');
      return desk?.holder === 'officer@alpha' ? desk : undefined;
    });
    assert.equal(atBravo.since, taken.events[0]?.ts);
    assert.equal(atBravo.isSelf, false);
    assert.equal((await deskOf(bravoOfficer, 'bravo'))?.holder, null, 'bravo’s own desk is empty');
  });

  it('[HOT5] a handover to the supervisor carries the open items and bravo sees the new holder', async () => {
    const ours = await alphaOfficer.post<LiaisonEvent>(`/api/v1/lines/${HOTLINE}/messages`, {
      text: 'Our exercise ends at 1800Z',
      precedence: 'PRIORITY',
    });
    const theirs = await bravoOfficer.post<LiaisonEvent>(`/api/v1/lines/${HOTLINE}/messages`, {
      text: 'Please confirm the exercise area',
      precedence: 'IMMEDIATE',
    });
    await eventually('alpha to hold bravo’s message', async () =>
      (await alphaOfficer.request('GET', `/api/v1/messages/${theirs.id}`)).status === 200 ? true : undefined,
    );
    const handed = await alphaOfficer.post<{ events: LiaisonEvent[] }>('/api/v1/duty/handover', {
      to: 'supervisor',
      note: 'Bravo asked about the area',
    });
    const body = handed.events[0]?.body as {
      from: string;
      to: string;
      openItems: { message: string; kind: string }[];
    };
    assert.equal(handed.events[0]?.type, 'duty.handed-over');
    assert.equal(body.from, 'officer@alpha');
    assert.equal(body.to, 'supervisor@alpha');
    assert.deepEqual(
      body.openItems.map((item) => [item.message, item.kind]).sort(),
      [
        [ours.id, 'awaiting-peer'],
        [theirs.id, 'to-acknowledge'],
      ].sort(),
    );

    const roster = await alphaSupervisor.get<Roster>('/api/v1/duty');
    assert.equal(roster.handover?.to, 'supervisor@alpha');
    assert.equal(roster.handover?.from, 'officer@alpha');
    assert.equal(roster.handover?.note, 'Bravo asked about the area');
    assert.equal(roster.handover?.openItems.length, 2);

    const atBravo = await eventually('bravo to see the handover', async () => {
      const desk = await deskOf(bravoOfficer, 'alpha');
      return desk?.holder === 'supervisor@alpha' ? desk : undefined;
    });
    assert.deepEqual(
      atBravo.history.map((h) => [h.kind, h.from, h.to, h.openItemCount]),
      [
        ['handed-over', 'officer@alpha', 'supervisor@alpha', 2],
        ['taken', null, 'officer@alpha', 0],
      ],
    );
  });

  it('[HOT6] an interpreter at bravo translates alpha’s free-text message; alpha holds the translation with its author', async () => {
    const original = await alphaOfficer.post<LiaisonEvent>(`/api/v1/lines/${HOTLINE}/messages`, {
      text: 'Request you keep clear of the exercise area',
      precedence: 'ROUTINE',
    });
    await eventually('bravo to hold the message', async () =>
      (await bravoInterpreter.request('GET', `/api/v1/messages/${original.id}`)).status === 200
        ? true
        : undefined,
    );
    const refused = await bravoOfficer.request('POST', `/api/v1/messages/${original.id}/translations`, {
      language: 'zh',
      text: '请远离演习区域',
    });
    assert.equal(refused.status, 403, 'an officer is not an interpreter');
    const translation = await bravoInterpreter.post<LiaisonEvent>(
      `/api/v1/messages/${original.id}/translations`,
      {
        language: 'zh',
        text: '请远离演习区域',
      },
    );
    assert.equal(translation.type, 'message.translated');
    const atAlpha = await eventually('alpha to hold the translation', async () => {
      const { events } = await alphaOfficer.get<{ events: LiaisonEvent[] }>(
        `/api/v1/lines/${HOTLINE}/events?limit=10000`,
      );
      return events.find((e) => e.id === translation.id);
    });
    assert.equal(atAlpha.author, 'interpreter@bravo');
    assert.equal(atAlpha.origin, 'bravo');
    assert.deepEqual(atAlpha.body, { message: original.id, language: 'zh', text: '请远离演习区域' });
    const listed = await alphaOfficer.get<{ latest: { language: string; author: string; text: string }[] }>(
      `/api/v1/messages/${original.id}/translations`,
    );
    assert.deepEqual(listed.latest, [
      { ...listed.latest[0], language: 'zh', author: 'interpreter@bravo', text: '请远离演习区域' },
    ]);
  });

  it('[HOT5] the roster survives `liaison rebuild`: it is read from the record', async () => {
    const before = await alphaOfficer.get<Roster>('/api/v1/duty');
    const rebuilt = spawnSync(process.execPath, [BIN, 'rebuild', '--data', cluster.node('alpha').dir], {
      encoding: 'utf8',
      env: cluster.envFor('alpha'),
    });
    assert.equal(rebuilt.status, 0, rebuilt.stderr);
    await cluster.node('alpha').stop();
    await cluster.node('alpha').start();
    const client = await ApiClient.login(cluster.node('alpha').url, 'observer');
    const after = await client.get<Roster>('/api/v1/duty');
    assert.deepEqual(
      after.desks.map((d) => [d.node, d.holder, d.since, d.history.length]),
      before.desks.map((d) => [d.node, d.holder, d.since, d.history.length]),
    );
  });
});
