import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Runs SQLite's WAL checkpoints on a worker thread with its own connection. A checkpoint copies the WAL
 * into the database and fsyncs both; done by the writing connection (SQLite's default, at a commit that
 * finds the WAL past 1,000 pages) it blocked `serve`'s event loop for those fsyncs, and an emit waiting
 * behind it saw tens of milliseconds. PASSIVE never blocks the writer. The WAL starts over from its
 * beginning only when a write transaction begins after a checkpoint copied everything: under a steady
 * stream of writes the group commit asks for that moment (`now()`, group-commit.ts), so the WAL stays bounded.
 */
export interface Checkpointer {
  /**
   * A checkpoint now, off its schedule; resolves true when it copied every frame of the WAL (the writer's
   * next transaction then starts the WAL over from its beginning), false otherwise (a reader held frames).
   */
  now(): Promise<boolean>;
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
// PASSIVE answers [{busy, log, checkpointed}]: all of the WAL copied when checkpointed equals log.
const checkpoint = () => { try { const [r] = db.pragma('wal_checkpoint(PASSIVE)'); return r.busy === 0 && r.log === r.checkpointed; } catch { return false; } };
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m && m.now !== undefined) return parentPort.postMessage({ now: m.now, complete: checkpoint() });
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
  let failed = false;
  worker.on('error', (err) => {
    failed = true;
    for (const r of asked.values()) r(false);
    asked.clear();
    onError?.(err);
  });
  const asked = new Map<number, (complete: boolean) => void>();
  let nextAsk = 0;
  worker.on('message', (m: { now: number; complete: boolean }) => {
    asked.get(m.now)?.(m.complete);
    asked.delete(m.now);
  });
  let stopped = false;
  return {
    now() {
      if (stopped || failed) return Promise.resolve(false);
      const id = nextAsk++;
      return new Promise<boolean>((resolve) => {
        asked.set(id, resolve);
        worker.postMessage({ now: id });
      });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      for (const r of asked.values()) r(false);
      asked.clear();
      worker.postMessage('stop');
      Atomics.wait(new Int32Array(done), 0, 0, 5000);
      void worker.terminate();
    },
  };
}
