/**
 * `memory report`: one self-contained HTML page, pure: data in, markup out. No script, no font, no image,
 * no link to anything outside the page: charts are inline SVG, colours follow the reader's light or dark
 * scheme. Every text from the bank is escaped.
 */

export interface ReportData {
  title: string;
  generated: string;
  since: string | null;
  personas: string[];
  /** Days (YYYY-MM-DD), oldest first, and per persona the entries written each day. */
  days: string[];
  perDay: Record<string, number[]>;
  byType: Record<string, number>;
  buffers: Array<{ label: string; count: number; threshold: number | null; unit: string }>;
  /** Per day: syncs that succeeded, went offline or skipped, and failed. */
  syncDays: Array<{ day: string; ok: number; offline: number; failed: number }>;
  sync: { successRate: number | null; p50ms: number | null; p95ms: number | null; conflicts: number; retries: number };
  adrs: Array<{ file: string; title: string; status: string; day: string }>;
  handoffs: Array<{ from: string; to: string; title: string; at: string }>;
  tasks: Array<{ title: string; status: string; priority: string; who: string }>;
  contributions: Array<{ persona: string; entries: number; adrs: number; handoffs: number; tasksDone: number; lastActive: string | null }>;
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** Colours by series index, readable on light and dark. */
const PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
const colour = (i: number) => PALETTE[i % PALETTE.length]!;

/** Stacked columns: one column per day, one segment per series. */
function stackedColumns(days: string[], series: Array<{ name: string; values: number[] }>, label: string): string {
  const w = 640, h = 220, left = 36, bottom = 28, top = 10;
  const totals = days.map((_, d) => series.reduce((n, s) => n + (s.values[d] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const step = (w - left - 10) / Math.max(1, days.length);
  const bw = Math.max(2, Math.min(40, step * 0.7));
  const y = (v: number) => top + (h - top - bottom) * (1 - v / max);
  const parts: string[] = [];
  for (const tick of [0, Math.ceil(max / 2), max]) parts.push(`<line x1="${left}" x2="${w}" y1="${y(tick)}" y2="${y(tick)}" class="grid"/><text x="${left - 4}" y="${y(tick) + 4}" text-anchor="end" class="axis">${tick}</text>`);
  days.forEach((day, d) => {
    const x = left + d * step + (step - bw) / 2;
    let acc = 0;
    series.forEach((s, i) => {
      const v = s.values[d] ?? 0;
      if (v === 0) return;
      parts.push(`<rect x="${x.toFixed(1)}" y="${y(acc + v).toFixed(1)}" width="${bw.toFixed(1)}" height="${(y(acc) - y(acc + v)).toFixed(1)}" fill="${colour(i)}"><title>${esc(s.name)}, ${esc(day)}: ${v}</title></rect>`);
      acc += v;
    });
    if (days.length <= 16 || d % Math.ceil(days.length / 8) === 0) parts.push(`<text x="${(x + bw / 2).toFixed(1)}" y="${h - 10}" text-anchor="middle" class="axis">${esc(day.slice(5))}</text>`);
  });
  const legend = series.map((s, i) => `<span class="key"><i style="background:${colour(i)}"></i>${esc(s.name)}</span>`).join("");
  return `<figure><svg viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(label)}">${parts.join("")}</svg><figcaption>${legend}</figcaption></figure>`;
}

/** Horizontal bars, each with its value (and a threshold mark when given). */
function bars(rows: Array<{ name: string; value: number; max?: number | null; note?: string }>, label: string): string {
  const w = 440, row = 30, left = 120;
  const h = Math.max(row, rows.length * row + 6);
  const max = Math.max(1, ...rows.map((r) => Math.max(r.value, r.max ?? 0)));
  const x = (v: number) => left + (w - left - 90) * (v / max);
  const parts = rows.map((r, i) => {
    const y = i * row + 4;
    const mark = r.max ? `<line x1="${x(r.max).toFixed(1)}" x2="${x(r.max).toFixed(1)}" y1="${y - 2}" y2="${y + row - 6}" class="mark"><title>threshold ${r.max}</title></line>` : "";
    return `<text x="${left - 8}" y="${y + 17}" text-anchor="end" class="label">${esc(r.name)}</text><rect x="${left}" y="${y}" width="${Math.max(1, x(r.value) - left).toFixed(1)}" height="${row - 8}" fill="${colour(i)}"/>${mark}<text x="${(Math.max(x(r.value), r.max ? x(r.max) : 0) + 6).toFixed(1)}" y="${y + 17}" class="value">${esc(r.note ?? String(r.value))}</text>`;
  });
  return `<figure><svg viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(label)}">${parts.join("")}</svg></figure>`;
}

function table(head: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
}

const pct = (x: number | null) => (x === null ? "n/a" : `${(x * 100).toFixed(1)}%`);
const ms = (x: number | null) => (x === null ? "n/a" : x >= 1000 ? `${(x / 1000).toFixed(1)} s` : `${x} ms`);

export function renderReport(d: ReportData): string {
  const css = `
:root { color-scheme: light dark; --fg: #1d2330; --muted: #5b6475; --bg: #ffffff; --card: #f5f7fa; --line: #d6dbe3; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ef; --muted: #9aa3b2; --bg: #14171d; --card: #1d222b; --line: #343b48; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 980px; margin: 0 auto; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 0 0 10px; }
.sub { color: var(--muted); margin: 0 0 20px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; margin: 0 0 16px; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; } @media (max-width: 760px) { .grid2 { grid-template-columns: 1fr; } }
figure { margin: 0; } svg { width: 100%; height: auto; display: block; }
svg text { fill: var(--fg); font-size: 13px; } .axis { fill: var(--muted); font-size: 11px; } .grid { stroke: var(--line); stroke-width: 1; } .mark { stroke: var(--fg); stroke-width: 2; stroke-dasharray: 3 2; }
figcaption { margin-top: 6px; } .key { display: inline-flex; align-items: center; margin-right: 12px; color: var(--muted); font-size: 13px; } .key i { width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; display: inline-block; }
table { width: 100%; border-collapse: collapse; font-size: 14px; } th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); } th { color: var(--muted); font-weight: 600; }
.tiles { display: flex; gap: 12px; flex-wrap: wrap; } .tile { flex: 1 1 140px; background: var(--bg); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; } .tile b { display: block; font-size: 22px; } .tile span { color: var(--muted); font-size: 13px; }
.empty { color: var(--muted); }`;
  const personaSeries = d.personas.map((p) => ({ name: p, values: d.perDay[p] ?? d.days.map(() => 0) }));
  const syncSeries = [
    { name: "succeeded", values: d.syncDays.map((s) => s.ok) },
    { name: "offline or skipped", values: d.syncDays.map((s) => s.offline) },
    { name: "failed", values: d.syncDays.map((s) => s.failed) },
  ];
  const tiles = [
    ["entries", String(Object.values(d.byType).reduce((a, b) => a + b, 0))],
    ["sync success", pct(d.sync.successRate)],
    ["sync p95", ms(d.sync.p95ms)],
    ["ADRs", String(d.adrs.length)],
    ["open handoffs", String(d.handoffs.length)],
    ["open tasks", String(d.tasks.length)],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(d.title)}</title><style>${css}</style></head>
<body><main>
<h1>${esc(d.title)}</h1>
<p class="sub">Generated ${esc(d.generated)}${d.since ? ` · since ${esc(d.since)}` : ""} · ${d.personas.length} persona${d.personas.length === 1 ? "" : "s"}</p>
<section><div class="tiles">${tiles.map(([k, v]) => `<div class="tile"><b>${esc(v!)}</b><span>${esc(k!)}</span></div>`).join("")}</div></section>
<section><h2>Contributions per persona over time</h2>${stackedColumns(d.days, personaSeries, "entries written per day, per persona")}</section>
<div class="grid2">
<section><h2>Entries by type</h2>${bars(Object.entries(d.byType).map(([name, value]) => ({ name, value })), "entries by type")}</section>
<section><h2>Buffers against their thresholds</h2>${bars(d.buffers.map((b) => ({ name: b.label, value: b.count, max: b.threshold, note: b.threshold ? `${b.count}/${b.threshold} ${b.unit}` : `${b.count} ${b.count === 1 ? b.unit.replace(/s$/, "") : b.unit}` })), "buffer fill against thresholds")}</section>
</div>
<section><h2>Sync health over time</h2>${stackedColumns(d.syncDays.map((s) => s.day), syncSeries, "syncs per day by outcome")}
<p class="sub">Success ${esc(pct(d.sync.successRate))} (goal above 99%) · p50 ${esc(ms(d.sync.p50ms))}, p95 ${esc(ms(d.sync.p95ms))} (goal under 3 s) · ${d.sync.conflicts} conflicts (goal under 1%) · ${d.sync.retries} push retries</p></section>
<section><h2>Contributions</h2>${table(["persona", "entries", "ADRs", "handoffs", "tasks done", "last active"], d.contributions.map((c) => [c.persona, String(c.entries), String(c.adrs), String(c.handoffs), String(c.tasksDone), c.lastActive ?? "never"]), "No contributions yet.")}</section>
<section><h2>ADRs</h2>${table(["ADR", "status", "day"], d.adrs.map((a) => [a.title, a.status, a.day]), "No ADRs yet.")}</section>
<div class="grid2">
<section><h2>Open handoffs</h2>${table(["from", "to", "what", "since"], d.handoffs.map((h) => [h.from, h.to, h.title, h.at.slice(0, 10)]), "No open handoffs.")}</section>
<section><h2>Open tasks</h2>${table(["task", "state", "priority", "who"], d.tasks.map((t) => [t.title, t.status, t.priority, t.who]), "No open tasks.")}</section>
</div>
</main></body></html>
`;
}
