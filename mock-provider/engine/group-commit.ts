import { closeSync, fstatSync, fsync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';

type Db = InstanceType<typeof Database>;

export interface GroupCommit {
  /**
   * Runs `fn` (a `db.transaction(...)` function: inside the open group it becomes a savepoint, so a throw
   * undoes only its own changes) and resolves with its result once the group it joined is on disk.
   */
  write<T>(fn: () => T): Promise<T>;
  /** Commits what is open and syncs it, blocking: for close. */
  close(): void;
}

export interface GroupCommitOptions {
  /**
   * A commit starts at least this long (ms) after the previous one started. The WAL frames a commit writes
   * are mostly the same few index and table pages whatever the group holds, so larger groups cost less per
   * write; an acknowledgement waits at most this much longer. Default 5 (`HOOKGATE_COMMIT_WINDOW_MS` for
   * measuring).
   */
  windowMs?: number;
  /**
   * Copies the whole WAL into the database (a checkpoint on another connection: checkpointer.ts); resolves
   * true when it copied every frame. A WAL starts over from its beginning only when a write transaction
   * begins with every frame copied, which a writer that is never idle never sees: the WAL grew by hundreds
   * of megabytes a minute under bench:serve, and every commit and read got slower with it. So when the WAL
   * file passes `walLimitBytes`, this runs once while the writes go on, and then the next group waits
   * (writes queue, in order) while it runs again over the few commits made meanwhile.
   */
  backfill?: () => Promise<boolean>;
  /** Default 64 MiB; SQLite truncates the file back to this size when the WAL starts over. */
  walLimitBytes?: number;
  /** Called when a COMMIT failed and the whole group was rolled back (caches of what it wrote are wrong). */
  onRollback?: () => void;
}

const DEFAULT_WINDOW_MS = 5;
const DEFAULT_WAL_LIMIT = 64 * 1024 * 1024;
/** A backfill that does not answer within this lets the writes go on (the WAL starts over another time). */
const BACKFILL_WAIT_MS = 2000;

interface Waiter {
  gen: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Grouped durable commits. One fsync per change would cap `serve` at a few hundred changes a second and
 * block the event loop during each, so writes join one open transaction; it is committed when nothing
 * is being synced (at the end of the current event-loop turn at the earliest, and under load no sooner
 * than `windowMs` after the previous commit) and then the WAL file is fsynced on the thread pool, off the
 * event loop. Every write that joined the group resolves once that
 * fsync is done: acknowledged means on disk. While one fsync runs the next group fills up, so throughput
 * grows with load and latency stays about two fsyncs.
 *
 * The database runs with `synchronous = NORMAL` in WAL mode: SQLite itself then never fsyncs a commit
 * (only around checkpoints), the WAL frames are written to the OS at COMMIT — a `kill -9` after that loses
 * nothing — and the explicit fsync here makes them survive a power cut too. `walPath` undefined
 * (`:memory:`): writes resolve at commit.
 */
export function groupCommit(db: Db, walPath: string | undefined, opts: GroupCommitOptions = {}): GroupCommit {
  const fromEnv = Number(process.env.HOOKGATE_COMMIT_WINDOW_MS);
  const windowMs = opts.windowMs ?? (process.env.HOOKGATE_COMMIT_WINDOW_MS !== undefined && fromEnv >= 0 ? fromEnv : DEFAULT_WINDOW_MS);
  let lastCommitAt = -Infinity;
  const walLimit = opts.walLimitBytes ?? DEFAULT_WAL_LIMIT;
  if (walPath !== undefined && opts.backfill) db.pragma(`journal_size_limit = ${walLimit}`);
  // Past this size of the WAL file the next group waits for a backfill; raised after one that could not copy
  // everything (a reader held old frames), so a long reader cannot make every commit wait.
  let walThreshold = walLimit;
  let holding = false;
  let catchingUp = false;
  let restartWanted = false;
  let held: Array<() => void> = [];
  let open = false;
  let syncing = false;
  let flushQueued = false;
  let writeGen = 0;
  let committedGen = 0;
  let waiters: Waiter[] = [];
  let walFd: number | undefined;

  const queueFlush = (): void => {
    if (flushQueued) return;
    flushQueued = true;
    const wait = lastCommitAt + windowMs - performance.now();
    if (wait >= 1) setTimeout(flush, wait);
    else setImmediate(flush);
  };

  const settle = (gen: number, err?: unknown): void => {
    const done = waiters.filter((w) => w.gen <= gen);
    waiters = waiters.filter((w) => w.gen > gen);
    for (const w of done) err === undefined ? w.resolve() : w.reject(err);
  };

  function commit(): boolean {
    if (!open) return true;
    lastCommitAt = performance.now();
    try {
      db.exec('COMMIT');
    } catch (err) {
      // A failed COMMIT rolls the group back: nothing in it is stored, so none of its writes may resolve.
      if (db.inTransaction) db.exec('ROLLBACK');
      open = false;
      opts.onRollback?.();
      settle(writeGen, err);
      return false;
    }
    open = false;
    committedGen = writeGen;
    return true;
  }

  function flush(): void {
    flushQueued = false;
    if (syncing || !commit()) return;
    if (waiters.length === 0) return;
    const gen = committedGen;
    if (walPath === undefined) return settle(gen);
    if (walFd === undefined) {
      try {
        walFd = openSync(walPath, 'r');
        // The WAL file is new: its directory entry must be on disk too.
        syncDir(walPath);
      } catch (err) {
        return settle(gen, err);
      }
    }
    if (opts.backfill && !holding) {
      const size = fstatSync(walFd).size;
      if (restartWanted) {
        restartWanted = false;
        hold(size);
      } else if (!catchingUp && size > walThreshold) {
        // First a checkpoint while the writes go on, then the hold: it then waits only for what the last
        // few commits added (a few ms instead of up to a second's worth of frames).
        catchingUp = true;
        withinWait(opts.backfill()).then(() => {
          catchingUp = false;
          restartWanted = true;
        });
      }
    }
    syncing = true;
    fsync(walFd, (err) => {
      syncing = false;
      settle(gen, err ?? undefined);
      if (open || waiters.length) queueFlush();
    });
  }

  /** A backfill's answer, false should it fail or not answer within BACKFILL_WAIT_MS. */
  function withinWait(backfill: Promise<boolean>): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), BACKFILL_WAIT_MS)));
    return Promise.race([backfill, waited])
      .catch(() => false)
      .finally(() => clearTimeout(timer));
  }

  /** No new group until the backfill ran: the next one then begins on a fully copied WAL and starts it over. */
  function hold(size: number): void {
    holding = true;
    void withinWait(opts.backfill!()).then((complete) => {
      walThreshold = complete ? walLimit : size + walLimit;
      release();
    });
  }

  function release(): void {
    holding = false;
    const starts = held;
    held = [];
    for (const start of starts) start();
  }

  const group: GroupCommit = {
    write<T>(fn: () => T): Promise<T> {
      if (holding) return new Promise<T>((resolve, reject) => held.push(() => group.write(fn).then(resolve, reject)));
      if (!open) {
        db.exec('BEGIN IMMEDIATE');
        open = true;
      }
      let result: T;
      try {
        result = fn();
      } catch (err) {
        queueFlush();
        return Promise.reject(err);
      }
      const gen = ++writeGen;
      queueFlush();
      return new Promise<T>((resolve, reject) => waiters.push({ gen, resolve: () => resolve(result), reject }));
    },
    close(): void {
      if (holding) release();
      commit();
      if (walFd !== undefined) {
        try {
          fsyncSync(walFd);
        } finally {
          closeSync(walFd);
          walFd = undefined;
        }
      }
      settle(Infinity);
    },
  };
  return group;
}

/**
 * One transaction and one fsync per write, resolved at once: what the store did before grouping. Tests that
 * drive the engine with a ManualClock use it, because they expect a write to be done within the same turn.
 * The database must then run with `synchronous = FULL`.
 */
export function immediateCommit(): GroupCommit {
  return {
    write<T>(fn: () => T): Promise<T> {
      try {
        return Promise.resolve(fn());
      } catch (err) {
        return Promise.reject(err);
      }
    },
    close() {},
  };
}

function syncDir(file: string): void {
  const fd = openSync(dirname(file), 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
