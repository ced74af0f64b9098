// Hand-built requests for the example receivers' smoke tests. Signing is done
// here with node:crypto directly, on purpose independent of hookgate's own
// signing code: these tests prove the receivers, not hookgate.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const nowSec = () => Math.floor(Date.now() / 1000);
export const msgId = () => `msg_${randomBytes(12).toString('hex')}`;
export const evtId = () => `evt_${randomBytes(16).toString('hex')}`;

// ---------------------------------------------------------------- transport

export interface Reply {
  status?: number;
  headers?: IncomingHttpHeaders;
  body: string;
  /** Transport error code (ECONNRESET, ECONNREFUSED, …) when no response came. */
  error?: string;
}

/**
 * One request on a fresh connection (no keep-alive, so a crash or a close is
 * seen by the request it concerns). Header values are written as latin1, one
 * byte per char, so a value built with `latin1OfUtf8` puts raw UTF-8 on the wire.
 */
export function send(url: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<Reply> {
  return new Promise((resolve) => {
    const body = opts.body === undefined ? undefined : Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body, 'utf8');
    const headers: Record<string, string | number> = { ...(opts.headers ?? {}) };
    if (body) headers['content-length'] = body.length;
    const req = request(url, { method: opts.method ?? (body ? 'POST' : 'GET'), headers, agent: false, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ status: res.statusCode, body: '', error: e.code ?? e.message }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ body: '', error: e.code ?? e.message }));
    req.end(body);
  });
}

export function latin1OfUtf8(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

export async function effects(origin: string): Promise<string[]> {
  const r = await send(`${origin}/_effects`);
  return JSON.parse(r.body) as string[];
}

// ---------------------------------------------------------------- Svix (OptiPick / Dimmy)

export const newSvixSecret = () => 'whsec_' + randomBytes(24).toString('base64');

export function svixSignature(secret: string, id: string, ts: number | string, body: Buffer): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return 'v1,' + createHmac('sha256', key).update(`${id}.${ts}.`).update(body).digest('base64');
}

export interface SvixOpts {
  id?: string;
  ts?: number;
  /** Replace the signature header value. */
  sig?: string;
  /** Sign this body instead of the one sent (tampering). */
  signedBody?: Buffer;
  signWith?: string;
  omit?: Array<'svix-id' | 'svix-timestamp' | 'svix-signature'>;
  contentType?: string | null;
}

export function svixRequest(secret: string, body: Buffer | string, o: SvixOpts = {}): { headers: Record<string, string>; body: Buffer } {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const id = o.id ?? msgId();
  const ts = o.ts ?? nowSec();
  const headers: Record<string, string> = {
    'svix-id': id,
    'svix-timestamp': String(ts),
    'svix-signature': o.sig ?? svixSignature(o.signWith ?? secret, id, ts, o.signedBody ?? bytes),
    'user-agent': 'Svix-Webhooks/1.99.1',
  };
  if (o.contentType !== null) headers['content-type'] = o.contentType ?? 'application/json';
  for (const h of o.omit ?? []) delete headers[h];
  return { headers, body: bytes };
}

export function postSvix(url: string, secret: string, body: Buffer | string, o: SvixOpts = {}): Promise<Reply> {
  return send(url, { method: 'POST', ...svixRequest(secret, body, o) });
}

/** A small OptiPick-like payload (cluster.optimized). */
export function optipickPayload(): Record<string, unknown> {
  return {
    request_id: randomBytes(12).toString('hex'),
    type: 'cluster',
    status: 'completed',
    warehouse: 'Example',
    user_id: '673f48095739843f4de65ec9',
    created_at: '2025-01-16T10:30:00Z',
    completed_at: '2025-01-16T10:30:07Z',
  };
}

export const compact = (v: unknown) => JSON.stringify(v);
/** Same JSON value, other bytes: 2-space indentation and a trailing newline. */
export const pretty = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

/** A compact Dimmy-like full payload of about `bytes` bytes. */
export function largePayload(bytes: number): string {
  const base = { id: randomBytes(12).toString('hex'), barcode: '5410013108009', flows: [] as string[] };
  const overhead = JSON.stringify(base).length + 2;
  base.flows.push('x'.repeat(Math.max(0, bytes - overhead)));
  return JSON.stringify(base);
}

// ---------------------------------------------------------------- OmniSales

export const newOmniSecret = () => 'whsec_' + randomBytes(24).toString('hex');

export function omniSignature(secret: string, body: Buffer): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('hex');
}

export interface OmniOpts {
  ts?: number | string;
  sig?: string;
  signedBody?: Buffer;
  signWith?: string;
  omit?: Array<'x-webhook-signature' | 'x-webhook-timestamp' | 'x-webhook-id'>;
  contentType?: string | null;
}

export function postOmni(url: string, secret: string, body: Buffer | string, o: OmniOpts = {}): Promise<Reply> {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const headers: Record<string, string> = {
    'x-webhook-signature': o.sig ?? omniSignature(o.signWith ?? secret, o.signedBody ?? bytes),
    'x-webhook-timestamp': String(o.ts ?? nowSec()),
    'x-webhook-id': '550e8400-e29b-41d4-a716-446655440000',
    'user-agent': 'OmniSales-Webhook/1.0',
  };
  if (o.contentType !== null) headers['content-type'] = o.contentType ?? 'application/json';
  for (const h of o.omit ?? []) delete headers[h];
  return send(url, { method: 'POST', headers, body: bytes });
}

export function omniEnvelope(event = 'order.created', id = evtId()): Record<string, unknown> {
  return {
    id,
    event,
    created_at: '2025-01-16T10:30:00Z',
    data: {
      order_id: 'ord_789',
      customer_id: 'cus_456',
      customer_email: 'customer@example.com',
      customer_name: 'Zoë Müller',
      total: 99.99,
      currency: 'USD',
      items: [{ product_id: 'prod_123', product_name: 'Widget', quantity: 2, price: 49.99 }],
    },
  };
}

// ---------------------------------------------------------------- child processes

export interface Child {
  origin: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<number | string | null>;
  stop(): Promise<void>;
}

/**
 * Spawns a receiver with PORT=0 (a free port chosen by the OS, loopback only)
 * and waits for the line announcing `http://127.0.0.1:<port>` on stdout or stderr.
 */
export async function spawnReceiver(cmd: string, args: string[], env: Record<string, string>, readyMs = 20_000): Promise<Child> {
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', PYTHONUNBUFFERED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`receiver not ready after ${readyMs} ms:\n${out}`)), readyMs);
    const onData = (c: Buffer) => {
      out += c.toString('utf8');
      const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m && m[1] !== '0') {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`receiver exited (${code}) before it was ready:\n${out}`));
    });
  });
  return {
    origin,
    child,
    output: () => out,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
}
