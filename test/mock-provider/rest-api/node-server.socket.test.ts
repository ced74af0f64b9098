// Real sockets on loopback: what node:http actually hands to handle(), and how close() behaves.
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { dimmy, isHookgateError, optipick } from '../../../fixtures/index.js';
import { createFetchBackApi, serveFetchBack } from '../../../mock-provider/rest-api/index.js';
import type { FetchBackApi, FetchBackServer } from '../../../mock-provider/rest-api/index.js';

const KEY = { 'x-api-key': 'test-key' };

describe('serveFetchBack (real sockets)', () => {
  const servers: FetchBackServer[] = [];
  afterEach(async () => {
    while (servers.length > 0) await servers.pop()!.close();
  });

  async function start(api: FetchBackApi, port = 0) {
    const s = await serveFetchBack(api, { port });
    servers.push(s);
    return s;
  }

  /** node:http keeps the request target as written, unlike fetch/URL which would read `//x` as a host. */
  function rawGet(port: number, path: string, agent?: http.Agent) {
    return new Promise<{ status: number; body: string; contentType?: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path, headers: { 'X-API-KEY': 'k' }, agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, contentType: res.headers['content-type'] }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('serves fetch() on a random port with the same answers as handle()', async () => {
    const api = createFetchBackApi(optipick, { seed: 5 });
    const s = await start(api);
    expect(s.port).toBeGreaterThan(0);
    expect(s.url).toBe(`http://127.0.0.1:${s.port}`);
    const ok = await fetch(`${s.url}/optimize/cluster/abc?x=1`, { headers: { 'X-API-KEY': 'k' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/json');
    expect(await ok.text()).toBe(createFetchBackApi(optipick, { seed: 5 }).handle({ method: 'GET', path: '/optimize/cluster/abc', headers: KEY }).body);
    const denied = await fetch(`${s.url}/optimize/cluster/abc`);
    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({ detail: 'missing X-API-KEY' });
    expect((await fetch(`${s.url}/optimize/cluster/abc`, { method: 'POST', headers: KEY })).status).toBe(405);
    expect(api.fetchCount('abc')).toBe(1);
  });

  it('passes `//optimize/cluster/x` through to handle() unchanged', async () => {
    const api = createFetchBackApi(optipick);
    const seen: string[] = [];
    const spy: FetchBackApi = { ...api, handle: (req) => (seen.push(req.path), api.handle(req)) };
    const s = await start(spy);
    const res = await rawGet(s.port, '//optimize/cluster/x');
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('application/json');
    expect(JSON.parse(res.body).request_id).toBe('x');
    expect(seen).toEqual(['//optimize/cluster/x']);
    expect(api.fetchCount('x')).toBe(1);
  });

  it('close() returns promptly with a keep-alive client still connected, and twice is fine', async () => {
    const s = await serveFetchBack(createFetchBackApi(dimmy));
    const agent = new http.Agent({ keepAlive: true });
    try {
      expect((await rawGet(s.port, '/items/i1', agent)).status).toBe(200);
      expect(Object.keys(agent.freeSockets).length).toBe(1);
      const t0 = Date.now();
      await s.close();
      expect(Date.now() - t0).toBeLessThan(1000);
      await s.close();
    } finally {
      agent.destroy();
    }
  });

  it('close() does not wait for a client stuck half-way through its request headers', async () => {
    const s = await serveFetchBack(createFetchBackApi(optipick));
    // Not idle, so server.close() alone would wait for headersTimeout (60 s).
    const sock = net.connect(s.port, '127.0.0.1');
    sock.on('error', () => {});
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.write('GET /optimize/cluster/x HTTP/1.1\r\nHost: a\r\n');
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await s.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    sock.destroy();
  });

  it('reports a taken port as PORT_IN_USE', async () => {
    const s = await start(createFetchBackApi(optipick));
    const err = await serveFetchBack(createFetchBackApi(optipick), { port: s.port }).catch((e: unknown) => e);
    expect(isHookgateError(err) && err.code === 'PORT_IN_USE').toBe(true);
  });
});
