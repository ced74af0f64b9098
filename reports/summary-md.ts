import type { CheckResult, Evidence, RunResults } from '../suites/types.js';
import { replayRef } from './junit.js';
import { fixFor } from './fixes.js';
import { unverifiedNotes } from './unverified.js';
import { frameworkOfRun } from './framework.js';
import { mdCode, mdFence, mdText } from './md-escape.js';
import { answerOf, countedSkipNote, countsLine, CURL_INLINE_MAX, cut, describeValue, duration, groupChecks, replayCommand, rerunCommand, STATUS_ICON, statusLabel } from './report-text.js';

/*
 * summary.md: what a developer reads in a GitHub Actions step summary or a PR
 * comment. Verdict first, then each failure with what the receiver did, what it
 * should do, the fix and a reproduction; then a table of every check.
 *
 * Size: a PR comment holds 65,536 characters and a step summary 1 MiB, so the
 * whole document stays under MAX_BYTES. Every part is a complete piece of
 * Markdown (a block never ends inside a fence), per-part values are capped, and
 * when the failure blocks would overflow the rest are named, not shown; the
 * verdict, the table and the skip reasons are laid out first so they always fit.
 */

export interface SummaryMdOptions {
  /** Link the sibling files (report.html, results.json, junit.xml) relative to summary.md. */
  reportLinks?: boolean;
}

/** UTF-8 bytes; under GitHub's 65,536-character comment limit with room for a wrapper. */
export const MAX_BYTES = 60 * 1024;

const MESSAGE_MAX = 600;
const TABLE_MESSAGE_MAX = 120;
const BODY_PREVIEW_MAX = 300;
const VALUE_MAX = 1500;
const REPLAY_LINES_MAX = 5;
const SAID_MAX = 300;

export function summaryMarkdown(r: RunResults, opts: SummaryMdOptions = {}): string {
  const groups = groupChecks(r.checks);
  const head = [verdictLine(r), `**Why:** ${mdText(r.summary.verdictReason)}`];
  // What could not be judged is part of the verdict, in plain words, right under it.
  const notes = unverifiedNotes(r);
  if (notes.length) head.push(['> [!WARNING]', ...notes.map((n) => `> ${mdText(n)}`)].join('\n'));
  if (r.interrupted) head.push('> [!WARNING]\n> The run was interrupted: these results are partial.');

  const tail = fitTail([tableSection(r), skippedSection(groups.skipped), footer(r, opts)].filter(Boolean), MAX_BYTES / 2);
  const blocks: string[] = [];
  if (groups.failures.length) blocks.push(`### Failures (${groups.failures.length})`, ...groups.failures.map((c) => checkBlock(r, c)));
  if (groups.warnings.length) blocks.push(`### Warnings (${groups.warnings.length})`, ...groups.warnings.map((c) => checkBlock(r, c)));

  const fixed = bytes(join(head)) + bytes(join(tail)) + 400;
  const shown = fitBlocks(blocks, MAX_BYTES - fixed);
  return join([...head, ...shown, ...tail]);
}

function verdictLine(r: RunResults): string {
  const verdict = r.summary.verdict === 'pass' ? '✅ PASS' : '❌ FAIL';
  const parts = [
    `### ${verdict} — hookgate check · ${mdText(r.provider)} → ${mdCode(cut(r.target, 200))}`,
    countsLine(r.summary),
    `seed ${r.seed}`,
    duration(r.durationMs),
  ];
  if (r.summary.strict) parts.push('--strict');
  if (r.interrupted) parts.push('⚠️ interrupted');
  return parts.join(' · ');
}

function checkBlock(r: RunResults, c: CheckResult): string {
  const { should, fix } = fixFor(c.id, r.provider, frameworkOfRun(r));
  const lines = [
    `#### ${STATUS_ICON[c.status]} ${mdCode(c.id)} — ${mdText(c.title)}`,
    `**${statusLabel(c, r.summary)}**`,
    '',
    `- **What happened:** ${mdText(cut(c.message, MESSAGE_MAX))}`,
  ];
  const first = c.evidence[0];
  if (first) lines.push(`- **Receiver answered:** ${receiverAnswer(first)}`);
  // A line of the receiver's own log (--start): its words, shown as code, never as Markdown.
  if (c.receiverSaid) lines.push(`- **Receiver said:** ${mdCode(cut(c.receiverSaid.telling, SAID_MAX))}`);
  // `should` and `fix` are our own text: their backtick spans are meant as code.
  lines.push(`- **Should:** ${should}`, `- **Fix:** ${fix}`);
  const ce = c.counterexample;
  if (ce) {
    lines.push(
      `- **Counterexample** (shrunk ${ce.shrinks} times after ${ce.numRuns} runs; rerun with \`--seed ${ce.seed}\`):`,
      '',
      indent(mdFence(cut(describeValue(ce.value), VALUE_MAX), 'json')),
      '',
      `  Rerun: ${mdCode(rerunCommand(r, c.id, ce.seed))}`,
    );
  }
  if (c.evidence.length) lines.push('', reproduction(r, c));
  return lines.join('\n');
}

function receiverAnswer(e: Evidence): string {
  let s = `${mdText(answerOf(e))}; expected ${mdText(e.expected)} (request: ${mdText(e.label)})`;
  if (e.response && e.response.body !== '') {
    const more = e.response.bodyBytes > BODY_PREVIEW_MAX ? ` (${e.response.bodyBytes} bytes; start shown)` : '';
    s += `\n- **Response body${more}:** ${mdText(cut(e.response.body, BODY_PREVIEW_MAX))}`;
  }
  return s;
}

function reproduction(r: RunResults, c: CheckResult): string {
  const first = c.evidence[0] as Evidence;
  const lines: string[] = [];
  if (first.curl.length <= CURL_INLINE_MAX) lines.push(first.curl);
  else lines.push(`# curl command left out (${Math.round(first.curl.length / 1024)} KB): replay below re-sends it`);
  const total = c.evidence.length;
  c.evidence.slice(0, REPLAY_LINES_MAX).forEach((e, i) => {
    lines.push(`${replayCommand(r, c.id, i + 1)}  # ${cut(e.label, 80).replace(/[\r\n]+/g, ' ')}`);
  });
  if (total > REPLAY_LINES_MAX) lines.push(`# … ${total - REPLAY_LINES_MAX} more: ${replayRef(c.id, REPLAY_LINES_MAX + 1, r)} to /${total}`);
  return [
    '<details><summary>Reproduce</summary>',
    '',
    'The curl line carries the original timestamp and goes stale after 5 minutes; `hookgate replay` re-signs with `HOOKGATE_SECRET`.',
    '',
    mdFence(lines.join('\n'), 'sh'),
    '',
    '</details>',
  ].join('\n');
}

function tableSection(r: RunResults): string {
  const rows = r.checks.map((c) => {
    const status = `${STATUS_ICON[c.status]} ${c.status}${countedSkipNote(c, r.summary)}`;
    return `| ${mdText(c.id)} | ${c.severity.toUpperCase()} | ${status} | ${mdText(cut(c.message, TABLE_MESSAGE_MAX))} |`;
  });
  return ['### All checks', '', '| Check | Severity | Status | Message |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function skippedSection(skipped: CheckResult[]): string {
  if (!skipped.length) return '';
  return [`### Skipped (${skipped.length})`, '', ...skipped.map((c) => `- ${mdCode(c.id)} — ${mdText(cut(c.message, MESSAGE_MAX))}`)].join('\n');
}

function footer(r: RunResults, opts: SummaryMdOptions): string {
  const files = opts.reportLinks
    ? '[report.html](report.html) · [results.json](results.json) · [junit.xml](junit.xml)'
    : '`report.html` · `results.json` · `junit.xml`';
  const lines = [`<sub>hookgate ${mdText(r.tool.version)} · started ${mdText(r.startedAt)} · full evidence: ${files}</sub>`];
  const log = r.receiverLog;
  if (log) {
    const exit = log.exitCode === null ? 'still running or stopped by hookgate' : `exit code ${log.exitCode}`;
    lines.unshift(`Receiver started with ${mdCode(cut(log.command, 200))} (${exit}); its output is in \`report.html\`.`, '');
  }
  return lines.join('\n');
}

/** The failure and warning sections that fit in `budget` bytes; the rest are counted, not shown. */
function fitBlocks(blocks: string[], budget: number): string[] {
  const out: string[] = [];
  let used = 0;
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i] as string;
    used += bytes(block) + 2;
    if (used > budget) {
      const left = blocks.slice(i).filter((b) => b.startsWith('#### ')).length;
      out.push(`_${left} more failure and warning sections left out to fit a PR comment: see \`report.html\` or \`results.json\`._`);
      break;
    }
    out.push(block);
  }
  return out;
}

/**
 * The table, skip reasons and footer, within `budget` bytes. Only a run with
 * hundreds of checks gets here with too much: the table keeps the rows that fit.
 */
function fitTail(parts: string[], budget: number): string[] {
  const total = parts.reduce((n, p) => n + bytes(p) + 2, 0);
  if (total <= budget) return parts;
  const [table = '', ...rest] = parts;
  const restBytes = rest.reduce((n, p) => n + Math.min(bytes(p), budget / 4) + 2, 0);
  return [cutLines(table, budget - restBytes, 'rows'), ...rest.map((p) => cutLines(p, budget / 4, 'lines'))];
}

function cutLines(part: string, budget: number, what: string): string {
  const lines = part.split('\n');
  const kept: string[] = [];
  let used = 120;
  for (const line of lines) {
    used += bytes(line) + 1;
    if (used > budget) break;
    kept.push(line);
  }
  const dropped = lines.length - kept.length;
  return dropped ? `${kept.join('\n')}\n\n_${dropped} more ${what} in \`results.json\`._` : part;
}

function indent(block: string): string {
  return block
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

function join(parts: string[]): string {
  return parts.join('\n\n') + '\n';
}

function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}
