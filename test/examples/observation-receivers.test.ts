// Smoke tests of the example receivers for the dedup.* and timeout.* checks and
// for the three ways hookgate observes processing (effects URL, fetch-back to
// the provider API, OmniSales duplicate flag). Each receiver shows its flaw (or
// its observability) with hand-built requests (./kit.ts, node:crypto), and is
// otherwise correct. The provider API of fetch-back is a tiny counting
// node:http server defined here, on purpose independent of hookgate's own.
// Loopback only, port 0 everywhere.
import { createServer, request, type IncomingHttpHeaders, type RequestListener } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type Running } from '../helpers/receivers.js';
import {
  ROOT,
  compact,
  effects,
  evtId,
  msgId,
  newOmniSecret,
  newSvixSecret,
  nowSec,
  omniEnvelope,
  omniSignature,
  optipickPayload,
  postOmni,
  postSvix,
  send,
  spawnReceiver,
  svixRequest,
  type Child,
  type Reply,
} from './kit.js';

const quiet = () => {};
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- helpers

type Options = Record<string, unknown>;

/** Imports an example receiver and serves `createApp(opts)` on 127.0.0.1:0. */
async function startWith(file: string, opts: Options, path: string): Promise<Running> {
  const href = pathToFileURL(resolve(ROOT, 'examples/receivers', file)).href;
  const mod = (await import(/* @vite-ignore */ href)) as { createApp(o: Options): RequestListener };
  return listen(mod.createApp(opts), path);
}

/** One describe block's receiver, started before and closed after its tests. */
function inProcess(file: string, opts: () => Options, path: string) {
  const ctx = { r: undefined as unknown as Running };
  beforeAll(async () => {
    ctx.r = await startWith(file, opts(), path);
  });
  afterAll(async () => {
    await ctx.r?.close();
  });
  return ctx;
}

interface Hit {
  method: string;
  url: string;
  apiKey: string | undefined;
}

interface Api {
  origin: string;
  hits: Hit[];
  /** Paths fetched, in order. */
  paths(): string[];
  close(): Promise<void>;
}

/** A counting stand-in for the provider REST API: records every request, answers 200 JSON after `delayMs`. */
async function startApi(delayMs = 0): Promise<Api> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const key = req.headers['x-api-key'];
    hits.push({ method: req.method ?? '', url: req.url ?? '', apiKey: Array.isArray(key) ? key[0] : key });
    const id = (req.url ?? '').split('/').pop();
    setTimeout(() => {
      if (res.destroyed) return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id, status: 'completed' }));
    }, delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    hits,
    paths: () => hits.map((h) => h.url),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Polls until `cond()` holds (or `ms` pass), then lets things settle for `settleMs` more. */
async function settle(cond: () => boolean, ms = 3_000, settleMs = 250): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await sleep(20);
  await sleep(settleMs);
}

/** Like kit's send, with a timeout of our own: `error: 'ETIMEDOUT'` when no answer came in `timeoutMs`. */
function sendWithin(url: string, headers: Record<string, string>, body: Buffer | undefined, timeoutMs: number): Promise<Reply> {
  return new Promise((done) => {
    const h: Record<string, string | number> = { ...headers };
    if (body) h['content-length'] = body.length;
    const req = request(url, { method: body ? 'POST' : 'GET', headers: h, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        done({ status: res.statusCode, headers: res.headers as IncomingHttpHeaders, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({ body: '', error: 'ETIMEDOUT' });
    }, timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      done({ body: '', error: e.code ?? e.message });
    });
    req.end(body);
  });
}

/** Sends a request and gives up on it (destroys the socket) after `afterMs`, as a provider does at its timeout. */
function abandon(url: string, headers: Record<string, string>, body: Buffer, afterMs: number): Promise<'answered' | 'abandoned'> {
  return sendWithin(url, headers, body, afterMs).then((r) => (r.error === 'ETIMEDOUT' ? 'abandoned' : 'answered'));
}

async function timed<T>(p: Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await p;
  return [v, performance.now() - t0];
}

const count = (list: string[], x: string) => list.filter((e) => e === x).length;
const hex24 = () => randomBytes(12).toString('hex');

function dimmyItemsScanned(ids = [hex24(), hex24()]): Record<string, unknown> {
  return { item_ids: ids, flow_id: 'default', device_id: 'dev_3b9f2c7a1d4e', uploaded_at: '2025-01-16T10:30:05Z' };
}

/** An OmniSales delivery with an X-Webhook-ID of our choice (kit's postOmni uses a fixed one). */
function postOmniAs(url: string, secret: string, body: string, webhookId: string): Promise<Reply> {
  const bytes = Buffer.from(body, 'utf8');
  return send(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-webhook-signature': omniSignature(secret, bytes),
      'x-webhook-timestamp': String(nowSec()),
      'x-webhook-id': webhookId,
      'user-agent': 'OmniSales-Webhook/1.0',
    },
    body: bytes,
  });
}

const json = (r: Reply) => JSON.parse(r.body) as Record<string, unknown>;

// =====================================================================================
describe('svix-fetchback-correct.mjs — async fetch-back, once per message → dedup.* pass under fetch-back', () => {
  const secret = newSvixSecret();
  let api: Api;
  const ctx = { r: undefined as unknown as Running };
  beforeAll(async () => {
    api = await startApi(400); // a slow API: the webhook answer must not wait for it
    ctx.r = await startWith('svix-fetchback-correct.mjs', { secret, apiUrl: api.origin + '/', apiKey: 'test-key' }, '/webhook');
  });
  afterAll(async () => {
    await ctx.r?.close();
    await api?.close();
  });

  it('answers 200 before fetching, then fetches GET /optimize/cluster/{request_id} once with X-API-KEY', async () => {
    const p = optipickPayload();
    const [r, ms] = await timed(postSvix(ctx.r.url, secret, compact(p)));
    expect(r.status).toBe(200);
    expect(ms).toBeLessThan(400);
    await settle(() => api.hits.length >= 1);
    expect(api.hits).toEqual([{ method: 'GET', url: `/optimize/cluster/${p.request_id}`, apiKey: 'test-key' }]);
  });
  it('fetches once per message when it is delivered twice (a re-signed redelivery)', async () => {
    const id = msgId();
    const p = optipickPayload();
    const path = `/optimize/cluster/${p.request_id}`;
    expect((await postSvix(ctx.r.url, secret, compact(p), { id })).status).toBe(200);
    const again = await postSvix(ctx.r.url, secret, compact(p), { id, ts: nowSec() + 1 });
    expect(again.status).toBe(200);
    expect(json(again).duplicate).toBe(true);
    await settle(() => count(api.paths(), path) >= 1, 3_000, 600);
    expect(count(api.paths(), path)).toBe(1);
  });
  it('fetches once for concurrent copies, and once each for distinct messages with identical data', async () => {
    const id = msgId();
    const p = optipickPayload();
    const path = `/optimize/cluster/${p.request_id}`;
    const copies = await Promise.all([1, 2, 3, 4].map(() => postSvix(ctx.r.url, secret, compact(p), { id })));
    expect(copies.map((c) => c.status)).toEqual([200, 200, 200, 200]);
    await settle(() => count(api.paths(), path) >= 1, 3_000, 600);
    expect(count(api.paths(), path)).toBe(1);

    const q = optipickPayload();
    const qPath = `/optimize/cluster/${q.request_id}`;
    expect((await postSvix(ctx.r.url, secret, compact(q))).status).toBe(200);
    expect((await postSvix(ctx.r.url, secret, compact(q))).status).toBe(200); // another svix-id, same bytes
    await settle(() => count(api.paths(), qPath) >= 2, 3_000, 600);
    expect(count(api.paths(), qPath)).toBe(2);
  });
  it('route events fetch /optimize/route/{id}; Dimmy items.scanned fetches /items/{id} per id; full payloads fetch nothing', async () => {
    const route: Record<string, unknown> = { ...optipickPayload(), type: 'route' };
    const items = dimmyItemsScanned();
    const before = api.hits.length;
    expect((await postSvix(ctx.r.url, secret, compact(route))).status).toBe(200);
    expect((await postSvix(ctx.r.url, secret, compact(items))).status).toBe(200);
    expect((await postSvix(ctx.r.url, secret, compact({ id: hex24(), barcode: '5410013108009', flows: [] }))).status).toBe(200);
    await settle(() => api.hits.length >= before + 3);
    const ids = items.item_ids as string[];
    expect(api.paths().slice(before).sort()).toEqual([`/items/${ids[0]}`, `/items/${ids[1]}`, `/optimize/route/${route.request_id}`].sort());
    expect(api.paths().every((u) => !u.startsWith('//'))).toBe(true);
  });
  it('refuses a forgery with 400 and fetches nothing for it; /_effects lists each processed svix-id once', async () => {
    const p = optipickPayload();
    const id = msgId();
    expect((await postSvix(ctx.r.url, secret, compact(p), { id, signWith: newSvixSecret() })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, compact(p), { id, ts: nowSec() - 600 })).status).toBe(400);
    await sleep(600);
    expect(api.paths()).not.toContain(`/optimize/cluster/${p.request_id}`);
    expect(await effects(ctx.r.origin)).not.toContain(id);
    expect((await postSvix(ctx.r.url, secret, compact(p), { id })).status).toBe(200);
    expect(count(await effects(ctx.r.origin), id)).toBe(1);
    await settle(() => api.paths().includes(`/optimize/cluster/${p.request_id}`), 3_000, 600); // let the async fetch finish before the API closes
  });
});

// =====================================================================================
describe('svix-fetchback-public-example.mjs — sync fetch, no dedup, //optimize/ → fails dedup.redelivery under fetch-back', () => {
  const secret = newSvixSecret();
  let api: Api;
  const ctx = { r: undefined as unknown as Running };
  beforeAll(async () => {
    api = await startApi(300);
    ctx.r = await startWith('svix-fetchback-public-example.mjs', { secret, apiUrl: api.origin, apiKey: 'test-key', log: quiet }, '/webhook');
  });
  afterAll(async () => {
    await ctx.r?.close();
    await api?.close();
  });

  it('fetches GET {api}//optimize/cluster/{request_id} (doubled slash) with X-API-KEY, BEFORE answering', async () => {
    const p = optipickPayload();
    const [r, ms] = await timed(postSvix(ctx.r.url, secret, compact(p)));
    expect(r.status).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(290); // waited for the 300 ms API
    expect(api.hits).toEqual([{ method: 'GET', url: `//optimize/cluster/${p.request_id}`, apiKey: 'test-key' }]);
  });
  it('FLAW: a redelivery of the same message fetches again (two fetches for one message), with no duplicate flag', async () => {
    const id = msgId();
    const p = optipickPayload();
    const path = `//optimize/cluster/${p.request_id}`;
    expect((await postSvix(ctx.r.url, secret, compact(p), { id })).status).toBe(200);
    const again = await postSvix(ctx.r.url, secret, compact(p), { id, ts: nowSec() + 1 });
    expect(again.status).toBe(200);
    expect(json(again).duplicate).toBeUndefined();
    expect(count(api.paths(), path)).toBe(2);
  });
  it('FLAW: concurrent copies fetch once each', async () => {
    const id = msgId();
    const p = optipickPayload();
    await Promise.all([1, 2, 3].map(() => postSvix(ctx.r.url, secret, compact(p), { id })));
    expect(count(api.paths(), `//optimize/cluster/${p.request_id}`)).toBe(3);
  });
  it('route events go to //optimize/route/; Dimmy items.scanned to /items/{id}', async () => {
    const route: Record<string, unknown> = { ...optipickPayload(), type: 'route' };
    const items = dimmyItemsScanned();
    expect((await postSvix(ctx.r.url, secret, compact(route))).status).toBe(200);
    expect((await postSvix(ctx.r.url, secret, compact(items))).status).toBe(200);
    const ids = items.item_ids as string[];
    expect(api.paths().slice(-3)).toEqual([`//optimize/route/${route.request_id}`, `/items/${ids[0]}`, `/items/${ids[1]}`]);
  });
  it('otherwise correct: refuses forgeries with 400 without fetching; no /_effects', async () => {
    const before = api.hits.length;
    const body = compact(optipickPayload());
    expect((await postSvix(ctx.r.url, secret, body, { signWith: newSvixSecret() })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, body, { ts: nowSec() + 600 })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, body, { omit: ['svix-signature'] })).status).toBe(400);
    expect(api.hits.length).toBe(before);
    expect((await send(`${ctx.r.origin}/_effects`)).status).toBe(404);
  });
  it('answers 500 when the API cannot be reached (as the Flask example would)', async () => {
    const deadApi = await startApi();
    const origin = deadApi.origin;
    await deadApi.close();
    const rx = await startWith('svix-fetchback-public-example.mjs', { secret, apiUrl: origin, log: quiet }, '/webhook');
    try {
      expect((await postSvix(rx.url, secret, compact(optipickPayload()))).status).toBe(500);
    } finally {
      await rx.close();
    }
  });
});

// =====================================================================================
describe('svix-no-dedup.mjs — processes every delivery → fails dedup.redelivery (effects)', () => {
  const secret = newSvixSecret();
  const ctx = inProcess('svix-no-dedup.mjs', () => ({ secret }), '/webhook');

  it('FLAW: a redelivery is processed again (twice in /_effects), never flagged', async () => {
    const id = msgId();
    const body = compact(optipickPayload());
    expect((await postSvix(ctx.r.url, secret, body, { id })).status).toBe(200);
    const again = await postSvix(ctx.r.url, secret, body, { id, ts: nowSec() + 1 });
    expect(again.status).toBe(200);
    expect(json(again).duplicate).toBeUndefined();
    expect(count(await effects(ctx.r.origin), id)).toBe(2);
  });
  it('FLAW: concurrent copies are each processed', async () => {
    const id = msgId();
    const body = compact(optipickPayload());
    await Promise.all([1, 2, 3].map(() => postSvix(ctx.r.url, secret, body, { id })));
    expect(count(await effects(ctx.r.origin), id)).toBe(3);
  });
  it('otherwise correct: refuses forgeries with 400 and does not process them', async () => {
    const id = msgId();
    const body = compact(optipickPayload());
    expect((await postSvix(ctx.r.url, secret, body, { id, signWith: newSvixSecret() })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, body, { id, ts: nowSec() - 600 })).status).toBe(400);
    expect(await effects(ctx.r.origin)).not.toContain(id);
  });
});

// =====================================================================================
describe('svix-dedup-racy.mjs — check, await, then add → passes dedup.redelivery, warns dedup.concurrent', () => {
  const secret = newSvixSecret();
  const ctx = inProcess('svix-dedup-racy.mjs', () => ({ secret }), '/webhook');

  it('a sequential redelivery is recognised: processed once, flagged', async () => {
    const id = msgId();
    const body = compact(optipickPayload());
    expect((await postSvix(ctx.r.url, secret, body, { id })).status).toBe(200);
    const again = await postSvix(ctx.r.url, secret, body, { id, ts: nowSec() + 1 });
    expect(again.status).toBe(200);
    expect(json(again).duplicate).toBe(true);
    expect(count(await effects(ctx.r.origin), id)).toBe(1);
  });
  it('FLAW: copies arriving together all pass the check and are all processed', async () => {
    const id = msgId();
    const body = compact(optipickPayload());
    const copies = await Promise.all([1, 2, 3, 4].map(() => postSvix(ctx.r.url, secret, body, { id })));
    expect(copies.map((c) => c.status)).toEqual([200, 200, 200, 200]);
    expect(count(await effects(ctx.r.origin), id)).toBeGreaterThan(1);
  });
  it('otherwise correct: refuses forgeries with 400; distinct messages are each processed', async () => {
    expect((await postSvix(ctx.r.url, secret, compact(optipickPayload()), { signWith: newSvixSecret() })).status).toBe(400);
    const a = msgId();
    const b = msgId();
    const body = compact(optipickPayload());
    expect((await postSvix(ctx.r.url, secret, body, { id: a })).status).toBe(200);
    expect((await postSvix(ctx.r.url, secret, body, { id: b })).status).toBe(200);
    const fx = await effects(ctx.r.origin);
    expect([count(fx, a), count(fx, b)]).toEqual([1, 1]);
  });
});

// =====================================================================================
describe('svix-dedup-on-body-hash.mjs — dedup key = hash of the body → warns dedup.distinct-events (SHOULD part)', () => {
  const secret = newSvixSecret();
  const ctx = inProcess('svix-dedup-on-body-hash.mjs', () => ({ secret }), '/webhook');

  it('FLAW: a distinct message (new svix-id) with byte-identical data is answered as a duplicate and not processed', async () => {
    const a = msgId();
    const b = msgId();
    const body = compact(optipickPayload());
    expect((await postSvix(ctx.r.url, secret, body, { id: a })).status).toBe(200);
    const second = await postSvix(ctx.r.url, secret, body, { id: b });
    expect(second.status).toBe(200);
    expect(json(second).duplicate).toBe(true);
    const fx = await effects(ctx.r.origin);
    expect([count(fx, a), count(fx, b)]).toEqual([1, 0]);
  });
  it('distinct events with distinct entity ids (distinct bodies) are each processed — the MUST part passes', async () => {
    const ids = [msgId(), msgId(), msgId()];
    for (const id of ids) expect((await postSvix(ctx.r.url, secret, compact(optipickPayload()), { id })).status).toBe(200);
    const fx = await effects(ctx.r.origin);
    expect(ids.map((id) => count(fx, id))).toEqual([1, 1, 1]);
  });
  it('redeliveries and concurrent copies (same bytes) are processed once', async () => {
    const id = msgId();
    const body = compact(optipickPayload());
    expect((await postSvix(ctx.r.url, secret, body, { id })).status).toBe(200);
    expect((await postSvix(ctx.r.url, secret, body, { id, ts: nowSec() + 1 })).status).toBe(200);
    const id2 = msgId();
    const body2 = compact(optipickPayload());
    await Promise.all([1, 2, 3].map(() => postSvix(ctx.r.url, secret, body2, { id: id2 })));
    const fx = await effects(ctx.r.origin);
    expect([count(fx, id), count(fx, id2)]).toEqual([1, 1]);
  });
  it('otherwise correct: a forged copy is refused with 400', async () => {
    expect((await postSvix(ctx.r.url, secret, compact(optipickPayload()), { signWith: newSvixSecret() })).status).toBe(400);
  });
});

// =====================================================================================
describe('omnisales-dedup-on-webhook-id.mjs — dedup key = X-Webhook-ID → fails dedup.distinct-events (MUST)', () => {
  const secret = newOmniSecret();
  const ctx = inProcess('omnisales-dedup-on-webhook-id.mjs', () => ({ secret }), '/webhooks/omni');

  it('FLAW: after the first event, distinct events sharing the X-Webhook-ID are flagged duplicate and not processed', async () => {
    const a = evtId();
    const b = evtId();
    const c = evtId();
    expect(json(await postOmni(ctx.r.url, secret, compact(omniEnvelope('order.created', a))))).toEqual({ received: true });
    const rb = await postOmni(ctx.r.url, secret, compact(omniEnvelope('payment.received', b)));
    const rc = await postOmni(ctx.r.url, secret, compact(omniEnvelope('order.shipped', c)));
    expect([rb.status, rc.status]).toEqual([200, 200]);
    expect([json(rb), json(rc)]).toEqual([
      { received: true, duplicate: true },
      { received: true, duplicate: true },
    ]);
    expect(await effects(ctx.r.origin)).toEqual([a]);
  });
  it('an event under another X-Webhook-ID is processed (the key really is the header)', async () => {
    const d = evtId();
    expect(json(await postOmniAs(ctx.r.url, secret, compact(omniEnvelope('order.created', d)), '7c9e6679-7425-40de-944b-e07fc1f90ae7'))).toEqual({ received: true });
    expect(await effects(ctx.r.origin)).toContain(d);
  });
  it('otherwise correct: stale, tampered and unsigned events are refused with 401', async () => {
    const body = compact(omniEnvelope());
    expect((await postOmniAs(ctx.r.url, secret, body, 'fresh-webhook-id')).status).toBe(200);
    expect((await postOmni(ctx.r.url, secret, body, { ts: nowSec() - 600 })).status).toBe(401);
    expect((await postOmni(ctx.r.url, secret, body, { signedBody: Buffer.from('{}') })).status).toBe(401);
    expect((await postOmni(ctx.r.url, secret, body, { omit: ['x-webhook-signature'] })).status).toBe(401);
  });
});

// =====================================================================================
describe('omnisales-flag-only.mjs — dedup on envelope id, duplicate flag, no /_effects → dedup.redelivery passes via the flag', () => {
  const secret = newOmniSecret();
  const ctx = inProcess('omnisales-flag-only.mjs', () => ({ secret }), '/webhooks/omni');

  it('a redelivery (re-signed, new timestamp) gets 200 {"received":true,"duplicate":true}', async () => {
    const body = compact(omniEnvelope());
    expect(json(await postOmni(ctx.r.url, secret, body))).toEqual({ received: true });
    const again = await postOmni(ctx.r.url, secret, body, { ts: nowSec() + 1 });
    expect(again.status).toBe(200);
    expect(json(again)).toEqual({ received: true, duplicate: true });
  });
  it('distinct events sharing the X-Webhook-ID are never flagged; concurrent copies: one unflagged, the rest flagged', async () => {
    for (let i = 0; i < 3; i++) expect(json(await postOmni(ctx.r.url, secret, compact(omniEnvelope())))).toEqual({ received: true });
    const body = compact(omniEnvelope());
    const copies = await Promise.all([1, 2, 3].map(() => postOmni(ctx.r.url, secret, body)));
    expect(copies.map((c) => json(c).duplicate === true).sort()).toEqual([false, true, true]);
  });
  it('has no effects URL (404); refuses forgeries with 401', async () => {
    expect((await send(`${ctx.r.origin}/_effects`)).status).toBe(404);
    expect((await postOmni(ctx.r.url, secret, compact(omniEnvelope()), { signWith: newOmniSecret() })).status).toBe(401);
  });
});

// =====================================================================================
describe('omnisales-no-dedup-no-effects.mjs — nothing observable → dedup.* skip', () => {
  const secret = newOmniSecret();
  const ctx = inProcess('omnisales-no-dedup-no-effects.mjs', () => ({ secret }), '/webhooks/omni');

  it('never flags: a redelivery and concurrent copies all get 200 {"received":true}', async () => {
    const body = compact(omniEnvelope());
    const replies = [await postOmni(ctx.r.url, secret, body), await postOmni(ctx.r.url, secret, body, { ts: nowSec() + 1 })];
    replies.push(...(await Promise.all([1, 2].map(() => postOmni(ctx.r.url, secret, body)))));
    for (const r of replies) expect(json(r)).toEqual({ received: true });
  });
  it('has no effects URL (404); refuses forgeries and stale timestamps with 401', async () => {
    expect((await send(`${ctx.r.origin}/_effects`)).status).toBe(404);
    const body = compact(omniEnvelope());
    expect((await postOmni(ctx.r.url, secret, body, { signWith: newOmniSecret() })).status).toBe(401);
    expect((await postOmni(ctx.r.url, secret, body, { ts: nowSec() + 600 })).status).toBe(401);
  });
});

// =====================================================================================
describe('svix-silent.mjs — correct dedup, but no /_effects and no fetch-back → dedup.* skip', () => {
  const secret = newSvixSecret();
  let api: Api;
  const ctx = { r: undefined as unknown as Running };
  beforeAll(async () => {
    api = await startApi();
    ctx.r = await startWith('svix-silent.mjs', { secret, apiUrl: api.origin, apiKey: 'test-key' }, '/webhook');
  });
  afterAll(async () => {
    await ctx.r?.close();
    await api?.close();
  });

  it('processes and dedups (a redelivery is flagged), yet calls no API and has no /_effects', async () => {
    const id = msgId();
    const body = compact(optipickPayload());
    expect(json(await postSvix(ctx.r.url, secret, body, { id }))).toEqual({ received: true });
    expect(json(await postSvix(ctx.r.url, secret, body, { id, ts: nowSec() + 1 }))).toEqual({ received: true, duplicate: true });
    expect((await postSvix(ctx.r.url, secret, compact(dimmyItemsScanned()))).status).toBe(200);
    await sleep(300);
    expect(api.hits).toEqual([]);
    expect((await send(`${ctx.r.origin}/_effects`)).status).toBe(404);
  });
  it('refuses forgeries with 400', async () => {
    expect((await postSvix(ctx.r.url, secret, compact(optipickPayload()), { signWith: newSvixSecret() })).status).toBe(400);
  });
});

// =====================================================================================
describe('svix-slow.mjs — waits delayMs before answering → fails timeout.latency-budget at 21 s', () => {
  const secret = newSvixSecret();
  const ctx = inProcess('svix-slow.mjs', () => ({ secret, delayMs: 300 }), '/webhook');

  it('FLAW: a valid delivery is answered 200 only after delayMs (300 ms here)', async () => {
    const id = msgId();
    const [r, ms] = await timed(postSvix(ctx.r.url, secret, compact(optipickPayload()), { id }));
    expect(r.status).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(295);
    expect(await effects(ctx.r.origin)).toContain(id);
  });
  it('a redelivery is delayed too, and flagged', async () => {
    const id = msgId();
    const body = compact(optipickPayload());
    await postSvix(ctx.r.url, secret, body, { id });
    const [r, ms] = await timed(postSvix(ctx.r.url, secret, body, { id, ts: nowSec() + 1 }));
    expect(json(r)).toEqual({ received: true, duplicate: true });
    expect(ms).toBeGreaterThanOrEqual(295);
    expect(count(await effects(ctx.r.origin), id)).toBe(1);
  });
  it('refusals are immediate (400, well under delayMs)', async () => {
    const [r, ms] = await timed(postSvix(ctx.r.url, secret, compact(optipickPayload()), { signWith: newSvixSecret() }));
    expect(r.status).toBe(400);
    expect(ms).toBeLessThan(250);
  });
  it('the default delay is 21 s (SLOW_MS unset): a sender with a short timeout gets no answer', async () => {
    const prev = process.env.SLOW_MS;
    delete process.env.SLOW_MS;
    const rx = await startWith('svix-slow.mjs', { secret }, '/webhook');
    try {
      const { headers, body } = svixRequest(secret, compact(optipickPayload()));
      expect((await sendWithin(rx.url, headers, body, 1_000)).error).toBe('ETIMEDOUT');
    } finally {
      if (prev !== undefined) process.env.SLOW_MS = prev;
      await rx.close();
    }
  });
});

// =====================================================================================
describe('svix-dies-on-abort.mjs — wedges after an abandoned request → timeout.abandoned-request', () => {
  const secret = newSvixSecret();
  const ctx = inProcess('svix-dies-on-abort.mjs', () => ({ secret }), '/webhook');

  it('serves normally while every sender waits for its answer (200 after ~200 ms of work, 400 to forgeries, dedup)', async () => {
    const id = msgId();
    const body = compact(optipickPayload());
    const [r, ms] = await timed(postSvix(ctx.r.url, secret, body, { id }));
    expect(r.status).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(195);
    expect(json(await postSvix(ctx.r.url, secret, body, { id, ts: nowSec() + 1 }))).toEqual({ received: true, duplicate: true });
    expect((await postSvix(ctx.r.url, secret, body, { signWith: newSvixSecret() })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, body, { ts: nowSec() - 600 })).status).toBe(400);
    const copies = await Promise.all([1, 2, 3].map(() => postSvix(ctx.r.url, secret, compact(optipickPayload()))));
    expect(copies.map((c) => c.status)).toEqual([200, 200, 200]);
    expect(count(await effects(ctx.r.origin), id)).toBe(1);
  });
  it('FLAW: after a sender gives up 50 ms into a request, no request is answered any more (connections dropped)', async () => {
    const { headers, body } = svixRequest(secret, compact(optipickPayload()));
    expect(await abandon(ctx.r.url, headers, body, 50)).toBe('abandoned');
    await sleep(300); // past the abandoned request's work
    const next = svixRequest(secret, compact(optipickPayload()));
    const [r, ms] = await timed(sendWithin(ctx.r.url, next.headers, next.body, 2_000));
    expect(r.status).toBeUndefined();
    expect(r.error).toMatch(/ECONNRESET|socket hang up/);
    expect(ms).toBeLessThan(1_000); // dropped at once, not left hanging
    expect((await sendWithin(`${ctx.r.origin}/_effects`, {}, undefined, 2_000)).error).toMatch(/ECONNRESET|socket hang up/);
  });
  it('FLAW, second way in: a body cut off half way breaks it too (fresh instance)', async () => {
    const rx = await startWith('svix-dies-on-abort.mjs', { secret }, '/webhook');
    try {
      const { headers, body } = svixRequest(secret, compact(optipickPayload()));
      const url = new URL(rx.url);
      await new Promise<void>((done) => {
        const sock = connect(Number(url.port), url.hostname, () => {
          const head = [`POST ${url.pathname} HTTP/1.1`, `host: ${url.host}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), `content-length: ${body.length}`, '', ''].join('\r\n');
          sock.write(Buffer.concat([Buffer.from(head, 'latin1'), body.subarray(0, body.length >> 1)]), () => setTimeout(() => (sock.destroy(), done()), 50));
        });
        sock.on('error', () => done());
      });
      await sleep(50);
      expect((await postSvix(rx.url, secret, compact(optipickPayload()))).error).toMatch(/ECONNRESET|socket hang up/);
    } finally {
      await rx.close();
    }
  });
});

// =====================================================================================
describe('all of them run directly: PORT=0, HOOKGATE_SECRET, HOOKGATE_API_URL / HOOKGATE_API_KEY, SLOW_MS', () => {
  const SVIX = [
    'svix-fetchback-correct.mjs',
    'svix-fetchback-public-example.mjs',
    'svix-no-dedup.mjs',
    'svix-dedup-racy.mjs',
    'svix-dedup-on-body-hash.mjs',
    'svix-silent.mjs',
    'svix-slow.mjs',
    'svix-dies-on-abort.mjs',
  ];
  const OMNI = ['omnisales-dedup-on-webhook-id.mjs', 'omnisales-flag-only.mjs', 'omnisales-no-dedup-no-effects.mjs'];
  let api: Api;
  const children: Child[] = [];
  const svixSecret = newSvixSecret();
  const omniSecret = newOmniSecret();

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await Promise.all(children.map((c) => c.stop()));
    await api?.close();
  });

  it('each starts, prints its URL and accepts one valid delivery; the fetch-back ones call the API from the environment', async () => {
    const env = (secret: string) => ({ HOOKGATE_SECRET: secret, HOOKGATE_API_URL: api.origin, HOOKGATE_API_KEY: 'env-key', SLOW_MS: '100' });
    const started = await Promise.all([
      ...SVIX.map(async (f) => [f, await spawnReceiver(process.execPath, [`examples/receivers/${f}`], env(svixSecret))] as const),
      ...OMNI.map(async (f) => [f, await spawnReceiver(process.execPath, [`examples/receivers/${f}`], env(omniSecret))] as const),
    ]);
    children.push(...started.map(([, c]) => c));
    const requestIds: Record<string, string> = {};
    for (const [f, c] of started) {
      if (f.startsWith('omnisales-')) {
        expect((await postOmni(`${c.origin}/webhooks/omni`, omniSecret, compact(omniEnvelope()))).status, f).toBe(200);
      } else {
        const p = optipickPayload();
        requestIds[f] = p.request_id as string;
        expect((await postSvix(`${c.origin}/webhook`, svixSecret, compact(p))).status, f).toBe(200);
      }
    }
    await settle(() => api.hits.length >= 2);
    expect(api.hits.map((h) => [h.url, h.apiKey]).sort()).toEqual(
      [
        [`/optimize/cluster/${requestIds['svix-fetchback-correct.mjs']}`, 'env-key'],
        [`//optimize/cluster/${requestIds['svix-fetchback-public-example.mjs']}`, 'env-key'],
      ].sort(),
    );
  });
});
