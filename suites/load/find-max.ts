import type { CurvePoint, FindMaxResult } from './types.js';

/*
 * `--find-max` as a pure search over `measureStep(rate)`: start at the start rate, double
 * while every threshold holds, then bisect between the last passing and the first failing
 * rate until they are within 5% of the passing one. Load steps are noisy and not
 * monotonic, so a rate is reported only after it passed twice: the candidate is measured
 * again, and when the second measurement fails it becomes the new upper bound and the
 * search goes on below it. A step where the generator gave out (`valid: false`) ends the
 * search: it says nothing about the receiver, so it is reported as generator-bound, never
 * as the receiver's capacity.
 */

export type StepFigures = Omit<CurvePoint, 'rate'>;

export interface FindMaxOptions {
  startRate: number;
  /** Stop bisecting when (hi − lo) ≤ tolerance × lo. */
  tolerance?: number;
  /** A bound on the number of steps, whatever the receiver does. */
  maxSteps?: number;
  onStep?(p: CurvePoint): void;
}

export async function findMaxRate(measureStep: (rate: number) => Promise<StepFigures>, o: FindMaxOptions): Promise<FindMaxResult> {
  const tolerance = o.tolerance ?? 0.05;
  const maxSteps = o.maxSteps ?? 40;
  const curve: CurvePoint[] = [];
  const passes = new Map<number, number>();
  let generatorBoundAt: number | undefined;
  let lo: number | undefined;
  let hi: number | undefined;

  const measure = async (rate: number): Promise<CurvePoint | undefined> => {
    if (curve.length >= maxSteps) return undefined;
    const p = { rate, ...(await measureStep(rate)) };
    curve.push(p);
    o.onStep?.(p);
    if (!p.valid) generatorBoundAt ??= rate;
    else if (p.pass) passes.set(rate, (passes.get(rate) ?? 0) + 1);
    return p;
  };
  const round = (r: number) => Math.round(r * 100) / 100;
  const passedTwice = (r: number) => (passes.get(r) ?? 0) >= 2;
  const result = (maxRate: number | null): FindMaxResult => ({ maxRate, ...(generatorBoundAt !== undefined ? { generatorBoundAt } : {}), curve });

  /** The search was cut short (generator-bound, or out of steps): confirm the best rate that passed once, if a step is left. */
  const finish = async (): Promise<FindMaxResult> => {
    const ceiling = Math.min(hi ?? Infinity, generatorBoundAt ?? Infinity);
    const best = (min: number) => Math.max(-Infinity, ...[...passes].filter(([r, n]) => n >= min && r < ceiling).map(([r]) => r));
    const once = best(1);
    if (Number.isFinite(once) && !passedTwice(once)) await measure(once);
    const twice = best(2);
    return result(Number.isFinite(twice) ? twice : null);
  };

  // Doubling: the first failing rate bounds the search from above.
  for (let rate = o.startRate; ; rate = round(rate * 2)) {
    const p = await measure(rate);
    if (!p || !p.valid) return finish();
    if (!p.pass) {
      hi = rate;
      break;
    }
    lo = rate;
  }

  // Bisect, then confirm the candidate; a candidate that fails its second measurement lowers the ceiling.
  for (;;) {
    if (lo === undefined) return result(null);
    while (hi - lo > tolerance * lo) {
      const mid = round((lo + hi) / 2);
      if (mid === lo || mid === hi) break;
      const p = await measure(mid);
      if (!p || !p.valid) return finish();
      if (p.pass) lo = mid;
      else hi = mid;
    }
    if (passedTwice(lo)) return result(lo);
    const again = await measure(lo);
    if (!again || !again.valid) return finish();
    if (again.pass) return result(lo);
    hi = lo;
    // The next candidate: the highest rate below the failed one that passed before.
    lo = [...passes.keys()].filter((r) => r < hi!).sort((a, b) => b - a)[0];
  }
}
