/**
 * node's timers hold at most 2^31−1 ms (about 24.8 days); a longer delay fires after 1 ms instead, so an
 * oversized timeout would time everything out at once. Every computed delay goes through `timerMs`;
 * waits that may be longer are split (engine/clock.ts).
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A delay setTimeout honours: clamped to [0, MAX_TIMER_MS]; NaN is 0. */
export function timerMs(ms: number): number {
  return ms > 0 ? Math.min(ms, MAX_TIMER_MS) : 0;
}
