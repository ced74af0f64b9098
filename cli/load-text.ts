import { styleText } from 'node:util';
import type { Tick } from '../suites/load/generator.js';
import type { LoadVerdict } from '../suites/load/verdict.js';
import type { CurvePoint, FindMaxResult, LoadResults } from '../suites/load/types.js';

/** The line `load` shows while it runs: elapsed, sent, req/s, p50/p99 and errors of the last second. */
export function loadProgressLine(t: Tick): string {
  return `${(t.elapsedMs / 1000).toFixed(0).padStart(4)} s  sent ${String(t.sent).padStart(8)}  ${t.perSec.toFixed(0).padStart(7)} req/s  p50 ${ms(t.p50)}  p99 ${ms(t.p99)}  errors ${t.errors}`;
}

function ms(v: number): string {
  return `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ms`.padStart(9);
}

const row = (k: string, v: string) => `  ${k.padEnd(22)} ${v}`;

/** The table printed at the end of a run: the figures, the thresholds with actual values, the verdict. */
export function loadTable(r: LoadResults, v: LoadVerdict, opts: { color?: boolean } = {}): string {
  const paint = (style: Parameters<typeof styleText>[0], s: string) => (opts.color ? styleText(style, s, { validateStream: false }) : s);
  const l = r.latencyMs;
  const pct = (n: number) => (r.requests ? `${((n / r.requests) * 100).toFixed(2)}%` : '0%');
  const kinds = Object.entries(r.errorKinds).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
  const lines = [
    row('requests', `${r.requests} in ${(r.durationMs / 1000).toFixed(1)} s (${r.model.kind === 'open' ? `open, ${r.model.rate}/s asked` : `closed, ${r.model.connections} connections`})`),
    row('throughput', `${r.throughputPerSec.toFixed(1)} req/s`),
    row('latency', `p50 ${l.p50} ms · p90 ${l.p90} ms · p99 ${l.p99} ms · p99.9 ${l.p999} ms · max ${l.max} ms`),
    row('status codes', Object.entries(r.statusCodes).map(([s, n]) => `${s}: ${n}`).join(', ') || 'none'),
    row('errors', `${r.errors} (${pct(r.errors)})${kinds ? ` — ${kinds}` : ''}`),
    row('timeouts', `${r.timeouts} (${pct(r.timeouts)})`),
    row('missed starts', String(r.missedStarts)),
    row('duplicates', `${r.duplicatesSent} sent${r.duplicatesProcessed === undefined ? '' : `, ${r.duplicatesProcessed} processed again`}`),
    ...(r.largeSent ? [row('large payloads', String(r.largeSent))] : []),
    row('generator', `event loop busy ${r.generatorCpu.elu.map((e) => `${Math.round(e * 100)}%`).join(', ')}${r.valid ? '' : ` — ${paint('yellow', 'INVALID')}: ${r.invalidReason}`}`),
  ];
  for (const t of r.thresholds) lines.push(row(t.pass ? paint('green', `✓ ${t.expr}`) : paint('red', `✗ ${t.expr}`), `actual ${Number.isNaN(t.actual) ? 'n/a' : t.actual}${t.note ? ` (${t.note})` : ''}`));
  const word = v.verdict === 'pass' ? paint(['bold', 'green'], 'PASS') : paint(['bold', 'red'], 'FAIL');
  return [`${word}  ${r.provider} ${r.target}  —  ${v.reason}`, ...lines].join('\n') + '\n';
}

/** One step of `--find-max`, as it finishes. */
export function curveLine(p: CurvePoint): string {
  const verdict = !p.valid ? 'generator-bound' : p.pass ? 'pass' : 'fail';
  return `step ${String(p.rate).padStart(8)}/s → achieved ${p.achieved.toFixed(1)}/s  p50 ${p.p50} ms  p99 ${p.p99} ms  errors ${p.errorRate}%  timeouts ${p.timeouts}  ${verdict}`;
}

/** The search's answer, in words. */
export function findMaxText(f: FindMaxResult, startRate: number): string {
  const lines = [
    f.maxRate !== null
      ? `max rate: ${f.maxRate}/s held every threshold (measured twice; ${f.curve.length} steps)`
      : `max rate: none — no rate held every threshold twice${f.curve[0] && !f.curve[0].pass ? ` (even ${startRate}/s failed: try a lower --start-rate)` : ''}`,
  ];
  if (f.generatorBoundAt !== undefined) lines.push(`generator-bound at ${f.generatorBoundAt}/s: use --workers or shards (the receiver's capacity may be higher)`);
  return lines.join('\n') + '\n';
}
