import { parentPort, workerData } from 'node:worker_threads';
import { runCheck } from '../api/run-check.js';
import type { CheckEvent, CheckOptions } from '../api/types.js';

/*
 * runCheck in a worker thread, for `hookgate/vitest`. A worker has its own instances of node:http
 * and node:net, so whatever the test file patched in its own thread — msw's setupServer, nock,
 * vi.useFakeTimers — cannot intercept, block or stall hookgate's deliveries and clocks. The
 * receiver keeps running in the test's thread; only hookgate moved.
 */
const port = parentPort!;
const controller = new AbortController();
const onMessage = (m: { type: 'abort' }) => {
  if (m.type === 'abort') controller.abort();
};
port.on('message', onMessage);

const options = workerData as Omit<CheckOptions, 'signal' | 'onEvent'>;
try {
  const run = await runCheck({
    ...options,
    signal: controller.signal,
    onEvent: (event: CheckEvent) => port.postMessage({ type: 'event', event }),
  });
  // attachments (large request bodies) stay here: the tests report from `results` alone.
  port.postMessage({ type: 'done', results: run.results, nothingToCheck: run.nothingToCheck });
} catch (e) {
  const err = e as Error & { code?: string; hint?: string; exitCode?: number };
  port.postMessage({ type: 'error', error: { name: err?.name, message: err?.message ?? String(e), code: err?.code, hint: err?.hint, exitCode: err?.exitCode, stack: err?.stack } });
}
// Posted messages are still delivered; the parent terminates the thread once it has them.
port.off('message', onMessage);
