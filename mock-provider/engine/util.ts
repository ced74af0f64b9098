import { randomBytes } from 'node:crypto';
import { timerMs } from '../timers.js';

/** Ids unique across runs and processes (a random stem per generator) and cheap: a counter after the stem. */
export function counterIds(): (prefix: string, atMs?: number) => string {
  const stem = randomBytes(8).toString('hex');
  let n = 0;
  return (prefix) => `${prefix}_${stem}${(n++).toString(36).padStart(6, '0')}`;
}

/** Waits for all promises to settle, or `ms` of real time; true when time ran out first. */
export async function settleWithin(promises: Iterable<Promise<unknown>>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timerMs(ms))));
  const all = Promise.allSettled(promises).then(() => false);
  try {
    return await Promise.race([all, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
