/**
 * An encounter's dossier between two real nodes (ENC5, ENC2): alpha reports an encounter with
 * Chinese and Japanese text, bravo acknowledges its item, replies on the thread and has the reply
 * translated, alpha opens consultation and closes it. Then at both nodes: the JSONL dossier
 * written to a file passes `liaison verify` and names the hotline and the thread; the HTML shows
 * the reference and every section and names the SHA-256 of that very file; the PDF is A4, its
 * fonts are embedded (Noto Sans CJK), `pdftotext` gives back the Chinese and the Japanese, and
 * every page rendered by `pdftoppm` has ink on it (the PNGs stay in test-artifacts/dossier/ for a
 * human to look at). An unknown encounter is 404, a bad format 400, an observer 403.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  ApiClient,
  BIN,
  type Cluster,
  eventually,
  HOTLINE,
  startCluster,
  waitLinkUp,
} from '../support/cluster.ts';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/dossier/', import.meta.url));
const NARRATIVE_ZH = '对方护卫舰在我舰左舷370米处横越船头。';
const NARRATIVE_JA = '相手のフリゲートは左舷370メートルで艦首を横切った。';
const OWN_NAME = '阿尔法一号';
const OTHER_NAME = 'ブラボー二号';
const REPLY_JA = '当方の記録では最接近距離は500メートル。';
const OUTCOME = '双方同意在现场保持16频道联络。';
const SECTIONS = ['summary', 'report', 'approach', 'notices', 'timeline', 'calls', 'record'];

interface Encounter {
  id: string;
  ref: string;
  state: string;
  line: string;
  acknowledgement: { id: string; state: string } | null;
}

/** A GET that keeps the body as bytes, with the headers. */
async function fetchBytes(
  client: ApiClient,
  path: string,
): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const response = await fetch(`${client.baseUrl}${path}`, {
    headers: { authorization: `Bearer ${client.token}` },
  });
  return {
    status: response.status,
    body: Buffer.from(await response.arrayBuffer()),
    headers: response.headers,
  };
}

function run(command: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Dark pixels of a page rendered in grey (PGM), to tell a printed page from a blank one. */
function inkOf(pgm: Buffer): number {
  // P5 header: "P5\n<width> <height>\n<max>\n", then one byte per pixel.
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 40).toString('latin1'));
  assert.ok(header, 'a PGM image');
  let dark = 0;
  for (let i = header[0].length; i < pgm.length; i++) if ((pgm[i] ?? 255) < 128) dark += 1;
  return dark;
}

describe('the dossier of an encounter between two real nodes', { timeout: 240_000 }, () => {
  let cluster: Cluster;
  let alpha: ApiClient;
  let bravo: ApiClient;
  let encounter: Encounter;
  let work: string;

  before(async () => {
    cluster = await startCluster();
    [alpha, bravo] = await Promise.all([
      ApiClient.login(cluster.node('alpha').url, 'officer'),
      ApiClient.login(cluster.node('bravo').url, 'officer'),
    ]);
    await waitLinkUp(alpha);
    work = mkdtempSync(join(tmpdir(), 'liaison-dossier-'));
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await cluster?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('[ENC5] [ENC2] an encounter goes from report to close on both sides', async () => {
    const now = Date.now();
    const created = await alpha.post<{ encounter: Encounter }>('/api/v1/encounters', {
      domain: 'sea',
      occurredAt: new Date(now - 3_600_000).toISOString(),
      position: { lat: 24.5, lon: 122.5 },
      severity: 'high',
      ownPlatforms: [{ kind: 'destroyer', name: OWN_NAME, hull: 'DD-101' }],
      otherPlatforms: [{ kind: 'frigate', name: OTHER_NAME, hull: 'FF-532' }],
      closestApproach: { distanceM: 370, at: new Date(now - 3_540_000).toISOString() },
      behaviours: ['crossing-ahead', 'unsafe-approach'],
      communications: [
        { kind: 'radio', text: '请保持安全距离 / 安全な距離を保ってください', answered: false },
      ],
      narrative: `${NARRATIVE_ZH}\n${NARRATIVE_JA}`,
    });
    encounter = created.encounter;
    const item = encounter.acknowledgement?.id ?? '';
    assert.ok(item, 'the report has its item to acknowledge');

    await eventually('the encounter at bravo', async () => {
      const { encounters } = await bravo.get<{ encounters: Encounter[] }>('/api/v1/encounters');
      return encounters.find((e) => e.id === encounter.id);
    });
    assert.equal(
      (await bravo.request('POST', `/api/v1/messages/${item}/ack`, { text: '收到，核查中。' })).status,
      201,
    );
    const reply = await bravo.post<{ id: string }>(`/api/v1/lines/${encounter.line}/messages`, {
      text: REPLY_JA,
      precedence: 'PRIORITY',
    });
    const interpreter = await ApiClient.login(cluster.node('bravo').url, 'interpreter');
    await interpreter.post(`/api/v1/messages/${reply.id}/translations`, {
      language: 'en',
      text: 'Our record gives the closest approach as 500 m.',
    });

    await eventually('the acknowledgement and the reply at alpha', async () => {
      const held = await alpha.get<{ encounter: Encounter }>(`/api/v1/encounters/${encounter.id}`);
      const status = await alpha.request('GET', `/api/v1/messages/${reply.id}`);
      return held.encounter.state === 'acknowledged' && status.status === 200 ? true : undefined;
    });
    await alpha.post(`/api/v1/encounters/${encounter.id}/consult`, {});
    const closed = await alpha.post<{ encounter: Encounter }>(`/api/v1/encounters/${encounter.id}/close`, {
      outcome: OUTCOME,
    });
    assert.equal(closed.encounter.state, 'closed');
    await eventually('the close at bravo', async () => {
      const held = await bravo.get<{ encounter: Encounter }>(`/api/v1/encounters/${encounter.id}`);
      return held.encounter.state === 'closed' ? true : undefined;
    });
  });

  for (const nodeId of ['alpha', 'bravo'] as const) {
    it(`[ENC5] [LOG12] at ${nodeId}: the JSONL dossier passes liaison verify and names both lines`, async () => {
      const client = nodeId === 'alpha' ? alpha : bravo;
      const jsonl = await fetchBytes(client, `/api/v1/encounters/${encounter.id}/dossier?format=jsonl`);
      assert.equal(jsonl.status, 200, jsonl.body.toString());
      assert.match(
        jsonl.headers.get('content-disposition') ?? '',
        /attachment; filename="dossier-[A-Z0-9-]+\.jsonl"/,
      );
      const file = join(work, `${nodeId}.jsonl`);
      writeFileSync(file, jsonl.body);
      const verified = run(process.execPath, [BIN, 'verify', file]);
      assert.equal(verified.status, 0, `${verified.stdout}\n${verified.stderr}`);
      assert.match(verified.stdout, /^OK: \d+ events on 2 line\(s\) verified/m);
      assert.ok(verified.stdout.includes(HOTLINE), 'the hotline');
      assert.ok(verified.stdout.includes(encounter.line), 'the thread');
      assert.equal(
        jsonl.headers.get('x-dossier-sha256'),
        createHash('sha256').update(jsonl.body).digest('hex'),
      );
    });

    it(`[ENC5] at ${nodeId}: the HTML shows the reference, every section, and the hash of the file it was made from`, async () => {
      const client = nodeId === 'alpha' ? alpha : bravo;
      // Delivery records may reach the hotline between two requests: take a pair made from the same heads.
      const { html, jsonl } = await eventually('an HTML and a JSONL of the same heads', async () => {
        const page = await fetchBytes(
          client,
          `/api/v1/encounters/${encounter.id}/dossier?format=html&lang=zh`,
        );
        const file = await fetchBytes(client, `/api/v1/encounters/${encounter.id}/dossier?format=jsonl`);
        return page.headers.get('x-dossier-sha256') === file.headers.get('x-dossier-sha256')
          ? { html: page, jsonl: file }
          : undefined;
      });
      assert.equal(html.status, 200);
      assert.match(html.headers.get('content-type') ?? '', /text\/html/);
      assert.match(html.headers.get('content-security-policy') ?? '', /default-src 'none'/);
      const page = html.body.toString('utf8');
      writeFileSync(join(ARTIFACTS, `${nodeId}-zh.html`), page);
      assert.ok(page.includes(encounter.ref), 'the reference');
      for (const section of SECTIONS)
        assert.ok(page.includes(`<section id="${section}">`), `section ${section}`);
      for (const text of [
        NARRATIVE_ZH,
        NARRATIVE_JA,
        OWN_NAME,
        OTHER_NAME,
        REPLY_JA,
        OUTCOME,
        '收到，核查中。',
        'officer@bravo',
        '已结案',
        '抢越船头',
        'Crossing ahead',
      ]) {
        assert.ok(page.includes(text), `the page shows ${text}`);
      }
      const sha = createHash('sha256').update(jsonl.body).digest('hex');
      assert.ok(page.includes(`data-field="sha256">${sha}<`), 'the paper names the SHA-256 of the file');
      const trailer = JSON.parse(jsonl.body.toString('utf8').trimEnd().split('\n').at(-1) ?? '{}') as {
        trailer: { heads: Record<string, Record<string, { seq: number; id: string }>> };
      };
      for (const origins of Object.values(trailer.trailer.heads))
        for (const head of Object.values(origins))
          assert.ok(page.includes(head.id), `head ${head.id} printed`);
    });

    it(`[ENC5] at ${nodeId}: the PDF embeds Noto Sans CJK, gives back the Chinese and Japanese, and every page has ink`, async () => {
      const client = nodeId === 'alpha' ? alpha : bravo;
      const language = nodeId === 'alpha' ? 'zh' : 'ja';
      const pdf = await fetchBytes(
        client,
        `/api/v1/encounters/${encounter.id}/dossier?format=pdf&lang=${language}`,
      );
      assert.equal(pdf.status, 200, pdf.body.toString());
      assert.equal(pdf.headers.get('content-type'), 'application/pdf');
      assert.equal(pdf.body.subarray(0, 5).toString('latin1'), '%PDF-');
      const file = join(ARTIFACTS, `${nodeId}-${language}.pdf`);
      writeFileSync(file, pdf.body);

      const fonts = run('pdffonts', [file]);
      assert.equal(fonts.status, 0, fonts.stderr);
      const rows = fonts.stdout.trim().split('\n').slice(2);
      assert.ok(rows.length > 0, 'fonts are listed');
      // Columns: name, type, encoding, emb, sub, uni, object, generation.
      for (const row of rows) assert.equal(row.trim().split(/\s+/).at(-5), 'yes', `embedded: ${row}`);
      // Chromium draws OpenType (CFF) fonts as Type 3 glyph programs, which pdffonts lists without a
      // name; their font descriptors name the font they come from.
      assert.match(pdf.body.toString('latin1'), /\/FontName \/[A-Z]{6}\+NotoSansCJK(sc|jp)-(Regular|Bold)/);

      const text = run('pdftotext', ['-enc', 'UTF-8', file, '-']);
      assert.equal(text.status, 0, text.stderr);
      const flat = text.stdout.replace(/\s+/g, '');
      for (const expected of [NARRATIVE_ZH, NARRATIVE_JA, OWN_NAME, OTHER_NAME, REPLY_JA, encounter.ref]) {
        assert.ok(flat.includes(expected.replace(/\s+/g, '')), `the PDF's text holds ${expected}`);
      }

      const prefix = join(ARTIFACTS, `${nodeId}-${language}`);
      for (const old of readdirSync(ARTIFACTS).filter((n) => n.startsWith(`${nodeId}-${language}-`)))
        rmSync(join(ARTIFACTS, old));
      const png = run('pdftoppm', ['-png', '-r', '50', file, prefix]);
      assert.equal(png.status, 0, png.stderr);
      const pages = readdirSync(ARTIFACTS).filter(
        (n) => n.startsWith(`${nodeId}-${language}-`) && n.endsWith('.png'),
      );
      assert.ok(pages.length >= 2, `the dossier runs over pages (${pages.length})`);
      for (const name of pages) {
        const bytes = readFileSync(join(ARTIFACTS, name));
        assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG');
        assert.ok(statSync(join(ARTIFACTS, name)).size > 5_000, `${name} is more than a blank page`);
      }
      const grey = run('pdftoppm', ['-gray', '-r', '20', file, join(work, `${nodeId}-grey`)]);
      assert.equal(grey.status, 0, grey.stderr);
      const greyPages = readdirSync(work).filter((n) => n.startsWith(`${nodeId}-grey`));
      assert.equal(greyPages.length, pages.length);
      for (const name of greyPages)
        assert.ok(inkOf(readFileSync(join(work, name))) > 200, `${name} has ink on it`);
    });
  }

  it('[ENC5] [SEC3] an unknown encounter is 404, a bad format 400, an observer 403', async () => {
    const unknown = await alpha.request('GET', '/api/v1/encounters/line-000000000000/dossier?format=jsonl');
    assert.equal(unknown.status, 404);
    assert.equal((unknown.body as { error: string }).error, 'unknown-encounter');
    const badFormat = await alpha.request('GET', `/api/v1/encounters/${encounter.id}/dossier?format=docx`);
    assert.equal(badFormat.status, 400);
    assert.deepEqual(
      (badFormat.body as { fields: { path: string }[] }).fields.map((f) => f.path),
      ['format'],
    );
    const observer = await ApiClient.login(cluster.node('alpha').url, 'observer');
    const refused = await observer.request('GET', `/api/v1/encounters/${encounter.id}/dossier?format=html`);
    assert.equal(refused.status, 403);
    assert.equal((refused.body as { error: string }).error, 'forbidden');
  });
});
