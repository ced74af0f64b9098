import { describe, expect, it } from 'vitest';
import { ManualClock, realClock, scaledClock } from '../../../mock-provider/engine/clock.js';

describe('ManualClock', () => {
  it('wakes due sleeps in due order, with now() at each due time', async () => {
    const clock = new ManualClock(1000);
    const woke: [string, number][] = [];
    void clock.sleep(300).then(() => woke.push(['b', clock.now()]));
    void clock.sleep(100).then(() => woke.push(['a', clock.now()]));
    void clock.sleep(900).then(() => woke.push(['c', clock.now()]));
    await clock.advance(500);
    expect(woke).toEqual([['a', 1100], ['b', 1300]]);
    expect(clock.now()).toBe(1500);
    await clock.advance(400);
    expect(woke.at(-1)).toEqual(['c', 1900]);
  });

  it('honours a sleep that woken code registers within the same advance', async () => {
    const clock = new ManualClock();
    const woke: number[] = [];
    void clock.sleep(10).then(async () => {
      woke.push(clock.now());
      await clock.sleep(10);
      woke.push(clock.now());
    });
    await clock.advance(25);
    expect(woke).toEqual([10, 20]);
  });

  it('an aborted sleep resolves at once and is forgotten', async () => {
    const clock = new ManualClock();
    const ctl = new AbortController();
    const p = clock.sleep(1000, ctl.signal);
    expect(clock.pendingSleeps).toBe(1);
    ctl.abort();
    await p;
    expect(clock.pendingSleeps).toBe(0);
    expect(clock.now()).toBe(0);
  });

  it('runNext jumps to the earliest sleep', async () => {
    const clock = new ManualClock();
    void clock.sleep(5000);
    expect(clock.nextWakeAt()).toBe(5000);
    expect(await clock.runNext()).toBe(true);
    expect(clock.now()).toBe(5000);
    expect(await clock.runNext()).toBe(false);
  });
});

describe('scaledClock', () => {
  it('runs virtual time X times faster and sleeps ms / X real ms', async () => {
    const clock = scaledClock(1000, { startAt: 0 });
    const t0 = performance.now();
    await clock.sleep(30_000); // 30 s virtual = 30 ms real
    const real = performance.now() - t0;
    expect(clock.now()).toBeGreaterThanOrEqual(30_000);
    expect(real).toBeGreaterThanOrEqual(25);
    expect(real).toBeLessThan(500);
    expect(clock.timeScale).toBe(1000);
  });

  it('starts at the wall clock unless told otherwise', () => {
    expect(Math.abs(scaledClock(10).now() - Date.now())).toBeLessThan(1000);
    expect(() => scaledClock(0)).toThrow(RangeError);
  });

  it('an abort ends a long sleep early', async () => {
    const ctl = new AbortController();
    const p = scaledClock(1).sleep(60_000, ctl.signal);
    setTimeout(() => ctl.abort(), 5);
    await p;
  });
});

describe('realClock', () => {
  it('is the wall clock', async () => {
    expect(Math.abs(realClock.now() - Date.now())).toBeLessThan(5);
    const t0 = Date.now();
    await realClock.sleep(20);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(19);
  });
});
