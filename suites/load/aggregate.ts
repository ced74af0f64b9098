import * as hdr from 'hdr-histogram-js';
import { HISTOGRAM_CONFIG, type ErrorCounts, type RequestOutcome, type HistogramConfig, type LatencyFigures, type Sample, type TimelineSecond } from './types.js';

/*
 * The load figures as a pure fold over finished requests (no clock, no sockets), and
 * its serialised form, which merges exactly: worker threads and shards each fold their
 * own samples and the parts are added histogram by histogram, so percentiles are never
 * averaged. Every histogram of a run has the one fixed configuration.
 */

type Histogram = hdr.Histogram;

export function newHistogram(config: HistogramConfig = HISTOGRAM_CONFIG): Histogram {
  return hdr.build({ ...config, bitBucketSize: 32, useWebAssembly: false });
}

/** Latency in whole microseconds, clamped into the histogram's range (a value past it would throw). */
export function toMicros(ms: number, config: HistogramConfig = HISTOGRAM_CONFIG): number {
  return Math.min(config.highestTrackableValue, Math.max(config.lowestDiscernibleValue, Math.round(ms * 1000)));
}

interface SecondCounts {
  requests: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** A fold's serialisable state: what a worker posts to the main thread, and what merges. */
export interface PartialAggregate {
  histogramConfig: HistogramConfig;
  requests: number;
  ok2xx: number;
  timeouts: number;
  errors: number;
  errorKinds: ErrorCounts;
  statusCodes: Record<string, number>;
  duplicatesSent: number;
  /** Samples due before the measured window (warmup): counted apart, never in the figures. */
  warmupRequests: number;
  histogram: string;
  timeline: TimelineSecond[];
}

export interface Aggregate {
  add(s: Sample): void;
  /** `add` without the Sample object: the generator's hot path. */
  record(dueMs: number, endMs: number, outcome: RequestOutcome, duplicate: boolean): void;
  partial(): PartialAggregate;
}

const noErrors = (): ErrorCounts => ({ non2xx: 0, reset: 0, refused: 0, closed: 0, parse: 0, other: 0 });

/**
 * Folds samples whose due time falls in [measureStartMs, measureEndMs) into the figures;
 * earlier ones are warmup. A sample lands in the second it was due in, so a receiver
 * stall shows in the seconds whose requests waited for it.
 */
export function createAggregate(measureStartMs: number, config: HistogramConfig = HISTOGRAM_CONFIG): Aggregate {
  const seconds = new Map<number, { counts: SecondCounts; h: Histogram }>();
  const p = {
    requests: 0,
    ok2xx: 0,
    timeouts: 0,
    errors: 0,
    errorKinds: noErrors(),
    statusCodes: {} as Record<string, number>,
    duplicatesSent: 0,
    warmupRequests: 0,
  };
  // The second last recorded into: consecutive samples almost always share it.
  let lastT = Number.NaN;
  let last: { counts: SecondCounts; h: Histogram } | undefined;
  const record = (dueMs: number, endMs: number, o: RequestOutcome, duplicate: boolean): void => {
    if (dueMs < measureStartMs) {
      p.warmupRequests++;
      return;
    }
    const t = Math.floor((dueMs - measureStartMs) / 1000);
    let sec = t === lastT ? last : seconds.get(t);
    if (!sec) seconds.set(t, (sec = { counts: { requests: 0, ok2xx: 0, non2xx: 0, errors: 0, timeouts: 0 }, h: newHistogram(config) }));
    lastT = t;
    last = sec;
    // Recorded once, into its second: the whole run's histogram is the sum of the seconds' (exact).
    sec.h.recordValue(toMicros(endMs - dueMs, config));
    p.requests++;
    sec.counts.requests++;
    if (duplicate) p.duplicatesSent++;
    if (o.kind === 'response') {
      p.statusCodes[o.status] = (p.statusCodes[o.status] ?? 0) + 1;
      if (o.status >= 200 && o.status < 300) {
        p.ok2xx++;
        sec.counts.ok2xx++;
      } else {
        // A non-2xx answer is a failed delivery for the provider: it counts as an error.
        sec.counts.non2xx++;
        sec.counts.errors++;
        p.errors++;
        p.errorKinds.non2xx++;
      }
    } else if (o.kind === 'timeout') {
      p.timeouts++;
      sec.counts.timeouts++;
    } else {
      p.errors++;
      p.errorKinds[o.error]++;
      sec.counts.errors++;
    }
  };
  return {
    add: (s) => record(s.dueMs, s.endMs, s.outcome, s.duplicate),
    record,
    partial() {
      const whole = newHistogram(config);
      for (const { h } of seconds.values()) whole.add(h);
      const timeline = [...seconds.entries()]
        .sort(([a], [b]) => a - b)
        .map(([t, { counts, h }]) => ({ t, ...counts, histogram: hdr.encodeIntoCompressedBase64(h) }));
      return { histogramConfig: config, ...p, errorKinds: { ...p.errorKinds }, statusCodes: { ...p.statusCodes }, histogram: hdr.encodeIntoCompressedBase64(whole), timeline };
    },
  };
}

function sameConfig(a: HistogramConfig, b: HistogramConfig): boolean {
  return a.lowestDiscernibleValue === b.lowestDiscernibleValue && a.highestTrackableValue === b.highestTrackableValue && a.numberOfSignificantValueDigits === b.numberOfSignificantValueDigits;
}

export function decodeHistogram(encoded: string, config: HistogramConfig = HISTOGRAM_CONFIG): Histogram {
  const h = newHistogram(config);
  if (encoded) h.add(hdr.decodeFromCompressedBase64(encoded, 32, false));
  return h;
}

function addEncoded(a: string, b: string, config: HistogramConfig): string {
  const h = decodeHistogram(a, config);
  h.add(decodeHistogram(b, config));
  return hdr.encodeIntoCompressedBase64(h);
}

/** Adds folds together exactly (workers, shards). Throws when their histogram configurations differ. */
export function mergePartials(parts: PartialAggregate[]): PartialAggregate {
  if (parts.length === 0) return createAggregate(0).partial();
  const config = parts[0].histogramConfig;
  for (const q of parts) if (!sameConfig(q.histogramConfig, config)) throw new Error('cannot merge load figures with different histogram configurations');
  const out: PartialAggregate = { ...parts[0], errorKinds: { ...parts[0].errorKinds }, statusCodes: { ...parts[0].statusCodes }, timeline: parts[0].timeline.map((s) => ({ ...s })) };
  for (const q of parts.slice(1)) {
    out.requests += q.requests;
    out.ok2xx += q.ok2xx;
    out.timeouts += q.timeouts;
    out.errors += q.errors;
    out.duplicatesSent += q.duplicatesSent;
    out.warmupRequests += q.warmupRequests;
    for (const k of Object.keys(out.errorKinds) as (keyof ErrorCounts)[]) out.errorKinds[k] += q.errorKinds[k];
    for (const [code, n] of Object.entries(q.statusCodes)) out.statusCodes[code] = (out.statusCodes[code] ?? 0) + n;
    out.histogram = addEncoded(out.histogram, q.histogram, config);
    const byT = new Map(out.timeline.map((s) => [s.t, s]));
    for (const s of q.timeline) {
      const mine = byT.get(s.t);
      if (!mine) {
        byT.set(s.t, { ...s });
        continue;
      }
      mine.requests += s.requests;
      mine.ok2xx += s.ok2xx;
      mine.non2xx += s.non2xx;
      mine.errors += s.errors;
      mine.timeouts += s.timeouts;
      mine.histogram = addEncoded(mine.histogram, s.histogram, config);
    }
    out.timeline = [...byT.values()].sort((a, b) => a.t - b.t);
  }
  return out;
}

/** Percentiles in milliseconds from an encoded histogram (µs inside). */
export function latencyFigures(encoded: string, config: HistogramConfig = HISTOGRAM_CONFIG): LatencyFigures {
  const h = decodeHistogram(encoded, config);
  if (h.totalCount === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.maxValue),
    mean: ms(h.mean),
  };
}
