import { cspHash } from '../fixtures/csp-hash.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { LoadResults, ThresholdResult } from '../suites/load/types.js';
import { describeActual } from '../suites/load/thresholds.js';
import { INVALID_RUN_REASON, loadVerdict } from '../suites/load/verdict.js';
import { esc } from './html-escape.js';
import { CSS } from './html-style.js';
import type { LoadSummaryOptions } from './load-summary-md.js';
import { jsonForHtml, loadReportData, type LoadReportData } from './load-report-data.js';
import { cut, duration } from './report-text.js';

/*
 * report.html for a load run: one self-contained file that opens offline, like the check
 * report. Charts are drawn by uPlot (a runtime dependency, MIT), whose script and stylesheet
 * are read from node_modules when the report is written and inlined verbatim; the series
 * they draw are computed in Node (load-report-data.ts) and embedded as a JSON data island.
 * The Content-Security-Policy allows exactly the inline blocks of this page by hash and
 * nothing else (`default-src 'none'`): no request of any kind, no other script or style.
 * uPlot sets element styles through the CSSOM (`el.style.x = …`), which a CSP allows, so
 * no `'unsafe-inline'` is needed. Text we did not write (the target URL, the provider,
 * threshold expressions, status keys and the invalid reason read back from a load.json)
 * goes through `esc`; numbers are ours.
 */

interface Uplot {
  version: string;
  license: string;
  script: string;
  css: string;
}

let uplot: Uplot | undefined;

/** uPlot's files, read once per process from the installed package. */
function uplotAssets(): Uplot {
  if (uplot) return uplot;
  const require = createRequire(import.meta.url);
  const scriptPath = require.resolve('uplot/dist/uPlot.iife.min.js');
  const root = dirname(dirname(scriptPath));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const script = readFileSync(scriptPath, 'utf8');
  const css = readFileSync(join(root, 'dist', 'uPlot.min.css'), 'utf8');
  const license = readFileSync(join(root, 'LICENSE'), 'utf8');
  // Inlined raw text must not be able to end its own element early.
  if (/<\/script|<!--/i.test(script) || /<\/style/i.test(css) || /\*\//.test(license)) throw new Error('uPlot assets cannot be inlined safely');
  uplot = { version: pkg.version, license, script, css };
  return uplot;
}

export function loadReportHtml(r: LoadResults, opts: LoadSummaryOptions = {}): string {
  const u = uplotAssets();
  const data = loadReportData(r);
  const sharded = opts.sharded ?? false;
  const allowInvalid = opts.allowInvalid ?? false;
  const v = loadVerdict(r, { allowInvalid, sharded });
  // uPlot's file verbatim after its MIT notice; the notice is a comment inside the same block.
  const libraryScript = `/*! uPlot ${u.version} — ${u.license.trim()}\n*/\n${u.script}`;
  const ownStyle = CSS + LOAD_CSS;
  const policy = [
    "default-src 'none'",
    `style-src ${cspHash(u.css)} ${cspHash(ownStyle)}`,
    `script-src ${cspHash(libraryScript)} ${cspHash(LOAD_SCRIPT)}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const word = v.verdict === 'pass' ? 'PASS' : 'FAIL';
  const title = `hookgate load ${word}${r.valid ? '' : ' (INVALID run)'} · ${r.provider} · ${cut(r.target, 200)}`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(policy)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${esc(title)}</title>`,
    `<style>${u.css}</style>`,
    `<style>${ownStyle}</style>`,
    '</head>',
    '<body>',
    '<main>',
    banner(r, v.verdict, v.reason, sharded),
    figures(r),
    charts(r, data),
    thresholdsSection(r, sharded, !r.valid && !allowInvalid && !sharded),
    statusSection(r),
    `<footer>hookgate ${esc(r.tool.version)} · load.json schema ${r.schemaVersion} · percentiles over time are computed from each second's own histogram, never by combining percentiles · charts by uPlot ${esc(u.version)} (MIT).</footer>`,
    '</main>',
    `<script type="application/json" id="load-data">${jsonForHtml(data)}</script>`,
    `<script>${libraryScript}</script>`,
    `<script>${LOAD_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function banner(r: LoadResults, verdict: 'pass' | 'fail', reason: string, sharded: boolean): string {
  const pass = verdict === 'pass';
  const m = r.model;
  const model = m.kind === 'closed' ? `closed, ${num(m.connections)} connection${m.connections === 1 ? '' : 's'}` : `open, ${num(m.rate)}/s asked (at most ${num(m.maxInflight)} in flight)`;
  const meta: Array<[string, string]> = [
    ['provider', r.provider],
    ['target', r.target],
    ['model', model],
    ['measured', duration(r.durationMs)],
  ];
  if (r.warmupMs > 0) meta.push(['warmup (excluded)', duration(r.warmupMs)]);
  meta.push(['started', r.startedAt]);
  if (r.shard) meta.push(['shard', `${r.shard.k} of ${r.shard.n}`]);
  const notices: string[] = [];
  if (!r.valid) {
    notices.push(
      [
        '<div class="notice invalid" id="invalid" role="alert">',
        `<p><strong>⚠ INVALID run:</strong> ${esc(INVALID_RUN_REASON)}.</p>`,
        `<p class="why">${esc(r.invalidReason ?? 'the generator was saturated')}</p>`,
        '<p>Give the generator more room (<code>--workers</code>, a lower <code>--rate</code>, fewer <code>--connections</code>) and run again.</p>',
        '</div>',
      ].join(''),
    );
  }
  if (r.interrupted) notices.push('<p class="notice">⚠ The run was interrupted: these figures are partial.</p>');
  if (sharded) notices.push('<p class="notice">This is one shard: its thresholds are recorded and judged only after <code>hookgate merge</code>.</p>');
  const label = pass ? (r.valid ? '✓ PASS' : '⚠ PASS') : '✗ FAIL';
  return [
    // A pass on an invalid run (no thresholds, or --allow-invalid) is a warning, not a green light.
    `<header class="banner ${pass ? (r.valid ? 'pass' : 'warn') : 'fail'}">`,
    `<h1 id="verdict">${label}${r.valid ? '' : ' <small>(INVALID run)</small>'} <span class="kind">hookgate load</span></h1>`,
    `<p class="meta"><span><b>${esc(reason)}</b></span>${meta.map(([k, val]) => `<span>${k} <b>${esc(val)}</b></span>`).join('')}</p>`,
    ...notices,
    '</header>',
  ].join('\n');
}

function figures(r: LoadResults): string {
  const l = r.latencyMs;
  const share = (n: number) => (r.requests ? ` <small>${num((n / r.requests) * 100, 2)}%</small>` : '');
  const items: Array<[string, string, string]> = [
    ['', num(r.requests), 'requests'],
    ['', `${num(r.throughputPerSec, 1)}<small>/s</small>`, 'throughput'],
    ['', `${msShort(l.p50)}<small> ms</small>`, 'p50'],
    ['', `${msShort(l.p99)}<small> ms</small>`, 'p99'],
    ['', `${msShort(l.max)}<small> ms</small>`, 'max'],
    [r.errors ? 'fail' : 'pass', `${num(r.errors)}${share(r.errors)}`, 'errors'],
    [r.timeouts ? 'fail' : 'pass', `${num(r.timeouts)}${share(r.timeouts)}`, 'timeouts'],
    [r.missedStarts ? 'warn' : '', num(r.missedStarts), 'missed starts'],
  ];
  return `<section class="counts figures" aria-label="figures">${items.map(([cls, n, label]) => `<div class="count ${cls}"><b>${n}</b>${label}</div>`).join('')}</section>`;
}

function chart(id: string, title: string, caption: string, logToggle = false): string {
  const toggle = logToggle ? '<label class="log-toggle js-only"><input type="checkbox" data-log> log scale</label>' : '';
  return [`<figure class="chart" id="${id}">`, `<figcaption>${toggle}<h2>${title}</h2><p>${caption}</p></figcaption>`, '<div class="plot"></div>', '</figure>'].join('\n');
}

function charts(r: LoadResults, data: LoadReportData): string {
  const out: string[] = [];
  if (data.timeline.t.length === 0) {
    out.push('<section><h2>Over time</h2><p class="empty">No requests were measured: nothing to chart.</p></section>');
  } else {
    out.push(
      chart('chart-throughput', 'Throughput and errors over time', 'Requests per second by the second they were due, 2xx answers, and failures (errors: non-2xx answers and transport failures; timeouts) on the right-hand axis.'),
      chart('chart-latency', 'Latency over time', "p50, p90, p99 and max of each second, computed from that second's own histogram (a second's requests are those due in it, so a stall shows in the seconds that waited for it).", true),
    );
  }
  if (data.distribution.count > 0) {
    out.push(
      chart(
        'chart-distribution',
        'Latency distribution',
        `The whole measured run (${num(data.distribution.count)} requests) by percentile, HdrHistogram style: the x axis is 1/(1−p) on a log scale, so each step right is one more nine.`,
        true,
      ),
    );
  }
  if (r.findMax && data.curve) out.push(findMaxSection(r));
  return out.join('\n');
}

function findMaxSection(r: LoadResults): string {
  const f = r.findMax!;
  const answer =
    f.maxRate !== null
      ? `<p class="answer">Max rate: <b id="max-rate">${num(f.maxRate)}/s</b> held every threshold (measured twice; ${num(f.curve.length)} steps).</p>`
      : '<p class="answer"><b id="max-rate">No rate</b> held every threshold twice.</p>';
  const bound = f.generatorBoundAt !== undefined ? `<p class="notice">The generator gave out at ${num(f.generatorBoundAt)}/s: the receiver's capacity may be higher (use <code>--workers</code> or shards).</p>` : '';
  const rows = f.curve.map((p, i) => {
    const verdict = !p.valid ? '<span class="badge warn">generator-bound</span>' : p.pass ? '<span class="badge pass">✓ pass</span>' : '<span class="badge fail">✗ fail</span>';
    return `<tr><td class="n">${i + 1}</td><td class="n">${num(p.rate)}/s</td><td class="n">${num(p.achieved, 1)}/s</td><td class="n">${num(p.p50, 2)} ms</td><td class="n">${num(p.p99, 2)} ms</td><td class="n">${num(p.errorRate, 3)}%</td><td class="n">${num(p.timeouts)}</td><td>${verdict}</td></tr>`;
  });
  return [
    '<section id="find-max">',
    chart('chart-curve', 'Find max: the curve', 'Each step of the search: the rate asked (log scale) against its p99 latency and its error rate (right-hand axis); failed steps are marked, and the highest rate that held every threshold twice is the dashed line.'),
    answer,
    bound,
    '<details><summary>The steps, in the order they ran</summary>',
    '<table class="data"><thead><tr><th class="n">Step</th><th class="n">Rate asked</th><th class="n">Achieved</th><th class="n">p50</th><th class="n">p99</th><th class="n">Errors</th><th class="n">Timeouts</th><th>Result</th></tr></thead>',
    `<tbody>${rows.join('\n')}</tbody></table>`,
    '</details>',
    '</section>',
  ].join('\n');
}

function thresholdsSection(r: LoadResults, sharded: boolean, blockedByInvalid: boolean): string {
  if (r.thresholds.length === 0) return '<section id="thresholds"><h2>Thresholds</h2><p class="empty">No <code>--threshold</code> was given: nothing was judged.</p></section>';
  const rows = r.thresholds.map((t) => thresholdRow(t, sharded, blockedByInvalid));
  return [
    '<section id="thresholds">',
    '<h2>Thresholds</h2>',
    '<table class="data thresholds"><thead><tr><th>Threshold</th><th>Actual</th><th>Result</th></tr></thead>',
    `<tbody>${rows.join('\n')}</tbody></table>`,
    '</section>',
  ].join('\n');
}

function thresholdRow(t: ThresholdResult, sharded: boolean, blockedByInvalid: boolean): string {
  // On an invalid run a figure measured the generator: a pass beside it would read as the receiver's.
  const result = sharded
    ? '<span class="badge skip">judged after merge</span>'
    : blockedByInvalid
      ? '<span class="badge warn">⚠ not judged: invalid run</span>'
      : t.pass
        ? '<span class="badge pass">✓ pass</span>'
        : '<span class="badge fail">✗ fail</span>';
  const cls = sharded || blockedByInvalid ? 'st-warn' : t.pass ? 'st-pass' : 'st-fail';
  return `<tr class="${cls}"><td><code>${esc(t.expr)}</code></td><td>${esc(describeActual(t))}</td><td>${result}</td></tr>`;
}

function statusSection(r: LoadResults): string {
  const codes = Object.keys(r.statusCodes).sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  const total = r.requests || 1;
  const rows = codes.map((k) => {
    const n = r.statusCodes[k] ?? 0;
    const ok = /^2\d\d$/.test(k);
    return `<tr><td><span class="${ok ? 'status-ok' : 'status-bad'}">${esc(k)}</span></td><td class="n">${num(n)}</td><td class="n">${num((n / total) * 100, 2)}%</td></tr>`;
  });
  const kinds = Object.entries(r.errorKinds).filter(([k, n]) => k !== 'non2xx' && n > 0);
  for (const [k, n] of kinds) rows.push(`<tr><td>no answer: ${esc(k)}</td><td class="n">${num(n)}</td><td class="n">${num((n / total) * 100, 2)}%</td></tr>`);
  if (r.timeouts) rows.push(`<tr><td>timeout</td><td class="n">${num(r.timeouts)}</td><td class="n">${num((r.timeouts / total) * 100, 2)}%</td></tr>`);
  const other: Array<[string, string]> = [
    ['Latency p90 / p99.9 / mean', `${num(r.latencyMs.p90, 3)} / ${num(r.latencyMs.p999, 3)} / ${num(r.latencyMs.mean, 3)} ms`],
    ['Duplicates sent', num(r.duplicatesSent)],
    ['Duplicates processed', r.duplicatesProcessed === undefined ? 'not observed (pass --effects-url)' : num(r.duplicatesProcessed)],
    ['Large payloads sent', num(r.largeSent)],
    ['Drained at the end', num(r.drained)],
    ['Generator event-loop use', r.generatorCpu.elu.map((e) => `${num(e * 100, 0)}%`).join(', ') || '–'],
  ];
  return [
    '<section class="two" id="status">',
    '<div><h2>Status codes</h2>',
    rows.length ? `<table class="data"><thead><tr><th>Answer</th><th class="n">Count</th><th class="n">Share</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>` : '<p class="empty">No answers.</p>',
    '</div>',
    '<div><h2>Other figures</h2>',
    `<table class="data"><tbody>${other.map(([k, val]) => `<tr><th scope="row">${k}</th><td class="n">${esc(val)}</td></tr>`).join('\n')}</tbody></table>`,
    '</div>',
    '</section>',
  ].join('\n');
}

/** A latency for a figure card: three significant digits are enough at a glance (the tables have the microseconds). */
function msShort(v: number): string {
  return num(v, v < 10 ? 2 : v < 100 ? 1 : 0);
}

function num(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** Added to the check report's stylesheet (html-style.ts): charts, data tables. */
export const LOAD_CSS = `
:root { --c-req: #0969da; --c-p50: #1a7f37; --c-p90: #0969da; --c-p99: #bf3989; --c-max: #cf222e; --c-err: #cf222e; --c-to: #bc4c00; }
@media (prefers-color-scheme: dark) {
  :root { --c-req: #58a6ff; --c-p50: #3fb950; --c-p90: #58a6ff; --c-p99: #f778ba; --c-max: #f85149; --c-err: #f85149; --c-to: #f0883e; }
}
.banner h1 small { font-size: 1rem; }
.banner h1 .kind { font-size: .9rem; font-weight: 500; color: var(--muted); margin-left: 8px; white-space: nowrap; }
.banner.warn { border-left-color: var(--warn); }
.banner.warn h1 { color: var(--warn); }
.notice code { white-space: nowrap; }
.notice.invalid { border: 2px solid var(--warn); }
.notice.invalid p { margin: 2px 0; }
.notice.invalid .why { font-weight: 400; color: var(--fg); }
.figures { grid-template-columns: repeat(auto-fit, minmax(120px, 1fr)); }
.figures .count b { white-space: nowrap; }
.figures .count small { font-size: .8rem; font-weight: 400; color: var(--muted); }
.chart { margin: 20px 0 0; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 4px 14px 10px; }
.chart figcaption h2 { margin: 10px 0 2px; }
.chart .log-toggle { float: right; margin: 12px 0 0 12px; font-size: .85rem; color: var(--muted); cursor: pointer; user-select: none; }
.chart figcaption p { margin: 0 0 8px; color: var(--muted); font-size: .88rem; }
.chart .plot { width: 100%; min-height: 300px; }
.chart .uplot { width: 100%; font-family: inherit; }
.chart .u-legend { font-size: .85rem; color: var(--fg); }
.chart .u-legend .u-value { font-variant-numeric: tabular-nums; }
.answer { font-size: 1.05rem; margin: 10px 0 4px; }
table.data { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); border-radius: 8px; font-size: .92rem; }
.data th, .data td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
.data thead th { font-size: .78rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.data tbody th { font-weight: 500; color: var(--muted); }
.data tr:last-child td, .data tr:last-child th { border-bottom: 0; }
.data .n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.data td code { overflow-wrap: anywhere; }
tr.st-pass td:first-child { box-shadow: inset 4px 0 var(--pass); }
tr.st-fail td:first-child { box-shadow: inset 4px 0 var(--fail); }
tr.st-warn td:first-child { box-shadow: inset 4px 0 var(--warn); }
.two { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 0 20px; }
.empty { color: var(--muted); }
.meta b { overflow-wrap: anywhere; }
@media (max-width: 720px) {
  .two { grid-template-columns: minmax(0, 1fr); }
  .chart { padding: 4px 8px 8px; }
}
`;

/*
 * Draws the charts from the JSON data island with uPlot. Reads only numbers from it and
 * sets no markup: labels are fixed strings here, so nothing in the data can become HTML.
 * Colours come from the stylesheet's variables, so the charts follow light and dark mode.
 */
export const LOAD_SCRIPT = `
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var island = document.getElementById('load-data');
  if (!island || typeof uPlot !== 'function') return;
  var data = JSON.parse(island.textContent || '{}');
  var css = getComputedStyle(document.documentElement);
  function cv(name) { return css.getPropertyValue(name).trim(); }
  var muted = cv('--muted'), line = cv('--line');
  var font = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  var labelFont = '600 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  var charts = [];

  function fmt(v, digits) {
    if (v == null || !isFinite(v)) return '–';
    return v.toLocaleString('en-US', { maximumFractionDigits: digits });
  }
  function axis(label, more) {
    var a = { label: label, stroke: muted, font: font, labelFont: labelFont, grid: { stroke: line, width: 1 }, ticks: { stroke: line, width: 1 } };
    for (var k in more) a[k] = more[k];
    return a;
  }
  function plotLine(label, color, scale, unit, digits, more) {
    var s = { label: label, stroke: color, width: 2, scale: scale, points: { show: false },
      value: function (u, v) { return v == null ? '–' : fmt(v, digits) + unit; } };
    for (var k in more) s[k] = more[k];
    return s;
  }
  function fromZero(u, min, max) { return [0, max > 0 ? max * 1.08 : 1]; }
  // make(log) gives the chart's options; a figure with a "log scale" box is redrawn when it changes.
  function place(id, make, cols) {
    var box = document.getElementById(id);
    if (!box) return;
    var chart = { u: null, el: box.querySelector('.plot') };
    var toggle = box.querySelector('input[data-log]');
    function draw() {
      var opts = make(Boolean(toggle && toggle.checked));
      opts.width = width(chart.el);
      opts.height = 300;
      opts.legend = { live: true };
      opts.cursor = { drag: { x: true, y: false } };
      if (chart.u) chart.u.destroy();
      chart.u = new uPlot(opts, cols, chart.el);
    }
    draw();
    if (toggle) toggle.addEventListener('change', draw);
    charts.push(chart);
  }
  // Latency on a linear scale from 0, or on a log scale so p50 stays readable beside a slow max.
  function msScale(log) { return log ? { distr: 3, log: 10 } : { range: fromZero }; }
  function msAxis(log, label) { return axis(label + (log ? ' (ms, log scale)' : ' (ms)'), { scale: 'ms', size: 64 }); }
  function width(el) { return Math.max(260, Math.floor(el.clientWidth)); }
  // Whole seconds, and minutes once a run is long: the timeline has one point per second.
  function clock(v) {
    if (v < 120 || v % 60 !== 0 && v < 600) return v + ' s';
    var m = Math.floor(v / 60), s = v % 60;
    return m + ' min' + (s ? ' ' + s + ' s' : '');
  }
  var secs = { label: 'second', value: function (u, v) { return v == null ? '–' : clock(v); } };
  var xSeconds = axis('time since the measured part began', {
    incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400],
    values: function (u, splits) { return splits.map(clock); } });

  var tl = data.timeline;
  if (tl && tl.t.length) {
    place('chart-throughput', function () { return {
      scales: { x: { time: false }, rps: { range: fromZero }, fail: { range: fromZero } },
      series: [secs,
        plotLine('requests', cv('--c-req'), 'rps', ' /s', 0),
        plotLine('2xx', cv('--pass'), 'rps', ' /s', 0, { dash: [6, 4] }),
        plotLine('errors', cv('--c-err'), 'fail', ' /s', 0),
        plotLine('timeouts', cv('--c-to'), 'fail', ' /s', 0)],
      axes: [xSeconds, axis('requests / s', { scale: 'rps', size: 64 }),
        axis('errors, timeouts / s', { scale: 'fail', side: 1, size: 64, stroke: cv('--c-err'), grid: { show: false } })],
    }; }, [tl.t, tl.requests, tl.ok2xx, tl.errors, tl.timeouts]);

    place('chart-latency', function (log) { return {
      scales: { x: { time: false }, ms: msScale(log) },
      series: [secs,
        plotLine('p50', cv('--c-p50'), 'ms', ' ms', 3),
        plotLine('p90', cv('--c-p90'), 'ms', ' ms', 3),
        plotLine('p99', cv('--c-p99'), 'ms', ' ms', 3),
        plotLine('max', cv('--c-max'), 'ms', ' ms', 3, { width: 1, dash: [4, 3] })],
      axes: [xSeconds, msAxis(log, 'latency')],
    }; }, [tl.t, tl.p50, tl.p90, tl.p99, tl.max]);
  }

  // 1/(1-p) = 10^k is the percentile with k nines: 1 → 0%, 10 → 90%, 100 → 99%, 1000 → 99.9%.
  function pctOf(x) {
    if (x <= 1) return '0%';
    var p = 100 * (1 - 1 / x);
    var k = Math.log(x) / Math.LN10;
    var digits = Math.max(0, Math.ceil(k - 1e-9) - 2);
    return (p >= 100 ? '100' : p.toFixed(digits)) + '%';
  }
  var d = data.distribution;
  if (d && d.x.length) {
    var top = Math.max(10, Math.pow(10, Math.ceil(Math.log(d.x[d.x.length - 1]) / Math.LN10 - 1e-9)));
    place('chart-distribution', function (log) { return {
      scales: { x: { time: false, distr: 3, log: 10, range: function () { return [1, top]; } }, ms: msScale(log) },
      series: [{ label: 'percentile', value: function (u, v) { return v == null ? '–' : pctOf(v); } },
        plotLine('latency', cv('--c-p99'), 'ms', ' ms', 3, { points: { show: true, size: 3 } })],
      axes: [axis('percentile (log scale of 1/(1−p))', {
          splits: function () { var s = []; for (var x = 1; x <= top; x *= 10) s.push(x); return s; },
          values: function (u, splits) { return splits.map(pctOf); } }),
        msAxis(log, 'latency')],
    }; }, [d.x, d.ms]);
  }

  var c = data.curve;
  if (c && c.rate.length) {
    var failed = c.p99.map(function (v, i) { return c.pass[i] && c.valid[i] ? null : v; });
    var marks = [];
    if (c.maxRate != null) marks.push({ x: c.maxRate, color: cv('--pass'), text: 'max ' + fmt(c.maxRate, 0) + '/s' });
    if (c.generatorBoundAt != null) marks.push({ x: c.generatorBoundAt, color: cv('--warn'), text: 'generator-bound ' + fmt(c.generatorBoundAt, 0) + '/s' });
    var drawMarks = function (u) {
      var ctx = u.ctx, dpr = uPlot.pxRatio;
      marks.forEach(function (m, i) {
        var x = Math.round(u.valToPos(m.x, 'x', true));
        ctx.save();
        ctx.strokeStyle = m.color; ctx.fillStyle = m.color; ctx.lineWidth = 2 * dpr;
        ctx.setLineDash([6 * dpr, 4 * dpr]);
        ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
        ctx.font = 'bold ' + Math.round(12 * dpr) + 'px system-ui, sans-serif';
        var w = ctx.measureText(m.text).width;
        var tx = x + 6 * dpr + w > u.bbox.left + u.bbox.width ? x - 6 * dpr - w : x + 6 * dpr;
        ctx.fillText(m.text, tx, u.bbox.top + (14 + 16 * i) * dpr);
        ctx.restore();
      });
    };
    var lo = Math.min.apply(null, c.rate.concat(marks.map(function (m) { return m.x; })));
    var hi = Math.max.apply(null, c.rate.concat(marks.map(function (m) { return m.x; })));
    place('chart-curve', function () { return {
      scales: { x: { time: false, distr: 3, log: 10, range: function () { return [lo / 1.25, hi * 1.25]; } }, ms: { range: fromZero }, pct: { range: fromZero } },
      series: [{ label: 'rate asked', value: function (u, v) { return v == null ? '–' : fmt(v, 0) + ' /s'; } },
        plotLine('p99', cv('--c-p99'), 'ms', ' ms', 3, { points: { show: true, size: 7 } }),
        plotLine('error rate', cv('--c-err'), 'pct', ' %', 3, { dash: [6, 4], points: { show: true, size: 5 } }),
        plotLine('failed step (p99)', cv('--fail'), 'ms', ' ms', 3, { width: 0, paths: function () { return null; }, points: { show: true, size: 11, width: 2, fill: 'transparent', stroke: cv('--fail') } })],
      axes: [axis('rate asked (requests / s, log scale)', {
          splits: function () {
            var s = [];
            for (var e = Math.floor(Math.log(lo) / Math.LN10) - 1; Math.pow(10, e) <= hi * 1.25; e++) {
              [1, 2, 5].forEach(function (m) { var x = m * Math.pow(10, e); if (x >= lo / 1.25 && x <= hi * 1.25) s.push(x); });
            }
            return s;
          },
          filter: function (u, splits) { return splits; },
          values: function (u, splits) { return splits.map(function (v) { return v == null ? '' : fmt(v, 0); }); } }),
        axis('p99 latency (ms)', { scale: 'ms', size: 64 }),
        axis('error rate (%)', { scale: 'pct', side: 1, size: 56, stroke: cv('--c-err'), grid: { show: false } })],
      hooks: { draw: [drawMarks] },
    }; }, [c.rate, c.p99, c.errorRate, failed]);
  }

  var pending = 0;
  window.addEventListener('resize', function () {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () {
      charts.forEach(function (ch) { ch.u.setSize({ width: width(ch.el), height: 300 }); });
    });
  });
  document.documentElement.dataset.charts = String(charts.length);
})();
`;
