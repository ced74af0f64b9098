import { parentPort, workerData } from 'node:worker_threads';
import { runJob, type GeneratorJob } from './job.js';

/*
 * A `--workers` generator thread: runs its job and posts ticks and the result (plain,
 * structured-clonable data; the histograms travel encoded and merge exactly).
 */
const port = parentPort;
if (port) {
  const stop = new AbortController();
  port.on('message', (m: { type: string }) => {
    if (m.type === 'abort') stop.abort();
  });
  runJob(workerData as GeneratorJob, (tick) => port.postMessage({ type: 'tick', tick }), stop.signal).then(
    (result) => port.postMessage({ type: 'result', result }),
    (e: unknown) => port.postMessage({ type: 'error', message: (e as Error)?.message ?? String(e), code: (e as { code?: string })?.code, hint: (e as { hint?: string })?.hint }),
  );
}
