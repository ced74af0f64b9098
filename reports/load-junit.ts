import type { LoadResults, ThresholdResult } from '../suites/load/types.js';
import { loadVerdict, INVALID_RUN_REASON, type LoadVerdictOptions } from '../suites/load/verdict.js';
import { describeActual } from '../suites/load/thresholds.js';
import { el, render, type XmlNode } from './junit.js';

/*
 * junit.xml for a load run: one testcase per threshold (SPEC "Load"), written with the
 * check report's serializer so the escaping rules are the same. A testcase is red exactly
 * when the gate says so (suites/load/verdict.ts), because CI marks a build on any
 * <failure> and the report must not contradict the exit code:
 * - a threshold that held            → passing testcase
 * - a threshold that failed          → <failure type="threshold" message="p99<250ms: actual 312.4 ms">
 * - an invalid run (no --allow-invalid) → every threshold gets <failure type="invalid-run">, whatever
 *                                       its figure: the figure measured the generator
 * - a shard                          → <skipped>: judged only after `hookgate merge`
 * With no thresholds there is one testcase, "load run", so CI test-report actions that
 * reject an empty report still show the run; it passes, as the exit code does.
 */

export type LoadJunitOptions = Partial<LoadVerdictOptions>;

export function loadJunitXml(r: LoadResults, opts: LoadJunitOptions = {}): string {
  const allowInvalid = opts.allowInvalid ?? false;
  const sharded = opts.sharded ?? false;
  const verdict = loadVerdict(r, { allowInvalid, sharded });
  const blockedByInvalid = !r.valid && !allowInvalid && !sharded;

  const cases = r.thresholds.length ? r.thresholds.map((t) => thresholdCase(r, t, blockedByInvalid, sharded)) : [runCase(r)];
  const count = (name: string) => String(cases.filter((c) => Array.isArray(c.content) && c.content.some((x) => x.name === name)).length);
  const totals = { tests: String(cases.length), failures: count('failure'), errors: '0', skipped: count('skipped'), time: seconds(r.durationMs) };

  const props: Array<[string, string]> = [
    ['hookgate.version', r.tool.version],
    ['provider', r.provider],
    ['target', r.target],
    ['model', r.model.kind === 'closed' ? `closed, ${r.model.connections} connections` : `open, ${r.model.rate}/s, max in flight ${r.model.maxInflight}`],
    ['requests', String(r.requests)],
    ['throughputPerSec', String(r.throughputPerSec)],
    ['valid', String(r.valid)],
  ];
  if (r.invalidReason !== undefined) props.push(['invalidReason', r.invalidReason]);
  props.push(['verdict', verdict.verdict], ['verdictReason', verdict.reason], ['interrupted', String(r.interrupted)]);

  const children: XmlNode[] = [el('properties', {}, props.map(([name, value]) => el('property', { name, value }))), ...cases];
  const log = suiteOutput(r, allowInvalid);
  if (log) children.push(el('system-out', {}, log));
  const suite = el('testsuite', { name: `hookgate load ${r.provider}`, ...totals, timestamp: r.startedAt }, children);
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + render(el('testsuites', { name: 'hookgate', ...totals }, [suite]), 0);
}

function thresholdCase(r: LoadResults, t: ThresholdResult, blockedByInvalid: boolean, sharded: boolean): XmlNode {
  // Judging a threshold takes no time of its own: each is read off the whole run's figures.
  const attrs = { classname: `hookgate.${r.provider}.load`, name: t.expr, time: '0.000' };
  const actual = Number.isFinite(t.actual) ? `actual ${describeActual(t)}` : describeActual(t);
  if (sharded) return el('testcase', attrs, [el('skipped', { message: `${t.expr}: shard run, judged after hookgate merge (${actual})` })]);
  if (blockedByInvalid) {
    const message = `${t.expr}: ${INVALID_RUN_REASON}`;
    const body = [
      message,
      `why: ${r.invalidReason ?? 'the generator was saturated'}`,
      `measured (not judged): ${actual}`,
      'Give the generator more room (--workers, a lower --rate, fewer --connections) and run again, or pass --allow-invalid to judge anyway.',
      '',
      ...figureLines(r),
    ].join('\n');
    return el('testcase', attrs, [el('failure', { message, type: 'invalid-run' }, body)]);
  }
  if (t.pass) return el('testcase', attrs, t.note ? [el('system-out', {}, `${t.expr}: ${actual}; ${t.note}`)] : []);
  const message = `${t.expr}: ${actual}`;
  // An unmeasured figure already carries its note in the message.
  const note = t.note && Number.isFinite(t.actual) ? [`note: ${t.note}`] : [];
  const body = [message, ...note, '', ...figureLines(r)].join('\n');
  return el('testcase', attrs, [el('failure', { message, type: 'threshold' }, body)]);
}

function runCase(r: LoadResults): XmlNode {
  const attrs = { classname: `hookgate.${r.provider}.load`, name: 'load run', time: seconds(r.durationMs) };
  return el('testcase', attrs, [el('system-out', {}, ['no thresholds: nothing was judged', '', ...figureLines(r)].join('\n'))]);
}

/** The run's figures, so a CI reader sees what a failure was measured against without opening load.json. */
function figureLines(r: LoadResults): string[] {
  const l = r.latencyMs;
  const lines = [
    `target: ${r.target}`,
    `requests: ${r.requests} in ${seconds(r.durationMs)} s (${r.throughputPerSec} req/s), 2xx ${r.ok2xx}`,
    `latency ms: p50 ${l.p50}, p90 ${l.p90}, p99 ${l.p99}, p999 ${l.p999}, max ${l.max}, mean ${l.mean}`,
    `errors: ${r.errors} (${Object.entries(r.errorKinds).map(([k, n]) => `${k} ${n}`).join(', ')}), timeouts ${r.timeouts}, missed starts ${r.missedStarts}`,
    `duplicates sent ${r.duplicatesSent}, processed ${r.duplicatesProcessed ?? 'not observed (pass --effects-url)'}; large sent ${r.largeSent}`,
    `status codes: ${Object.entries(r.statusCodes).map(([k, n]) => `${k}: ${n}`).join(', ') || 'none'}`,
  ];
  return lines;
}

function suiteOutput(r: LoadResults, allowInvalid: boolean): string | undefined {
  const parts: string[] = [];
  if (!r.valid) {
    const judged = allowInvalid ? ' Judged anyway (--allow-invalid).' : '';
    parts.push(`INVALID run: ${INVALID_RUN_REASON} (${r.invalidReason ?? 'the generator was saturated'}).${judged}`);
  }
  if (r.interrupted) parts.push('Run interrupted: figures are partial.');
  return parts.length ? parts.join('\n') : undefined;
}

function seconds(msValue: number): string {
  return (msValue / 1000).toFixed(3);
}
