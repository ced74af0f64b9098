import type { CheckResult, Counterexample, Evidence, RunResults } from '../suites/types.js';
import { fixFor } from './fixes.js';
import { frameworkOfRun } from './framework.js';
import { replayRef } from './junit.js';
import { esc, richText, stripAnsi, tail } from './html-escape.js';
import { answerOf, CURL_INLINE_MAX, cut, describeValue, duration, replayCommand, rerunCommand } from './report-text.js';

/*
 * The expandable part of a check's row in report.html: what it should do and the
 * fix, the counterexample, and each piece of evidence with its reproduction.
 * Every value that came from the run goes through `esc`.
 */

/** Evidence items shown per check; the rest stay in results.json (and replay). */
const EVIDENCE_MAX = 12;
/** Curl lines above this (a large-payload body inline) are not shown; replay rebuilds the request. */
const CURL_HTML_MAX = CURL_INLINE_MAX * 8;
const LOG_MAX = 200 * 1024;
const VALUE_MAX = 16 * 1024;
const SAID_MAX = 500;

export function checkDetails(r: RunResults, c: CheckResult): string {
  const judged = c.status === 'fail' || c.status === 'warn' || c.status === 'error';
  if (!judged && !c.evidence.length && !c.counterexample) return '';
  const parts: string[] = [];
  if (judged) {
    const { should, fix } = fixFor(c.id, r.provider, frameworkOfRun(r));
    parts.push(`<div class="advice"><p><strong>Should:</strong> ${richText(should)}</p><p><strong>Fix:</strong> ${richText(fix)}</p></div>`);
  }
  if (c.receiverSaid) parts.push(receiverSaid(c.receiverSaid));
  if (c.counterexample) parts.push(counterexample(r, c.id, c.counterexample));
  const shown = c.evidence.slice(0, EVIDENCE_MAX);
  shown.forEach((e, i) => parts.push(evidence(r, c.id, e, i + 1, c.evidence.length)));
  if (c.evidence.length > shown.length) {
    parts.push(`<p>${c.evidence.length - shown.length} more evidence items in <code>results.json</code> (<code>hookgate replay ${esc(replayRef(c.id, shown.length + 1, r))}</code> …).</p>`);
  }
  const label = [judged ? 'fix' : '', c.counterexample ? 'counterexample' : '', c.evidence.length ? `evidence (${c.evidence.length})` : '']
    .filter(Boolean)
    .join(' · ');
  return `<details><summary>${esc(label.charAt(0).toUpperCase() + label.slice(1))}</summary>${parts.join('\n')}</details>`;
}

/** The receiver's own log lines for this check (`--start`): the telling one first, the rest folded. */
function receiverSaid(s: NonNullable<CheckResult['receiverSaid']>): string {
  const out = [`<p><strong>Receiver said:</strong> <code>${esc(cut(s.telling, SAID_MAX))}</code></p>`];
  if (s.lines.length > 1) {
    out.push(`<details><summary>Its log lines during this check (${s.lines.length})</summary><pre>${esc(s.lines.map((l) => cut(l, SAID_MAX)).join('\n'))}</pre></details>`);
  }
  return out.join('\n');
}

function counterexample(r: RunResults, id: string, ce: Counterexample): string {
  return [
    '<h4>Counterexample</h4>',
    `<pre>${esc(cut(describeValue(ce.value), VALUE_MAX))}</pre>`,
    `<dl class="kv"><dt>seed</dt><dd>${ce.seed}</dd><dt>path</dt><dd><code>${esc(ce.path)}</code></dd><dt>runs</dt><dd>${ce.numRuns}, shrunk ${ce.shrinks} times</dd></dl>`,
    command(rerunCommand(r, id, ce.seed)),
  ].join('\n');
}

function evidence(r: RunResults, id: string, e: Evidence, n: number, total: number): string {
  const req = e.request;
  const reqHead = [`${req.method} ${req.url}`, ...headerLines(req.headers)].join('\n');
  const shown = req.bodyTruncated ? `, first ${Buffer.byteLength(req.body)} shown` : '';
  const out = [
    `<div class="ev"><h4>Evidence ${n}/${total}: ${esc(e.label)}</h4>`,
    `<dl class="kv"><dt>expected</dt><dd>${esc(e.expected)}</dd><dt>actual</dt><dd>${answerHtml(e)}</dd></dl>`,
    '<div class="io"><div>',
    `<h4>Request</h4><pre>${esc(reqHead)}</pre>`,
    `<pre>${esc(req.body)}</pre><p class="title">body: ${req.bodyBytes} bytes${shown}</p>`,
    '</div><div>',
  ];
  if (e.response) {
    const s = e.response;
    const cutNote = s.bodyBytes > Buffer.byteLength(s.body) ? `, first ${Buffer.byteLength(s.body)} shown` : '';
    out.push(
      `<h4>Response</h4><pre>${esc([`HTTP ${s.status} · ${duration(s.latencyMs)}`, ...headerLines(s.headers)].join('\n'))}</pre>`,
      `<pre>${esc(s.body)}</pre><p class="title">body: ${s.bodyBytes} bytes${cutNote}</p>`,
    );
  } else if (e.error) {
    out.push(`<h4>Transport error</h4><pre>${esc(`${e.error.kind}: ${e.error.message}\nafter ${duration(e.error.latencyMs)}`)}</pre>`);
  } else {
    out.push('<h4>Response</h4><p class="title">none recorded</p>');
  }
  out.push('</div></div>', '<h4>Reproduce</h4>');
  if (e.curl.length <= CURL_HTML_MAX) {
    out.push(command(e.curl), '<p class="title">The curl line keeps the original timestamp and goes stale after 5 minutes; <code>hookgate replay</code> re-signs with <code>HOOKGATE_SECRET</code>:</p>');
  } else {
    out.push(`<p class="title">The curl command (${Math.round(e.curl.length / 1024)} KB) is in <code>results.json</code>; replay re-sends the request, re-signed:</p>`);
  }
  out.push(command(replayCommand(r, id, n)), '</div>');
  return out.join('\n');
}

function answerHtml(e: Evidence): string {
  const ok = e.response !== undefined && e.response.status >= 200 && e.response.status < 300;
  return `<span class="${ok ? 'status-ok' : 'status-bad'}">${esc(answerOf(e))}</span>`;
}

function headerLines(h: Record<string, string>): string[] {
  return Object.entries(h).map(([k, v]) => `${k}: ${v}`);
}

/** A command line in a <pre> with a copy button (shown only when the script runs). */
function command(text: string): string {
  return `<div class="cmd"><pre>${esc(text)}</pre><button type="button" class="js-only" data-action="copy">Copy</button></div>`;
}

/** The receiver's own stdout/stderr when hookgate started it (`--start`). */
export function receiverLogSection(r: RunResults): string {
  const l = r.receiverLog;
  if (!l) return '';
  const exit = l.exitCode === null ? 'still running or stopped by hookgate' : `exit code ${l.exitCode}`;
  const stream = (name: string, raw: string): string => {
    const { text, dropped } = tail(stripAnsi(raw), LOG_MAX);
    const lines = text === '' ? 0 : text.replace(/\n$/, '').split('\n').length;
    const note = dropped ? `<p class="title">First ${dropped} characters left out; the whole output is in <code>results.json</code>.</p>` : '';
    const body = text === '' ? '<p class="title">(empty)</p>' : `<pre>${esc(text)}</pre>`;
    return `<details${text === '' ? '' : ' open'}><summary>${name} (${lines} lines)</summary>${note}${body}</details>`;
  };
  return [
    '<section class="log"><h2>Receiver output</h2>',
    `<p>Started with <code>${esc(l.command)}</code> (${esc(exit)}).</p>`,
    stream('stdout', l.stdout),
    stream('stderr', l.stderr),
    '</section>',
  ].join('\n');
}
