/**
 * The printable reliability report (HOT8): one self-contained HTML page (A4, print CSS, no
 * scripts, no external resources) with the node, the peer, the period, when it was generated,
 * the figures as tables, hand-made SVG charts (each with a title and a description; the tables
 * beside them carry the same numbers in words) and the digest, so two printed reports can be
 * compared by eye.
 */
import { PRECEDENCES } from '../core/types.ts';
import type { DurationStats, HistogramBucket } from './reliabilityStats.ts';
import type { DailyUptime, ReliabilityReport, TrafficFigures } from './reliabilityTypes.ts';

/** Who printed the report and when: not part of the figures, so not in the digest. */
export interface ReportHeader {
  node: string;
  nodeName: string;
  peer: string;
  generatedAt: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A duration in words: 850 ms, 4.2 s, 3 min 20 s, 2 h 5 min. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${Math.floor((ms % 60_000) / 1_000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const pct = (value: number | null) => (value === null ? '—' : `${value.toFixed(2)} %`);

function statsCells(stats: DurationStats): string {
  return [
    stats.count,
    formatDuration(stats.p50),
    formatDuration(stats.p90),
    formatDuration(stats.p99),
    formatDuration(stats.max),
  ]
    .map((cell) => `<td>${escapeHtml(String(cell))}</td>`)
    .join('');
}

/** Vertical bars; `label` and `value` per bar, values 0..max. */
function barChart(
  title: string,
  description: string,
  bars: { label: string; value: number | null }[],
  max: number,
  unit: string,
): string {
  const width = 640;
  const height = 180;
  const plot = height - 30;
  const step = bars.length > 0 ? (width - 40) / bars.length : 0;
  const rects = bars
    .map((bar, i) => {
      const x = 40 + i * step;
      if (bar.value === null)
        return `<text x="${(x + step / 2).toFixed(1)}" y="${plot - 2}" font-size="8" text-anchor="middle">?</text>`;
      const h = max > 0 ? (bar.value / max) * (plot - 10) : 0;
      const label =
        bars.length <= 16
          ? `<text x="${(x + step / 2).toFixed(1)}" y="${height - 16}" font-size="9" text-anchor="middle">${escapeHtml(bar.label)}</text>`
          : '';
      return `<rect x="${(x + 1).toFixed(1)}" y="${(plot - h).toFixed(1)}" width="${Math.max(1, step - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="#1f4e79"><title>${escapeHtml(`${bar.label}: ${bar.value}${unit}`)}</title></rect>${label}`;
    })
    .join('');
  return `<figure><figcaption>${escapeHtml(title)}</figcaption><svg role="img" viewBox="0 0 ${width} ${height}" width="100%"><title>${escapeHtml(title)}</title><desc>${escapeHtml(description)}</desc><line x1="40" y1="${plot}" x2="${width}" y2="${plot}" stroke="#000"/><text x="0" y="12" font-size="9">${escapeHtml(`${max}${unit}`)}</text><text x="0" y="${plot}" font-size="9">0</text>${rects}</svg></figure>`;
}

function dailyChart(daily: DailyUptime[]): string {
  const known = daily.filter((d) => d.upPercent !== null);
  const worst = known.reduce<DailyUptime | null>(
    (w, d) => (w === null || (d.upPercent ?? 100) < (w.upPercent ?? 100) ? d : w),
    null,
  );
  const description = worst
    ? `Combined uptime per UTC day; lowest ${pct(worst.upPercent)} on ${worst.day}; days without data are marked with a question mark.`
    : 'No link state was recorded in this period.';
  return barChart(
    'Daily uptime (combined view)',
    description,
    daily.map((d) => ({ label: d.day.slice(8), value: d.upPercent })),
    100,
    ' %',
  );
}

function histogramChart(buckets: HistogramBucket[]): string {
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const label = (b: HistogramBucket, i: number) =>
    b.upToMs === null ? `> ${formatDuration(buckets[i - 1]?.upToMs ?? 0)}` : `≤ ${formatDuration(b.upToMs)}`;
  return barChart(
    'Delivery latency distribution',
    `Messages per latency bucket: ${buckets.map((b, i) => `${label(b, i)}: ${b.count}`).join('; ')}.`,
    buckets.map((b, i) => ({ label: label(b, i), value: b.count })),
    max,
    ' messages',
  );
}

function ackChart(overall: TrafficFigures): string {
  const rows = PRECEDENCES.map((p) => ({
    label: p,
    value: overall.acknowledgement.byPrecedence[p].timeToAckMs.p50,
  }));
  const max = Math.max(1, ...rows.map((r) => r.value ?? 0));
  return barChart(
    'Median time to acknowledge by precedence',
    rows.map((r) => `${r.label}: ${formatDuration(r.value)}`).join('; '),
    rows.map((r) => ({ label: r.label, value: r.value === null ? null : Math.round(r.value / 1000) })),
    Math.ceil(max / 1000),
    ' s',
  );
}

function trafficTable(title: string, figures: TrafficFigures): string {
  const ack = PRECEDENCES.map((p) => {
    const a = figures.acknowledgement.byPrecedence[p];
    return `<tr><th scope="row">${p}</th><td>${a.messages}</td><td>${a.acknowledged}</td><td>${a.withinDeadline}</td><td>${pct(a.answerRatePercent)}</td><td>${formatDuration(a.timeToAckMs.p50)}</td><td>${formatDuration(a.timeToAckMs.p90)}</td></tr>`;
  }).join('');
  const { delivery, overdue, drills } = figures;
  return `<section><h3>${escapeHtml(title)}</h3>
<table><caption>Delivery latency (post → recorded arrival)</caption><thead><tr><th>messages</th><th>delivered</th><th>not delivered</th><th>count</th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr></thead>
<tbody><tr><td>${figures.messages}</td><td>${delivery.delivered}</td><td>${delivery.notDelivered}</td>${statsCells(delivery.latencyMs)}</tr></tbody></table>
<table><caption>Time to acknowledge by precedence</caption><thead><tr><th>precedence</th><th>messages</th><th>acknowledged</th><th>by deadline</th><th>answer rate</th><th>median</th><th>p90</th></tr></thead><tbody>${ack}</tbody></table>
<table><caption>Overdue and drills</caption><thead><tr><th>overdue</th><th>unacknowledged at end</th><th>escalated</th><th>escalation steps</th><th>drills sent</th><th>answered</th><th>missed</th><th>pending</th><th>answer rate</th><th>round trip p50</th><th>p90</th></tr></thead>
<tbody><tr><td>${overdue.overdue}</td><td>${overdue.unacknowledgedAtEnd}</td><td>${overdue.escalated}</td><td>${overdue.escalationSteps}</td><td>${drills.sent}</td><td>${drills.answered}</td><td>${drills.missed}</td><td>${drills.pending}</td><td>${pct(drills.answerRatePercent)}</td><td>${formatDuration(drills.roundTripMs.p50)}</td><td>${formatDuration(drills.roundTripMs.p90)}</td></tr></tbody></table></section>`;
}

const STYLE = `@page{size:A4;margin:15mm}body{font:10pt/1.35 system-ui,sans-serif;color:#000;max-width:180mm;margin:auto}
h1{font-size:16pt;margin:0 0 4pt}h2{font-size:12pt;margin:14pt 0 4pt;border-bottom:1px solid #000}h3{font-size:11pt;margin:10pt 0 4pt}
table{border-collapse:collapse;width:100%;margin:4pt 0 8pt;page-break-inside:avoid}caption{text-align:left;font-weight:600}
th,td{border:1px solid #555;padding:2pt 4pt;text-align:right}th{background:#eee}th[scope=row],td:first-child{text-align:left}
.digest{font:9pt ui-monospace,monospace;word-break:break-all;border:2px solid #000;padding:4pt}.warn{border:2px solid #000;padding:4pt;font-weight:600}
dl{display:grid;grid-template-columns:auto 1fr;gap:1pt 8pt}dt{font-weight:600}svg{page-break-inside:avoid}
@media screen{.hint{color:#333}}@media print{.hint{display:none}}`;

/** The printable page of one report. */
export function renderReliabilityHtml(report: ReliabilityReport, header: ReportHeader): string {
  const { figures, completeness } = report;
  const { uptime } = figures;
  const uptimeRows = [
    ...uptime.views.map((v) => ({ name: `${v.node}'s view of ${v.peer}`, u: v })),
    { name: 'combined (up only when both say up)', u: uptime.combined },
  ]
    .map(
      ({ name, u }) =>
        `<tr><th scope="row">${escapeHtml(name)}</th><td>${pct(u.upPercent)}</td><td>${pct(u.availablePercent)}</td><td>${formatDuration(u.downMs)}</td><td>${formatDuration(u.degradedMs)}</td><td>${formatDuration(u.unknownMs)}</td><td>${u.outages}</td></tr>`,
    )
    .join('');
  const status = completeness.isComplete
    ? '<p>Complete: both records show they hold every event up to the end of the period.</p>'
    : `<div class="warn"><p>PROVISIONAL — the figures may still change:</p><ul>${completeness.missing.map((m) => `<li>${escapeHtml(m.message)}</li>`).join('')}</ul></div>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Reliability report ${escapeHtml(figures.line)} ${escapeHtml(figures.period.from)} – ${escapeHtml(figures.period.to)}</title><style>${STYLE}</style></head><body>
<h1>Hotline reliability report (HOT8)</h1>
<p class="hint">Print with your browser (Ctrl+P); the page is laid out for A4.</p>
<dl><dt>Node</dt><dd>${escapeHtml(`${header.nodeName} (${header.node})`)}</dd><dt>Peer</dt><dd>${escapeHtml(header.peer)}</dd><dt>Line</dt><dd>${escapeHtml(figures.line)} — members ${escapeHtml(figures.members.join(', '))}</dd>
<dt>Period (UTC)</dt><dd>${escapeHtml(figures.period.from)} to ${escapeHtml(figures.period.to)} (end excluded)</dd><dt>Generated</dt><dd>${escapeHtml(header.generatedAt)} by ${escapeHtml(header.node)}</dd></dl>
${status}
<p>Digest of the figures (SHA-256 of their canonical JSON): the same on both nodes when the figures are the same.</p><p class="digest" data-testid="report-digest">${escapeHtml(report.digest)}</p>
<h2>Link uptime</h2>
<table><thead><tr><th>view</th><th>up</th><th>up or degraded</th><th>down</th><th>degraded</th><th>unknown</th><th>outages</th></tr></thead><tbody>${uptimeRows}</tbody></table>
${dailyChart(uptime.daily)}
<h2>Traffic</h2>
${histogramChart(figures.overall.delivery.histogram)}
${ackChart(figures.overall)}
${figures.directions.map((d) => trafficTable(`${d.from} → ${d.to}`, d)).join('\n')}
${trafficTable('Both directions', figures.overall)}
<h2>How the figures are computed</h2>
<p>From the signed record of the line alone, so both nodes compute the same figures: messages and drills dated inside the period; their deliveries, acknowledgements, escalations and answers when recorded before each node's first event dated after the period. Uptime: each node's link.state events on its own clock. Delivery latency: the post's time (sender's clock) to the arrival the recipient recorded (recipient's clock). Time to acknowledge: the post's time to the acknowledgement's time (recipient's clock). Drill round trip: on the sender's clock only. Percentiles are nearest-rank.</p>
</body></html>`;
}
