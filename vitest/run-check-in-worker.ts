import { Worker } from 'node:worker_threads';
import { HookgateError, type HookgateErrorCode } from '../fixtures/hookgate-error.js';
import type { CheckEvent, CheckOptions } from '../api/types.js';
import type { RunResults } from '../suites/types.js';

export type WorkerCheckOptions = Omit<CheckOptions, 'signal' | 'onEvent' | 'start' | 'readyUrl' | 'readyTimeoutMs' | 'cwd'>;

export interface WorkerCheckRun {
  results: RunResults;
  nothingToCheck: boolean;
}

/*
 * `runCheck` in a worker thread (./check-worker.ts says why), as a promise: events come back
 * through `onEvent` in order, a HookgateError thrown there is a HookgateError here, and aborting
 * asks the worker to abort its run (the results then say `interrupted`) rather than killing it.
 * The thread is always terminated once the promise settles.
 */
export function runCheckInWorker(options: WorkerCheckOptions, hooks: { signal?: AbortSignal; onEvent?(e: CheckEvent): void }): Promise<WorkerCheckRun> {
  const worker = new Worker(new URL('./check-worker.js', import.meta.url), { workerData: options });
  const onAbort = () => worker.postMessage({ type: 'abort' });
  if (hooks.signal?.aborted) onAbort();
  hooks.signal?.addEventListener('abort', onAbort, { once: true });
  return new Promise<WorkerCheckRun>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      hooks.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      f();
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'event') {
        try {
          hooks.onEvent?.(m.event);
        } catch (e) {
          settle(() => reject(e));
        }
      } else if (m.type === 'done') settle(() => resolve({ results: m.results, nothingToCheck: m.nothingToCheck }));
      else settle(() => reject(revive(m.error)));
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) => settle(() => reject(new Error(`hookgate's check thread exited (code ${code}) before it finished`))));
  });
}

type WorkerMessage =
  | { type: 'event'; event: CheckEvent }
  | { type: 'done'; results: RunResults; nothingToCheck: boolean }
  | { type: 'error'; error: { name?: string; message: string; code?: string; hint?: string; exitCode?: number; stack?: string } };

function revive(e: Extract<WorkerMessage, { type: 'error' }>['error']): Error {
  if (e.name === 'HookgateError' && e.code) return new HookgateError(e.code as HookgateErrorCode, e.message, e.hint ?? '', e.exitCode);
  const err = new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
}
