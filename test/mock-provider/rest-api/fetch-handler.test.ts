import { describe, expect, it } from 'vitest';
import { dimmy, optipick } from '../../../fixtures/index.js';
import { basePath, createFetchBackApi, fetchHandler, respond, type FetchBackApi } from '../../../mock-provider/rest-api/index.js';

const KEY = { 'x-api-key': 'k' };

describe('fetchHandler (the Web Request adapter, no msw)', () => {
  it('gives the same status, headers and body as handle(), the path and query passed as sent', async () => {
    const api = createFetchBackApi(optipick, { seed: 3 });
    const handler = fetchHandler(api);
    const res = handler(new Request('http://x.test//optimize/route/r%2F1?v=2', { headers: KEY }));
    const direct = createFetchBackApi(optipick, { seed: 3 }).handle({ method: 'GET', path: '//optimize/route/r%2F1?v=2', headers: KEY });
    expect(res.status).toBe(200);
    expect(Object.fromEntries(res.headers)).toEqual(direct.headers);
    expect(await res.text()).toBe(direct.body);
    expect(api.fetchCount('r/1')).toBe(1);
  });

  it('strips the base URL path before routing; HEAD gets no body', async () => {
    const api = createFetchBackApi(dimmy);
    const handler = fetchHandler(api, { baseUrl: 'https://gw.test/dimmy/' });
    expect(handler(new Request('https://gw.test/dimmy/items/i1', { headers: KEY })).status).toBe(200);
    const head = handler(new Request('https://gw.test/dimmy/items/i1', { method: 'HEAD', headers: KEY }));
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    expect(api.fetchCount('i1')).toBe(1);
    expect(basePath('https://gw.test/')).toBe('');
    expect(basePath('https://gw.test/a/b//')).toBe('/a/b');
  });
});

describe('respond', () => {
  it('turns a body builder that throws into one 500, for every host alike', () => {
    const api = createFetchBackApi(optipick);
    const broken: FetchBackApi = { ...api, handle: () => { throw new Error('builder bug'); } };
    const out = respond(broken, { method: 'GET', path: '/optimize/cluster/x', headers: KEY });
    expect(out.status).toBe(500);
    expect(JSON.parse(out.body)).toEqual({ detail: 'Error: builder bug' });
    expect(fetchHandler(broken)(new Request('http://x.test/optimize/cluster/x', { headers: KEY })).status).toBe(500);
  });
});
