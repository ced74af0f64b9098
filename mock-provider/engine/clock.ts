import { performance } from 'node:perf_hooks';
import { MAX_TIMER_MS } from '../timers.js';

/**
 * Where the delivery engine reads the time and waits. Virtual time is what the schedule is written in;
 * the clock decides how it maps to real time (1:1, compressed, or moved by hand in tests).
 *
 * Signature timestamps never come from here: every attempt is signed with the wall clock
 * (`Date.now()`), because the receiver checks them against its own clock and a 5-minute window. A
 * compressed or manual clock that leaked into `svix-timestamp` would make every delivery look stale.
 */
export interface Clock {
  /** Virtual epoch ms. */
  now(): number;
  /**
   * Resolves once `ms` of virtual time have passed, or early when `signal` aborts. Never rejects. The
   * dispatcher reuses one signal across sleeps, so an implementation must remove its abort listener when
   * the sleep ends.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Virtual ms per real ms (1 when absent). The dispatcher divides wake-up lateness by it so that timer
   * granularity under heavy compression does not show up as minutes of virtual lateness.
   */
  readonly timeScale?: number;
}


/** Waits `realMs` of real time in timer-sized chunks; resolves early on abort. */
function realSleep(realMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted || !(realMs > 0)) return resolve();
    let timer: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const deadline = performance.now() + realMs;
    const arm = (): void => {
      const left = deadline - performance.now();
      if (left <= 0) return done();
      timer = setTimeout(arm, Math.min(Math.max(left, 1), MAX_TIMER_MS));
    };
    signal?.addEventListener('abort', done, { once: true });
    arm();
  });
}

/** Virtual time is wall time. */
export const realClock: Clock = Object.freeze({
  now: () => Date.now(),
  sleep: (ms: number, signal?: AbortSignal) => realSleep(ms, signal),
  timeScale: 1,
});

export interface ScaledClockOptions {
  /** Virtual epoch ms at creation. Default: the wall clock. A restarted `serve` can continue its virtual timeline. */
  startAt?: number;
}

/**
 * Virtual time runs `timeScale` times faster than real time: now = start + real elapsed × X, and
 * sleeping `ms` virtual takes ms / X real ms (at least one timer tick, ~1 ms).
 */
export function scaledClock(timeScale: number, opts: ScaledClockOptions = {}): Clock {
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) throw new RangeError(`time scale must be a finite number > 0, got ${timeScale}`);
  const realStart = performance.now();
  const virtualStart = opts.startAt ?? Date.now();
  const now = (): number => virtualStart + (performance.now() - realStart) * timeScale;
  return Object.freeze({
    now,
    timeScale,
    async sleep(ms: number, signal?: AbortSignal): Promise<void> {
      const target = now() + ms;
      // Timers may fire a hair early against performance.now(); loop so "ms have passed" holds exactly.
      while (!signal?.aborted && now() < target) await realSleep((target - now()) / timeScale, signal);
    },
  });
}

interface Sleeper {
  due: number;
  seq: number;
  resolve: () => void;
}

/** Lets every promise chain that a wake-up started run to its next real wait (I/O or another sleep). */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Time moves only when a test says so. `advance` resolves due sleeps one at a time, in due order, with
 * `now()` equal to each sleep's due time when it wakes, and lets the woken code run before the next
 * one, so a sleep registered by woken code is honoured within the same advance.
 */
export class ManualClock implements Clock {
  readonly timeScale = 1;
  private current: number;
  private seq = 0;
  private sleepers: Sleeper[] = [];

  constructor(startAt = 0) {
    this.current = startAt;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted || !(ms > 0)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const sleeper: Sleeper = { due: this.current + ms, seq: this.seq++, resolve };
      const onAbort = (): void => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        resolve();
      };
      sleeper.resolve = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }

  /** Moves time forward by `ms`, waking sleeps in order. */
  advance(ms: number): Promise<void> {
    return this.advanceTo(this.current + ms);
  }

  async advanceTo(target: number): Promise<void> {
    await flushMicrotasks();
    for (;;) {
      const next = this.earliest();
      if (!next || next.due > target) break;
      this.wake(next);
      await flushMicrotasks();
    }
    this.current = Math.max(this.current, target);
    await flushMicrotasks();
  }

  /** Jumps to the earliest pending sleep and wakes it; false when nothing sleeps. For simulations. */
  async runNext(): Promise<boolean> {
    await flushMicrotasks();
    const next = this.earliest();
    if (!next) return false;
    this.wake(next);
    await flushMicrotasks();
    return true;
  }

  /** Virtual time of the earliest pending sleep, if any. */
  nextWakeAt(): number | undefined {
    return this.earliest()?.due;
  }

  get pendingSleeps(): number {
    return this.sleepers.length;
  }

  private earliest(): Sleeper | undefined {
    let best: Sleeper | undefined;
    for (const s of this.sleepers) if (!best || s.due < best.due || (s.due === best.due && s.seq < best.seq)) best = s;
    return best;
  }

  private wake(s: Sleeper): void {
    this.sleepers = this.sleepers.filter((x) => x !== s);
    this.current = Math.max(this.current, s.due);
    s.resolve();
  }
}
