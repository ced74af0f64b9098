import { decodeHistogram } from '../suites/load/aggregate.js';
import type { CurvePoint, FindMaxResult, HistogramConfig, LoadResults, TimelineSecond } from '../suites/load/types.js';

/*
 * The series report.html charts, computed in Node when the report is written. Latency over
 * time comes from each second's own histogram (decoded here), never from combining
 * percentiles; the distribution comes from the whole run's histogram. The page only draws
 * what is computed here: it gets these arrays as JSON and does no statistics of its own.
 * Latencies are in milliseconds (the histograms hold microseconds).
 */

/** Column-wise, as uPlot takes its data: index i of every array is second `t[i]`. */
export interface TimelineSeries {
  /** Seconds since the measured part of the run began, every second from 0 (a second without requests is a gap, not skipped). */
  t: number[];
  requests: number[];
  ok2xx: number[];
  /** Failed requests other than timeouts (non-2xx answers and transport failures). */
  errors: number[];
  timeouts: number[];
  /** Latency percentiles of the requests due in that second (ms); null when none were. */
  p50: Array<number | null>;
  p90: Array<number | null>;
  p99: Array<number | null>;
  max: Array<number | null>;
}

/** The HDR percentile plot: x is 1/(1−p) (1 at 0%, 10 at 90%, 100 at 99%, …), y the latency there. */
export interface DistributionSeries {
  x: number[];
  /** The percentile of each point (0..100), for the tooltip and the table. */
  percentile: number[];
  ms: number[];
  count: number;
}

export interface CurveSeries {
  /** The steps sorted by the rate asked (a rate tested twice appears twice). */
  rate: number[];
  achieved: number[];
  p99: number[];
  errorRate: number[];
  pass: boolean[];
  valid: boolean[];
  maxRate: number | null;
  generatorBoundAt: number | null;
}

export interface LoadReportData {
  timeline: TimelineSeries;
  distribution: DistributionSeries;
  curve?: CurveSeries;
}

/** Points per decade of 1/(1−p): 20 gives a smooth line (120 points for a million requests). */
const STEPS_PER_DECADE = 20;

export function loadReportData(r: LoadResults): LoadReportData {
  const data: LoadReportData = {
    timeline: timelineSeries(r.timeline, r.histogramConfig, Math.ceil(r.durationMs / 1000)),
    distribution: distributionSeries(r.histogram, r.histogramConfig),
  };
  if (r.findMax) data.curve = curveSeries(r.findMax);
  return data;
}

/**
 * One entry per second from 0 to the last second of the run (at least `seconds` long), so a
 * second in which nothing was due (a closed model stalled on its receiver) shows as zero
 * throughput and a gap in latency, rather than being jumped over.
 */
export function timelineSeries(timeline: readonly TimelineSecond[], config: HistogramConfig, seconds = 0): TimelineSeries {
  const out: TimelineSeries = { t: [], requests: [], ok2xx: [], errors: [], timeouts: [], p50: [], p90: [], p99: [], max: [] };
  const byT = new Map(timeline.map((s) => [s.t, s]));
  const last = timeline.reduce((m, s) => Math.max(m, s.t), seconds - 1);
  for (let t = 0; t <= last; t++) {
    const s = byT.get(t);
    out.t.push(t);
    out.requests.push(s?.requests ?? 0);
    out.ok2xx.push(s?.ok2xx ?? 0);
    out.errors.push(s?.errors ?? 0);
    out.timeouts.push(s?.timeouts ?? 0);
    const h = s ? decodeHistogram(s.histogram, config) : undefined;
    const has = h !== undefined && h.totalCount > 0;
    out.p50.push(has ? ms(h.getValueAtPercentile(50)) : null);
    out.p90.push(has ? ms(h.getValueAtPercentile(90)) : null);
    out.p99.push(has ? ms(h.getValueAtPercentile(99)) : null);
    out.max.push(has ? ms(h.maxValue) : null);
  }
  return out;
}

/**
 * The whole run's latency by percentile, on the classic HdrHistogram axis x = 1/(1−p),
 * log-spaced up to the resolution the request count supports (1/(1−p) ≤ count), ending
 * at the maximum.
 */
export function distributionSeries(encoded: string, config: HistogramConfig): DistributionSeries {
  const h = decodeHistogram(encoded, config);
  const count = h.totalCount;
  const out: DistributionSeries = { x: [], percentile: [], ms: [], count };
  if (count === 0) return out;
  for (let i = 0; ; i++) {
    const x = 10 ** (i / STEPS_PER_DECADE);
    if (x >= count) break;
    const p = 100 * (1 - 1 / x);
    out.x.push(round(x, 6));
    out.percentile.push(round(p, 6));
    out.ms.push(ms(h.getValueAtPercentile(p)));
  }
  // The last point is the maximum, at the finest percentile this many requests resolve.
  out.x.push(Math.max(count, 1));
  out.percentile.push(100);
  out.ms.push(ms(h.maxValue));
  return out;
}

export function curveSeries(f: FindMaxResult): CurveSeries {
  const steps: CurvePoint[] = [...f.curve].sort((a, b) => a.rate - b.rate);
  return {
    rate: steps.map((s) => s.rate),
    achieved: steps.map((s) => s.achieved),
    p99: steps.map((s) => s.p99),
    errorRate: steps.map((s) => s.errorRate),
    pass: steps.map((s) => s.pass),
    valid: steps.map((s) => s.valid),
    maxRate: f.maxRate,
    generatorBoundAt: f.generatorBoundAt ?? null,
  };
}

/**
 * JSON for a `<script type="application/json">` data island: `<`, `>` and `&` are written as
 * \u escapes (still the same JSON), so no string inside can close the element or open a
 * comment; U+2028/2029 likewise. NaN and ±Infinity, which JSON cannot hold, become null.
 */
export function jsonForHtml(value: unknown): string {
  const json = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
  return json.replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Microseconds to milliseconds, kept to the microsecond. */
function ms(us: number): number {
  return Math.round(us) / 1000;
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}
