import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createPacer, dueAt, scheduleLength } from '../../../suites/load/pacer.js';
import { createAggregate, decodeHistogram, latencyFigures, mergePartials } from '../../../suites/load/aggregate.js';
import type { Sample } from '../../../suites/load/types.js';

/*
 * The open model's arithmetic and the figures' fold, on an injected clock: no sockets,
 * no timers. What a real run adds (the event loop, the receiver) is the benchmark's job.
 */

const ok = (dueMs: number, latencyMs: number, status = 200): Sample => ({ dueMs, endMs: dueMs + latencyMs, outcome: { kind: 'response', status }, duplicate: false });

describe('open-model pacer', () => {
  it('request i is due at start + i/R', () => {
    const s = { rate: 200, startMs: 1000, endMs: 2000, maxInflight: 1000 };
    expect(dueAt(s, 0)).toBe(1000);
    expect(dueAt(s, 1)).toBe(1005);
    expect(dueAt(s, 199)).toBe(1995);
    expect(scheduleLength(s)).toBe(200);
    // Float noise in the span never adds a request.
    const t0 = 4718.123456789;
    expect(scheduleLength({ rate: 200, startMs: t0, endMs: t0 + 500, maxInflight: 1 })).toBe(100);
    expect(scheduleLength({ rate: 3, startMs: 0.1, endMs: 0.1 + 1000, maxInflight: 1 })).toBe(3);
  });

  it('starts late requests with their own due times, and never more than the schedule holds', () => {
    const p = createPacer({ rate: 100, startMs: 0, endMs: 1000, maxInflight: 1000 });
    expect(p.take(-1, 0).due).toEqual([]);
    expect(p.take(0, 0).due).toEqual([0]);
    // The loop was blocked for 55 ms: the five requests due meanwhile start now, each keeping its due time.
    expect(p.take(55, 0).due).toEqual([10, 20, 30, 40, 50]);
    expect(p.take(5000, 0).due).toHaveLength(94);
    expect(p.issued).toBe(100);
    expect(p.nextDueMs()).toBe(Number.POSITIVE_INFINITY);
  });

  it('drops a start that would exceed the in-flight cap and counts it in missed', () => {
    const p = createPacer({ rate: 1000, startMs: 0, endMs: 1000, maxInflight: 3 });
    const first = p.take(9, 1);
    expect(first.due).toEqual([0, 1]);
    expect(first.missed).toBe(8);
    expect(p.missed).toBe(8);
    expect(p.take(9.5, 3)).toEqual({ due: [], missed: 0 });
  });

  it('a shard offset interleaves the schedules exactly', () => {
    const n = 3;
    const rate = 300;
    const all = Array.from({ length: n }, (_, k) => {
      const p = createPacer({ rate: rate / n, startMs: 0, endMs: 100, offsetMs: (k * 1000) / rate, maxInflight: 1e6 });
      return p.take(1e9, 0).due;
    }).flat().sort((a, b) => a - b);
    all.forEach((t, i) => expect(t).toBeCloseTo((i * 1000) / rate, 9));
  });

  it('issues exactly one start per due time whatever the polling pattern (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.array(fc.double({ min: 0, max: 30, noNaN: true }), { minLength: 1, maxLength: 200 }), (rate, steps) => {
        const s = { rate, startMs: 0, endMs: 1000, maxInflight: 1e9 };
        const p = createPacer(s);
        let now = 0;
        const seen: number[] = [];
        for (const d of steps) {
          now += d;
          seen.push(...p.take(now, 0).due);
        }
        seen.push(...p.take(1e9, 0).due);
        expect(seen.length).toBe(scheduleLength(s));
        seen.forEach((t, i) => expect(t).toBe(dueAt(s, i)));
      }),
    );
  });
});

describe('aggregate', () => {
  it('measures latency from the due time: a 1 s stall shows in p99 and max', () => {
    const agg = createAggregate(0);
    // 1000 requests at 1000/s answered in 2 ms, except the 20 due while the receiver stalled for a second.
    for (let i = 0; i < 1000; i++) agg.add(ok(i, i >= 500 && i < 520 ? 1000 - (i - 500) : 2));
    const f = latencyFigures(agg.partial().histogram);
    expect(f.p50).toBeCloseTo(2, 1);
    expect(f.p99).toBeGreaterThan(900);
    expect(f.max).toBeGreaterThan(990);
  });

  it('excludes warmup, counts outcomes, and buckets by the second a request was due', () => {
    const agg = createAggregate(1000);
    agg.add(ok(999, 1));
    agg.add(ok(1000, 1));
    agg.add(ok(1999, 5, 503));
    agg.add({ dueMs: 2000, endMs: 22000, outcome: { kind: 'timeout' }, duplicate: true });
    agg.add({ dueMs: 2500, endMs: 2501, outcome: { kind: 'error', error: 'reset' }, duplicate: false });
    const p = agg.partial();
    expect(p).toMatchObject({ requests: 4, ok2xx: 1, timeouts: 1, errors: 2, duplicatesSent: 1, warmupRequests: 1, statusCodes: { 200: 1, 503: 1 } });
    expect(p.errorKinds).toEqual({ non2xx: 1, reset: 1, refused: 0, closed: 0, parse: 0, other: 0 });
    expect(p.timeline.map(({ histogram: _h, ...c }) => c)).toEqual([
      { t: 0, requests: 2, ok2xx: 1, non2xx: 1, errors: 1, timeouts: 0 },
      { t: 1, requests: 2, ok2xx: 0, non2xx: 0, errors: 1, timeouts: 1 },
    ]);
    // A timeout enters the histogram at its elapsed time.
    expect(latencyFigures(p.histogram).max).toBeGreaterThanOrEqual(19_990);
    expect(decodeHistogram(p.timeline[1].histogram).totalCount).toBe(2);
  });

  it('merged workers equal one histogram of all samples (property)', () => {
    const sample = fc.record({ dueMs: fc.double({ min: 0, max: 5000, noNaN: true }), lat: fc.double({ min: 0, max: 30000, noNaN: true }), status: fc.constantFrom(200, 204, 400, 500) });
    fc.assert(
      fc.property(fc.array(fc.array(sample, { maxLength: 60 }), { minLength: 1, maxLength: 4 }), (workers) => {
        const one = createAggregate(100);
        const parts = workers.map((w) => {
          const a = createAggregate(100);
          for (const s of w) {
            a.add(ok(s.dueMs, s.lat, s.status));
            one.add(ok(s.dueMs, s.lat, s.status));
          }
          return a.partial();
        });
        const merged = mergePartials(parts);
        const single = one.partial();
        const strip = (p: typeof merged) => ({ ...p, histogram: decodeHistogram(p.histogram).totalCount, timeline: p.timeline.map((s) => ({ ...s, histogram: decodeHistogram(s.histogram).totalCount })) });
        expect(strip(merged)).toEqual(strip(single));
        expect(latencyFigures(merged.histogram)).toEqual(latencyFigures(single.histogram));
        merged.timeline.forEach((s, i) => expect(latencyFigures(s.histogram)).toEqual(latencyFigures(single.timeline[i].histogram)));
      }),
      { numRuns: 40 },
    );
  });

  it('refuses to merge different histogram configurations', () => {
    const a = createAggregate(0).partial();
    const b = { ...createAggregate(0).partial(), histogramConfig: { lowestDiscernibleValue: 1, highestTrackableValue: 1000, numberOfSignificantValueDigits: 2 as const } };
    expect(() => mergePartials([a, b])).toThrow(/different histogram configurations/);
  });
});
