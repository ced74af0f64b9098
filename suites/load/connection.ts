import { connect as netConnect, isIP, type Socket } from 'node:net';
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

/** Where a URL's requests go: IPv6 brackets off, the scheme's default port, TLS for https. */
export function endpointOf(url: URL): Endpoint {
  const https = url.protocol === 'https:';
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || (https ? 443 : 80)), ...(https ? { tls: {} } : {}) };
}

export type Done = (outcome: RequestOutcome, endMs: number) => void;

export class LoadConnection {
  private socket: Socket | undefined;
  private parser = newParser();
  private done: Done | undefined;
  private status = 0;
  private keepAlive = true;
  /** The answer in flight: its status line and headers arrived; body bytes read so far. */
  private headersDone = false;
  private bodyBytes = 0;
  /**
   * Whether the next answer may take the fast path: a whole `HTTP/1.1` response with a
   * Content-Length in one chunk. Anything else (a split chunk, chunked encoding, a close,
   * bytes past the end) goes to http-parser-js for the rest of this connection's life.
   */
  private fast = true;
  /** When the request in flight times out (ms, performance.now()); Infinity when idle. */
  deadline = Number.POSITIVE_INFINITY;

  constructor(private readonly endpoint: Endpoint) {
    this.bindParser();
  }

  get busy(): boolean {
    return this.done !== undefined;
  }

  /** Writes `bytes` and calls `done` once with how it ended. */
  send(bytes: Buffer, timeoutMs: number, done: Done, nowMs: number = performance.now()): void {
    if (this.done) throw new Error('connection busy');
    this.done = done;
    this.status = 0;
    this.headersDone = false;
    this.bodyBytes = 0;
    this.deadline = nowMs + timeoutMs;
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
    // Plain TCP reads into one buffer shared by every connection of this thread (`onread`): no
    // Buffer and no stream 'data' event per answer. Safe because a chunk is consumed before the
    // callback returns (the fast path reads it; the parser gets a copy).
    const s: Socket = tls
      ? tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...tls }) // SNI takes a name, never an address (RFC 6066)
      : netConnect({ host, port, onread: { buffer: readBuffer, callback: (n: number): boolean => {
          this.onChunk(readBuffer.subarray(0, n), s, true);
          return true; // false would pause reading
        } } });
    s.setNoDelay(true);
    this.socket = s;
    this.parser = newParser();
    this.bindParser();
    this.fast = true;
    if (tls) s.on('data', (chunk: Buffer) => this.onChunk(chunk, s, false));
    s.on('end', () => {
      if (this.socket !== s) return;
      // A body delimited by the end of the connection completes here.
      const r = this.parser.finish();
      // Closed (FIN) after the status line but before the body it announced ended: still an answer
      // with that status, the body cut short (as the sender reports it), not a parse error.
      if (r instanceof Error && this.done && this.headersDone) {
        this.drop();
        this.finish({ kind: 'response', status: this.status, cutShort: true }, performance.now());
      } else if (r instanceof Error) this.fail('parse', parseErrorMessage(r.message), s);
      else this.fail('closed', 'the receiver closed the connection without an answer', s);
    });
    s.on('error', (e: NodeJS.ErrnoException) => this.fail(errorKind(e), e.message, s));
    s.on('close', () => this.fail('closed', 'connection closed', s));
    return s;
  }

  /** One chunk of the answer; `shared` when it lives in the shared read buffer (copy before keeping it). */
  private onChunk(chunk: Buffer, s: Socket, shared: boolean): void {
    if (this.socket !== s) return;
    if (this.fast) {
      const status = this.done ? wholeResponse(chunk) : 0;
      if (status > 0) return this.finish(responseOutcome(status), performance.now());
      this.fast = false;
    }
    const r = this.parser.execute(shared ? Buffer.from(chunk) : chunk);
    if (r instanceof Error) this.fail('parse', parseErrorMessage(r.message), s);
    // The status decides; a body past the cap is not read (a 200 MB or endless answer), as the
    // sender stops there too. The connection is dropped: the rest of the body is still coming.
    else if (this.done && this.bodyBytes > MAX_BODY_BYTES) {
      this.drop();
      this.finish({ kind: 'response', status: this.status }, performance.now());
    }
  }

  private bindParser(): void {
    this.parser[HTTPParser.kOnHeadersComplete] = (info) => {
      this.status = info.statusCode;
      this.keepAlive = info.shouldKeepAlive;
      this.headersDone = true;
    };
    this.parser[HTTPParser.kOnBody] = (_chunk, _offset, length) => {
      this.bodyBytes += length;
    };
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

/** One shared, frozen outcome per status: the fast path answers tens of thousands a second without allocating. */
const RESPONSES: RequestOutcome[] = [];
function responseOutcome(status: number): RequestOutcome {
  return (RESPONSES[status] ??= Object.freeze({ kind: 'response', status }) as RequestOutcome);
}

const PREFIX = Buffer.from('HTTP/1.1 ');
const CONTENT_LENGTH = Buffer.from('content-length');
const TRANSFER_ENCODING = Buffer.from('transfer-encoding');
const CONNECTION = Buffer.from('connection');
const CLOSE = Buffer.from('close');

/** Whether `buf[at…]` starts with `name` (lowercase letters and '-'), case-insensitively. */
function nameAt(buf: Buffer, at: number, name: Buffer): boolean {
  if (at + name.length > buf.length) return false;
  for (let i = 0; i < name.length; i++) {
    const c = buf[at + i];
    if ((c >= 65 && c <= 90 ? c | 0x20 : c) !== name[i]) return false;
  }
  return true;
}

/** The index of the first byte at or after `at` that is not a space or tab. */
function skipBlanks(buf: Buffer, at: number, end: number): number {
  while (at < end && (buf[at] === 32 || buf[at] === 9)) at++;
  return at;
}

/**
 * The status of `chunk` when it is exactly one whole keep-alive `HTTP/1.1` response with one
 * Content-Length and no Transfer-Encoding or `Connection: close` (the common answer of a webhook
 * receiver), else 0. A byte scan of the head (no string, no regex: this runs once per request
 * at tens of thousands a second); anything unusual returns 0 and goes to http-parser-js.
 */
export function wholeResponse(chunk: Buffer): number {
  const n = chunk.length;
  if (n < 16) return 0;
  for (let i = 0; i < PREFIX.length; i++) if (chunk[i] !== PREFIX[i]) return 0;
  const d0 = chunk[9] - 48;
  const d1 = chunk[10] - 48;
  const d2 = chunk[11] - 48;
  if (d0 < 1 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9 || chunk[12] !== 32) return 0;
  const status = d0 * 100 + d1 * 10 + d2;
  // 1xx answers and 204/304 have rules of their own about bodies: leave them to the parser.
  if (status < 200 || status === 204 || status === 304) return 0;
  let length = -1;
  let cr = 13;
  while (cr < n && chunk[cr] !== 13) cr++;
  // Line by line: `cr` is the CR ending the previous line; a bare CR or a head cut short goes to the parser.
  for (;;) {
    if (cr + 1 >= n || chunk[cr + 1] !== 10) return 0;
    const at = cr + 2;
    if (at + 1 < n && chunk[at] === 13 && chunk[at + 1] === 10) return length >= 0 && at + 2 + length === n ? status : 0;
    let end = at;
    while (end < n && chunk[end] !== 13) end++;
    if (end >= n) return 0;
    const first = chunk[at] | 0x20;
    if (first === 0x74 && nameAt(chunk, at, TRANSFER_ENCODING) && chunk[skipBlanks(chunk, at + TRANSFER_ENCODING.length, end)] === 58) return 0;
    if (first === 0x63) {
      if (nameAt(chunk, at, CONTENT_LENGTH)) {
        // Blanks before the colon, or two Content-Lengths: unusual, the full parser decides.
        if (chunk[at + CONTENT_LENGTH.length] !== 58 || length >= 0) return 0;
        let i = skipBlanks(chunk, at + CONTENT_LENGTH.length + 1, end);
        const digits = i;
        let v = 0;
        for (; i < end && chunk[i] >= 48 && chunk[i] <= 57; i++) v = v * 10 + chunk[i] - 48;
        if (i === digits || i - digits > 9 || skipBlanks(chunk, i, end) !== end) return 0;
        length = v;
      } else if (nameAt(chunk, at, CONNECTION) && chunk[skipBlanks(chunk, at + CONNECTION.length, end)] === 58) {
        // Any `close` in the value, as the full parser would read it: this connection ends after the answer.
        for (let i = at + CONNECTION.length; i + CLOSE.length <= end; i++) if (nameAt(chunk, i, CLOSE)) return 0;
      }
    }
    cr = end;
  }
}

/** The read buffer of every plain-TCP load connection of this thread (see LoadConnection.open). */
const readBuffer = Buffer.allocUnsafe(64 * 1024);

/** Response body bytes read per answer, like the sender's DEFAULT_MAX_RESPONSE_BYTES. */
export const MAX_BODY_BYTES = 64 * 1024;
/** node's own limit (http.maxHeaderSize), so send, check and load agree on what is too large. */
const MAX_HEADER_BYTES = 16 * 1024;

function newParser(): InstanceType<typeof HTTPParser> {
  const p = new HTTPParser(HTTPParser.RESPONSE);
  p.maxHeaderSize = MAX_HEADER_BYTES;
  return p;
}

/** http-parser-js's terse messages, in the user's terms. */
function parseErrorMessage(message: string): string {
  if (message === 'max header size exceeded') return `response headers too large (over ${MAX_HEADER_BYTES / 1024} KiB)`;
  if (message === 'invalid state for EOF') return 'the receiver closed the connection in the middle of its answer';
  return `not a valid HTTP response (${message})`;
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
