/**
 * `check --start "CMD"`: runs the receiver under test, waits until it answers, and stops it (with every
 * child it forked) afterwards, keeping the tail of its output for the report.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, createServer, type AddressInfo } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { HookgateError } from '../fixtures/hookgate-error.js';
import { maskUrl } from '../fixtures/mask.js';
import type { TimedLine } from './receiver-lines.js';

export interface StartOptions {
  command: string;
  env: Record<string, string>;
  cwd?: string;
  readyUrl?: string;
  port?: number;
  readyTimeoutMs?: number;
  maxLogBytes?: number;
  /** How many timed lines to keep (the oldest are dropped first); default 5,000. */
  maxLines?: number;
}

export interface ReceiverProcess {
  pid: number;
  readonly stdout: string;
  readonly stderr: string;
  /**
   * Its stdout/stderr split into lines, each with the time (epoch ms, the clock of
   * Attempt.startedAt) the line arrived: the last `maxLines`, each cut to 2,000 characters.
   */
  readonly lines: readonly TimedLine[];
  exitCode: number | null;
  stop(): Promise<void>;
}

const POLL_MS = 75;
const TERM_GRACE_MS = 3_000;

/** Process groups we started and have not yet seen gone; killed synchronously if hookgate itself exits. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pgid: number): void {
  liveGroups.add(pgid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Only synchronous work runs in 'exit', so no TERM-then-wait here: a receiver outliving hookgate would
  // hold the port (and CI job) hostage. SIGKILL of hookgate itself cannot be covered from Node.
  process.on('exit', () => {
    for (const g of liveGroups) signalGroup(g, 'SIGKILL');
  });
}

function signalGroup(pgid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, sig); // negative pid = the whole group: `npm start` -> node, `sh -c` -> python...
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * kill(-pgid, 0) also succeeds for zombies, and orphaned grandchildren stay zombies forever under an
 * init that never reaps (containers without --init): on Linux, look for a member that is not a zombie.
 */
function groupAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  if (process.platform !== 'linux') return true;
  try {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      let stat: string;
      try { stat = readFileSync(`/proc/${d}/stat`, 'utf8'); } catch { continue; }
      // "pid (comm) state ppid pgrp ..."; comm may contain spaces and parens, so split after the last ')'.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (pgrp === String(pgid) && state !== 'Z' && state !== 'X') return true;
    }
    return false;
  } catch {
    return true;
  }
}

/** Keeps only the last `max` bytes, so a chatty receiver cannot grow hookgate's memory. */
class Tail {
  private buf = Buffer.alloc(0);
  constructor(private readonly max: number) {}
  push(chunk: Buffer): void {
    let b = Buffer.concat([this.buf, chunk]);
    if (b.length > this.max) {
      b = b.subarray(b.length - this.max);
      let i = 0;
      while (i < b.length && (b[i]! & 0xc0) === 0x80) i++; // don't start mid UTF-8 character
      b = b.subarray(i);
    }
    this.buf = b;
  }
  toString(): string {
    return this.buf.toString('utf8');
  }
}

const LINE_MAX_CHARS = 2_000;

/**
 * Splits a stream into lines stamped with their arrival time (the chunk that ended
 * the line), keeping only the last `max` so a chatty receiver cannot grow memory.
 */
class LineLog {
  readonly lines: TimedLine[] = [];
  private readonly partial: Record<TimedLine['stream'], { text: string; at: number; decoder: StringDecoder }> = {
    stdout: { text: '', at: 0, decoder: new StringDecoder('utf8') },
    stderr: { text: '', at: 0, decoder: new StringDecoder('utf8') },
  };
  constructor(private readonly max: number) {}
  push(stream: TimedLine['stream'], chunk: Buffer, at = Date.now()): void {
    const p = this.partial[stream];
    const parts = p.decoder.write(chunk).split('\n');
    const rest = parts.pop() ?? '';
    for (const part of parts) {
      this.add(stream, p.text + part, p.text ? p.at : at);
      p.text = '';
    }
    if (rest) {
      if (!p.text) p.at = at;
      p.text += rest;
      // A line that never ends (a progress bar) is cut into pieces rather than held forever.
      if (p.text.length > LINE_MAX_CHARS) { this.add(stream, p.text, p.at); p.text = ''; }
    }
  }
  /** The unfinished last line of each stream (output without a final newline). */
  flush(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const p = this.partial[stream];
      const text = p.text + p.decoder.end();
      if (text) this.add(stream, text, p.text ? p.at : Date.now());
      p.text = '';
    }
  }
  private add(stream: TimedLine['stream'], raw: string, at: number): void {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    this.lines.push({ at, stream, text: text.length > LINE_MAX_CHARS ? text.slice(0, LINE_MAX_CHARS) : text });
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Any HTTP response counts (404/405 included): we only need to know the receiver is serving. */
function probeHttp(url: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      req.destroy();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

function probeTcp(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port, timeout: timeoutMs });
    const done = (ok: boolean) => { s.destroy(); resolve(ok); };
    s.once('connect', () => done(true));
    s.once('timeout', () => done(false));
    s.once('error', () => done(false));
  });
}

const lastLines = (s: string, n = 10) => s.trimEnd().split('\n').slice(-n).join('\n').slice(-2000);

export async function startReceiver(opts: StartOptions): Promise<ReceiverProcess> {
  const { command, readyUrl } = opts;
  const port = opts.port ?? (opts.env.PORT ? Number(opts.env.PORT) : undefined);
  const timeoutMs = opts.readyTimeoutMs ?? 30_000;
  if (!readyUrl && !port) {
    throw new HookgateError('START_FAILED', `no way to tell when "${command}" is ready`, 'pass --ready-url, or give the receiver a PORT to listen on');
  }
  const target = readyUrl ? maskUrl(readyUrl) : `127.0.0.1:${port} (TCP)`;
  const out = new Tail(opts.maxLogBytes ?? 256 * 1024);
  const err = new Tail(opts.maxLogBytes ?? 256 * 1024);
  const log = new LineLog(opts.maxLines ?? 5_000);

  // detached = own process group, so stop() reaches everything the command forks.
  const child = spawn('/bin/sh', ['-c', command], {
    // PYTHONUNBUFFERED: a Python receiver's stdout is a pipe here, and would otherwise hold its lines back
    // until exit, so they could not be matched to the request that caused them.
    cwd: opts.cwd, env: { ...process.env, PYTHONUNBUFFERED: '1', ...opts.env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (c: Buffer) => { out.push(c); log.push('stdout', c); });
  child.stderr.on('data', (c: Buffer) => { err.push(c); log.push('stderr', c); });
  const spawnError = await new Promise<Error | undefined>((r) => { child.once('spawn', () => r(undefined)); child.once('error', r); });
  if (spawnError || child.pid === undefined) {
    throw new HookgateError('START_FAILED', `could not start "${command}": ${spawnError?.message ?? 'no pid'}`, 'check the --start command and that the working directory exists');
  }
  const pid = child.pid;
  trackGroup(pid);

  let exited = false;
  let exitSignal: NodeJS.Signals | null = null;
  // Resolve after stdio closes (so the last stderr lines are in), but don't hang if a grandchild keeps it open.
  const exitP = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true; proc.exitCode = code; exitSignal = signal;
      child.once('close', () => resolve());
      setTimeout(resolve, 250).unref();
    });
  });

  let stopping: Promise<void> | undefined;
  const proc: ReceiverProcess = {
    pid,
    get stdout() { return out.toString(); },
    get stderr() { return err.toString(); },
    get lines() { return log.lines; },
    exitCode: null,
    stop: () => (stopping ??= (async () => {
      // Signal the group even if the shell already exited: its children may still hold the port.
      signalGroup(pid, 'SIGTERM');
      const gone = async (ms: number) => {
        for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) if (exited && !groupAlive(pid)) return true;
        return exited && !groupAlive(pid);
      };
      if (!(await gone(TERM_GRACE_MS))) { signalGroup(pid, 'SIGKILL'); await gone(2_000); }
      liveGroups.delete(pid);
      // A daemonised grandchild (setsid) could keep our pipes open and the event loop alive.
      child.stdout.destroy(); child.stderr.destroy();
      log.flush();
    })()),
  };

  const started = Date.now();
  for (;;) {
    const left = started + timeoutMs - Date.now();
    if (exited || left <= 0) break;
    const probe = readyUrl ? probeHttp(readyUrl, Math.min(1_000, left)) : probeTcp(port!, Math.min(1_000, left));
    if (await Promise.race([probe, exitP.then(() => false)])) return proc;
    await Promise.race([sleep(Math.min(POLL_MS, Math.max(0, left))), exitP]);
  }

  if (exited) {
    await exitP;
    await proc.stop(); // the shell may be gone while something it forked still runs
    const how = exitSignal ? `was killed by ${exitSignal}` : `exited with code ${proc.exitCode}`;
    const tail = lastLines(err.toString());
    throw new HookgateError('START_FAILED', `receiver command "${command}" ${how} before it was ready${tail ? `; last stderr:\n${tail}` : ''}`,
      'check that the --start command runs on its own from this directory (try it in a shell) and does not exit');
  }
  await proc.stop();
  const tail = lastLines(err.toString());
  throw new HookgateError('START_FAILED', `receiver command "${command}" was not ready after ${timeoutMs} ms (waited on ${target})${tail ? `; last stderr:\n${tail}` : ''}`,
    readyUrl ? 'check that --ready-url points at the receiver and that it listens on $PORT'
      : `make the receiver listen on $PORT (${port}) on 127.0.0.1, or pass --ready-url with a URL it answers once ready (any HTTP status counts)`);
}

/** A port free right now on loopback (bind :0, read, close); a tiny race remains, fine for tests and --start. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
