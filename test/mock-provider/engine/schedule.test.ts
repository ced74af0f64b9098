// The pure schedule: no clock, no sockets. Names read as PROVIDERS.md's rules.
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../../fixtures/index.js';
import { applyJitter, formatDuration, maxAttemptsOf, nextDelayMs, simulate } from '../../../mock-provider/engine/schedule.js';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const svix = PROVIDERS.optipick.retry;
const omni = PROVIDERS.omnisales.retry;

/** Delays before attempts 1..k, until the schedule gives up. */
function delays(policy: typeof svix, opts?: Parameters<typeof nextDelayMs>[2]): number[] {
  const out: number[] = [];
  for (let made = 0; ; made++) {
    const d = nextDelayMs(policy, made, opts);
    if (d === null) return out;
    out.push(d);
  }
}

describe('Svix providers (OptiPick, Dimmy)', () => {
  it('attempt immediately, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — 8 attempts', () => {
    expect(delays(svix)).toEqual([0, 5 * SEC, 5 * MIN, 30 * MIN, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR]);
    expect(maxAttemptsOf(svix)).toBe(8);
    expect(PROVIDERS.dimmy.retry).toEqual(svix);
  });

  it('gives up after the 8th failed attempt (null: dead letter)', () => {
    expect(nextDelayMs(svix, 7)).toBe(10 * HOUR);
    expect(nextDelayMs(svix, 8)).toBeNull();
    expect(nextDelayMs(svix, 100)).toBeNull();
  });

  it('--max-attempts shortens the list, or extends it by repeating the last delay', () => {
    expect(delays(svix, { maxAttempts: 3 })).toEqual([0, 5 * SEC, 5 * MIN]);
    expect(delays(svix, { maxAttempts: 10 }).slice(7)).toEqual([10 * HOUR, 10 * HOUR, 10 * HOUR]);
  });
});

describe('OmniSales', () => {
  it('attempt 1 immediately, attempt 2 after 1 s, attempt 3 after 2 s, then the dead letter (3 attempts by default)', () => {
    expect(delays(omni)).toEqual([0, 1 * SEC, 2 * SEC]);
    expect(maxAttemptsOf(omni)).toBe(3);
  });

  it('with --max-attempts the delay doubles up to the 60 s maximum', () => {
    expect(delays(omni, { maxAttempts: 10 })).toEqual([0, 1, 2, 4, 8, 16, 32, 60, 60, 60].map((s) => s * SEC));
  });
});

describe('options', () => {
  it('rejects a max-attempts that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => maxAttemptsOf(svix, bad)).toThrow(RangeError);
    expect(maxAttemptsOf(omni, 1)).toBe(1);
    expect(nextDelayMs(omni, 1, { maxAttempts: 1 })).toBeNull();
  });

  it('rejects a jitter outside [0, 1] and a negative attempt count', () => {
    expect(() => nextDelayMs(svix, 1, { jitter: 1.5 })).toThrow(RangeError);
    expect(() => nextDelayMs(svix, 1, { jitter: -0.1 })).toThrow(RangeError);
    expect(() => nextDelayMs(svix, -1)).toThrow(RangeError);
  });

  it('jitter is off by default: the documented delays exactly, whatever the random source says', () => {
    expect(nextDelayMs(svix, 2, { random: () => 0.99 })).toBe(5 * MIN);
  });

  it('jitter F keeps every delay within ±F of the documented one and uses the whole range', () => {
    for (const made of [1, 2, 3, 4, 5, 6, 7]) {
      const base = nextDelayMs(svix, made)!;
      const seen: number[] = [];
      for (let i = 0; i < 200; i++) {
        const d = nextDelayMs(svix, made, { jitter: 0.2 })!;
        expect(d).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
        expect(d).toBeLessThanOrEqual(Math.ceil(base * 1.2));
        seen.push(d);
      }
      expect(Math.min(...seen)).toBeLessThan(base);
      expect(Math.max(...seen)).toBeGreaterThan(base);
    }
    expect(applyJitter(10_000, 0.5, () => 0)).toBe(5_000);
    expect(applyJitter(10_000, 0.5, () => 0.999999)).toBe(15_000);
  });

  it('never delays the immediate first attempt', () => {
    expect(nextDelayMs(svix, 0, { jitter: 1, random: () => 0.9 })).toBe(0);
  });
});

describe('simulate', () => {
  it("the docs' example: three failures, then success, lands 35 min 5 s after the first attempt", () => {
    const sim = simulate(svix, ['fail', 'fail', 'fail', 'success']);
    expect(sim.delivered).toBe(true);
    expect(sim.attempts.map((a) => a.offsetMs)).toEqual([0, 5 * SEC, 5 * MIN + 5 * SEC, 35 * MIN + 5 * SEC]);
    expect(Math.abs(sim.attempts[3].offsetMs - (35 * MIN + 5 * SEC))).toBeLessThanOrEqual(1000);
    expect(formatDuration(sim.attempts[3].offsetMs)).toBe('35m 5s');
  });

  it('each delay starts when the previous attempt failed: attempt durations add to the offsets', () => {
    const sim = simulate(svix, ['fail', 'fail', 'success'], [20_000, 300, 10]);
    expect(sim.attempts.map((a) => a.offsetMs)).toEqual([0, 20_000 + 5 * SEC, 20_000 + 5 * SEC + 300 + 5 * MIN]);
    expect(sim.spanMs).toBe(sim.attempts[2].offsetMs + 10);
  });

  it('all 8 Svix attempts failing span 27 h 35 min 5 s, then the dead letter', () => {
    const sim = simulate(svix, []);
    expect(sim.delivered).toBe(false);
    expect(sim.attempts).toHaveLength(8);
    expect(sim.spanMs).toBe(27 * HOUR + 35 * MIN + 5 * SEC);
    expect(formatDuration(sim.spanMs)).toBe('27h 35m 5s');
  });

  it('OmniSales: attempts at 0, 1 s and 3 s, then the dead letter', () => {
    const sim = simulate(omni, ['fail', 'fail', 'fail', 'success']);
    expect(sim.attempts.map((a) => [a.n, a.offsetMs])).toEqual([[1, 0], [2, 1 * SEC], [3, 3 * SEC]]);
    expect(sim.delivered).toBe(false);
  });

  it('OmniSales with --max-attempts 4 delivers on a 4th attempt at 7 s', () => {
    const sim = simulate(omni, ['fail', 'fail', 'fail', 'success'], [], { maxAttempts: 4 });
    expect(sim.attempts.at(-1)).toEqual({ n: 4, offsetMs: 7 * SEC, outcome: 'success' });
    expect(sim.delivered).toBe(true);
  });

  it('a first-attempt success is one attempt at offset 0', () => {
    expect(simulate(omni, ['success'])).toEqual({ attempts: [{ n: 1, offsetMs: 0, outcome: 'success' }], delivered: true, spanMs: 0 });
  });
});
