/*
 * `--max-rate R`: requests to one target spaced at least 1/R s apart, whatever the check
 * concurrency. Real integrators are production systems: the cap is a promise to them, so it holds
 * for every request a check sends (the pre-flight delivery included), and costs nothing when unset.
 */

export interface RateLimit {
  /** Resolves when the next request may leave (at once when the signal is aborted). */
  take(signal?: AbortSignal): Promise<void>;
}

export function createRateLimit(perSecond: number, now: () => number = () => performance.now()): RateLimit {
  const interval = 1000 / perSecond;
  let next = Number.NEGATIVE_INFINITY;
  return {
    take(signal) {
      const t = now();
      const at = Math.max(t, next);
      next = at + interval;
      const wait = at - t;
      if (wait <= 0 || signal?.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, wait);
        signal?.addEventListener('abort', done, { once: true });
      });
    },
  };
}
