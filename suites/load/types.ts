/*
 * The load suite's shared shapes (SPEC "Load"). Time is milliseconds from
 * `performance.now()` (fractional, sub-microsecond) everywhere inside the engine;
 * latencies enter histograms as integer microseconds.
 */

/** How a request ended, as the aggregate counts it. */
export type ErrorKind = 'reset' | 'refused' | 'closed' | 'parse' | 'other';

export type RequestOutcome =
  | { kind: 'response'; status: number; /** closed before the body it announced ended */ cutShort?: boolean }
  | { kind: 'timeout' }
  | { kind: 'error'; error: ErrorKind; message?: string };

/** One finished request, as the aggregate folds it. */
export interface Sample {
  /** When the request was due (open model: start + i/R; closed model: when it was sent). Latency runs from here. */
  dueMs: number;
  /** When it ended: the last byte of the answer, the timeout, or the error. */
  endMs: number;
  outcome: RequestOutcome;
  /** A redelivery of a message already answered (same id, new timestamp and signature). */
  duplicate: boolean;
}

/** One fixed histogram configuration for every histogram of a run, so shards and seconds merge exactly. */
export interface HistogramConfig {
  lowestDiscernibleValue: number;
  highestTrackableValue: number;
  numberOfSignificantValueDigits: 1 | 2 | 3 | 4 | 5;
}

/** Microseconds from 1 µs to 1 hour at 3 significant digits: every latency a request can have under a ≤ 1-day timeout cap is clamped to the top. */
export const HISTOGRAM_CONFIG: HistogramConfig = { lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 };

export interface LatencyFigures {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** Failed requests other than timeouts, by kind: a non-2xx answer, or a transport failure. */
export interface ErrorCounts {
  non2xx: number;
  reset: number;
  refused: number;
  closed: number;
  parse: number;
  other: number;
}

/** One second of the run (after warmup): its counts and its own encoded histogram. */
export interface TimelineSecond {
  /** Seconds since the measured part of the run began. */
  t: number;
  requests: number;
  ok2xx: number;
  non2xx: number;
  /** Failed requests other than timeouts: non-2xx answers and transport failures. */
  errors: number;
  timeouts: number;
  /** Latencies of the requests that ended in this second (µs), compressed base64 (HdrHistogram V2). */
  histogram: string;
}

export interface ThresholdResult {
  expr: string;
  /** The measured value, in the unit the expression used (ms, %, count, req/s). */
  actual: number;
  pass: boolean;
  /** Why the figure could not be judged (e.g. not observable without `--effects-url`), so a failure is never unexplained. */
  note?: string;
}

/** One step of `--find-max`: the rate asked and what the receiver did at it. */
export interface CurvePoint {
  rate: number;
  achieved: number;
  p50: number;
  p99: number;
  /** Failed requests other than timeouts, as a share of requests (%). */
  errorRate: number;
  timeouts: number;
  pass: boolean;
  /** The generator, not the receiver, gave out at this step. */
  valid: boolean;
}

export interface FindMaxResult {
  /** The highest rate that held every threshold twice; null when even the start rate failed. */
  maxRate: number | null;
  /** Set when the search stopped because the generator gave out: the rate at which it did. */
  generatorBoundAt?: number;
  curve: CurvePoint[];
}

/** What `load.json` serialises (SPEC "Load"). */
export interface LoadResults {
  schemaVersion: 1;
  tool: { name: 'hookgate'; version: string };
  provider: string;
  target: string;
  /** `--insecure`: certificates were not verified (present only then, so no report can hide it). */
  insecure?: true;
  startedAt: string;
  model: { kind: 'closed'; connections: number } | { kind: 'open'; rate: number; maxInflight: number };
  /** The measured part: duration excludes warmup and the drain. */
  durationMs: number;
  warmupMs: number;
  requests: number;
  throughputPerSec: number;
  latencyMs: LatencyFigures;
  statusCodes: Record<string, number>;
  ok2xx: number;
  /**
   * Failed deliveries other than timeouts: a non-2xx answer (the provider retries it) or a
   * transport failure; `errorKinds` splits them. So `errors<0.1%` gates what a provider sees.
   */
  errors: number;
  errorKinds: ErrorCounts;
  timeouts: number;
  missedStarts: number;
  duplicatesSent: number;
  /** Duplicates the receiver processed (from `--effects-url`), when observable. */
  duplicatesProcessed?: number;
  largeSent: number;
  /** Requests still in flight at the end, drained up to the timeout and counted above. */
  drained: number;
  /** The generator's own load: event-loop utilisation per thread (0..1). */
  generatorCpu: { elu: number[]; max: number };
  valid: boolean;
  invalidReason?: string;
  thresholds: ThresholdResult[];
  histogramConfig: HistogramConfig;
  /** The whole measured run's latencies (µs), compressed base64. */
  histogram: string;
  timeline: TimelineSecond[];
  /** `--find-max`: the search, its curve and the rate found (the figures above are the last passing step's). */
  findMax?: FindMaxResult;
  /** `--shard K/N`: this run is shard K of N (thresholds recorded, judged only after `hookgate merge`). */
  shard?: { k: number; n: number };
  interrupted: boolean;
}
