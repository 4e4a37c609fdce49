/**
 * The dossier (ENC5, ENC2) on two real ledgers with in-memory SQLite stores and real keys (only
 * time is faked): alpha issues a notice, reports an encounter inside it, bravo acknowledges the
 * item, replies and has it translated, a call is made, alpha closes the encounter. The dossier's
 * JSONL verifies and holds both lines whole; the same heads give the same bytes; its page shows
 * the report, the notice, every step of the thread and the call, in the reader's language.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Fastify from 'fastify';
import { isoTime } from '../core/clock.ts';
import { encounterReportSchema } from '../core/encounter.ts';
import { verifyExport } from '../core/exportFormat.ts';
import { ROLES } from '../core/types.ts';
import { Hotline } from '../hotline/messages.ts';
import type { Ledger } from '../record/ledger.ts';
import {
  closeStores,
  type LedgerNode,
  type LedgerPair,
  LINE,
  makeLedgerPair,
  T0,
} from '../record/testLedgers.ts';
import { registerDossierRoutes } from '../server/dossierRoutes.ts';
import { installErrorHandling } from '../server/errors.ts';
import { buildDossier, type DossierSources, exportDossier } from './dossier.ts';
import { renderDossierHtml } from './dossierHtml.ts';
import { DossierPrinter } from './dossierPdf.ts';
import { Encounters } from './encounters.ts';
import { Notices } from './notices.ts';

const DEADLINES = { FLASH: 600_000, IMMEDIATE: 1_800_000, PRIORITY: 10_800_000, ROUTINE: 21_600_000 };
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

const REPORT = encounterReportSchema.parse({
  domain: 'sea',
  occurredAt: iso(T0 - HOUR),
  position: { lat: 24.5, lon: 122.5 },
  severity: 'high',
  ownPlatforms: [{ kind: 'destroyer', name: '阿尔法一号', hull: 'DD-101', callSign: 'ALPHA ONE' }],
  otherPlatforms: [{ kind: 'frigate', name: 'ブラボー二号' }],
  closestApproach: { distanceM: 370, at: iso(T0 - HOUR + 10 * 60_000) },
  behaviours: ['unsafe-approach', 'fire-control-radar'],
  communications: [{ kind: 'radio', text: '请保持安全距离', answered: false }],
  narrative: '对方舰艇在左舷370米处横越。相手艦は左舷370メートルで横切った。',
});

/** Sends `to` what `from` holds of `line` and `to` lacks, of both origins. */
async function syncLine(from: LedgerNode, to: LedgerNode, line: string): Promise<void> {
  const events = [];
  for (const origin of ['alpha', 'bravo']) {
    const held = to.ledger.heldSeq(line, origin);
    const latest = from.ledger.heldSeq(line, origin);
    if (latest > held)
      for (const stored of await from.store.eventsBySeqRange(line, origin, held + 1, latest))
        events.push(stored.event);
  }
  const result = await to.ledger.receive(events, from.id);
  assert.deepEqual(result.rejected, []);
}

function sourcesOf(node: LedgerNode, pair: LedgerPair, hotline: Hotline): DossierSources {
  const notices = new Notices({
    selfId: node.id,
    ledger: node.ledger,
    store: node.store,
    hotline,
    clock: pair.clock,
  });
  const encounters = new Encounters({
    selfId: node.id,
    ledger: node.ledger,
    store: node.store,
    hotline,
    clock: pair.clock,
    noticeMatcher: () => notices.matcher(),
  });
  return {
    nodeId: node.id,
    nodeName: `${node.id} ministry`,
    store: node.store,
    ledger: node.ledger,
    clock: pair.clock,
    signer: () => node.signer,
    encounters,
    notices,
  };
}

const lineOf = (ledger: Ledger, id: string) => ledger.getLine(id);

describe('the dossier of an encounter', () => {
  let pair: LedgerPair;
  let alpha: DossierSources;
  let alphaHotline: Hotline;
  let bravoHotline: Hotline;

  beforeEach(async () => {
    pair = await makeLedgerPair({ withNodes: true });
    alphaHotline = new Hotline(pair.alpha.ledger, pair.alpha.store, DEADLINES, pair.clock);
    bravoHotline = new Hotline(pair.bravo.ledger, pair.bravo.store, DEADLINES, pair.clock);
    alpha = sourcesOf(pair.alpha, pair, alphaHotline);
  });
  afterEach(closeStores);

  /** The story of the module's doc comment; returns the encounter id, its item and bravo's reply. */
  async function story(): Promise<{ id: string; item: string; reply: string; notice: string }> {
    const notice = await alpha.notices.issue('officer@alpha', {
      kind: 'exercise',
      title: 'Surface exercise EAST SHIELD',
      area: { type: 'circle', center: { lat: 24.5, lon: 122.5 }, radiusM: 50_000 },
      from: iso(T0 - 3 * HOUR),
      until: iso(T0 + 3 * HOUR),
      contact: 'Alpha duty desk, channel 16',
    });
    pair.clock.advance(60_000);
    const encounter = await alpha.encounters.submit('officer@alpha', REPORT);
    const thread = encounter.line ?? '';
    const item = encounter.acknowledgement?.id ?? '';
    await syncLine(pair.alpha, pair.bravo, LINE);
    await syncLine(pair.alpha, pair.bravo, thread);
    pair.clock.advance(120_000);
    await bravoHotline.acknowledge(item, 'officer@bravo', '收到，正在核查。');
    const reply = await bravoHotline.post(thread, 'officer@bravo', {
      text: '当方の記録では距離は500メートル。',
      precedence: 'PRIORITY',
    });
    await pair.bravo.ledger.append(thread, 'interpreter@bravo', 'message.translated', {
      message: reply.event.id,
      language: 'en',
      text: 'Our record gives the distance as 500 m.',
    });
    await pair.bravo.ledger.append(LINE, 'officer@bravo', 'call.started', {
      call: 'call-0001-abcd',
      media: 'voice',
      callee: 'alpha',
    });
    await syncLine(pair.bravo, pair.alpha, LINE);
    pair.clock.advance(30_000);
    await pair.alpha.ledger.append(LINE, 'supervisor@alpha', 'call.answered', { call: 'call-0001-abcd' });
    pair.clock.advance(90_000);
    await pair.alpha.ledger.append(LINE, 'alpha', 'call.ended', {
      call: 'call-0001-abcd',
      reason: 'hangup',
      durationMs: 90_000,
    });
    await syncLine(pair.bravo, pair.alpha, LINE);
    await syncLine(pair.bravo, pair.alpha, thread);
    pair.clock.advance(60_000);
    await alpha.encounters.consult(thread, 'officer@alpha');
    pair.clock.advance(60_000);
    await alpha.encounters.close(thread, 'supervisor@alpha', '双方同意加强现场通信。');
    return { id: thread, item, reply: reply.event.id, notice: notice.id };
  }

  it('[ENC5] [ENC2] the JSONL holds the hotline and the thread whole and verifies', async () => {
    const { id } = await story();
    const encounter = await alpha.encounters.get(id);
    assert.ok(encounter);
    const exported = await exportDossier(alpha, encounter);
    const report = await verifyExport(exported.jsonl.trimEnd().split('\n'));
    assert.equal(report.ok, true, JSON.stringify(report.error));
    assert.deepEqual(report.lines, [LINE, id]);
    assert.equal(report.events, exported.events);
    assert.equal(exported.sha256, createHash('sha256').update(exported.jsonl).digest('hex'));
    assert.deepEqual(Object.keys(exported.heads).sort(), [LINE, id].sort());
    assert.equal(exported.heads[id]?.alpha?.seq, pair.alpha.ledger.heldSeq(id, 'alpha'));
    assert.equal(exported.heads[id]?.bravo?.seq, pair.alpha.ledger.heldSeq(id, 'bravo'));
    assert.equal(exported.hotline.id, LINE);
    assert.equal(lineOf(pair.alpha.ledger, id)?.kind, 'thread');
  });

  it('[ENC5] the same heads give the same file byte for byte; a new event changes it', async () => {
    const { id } = await story();
    const encounter = await alpha.encounters.get(id);
    assert.ok(encounter);
    const first = await exportDossier(alpha, encounter);
    pair.clock.advance(5 * 60_000);
    const second = await exportDossier(alpha, encounter);
    assert.equal(second.jsonl, first.jsonl, 'the trailer is dated by the newest event, not by the clock');
    assert.equal(second.sha256, first.sha256);
    await alphaHotline.post(LINE, 'officer@alpha', { text: 'Drill', precedence: 'ROUTINE' });
    const third = await exportDossier(alpha, encounter);
    assert.notEqual(third.sha256, first.sha256);
    assert.equal(JSON.parse(third.jsonl.trimEnd().split('\n').at(-1) ?? '{}').trailer.ts, third.newestAt);
  });

  it('[ENC5] the page shows the report, the notice, every step of the thread and the call, in Chinese', async () => {
    const { id, notice } = await story();
    const { content, exported } = await buildDossier(alpha, id, 'zh', 'officer@alpha');
    const html = renderDossierHtml(content);
    const encounter = content.encounter;
    assert.equal(encounter.state, 'closed');
    for (const expected of [
      encounter.ref,
      '已结案',
      '对方舰艇在左舷370米处横越。',
      '阿尔法一号',
      'ブラボー二号',
      '驱逐舰',
      '危险接近',
      'Unsafe approach',
      '以火控雷达或瞄准雷达照射对方平台。',
      'Illuminating the other platform with a fire-control or targeting radar.',
      '请保持安全距离',
      '370米',
      'Surface exercise EAST SHIELD',
      'Alpha duty desk, channel 16',
      '报告已提交',
      '已确认',
      'officer@bravo',
      '收到，正在核查。',
      '在时限内',
      '当方の記録では距離は500メートル。',
      'Our record gives the distance as 500 m.',
      '进入磋商',
      '双方同意加强现场通信。',
      'supervisor@alpha',
      '挂断',
      '1:30',
      exported.sha256,
    ]) {
      assert.ok(html.includes(expected), `the page shows ${expected}`);
    }
    assert.deepEqual(
      content.notices.map((n) => n.id),
      [notice],
    );
    assert.equal(content.calls.length, 1);
    assert.equal(content.calls[0]?.answeredBy, 'supervisor@alpha');
    for (const [line, origins] of Object.entries(exported.heads)) {
      assert.ok(html.includes(line));
      for (const head of Object.values(origins)) assert.ok(html.includes(head.id), `head ${head.id} printed`);
    }
    // The item is rendered in the reader's language from its template (HOT6).
    const item = content.threadEvents.find((e) => e.id === encounter.acknowledgement?.id);
    assert.equal(item?.type, 'message.posted');
    assert.ok(html.includes('class="item"'));
  });

  it('[ENC5] the page in Japanese and in English', async () => {
    const { id } = await story();
    const ja = renderDossierHtml((await buildDossier(alpha, id, 'ja', 'officer@alpha')).content);
    for (const expected of ['遭遇事案記録', '危険な接近', 'Unsafe approach', '駆逐艦', '確認', '終結']) {
      assert.ok(ja.includes(expected), `the Japanese page shows ${expected}`);
    }
    assert.match(ja, /<html lang="ja">/);
    const en = renderDossierHtml((await buildDossier(alpha, id, 'en', 'officer@alpha')).content);
    for (const expected of [
      'Encounter dossier',
      'Unsafe approach',
      'Destroyer',
      'within the deadline',
      'Closed',
    ]) {
      assert.ok(en.includes(expected), `the English page shows ${expected}`);
    }
    assert.ok(!en.includes('危险接近'), 'an English reader gets the English definitions only');
  });

  it('[ENC5] a draft has no dossier, an unknown encounter neither', async () => {
    // Drafts stay on the node's local line.
    await pair.alpha.ledger.addLine({
      id: 'local-alpha',
      kind: 'local',
      title: 'Alpha (local notes)',
      members: ['alpha'],
      createdAt: iso(T0),
    });
    await pair.alpha.ledger.append('local-alpha', 'alpha', 'line.created', {
      kind: 'local',
      title: 'Alpha (local notes)',
      members: ['alpha'],
    });
    const draft = await alpha.encounters.draft('officer@alpha', { ...REPORT, draft: true });
    await assert.rejects(buildDossier(alpha, draft.id, 'en', 'officer@alpha'), { code: 'not-submitted' });
    await assert.rejects(buildDossier(alpha, 'line-000000000000', 'en', 'officer@alpha'), {
      code: 'unknown-encounter',
    });
  });
  it('[ENC5] [SEC3] the route: each format with its hash, the refusals, and 503 without Chromium', async () => {
    const { id } = await story();
    for (const role of ROLES) {
      await pair.alpha.store.putUser({
        username: role,
        role,
        passwordHash: 'unused',
        totpSecret: null,
        createdAt: isoTime(T0),
        failedLogins: 0,
        lockedUntil: null,
      });
    }
    const app = Fastify();
    installErrorHandling(app);
    app.decorateRequest('principal', null);
    // Only the session is faked: a header names the signed-in role.
    app.addHook('onRequest', async (request) => {
      const role = ROLES.find((r) => r === request.headers['x-test-role']);
      request.principal = role ? { username: role, role, author: `${role}@alpha` } : null;
    });
    registerDossierRoutes(app, {
      ...alpha,
      printer: new DossierPrinter({ executablePath: '/nonexistent/chromium' }),
    });
    await app.ready();
    const get = (url: string, role = 'officer') => app.inject({ url, headers: { 'x-test-role': role } });
    try {
      const jsonl = await get(`/api/v1/encounters/${id}/dossier?format=jsonl`);
      assert.equal(jsonl.statusCode, 200);
      assert.match(String(jsonl.headers['content-type']), /application\/x-ndjson/);
      assert.equal(jsonl.headers['x-dossier-sha256'], createHash('sha256').update(jsonl.body).digest('hex'));
      const html = await get(`/api/v1/encounters/${id}/dossier?format=html&lang=ja`);
      assert.equal(html.statusCode, 200);
      assert.match(String(html.headers['content-security-policy']), /default-src 'none'/);
      assert.equal(
        html.headers['x-dossier-sha256'],
        jsonl.headers['x-dossier-sha256'],
        'the paper names the file',
      );
      assert.ok(html.body.includes(String(jsonl.headers['x-dossier-sha256'])));
      assert.ok(html.body.includes('遭遇事案記録'));
      const pdf = await get(`/api/v1/encounters/${id}/dossier?format=pdf`);
      assert.equal(pdf.statusCode, 503);
      assert.equal(pdf.json().error, 'pdf-unavailable');
      assert.match(pdf.json().message, /chromium/i);
      assert.equal((await get(`/api/v1/encounters/${id}/dossier?format=docx`)).json().error, 'invalid-input');
      assert.equal((await get(`/api/v1/encounters/${id}/dossier?lang=fr`)).statusCode, 400);
      assert.equal((await get(`/api/v1/encounters/${id}/dossier?colour=red`)).statusCode, 400);
      assert.equal((await get('/api/v1/encounters/line-000000000000/dossier')).statusCode, 404);
      assert.equal((await get(`/api/v1/encounters/${id}/dossier`, 'observer')).statusCode, 403);
      assert.equal((await get(`/api/v1/encounters/${id}/dossier`, 'interpreter')).statusCode, 403);
      assert.equal((await get(`/api/v1/encounters/${id}/dossier`, 'nobody')).statusCode, 401);
    } finally {
      await app.close();
    }
  });
});
