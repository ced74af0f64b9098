import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { setupServer, type SetupServerApi } from 'msw/node';
import { dimmy, itemForId, optipick } from '../../fixtures/index.js';
import { createFetchBackApi, serveFetchBack } from '../../mock-provider/rest-api/index.js';
import { providerApiHandlers } from '../../msw/index.js';

/*
 * One definition, two adapters: the msw handlers must answer exactly what the fetch-back server
 * `hookgate check` runs answers (status, content type, body) for the same seed and request, and
 * count the same way.
 */

const KEY = { 'X-API-KEY': 'test-key' };
let server: SetupServerApi | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

/** Requests no handler matched (each also fails, as under `onUnhandledRequest: 'error'`, without msw's log). */
let unhandled: string[] = [];

function listenWith(...handlers: Parameters<typeof setupServer>) {
  unhandled = [];
  server = setupServer(...handlers);
  server.listen({
    onUnhandledRequest(request) {
      unhandled.push(`${request.method} ${request.url}`);
      throw new Error(`unhandled ${request.url}`);
    },
  });
  return server;
}

interface Answer {
  status: number;
  contentType: string | null;
  body: string;
}

async function answerOf(url: string, init: RequestInit = {}): Promise<Answer> {
  const r = await fetch(url, init);
  return { status: r.status, contentType: r.headers.get('content-type'), body: await r.text() };
}

const REQUESTS: Array<{ path: string; init?: RequestInit }> = [
  { path: '/optimize/cluster/3f6c2a1e-8b4d-4e7f-9a0c-5d2e1b7c9f48', init: { headers: KEY } },
  { path: '/optimize/route/b1e7d9c4?expand=1', init: { headers: KEY } },
  { path: '//optimize/cluster/from-a-base-ending-in-slash', init: { headers: KEY } },
  { path: '/optimize/route/trailing/', init: { headers: KEY } },
  { path: '/optimize/cluster/x%20y', init: { headers: KEY } },
  { path: '/optimize/cluster/%zz', init: { headers: KEY } },
  { path: '/optimize/cluster/no-key' },
  { path: '/optimize/cluster/posted', init: { method: 'POST', headers: KEY } },
  { path: '/optimize/cluster/probe', init: { method: 'HEAD', headers: KEY } },
  { path: '/items/6740a1c2e4b0f5a9d3c81e27', init: { headers: KEY } },
  { path: '/', init: { headers: KEY } },
];

describe('providerApiHandlers', () => {
  it('answers every request exactly as the node:http fetch-back server does, and counts the same', async () => {
    const nodeApi = createFetchBackApi(optipick, { seed: 9 });
    const node = await serveFetchBack(nodeApi);
    const expected: Answer[] = [];
    try {
      for (const r of REQUESTS) expected.push(await answerOf(node.url + r.path, r.init));
    } finally {
      await node.close();
    }

    const api = providerApiHandlers({ provider: 'optipick', baseUrl: 'https://api.optipick.test', seed: 9 });
    listenWith(...api.handlers);
    const got: Answer[] = [];
    for (const r of REQUESTS) got.push(await answerOf('https://api.optipick.test' + r.path, r.init));

    expect(got).toEqual(expected);
    expect(got.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 400, 401, 405, 200, 404, 404]);
    expect(api.fetches().map((f) => [f.route, f.id, f.apiKey])).toEqual(nodeApi.fetches().map((f) => [f.route, f.id, f.apiKey]));
    expect(api.fetchCount('x y')).toBe(1);
    // HEAD only probes and 401/405 fetched nothing.
    expect(api.fetchCount('probe') + api.fetchCount('no-key') + api.fetchCount('posted')).toBe(0);
    expect(api.routes).toEqual(['/optimize/cluster/:id', '/optimize/route/:id']);
  });

  it('serves Dimmy items as the item.scanned.full_payload fixtures carry them', async () => {
    const api = providerApiHandlers({ provider: 'Dimmy', baseUrl: 'https://dimmy.test/' });
    listenWith(...api.handlers);
    const res = await fetch('https://dimmy.test/items/6740a1c9e4b0f5a9d3c81e2b', { headers: KEY });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(itemForId('6740a1c9e4b0f5a9d3c81e2b'));
    expect(api.fetchCount('6740a1c9e4b0f5a9d3c81e2b')).toBe(1);
    expect(api.routes).toEqual(dimmy.restRoutes.map((r) => r.path));
  });

  it('answers only under its base URL: a path prefix is removed before routing, other URLs stay unhandled', async () => {
    const api = providerApiHandlers({ provider: 'optipick', baseUrl: 'https://gw.test/optipick/v1/' });
    listenWith(...api.handlers);
    expect((await fetch('https://gw.test/optipick/v1/optimize/cluster/a', { headers: KEY })).status).toBe(200);
    // Under the base but no route: the route list, as the node server gives it.
    expect(await (await fetch('https://gw.test/optipick/v1/nope', { headers: KEY })).json()).toMatchObject({ detail: 'Not Found' });
    for (const url of ['https://gw.test/optimize/cluster/a', 'https://gw.test/optipick/v10/optimize/cluster/a']) {
      await fetch(url, { headers: KEY }).catch(() => undefined);
    }
    expect(unhandled).toEqual(['GET https://gw.test/optimize/cluster/a', 'GET https://gw.test/optipick/v10/optimize/cluster/a']);
    expect(api.fetchCount('a')).toBe(1);
  });

  it('two providers side by side, and node:http clients (axios, got) are intercepted as fetch is', async () => {
    const o = providerApiHandlers({ provider: 'optipick', baseUrl: 'http://optipick.internal' });
    const d = providerApiHandlers({ provider: 'dimmy', baseUrl: 'http://dimmy.internal' });
    listenWith(...o.handlers, ...d.handlers);
    const viaNodeHttp = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      http
        .get('http://dimmy.internal/items/abc', { headers: KEY }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode, body }));
        })
        .on('error', reject);
    });
    expect(viaNodeHttp.status).toBe(200);
    expect(JSON.parse(viaNodeHttp.body)).toMatchObject({ id: 'abc' });
    expect((await fetch('http://optipick.internal/optimize/route/r1', { headers: KEY })).status).toBe(200);
    expect([d.fetchCount('abc'), o.fetchCount('r1'), o.fetchCount('abc'), d.fetchCount('r1')]).toEqual([1, 1, 0, 0]);
    expect(unhandled).toEqual([]);
  });

  it('refuses OmniSales, whose receivers fetch nothing back', () => {
    expect(() => providerApiHandlers({ provider: 'omnisales', baseUrl: 'https://x.test' })).toThrow(/OmniSales has no REST API/);
  });
});
