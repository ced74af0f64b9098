import { HookgateError } from '../../fixtures/hookgate-error.js';
import { nearest } from '../../fixtures/nearest.js';
import type { LoadResults, ThresholdResult } from './types.js';

/*
 * `--threshold` expressions (SPEC "Load"): parsed once, up front, so a typo is exit 2
 * before any load is sent, and judged against the run's figures afterwards.
 *
 *   p50|p90|p99|p999|max|mean  <|<=|>|>=|==  N [ms|s|us]     latency; a bare number is ms
 *   errors|timeouts            <|<=|>|>=|==  N% | N           rate of requests, or a count
 *   rps                        <|<=|>|>=     N                throughput, requests/s
 *   duplicatesProcessed        <|<=|>|>=|==  N                a count
 *
 * Whitespace between the parts is optional. Anything else throws BAD_THRESHOLD: a gate
 * that cannot be read must never turn into a gate that always passes.
 */

export const LATENCY_METRICS = ['p50', 'p90', 'p99', 'p999', 'max', 'mean'] as const;
export const METRICS = [...LATENCY_METRICS, 'errors', 'timeouts', 'rps', 'duplicatesProcessed'] as const;

export type LatencyMetric = (typeof LATENCY_METRICS)[number];
export type ThresholdMetric = (typeof METRICS)[number];
export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==';
/** `count` and `req/s` are written as bare numbers; the rest as suffixes. */
export type ThresholdUnit = 'ms' | 's' | 'us' | '%' | 'count' | 'req/s';

export interface Threshold {
  /** The expression as given (trimmed): what reports show and what `merge` compares. */
  expr: string;
  metric: ThresholdMetric;
  op: ThresholdOp;
  value: number;
  unit: ThresholdUnit;
}

const ALL_OPS: readonly ThresholdOp[] = ['<', '<=', '>', '>=', '=='];
/** Throughput is a measured rate, never an exact figure: `rps==2000` could only pass by accident. */
const OPS_FOR: Record<ThresholdMetric, readonly ThresholdOp[]> = {
  p50: ALL_OPS,
  p90: ALL_OPS,
  p99: ALL_OPS,
  p999: ALL_OPS,
  max: ALL_OPS,
  mean: ALL_OPS,
  errors: ALL_OPS,
  timeouts: ALL_OPS,
  rps: ['<', '<=', '>', '>='],
  duplicatesProcessed: ALL_OPS,
};

const EXAMPLE: Record<ThresholdMetric, string> = {
  p50: 'p50<50ms',
  p90: 'p90<100ms',
  p99: 'p99<250ms',
  p999: 'p999<500ms',
  max: 'max<2s',
  mean: 'mean<50ms',
  errors: 'errors<0.1%',
  timeouts: 'timeouts==0',
  rps: 'rps>=2000',
  duplicatesProcessed: 'duplicatesProcessed==0',
};

export const THRESHOLD_HELP =
  'metrics: p50, p90, p99, p999, max, mean (latency in ms, s or us: p99<250ms); ' +
  'errors, timeouts (N% of requests, or a count: errors<0.1%, timeouts==0); ' +
  'rps (requests/s: rps>=2000); duplicatesProcessed (a count: duplicatesProcessed==0)';

const BY_LOWER = new Map<string, ThresholdMetric>(METRICS.map((m) => [m.toLowerCase(), m]));

/**
 * Words people reach for that edit distance cannot map (too far from any metric name),
 * each pointed at the metric that measures what they meant.
 */
const SYNONYMS: Record<string, ThresholdMetric> = {
  throughput: 'rps',
  rate: 'rps',
  reqs: 'rps',
  requests: 'rps',
  failures: 'errors',
  failed: 'errors',
  err: 'errors',
  duplicates: 'duplicatesProcessed',
  dupes: 'duplicatesProcessed',
  duplicatesprocessed: 'duplicatesProcessed',
  average: 'mean',
  avg: 'mean',
  median: 'p50',
};
const LATENCY_WORDS = new Set(['latency', 'lat', 'latencyms', 'duration', 'responsetime', 'response_time', 'time']);

function bad(expr: string, problem: string, hint: string): HookgateError {
  return new HookgateError('BAD_THRESHOLD', `--threshold ${JSON.stringify(expr)}: ${problem}`, hint);
}

const METRIC_RE = /^[A-Za-z_][\w.]*/;
// Longest first, so `<=` is not read as `<` followed by `=`; the wrong spellings are matched to be named.
const OP_RE = /^(<=|>=|==|=<|=>|!=|<>|=|<|>)/;
const NUMBER_RE = /^(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?/i;
const OP_FIXES: Record<string, string> = { '=': '==', '=<': '<=', '=>': '>=' };

export function parseThreshold(raw: string): Threshold {
  const expr = raw.trim();
  if (!expr) throw bad(raw, 'empty expression', `write a metric, a comparison and a number, e.g. p99<250ms; ${THRESHOLD_HELP}`);

  const name = METRIC_RE.exec(expr)?.[0];
  if (!name) throw bad(expr, 'it does not start with a metric', `e.g. p99<250ms; ${THRESHOLD_HELP}`);
  const metric = BY_LOWER.get(name.toLowerCase());
  let rest = expr.slice(name.length);
  if (!metric) throw unknownMetric(expr, name, rest);

  rest = rest.trimStart();
  const op = OP_RE.exec(rest)?.[0];
  if (!op) throw bad(expr, `no comparison after ${metric}`, `use one of ${OPS_FOR[metric].join(' ')}, e.g. ${EXAMPLE[metric]}`);
  if (!(OPS_FOR[metric] as readonly string[]).includes(op)) {
    const fix = OP_FIXES[op];
    if (fix && OPS_FOR[metric].includes(fix as ThresholdOp)) {
      throw bad(expr, `"${op}" is not a comparison`, `did you mean ${JSON.stringify(name + fix + rest.slice(op.length).trimStart())}?`);
    }
    const why = metric === 'rps' && op === '==' ? ': throughput is measured, never exact' : '';
    throw bad(expr, `${metric} cannot be compared with "${op}"${why}`, `use one of ${OPS_FOR[metric].join(' ')}, e.g. ${EXAMPLE[metric]}`);
  }

  rest = rest.slice(op.length).trimStart();
  if (rest.startsWith('-')) throw bad(expr, 'the number is negative', `no figure is below zero; e.g. ${EXAMPLE[metric]}`);
  const number = NUMBER_RE.exec(rest)?.[0];
  if (!number) throw bad(expr, `no number after "${op}"`, `e.g. ${EXAMPLE[metric]}`);
  const value = Number(number);
  if (!Number.isFinite(value)) throw bad(expr, `${number} is too large`, `e.g. ${EXAMPLE[metric]}`);

  const suffix = rest.slice(number.length).trim();
  const unit = unitFor(expr, metric, suffix, value);
  return { expr, metric, op: op as ThresholdOp, value, unit };
}

function unitFor(expr: string, metric: ThresholdMetric, suffix: string, value: number): ThresholdUnit {
  const s = suffix.toLowerCase();
  const trailing = (allowed: string) => bad(expr, `unexpected ${JSON.stringify(suffix)} after the number: ${metric} takes ${allowed}`, `one threshold per --threshold, e.g. ${EXAMPLE[metric]}`);
  if (isLatency(metric)) {
    if (s === '' || s === 'ms') return 'ms';
    if (s === 's') return 's';
    // µ (micro sign) and μ (Greek mu) look alike; accept both as well as the ASCII spelling.
    if (s === 'us' || s === 'µs' || s === 'μs') return 'us';
    throw trailing('ms, s or us (a bare number is ms)');
  }
  if (metric === 'rps') {
    if (s === '' || s === '/s' || s === 'req/s') return 'req/s';
    throw trailing('a number of requests per second');
  }
  if (s === '%') {
    if (metric === 'duplicatesProcessed') throw bad(expr, 'duplicatesProcessed is a count, not a rate', 'e.g. duplicatesProcessed==0');
    if (value > 100) throw bad(expr, `${value}% is more than all requests`, `a rate is 0 to 100%, e.g. ${EXAMPLE[metric]}`);
    return '%';
  }
  if (s === '') {
    // A fractional count is almost always a rate missing its %; say so rather than compare 2.5 requests.
    if (!Number.isInteger(value)) {
      const asRate = metric === 'duplicatesProcessed' ? '' : `; for a rate write ${value}%`;
      throw bad(expr, `${value} is not a whole number of ${metric}`, `a count is a whole number${asRate}`);
    }
    return 'count';
  }
  throw trailing(metric === 'duplicatesProcessed' ? 'a count' : 'N% (of requests) or a count');
}

function unknownMetric(expr: string, name: string, rest: string): HookgateError {
  const lower = name.toLowerCase();
  const problem = `unknown metric "${name}"`;
  // The rest of what was typed, kept so the suggestion is the user's own threshold, corrected.
  const corrected = (m: ThresholdMetric) => `did you mean ${JSON.stringify(m + rest.trim())}?`;
  if (LATENCY_WORDS.has(lower)) {
    return bad(expr, problem, `latency is judged by percentile: p50, p90, p99, p999, max or mean, e.g. ${JSON.stringify('p99' + rest.trim())}`);
  }
  const synonym = SYNONYMS[lower];
  if (synonym) return bad(expr, problem, corrected(synonym));
  if (/^p[\d._]+$/.test(lower)) {
    // p99.9 and p99_9 are spellings of p999; p95 is a percentile we do not report, and its nearest name would mislead.
    const squeezed = BY_LOWER.get(lower.replace(/[._]/g, ''));
    if (squeezed) return bad(expr, problem, corrected(squeezed));
    return bad(expr, `percentile "${name}" is not reported`, `the percentiles are p50, p90, p99 and p999 (and max), e.g. ${JSON.stringify('p99' + rest.trim())}`);
  }
  // nearest returns one of the candidates it was given, so the narrowing is sound.
  const guess = nearest(name, METRICS) as ThresholdMetric | undefined;
  if (guess) return bad(expr, problem, corrected(guess));
  return bad(expr, problem, THRESHOLD_HELP);
}

export function isLatency(metric: ThresholdMetric): metric is LatencyMetric {
  return (LATENCY_METRICS as readonly string[]).includes(metric);
}

const SUFFIX: Record<ThresholdUnit, string> = { ms: 'ms', s: 's', us: 'us', '%': '%', count: '', 'req/s': '' };

/** The canonical spelling (`p99<250ms`, `errors<0.1%`, `rps>=2000`): what parseThreshold reads back to the same threshold. */
export function formatThreshold(t: Omit<Threshold, 'expr'>): string {
  return `${t.metric}${t.op}${String(t.value)}${SUFFIX[t.unit]}`;
}

/** What judging reads from a run: load.json's figures, or a merge of shards before it is written. */
export type ThresholdFigures = Pick<LoadResults, 'requests' | 'throughputPerSec' | 'latencyMs' | 'errors' | 'timeouts'> &
  Partial<Pick<LoadResults, 'duplicatesProcessed' | 'ok2xx'>>;

export const NOT_OBSERVABLE_NOTE = 'not observable: pass --effects-url';
export const NO_REQUESTS_NOTE = 'no requests were measured: nothing to judge';

export function judgeThresholds(thresholds: readonly Threshold[], figures: ThresholdFigures): ThresholdResult[] {
  return thresholds.map((t) => judgeThreshold(t, figures));
}

export function judgeThreshold(t: Threshold, f: ThresholdFigures): ThresholdResult {
  const result = (actual: number, note?: string): ThresholdResult => {
    const r: ThresholdResult = { expr: t.expr, actual, pass: compare(actual, t.op, t.value) };
    if (note) r.note = note;
    return r;
  };
  // Empty histograms read as 0 ms and 0 errors: a run that measured nothing would pass every
  // upper bound. It fails instead; throughput keeps its true 0 so the report stays factual.
  if (f.requests <= 0) {
    const r = result(t.metric === 'rps' ? 0 : Number.NaN, NO_REQUESTS_NOTE);
    return { ...r, pass: false };
  }
  if (isLatency(t.metric)) return result(inUnit(f.latencyMs[t.metric], t.unit));
  switch (t.metric) {
    case 'rps':
      return result(tidy(f.throughputPerSec));
    case 'duplicatesProcessed':
      // Unknown is not zero: without --effects-url nothing says whether duplicates were processed.
      return f.duplicatesProcessed === undefined ? { ...result(Number.NaN, NOT_OBSERVABLE_NOTE), pass: false } : result(f.duplicatesProcessed);
    case 'errors':
    case 'timeouts': {
      const count = f[t.metric];
      const actual = t.unit === '%' ? tidy((count * 100) / f.requests) : count;
      return result(actual);
    }
  }
}

export function compare(actual: number, op: ThresholdOp, value: number): boolean {
  // NaN compares false every way, so an unknown figure never passes.
  switch (op) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
    case '==':
      return actual === value;
  }
}

function inUnit(ms: number, unit: ThresholdUnit): number {
  if (unit === 's') return tidy(ms / 1000);
  if (unit === 'us') return tidy(ms * 1000);
  return ms;
}

/**
 * Drops binary noise (3 * 100 / 1000 must be 0.3, as the user typed, not 0.30000000000000004,
 * or `errors<=0.3%` would fail on a rate of exactly 0.3%). 15 significant digits is below
 * a double's precision, so any figure we can measure survives.
 */
function tidy(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(15)) : x;
}

const SHOWN_UNIT: Record<ThresholdUnit, string> = { ms: ' ms', s: ' s', us: ' µs', '%': '%', count: '', 'req/s': ' req/s' };

/**
 * The actual value with the expression's unit, for reports: "312.4 ms", "0.25%", "1834.2 req/s",
 * or "not measured (…)". Rounded for reading, but never so far that the shown number seems to
 * contradict the verdict (p99<250ms failing on 250.0004 ms shows all its digits).
 */
export function describeActual(r: ThresholdResult): string {
  if (!Number.isFinite(r.actual)) return r.note ? `not measured (${r.note})` : 'not measured';
  let t: Threshold | undefined;
  try {
    t = parseThreshold(r.expr);
  } catch {
    // A load.json edited by hand may carry an expression we cannot read; show the bare number.
    return String(r.actual);
  }
  let shown = roundForReading(r.actual);
  if (compare(Number(shown), t.op, t.value) !== compare(r.actual, t.op, t.value)) shown = String(r.actual);
  return shown + SHOWN_UNIT[t.unit];
}

function roundForReading(x: number): string {
  if (Number.isInteger(x)) return String(x);
  // Three decimals (µs for ms, 0.001% for rates); tiny values keep three significant digits instead of reading as 0.
  return Math.abs(x) >= 0.001 ? String(Number(x.toFixed(3))) : String(Number(x.toPrecision(3)));
}
