import type { LoadResults } from '../suites/load/types.js';
import { loadVerdict, INVALID_RUN_REASON, type LoadVerdictOptions } from '../suites/load/verdict.js';
import { describeActual } from '../suites/load/thresholds.js';
import { mdCode, mdText } from './md-escape.js';
import { cut, duration } from './report-text.js';

/*
 * summary.md for a load run: what a GitHub step summary or a PR comment shows. The
 * verdict first (from suites/load/verdict.ts, so it matches the exit code), an invalid
 * run flagged right under it, then the thresholds with what was measured, the figures
 * and the status codes. Everything is bounded (one row per threshold the user wrote,
 * per status code seen, per figure), so no size budget is needed as in summary-md.ts.
 *
 * Text we did not write (the target URL, the expressions, the invalid reason, status
 * keys read back from a load.json) goes through md-escape; numbers are ours.
 */

export type LoadSummaryOptions = Partial<LoadVerdictOptions>;

export function loadSummaryMd(r: LoadResults, opts: LoadSummaryOptions = {}): string {
  const v = loadVerdict(r, { allowInvalid: opts.allowInvalid ?? false, sharded: opts.sharded });
  const blocks = [verdictLine(r, v.verdict, opts.sharded ?? false), `**Why:** ${mdText(v.reason)}`];
  if (!r.valid) {
    blocks.push(
      [
        '> [!WARNING]',
        `> **INVALID run:** ${INVALID_RUN_REASON}.`,
        `> ${mdText(r.invalidReason ?? 'the generator was saturated')}`,
        '> Give the generator more room (`--workers`, a lower `--rate`, fewer `--connections`) and run again.',
      ].join('\n'),
    );
  }
  if (r.interrupted) blocks.push('> [!WARNING]\n> The run was interrupted: these figures are partial.');
  if (r.findMax) blocks.push(findMaxSection(r.findMax));
  if (r.thresholds.length) blocks.push(thresholdTable(r, opts.sharded ?? false, !r.valid && !(opts.allowInvalid ?? false)));
  blocks.push(figuresTable(r));
  if (Object.keys(r.statusCodes).length) blocks.push(statusTable(r.statusCodes));
  return blocks.join('\n\n') + '\n';
}

function verdictLine(r: LoadResults, verdict: 'pass' | 'fail', sharded: boolean): string {
  const label = verdict === 'pass' ? (r.valid ? '✅ PASS' : '⚠️ PASS') : '❌ FAIL';
  const parts = [`### ${label}${r.valid ? '' : ' (INVALID run)'} — hookgate load · ${mdText(r.provider)} → ${mdCode(cut(r.target, 200))}`, model(r), duration(r.durationMs)];
  if (sharded) parts.push('shard');
  if (r.interrupted) parts.push('⚠️ interrupted');
  return parts.join(' · ');
}

function model(r: LoadResults): string {
  const m = r.model;
  return m.kind === 'closed' ? `closed model, ${num(m.connections)} connections` : `open model, ${num(m.rate)}/s (max in flight ${num(m.maxInflight)})`;
}

function thresholdTable(r: LoadResults, sharded: boolean, blockedByInvalid: boolean): string {
  const rows = r.thresholds.map((t) => {
    // On an invalid run a figure measured the generator: a ✅ beside it would read as the receiver's.
    const result = sharded ? '⏭️ judged after merge' : blockedByInvalid ? '⚠️ not judged: invalid run' : t.pass ? '✅ pass' : '❌ fail';
    return `| ${mdText(t.expr)} | ${mdText(describeActual(t))} | ${result} |`;
  });
  return ['#### Thresholds', '', '| Threshold | Actual | Result |', '|---|---|---|', ...rows].join('\n');
}

function figuresTable(r: LoadResults): string {
  const l = r.latencyMs;
  const kinds = Object.entries(r.errorKinds)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${num(n)}`);
  const rows: Array<[string, string]> = [
    ['Requests', `${num(r.requests)} (2xx ${num(r.ok2xx)})`],
    ['Throughput', `${num(r.throughputPerSec, 1)} req/s`],
    ['Latency p50', ms(l.p50)],
    ['Latency p90', ms(l.p90)],
    ['Latency p99', ms(l.p99)],
    ['Latency p99.9', ms(l.p999)],
    ['Latency max', ms(l.max)],
    ['Latency mean', ms(l.mean)],
    ['Errors', `${num(r.errors)}${kinds.length ? ` (${kinds.join(', ')})` : ''}`],
    ['Timeouts', num(r.timeouts)],
    ['Missed starts', num(r.missedStarts)],
    ['Duplicates sent', num(r.duplicatesSent)],
    ['Duplicates processed', r.duplicatesProcessed === undefined ? 'not observed (pass --effects-url)' : num(r.duplicatesProcessed)],
    ['Large payloads sent', num(r.largeSent)],
    ['Drained at the end', num(r.drained)],
    ['Generator event-loop use (max)', `${num(r.generatorCpu.max * 100, 0)}%`],
  ];
  if (r.warmupMs > 0) rows.push(['Warmup (excluded)', duration(r.warmupMs)]);
  return ['#### Figures', '', '| Figure | Value |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}

/** `--find-max`: the answer, then every step in the order measured (the figures below are the step at the rate found). */
function findMaxSection(f: NonNullable<LoadResults['findMax']>): string {
  const answer =
    f.maxRate !== null ? `**Max rate: ${num(f.maxRate, 2)}/s** held every threshold (measured twice).` : '**Max rate: none** — no rate held every threshold twice.';
  const bound = f.generatorBoundAt !== undefined ? `\n\nGenerator-bound at ${num(f.generatorBoundAt, 2)}/s: use \`--workers\` or shards (the receiver's capacity may be higher).` : '';
  const rows = f.curve.map((p) => `| ${num(p.rate, 2)}/s | ${num(p.achieved, 1)}/s | ${ms(p.p50)} | ${ms(p.p99)} | ${p.errorRate}% | ${num(p.timeouts)} | ${!p.valid ? '⚠️ generator-bound' : p.pass ? '✅ pass' : '❌ fail'} |`);
  return ['#### Find max', '', answer + bound, '', '| Rate asked | Achieved | p50 | p99 | Errors | Timeouts | Step |', '|---|---|---|---|---|---|---|', ...rows].join('\n');
}

function statusTable(codes: Record<string, number>): string {
  const rows = Object.keys(codes)
    .sort((a, b) => Number(a) - Number(b) || a.localeCompare(b))
    .map((k) => `| ${mdText(k)} | ${num(codes[k])} |`);
  return ['#### Status codes', '', '| Status | Count |', '|---|---|', ...rows].join('\n');
}

function num(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

function ms(n: number): string {
  return `${num(n, 3)} ms`;
}
