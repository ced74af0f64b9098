import { performance } from 'node:perf_hooks';
import { createAggregate, newHistogram, type PartialAggregate } from './aggregate.js';
import { ConnectionPool, type Endpoint } from './connection.js';
import { createPacer } from './pacer.js';
import type { RequestOutcome } from './types.js';

/*
 * One generator thread: sends what `nextRequest` builds, over its own connections, for
 * the measured window, and folds every finished request into an aggregate. The two
 * models, exactly:
 * - closed: each of N connections sends as soon as its previous answer arrived (the
 *   latency of a request runs from when it was sent);
 * - open: request i is due at start + offset + i/R; a late one is still sent, as soon as
 *   possible, and its latency runs from its due time; the pool grows up to maxInflight
 *   and a start beyond it is dropped and counted (missedStarts).
 * At the end no request starts; those in flight drain up to the timeout and are counted.
 */

export type LoadModel = { kind: 'closed'; connections: number } | { kind: 'open'; rate: number; maxInflight: number; offsetMs?: number };

export interface Outgoing {
  bytes: Buffer;
  handle: number;
  duplicate: boolean;
}

export interface GeneratorOptions {
  endpoint: Endpoint;
  model: LoadModel;
  /** performance.now() at which the run starts (warmup first). */
  startMs: number;
  warmupMs: number;
  durationMs: number;
  timeoutMs: number;
  nextRequest(nowSec: number): Outgoing;
  answered(handle: number, outcome: RequestOutcome): void;
  signal?: AbortSignal;
  /** Called about once a second with the last second's figures. */
  onTick?(t: Tick): void;
}

export interface Tick {
  elapsedMs: number;
  sent: number;
  completed: number;
  /** Latencies (ms) of requests that ended in the last tick. */
  p50: number;
  p99: number;
  errors: number;
  perSec: number;
}

export interface GeneratorResult {
  partial: PartialAggregate;
  missedStarts: number;
  /** Requests in flight when the window closed, drained (answered or timed out) and counted. */
  drained: number;
  /** Event-loop utilisation of this thread over the measured window (0..1). */
  elu: number;
  /** Open model: the worst delay between a request's due time and its start (ms): the generator's own lag. */
  maxStartLagMs: number;
  /** Open model: requests that started later than `lateStartMs` after they were due (the generator fell behind). */
  lateStarts: number;
  lateStartMs: number;
  sent: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runGenerator(o: GeneratorOptions): Promise<GeneratorResult> {
  const measureStart = o.startMs + o.warmupMs;
  const endMs = measureStart + o.durationMs;
  const agg = createAggregate(measureStart);
  const max = o.model.kind === 'closed' ? o.model.connections : o.model.maxInflight;
  const pool = new ConnectionPool(o.endpoint, max);
  let sent = 0;
  let completed = 0;
  let maxStartLagMs = 0;
  let lateStarts = 0;
  // Late means more than 5 ms, or two intervals at low rates: a pace the generator visibly could not keep.
  const lateStartMs = o.model.kind === 'open' ? Math.max(5, 2000 / o.model.rate) : Number.POSITIVE_INFINITY;
  let drained = 0;
  let closing = false;
  const tick = { h: newHistogram(), errors: 0, completed: 0, at: performance.now() };

  let settle: () => void = () => {};
  const allDone = new Promise<void>((r) => (settle = r));
  const checkDone = () => {
    if (closing && pool.inflight === 0) settle();
  };

  // The signature timestamp has one-second resolution: read the wall clock a few times a second, not per request.
  let nowSec = Math.floor(Date.now() / 1000);
  const wall = setInterval(() => (nowSec = Math.floor(Date.now() / 1000)), 100);
  wall.unref();
  const start = (dueMs: number, onFree: (nowMs: number) => void, now = performance.now()): boolean => {
    const conn = pool.acquire();
    if (!conn) return false;
    const req = o.nextRequest(nowSec);
    sent++;
    const lag = now - dueMs;
    if (lag > maxStartLagMs) maxStartLagMs = lag;
    if (lag > lateStartMs && dueMs >= measureStart) lateStarts++;
    conn.send(
      req.bytes,
      o.timeoutMs,
      (outcome, end) => {
        pool.release(conn);
        completed++;
        agg.record(dueMs, end, outcome, req.duplicate);
        o.answered(req.handle, outcome);
        // The progress line's percentiles come from a sample (one answer in four): they are shown, never reported.
        if ((tick.completed & 3) === 0) tick.h.recordValue(Math.max(1, Math.round((end - dueMs) * 1000)));
        tick.completed++;
        if (outcome.kind !== 'response') tick.errors++;
        if (closing) {
          drained++;
          checkDone();
        } else onFree(end);
      },
      now,
    );
    return true;
  };

  const eluStart = { v: performance.eventLoopUtilization() };
  let eluTaken = false;
  const takeEluStart = () => {
    if (!eluTaken && performance.now() >= measureStart) {
      eluStart.v = performance.eventLoopUtilization();
      eluTaken = true;
    }
  };
  const ticker = setInterval(() => {
    takeEluStart();
    const now = performance.now();
    // Waiting for a common --start-at: nothing to show yet.
    if (now < o.startMs) return;
    const span = Math.max(1, now - tick.at);
    o.onTick?.({
      elapsedMs: now - o.startMs,
      sent,
      completed,
      p50: tick.h.totalCount ? tick.h.getValueAtPercentile(50) / 1000 : 0,
      p99: tick.h.totalCount ? tick.h.getValueAtPercentile(99) / 1000 : 0,
      errors: tick.errors,
      perSec: (tick.completed * 1000) / span,
    });
    tick.h.reset();
    tick.errors = 0;
    tick.completed = 0;
    tick.at = now;
  }, 1000);

  const stopped = () => o.signal?.aborted || performance.now() >= endMs;
  let missedStarts = 0;

  // Every thread starts at the common start time (workers are spawned ahead of it).
  while (performance.now() < o.startMs && !o.signal?.aborted) await sleep(Math.max(1, o.startMs - performance.now()));
  takeEluStart();
  if (o.model.kind === 'closed') {
    // Each connection's loop: send, and on the answer send again until the window closes.
    // The previous answer's end time is the next request's start: one clock read per request.
    const loop = (now: number) => {
      if (now >= endMs || o.signal?.aborted) return;
      start(now, loop, now);
    };
    for (let i = 0; i < o.model.connections; i++) loop(performance.now());
    while (!stopped()) await sleep(Math.min(50, Math.max(1, endMs - performance.now())));
  } else {
    const pacer = createPacer({ rate: o.model.rate, startMs: o.startMs, endMs, offsetMs: o.model.offsetMs, maxInflight: o.model.maxInflight });
    const noop = () => {};
    while (!o.signal?.aborted) {
      const now = performance.now();
      const { due, missed } = pacer.take(now, pool.inflight);
      missedStarts += missed;
      for (const d of due) if (!start(d, noop)) missedStarts++;
      const next = pacer.nextDueMs();
      if (next === Number.POSITIVE_INFINITY) break;
      const wait = next - performance.now();
      // Timers are ~1 ms coarse: sleep only when the next start is further away than that, else yield once.
      // (Yielding keeps the loop busy, so in the open model the event-loop utilisation says little; whether
      // the generator kept the pace is read from how late requests started instead.)
      if (wait > 1.5) await sleep(wait - 1);
      else await new Promise<void>((r) => setImmediate(r));
    }
  }
  takeEluStart();
  const elu = performance.eventLoopUtilization(eluStart.v).utilization;
  closing = true;
  checkDone();
  // In-flight requests end by themselves: answered, failed, or timed out by the pool's sweeper.
  await allDone;
  clearInterval(ticker);
  clearInterval(wall);
  pool.close();
  return { partial: agg.partial(), missedStarts, drained, elu, maxStartLagMs, lateStarts, lateStartMs, sent };
}
