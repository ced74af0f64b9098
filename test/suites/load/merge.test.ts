import { describe, expect, it } from 'vitest';
import { createAggregate, latencyFigures } from '../../../suites/load/aggregate.js';
import { mergeShards } from '../../../suites/load/merge.js';
import { judgeThresholds, parseThreshold } from '../../../suites/load/thresholds.js';
import type { LoadResults, Sample } from '../../../suites/load/types.js';
import { shardModel, shareOf } from '../../../suites/load/run-load.js';

/** A shard's load.json built from samples with the engine's own fold. */
function shard(k: number, n: number, samples: Sample[], thresholds: string[], over: Partial<LoadResults> = {}): { name: string; r: LoadResults } {
  const agg = createAggregate(0);
  for (const s of samples) agg.add(s);
  const p = agg.partial();
  const latencyMs = latencyFigures(p.histogram);
  const figures = { requests: p.requests, throughputPerSec: p.requests / 10, latencyMs, errors: p.errors, timeouts: p.timeouts, ok2xx: p.ok2xx };
  const r: LoadResults = {
    schemaVersion: 1,
    tool: { name: 'hookgate', version: '0.1.0' },
    provider: 'optipick',
    target: 'http://127.0.0.1:1/webhook',
    startedAt: `2026-11-30T10:00:0${k}.000Z`,
    model: { kind: 'open', rate: 50, maxInflight: 500 },
    durationMs: 10_000,
    warmupMs: 0,
    ...figures,
    statusCodes: p.statusCodes,
    errorKinds: p.errorKinds,
    missedStarts: 0,
    duplicatesSent: p.duplicatesSent,
    largeSent: 0,
    drained: 0,
    generatorCpu: { elu: [0.2], max: 0.2 },
    valid: true,
    thresholds: judgeThresholds(thresholds.map(parseThreshold), figures),
    histogramConfig: p.histogramConfig,
    histogram: p.histogram,
    timeline: p.timeline,
    shard: { k, n },
    interrupted: false,
    ...over,
  };
  return { name: `shard-${k}`, r };
}

const ok = (dueMs: number, lat: number): Sample => ({ dueMs, endMs: dueMs + lat, outcome: { kind: 'response', status: 200 }, duplicate: false });
const timeout = (dueMs: number): Sample => ({ dueMs, endMs: dueMs + 20_000, outcome: { kind: 'timeout' }, duplicate: false });

describe('mergeShards', () => {
  it('sums the counts and computes percentiles from the histogram of all samples, timelines aligned by second', () => {
    const a = Array.from({ length: 500 }, (_, i) => ok(i * 20, 5 + (i % 7)));
    const b = Array.from({ length: 500 }, (_, i) => ok(i * 20 + 10, 50 + (i % 11)));
    const m = mergeShards([shard(2, 2, b, []), shard(1, 2, a, [])]);
    expect(m.requests).toBe(1000);
    expect(m.ok2xx).toBe(1000);
    expect(m.model).toEqual({ kind: 'open', rate: 100, maxInflight: 1000 });
    expect(m.throughputPerSec).toBe(100);
    const all = createAggregate(0);
    for (const s of [...a, ...b]) all.add(s);
    expect(m.latencyMs).toEqual(latencyFigures(all.partial().histogram));
    expect(m.timeline.map((s) => s.requests)).toEqual(all.partial().timeline.map((s) => s.requests));
    expect(m.shard).toBeUndefined();
  });

  it('judges thresholds on the merged figures: one each shard passes fails when merged', () => {
    const m = mergeShards([shard(1, 2, [ok(0, 1), timeout(10)], ['timeouts<=1']), shard(2, 2, [ok(0, 1), timeout(20)], ['timeouts<=1'])]);
    expect(m.thresholds).toEqual([{ expr: 'timeouts<=1', actual: 2, pass: false }]);
  });

  it('refuses a missing or duplicate shard, other histogram configurations or thresholds, and a plain run (exit 2)', () => {
    const one = shard(1, 3, [ok(0, 1)], ['p99<1s']);
    const two = shard(2, 3, [ok(0, 1)], ['p99<1s']);
    const three = shard(3, 3, [ok(0, 1)], ['p99<1s']);
    const expectRefusal = (parts: ReturnType<typeof shard>[], msg: RegExp) => {
      try {
        mergeShards(parts);
        throw new Error('merged');
      } catch (e) {
        expect((e as { exitCode?: number }).exitCode).toBe(2);
        expect((e as Error).message).toMatch(msg);
      }
    };
    expectRefusal([one, two], /shard 3\/3 missing/);
    expectRefusal([one, two, two], /shard 2\/3 appears twice/);
    expectRefusal([one, two, { ...three, r: { ...three.r, histogramConfig: { ...three.r.histogramConfig, numberOfSignificantValueDigits: 2 } } }], /different histogram configuration/);
    expectRefusal([one, two, shard(3, 3, [ok(0, 1)], ['p99<2s'])], /other --threshold gates/);
    expectRefusal([one, two, { ...three, r: { ...three.r, shard: undefined } }], /not a shard/);
    expect(mergeShards([one, two, three]).requests).toBe(3);
  });
});

describe('shard shares', () => {
  it('floor(total/N) each, the first total mod N one more; open schedules offset by (K−1)/R', () => {
    expect([1, 2, 3].map((k) => shareOf(10, 3, k - 1))).toEqual([4, 3, 3]);
    expect(shardModel({ kind: 'closed', connections: 10 }, { k: 1, n: 3 })).toEqual({ kind: 'closed', connections: 4 });
    expect(shardModel({ kind: 'open', rate: 300, maxInflight: 1000 }, { k: 3, n: 3 })).toMatchObject({ rate: 100, offsetMs: (2 * 1000) / 300 });
  });
});
