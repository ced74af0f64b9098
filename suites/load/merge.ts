import { HookgateError } from '../../fixtures/hookgate-error.js';
import { maskUrl } from '../../fixtures/mask.js';
import { latencyFigures, mergePartials, type PartialAggregate } from './aggregate.js';
import { judgeThresholds, parseThreshold } from './thresholds.js';
import type { LoadResults } from './types.js';

/*
 * `hookgate merge`: N shards' load.json into one, with the same pure fold the engine uses
 * (histograms and counts added, per-second timelines aligned: every shard started at the
 * common --start-at, so second t is the same second everywhere). Thresholds are judged
 * here, on the merged figures, never per shard: a p99 of p99s is not a p99.
 */

/** A load.json's figures as the fold they came from. */
export function partialOf(r: LoadResults): PartialAggregate {
  return {
    histogramConfig: r.histogramConfig,
    requests: r.requests,
    ok2xx: r.ok2xx,
    timeouts: r.timeouts,
    errors: r.errors,
    errorKinds: { ...r.errorKinds },
    statusCodes: { ...r.statusCodes },
    duplicatesSent: r.duplicatesSent,
    warmupRequests: 0,
    histogram: r.histogram,
    timeline: r.timeline,
  };
}

function refuse(message: string, hint: string): never {
  throw new HookgateError('BAD_OPTION', message, hint);
}

/** Checks that `parts` are the N shards of one run: same N, every K once, same histograms, thresholds, provider and target. */
export function validateShards(parts: Array<{ name: string; r: LoadResults }>): void {
  if (parts.length === 0) refuse('nothing to merge', 'pass the folders the shards wrote, e.g. hookgate merge results/shard-*');
  const notShard = parts.find((p) => !p.r.shard);
  if (notShard) refuse(`${notShard.name} is not a shard's load.json (it was not run with --shard K/N)`, 'merge combines the load.json of the N shards of one run');
  const n = parts[0].r.shard!.n;
  const other = parts.find((p) => p.r.shard!.n !== n);
  if (other) refuse(`${other.name} is shard ${other.r.shard!.k}/${other.r.shard!.n}, but ${parts[0].name} is one of ${n}`, 'merge the shards of one run only');
  const seen = new Map<number, string>();
  for (const p of parts) {
    const k = p.r.shard!.k;
    if (seen.has(k)) refuse(`shard ${k}/${n} appears twice (${seen.get(k)} and ${p.name})`, 'pass each shard\'s folder once');
    seen.set(k, p.name);
  }
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((k) => !seen.has(k));
  if (missing.length) refuse(`shard${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k}/${n}`).join(', ')} missing`, 'a merged run needs every shard: rerun the missing ones or pass their folders');
  const cfg = JSON.stringify(parts[0].r.histogramConfig);
  const badCfg = parts.find((p) => JSON.stringify(p.r.histogramConfig) !== cfg);
  if (badCfg) refuse(`${badCfg.name} has a different histogram configuration`, 'all shards must come from the same hookgate version');
  const thr = (r: LoadResults) => JSON.stringify(r.thresholds.map((t) => t.expr).sort());
  const badThr = parts.find((p) => thr(p.r) !== thr(parts[0].r));
  if (badThr) refuse(`${badThr.name} was run with other --threshold gates than ${parts[0].name}`, 'run every shard with the same --threshold options');
  // Compared and shown masked: a load.json holds the target masked, and the merge writes it so.
  const target = (r: LoadResults) => maskUrl(r.target);
  const badTarget = parts.find((p) => p.r.provider !== parts[0].r.provider || target(p.r) !== target(parts[0].r));
  if (badTarget) refuse(`${badTarget.name} loaded ${badTarget.r.provider} at ${target(badTarget.r)}, not ${parts[0].r.provider} at ${target(parts[0].r)}`, 'merge the shards of one run only');
}

export function mergeShards(parts: Array<{ name: string; r: LoadResults }>): LoadResults {
  validateShards(parts);
  const rs = [...parts].sort((a, b) => a.r.shard!.k - b.r.shard!.k).map((p) => p.r);
  const merged = mergePartials(rs.map(partialOf));
  const durationMs = Math.max(...rs.map((r) => r.durationMs));
  const sum = (f: (r: LoadResults) => number) => rs.reduce((n, r) => n + f(r), 0);
  const latencyMs = latencyFigures(merged.histogram, merged.histogramConfig);
  const first = rs[0];
  const throughputPerSec = Math.round((merged.requests / (durationMs / 1000)) * 10) / 10;
  const duplicatesProcessed = rs.every((r) => r.duplicatesProcessed !== undefined) ? sum((r) => r.duplicatesProcessed!) : undefined;
  const elu = rs.flatMap((r) => r.generatorCpu.elu);
  const invalid = rs.filter((r) => !r.valid).map((r) => `shard ${r.shard!.k}/${r.shard!.n}: ${r.invalidReason ?? 'invalid'}`);
  const figures = { requests: merged.requests, throughputPerSec, latencyMs, errors: merged.errors, timeouts: merged.timeouts, ok2xx: merged.ok2xx, ...(duplicatesProcessed === undefined ? {} : { duplicatesProcessed }) };
  return {
    schemaVersion: 1,
    tool: first.tool,
    provider: first.provider,
    target: maskUrl(first.target),
    startedAt: rs.map((r) => r.startedAt).sort()[0],
    model:
      first.model.kind === 'closed'
        ? { kind: 'closed', connections: sum((r) => (r.model.kind === 'closed' ? r.model.connections : 0)) }
        : { kind: 'open', rate: sum((r) => (r.model.kind === 'open' ? r.model.rate : 0)), maxInflight: sum((r) => (r.model.kind === 'open' ? r.model.maxInflight : 0)) },
    durationMs,
    warmupMs: Math.max(...rs.map((r) => r.warmupMs)),
    requests: merged.requests,
    throughputPerSec,
    latencyMs,
    statusCodes: merged.statusCodes,
    ok2xx: merged.ok2xx,
    errors: merged.errors,
    errorKinds: merged.errorKinds,
    timeouts: merged.timeouts,
    missedStarts: sum((r) => r.missedStarts),
    duplicatesSent: merged.duplicatesSent,
    ...(duplicatesProcessed === undefined ? {} : { duplicatesProcessed }),
    largeSent: sum((r) => r.largeSent),
    drained: sum((r) => r.drained),
    generatorCpu: { elu, max: Math.max(...elu) },
    valid: invalid.length === 0,
    ...(invalid.length ? { invalidReason: invalid.join('; ') } : {}),
    thresholds: judgeThresholds(first.thresholds.map((t) => parseThreshold(t.expr)), figures),
    histogramConfig: merged.histogramConfig,
    histogram: merged.histogram,
    timeline: merged.timeline,
    interrupted: rs.some((r) => r.interrupted),
  };
}
