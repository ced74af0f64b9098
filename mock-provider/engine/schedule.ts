import type { RetryPolicy } from '../../fixtures/profile.js';

/** Options that change a provider's documented schedule (`--max-attempts`, `--jitter`). */
export interface ScheduleOptions {
  /** Attempts in all, the first included. Default: the policy's own (Svix 8, OmniSales 3). */
  maxAttempts?: number;
  /** Spread each delay uniformly over ±F of itself (0 ≤ F ≤ 1). Default 0: the documented schedule exactly. */
  jitter?: number;
  /** Source of randomness for jitter, in [0, 1). Default Math.random; tests pass a fixed one. */
  random?: () => number;
}

/** Attempts in all, the first included: the override when given, else the policy's own. */
export function maxAttemptsOf(policy: RetryPolicy, override?: number): number {
  if (override !== undefined) {
    if (!Number.isInteger(override) || override < 1) throw new RangeError(`maxAttempts must be an integer ≥ 1, got ${override}`);
    return override;
  }
  return policy.kind === 'fixed' ? policy.delaysMs.length : policy.maxAttempts;
}

/**
 * The delay before the next attempt, once `attemptsMade` attempts have failed; `null` when there is none
 * (give up: the delivery goes to the dead letter). `attemptsMade = 0` is the first attempt: delay 0 for
 * both providers. The delay starts when the previous attempt failed, not when it started.
 *
 * Svix (fixed list): index `attemptsMade` of the list; a `maxAttempts` above the list's length repeats
 * its last delay (10 h), which is how Svix's final entries already read ("10 hours, in addition").
 * OmniSales (exponential): initial × multiplier^(attemptsMade − 1), capped at the maximum delay.
 */
export function nextDelayMs(policy: RetryPolicy, attemptsMade: number, opts: ScheduleOptions = {}): number | null {
  if (!Number.isInteger(attemptsMade) || attemptsMade < 0) throw new RangeError(`attemptsMade must be an integer ≥ 0, got ${attemptsMade}`);
  if (attemptsMade >= maxAttemptsOf(policy, opts.maxAttempts)) return null;
  const base = baseDelayMs(policy, attemptsMade);
  return applyJitter(base, opts.jitter ?? 0, opts.random ?? Math.random);
}

function baseDelayMs(policy: RetryPolicy, attemptsMade: number): number {
  if (attemptsMade === 0) return 0;
  if (policy.kind === 'fixed') {
    const list = policy.delaysMs;
    return list[Math.min(attemptsMade, list.length - 1)] ?? 0;
  }
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (attemptsMade - 1));
}

/** Uniform over [d(1 − F), d(1 + F)], rounded to whole ms; 0 stays 0 ("immediately" is never delayed). */
export function applyJitter(delayMs: number, jitter: number, random: () => number = Math.random): number {
  if (!(jitter >= 0 && jitter <= 1)) throw new RangeError(`jitter must be between 0 and 1, got ${jitter}`);
  if (jitter === 0 || delayMs === 0) return delayMs;
  return Math.round(delayMs * (1 + jitter * (2 * random() - 1)));
}

export type SimOutcome = 'success' | 'fail';

export interface SimulatedAttempt {
  /** 1-based attempt number. */
  n: number;
  /** Virtual ms since attempt 1 started. */
  offsetMs: number;
  outcome: SimOutcome;
}

export interface Simulation {
  attempts: SimulatedAttempt[];
  delivered: boolean;
  /** Virtual ms from the first attempt's start to the end of the last attempt. */
  spanMs: number;
}

/**
 * The schedule with no clock and no sockets: attempt i has outcome `outcomes[i]` (missing entries fail)
 * and lasts `attemptDurationsMs[i]` (default 0, an instant answer). Each delay starts when the previous
 * attempt ended, so offset(n + 1) = offset(n) + duration(n) + delay(n). This is the reference the
 * dispatcher's attempt records are checked against.
 */
export function simulate(
  policy: RetryPolicy,
  outcomes: readonly SimOutcome[],
  attemptDurationsMs: readonly number[] = [],
  opts: ScheduleOptions = {},
): Simulation {
  const attempts: SimulatedAttempt[] = [];
  let offsetMs = 0;
  let made = 0;
  for (;;) {
    const outcome = outcomes[made] ?? 'fail';
    const duration = attemptDurationsMs[made] ?? 0;
    made += 1;
    attempts.push({ n: made, offsetMs, outcome });
    if (outcome === 'success') return { attempts, delivered: true, spanMs: offsetMs + duration };
    const delay = nextDelayMs(policy, made, opts);
    if (delay === null) return { attempts, delivered: false, spanMs: offsetMs + duration };
    offsetMs += duration + delay;
  }
}

/** `27h 35m 5s` / `1.5s` / `0ms`: how the bench and logs print virtual spans. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const totalSec = ms / 1000;
  const h = Math.floor(totalSec / 3600);
  const m = Math.floor((totalSec % 3600) / 60);
  const s = totalSec % 60;
  const sText = Number.isInteger(s) ? `${s}s` : `${s.toFixed(3).replace(/0+$/, '')}s`;
  return [h ? `${h}h` : '', h || m ? `${m}m` : '', sText].filter(Boolean).join(' ');
}
