import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Runs SQLite's WAL checkpoints on a worker thread with its own connection. A checkpoint copies the WAL
 * into the database and fsyncs both; done by the writing connection (SQLite's default, at a commit that
 * finds the WAL past 1,000 pages) it blocked `serve`'s event loop for those fsyncs, and an emit waiting
 * behind it saw tens of milliseconds. PASSIVE never blocks the writer; the WAL restarts from its start
 * once a checkpoint has copied everything, so it stays bounded.
 */
export interface Checkpointer {
  /** Stops the worker after a last checkpoint, waiting (bounded) for it to close its connection. */
  stop(): void;
}

// CommonJS because an eval'd worker is one; the addon path comes from the main thread's resolution.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const done = new Int32Array(workerData.done);
let db;
try {
  db = new Database(workerData.path);
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
} catch (err) {
  Atomics.store(done, 0, 1);
  throw err;
}
const checkpoint = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} };
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { checkpoint(); db.close(); } finally { Atomics.store(done, 0, 1); Atomics.notify(done, 0); parentPort.close(); }
});
`;

export function backgroundCheckpoints(path: string, everyMs = 500, onError?: (err: unknown) => void): Checkpointer {
  const done = new SharedArrayBuffer(4);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path, everyMs, done, module: createRequire(import.meta.url).resolve('better-sqlite3') },
  });
  worker.unref();
  worker.on('error', (err) => onError?.(err));
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      worker.postMessage('stop');
      Atomics.wait(new Int32Array(done), 0, 0, 5000);
      void worker.terminate();
    },
  };
}
