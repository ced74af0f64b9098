import type { LoadResults, ThresholdResult, TimelineSecond } from '../suites/load/types.js';
import { jsonReplacer } from './results-json.js';

/*
 * load.json with the key order of the LoadResults interface. Rebuilt field by field, as
 * results.json is, because the results are assembled in several places (the engine, the
 * interrupt handler, `merge`), and two load.json files should diff by their figures, not
 * by their layout. jsonReplacer writes NaN and ±Infinity as strings ("NaN"): JSON has no
 * such numbers and JSON.stringify would write null, which reads as "zero" or "absent";
 * a threshold whose figure could not be observed has actual NaN and must say so.
 */

export function loadJson(r: LoadResults): string {
  const ordered: Record<string, unknown> = {
    schemaVersion: r.schemaVersion,
    tool: { name: r.tool.name, version: r.tool.version },
    provider: r.provider,
    target: r.target,
    ...(r.insecure ? { insecure: true } : {}),
    startedAt: r.startedAt,
    model: r.model.kind === 'closed' ? { kind: r.model.kind, connections: r.model.connections } : { kind: r.model.kind, rate: r.model.rate, maxInflight: r.model.maxInflight },
    durationMs: r.durationMs,
    warmupMs: r.warmupMs,
    requests: r.requests,
    throughputPerSec: r.throughputPerSec,
    latencyMs: { p50: r.latencyMs.p50, p90: r.latencyMs.p90, p99: r.latencyMs.p99, p999: r.latencyMs.p999, max: r.latencyMs.max, mean: r.latencyMs.mean },
    statusCodes: byStatus(r.statusCodes),
    ok2xx: r.ok2xx,
    errors: r.errors,
    errorKinds: { non2xx: r.errorKinds.non2xx, reset: r.errorKinds.reset, refused: r.errorKinds.refused, closed: r.errorKinds.closed, parse: r.errorKinds.parse, other: r.errorKinds.other },
    timeouts: r.timeouts,
    missedStarts: r.missedStarts,
    duplicatesSent: r.duplicatesSent,
  };
  // Absent, not null: without --effects-url the figure was never observed.
  if (r.duplicatesProcessed !== undefined) ordered.duplicatesProcessed = r.duplicatesProcessed;
  ordered.largeSent = r.largeSent;
  ordered.drained = r.drained;
  ordered.generatorCpu = { elu: [...r.generatorCpu.elu], max: r.generatorCpu.max };
  ordered.valid = r.valid;
  if (r.invalidReason !== undefined) ordered.invalidReason = r.invalidReason;
  ordered.thresholds = r.thresholds.map(orderThreshold);
  ordered.histogramConfig = {
    lowestDiscernibleValue: r.histogramConfig.lowestDiscernibleValue,
    highestTrackableValue: r.histogramConfig.highestTrackableValue,
    numberOfSignificantValueDigits: r.histogramConfig.numberOfSignificantValueDigits,
  };
  ordered.histogram = r.histogram;
  ordered.timeline = r.timeline.map(orderSecond);
  ordered.interrupted = r.interrupted;
  // Fields added to LoadResults after this writer (find-max's curve, a shard's identity)
  // are kept, after the known ones, rather than silently dropped from the file `merge` reads.
  for (const [k, v] of Object.entries(r)) if (!(k in ordered) && v !== undefined) ordered[k] = v;
  return JSON.stringify(ordered, jsonReplacer, 2) + '\n';
}

function orderThreshold(t: ThresholdResult): Record<string, unknown> {
  const out: Record<string, unknown> = { expr: t.expr, actual: t.actual, pass: t.pass };
  if (t.note !== undefined) out.note = t.note;
  return out;
}

function orderSecond(s: TimelineSecond): Record<string, unknown> {
  return { t: s.t, requests: s.requests, ok2xx: s.ok2xx, non2xx: s.non2xx, errors: s.errors, timeouts: s.timeouts, histogram: s.histogram };
}

/** Status codes in numeric order (integer-like keys sort so anyway; this keeps it true for any key). */
function byStatus(codes: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(codes).sort((a, b) => Number(a) - Number(b) || a.localeCompare(b))) out[k] = codes[k];
  return out;
}
