/*
 * The open model's arrival schedule, pure (the caller passes "now"): request i is due
 * at start + offset + i/R. Whatever is due by now and not yet started is started now —
 * late, with its latency still measured from its due time, so a stall in the receiver
 * or the generator cannot hide (no coordinated omission) — unless starting it would
 * exceed the in-flight cap: then it is dropped and counted, never silently skipped.
 */

export interface OpenSchedule {
  /** Requests per second. */
  rate: number;
  /** When request 0 is due (ms, the engine's clock). */
  startMs: number;
  /** No request is due at or after this time. */
  endMs: number;
  /** Shards: shard K of N starts (K−1)/R later so the N schedules interleave. */
  offsetMs?: number;
  /** At most this many requests in flight at once. */
  maxInflight: number;
}

export interface Pacer {
  /** The requests to start now: their due times, in order; `missed` counts the ones dropped at the in-flight cap. */
  take(nowMs: number, inflight: number): { due: number[]; missed: number };
  /** When the next request falls due (Infinity once the schedule is over). */
  nextDueMs(): number;
  /** How many requests were due so far (started + missed). */
  readonly issued: number;
  readonly missed: number;
}

export function dueAt(s: OpenSchedule, i: number): number {
  return s.startMs + (s.offsetMs ?? 0) + (i * 1000) / s.rate;
}

/** How many requests the whole schedule has: those due before its end. */
export function scheduleLength(s: OpenSchedule): number {
  const span = s.endMs - s.startMs - (s.offsetMs ?? 0);
  // The tolerance keeps float noise in the span (start + d − start ≠ d) from adding a request.
  return span <= 0 ? 0 : Math.ceil((span * s.rate) / 1000 - 1e-6);
}

/** How many requests are due by `nowMs` (indexes 0..n−1), bounded by the schedule's end. */
export function dueBy(s: OpenSchedule, nowMs: number): number {
  const elapsed = nowMs - s.startMs - (s.offsetMs ?? 0);
  if (elapsed < 0) return 0;
  return Math.min(Math.floor((elapsed * s.rate) / 1000) + 1, scheduleLength(s));
}

export function createPacer(s: OpenSchedule): Pacer {
  if (!(s.rate > 0)) throw new RangeError('rate must be positive');
  let next = 0;
  let missed = 0;
  return {
    take(nowMs, inflight) {
      const until = dueBy(s, nowMs);
      const due: number[] = [];
      let room = Math.max(0, s.maxInflight - inflight);
      let dropped = 0;
      for (; next < until; next++) {
        if (room > 0) {
          due.push(dueAt(s, next));
          room--;
        } else dropped++;
      }
      missed += dropped;
      return { due, missed: dropped };
    },
    nextDueMs() {
      return next < scheduleLength(s) ? dueAt(s, next) : Number.POSITIVE_INFINITY;
    },
    get issued() {
      return next;
    },
    get missed() {
      return missed;
    },
  };
}
