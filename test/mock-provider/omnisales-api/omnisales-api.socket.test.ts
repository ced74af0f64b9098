// The OmniSales management API on a real `serve` (in-process, 127.0.0.1:0, SQLite store, 1000× clock)
// delivering to a real local receiver: every route, its envelope and refusals, per-webhook event
// filtering, the guide's headers and signature, retries into the dead-letter queue, replay, and who may call.
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, waitFor, type KitServe } from '../serve-kit.js';

interface Hit {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_S = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/** `/ok`: 200; `/down`: 500 with a body; `/slow`: never answers within the test. */
function receiver() {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      hits.push({ path, headers: req.headers, body: Buffer.concat(chunks) });
      if (path === '/down') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('boom <b>down</b>');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  });
  return { server, hits };
}

/** The guide's own Node.js verification, on the raw body (what a correct receiver does). */
function guideVerify(payload: Buffer, signature: string, secret: string, timestamp: number): boolean {
  const currentTime = Math.floor(Date.now() / 1000);
  if (Math.abs(currentTime - timestamp) > 300) return false;
  const expectedSignature = createHmac('sha256', secret).update(payload).digest('hex');
  return signature.length === expectedSignature.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expectedSignature));
}

// Each test waits for several real deliveries and grouped commits: generous on a loaded 2-core CI.
describe('OmniSales management API on serve', { timeout: 40_000 }, () => {
  const r = receiver();
  let origin = '';
  let s: KitServe;
  const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${s.base}/api/webhooks${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', json: JSON.parse(text) as { success: boolean; data?: any; error?: { code: string; message: string; field?: string }; pagination?: any } };
  };
  const emit = async (type: string) => {
    const res = await fetch(`${s.base}/_hookgate/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type }) });
    expect(res.status).toBe(202);
    return (await res.json()) as { id: string; endpoints: string[] };
  };
  const create = async (name: string, path: string, events: string[], extra: Record<string, unknown> = {}) => {
    const c = await api('POST', '', { name, url: origin + path, events, ...extra });
    expect(c.status).toBe(201);
    return c.json.data as { id: string; secret: string };
  };

  beforeAll(async () => {
    r.server.listen(0, '127.0.0.1');
    await once(r.server, 'listening');
    origin = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}`;
    s = await startServe({ provider: 'omnisales', timeScale: 1000 });
  });
  afterAll(async () => {
    await s?.close();
    r.server.closeAllConnections();
    r.server.close();
  });

  it('POST /api/webhooks answers 201 with the guide\'s shape and the generated secret; GET and the list never show the secret', async () => {
    const c = await api('POST', '', { name: 'Order Notifications', url: `${origin}/ok`, events: ['order.created', 'order.updated', 'order.shipped'], description: 'Receive order events in real-time' });
    expect(c.status).toBe(201);
    expect(c.type).toMatch(/^application\/json/);
    const d = c.json.data;
    expect(c.json.success).toBe(true);
    expect(Object.keys(d).slice(0, 7)).toEqual(['id', 'name', 'url', 'secret', 'events', 'is_active', 'description']);
    expect(d).toMatchObject({ name: 'Order Notifications', url: `${origin}/ok`, events: ['order.created', 'order.updated', 'order.shipped'], is_active: true, description: 'Receive order events in real-time', ip_whitelist: [] });
    expect(d.id).toMatch(UUID);
    expect(d.secret).toMatch(/^whsec_\S{8,}$/);
    expect(d.created_at).toMatch(ISO_S);
    const got = await api('GET', `/${d.id}`);
    expect(got.status).toBe(200);
    expect(got.json.data).toEqual({ ...d, secret: undefined, updated_at: got.json.data.updated_at });
    expect(JSON.stringify(got.json)).not.toContain(d.secret);
    const list = await api('GET', '');
    expect(list.json.data.map((w: { id: string }) => w.id)).toContain(d.id);
    expect(JSON.stringify(list.json)).not.toContain(d.secret);
  });

  it('PUT changes only the fields sent; DELETE hides the webhook (404 after) and nothing more is delivered to it', async () => {
    const w = await create('Temp', '/ok', ['customer.created'], { ip_whitelist: ['192.168.1.100', '203.0.113.0/24'] });
    const put = await api('PUT', `/${w.id}`, { name: 'Renamed', events: ['customer.created', 'customer.updated'] });
    expect(put.status).toBe(200);
    expect(put.json.data).toMatchObject({ id: w.id, name: 'Renamed', url: `${origin}/ok`, events: ['customer.created', 'customer.updated'], ip_whitelist: ['192.168.1.100', '203.0.113.0/24'], is_active: true });
    expect(put.json.data.secret).toBeUndefined();
    const del = await api('DELETE', `/${w.id}`);
    expect(del).toMatchObject({ status: 200, json: { success: true, data: { id: w.id, deleted: true } } });
    expect((await api('GET', `/${w.id}`)).status).toBe(404);
    expect((await api('GET', '')).json.data.map((x: { id: string }) => x.id)).not.toContain(w.id);
    const { endpoints } = await emit('customer.updated');
    expect(endpoints).not.toContain(w.id);
  });

  it('an emit fans out to every active webhook subscribed to its type, and only to those', async () => {
    const orders = await create('Orders', '/ok', ['order.cancelled']);
    const payments = await create('Payments', '/ok', ['payment.refunded']);
    const off = await create('Off', '/ok', ['order.cancelled'], { is_active: false });
    expect((await api('GET', `/${off.id}`)).json.data.is_active).toBe(false);
    const o = await emit('order.cancelled');
    expect(o.endpoints).toContain(orders.id);
    expect(o.endpoints).not.toContain(payments.id);
    expect(o.endpoints).not.toContain(off.id);
    const p = await emit('payment.refunded');
    expect(p.endpoints).toEqual([payments.id]);
    await waitFor('both deliveries', () => r.hits.filter((h) => [o.id, p.id].includes(JSON.parse(h.body.toString()).id)).length === 2);
    const got = r.hits.filter((h) => [o.id, p.id].includes(JSON.parse(h.body.toString()).id)).map((h) => [h.headers['x-webhook-id'], JSON.parse(h.body.toString()).event]);
    expect(got.sort()).toEqual([[orders.id, 'order.cancelled'], [payments.id, 'payment.refunded']].sort());
  });

  it("deliveries carry the guide's headers: X-Webhook-ID = the webhook id, User-Agent OmniSales-Webhook/1.0, a hex signature the guide's own code verifies", async () => {
    const w = await create('Headers', '/ok', ['ticket.closed']);
    const { id } = await emit('ticket.closed');
    const hit = await waitFor('the delivery', () => r.hits.find((h) => h.headers['x-webhook-id'] === w.id));
    expect(hit.headers['user-agent']).toBe('OmniSales-Webhook/1.0');
    expect(hit.headers['content-type']).toBe('application/json');
    expect(hit.headers['x-webhook-signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(guideVerify(hit.body, String(hit.headers['x-webhook-signature']), w.secret, Number(hit.headers['x-webhook-timestamp']))).toBe(true);
    expect(guideVerify(hit.body, String(hit.headers['x-webhook-signature']), 'whsec_someoneelse', Number(hit.headers['x-webhook-timestamp']))).toBe(false);
    expect(JSON.parse(hit.body.toString())).toMatchObject({ id, event: 'ticket.closed', data: expect.any(Object) });
  });

  it('a failing webhook: 3 attempts at +0 s, +1 s, +3 s (virtual), then the dead-letter queue; logs, stats, replay', async () => {
    const w = await create('Down', '/down', ['refund.failed']);
    const { id } = await emit('refund.failed');
    const queue = await waitFor('the dead letter', async () => {
      const q = await api('GET', `/${w.id}/replay`);
      return q.json.data.length === 1 && q.json.data;
    });
    expect(queue[0]).toMatchObject({ webhook_id: w.id, event_id: id, event: 'refund.failed', reason: 'retries_exhausted', attempts: 3, last_error: 'HTTP 500' });
    expect(queue[0].failure_id).toMatch(/^fail_/);
    expect(queue[0].payload).toMatchObject({ id, event: 'refund.failed' });

    const logs = await api('GET', `/${w.id}/logs`);
    expect(logs.json.data.map((l: { attempt: number }) => l.attempt)).toEqual([3, 2, 1]);
    expect(logs.json.data[0]).toMatchObject({ webhook_id: w.id, event_id: id, event: 'refund.failed', success: false, status_code: 500, error: 'HTTP 500', response_body: 'boom <b>down</b>', trigger: 'scheduled', test: false });
    // One clock: offsets are the schedule's (1 s, then 2 s more), at 1000× as at 1×.
    const times = logs.json.data.map((l: { created_at: string }) => Date.parse(l.created_at)).reverse();
    expect(Math.abs(times[1] - times[0] - 1000)).toBeLessThan(500);
    expect(Math.abs(times[2] - times[0] - 3000)).toBeLessThan(500);
    expect(logs.json.data.map((l: { schedule_offset_ms: number }) => Math.round(l.schedule_offset_ms / 1000))).toEqual([3, 1, 0]);
    const page1 = await api('GET', `/${w.id}/logs?limit=2`);
    expect(page1.json.data).toHaveLength(2);
    const page2 = await api('GET', `/${w.id}/logs?limit=2&cursor=${page1.json.pagination.next_cursor}`);
    expect(page2.json.data.map((l: { attempt: number }) => l.attempt)).toEqual([1]);
    expect(page2.json.pagination.next_cursor).toBeNull();
    expect((await api('GET', `/${w.id}/logs?status=success`)).json.data).toEqual([]);

    const stats = await api('GET', `/${w.id}/stats`);
    expect(stats.json.data).toMatchObject({ webhook_id: w.id, total_events: 1, delivered: 0, failed: 1, pending: 0, total_attempts: 3, successful_attempts: 0, failed_attempts: 3, success_rate: 0, dead_letters: 1 });

    // The receiver is fixed; the failure is replayed once, and leaves the queue.
    await api('PUT', `/${w.id}`, { url: `${origin}/ok` });
    const replay = await api('POST', `/${w.id}/replay`, { failure_id: queue[0].failure_id });
    expect(replay.status).toBe(202);
    expect(replay.json.data).toMatchObject({ failure_id: queue[0].failure_id, event_id: id, status: 'queued' });
    await waitFor('the replayed delivery to succeed', async () => (await api('GET', `/${w.id}/logs?status=success`)).json.data.length === 1);
    const ok = (await api('GET', `/${w.id}/logs?status=success`)).json.data[0];
    expect(ok).toMatchObject({ event_id: id, success: true, status_code: 200, trigger: 'manual', response_body: '{"received":true}' });
    expect((await api('GET', `/${w.id}/replay`)).json.data).toEqual([]);
    const again = await api('POST', `/${w.id}/replay`, { failure_id: queue[0].failure_id });
    expect(again).toMatchObject({ status: 409, json: { success: false, error: { code: 'already_replayed' } } });
    const after = await api('GET', `/${w.id}/stats`);
    expect(after.json.data).toMatchObject({ delivered: 1, total_attempts: 4, successful_attempts: 1, dead_letters: 0 });
    expect((await api('GET', `/${w.id}/stats?since=2999-01-01T00:00:00Z`)).status).toBe(422);
  });

  it('POST …/test sends one test event to this webhook and answers with what the receiver said; the log marks it', async () => {
    const w = await create('Tests', '/ok', ['email.opened', 'email.clicked']);
    const t = await api('POST', `/${w.id}/test`);
    expect(t.status).toBe(200);
    expect(t.json.data).toMatchObject({ event: 'email.opened', webhook_id: w.id, delivered: true, status_code: 200, status: 'delivered', response_body: '{"received":true}' });
    expect(t.json.data.event_id).toMatch(/^evt_[0-9a-f]{32}$/);
    const hit = r.hits.find((h) => JSON.parse(h.body.toString()).id === t.json.data.event_id)!;
    expect(hit.headers['x-webhook-id']).toBe(w.id);
    const chosen = await api('POST', `/${w.id}/test`, { event: 'order.refunded' });
    expect(chosen.json.data).toMatchObject({ event: 'order.refunded', delivered: true });
    const logs = await api('GET', `/${w.id}/logs`);
    expect(logs.json.data.every((l: { test: boolean }) => l.test)).toBe(true);
    const down = await create('Test down', '/down', ['email.sent']);
    expect((await api('POST', `/${down.id}/test`)).json.data).toMatchObject({ delivered: false, status_code: 500, error: 'HTTP 500', response_body: 'boom <b>down</b>' });
    await api('PUT', `/${w.id}`, { is_active: false });
    expect(await api('POST', `/${w.id}/test`)).toMatchObject({ status: 409, json: { error: { code: 'webhook_inactive' } } });
    expect((await api('POST', `/${w.id}/test`, { event: 'nope' })).status).toBe(422);
  });

  it('switching a webhook off parks its waiting deliveries in the dead-letter queue; back on, they replay', async () => {
    const w = await create('Parked', '/down', ['chat.assigned']);
    await emit('chat.assigned');
    await waitFor('a first failed attempt', async () => (await api('GET', `/${w.id}/logs`)).json.data.length >= 1);
    await api('PUT', `/${w.id}`, { is_active: false, url: `${origin}/ok` });
    const q = await waitFor('the parked delivery', async () => (await api('GET', `/${w.id}/replay`)).json.data[0]);
    expect(['webhook_inactive', 'retries_exhausted']).toContain(q.reason);
    expect((await api('POST', `/${w.id}/replay`, { failure_id: q.failure_id })).json.error.code).toBe('webhook_inactive');
    await api('PUT', `/${w.id}`, { is_active: true });
    expect((await api('POST', `/${w.id}/replay`, { failure_id: q.failure_id })).status).toBe(202);
  });

  it('bad input is a JSON 4xx with a message naming the problem, never HTML', async () => {
    const cases: Array<[string, string, unknown, number, RegExp]> = [
      ['POST', '', '{"name": ', 400, /not valid JSON/],
      ['POST', '', '[1,2]', 400, /JSON object/],
      ['POST', '', { url: `${origin}/ok`, events: ['order.created'] }, 422, /"name" is required/],
      ['POST', '', { name: 'x', url: 'ftp://x', events: ['order.created'] }, 422, /http\(s\) URL/],
      ['POST', '', { name: 'x', url: `${origin}/ok`, events: [] }, 422, /non-empty list/],
      ['POST', '', { name: 'x', url: `${origin}/ok`, events: ['order.craeted'] }, 422, /did you mean "order.created"/],
      ['POST', '', { name: 'x', url: `${origin}/ok`, events: ['order.created'], evnts: 1 }, 422, /did you mean "events"/],
      ['POST', '', { name: 'x', url: `${origin}/ok`, events: ['order.created'], ip_whitelist: ['300.1.1.1'] }, 422, /not an IP address or CIDR/],
      ['POST', '', { name: 'x', url: `${origin}/ok`, events: ['order.created'], secret: 'abc' }, 422, /whsec_/],
      ['POST', '', { name: 'x', url: `${origin}/ok`, events: ['order.created'], is_active: 'yes' }, 422, /true or false/],
      ['GET', '/00000000-0000-4000-8000-000000000000', undefined, 404, /not found/],
      ['PATCH', '/00000000-0000-4000-8000-000000000000', {}, 405, /allowed: GET, PUT, DELETE/],
      ['GET', '/x/y/z', undefined, 404, /no route/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const res = await api(method, path, body);
      expect({ method, path, status: res.status }).toEqual({ method, path, status });
      expect(res.type).toMatch(/^application\/json/);
      expect(res.json.success).toBe(false);
      expect(res.json.error?.message).toMatch(message);
    }
    const w = await create('Valid', '/ok', ['order.created']);
    expect((await api('PUT', `/${w.id}`, {})).json.error?.message).toMatch(/nothing to update/);
    expect((await api('PUT', `/${w.id}`, { secret: 'whsec_xxxxxxxxxx' })).json.error?.message).toMatch(/unknown field "secret"/);
    expect((await api('POST', `/${w.id}/replay`, {})).json.error?.field).toBe('failure_id');
    expect((await api('POST', `/${w.id}/replay`, { failure_id: 'fail_nope' })).status).toBe(404);
    expect((await api('GET', `/${w.id}/logs?limit=0`)).status).toBe(422);
    expect((await api('GET', `/${w.id}/stats?since=yesterday`)).status).toBe(422);
  });
});

/** A request with headers fetch will not let us set (Host). */
function rawRequest(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; json: any }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || '{}') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('OmniSales API: who may call', () => {
  let open: KitServe;
  let locked: KitServe;
  beforeAll(async () => {
    open = await startServe({ provider: 'omnisales' });
    locked = await startServe({ provider: 'omnisales', requireToken: true });
  });
  afterAll(async () => {
    await open?.close();
    await locked?.close();
  });
  const body = JSON.stringify({ name: 'x', url: 'http://127.0.0.1:9/x', events: ['order.created'] });

  it('on loopback: no token needed (as the guide\'s curl lines send none); a wrong token is refused; a non-loopback Host name is refused', async () => {
    expect((await fetch(`${open.base}/api/webhooks`)).status).toBe(200);
    expect((await fetch(`${open.base}/api/webhooks`, { headers: { authorization: `Bearer ${open.token}` } })).status).toBe(200);
    const wrong = await fetch(`${open.base}/api/webhooks`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toMatch(/wrong token/);
    // DNS rebinding: a page under its own name, resolved to 127.0.0.1, reaches the port but names itself in Host.
    expect((await rawRequest(open.base, 'GET', '/api/webhooks', { host: 'attacker.example:80' })).status).toBe(403);
    expect((await rawRequest(open.base, 'GET', '/api/webhooks', { host: `localhost:${new URL(open.base).port}` })).status).toBe(200);
  });

  it('a write from another origin is refused; from its own origin (or without Origin, as curl) it is not', async () => {
    const port = new URL(open.base).port;
    const cross = await rawRequest(open.base, 'POST', '/api/webhooks', { host: `127.0.0.1:${port}`, origin: 'http://127.0.0.1:1', 'content-type': 'text/plain' }, body);
    expect(cross).toMatchObject({ status: 403, json: { error: { code: 'cross_origin' } } });
    const same = await rawRequest(open.base, 'POST', '/api/webhooks', { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, 'content-type': 'application/json' }, body);
    expect(same.status).toBe(201);
    const curlLike = await rawRequest(open.base, 'POST', '/api/webhooks', { host: `127.0.0.1:${port}` }, body);
    expect(curlLike.status).toBe(201);
  });

  it('beyond loopback (--host): every route needs the bearer token', async () => {
    for (const [method, path] of [['GET', ''], ['POST', ''], ['GET', '/x'], ['POST', '/x/test'], ['GET', '/x/replay']] as const) {
      const res = await fetch(`${locked.base}/api/webhooks${path}`, { method, ...(method === 'POST' ? { body, headers: { 'content-type': 'application/json' } } : {}) });
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 401 });
      expect(((await res.json()) as { success: boolean }).success).toBe(false);
    }
    const ok = await fetch(`${locked.base}/api/webhooks`, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${locked.token}` } });
    expect(ok.status).toBe(201);
  });
});
