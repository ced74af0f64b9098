import type { ExpectStatic } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/*
 * Runs the BUILT CLI (dist/cli/main.js) as a child process, so the peak memory measured is the
 * command's own, not the test worker's. Peak RSS is the larger of:
 *  - VmHWM ("high water mark" RSS) from /proc/<pid>/status, polled every 25 ms while it runs;
 *  - the child's own maxRSS from process.resourceUsage() written at exit by a preloaded module
 *    (peak-rss.cjs), which also covers a spike in the last few ms before exit.
 * A hard deadline SIGKILLs a child that does not end by itself; the run then reports `killed`.
 */

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'dist/cli/main.js');
const PRELOAD = join(import.meta.dirname, 'peak-rss.cjs');

export const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/**
 * The suite runs dist/: it must exist (else one clear failure), and a source newer than its build is
 * reported (a warning, not a failure: others may be editing sources while this runs).
 */
export function requireBuild(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before test/hostile`);
  const stale: string[] = [];
  for (const dir of ['cli', 'mock-provider', 'suites', 'fixtures', 'reports']) {
    for (const f of readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      if (!f.endsWith('.ts') || f.endsWith('.d.ts')) continue;
      const built = join(ROOT, 'dist', dir, f.replace(/\.ts$/, '.js'));
      if (existsSync(built) && statSync(built).mtimeMs < statSync(join(ROOT, dir, f)).mtimeMs) stale.push(`${dir}/${f}`);
    }
  }
  if (stale.length) console.warn(`test/hostile runs dist/, older than ${stale.join(', ')}: run \`npm run build\` to test the current sources`);
}

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
  /** Peak resident set size, MB. */
  peakMb: number;
  /** True when the hard deadline had to kill it. */
  killed: boolean;
  cwd: string;
}

export const tmp = (prefix = 'hg-hostile-') => mkdtempSync(join(tmpdir(), prefix));

function vmHwmKb(pid: number): number {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export interface Started {
  child: ChildProcess;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once the output matches (polls each chunk as it arrives), or rejects when the child exits first. */
  waitFor(re: RegExp, stream?: 'stdout' | 'stderr'): Promise<RegExpExecArray>;
  done: Promise<ChildRun>;
}

/** Spawns `node dist/cli/main.js ...args`; `hardKillMs` later it is SIGKILLed if still running. */
export function start(args: string[], opts: { hardKillMs: number; cwd?: string; env?: Record<string, string>; /** instead of the CLI (the measurement's own test) */ nodeArgs?: string[] }): Started {
  const cwd = opts.cwd ?? tmp();
  const peakFile = join(cwd, '.peak-rss');
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--require', PRELOAD, ...(opts.nodeArgs ?? [CLI]), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOOKGATE_SECRET: SECRET, HOOKGATE_PEAK_RSS_FILE: peakFile, NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    notify();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    notify();
  });
  let peakKb = 0;
  const poll = setInterval(() => {
    peakKb = Math.max(peakKb, vmHwmKb(child.pid!));
  }, 25);
  let killed = false;
  const hard = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, opts.hardKillMs);
  let exited = false;
  const done = new Promise<ChildRun>((resolveRun) => {
    child.on('close', (code, signal) => {
      exited = true;
      notify();
      clearInterval(poll);
      clearTimeout(hard);
      let atExitKb = 0;
      try {
        atExitKb = Number(readFileSync(peakFile, 'utf8'));
      } catch {
        /* killed, or died before exit handlers */
      }
      peakKb = Math.max(peakKb, atExitKb);
      resolveRun({ code, signal, stdout, stderr, ms: performance.now() - t0, peakMb: Math.round(peakKb / 102.4) / 10, killed, cwd });
    });
  });
  const waitFor = (re: RegExp, stream: 'stdout' | 'stderr' = 'stdout') =>
    new Promise<RegExpExecArray>((res, rej) => {
      const check = () => {
        const m = re.exec(stream === 'stdout' ? stdout : stderr);
        if (m) {
          waiters.delete(check);
          res(m);
        } else if (exited) {
          waiters.delete(check);
          rej(new Error(`exited before ${re} appeared on ${stream}:\n${stdout}\n${stderr}`));
        }
      };
      waiters.add(check);
      check();
    });
  return { child, stdout: () => stdout, stderr: () => stderr, waitFor, done };
}

/** Runs a command to its end (or the hard deadline). */
export function run(args: string[], opts: Parameters<typeof start>[1]): Promise<ChildRun> {
  return start(args, opts).done;
}

/*
 * Peak-memory bounds (resident set size of the CLI process, MB). Measured here: `send` about 75 MB,
 * `check` 76–112 MB, `load` 78–90 MB, `serve` about 78 MB, whatever the receiver does. The bounds
 * leave room for a busy machine but sit well below what one 200 MB answer held in memory would
 * cost (≥ 275 MB; peak-rss.test.ts shows the measurement sees such an allocation).
 */
export const PEAK_MB = { send: 150, check: 200, load: 200, serve: 200 } as const;

/** SIGKILL deadline per run: a hang fails its test instead of holding up the suite. */
export const HARD_KILL_MS = 20_000;

export interface MatrixRow {
  command: string;
  kind: string;
  code: number | null;
  outcome: string;
  peakMb: number;
  ms: number;
}

/** One row per command × kind; printed as a table when the file ends (see the final report). */
export const matrix: MatrixRow[] = [];

export function printMatrix(order: readonly string[]): void {
  const rows = [...matrix].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  const lines = rows.map((r) => `${r.command.padEnd(6)} ${r.kind.padEnd(12)} exit ${String(r.code).padEnd(4)} ${String(r.peakMb).padStart(6)} MB ${String(Math.round(r.ms)).padStart(6)} ms  ${r.outcome}`);
  console.log(lines.join('\n'));
}

/**
 * What every hostile run must show, whatever the receiver did: it ended by itself, with the documented
 * exit code, without a stack trace, within the command's memory bound. `expect` is the test's own (the
 * matrix tests run concurrently).
 */
export function expectEndedCleanly(expect: ExpectStatic, r: ChildRun, code: number, peakMb: number, codeMessage = (r.stdout + r.stderr).slice(-2000)): void {
  const all = r.stdout + r.stderr;
  expect(r.killed, 'ended by itself').toBe(false);
  expect(r.code, codeMessage).toBe(code);
  expect(all).not.toMatch(/^\s+at /m); // never a stack trace
  expect(r.peakMb).toBeGreaterThan(0);
  expect(r.peakMb).toBeLessThan(peakMb);
}
