import type { CheckResult, Counterexample, Evidence, RunResults } from '../suites/types.js';
import { jsonReplacer } from './results-json.js';
import { whyItCounts } from '../suites/verdict.js';
import { replayCommand, rerunCommand } from './report-text.js';

/*
 * junit.xml for CI viewers (Jenkins, GitLab, GitHub test-report actions, Azure).
 *
 * Written with a small serializer below rather than a library. xmlbuilder2 (the
 * maintained builder) leaves anything shaped like an entity (`&name;`, `&#N;`)
 * unescaped by design (oozcitak/xmlbuilder2#117, open), so a receiver answering
 * `&#0;` or `&nbsp;` would make junit.xml invalid or change what it shows;
 * junit-report-builder drops XML-illegal characters silently and brings lodash and
 * file writing for a one-string job. Escaping rules here:
 * - characters XML 1.0 forbids even as references (C0 controls other than \t \n \r,
 *   lone surrogates, U+FFFE/U+FFFF) become the text `\uXXXX`, so the report still
 *   shows what the receiver sent and every parser accepts the document;
 * - `&`, `<`, `>` are always escaped (`>` so that `]]>` never appears), plus `"` in
 *   attributes;
 * - \t \n \r in attributes and \r in text are written as character references,
 *   which parsers would otherwise normalise to spaces / \n.
 *
 * Mapping — a testcase is red in CI exactly when it counts against the verdict
 * (`countsAgainstVerdict`, decided in the core by suites/verdict.ts), because Jenkins marks a build unstable on any
 * <failure>/<error> and the report must not contradict the exit code:
 * - MUST `fail`                → <failure type="must">
 * - MUST `error`               → <error type="must">
 * - MUST `skip` that counts    → <failure type="must"> (--strict, or no MUST check could be judged)
 * - `skip`                     → <skipped message="reason"/>
 * - SHOULD `error`             → <skipped> (it was not judged, and does not fail the gate)
 *                                plus the details in <system-out>
 * - `warn` (a failed SHOULD)   → a passing testcase with <system-out>WARN (should): …</system-out>.
 *   JUnit has no warning state; <skipped> would hide that the check ran and found
 *   something, <failure> would turn the build red while the gate passes. system-out
 *   is shown per test by Jenkins, GitLab and most report actions.
 * The suite's `failures`/`errors`/`skipped` attributes count those elements, as
 * JUnit consumers expect; results.json keeps the by-status counts.
 */


export { replayRef } from './report-text.js';

export function junitXml(r: RunResults): string {
  const cases = r.checks.map((c) => ({ check: c, kind: caseKind(c) }));
  const count = (k: CaseKind): string => String(cases.filter((x) => x.kind === k).length);
  const totals = {
    tests: String(r.checks.length),
    failures: count('failure'),
    errors: count('error'),
    skipped: count('skipped'),
    time: seconds(r.durationMs),
  };

  const props = facts(r).map(([name, value]) => el('property', { name, value }));
  const children: XmlNode[] = [el('properties', {}, props), ...cases.map(({ check, kind }) => testcase(r, check, kind))];
  const log = suiteOutput(r);
  if (log) children.push(el('system-out', {}, log));
  const suite = el('testsuite', { name: `hookgate check ${r.provider}`, ...totals, timestamp: r.startedAt }, children);
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + render(el('testsuites', { name: 'hookgate', ...totals }, [suite]), 0);
}

/** Run-level facts a CI reader needs to reproduce the run without opening results.json. */
function facts(r: RunResults): Array<[string, string]> {
  return [
    ['hookgate.version', r.tool.version],
    ['provider', r.provider],
    ['target', r.target],
    ['seed', String(r.seed)],
    ['verdict', r.summary.verdict],
    ['verdictReason', r.summary.verdictReason],
    ['interrupted', String(r.interrupted)],
    ['strict', String(r.summary.strict)],
  ];
}

type CaseKind = 'pass' | 'warn' | 'failure' | 'error' | 'skipped';

function caseKind(c: CheckResult): CaseKind {
  if (c.countsAgainstVerdict) return c.status === 'error' ? 'error' : 'failure';
  switch (c.status) {
    case 'pass':
      return 'pass';
    case 'warn':
      return 'warn';
    case 'fail':
      // Only a SHOULD check reaches here with `fail` (the runner should have made it
      // `warn`); treat it as a warning so JUnit agrees with the verdict.
      return 'warn';
    case 'skip':
    case 'error':
      return 'skipped';
  }
}

function testcase(r: RunResults, c: CheckResult, kind: CaseKind): XmlNode {
  const family = c.id.split('.')[0] ?? c.id;
  const attrs = { classname: `hookgate.${r.provider}.${family}`, name: c.id, time: seconds(c.durationMs) };
  const children: XmlNode[] = [];
  switch (kind) {
    case 'failure': {
      const message = c.status === 'skip' ? `skipped, and ${whyItCounts(c, r.summary)}: ${c.message}` : c.message;
      children.push(el('failure', { message, type: c.severity }, details(r, c, message)));
      break;
    }
    case 'error':
      children.push(el('error', { message: c.message, type: c.severity }, details(r, c, `error: ${c.message}`)));
      break;
    case 'skipped':
      if (c.status === 'error') {
        const message = `error (should, does not fail the gate): ${c.message}`;
        children.push(el('skipped', { message }), el('system-out', {}, details(r, c, message)));
      } else {
        children.push(el('skipped', { message: c.message }));
      }
      break;
    case 'warn':
      children.push(el('system-out', {}, details(r, c, `WARN (${c.severity}): ${c.message}`)));
      break;
    case 'pass':
      break;
  }
  return el('testcase', attrs, children);
}

/** The human-readable body of a failure, error or warning: what went wrong and how to reproduce it. */
function details(r: RunResults, c: CheckResult, headline: string): string {
  const lines = [`${c.id} (${c.severity.toUpperCase()}) — ${c.title}`, headline];
  if (c.counterexample) lines.push('', ...counterexampleLines(r, c.id, c.counterexample));
  c.evidence.forEach((e, i) => lines.push('', ...evidenceLines(r, c.id, e, i + 1, c.evidence.length)));
  return lines.join('\n');
}

function counterexampleLines(r: RunResults, id: string, ce: Counterexample): string[] {
  return [
    `Counterexample (after ${ce.numRuns} runs, shrunk ${ce.shrinks} times):`,
    `  value: ${describe(ce.value)}`,
    `  seed: ${ce.seed}`,
    `  path: ${ce.path}`,
    `  rerun: ${rerunCommand(r, id, ce.seed)}`,
  ];
}

function evidenceLines(r: RunResults, id: string, e: Evidence, n: number, total: number): string[] {
  const req = e.request;
  const shown = req.bodyTruncated ? `, first ${Buffer.byteLength(req.body)} shown` : '';
  const lines = [
    `Evidence ${n}/${total}: ${e.label}`,
    `  request:  ${req.method} ${req.url} (body ${req.bodyBytes} bytes${shown})`,
    `  expected: ${e.expected}`,
  ];
  if (e.response) {
    const s = e.response;
    lines.push(`  actual:   HTTP ${s.status} after ${ms(s.latencyMs)}`);
    const cut = s.bodyBytes > Buffer.byteLength(s.body) ? `, first ${Buffer.byteLength(s.body)} shown` : '';
    lines.push(`  response body (${s.bodyBytes} bytes${cut}): ${s.body}`);
  } else if (e.error) {
    lines.push(`  actual:   transport error ${e.error.kind}: ${e.error.message} (after ${ms(e.error.latencyMs)})`);
  } else {
    lines.push('  actual:   no response recorded');
  }
  lines.push(
    // The curl line carries the original timestamp and goes stale once it leaves the
    // provider's window; replay re-signs with HOOKGATE_SECRET.
    '  reproduce:',
    `    ${e.curl}`,
    `    ${replayCommand(r, id, n)}`,
  );
  return lines;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, jsonReplacer) ?? String(value);
  } catch {
    // Circular structures: a lossy description beats losing the whole report.
    return String(value);
  }
}

function suiteOutput(r: RunResults): string | undefined {
  const parts: string[] = [];
  if (r.interrupted) parts.push('Run interrupted: results are partial.');
  const l = r.receiverLog;
  if (l) {
    parts.push(
      `Receiver started with: ${l.command} (exit code ${l.exitCode ?? 'none: still running or killed'})`,
      '--- receiver stdout ---',
      l.stdout,
      '--- receiver stderr ---',
      l.stderr,
    );
  }
  return parts.length ? parts.join('\n') : undefined;
}

/** An element with either child elements or text; attribute order is insertion order. */
interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  content: XmlNode[] | string;
}

function el(name: string, attrs: Record<string, string>, content: XmlNode[] | string = []): XmlNode {
  return { name, attrs, content };
}

/** Two-space indentation between elements; text is written inline so no whitespace is added to it. */
function render(node: XmlNode, depth: number): string {
  const pad = '  '.repeat(depth);
  const attrs = Object.entries(node.attrs)
    .map(([k, v]) => ` ${k}="${escapeAttr(v)}"`)
    .join('');
  const open = `${pad}<${node.name}${attrs}`;
  if (typeof node.content === 'string') return `${open}>${escapeText(node.content)}</${node.name}>\n`;
  if (node.content.length === 0) return `${open}/>\n`;
  return `${open}>\n${node.content.map((c) => render(c, depth + 1)).join('')}${pad}</${node.name}>\n`;
}

// Outside the XML 1.0 `Char` production. With the u flag a valid surrogate pair is one
// code point (allowed) while a lone surrogate is matched on its own.
const ILLEGAL = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

function sanitize(s: string): string {
  return s.replace(ILLEGAL, (ch) => '\\u' + (ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0'));
}

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };
const ATTR_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '"': '&quot;', '\t': '&#9;', '\n': '&#10;' };

export function escapeText(s: string): string {
  return sanitize(s).replace(/[&<>\r]/g, (ch) => TEXT_ESCAPES[ch] ?? ch);
}

export function escapeAttr(s: string): string {
  return sanitize(s).replace(/[&<>"\t\n\r]/g, (ch) => ATTR_ESCAPES[ch] ?? ch);
}

function seconds(msValue: number): string {
  return (msValue / 1000).toFixed(3);
}

function ms(value: number): string {
  return `${Math.round(value)} ms`;
}

// Shared with reports/load-junit.ts, so both reports escape and indent the same way.
export { el, render, type XmlNode };
