// serve answers plain emits on node:http (serve-fast.ts) and every other request through express: the two
// must answer alike. Each body goes once through the raw path (/_hookgate/events, /api/v1/app/hookgate/msg)
// and once through the express route (the same path with a trailing slash, which express matches and the
// raw path leaves alone).
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../fixtures/index.js';
import { ManualClock } from '../../mock-provider/engine/clock.js';
import { createDispatcher } from '../../mock-provider/engine/dispatcher.js';
import { sqliteStore } from '../../mock-provider/engine/sqlite-store.js';
import { serveApp, type ServeAppOptions } from '../../mock-provider/serve-app.js';
import { serveListener } from '../../mock-provider/serve-fast.js';
import { status } from './engine/kit.js';

const { optipick } = PROVIDERS;
const servers: http.Server[] = [];
afterAll(async () => {
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function start(requireTokenEverywhere: boolean) {
  const store = sqliteStore(':memory:');
  const clock = new ManualClock(Date.UTC(2025, 0, 1));
  const dispatcher = createDispatcher({ profile: optipick, clock, store, deliver: async () => status(200) });
  await store.putApp({ id: 'app_1', uid: 'hookgate', name: 'hookgate', attrs: {}, createdAt: 0, updatedAt: 0 });
  await dispatcher.addEndpoint({ id: 'ep_1', url: 'http://127.0.0.1:9/webhook', secret: 'whsec_' + Buffer.alloc(24, 1).toString('base64'), appId: 'app_1', createdAt: 0, updatedAt: 0 });
  const o: ServeAppOptions = { profile: optipick, dispatcher, store, token: 'tok', requireTokenEverywhere, now: () => clock.now(), appId: 'app_1' };
  const s = http.createServer(serveListener(o, serveApp(o)));
  servers.push(s);
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  return { base: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, store };
}

/** Status, content type and body, with the generated message id masked. */
async function answer(res: Response) {
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), body: text.replace(/msg_[0-9A-Za-z]{27}/g, 'msg_…') };
}

describe('serve: the raw emit path answers as the express route does', () => {
  const bodies: Array<[string, string, string]> = [
    ['a good emit', '{"type":"route.optimized"}', 'application/json'],
    ['with data', '{"type":"route.optimized","data":{"request_id":"req_1","status":"completed"}}', 'application/json; charset=utf-8'],
    ['a BOM before the JSON', '\uFEFF{"type":"route.optimized"}', 'application/json'],
    ['an empty body', '', 'application/json'],
    ['cut-off JSON', '{"type":', 'application/json'],
    ['a JSON string (strict: objects and arrays only)', '"route.optimized"', 'application/json'],
    ['a bare word', 'type=route.optimized', 'application/json'],
    ['an array', '[{"type":"route.optimized"}]', 'application/json'],
    ['an unknown type', '{"type":"no.such.type"}', 'application/json'],
    ['data not an object', '{"type":"route.optimized","data":[1]}', 'application/json'],
    ['not JSON at all', 'type=route.optimized', 'text/plain'],
  ];

  it.each(bodies)('%s', async (_name, body, type) => {
    const { base, store } = await start(false);
    const post = (path: string) => fetch(base + path, { method: 'POST', headers: { 'content-type': type }, body });
    const rawRes = await post('/_hookgate/events');
    const expressRes = await post('/_hookgate/events/');
    // Which path answered: express adds an ETag, the raw path does not (text/plain is express's either way).
    if (type !== 'text/plain') expect(rawRes.headers.get('etag')).toBeNull();
    expect(expressRes.headers.get('etag')).not.toBeNull();
    const raw = await answer(rawRes);
    const viaExpress = await answer(expressRes);
    expect(raw).toEqual(viaExpress);
    expect(raw.type).toMatch(/^application\/json/);
    store.close();
  });

  it('off loopback both want the token (checked after the body parses, as express does)', async () => {
    const { base, store } = await start(true);
    for (const [auth, body] of [
      [undefined, '{"type":"route.optimized"}'],
      ['Bearer nope', '{"type":"route.optimized"}'],
      ['Bearer tok', '{"type":"route.optimized"}'],
      [undefined, '{"type":'],
    ] as const) {
      const post = (path: string) => fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body });
      const raw = await answer(await post('/_hookgate/events'));
      expect(raw).toEqual(await answer(await post('/_hookgate/events/')));
      expect(raw.status).toBe(auth === 'Bearer tok' ? 202 : body === '{"type":' ? 400 : 401);
    }
    store.close();
  });

  it('a stored emit is a message with its delivery, whichever path took it', async () => {
    const { base, store } = await start(false);
    const r = await fetch(`${base}/_hookgate/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"route.optimized"}' });
    const { id, endpoints } = (await r.json()) as { id: string; endpoints: string[] };
    expect(endpoints).toEqual(['ep_1']);
    expect((await store.getMessage(id))?.type).toBe('route.optimized');
    expect(await store.listDeliveries({ msgId: id })).toHaveLength(1);
    store.close();
  });
});

describe('serve: the raw Svix message route answers as the express route does', () => {
  const good = '{"eventType":"route.optimized","payload":{"request_id":"req_1","status":"completed"}}';
  const cases: Array<[string, string, string | undefined, string]> = [
    ['a good message', good, 'Bearer tok', 'hookgate'],
    ['by application id', good, 'Bearer tok', 'app_1'],
    ['no token', good, undefined, 'hookgate'],
    ['a wrong token', good, 'Bearer nope', 'hookgate'],
    ['an unknown application', good, 'Bearer tok', 'app_nope'],
    ['cut-off JSON', '{"eventType":', 'Bearer tok', 'hookgate'],
    ['a JSON number', '42', 'Bearer tok', 'hookgate'],
    ['no eventType', '{"payload":{}}', 'Bearer tok', 'hookgate'],
    ['a bad eventType', '{"eventType":"a b","payload":{}}', 'Bearer tok', 'hookgate'],
    ['payload not an object', '{"eventType":"route.optimized","payload":[]}', 'Bearer tok', 'hookgate'],
    ['too many channels', '{"eventType":"route.optimized","payload":{},"channels":["a","b","c","d","e","f"]}', 'Bearer tok', 'hookgate'],
  ];

  it.each(cases)('%s', async (_name, body, auth, app) => {
    const { base, store } = await start(false);
    const post = (path: string) => fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body });
    const rawRes = await post(`/api/v1/app/${app}/msg`);
    const expressRes = await post(`/api/v1/app/${app}/msg/`);
    if (auth === 'Bearer tok') expect(rawRes.headers.get('etag')).toBeNull();
    const raw = await answer(rawRes);
    expect(raw).toEqual(await answer(expressRes));
    expect(raw.type).toMatch(/^application\/json/);
    store.close();
  });

  it('an idempotency-key answered on one path is replayed on the other (one cache)', async () => {
    const { base, store } = await start(false);
    const url = `${base}/api/v1/app/hookgate/msg`;
    const headers = { authorization: 'Bearer tok', 'idempotency-key': 'key-1' };
    const first = (await (await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: good })).json()) as { id: string };
    const again = (await (await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: good })).json()) as { id: string };
    // application/*+json is express's to parse: the same URL and key through the express route.
    const viaExpress = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/vnd.svix+json' }, body: good });
    expect(viaExpress.headers.get('etag')).not.toBeNull();
    expect(again.id).toBe(first.id);
    expect(((await viaExpress.json()) as { id: string }).id).toBe(first.id);
    expect((await store.listMessages({ appId: 'app_1', limit: 10, order: 'descending' })).data).toHaveLength(1);
    store.close();
  });
});

describe('serve on loopback: the open emit route answers only under a loopback name (DNS rebinding)', () => {
  /** node:http lets the test set Host, which fetch forbids: a rebound page's requests carry its own name. */
  function post(base: string, path: string, host: string, authorization?: string) {
    return new Promise<number>((resolve, reject) => {
      const req = http.request(`${base}${path}`, { method: 'POST', headers: { host, 'content-type': 'application/json', ...(authorization ? { authorization } : {}) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{"type":"route.optimized"}');
    });
  }

  it('a rebound name is refused on both paths, loopback names and the token are accepted', async () => {
    const { base } = await start(false);
    const port = new URL(base).port;
    for (const path of ['/_hookgate/events', '/_hookgate/events/']) {
      expect(await post(base, path, `evil.example:${port}`), path).toBe(403);
      expect(await post(base, path, `evil.example:${port}`, 'Bearer tok'), path).toBe(202);
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) expect(await post(base, path, host), `${path} ${host}`).toBe(202);
    }
  });
});
