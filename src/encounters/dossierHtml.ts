/**
 * The printable dossier of an encounter (ENC5): one self-contained HTML page (A4, print CSS, no
 * scripts, no external resources, as the reliability report, HOT8) with, in the reader's language
 * (CON4): the summary and workflow (ENC2), the whole report (ENC1) with each behaviour's name and
 * definition in the reader's language and in English, the closest approach, the activity notices
 * in force at the encounter (ENC3), the timeline of the thread, the calls on the hotline from the
 * encounter to its close (CALL2), and the record: the lines exported, the heads they were exported
 * up to, and the SHA-256 of the JSONL file, so the paper can be checked against the file.
 *
 * Every text from the record is escaped: a narrative holding `<script>` prints as those
 * characters. The fonts are named (Noto Sans CJK, Debian's fonts-noto-cjk) so Chinese and
 * Japanese render, in print and in the PDF (dossierPdf.ts). Pure: content in, a string out.
 */
import type { CallRecord } from '../calls/callLog.ts';
import { BEHAVIOURS, type Platform, SEVERITY_PRECEDENCE } from '../core/encounter.ts';
import type { ExportHeads } from '../core/exportFormat.ts';
import { formatDistance, formatParam, formatPosition, formatTime } from '../core/phrasebook/format.ts';
import type { Language } from '../core/phrasebook/types.ts';
import type { LiaisonEvent } from '../core/types.ts';
import type { LineRecord } from '../store/types.ts';
import { codeName, DOSSIER_WORDS, type DossierWords } from './dossierStrings.ts';
import { buildTimeline } from './dossierTimeline.ts';
import type { EncounterView } from './encounters.ts';
import type { NoticeView } from './notices.ts';

/** Everything the page shows. */
export interface DossierContent {
  language: Language;
  node: { id: string; name: string };
  /** `user@node` of the person who asked for it. */
  reader: string;
  generatedAt: string;
  encounter: EncounterView;
  /** The notices whose area and window held the encounter (`encounter.inNotifiedAreas`). */
  notices: NoticeView[];
  /** The thread's events in LOG7 order, as exported. */
  threadEvents: LiaisonEvent[];
  /** Calls placed on the hotline or the thread in `callWindow`, oldest first. */
  calls: CallRecord[];
  callWindow: { from: string; to: string };
  record: { hotline: LineRecord; thread: LineRecord; heads: ExportHeads; sha256: string; events: number };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An instant to the second, the same in every language: `2026-11-27 01:30:05 UTC`. */
export function stamp(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Page state for one rendering: the reader's words and English beside them. */
class Page {
  readonly w: DossierWords;
  readonly en: DossierWords = DOSSIER_WORDS.en;

  constructor(readonly language: Language) {
    this.w = DOSSIER_WORDS[language];
  }

  /** A heading in the reader's language, with English after it for other readers. */
  heading(pick: (words: DossierWords) => string): string {
    const own = escapeHtml(pick(this.w));
    return this.language === 'en' ? own : `${own} <span class="en">${escapeHtml(pick(this.en))}</span>`;
  }

  /** A code's name for the reader, with its English name for other readers. */
  code(code: string): string {
    const own = escapeHtml(codeName(this.language, code));
    return this.language === 'en'
      ? own
      : `${own} <span class="en">${escapeHtml(codeName('en', code))}</span>`;
  }

  time(iso: string | null): string {
    return iso ? escapeHtml(formatTime(this.language, iso)) : escapeHtml(this.w.values.notYet);
  }

  position(position: { lat: number; lon: number } | undefined): string {
    return position ? escapeHtml(formatPosition(this.language, position)) : '';
  }
}

const text = (value: string | undefined | null) => escapeHtml(value ?? '');

function definitionList(rows: [string, string][]): string {
  return `<dl>${rows.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('')}</dl>`;
}

function summary(page: Page, content: DossierContent): string {
  const { w } = page;
  const { encounter } = content;
  const ack = encounter.acknowledgement;
  const rows: [string, string][] = [
    [w.fields.ref, `<strong data-field="ref">${text(encounter.ref)}</strong>`],
    [w.fields.state, `<span data-field="state">${text(w.states[encounter.state])}</span>`],
    [w.fields.line, `${text(content.record.thread.title)} (${text(content.record.thread.id)})`],
    [w.fields.domain, page.code(encounter.report.domain)],
    [w.fields.occurredAt, page.time(encounter.report.occurredAt)],
    [w.fields.position, page.position(encounter.report.position)],
    [w.fields.severity, page.code(encounter.report.severity)],
    [w.fields.precedence, text(ack?.precedence ?? SEVERITY_PRECEDENCE[encounter.report.severity])],
    [w.fields.submittedBy, text(encounter.author)],
    [w.fields.submittedAt, page.time(encounter.at)],
    [w.fields.deadline, ack ? page.time(ack.deadline) : text(w.values.none)],
    [w.fields.acknowledgedBy, ack?.ackedBy ? text(ack.ackedBy) : text(w.values.notYet)],
    [w.fields.acknowledgedAt, page.time(ack?.ackedAt ?? null)],
    [w.fields.consultationAt, page.time(encounter.consultationAt)],
    [w.fields.closedAt, page.time(encounter.closedAt)],
  ];
  if (encounter.outcome !== null)
    rows.push([w.fields.outcome, `<span class="prose">${text(encounter.outcome)}</span>`]);
  return `<section id="summary"><h2>${page.heading((x) => x.sections.summary)}</h2>${definitionList(rows)}</section>`;
}

function platformTable(page: Page, caption: string, platforms: Platform[]): string {
  const { w, language } = page;
  const headers = [
    w.fields.kind,
    w.fields.name,
    w.fields.hull,
    w.fields.tail,
    w.fields.callSign,
    w.fields.position,
    w.fields.course,
    w.fields.speed,
  ];
  const rows = platforms.map((p) => {
    const course =
      p.courseDeg === undefined ? '' : formatParam(language, { name: 'course', type: 'course' }, p.courseDeg);
    const speed =
      p.speedKn === undefined ? '' : formatParam(language, { name: 'speed', type: 'speed' }, p.speedKn);
    const cells = [
      page.code(p.kind),
      text(p.name),
      text(p.hull),
      text(p.tail),
      text(p.callSign),
      page.position(p.position),
      text(course),
      text(speed),
    ];
    return `<tr>${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`;
  });
  return `<table><caption>${escapeHtml(caption)}</caption><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function behaviourTable(page: Page, codes: string[]): string {
  const { w, language } = page;
  if (codes.length === 0) return `<h3>${escapeHtml(w.fields.behaviours)}</h3><p>${text(w.values.none)}</p>`;
  const rows = codes.map((code) => {
    const behaviour = BEHAVIOURS.find((b) => b.code === code);
    if (!behaviour) return `<tr><td>${text(code)}</td><td></td></tr>`;
    const name =
      language === 'en'
        ? text(behaviour.name.en)
        : `${text(behaviour.name[language])}<br><span class="en">${text(behaviour.name.en)}</span>`;
    const definition =
      language === 'en'
        ? text(behaviour.definition.en)
        : `${text(behaviour.definition[language])}<br><span class="en">${text(behaviour.definition.en)}</span>`;
    return `<tr data-behaviour="${text(code)}"><td>${name}</td><td>${definition}</td></tr>`;
  });
  return `<table><caption>${escapeHtml(w.fields.behaviours)}</caption><thead><tr><th>${escapeHtml(w.fields.behaviour)}</th><th>${escapeHtml(w.fields.definition)}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function communicationTable(page: Page, report: EncounterView['report']): string {
  const { w } = page;
  if (report.communications.length === 0)
    return `<h3>${escapeHtml(w.fields.communications)}</h3><p>${text(w.values.none)}</p>`;
  const rows = report.communications.map(
    (c) =>
      `<tr><td>${page.code(c.kind)}</td><td class="prose">${text(c.text)}</td><td>${text(c.answered ? w.values.yes : w.values.no)}</td></tr>`,
  );
  return `<table><caption>${escapeHtml(w.fields.communications)}</caption><thead><tr><th>${escapeHtml(w.fields.communication)}</th><th>${escapeHtml(w.fields.said)}</th><th>${escapeHtml(w.fields.answered)}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function reportSection(page: Page, content: DossierContent): string {
  const { w } = page;
  const { report, origin } = content.encounter;
  const attachments = report.attachments ?? [];
  return `<section id="report"><h2>${page.heading((x) => x.sections.report)}</h2>
${platformTable(page, w.fields.ownPlatforms(origin), report.ownPlatforms)}
${platformTable(page, w.fields.otherPlatforms, report.otherPlatforms)}
${behaviourTable(page, report.behaviours)}
${communicationTable(page, report)}
<h3>${escapeHtml(w.fields.narrative)}</h3><div class="prose narrative" data-field="narrative">${text(report.narrative) || text(w.values.none)}</div>
<h3>${escapeHtml(w.fields.attachments)}</h3>${attachments.length === 0 ? `<p>${text(w.values.none)}</p>` : `<ul class="mono">${attachments.map((a) => `<li>${text(a)}</li>`).join('')}</ul>`}
</section>`;
}

function approachSection(page: Page, content: DossierContent): string {
  const { w, language } = page;
  const approach = content.encounter.approach;
  const body = approach
    ? definitionList([
        [
          w.fields.distance,
          `${text(formatDistance(language, approach.distanceM))} (${approach.distanceM} m)`,
        ],
        [w.fields.at, page.time(approach.at)],
        [w.fields.source, text(approach.source === 'reported' ? w.values.reported : w.values.computed)],
        ...(approach.positions
          ? ([[w.fields.positionsThen, approach.positions.map((p) => page.position(p)).join(' / ')]] as [
              string,
              string,
            ][])
          : []),
      ])
    : `<p>${text(w.values.noApproach)}</p>`;
  return `<section id="approach"><h2>${page.heading((x) => x.sections.approach)}</h2>${body}</section>`;
}

function areaText(page: Page, notice: NoticeView): string {
  const { w, language } = page;
  const area = notice.area;
  if (area.type === 'circle')
    return text(
      w.notices.circle(formatPosition(language, area.center), formatDistance(language, area.radiusM)),
    );
  return `${text(w.notices.polygon(area.points.length))}: ${area.points.map((p) => page.position(p)).join('; ')}`;
}

function noticesSection(page: Page, content: DossierContent): string {
  const { w } = page;
  const items = content.notices.map((notice) => {
    const ack = notice.acknowledgement;
    const rows: [string, string][] = [
      [w.notices.kind, page.code(notice.kind)],
      [w.notices.area, areaText(page, notice)],
      [w.notices.window, `${page.time(notice.from)} – ${page.time(notice.until)}`],
      ...(notice.altitude
        ? ([[w.notices.altitude, text(w.notices.feet(notice.altitude.minFt, notice.altitude.maxFt))]] as [
            string,
            string,
          ][])
        : []),
      [w.notices.contact, text(notice.contact)],
      ...(notice.description
        ? ([[w.notices.description, `<span class="prose">${text(notice.description)}</span>`]] as [
            string,
            string,
          ][])
        : []),
      [w.notices.issuedBy, `${text(notice.author)}, ${page.time(notice.issuedAt)}`],
      [
        w.notices.acknowledgement,
        ack?.ackedBy ? `${text(ack.ackedBy)}, ${page.time(ack.ackedAt)}` : text(w.values.notYet),
      ],
      ...(notice.withdrawnAt
        ? ([[w.notices.withdrawnAt, page.time(notice.withdrawnAt)]] as [string, string][])
        : []),
    ];
    return `<article data-notice="${text(notice.id)}"><h3>${text(notice.title)}</h3>${definitionList(rows)}</article>`;
  });
  const body = items.length > 0 ? items.join('') : `<p>${text(w.notices.none)}</p>`;
  return `<section id="notices"><h2>${page.heading((x) => x.sections.notices)}</h2>${body}</section>`;
}

function timelineSection(page: Page, content: DossierContent): string {
  const { w, language } = page;
  const entries = buildTimeline(content.threadEvents, {
    language,
    itemId: content.encounter.acknowledgement?.id ?? null,
  });
  const rows = entries.map(
    (entry) =>
      `<tr${entry.isItem ? ' class="item"' : ''}><td class="when">${text(stamp(entry.at))}</td><td>${text(entry.author)}</td><td>${text(entry.label)}</td><td>${entry.details.map((line) => `<div class="prose">${text(line)}</div>`).join('')}</td></tr>`,
  );
  return `<section id="timeline"><h2>${page.heading((x) => x.sections.timeline)}</h2><table class="timeline"><thead><tr><th>${escapeHtml(w.timeline.time)}</th><th>${escapeHtml(w.timeline.who)}</th><th>${escapeHtml(w.timeline.event)}</th><th>${escapeHtml(w.timeline.detail)}</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function durationText(ms: number | null): string {
  if (ms === null) return '';
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

function callsSection(page: Page, content: DossierContent): string {
  const { w } = page;
  const intro = `<p>${text(w.calls.window(stamp(content.callWindow.from), stamp(content.callWindow.to)))}</p>`;
  if (content.calls.length === 0)
    return `<section id="calls"><h2>${page.heading((x) => x.sections.calls)}</h2>${intro}<p>${text(w.calls.none)}</p></section>`;
  const headers = [
    w.calls.started,
    w.calls.media,
    w.calls.caller,
    w.calls.callee,
    w.calls.answeredBy,
    w.calls.endedAt,
    w.calls.reason,
    w.calls.duration,
    w.calls.recordings,
  ];
  const rows = content.calls.map((call) => {
    const cells = [
      text(stamp(call.startedAt)),
      page.code(call.media),
      text(call.caller),
      text(call.callee),
      call.answeredBy
        ? `${text(call.answeredBy)}<br>${text(call.answeredAt ? stamp(call.answeredAt) : '')}`
        : text(page.w.values.no),
      text(call.endedAt ? stamp(call.endedAt) : ''),
      call.endReason ? page.code(call.endReason) : '',
      text(durationText(call.durationMs)),
      call.recordings.map((r) => `<span class="mono">${text(r.blob)}</span>`).join('<br>'),
    ];
    return `<tr data-call="${text(call.id)}">${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`;
  });
  return `<section id="calls"><h2>${page.heading((x) => x.sections.calls)}</h2>${intro}<table><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function recordSection(page: Page, content: DossierContent): string {
  const { w } = page;
  const { record } = content;
  const lines = [
    [w.record.hotline, record.hotline],
    [w.record.thread, record.thread],
  ] as const;
  const lineRows = lines
    .map(
      ([kind, line]) =>
        `<tr><td>${text(kind)}</td><td class="mono">${text(line.id)}</td><td>${text(line.title)}</td><td>${text(line.members.join(', '))}</td></tr>`,
    )
    .join('');
  const headRows = Object.entries(record.heads)
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([line, origins]) =>
      Object.entries(origins)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(
          ([origin, head]) =>
            `<tr><td class="mono">${text(line)}</td><td>${text(origin)}</td><td>${head.seq}</td><td class="mono">${text(head.id)}</td></tr>`,
        ),
    )
    .join('');
  return `<section id="record"><h2>${page.heading((x) => x.sections.record)}</h2>
<table><caption>${escapeHtml(w.record.lines)}</caption><tbody>${lineRows}</tbody></table>
<table data-field="heads"><caption>${escapeHtml(w.record.heads)}</caption><thead><tr><th>${escapeHtml(w.record.line)}</th><th>${escapeHtml(w.record.origin)}</th><th>${escapeHtml(w.record.seq)}</th><th>${escapeHtml(w.record.eventId)}</th></tr></thead><tbody>${headRows}</tbody></table>
<p>${text(w.record.events(record.events))}</p>
<p><strong>${escapeHtml(w.record.sha256)}</strong></p><p class="digest" data-field="sha256">${text(record.sha256)}</p>
<p>${text(w.record.howToCheck)}</p></section>`;
}

/** The fonts, CJK ones first in the reader's script so shared characters take its forms. */
function fontFamily(language: Language): string {
  const cjk =
    language === 'ja' ? '"Noto Sans CJK JP", "Noto Sans CJK SC"' : '"Noto Sans CJK SC", "Noto Sans CJK JP"';
  return `${cjk}, "Noto Sans", "DejaVu Sans", sans-serif`;
}

function style(language: Language): string {
  return `@page{size:A4;margin:15mm 14mm 18mm}body{font:9.5pt/1.4 ${fontFamily(language)};color:#000;max-width:182mm;margin:auto}
h1{font-size:16pt;margin:0 0 4pt}h2{font-size:12pt;margin:14pt 0 4pt;border-bottom:1px solid #000;page-break-after:avoid}h3{font-size:10.5pt;margin:8pt 0 3pt;page-break-after:avoid}
.en{font-size:85%;color:#333;font-weight:normal}table{border-collapse:collapse;width:100%;margin:4pt 0 8pt}caption{text-align:left;font-weight:600;padding-bottom:2pt}
th,td{border:1px solid #555;padding:2pt 4pt;text-align:left;vertical-align:top}th{background:#eee}tr{page-break-inside:avoid}
dl{display:grid;grid-template-columns:max-content 1fr;gap:1pt 8pt;margin:4pt 0}dt{font-weight:600}dd{margin:0}
.prose{white-space:pre-wrap;overflow-wrap:anywhere}.narrative{border:1px solid #555;padding:4pt}.mono,.digest{font-family:"DejaVu Sans Mono",ui-monospace,monospace;font-size:8pt;word-break:break-all}
.digest{border:2px solid #000;padding:4pt;font-size:9pt}table.timeline{table-layout:fixed}.timeline th:nth-child(1){width:21%}.timeline th:nth-child(2){width:17%}.timeline th:nth-child(3){width:15%}.timeline td.when{font-size:8.5pt}tr.item td{border-width:2px}tr.item td:first-child::before{content:"▶ "}
article{page-break-inside:avoid}@media print{.hint{display:none}}`;
}

/** The page's `lang`: the reader's language. */
const HTML_LANG: Record<Language, string> = { en: 'en', zh: 'zh-Hans', ja: 'ja' };

/** The printable page of one encounter's dossier. */
export function renderDossierHtml(content: DossierContent): string {
  const page = new Page(content.language);
  const { w } = page;
  const reference = content.encounter.ref;
  return `<!doctype html><html lang="${HTML_LANG[content.language]}"><head><meta charset="utf-8"><title>${escapeHtml(`${w.title} ${reference}`)}</title><style>${style(content.language)}</style></head><body>
<h1>${escapeHtml(w.title)} ${text(reference)}${content.language === 'en' ? '' : ` <span class="en">${escapeHtml(page.en.title)}</span>`}</h1>
<p class="hint">${escapeHtml(w.printHint)}</p>
<p>${text(w.generated(`${content.node.name} (${content.node.id})`, stamp(content.generatedAt), content.reader))}</p>
${summary(page, content)}
${reportSection(page, content)}
${approachSection(page, content)}
${noticesSection(page, content)}
${timelineSection(page, content)}
${callsSection(page, content)}
${recordSection(page, content)}
</body></html>`;
}
