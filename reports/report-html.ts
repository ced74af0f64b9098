import { cspHash } from '../fixtures/csp-hash.js';
import type { CheckResult, CheckStatus, RunResults } from '../suites/types.js';
import { esc, anchor } from './html-escape.js';
import { checkDetails, receiverLogSection } from './html-evidence.js';
import { CSS, SCRIPT } from './html-style.js';
import { countedSkipNote, duration } from './report-text.js';

/*
 * report.html: one self-contained file that opens offline — inline CSS and a
 * small inline script, nothing fetched by URL. The Content-Security-Policy
 * allows exactly that stylesheet and that script by hash and nothing else
 * (`default-src 'none'`), so even markup that slipped past escaping could not
 * load, run or send anything. Receiver-controlled text is escaped with `esc`.
 */

/**
 * Plain symbols rather than the emoji summary.md uses: they render in the fonts
 * every system has (a CI container's Chromium often has no emoji font), and the
 * report loads no font of its own.
 */
const ICON: Record<CheckStatus, string> = { pass: '✓', fail: '✗', warn: '⚠', skip: '↷', error: '‼' };

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src ${cspHash(CSS)}`,
  `script-src ${cspHash(SCRIPT)}`,
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export function reportHtml(r: RunResults): string {
  const verdict = r.summary.verdict === 'pass' ? 'PASS' : 'FAIL';
  const title = `hookgate ${verdict} · ${r.provider} · ${r.target}`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(CONTENT_SECURITY_POLICY)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    banner(r),
    counts(r),
    checksTable(r),
    receiverLogSection(r),
    `<footer>hookgate ${esc(r.tool.version)} · results.json schema ${r.schemaVersion} · evidence reproduces with <code>hookgate replay results.json#CHECK/N</code> (re-signed with <code>HOOKGATE_SECRET</code>).</footer>`,
    '</main>',
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function banner(r: RunResults): string {
  const pass = r.summary.verdict === 'pass';
  const meta = [
    ['provider', r.provider],
    ['target', r.target],
    ['seed', String(r.seed)],
    ['duration', duration(r.durationMs)],
    ['started', r.startedAt],
  ]
    .map(([k, v]) => `<span>${k} <b>${esc(v ?? '')}</b></span>`)
    .join('');
  const notices: string[] = [];
  if (r.interrupted) notices.push('<p class="notice">⚠ The run was interrupted: these results are partial.</p>');
  if (r.summary.strict) notices.push('<p class="notice">--strict: a skipped MUST check counts as failed.</p>');
  const because = r.summary.verdictReason;
  return [
    `<header class="banner ${pass ? 'pass' : 'fail'}">`,
    `<h1 id="verdict">${pass ? '✓ PASS' : '✗ FAIL'}</h1>`,
    `<p class="meta"><span><b>${esc(because)}</b></span>${meta}</p>`,
    ...notices,
    '</header>',
  ].join('\n');
}

function counts(r: RunResults): string {
  const s = r.summary;
  const items: Array<[string, number, string]> = [
    ['pass', s.passed, 'passed'],
    ['fail', s.failed, 'failed'],
    ['warn', s.warned, 'warned'],
    ['skip', s.skipped, 'skipped'],
    ['error', s.errored, 'errored'],
  ];
  return `<section class="counts" aria-label="summary">${items.map(([cls, n, label]) => `<div class="count ${cls}"><b>${n}</b>${label}</div>`).join('')}</section>`;
}

function checksTable(r: RunResults): string {
  const rows = r.checks.map((c) => row(r, c)).join('\n');
  return [
    '<section>',
    '<h2>Checks</h2>',
    '<div class="toolbar js-only"><button type="button" data-action="expand">Expand all</button> <button type="button" data-action="collapse">Collapse all</button></div>',
    '<table class="checks">',
    '<colgroup><col class="c-status"><col class="c-id"><col class="c-sev"><col class="c-dur"><col></colgroup>',
    '<thead><tr><th>Status</th><th>Check</th><th>Severity</th><th>Duration</th><th>Message</th></tr></thead>',
    `<tbody>\n${rows}\n</tbody>`,
    '</table>',
    '</section>',
  ].join('\n');
}

function row(r: RunResults, c: CheckResult): string {
  const counted = countedSkipNote(c, r.summary).trim().replace(/^\(|\)$/g, '');
  const status = `<span class="badge ${c.status}">${ICON[c.status]} ${c.status}</span>${counted ? `<div class="title">${esc(counted)}</div>` : ''}`;
  // The evidence goes in a full-width row of its own: inside the message cell it would be a narrow column.
  const details = checkDetails(r, c);
  const tr = [
    `<tr class="check st-${c.status}${details ? ' has-detail' : ''}" id="${esc(anchor(c.id))}" data-status="${c.status}">`,
    `<td class="status" data-label="Status">${status}</td>`,
    `<td data-label="Check"><code>${esc(c.id)}</code><div class="title">${esc(c.title)}</div></td>`,
    `<td class="sev" data-label="Severity">${c.severity.toUpperCase()}</td>`,
    `<td class="dur" data-label="Duration">${duration(c.durationMs)}</td>`,
    `<td class="msg" data-label="Message"><div class="message">${esc(c.message)}</div></td>`,
    '</tr>',
  ].join('');
  return details ? `${tr}\n<tr class="detail-row st-${c.status}"><td colspan="5">${details}</td></tr>` : tr;
}
