import { describe, expect, it } from 'vitest';
import { dimmy, itemForId, omnisales, optipick } from '../../../fixtures/index.js';
import type { JsonObject } from '../../../fixtures/index.js';
import { createFetchBackApi } from '../../../mock-provider/rest-api/index.js';
import type { FetchBackApi, FetchBackRequest } from '../../../mock-provider/rest-api/index.js';

const KEY = { 'x-api-key': 'test-key' };

function get(api: FetchBackApi, path: string, headers: FetchBackRequest['headers'] = KEY, method = 'GET') {
  const res = api.handle({ method, path, headers });
  return { ...res, json: res.body === '' ? undefined : (JSON.parse(res.body) as JsonObject) };
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const LOCATION = /^[A-Z]-\d{2}-\d$/;

describe('fetch-back handle()', () => {
  it('lists the routes each profile declares; OmniSales has none and 404s everything', () => {
    expect(createFetchBackApi(optipick).routes).toEqual(['/optimize/cluster/:id', '/optimize/route/:id']);
    expect(createFetchBackApi(dimmy).routes).toEqual(['/items/:id']);
    const omni = createFetchBackApi(omnisales);
    expect(omni.routes).toEqual([]);
    for (const p of ['/', '/items/x', '/optimize/cluster/x', '/api/webhooks']) expect(get(omni, p).status).toBe(404);
    expect(omni.totalFetches()).toBe(0);
  });

  it('answers 401 without a non-blank X-API-KEY and does not count it', () => {
    const api = createFetchBackApi(optipick);
    for (const headers of [{}, { 'x-api-key': '' }, { 'x-api-key': '   ' }, { 'x-api-key': undefined }, { 'x-api-key': [] }]) {
      const res = get(api, '/optimize/cluster/abc', headers);
      expect(res.status).toBe(401);
      expect(res.body).toBe('{"detail":"missing X-API-KEY"}');
      expect(res.headers['content-type']).toBe('application/json');
    }
    expect(api.fetchCount('abc')).toBe(0);
    expect(api.totalFetches()).toBe(0);
  });

  it('accepts any non-empty key under any header-name case', () => {
    const api = createFetchBackApi(optipick);
    for (const headers of [{ 'X-API-KEY': 'a' }, { 'x-api-key': 'whatever' }, { 'X-Api-Key': 'k' }, { 'x-api-key': ['', 'k2'] }]) {
      expect(get(api, '/optimize/route/r1', headers).status).toBe(200);
    }
    expect(api.fetches().map((f) => f.apiKey)).toEqual(['a', 'whatever', 'k', 'k2']);
  });

  it('tolerates doubled and trailing slashes, a query, a fragment and absolute-form targets', () => {
    const api = createFetchBackApi(optipick);
    const want = get(api, '/optimize/cluster/abc').body;
    for (const p of ['//optimize/cluster/abc', '/optimize/cluster/abc/', '//optimize//cluster/abc//', '/optimize/cluster/abc?x=1&y=/z', '/optimize/cluster/abc#f', 'http://api.example.com/optimize/cluster/abc']) {
      const res = get(api, p);
      expect(res.status, p).toBe(200);
      expect(res.body, p).toBe(want);
    }
    expect(api.fetchCount('abc')).toBe(7);
  });

  it('URL-decodes the id and answers 400 to a malformed escape', () => {
    const api = createFetchBackApi(dimmy);
    expect(get(api, '/items/a%2Fb%20c').json!.id).toBe('a/b c');
    expect(api.fetchCount('a/b c')).toBe(1);
    expect(get(api, '/items/%E0%A4%A').status).toBe(400);
  });

  it('answers 404 to unknown paths (key or not) and 405 to non-GET on a known route', () => {
    const api = createFetchBackApi(optipick);
    for (const p of ['/', '/optimize/cluster', '/optimize/cluster/', '/optimize/clusters/x', '/optimize/cluster/x/y', '/items/x', '/Optimize/cluster/x']) {
      expect(get(api, p).status, p).toBe(404);
      expect(get(api, p, {}).status, p).toBe(404);
    }
    expect(get(api, '/nope').json!.detail).toBe('Not Found');
    for (const m of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const res = get(api, '/optimize/cluster/x', KEY, m);
      expect(res.status, m).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD');
      expect(res.headers['content-type']).toBe('application/json');
    }
    expect(api.totalFetches()).toBe(0);
  });

  it('answers HEAD like GET without a body and without counting it', () => {
    const api = createFetchBackApi(optipick);
    const res = get(api, '/optimize/cluster/x', KEY, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(api.fetchCount('x')).toBe(0);
  });

  it('counts authorised GETs per id across routes and records each', () => {
    let t = 1000;
    const api = createFetchBackApi(optipick, { now: () => t++ });
    get(api, '/optimize/cluster/a');
    get(api, '/optimize/cluster/a');
    get(api, '/optimize/route/a');
    get(api, '/optimize/route/b');
    get(api, '/optimize/cluster/a', {});
    expect(api.fetchCount('a')).toBe(3);
    expect(api.fetchCount('b')).toBe(1);
    expect(api.fetchCount('c')).toBe(0);
    expect(api.totalFetches()).toBe(4);
    expect(api.fetches()).toEqual([
      { route: '/optimize/cluster/:id', id: 'a', at: 1000, apiKey: 'test-key' },
      { route: '/optimize/cluster/:id', id: 'a', at: 1001, apiKey: 'test-key' },
      { route: '/optimize/route/:id', id: 'a', at: 1002, apiKey: 'test-key' },
      { route: '/optimize/route/:id', id: 'b', at: 1003, apiKey: 'test-key' },
    ]);
  });

  it('is deterministic per (seed, id) and varies with either', () => {
    const body = (seed: number, path: string) => get(createFetchBackApi(optipick, { seed }), path).body;
    for (const p of ['/optimize/cluster/id-1', '/optimize/route/id-1']) {
      expect(body(7, p)).toBe(body(7, p));
      expect(body(7, p)).not.toBe(body(8, p));
      expect(body(7, p)).not.toBe(body(7, p.replace('id-1', 'id-2')));
    }
    expect(body(1, '/optimize/cluster/x')).toBe(get(createFetchBackApi(optipick), '/optimize/cluster/x').body);
  });

  it('gives OptiPick cluster results a realistic shape', () => {
    const api = createFetchBackApi(optipick, { seed: 3 });
    for (let i = 0; i < 40; i++) {
      const id = `3f6c2a1e-8b4d-4e7f-9a0c-${String(i).padStart(12, '0')}`;
      const r = get(api, `/optimize/cluster/${id}`).json as any;
      expect(r).toMatchObject({ request_id: id, status: 'completed' });
      expect(r.warehouse).toEqual(expect.any(String));
      expect(r.user_id).toMatch(/^[0-9a-f]{24}$/);
      expect(r.created_at).toMatch(ISO);
      expect(r.completed_at >= r.created_at).toBe(true);
      expect(r.clusters.length).toBeGreaterThan(0);
      expect(r.summary).toEqual({ clusters: r.clusters.length, orders: r.clusters.reduce((s: number, c: any) => s + c.orders.length, 0) });
      for (const c of r.clusters) {
        expect(c.id).toMatch(/^cluster_\d+$/);
        expect(c.orders.length).toBeGreaterThan(0);
        expect(c.pick_list.length).toBeGreaterThanOrEqual(c.orders.length);
        for (const l of c.pick_list) {
          expect(l.location).toMatch(LOCATION);
          expect(l.sku).toMatch(/^SKU-\d{6}$/);
          expect(Number.isInteger(l.quantity) && l.quantity >= 1).toBe(true);
          expect(c.orders).toContain(l.order);
        }
        expect(c.total_quantity).toBe(c.pick_list.reduce((s: number, l: any) => s + l.quantity, 0));
      }
    }
  });

  it('gives OptiPick route results a realistic shape', () => {
    const api = createFetchBackApi(optipick, { seed: 3 });
    for (let i = 0; i < 40; i++) {
      const r = get(api, `/optimize/route/req${i}`).json as any;
      expect(r).toMatchObject({ request_id: `req${i}`, status: 'completed' });
      expect(r.created_at).toMatch(ISO);
      expect(r.routes.length).toBeGreaterThan(0);
      for (const route of r.routes) {
        expect(route.picker).toMatch(/^picker_\d{3}$/);
        expect(route.distance_m).toBeGreaterThan(0);
        expect(Number.isInteger(route.duration_s) && route.duration_s > 0).toBe(true);
        route.stops.forEach((s: any, n: number) => {
          expect(s).toEqual({ sequence: n + 1, location: expect.stringMatching(LOCATION), sku: expect.stringMatching(/^SKU-\d{6}$/), quantity: expect.any(Number) });
        });
      }
    }
  });

  it('serves Dimmy items exactly as itemForId builds them, whatever the seed', () => {
    const id = '6740a1c2e4b0f5a9d3c81e27';
    const a = get(createFetchBackApi(dimmy, { seed: 1 }), `/items/${id}`);
    const b = get(createFetchBackApi(dimmy, { seed: 99 }), `//items/${id}/?expand=all`);
    expect(a.status).toBe(200);
    expect(a.json).toEqual(itemForId(id));
    expect(b.body).toBe(a.body);
    expect(a.json).toMatchObject({ id, status: 'completed', dimensions: expect.any(Object), weight: expect.any(Object) });
  });
});
