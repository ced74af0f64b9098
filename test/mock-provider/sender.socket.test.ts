// Real sockets on loopback. nock is deliberately not imported in this file: it patches node:http for
// the whole worker, and these tests are about what actually goes over the wire.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { describeOutcome, isSuccess, send, type Attempt } from '../../mock-provider/sender.js';

const cleanups: Array<() => void> = [];

afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

/** Listens on port 0 and tears the server and every socket it accepted down after the test. */
async function listen(server: net.Server): Promise<number> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return (server.address() as AddressInfo).port;
}

/** A raw TCP server: `onConnection` scripts the bytes, so malformed and hostile receivers are possible. */
function rawServer(onConnection: (s: net.Socket, index: number) => void): Promise<number> {
  let n = 0;
  return listen(net.createServer((s) => onConnection(s, n++)));
}

function post(port: number, body: Buffer | string, headers: Record<string, string> = {}) {
  return { url: `http://127.0.0.1:${port}/hook`, headers, body: Buffer.isBuffer(body) ? body : Buffer.from(body) };
}

function expectError(a: Attempt, kind: string): void {
  expect(a.outcome.kind).toBe('error');
  if (a.outcome.kind === 'error') expect(a.outcome.error).toBe(kind);
}

function responseOf(a: Attempt) {
  if (a.outcome.kind !== 'response') throw new Error(`expected a response, got ${describeOutcome(a)}`);
  return a.outcome;
}

interface Received { rawHeaders: string[]; headers: http.IncomingHttpHeaders; body: Buffer }

async function recordingServer(): Promise<{ port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ rawHeaders: req.rawHeaders, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(204).end();
    });
  });
  return { port: await listen(server), received };
}

describe('what goes over the wire', () => {
  it('sends exactly the given bytes, even ones JSON.stringify would rewrite', async () => {
    const { port, received } = await recordingServer();
    // Spacing, key order, an escaped slash and \u escapes all change under parse+stringify; a stray
    // 0xff is not even valid UTF-8. A signature over these bytes only verifies if they arrive untouched.
    const body = Buffer.concat([
      Buffer.from('{ "z": 1,\n  "a": "caf\u00e9 \u20ac \ud83d\ude80", "esc": "\\u00e9\\/", "n": 1.0 }'),
      Buffer.from([0xff, 0x00]),
    ]);
    expect(Buffer.from(JSON.stringify(JSON.parse(body.subarray(0, -2).toString()))).equals(body.subarray(0, -2))).toBe(false);

    const a = await send(post(port, body, { 'Content-Type': 'application/json' }), { timeoutMs: 2000 });

    expect(responseOf(a).status).toBe(204);
    expect(received).toHaveLength(1);
    expect(received[0].body.equals(body)).toBe(true);
  });

  it('frames the body with content-length, never chunked, and adds only host and connection', async () => {
    const { port, received } = await recordingServer();
    const body = Buffer.from('h\u00e9llo');
    await send(post(port, body, { 'Webhook-Id': 'msg_1', 'content-type': 'application/json' }), { timeoutMs: 2000 });

    const r = received[0];
    expect(r.headers['content-length']).toBe(String(body.length));
    expect(r.headers['transfer-encoding']).toBeUndefined();
    const names = r.rawHeaders.filter((_, i) => i % 2 === 0);
    expect(names).toContain('Webhook-Id'); // the caller's spelling survives
    expect(names.map((n) => n.toLowerCase()).sort()).toEqual(
      ['connection', 'content-length', 'content-type', 'host', 'webhook-id'],
    );
  });

  it('replaces a caller-supplied content-length that does not match the body', async () => {
    const { port, received } = await recordingServer();
    await send(post(port, 'abc', { 'Content-Length': '999', 'Transfer-Encoding': 'chunked' }), { timeoutMs: 2000 });
    expect(received[0].headers['content-length']).toBe('3');
    expect(received[0].headers['transfer-encoding']).toBeUndefined();
    expect(received[0].body.toString()).toBe('abc');
  });

  it('flattens response headers to lowercase strings, joining repeats', async () => {
    const port = await listen(http.createServer((_req, res) => {
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.setHeader('X-Trace', 'abc');
      res.writeHead(200).end('ok');
    }));
    const r = responseOf(await send(post(port, '{}'), { timeoutMs: 2000 }));
    expect(r.headers['set-cookie']).toBe('a=1, b=2');
    expect(r.headers['x-trace']).toBe('abc');
    expect(r.body.toString()).toBe('ok');
    expect(r).toMatchObject({ bodyBytes: 2, truncated: false });
  });
});

describe('transport errors are data', () => {
  it('reports a closed port as refused', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const a = await send(post(port, '{}'), { timeoutMs: 2000 });
    expectError(a, 'refused');
    expect(describeOutcome(a)).toBe('connection refused');
    expect(isSuccess(a)).toBe(false);
  });

  it('reports a receiver that resets mid-request as reset, without retrying a fresh connection', async () => {
    let connections = 0;
    const port = await rawServer((s) => {
      connections++;
      s.once('data', () => s.resetAndDestroy());
    });
    const a = await send(post(port, '{}'), { timeoutMs: 2000, agent: new http.Agent({ keepAlive: true }) });
    expectError(a, 'reset');
    expect(connections).toBe(1);
  });

  it('reports a receiver that resets mid-body as reset', async () => {
    const port = await rawServer((s) => {
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial');
        setTimeout(() => s.resetAndDestroy(), 20);
      });
    });
    expectError(await send(post(port, '{}'), { timeoutMs: 2000 }), 'reset');
  });

  it('reports an unresolvable host as dns', async () => {
    // .invalid is reserved (RFC 6761): no resolver may answer it.
    const a = await send({ url: 'http://hookgate-test.invalid/hook', headers: {}, body: Buffer.from('{}') }, { timeoutMs: 3000 });
    expectError(a, 'dns');
  });

  it('rejects only for a malformed URL', async () => {
    await expect(send({ url: 'not a url', headers: {}, body: Buffer.alloc(0) }, { timeoutMs: 100 })).rejects.toThrow(TypeError);
    await expect(send({ url: 'ftp://x/y', headers: {}, body: Buffer.alloc(0) }, { timeoutMs: 100 })).rejects.toThrow(TypeError);
  });

  it('reports a header node refuses to send as an error, not a throw', async () => {
    const a = await send({ url: 'http://127.0.0.1:9/hook', headers: { 'x-bad': 'a\r\nb' }, body: Buffer.alloc(0) }, { timeoutMs: 100 });
    expectError(a, 'other');
  });
});

describe('keep-alive', () => {
  it('retries once on a fresh connection when a pooled socket turns out to be dead', async () => {
    // Connection 0 answers one request and then resets when the next request arrives on it, as a
    // receiver that closed an idle keep-alive socket just as we reused it; connection 1 is healthy.
    const port = await rawServer((s, index) => {
      let requests = 0;
      s.on('data', () => {
        requests++;
        if (index === 0 && requests === 2) return s.resetAndDestroy();
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok');
      });
    });
    const agent = new http.Agent({ keepAlive: true });
    cleanups.push(() => agent.destroy());

    expect(responseOf(await send(post(port, '1'), { timeoutMs: 2000, agent })).status).toBe(200);
    const second = await send(post(port, '2'), { timeoutMs: 2000, agent });
    expect(responseOf(second).status).toBe(200);
  });

  it('reuses the connection for consecutive sends', async () => {
    let connections = 0;
    const server = http.createServer((_req, res) => res.end('ok'));
    server.on('connection', () => connections++);
    const port = await listen(server);
    for (let i = 0; i < 3; i++) expect(isSuccess(await send(post(port, '{}'), { timeoutMs: 2000 }))).toBe(true);
    expect(connections).toBe(1);
  });
});

describe('time and size limits', () => {
  it('times out a slow-drip receiver at timeoutMs for the whole exchange', async () => {
    const port = await rawServer((s) => {
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n');
        const drip = setInterval(() => s.write('x'), 200);
        s.on('close', () => clearInterval(drip));
      });
    });
    const a = await send(post(port, '{}'), { timeoutMs: 600 });
    expectError(a, 'timeout');
    expect(describeOutcome(a)).toBe('no response within 600 ms');
    expect(a.latencyMs).toBeGreaterThanOrEqual(590);
    expect(a.latencyMs).toBeLessThan(900);
  });

  it('stops reading an endless response at maxResponseBytes', async () => {
    const port = await rawServer((s) => {
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n');
        const chunk = Buffer.alloc(16 * 1024, 'y');
        const pump = (): void => {
          while (!s.destroyed && s.write(chunk));
          if (!s.destroyed) s.once('drain', pump);
        };
        pump();
      });
    });
    const a = await send(post(port, '{}'), { timeoutMs: 3000, maxResponseBytes: 1024 });
    const r = responseOf(a);
    expect(r.truncated).toBe(true);
    expect(r.body.length).toBe(1024);
    expect(r.bodyBytes).toBeGreaterThanOrEqual(1024);
    expect(a.latencyMs).toBeLessThan(1000);
    expect(describeOutcome(a)).toMatch(/^HTTP 200 in \d+ ms \(body truncated at 1024 bytes\)$/);
  });

  it('does not call a body of exactly maxResponseBytes truncated', async () => {
    const port = await listen(http.createServer((_req, res) => res.end(Buffer.alloc(1024, 'z'))));
    const r = responseOf(await send(post(port, '{}'), { timeoutMs: 2000, maxResponseBytes: 1024 }));
    expect(r).toMatchObject({ truncated: false, bodyBytes: 1024 });
  });

  it('lets the caller abandon a request mid-flight', async () => {
    const port = await rawServer(() => {}); // accepts, never answers
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const a = await send(post(port, '{}'), { timeoutMs: 3000, signal: ac.signal });
    expectError(a, 'aborted');
    expect(a.latencyMs).toBeGreaterThanOrEqual(90);
    expect(a.latencyMs).toBeLessThan(1000);
  });

  it('does not connect at all when the signal is already aborted', async () => {
    let connections = 0;
    const port = await rawServer(() => connections++);
    const a = await send(post(port, '{}'), { timeoutMs: 1000, signal: AbortSignal.abort() });
    expectError(a, 'aborted');
    await new Promise((r) => setTimeout(r, 20));
    expect(connections).toBe(0);
  });

  it('measures latency from request start to the end of the body', async () => {
    const port = await rawServer((s) => {
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab');
        setTimeout(() => s.end('cd'), 150); // the body's tail arrives late: latency must include it
      });
    });
    const before = Date.now();
    const a = await send(post(port, '{}'), { timeoutMs: 2000 });
    expect(responseOf(a).body.toString()).toBe('abcd');
    expect(a.latencyMs).toBeGreaterThanOrEqual(140);
    expect(a.latencyMs).toBeLessThan(1000);
    expect(a.startedAt).toBeGreaterThanOrEqual(before);
    expect(a.startedAt).toBeLessThanOrEqual(before + 50);
  });
});
