/*
 * The `--targets` scheduler: at most `concurrency` targets at once, each with its own time budget,
 * so a dead or slow integrator costs its own budget and never holds up the rest. A target's run
 * gets an AbortSignal that fires when its budget is spent (or the whole run is interrupted); a
 * run that ignores it is abandoned after a grace period, so the scheduler always moves on.
 */

export type Finished<R> =
  | { kind: 'done'; value: R; timedOut: boolean }
  /** The run threw: reported for that item, the others go on. */
  | { kind: 'rejected'; error: unknown; timedOut: boolean }
  /** Past its budget and the grace period it still had not ended: left behind. */
  | { kind: 'abandoned' }
  /** The whole run was interrupted before this item started. */
  | { kind: 'not-run' };

export interface BoundedOptions<T, R> {
  items: readonly T[];
  concurrency: number;
  /** Each item's budget (ms). */
  timeoutMs: number;
  /** How long past its budget a run may take to wind down before it is abandoned (ms). */
  graceMs?: number;
  /** Interrupts the whole run: no item starts after it, running ones get their signal. */
  signal?: AbortSignal;
  run(item: T, signal: AbortSignal, index: number): Promise<R>;
  /** Called once per item, in the order they finish (not-run items at the end). */
  onFinished?(item: T, index: number, f: Finished<R>): void | Promise<void>;
  /** Injected for tests. */
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

const realTimer = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms);
  return { cancel: () => clearTimeout(t) };
};

/** Runs every item (or marks it not-run after an interrupt); resolves with their ends in item order. */
export async function runBounded<T, R>(o: BoundedOptions<T, R>): Promise<Finished<R>[]> {
  const setTimer = o.setTimer ?? realTimer;
  const grace = o.graceMs ?? 10_000;
  const out: Finished<R>[] = new Array(o.items.length);
  let next = 0;
  const one = async (index: number): Promise<void> => {
    const item = o.items[index];
    const own = new AbortController();
    let timedOut = false;
    const onOuter = () => own.abort(o.signal?.reason);
    o.signal?.addEventListener('abort', onOuter, { once: true });
    const budget = setTimer(() => {
      timedOut = true;
      own.abort(new Error('target time budget spent'));
    }, o.timeoutMs);
    let abandon: { cancel(): void } | undefined;
    const abandoned = new Promise<'abandoned'>((resolve) => {
      own.signal.addEventListener('abort', () => (abandon = setTimer(() => resolve('abandoned'), grace)), { once: true });
    });
    let f: Finished<R>;
    try {
      const r = await Promise.race([o.run(item, own.signal, index).then((value) => ({ value })), abandoned]);
      f = r === 'abandoned' ? { kind: 'abandoned' } : { kind: 'done', value: r.value, timedOut };
    } catch (error) {
      f = { kind: 'rejected', error, timedOut };
    } finally {
      budget.cancel();
      abandon?.cancel();
      o.signal?.removeEventListener('abort', onOuter);
    }
    out[index] = f;
    await o.onFinished?.(item, index, f);
  };
  const lane = async (): Promise<void> => {
    while (next < o.items.length && !o.signal?.aborted) await one(next++);
  };
  const lanes = Math.max(1, Math.min(o.concurrency, o.items.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  for (let i = 0; i < o.items.length; i++) {
    if (out[i]) continue;
    out[i] = { kind: 'not-run' };
    await o.onFinished?.(o.items[i], i, out[i]);
  }
  return out;
}
