import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions as TlsOptions } from 'node:tls';
import { HTTPParser } from 'http-parser-js';
import type { ErrorKind, RequestOutcome } from './types.js';

/*
 * One keep-alive HTTP/1.1 connection of the load generator: it writes pre-built request
 * bytes (suites/load/traffic) and reads back only what the figures need — the status
 * and where the answer ends — with http-parser-js, the incremental parser autocannon
 * uses. node:http's agent would rebuild every request and cost a third of the rate.
 *
 * One request at a time per connection (no pipelining: a provider does not pipeline).
 * A request past its deadline is a timeout and its connection is dropped, as the
 * provider drops it; the pool's sweeper enforces deadlines so no request pays for a
 * timer of its own.
 */

export interface Endpoint {
  host: string;
  port: number;
  tls?: TlsOptions;
}

export type Done = (outcome: RequestOutcome, endMs: number) => void;

export class LoadConnection {
  private socket: Socket | undefined;
  private parser = newParser();
  private done: Done | undefined;
  private status = 0;
  private keepAlive = true;
  /** When the request in flight times out (ms, performance.now()); Infinity when idle. */
  deadline = Number.POSITIVE_INFINITY;

  constructor(private readonly endpoint: Endpoint) {
    this.bindParser();
  }

  get busy(): boolean {
    return this.done !== undefined;
  }

  /** Writes `bytes` and calls `done` once with how it ended. */
  send(bytes: Buffer, timeoutMs: number, done: Done): void {
    if (this.done) throw new Error('connection busy');
    this.done = done;
    this.status = 0;
    this.deadline = performance.now() + timeoutMs;
    const s = this.socket ?? this.open();
    s.write(bytes);
  }

  /** Ends the request in flight as a timeout when its deadline passed; drops the connection. */
  expire(nowMs: number): void {
    if (this.done && nowMs >= this.deadline) {
      this.drop();
      this.finish({ kind: 'timeout' }, nowMs);
    }
  }

  close(): void {
    this.drop();
    if (this.done) this.finish({ kind: 'error', error: 'closed', message: 'closed by the generator' }, performance.now());
  }

  private open(): Socket {
    const { host, port, tls } = this.endpoint;
    const s = tls ? tlsConnect({ host, port, servername: host, ...tls }) : netConnect({ host, port });
    s.setNoDelay(true);
    this.socket = s;
    this.parser = newParser();
    this.bindParser();
    s.on('data', (chunk: Buffer) => {
      if (this.socket !== s) return;
      const r = this.parser.execute(chunk);
      if (r instanceof Error) this.fail('parse', r.message, s);
    });
    s.on('end', () => {
      if (this.socket !== s) return;
      // A body delimited by the end of the connection completes here.
      const r = this.parser.finish();
      if (r instanceof Error) this.fail('parse', r.message, s);
      else this.fail('closed', 'the receiver closed the connection without an answer', s);
    });
    s.on('error', (e: NodeJS.ErrnoException) => this.fail(errorKind(e), e.message, s));
    s.on('close', () => this.fail('closed', 'connection closed', s));
    return s;
  }

  private bindParser(): void {
    this.parser[HTTPParser.kOnHeadersComplete] = (info) => {
      this.status = info.statusCode;
      this.keepAlive = info.shouldKeepAlive;
    };
    this.parser[HTTPParser.kOnBody] = () => {};
    this.parser[HTTPParser.kOnMessageComplete] = () => {
      // Drop first: the callback may send the next request at once, and it must go on a live socket.
      if (!this.keepAlive) this.drop();
      this.finish({ kind: 'response', status: this.status }, performance.now());
    };
  }

  private fail(kind: ErrorKind, message: string, s: Socket): void {
    if (this.socket !== s) return;
    this.drop();
    this.finish({ kind: 'error', error: kind, message }, performance.now());
  }

  private finish(outcome: RequestOutcome, endMs: number): void {
    const done = this.done;
    if (!done) return;
    this.done = undefined;
    this.deadline = Number.POSITIVE_INFINITY;
    done(outcome, endMs);
  }

  private drop(): void {
    const s = this.socket;
    this.socket = undefined;
    s?.destroy();
  }
}

function newParser(): InstanceType<typeof HTTPParser> {
  return new HTTPParser(HTTPParser.RESPONSE);
}

function errorKind(e: NodeJS.ErrnoException): ErrorKind {
  if (e.code === 'ECONNREFUSED') return 'refused';
  if (e.code === 'ECONNRESET' || e.code === 'EPIPE') return 'reset';
  return 'other';
}

/**
 * The connections of one generator thread, grown on demand up to `max`, with one
 * sweeper that enforces every request's deadline (a 20 s timeout is enforced within
 * ~1% of itself, at no per-request timer cost).
 */
export class ConnectionPool {
  private readonly all: LoadConnection[] = [];
  private readonly idle: LoadConnection[] = [];
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly max: number,
    sweepMs = 50,
  ) {
    this.sweeper = setInterval(() => {
      const now = performance.now();
      for (const c of this.all) c.expire(now);
    }, sweepMs);
    this.sweeper.unref();
  }

  get size(): number {
    return this.all.length;
  }

  get inflight(): number {
    return this.all.length - this.idle.length;
  }

  /** An idle connection, a new one while under the cap, or undefined at the cap. */
  acquire(): LoadConnection | undefined {
    const c = this.idle.pop();
    if (c) return c;
    if (this.all.length >= this.max) return undefined;
    const fresh = new LoadConnection(this.endpoint);
    this.all.push(fresh);
    return fresh;
  }

  release(c: LoadConnection): void {
    this.idle.push(c);
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const c of this.all) c.close();
  }
}
