import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { timerMs } from './timers.js';

export interface OutgoingRequest { url: string; headers: Record<string, string>; body: Buffer; method?: 'POST' | 'GET' }
export type TransportErrorKind = 'refused' | 'reset' | 'timeout' | 'dns' | 'aborted' | 'other';
export type AttemptOutcome =
  | {
      kind: 'response';
      status: number;
      headers: Record<string, string>;
      body: Buffer;
      bodyBytes: number;
      /** We stopped reading at the cap (`maxResponseBytes`). */
      truncated: boolean;
      /**
       * The receiver closed the connection (FIN) before the body it announced ended: fewer bytes than its
       * Content-Length, or a chunked body without its last chunk. The status line had arrived, and the
       * providers decide on the status line, so this is still an answer — with `note` saying so.
       */
      cutShort?: boolean;
      /** Something about the answer worth printing beside the status, e.g. why the body is short. */
      note?: string;
    }
  | { kind: 'error'; error: TransportErrorKind; message: string };
export interface Attempt { request: OutgoingRequest; startedAt: number /* epoch ms */; latencyMs: number; outcome: AttemptOutcome }
export interface SendOptions { timeoutMs: number; maxResponseBytes?: number /* default 64 KiB */; signal?: AbortSignal; agent?: http.Agent }

export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

// Load runs open many concurrent connections; keep-alive saves a handshake per delivery and an
// unbounded pool keeps the sender from queueing behind its own socket limit (that would show up
// as receiver latency).
const defaultHttpAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const defaultHttpsAgent = new https.Agent({ keepAlive: true, maxSockets: Infinity });

/**
 * Delivers one attempt. Transport failures come back as data; only an unusable URL rejects (TypeError),
 * because that is a caller bug rather than something the receiver did.
 */
export async function send(req: OutgoingRequest, opts: SendOptions): Promise<Attempt> {
  const url = new URL(req.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`unsupported protocol ${url.protocol} in ${req.url}`);
  }
  const isHttps = url.protocol === 'https:';
  const agent = opts.agent ?? (isHttps ? defaultHttpsAgent : defaultHttpAgent);
  const cap = Math.max(0, opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
  const headers = outgoingHeaders(req);
  const startedAt = Date.now();
  const t0 = performance.now();

  return new Promise<Attempt>((resolve) => {
    let done = false;
    let current: http.ClientRequest | undefined;
    let timer: NodeJS.Timeout | undefined;

    const settle = (outcome: AttemptOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve({ request: req, startedAt, latencyMs: performance.now() - t0, outcome });
    };
    // Destroying after settling: the error node then emits is deliberately ignored by `settle`.
    const giveUp = (outcome: AttemptOutcome): void => {
      settle(outcome);
      current?.destroy();
    };
    function onAbort(): void {
      giveUp({ kind: 'error', error: 'aborted', message: 'aborted by caller' });
    }

    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    // One deadline for the whole exchange: node's socket timeout is an idle timer that each byte of
    // a slow-drip receiver would reset, so it cannot model a provider that gives up after N seconds.
    timer = setTimeout(
      () => giveUp({ kind: 'error', error: 'timeout', message: `no response within ${opts.timeoutMs} ms` }),
      timerMs(opts.timeoutMs),
    );

    const start = (viaAgent: http.Agent, isRetry: boolean, firstError?: unknown): void => {
      let responded = false;
      let r: http.ClientRequest;
      try {
        r = (isHttps ? https : http).request(url, { method: req.method ?? 'POST', headers, agent: viaAgent });
      } catch (err) {
        // node validates header names/values synchronously; a request it refuses to build never left us.
        return settle(transportError(err));
      }
      current = r;
      r.on('error', (err) => {
        if (done) return;
        // A keep-alive socket the receiver closed while it sat idle in the pool fails the next request
        // with ECONNRESET/EPIPE before any answer (node flags this via `reusedSocket`). That is our
        // pooling, not the receiver misbehaving, so retry once on a connection of our own; a reset on
        // a fresh connection, or after the response started, is reported as the receiver's.
        if (!isRetry && !responded && r.reusedSocket && classify(err) === 'reset') {
          return start(freshAgentLike(agent), true, err);
        }
        // Refused on the retry means the receiver went down while handling the first try (a crash):
        // the reset it gave us is the truthful answer.
        if (isRetry && firstError !== undefined && classify(err) === 'refused') return settle(transportError(firstError));
        settle(transportError(err));
      });
      r.on('response', (res) => {
        responded = true;
        readBody(res, cap, settle, () => done);
      });
      r.end(req.body);
    };
    start(agent, false);
  });
}

function readBody(
  res: http.IncomingMessage,
  cap: number,
  settle: (o: AttemptOutcome) => void,
  isDone: () => boolean,
): void {
  const chunks: Buffer[] = [];
  let kept = 0;
  let read = 0;
  const declared = res.headers['content-length'] === undefined ? undefined : Number(res.headers['content-length']);
  const outcome = (truncated: boolean, note?: string): AttemptOutcome => ({
    kind: 'response',
    status: res.statusCode ?? 0,
    headers: flattenHeaders(res.headers),
    body: Buffer.concat(chunks, kept),
    bodyBytes: read,
    truncated,
    ...(note === undefined ? {} : { cutShort: true, note }),
  });
  // A reset (RST) while the body streams fails the request first (its 'error' handler reports it as
  // a reset); reaching here with the body incomplete means the receiver closed the connection cleanly
  // after its status line: an answer whose body was cut short, not a transport failure.
  const cutShort = (): void => {
    const of = declared === undefined ? 'before the chunked body ended' : `after ${read} of the ${declared} bytes its Content-Length announced`;
    settle(outcome(false, `body cut short: the receiver closed the connection ${of}`));
  };
  res.on('data', (chunk: Buffer) => {
    if (isDone()) return;
    read += chunk.length;
    if (kept < cap) {
      const take = chunk.subarray(0, cap - kept);
      chunks.push(take);
      kept += take.length;
    }
    // Exactly `cap` bytes is only complete if the receiver said so; otherwise stop rather than wait on
    // a body that may never end. Destroying the socket is what stops an endless answer from being read.
    if (read > cap || (read === cap && declared !== cap)) {
      settle(outcome(true));
      res.destroy();
    }
  });
  res.on('end', () => settle(outcome(false)));
  res.on('error', () => cutShort());
  res.on('close', () => {
    if (!res.complete) cutShort();
  });
}

function outgoingHeaders(req: OutgoingRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    const lower = name.toLowerCase();
    // Framing is ours to decide: the body must go out byte for byte with a length that matches it.
    if (lower === 'content-length' || lower === 'transfer-encoding') continue;
    out[name] = value;
  }
  out['content-length'] = String(req.body.length);
  return out;
}

/** The same agent settings, but a connection that cannot come from a pool. */
function freshAgentLike(agent: http.Agent): http.Agent {
  // `options` exists at runtime on every Agent but is not in the typings; copying it keeps TLS settings.
  const options = (agent as http.Agent & { options?: http.AgentOptions }).options ?? {};
  const Ctor = agent.constructor as new (o: http.AgentOptions) => http.Agent;
  return new Ctor({ ...options, keepAlive: false });
}

function flattenHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(h)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function classify(err: unknown): TransportErrorKind {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ECONNREFUSED': return 'refused';
    case 'ECONNRESET': case 'EPIPE': return 'reset';
    case 'ENOTFOUND': case 'EAI_AGAIN': return 'dns';
    case 'ETIMEDOUT': return 'timeout';
  }
  return /socket hang up/i.test(errorMessage(err)) ? 'reset' : 'other';
}

function transportError(err: unknown): AttemptOutcome {
  return { kind: 'error', error: classify(err), message: describeParseError(err) ?? errorMessage(err) };
}

/** node's HTTP parser errors (code HPE_*), in the user's terms; undefined for anything else. */
function describeParseError(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !code.startsWith('HPE_')) return undefined;
  if (code === 'HPE_HEADER_OVERFLOW') return `response headers too large (over ${Math.round(http.maxHeaderSize / 1024)} KiB): ${errorMessage(err)}`;
  return `not a valid HTTP response (${errorMessage(err)})`;
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || (err as NodeJS.ErrnoException).code || err.name;
  return String(err);
}

/** 2xx only: the providers count anything else, redirects included, as a failed attempt. */
export function isSuccess(a: Attempt): boolean {
  return a.outcome.kind === 'response' && a.outcome.status >= 200 && a.outcome.status < 300;
}

export function describeOutcome(a: Attempt): string {
  const ms = Math.round(a.latencyMs);
  const o = a.outcome;
  if (o.kind === 'response') {
    const notes = [
      o.truncated ? `body truncated at ${o.body.length} bytes` : '',
      o.note ?? '',
      o.status >= 300 && o.status < 400 ? 'redirects are never followed: a 3xx is a failed delivery' : '',
    ].filter(Boolean);
    return `HTTP ${o.status} in ${ms} ms${notes.length ? ` (${notes.join('; ')})` : ''}`;
  }
  switch (o.error) {
    case 'refused': return 'connection refused';
    // node says "socket hang up" when the connection closed (FIN) before any answer: not a reset by the receiver.
    case 'reset': return /socket hang up/i.test(o.message) ? `connection closed without an answer after ${ms} ms` : `connection reset after ${ms} ms`;
    case 'timeout': return o.message;
    case 'dns': return `DNS lookup failed (${o.message})`;
    case 'aborted': return `aborted by caller after ${ms} ms`;
    case 'other': return `transport error: ${o.message}`;
  }
}
