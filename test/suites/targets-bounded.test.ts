import { describe, expect, it } from 'vitest';
import { runBounded } from '../../suites/targets/run-bounded.js';

/** A run that ends when told to (resolve), or on its signal when `obeys`. */
function controllable() {
  const waiting = new Map<number, (v: string) => void>();
  let active = 0;
  let peak = 0;
  const run = (obeys: (i: number) => boolean) => (_: number, signal: AbortSignal, i: number) =>
    new Promise<string>((resolve) => {
      active++;
      peak = Math.max(peak, active);
      const end = (v: string) => {
        active--;
        resolve(v);
      };
      waiting.set(i, end);
      if (obeys(i)) signal.addEventListener('abort', () => end(`aborted ${i}`), { once: true });
    });
  return { waiting, run, peak: () => peak };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

/** Timers the test fires by hand: a budget or a grace period ends exactly when the test says. */
function fakeTimers() {
  const timers: Array<{ fn: () => void; ms: number; live: boolean }> = [];
  const setTimer = (fn: () => void, ms: number) => {
    const t = { fn, ms, live: true };
    timers.push(t);
    return { cancel: () => (t.live = false) };
  };
  return { timers, setTimer };
}

describe('runBounded (the --targets scheduler)', () => {
  it('never runs more than `concurrency` at once, and runs them all', async () => {
    const c = controllable();
    const items = Array.from({ length: 10 }, (_, i) => i);
    const done = runBounded({ items, concurrency: 3, timeoutMs: 1e9, run: c.run(() => false) });
    for (let k = 0; k < 10; k++) {
      while (c.waiting.size === 0) await tick();
      const [i, end] = c.waiting.entries().next().value as [number, (v: string) => void];
      c.waiting.delete(i);
      end(`ok ${i}`);
    }
    const out = await done;
    expect(c.peak()).toBe(3);
    expect(out.map((f) => (f.kind === 'done' ? f.value : f.kind))).toEqual(items.map((i) => `ok ${i}`));
  });

  it('a target past its budget gets its signal and is timed out; the others are not held up', async () => {
    const { timers, setTimer } = fakeTimers();
    const c = controllable();
    const done = runBounded({ items: [0, 1, 2], concurrency: 2, timeoutMs: 100, setTimer, run: c.run((i) => i === 0) });
    while (c.waiting.size < 2) await tick();
    // Target 1 finishes in time, target 2 starts; target 0's budget runs out.
    c.waiting.get(1)!('ok 1');
    while (!c.waiting.has(2)) await tick();
    timers.find((t) => t.live && t.ms === 100)!.fn();
    c.waiting.get(2)!('ok 2');
    const out = await done;
    expect(out[0]).toEqual({ kind: 'done', value: 'aborted 0', timedOut: true });
    expect(out[1]).toEqual({ kind: 'done', value: 'ok 1', timedOut: false });
    expect(out[2]).toEqual({ kind: 'done', value: 'ok 2', timedOut: false });
  });

  it('a run that ignores its signal is abandoned after the grace period, and one that throws is reported', async () => {
    const { timers, setTimer } = fakeTimers();
    const done = runBounded({
      items: [0, 1],
      concurrency: 2,
      timeoutMs: 100,
      graceMs: 50,
      setTimer,
      run: (i) => (i === 0 ? new Promise<string>(() => {}) : Promise.reject(new Error('boom'))),
    });
    while (!timers.some((t) => t.ms === 100 && t.live)) await tick();
    timers.find((t) => t.live && t.ms === 100)!.fn();
    while (!timers.some((t) => t.ms === 50 && t.live)) await tick();
    timers.find((t) => t.live && t.ms === 50)!.fn();
    const out = await done;
    expect(out[0]).toEqual({ kind: 'abandoned' });
    expect(out[1]).toMatchObject({ kind: 'rejected', timedOut: false });
  });

  it('an interrupt starts nothing more: the rest are not-run, the running ones get their signal', async () => {
    const c = controllable();
    const stop = new AbortController();
    const seen: string[] = [];
    const done = runBounded({ items: [0, 1, 2, 3], concurrency: 2, timeoutMs: 1e9, signal: stop.signal, run: c.run(() => true), onFinished: (i, _, f) => void seen.push(`${i}:${f.kind}`) });
    while (c.waiting.size < 2) await tick();
    stop.abort();
    const out = await done;
    expect(out.map((f) => f.kind)).toEqual(['done', 'done', 'not-run', 'not-run']);
    expect(out[0]).toMatchObject({ value: 'aborted 0', timedOut: false });
    expect(seen.sort()).toEqual(['0:done', '1:done', '2:not-run', '3:not-run']);
  });
});
