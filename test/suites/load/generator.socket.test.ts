import { afterAll, describe, expect, it } from 'vitest';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { listen, type Running } from '../../helpers/receivers.js';
import { runGenerator, type GeneratorOptions, type Outgoing } from '../../../suites/load/generator.js';
import { latencyFigures } from '../../../suites/load/aggregate.js';

/*
 * The generator on real sockets, loopback only, a second or less each. Only one-sided,
 * generous bounds: rates and percentiles on real sockets belong in `npm run bench:load`.
 */

const open: Running[] = [];
afterAll(async () => {
  await Promise.all(open.map((r) => r.close()));
});

function staticRequest(port: number): Outgoing {
  const body = '{"a":1}';
  const bytes = Buffer.from(`POST /webhook HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
  return { bytes, handle: 0, duplicate: false };
}

async function http(status = 200, delayMs = 0): Promise<{ r: Running; port: number; count: () => number }> {
  let n = 0;
  const r = await listen((req, res) => {
    req.resume();
    req.on('end', () => {
      n++;
      setTimeout(() => res.writeHead(status, { 'content-type': 'application/json' }).end('{"ok":true}'), delayMs);
    });
  }, '/webhook');
  open.push(r);
  return { r, port: Number(new URL(r.url).port), count: () => n };
}

function opts(port: number, o: Partial<GeneratorOptions>): GeneratorOptions {
  return {
    endpoint: { host: '127.0.0.1', port },
    model: { kind: 'closed', connections: 4 },
    startMs: performance.now(),
    warmupMs: 0,
    durationMs: 500,
    timeoutMs: 5000,
    nextRequest: () => staticRequest(port),
    answered: () => {},
    ...o,
  };
}

describe('runGenerator', () => {
  it('closed model: every request answered and counted, none lost', async () => {
    const { port, count } = await http();
    const res = await runGenerator(opts(port, {}));
    expect(res.partial.requests).toBeGreaterThan(10);
    expect(res.partial.ok2xx).toBe(res.partial.requests);
    expect(res.partial.statusCodes).toEqual({ 200: res.partial.requests });
    expect(count()).toBe(res.sent);
    expect(res.partial.errors + res.partial.timeouts).toBe(0);
  });

  it('open model: sends about rate × duration, each request once, with none missed', async () => {
    const { port, count } = await http();
    const res = await runGenerator(opts(port, { model: { kind: 'open', rate: 200, maxInflight: 100 }, durationMs: 500 }));
    expect(res.sent).toBe(100);
    expect(count()).toBe(100);
    expect(res.missedStarts).toBe(0);
    expect(res.partial.requests).toBe(100);
  });

  it('open model: a slow receiver fills the in-flight cap and the starts beyond it are missed, not hidden', async () => {
    const { port } = await http(200, 300);
    const res = await runGenerator(opts(port, { model: { kind: 'open', rate: 200, maxInflight: 5 }, durationMs: 400 }));
    expect(res.missedStarts).toBeGreaterThan(0);
    expect(res.sent + res.missedStarts).toBe(80);
    // Latency runs from the due time, so it is at least the receiver's delay.
    expect(latencyFigures(res.partial.histogram).p50).toBeGreaterThanOrEqual(290);
  });

  it('a request past the timeout is a timeout at its elapsed time, its connection dropped, and drained at the end', async () => {
    const sockets = new Set<Socket>();
    const server = createNetServer((s) => {
      sockets.add(s);
      s.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    open.push({ url: '', origin: '', close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }) });
    const port = (server.address() as AddressInfo).port;
    const res = await runGenerator(opts(port, { model: { kind: 'closed', connections: 2 }, durationMs: 100, timeoutMs: 300 }));
    expect(res.partial.timeouts).toBe(2);
    expect(res.drained).toBe(2);
    expect(latencyFigures(res.partial.histogram).max).toBeGreaterThanOrEqual(300);
  });

  it('a receiver that resets every request: each is counted by kind, and the next one goes on a fresh connection', async () => {
    const server = createNetServer((s) => s.on('data', () => s.resetAndDestroy()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    open.push({ url: '', origin: '', close: () => new Promise<void>((r) => server.close(() => r())) });
    const res = await runGenerator(opts(port, { model: { kind: 'closed', connections: 1 }, durationMs: 100 }));
    expect(res.partial.errorKinds.reset).toBeGreaterThan(1);
    // The next request goes on a new connection at once: none waits out the timeout.
    expect(res.partial.timeouts).toBe(0);
    expect(res.partial.ok2xx).toBe(0);
  });
});
