import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findMaxRate, type StepFigures } from '../../../suites/load/find-max.js';

/*
 * The capacity search against simulated receivers (pure: a step's figures are a function
 * of the rate, plus injected noise). The real-socket ±10% figure is `npm run bench:load`'s.
 */

/** A receiver with a capacity: latency flat until a knee near `capacity`, then queueing without bound. */
function simulated(capacity: number, opts: { generatorLimit?: number; flaky?: (rate: number, n: number) => boolean } = {}) {
  const seen = new Map<number, number>();
  return async (rate: number): Promise<StepFigures> => {
    const n = (seen.get(rate) ?? 0) + 1;
    seen.set(rate, n);
    const load = rate / capacity;
    const p99 = load <= 1 ? 10 + 200 * load ** 8 : 10_000 * load;
    const achieved = Math.min(rate, capacity * 1.02);
    const valid = opts.generatorLimit === undefined || rate <= opts.generatorLimit;
    let pass = p99 < 250 && achieved >= rate * 0.99;
    if (opts.flaky?.(rate, n)) pass = false;
    return { achieved, p50: p99 / 3, p99, errorRate: load > 1 ? 5 : 0, timeouts: 0, pass, valid };
  };
}

describe('findMaxRate', () => {
  it('finds a capacity of 500/s within 5%: doubles from 100, then bisects, and confirms the rate it reports', async () => {
    const r = await findMaxRate(simulated(500), { startRate: 100 });
    expect(r.maxRate).not.toBeNull();
    expect(r.maxRate!).toBeGreaterThanOrEqual(475);
    expect(r.maxRate!).toBeLessThanOrEqual(500);
    expect(r.curve.slice(0, 4).map((p) => p.rate)).toEqual([100, 200, 400, 800]);
    // Reported only after it passed twice.
    expect(r.curve.filter((p) => p.rate === r.maxRate && p.pass)).toHaveLength(2);
    expect(r.generatorBoundAt).toBeUndefined();
  });

  it('a noisy step that fails once is not the capacity, and a lucky pass is never reported without a second one', async () => {
    // The first measurement of every rate between 300 and 480 fails: a noisy neighbour.
    const r = await findMaxRate(simulated(500, { flaky: (rate, n) => n === 1 && rate > 300 && rate < 480 }), { startRate: 100 });
    expect(r.maxRate).not.toBeNull();
    for (const p of r.curve.filter((c) => c.rate === r.maxRate)) expect(p.valid).toBe(true);
    expect(r.curve.filter((p) => p.rate === r.maxRate && p.pass).length).toBeGreaterThanOrEqual(2);
  });

  it('a candidate that fails its second measurement is not reported; the search goes on below it', async () => {
    // 400 passes once, then fails: the answer must come from below 400.
    const r = await findMaxRate(simulated(500, { flaky: (rate, n) => rate === 400 && n === 2 }), { startRate: 100, tolerance: 0.05 });
    expect(r.maxRate).not.toBe(400);
    expect(r.maxRate!).toBeLessThan(800);
  });

  it('when the generator gives out first, says so and never reports that rate as the receiver\'s capacity', async () => {
    const r = await findMaxRate(simulated(5000, { generatorLimit: 1000 }), { startRate: 100 });
    expect(r.generatorBoundAt).toBe(1600);
    expect(r.maxRate).toBe(800);
    expect(r.curve.find((p) => p.rate === 1600)?.valid).toBe(false);
  });

  it('no rate at all when even the start rate fails', async () => {
    const r = await findMaxRate(simulated(50), { startRate: 100 });
    expect(r.maxRate).toBeNull();
    expect(r.curve).toHaveLength(1);
  });

  it('ends within its step bound and reports only rates that passed twice, whatever the steps say (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 5000 }), async (seed, flips, start) => {
        let i = seed;
        const step = async (): Promise<StepFigures> => {
          const pass = flips[i++ % flips.length];
          return { achieved: 1, p50: 1, p99: 1, errorRate: 0, timeouts: 0, pass, valid: true };
        };
        const r = await findMaxRate(step, { startRate: start, maxSteps: 25 });
        expect(r.curve.length).toBeLessThanOrEqual(25);
        if (r.maxRate !== null) expect(r.curve.filter((p) => p.rate === r.maxRate && p.pass).length).toBeGreaterThanOrEqual(2);
      }),
      { numRuns: 200 },
    );
  });
});
