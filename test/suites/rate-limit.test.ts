import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRateLimit } from '../../suites/rate-limit.js';

describe('--max-rate limiter', () => {
  afterEach(() => vi.useRealTimers());

  it('spaces requests 1/R apart however many ask at once, and lets the first go at once', async () => {
    vi.useFakeTimers();
    let t = 0;
    const limit = createRateLimit(10, () => t);
    const released: number[] = [];
    const all = Array.from({ length: 5 }, (_, i) => limit.take().then(() => released.push(i)));
    await Promise.resolve();
    expect(released).toEqual([0]);
    for (let k = 1; k <= 4; k++) {
      t += 99;
      await vi.advanceTimersByTimeAsync(99);
      expect(released).toHaveLength(k);
      t += 1;
      await vi.advanceTimersByTimeAsync(1);
      expect(released).toHaveLength(k + 1);
    }
    await Promise.all(all);
  });

  it('does not bank unused time: after a pause the next request goes at once, the one after waits', async () => {
    vi.useFakeTimers();
    let t = 0;
    const limit = createRateLimit(2, () => t);
    await limit.take();
    t = 10_000;
    let second = false;
    await limit.take().then(() => (second = true));
    expect(second).toBe(true);
    let third = false;
    void limit.take().then(() => (third = true));
    await vi.advanceTimersByTimeAsync(499);
    expect(third).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(third).toBe(true);
  });

  it('an aborted run is never held by the limiter', async () => {
    const limit = createRateLimit(0.001);
    await limit.take();
    const stop = new AbortController();
    const waiting = limit.take(stop.signal);
    stop.abort();
    await waiting;
  });
});
