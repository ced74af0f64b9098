// The Svix API mock against the OFFICIAL `svix` client: a real express server, a real dispatcher on a
// fast clock, and a real local receiver, so routes, shapes, status codes and client quirks are all exercised.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApiException, Svix, Webhook } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getProfile } from '../../../fixtures/index.js';
import { scaledClock } from '../../../mock-provider/engine/clock.js';
import { createDispatcher, type Dispatcher } from '../../../mock-provider/engine/dispatcher.js';
import { httpDeliver } from '../../../mock-provider/engine/http-deliver.js';
import { sqliteStore } from '../../../mock-provider/engine/sqlite-store.js';
import type { ServeStore } from '../../../mock-provider/engine/records.js';
import { svixApiRouter } from '../../../mock-provider/svix-api/router.js';
import { newSvixId } from '../../../mock-provider/svix-api/ids.js';

const TOKEN = 'testsk_hookgate-local-token';
const ID = (prefix: string) => new RegExp(`^${prefix}_[A-Za-z0-9]{27}$`);
const ISO_Z = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  status: number;
}

/** `/flaky`: 500 on a message's first request, then 200. `/down`: always 500. */
function startReceiver() {
  const received: Received[] = [];
  const seen = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      const id = String(req.headers['svix-id']);
      const n = (seen.get(path + id) ?? 0) + 1;
      seen.set(path + id, n);
      const status = path === '/flaky' && n > 1 ? 200 : 500;
      received.push({ path, headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'boom');
    });
  });
  return { server, received };
}

async function listen(server: http.Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const expectApiError = async (p: Promise<unknown>, code: number, bodyCode: string) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiException);
  expect((err as ApiException<{ code: string }>).code).toBe(code);
  expect((err as ApiException<{ code: string }>).body.code).toBe(bodyCode);
};

describe('Svix API mock with the official svix client', () => {
  const profile = getProfile('optipick');
  const receiver = startReceiver();
  let receiverUrl = '';
  let api: http.Server;
  let serverUrl = '';
  let dispatcher: Dispatcher;
  let store: ServeStore;
  let svix: Svix;

  beforeAll(async () => {
    receiverUrl = await listen(receiver.server);
    // 1000× time: the 5 s retry takes 5 ms; two attempts in all so `/down` dead-letters quickly.
    store = sqliteStore(':memory:');
    const clock = scaledClock(1000);
    dispatcher = createDispatcher({ profile, clock, deliver: httpDeliver(profile, { timeoutMs: 2000 }), store, maxAttempts: 2, newId: newSvixId });
    await dispatcher.start();
    const app = express();
    app.use('/api/v1', svixApiRouter({ profile, dispatcher, store, token: TOKEN, now: () => clock.now() }));
    api = http.createServer(app);
    serverUrl = await listen(api);
    svix = new Svix(TOKEN, { serverUrl });
  });

  afterAll(async () => {
    await dispatcher.stop();
    store.close();
    api.closeAllConnections();
    receiver.server.closeAllConnections();
    await Promise.all([new Promise((r) => api.close(r)), new Promise((r) => receiver.server.close(r))]);
  });

  it('creates, delivers, lists attempts, resends, recovers and rotates', async () => {
    const app = await svix.application.create({ name: 'Warehouse', uid: 'warehouse-1' });
    expect(app.id).toMatch(ID('app'));
    expect(app.createdAt.toISOString()).toMatch(ISO_Z);
    expect((await svix.application.getOrCreate({ name: 'Warehouse', uid: 'warehouse-1' })).id).toBe(app.id);
    expect((await svix.application.get('warehouse-1')).id).toBe(app.id);
    await expectApiError(svix.application.create({ name: 'Again', uid: 'warehouse-1' }), 409, 'conflict');
    expect((await svix.application.list()).data.map((a) => a.id)).toContain(app.id);

    const ep = await svix.endpoint.create(app.id, { url: `${receiverUrl}/flaky`, uid: 'main' });
    expect(ep.id).toMatch(ID('ep'));
    expect(ep).toMatchObject({ url: `${receiverUrl}/flaky`, version: 1, description: '', disabled: false });
    const down = await svix.endpoint.create(app.id, { url: `${receiverUrl}/down` });
    const filtered = await svix.endpoint.create(app.id, { url: `${receiverUrl}/filtered`, filterTypes: ['some.other.type'] });
    const listed = await svix.endpoint.list(app.id);
    expect(listed.data.map((e) => e.id)).toEqual([filtered.id, down.id, ep.id]); // newest first
    expect((await svix.endpoint.get(app.id, 'main')).id).toBe(ep.id);
    const updated = await svix.endpoint.update(app.id, ep.id, { url: `${receiverUrl}/flaky`, description: 'primary' });
    expect(updated.description).toBe('primary');

    const { key } = await svix.endpoint.getSecret(app.id, ep.id);
    expect(key).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);

    const payload = { request_id: 'req-1', status: 'done' };
    const msg = await svix.message.create(app.id, { eventType: 'route.optimized', eventId: 'evt-1', payload });
    expect(msg.id).toMatch(ID('msg'));
    expect(msg.eventType).toBe('route.optimized');
    expect(msg.timestamp.getTime()).not.toBeNaN();
    await expectApiError(svix.message.create(app.id, { eventType: 'route.optimized', eventId: 'evt-1', payload }), 409, 'conflict');
    expect((await svix.message.get(app.id, 'evt-1')).id).toBe(msg.id);
    expect((await svix.message.get(app.id, msg.id)).payload).toEqual(payload);
    expect((await svix.message.list(app.id)).data[0].id).toBe(msg.id);

    // 500 then 200 on /flaky; two 500s (dead letter) on /down; nothing on the filtered endpoint.
    const ok = await waitFor('the retried delivery', async () => receiver.received.find((r) => r.path === '/flaky' && r.status === 200));
    expect(new Webhook(key).verify(ok.body, ok.headers)).toEqual(payload);
    expect(ok.headers['svix-id']).toBe(msg.id);
    await waitFor('two attempts on /down', async () => (await svix.messageAttempt.listByEndpoint(app.id, down.id)).data.length === 2);

    const byMsg = await svix.messageAttempt.listByMsg(app.id, msg.id);
    expect(byMsg.data).toHaveLength(4);
    for (const a of byMsg.data) {
      expect(a.id).toMatch(ID('atmpt'));
      expect(a.msgId).toBe(msg.id);
      expect(a.timestamp.toISOString()).toMatch(ISO_Z);
      expect(typeof a.responseDurationMs).toBe('number');
      expect(a.triggerType).toBe(0);
    }
    expect(byMsg.done).toBe(true);
    const onlyDown = await svix.messageAttempt.listByMsg(app.id, msg.id, { endpointId: down.id });
    expect(onlyDown.data.map((a) => a.endpointId)).toEqual([down.id, down.id]);

    const byEp = await svix.messageAttempt.listByEndpoint(app.id, ep.id);
    expect(byEp.data.map((a) => [a.responseStatusCode, a.status, a.statusText])).toEqual([
      [200, 0, 'success'],
      [500, 2, 'fail'],
    ]);
    expect(byEp.data[0]).toMatchObject({ endpointId: ep.id, url: `${receiverUrl}/flaky`, response: 'ok' });
    expect((await svix.messageAttempt.get(app.id, msg.id, byEp.data[0].id)).id).toBe(byEp.data[0].id);
    expect((await svix.messageAttempt.listByEndpoint(app.id, filtered.id)).data).toEqual([]);
    const page = await svix.messageAttempt.listByEndpoint(app.id, ep.id, { limit: 1 });
    expect(page).toMatchObject({ done: false, iterator: byEp.data[0].id });
    const next = await svix.messageAttempt.listByEndpoint(app.id, ep.id, { limit: 1, iterator: page.iterator! });
    expect(next.data.map((a) => a.id)).toEqual([byEp.data[1].id]);

    // resend: 202 {} → a manual attempt.
    await svix.messageAttempt.resend(app.id, msg.id, ep.id);
    const manual = await waitFor('the resend', async () => (await svix.messageAttempt.listByEndpoint(app.id, ep.id)).data.find((a) => a.triggerType === 1));
    expect(manual).toMatchObject({ status: 0, responseStatusCode: 200 });

    // recover: 202 RecoverOut → the dead letter on /down is re-queued as manual.
    const rec = await svix.endpoint.recover(app.id, down.id, { since: new Date(Date.now() - 3600_000) });
    expect(rec.id).toMatch(ID('qtask'));
    expect(rec.task).toBe('endpoint.recover');
    await waitFor('the recovery', async () => (await svix.messageAttempt.listByEndpoint(app.id, down.id)).data.some((a) => a.triggerType === 1));

    // rotate: 204 → a new key.
    await svix.endpoint.rotateSecret(app.id, ep.id, {});
    const rotated = await svix.endpoint.getSecret(app.id, ep.id);
    expect(rotated.key).toMatch(/^whsec_/);
    expect(rotated.key).not.toBe(key);

    await expectApiError(svix.endpoint.get(app.id, 'ep_nope'), 404, 'not_found');
    await svix.endpoint.delete(app.id, filtered.id);
    expect((await svix.endpoint.list(app.id)).data).toHaveLength(2);
  });

  it('accepts trailing slashes and answers unknown routes with JSON', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const list = await fetch(`${serverUrl}/api/v1/app/`, { headers: auth });
    expect(list.status).toBe(200);
    expect(await list.json()).toMatchObject({ data: expect.any(Array), done: true });
    const created = await fetch(`${serverUrl}/api/v1/app/`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"name":"Slash"}' });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const eps = await fetch(`${serverUrl}/api/v1/app/${id}/endpoint/`, { headers: auth });
    expect(await eps.json()).toEqual({ data: [], iterator: null, prevIterator: null, done: true });
    const missing = await fetch(`${serverUrl}/api/v1/nothing-here`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ code: 'not_found', detail: 'Entity not found' });
    const bad = await fetch(`${serverUrl}/api/v1/app`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).code).toBe('generic_error');
  });

  it('replays a POST with the same idempotency-key', async () => {
    const a = await svix.application.create({ name: 'Idem' }, { idempotencyKey: 'same-key' });
    const b = await svix.application.create({ name: 'Idem' }, { idempotencyKey: 'same-key' });
    expect(b.id).toBe(a.id);
  });

  it('refuses a wrong token with ApiException 401', async () => {
    const wrong = new Svix('testsk_wrong', { serverUrl });
    await expectApiError(wrong.application.list(), 401, 'authentication_failed');
    const noAuth = await fetch(`${serverUrl}/api/v1/app`);
    expect(noAuth.status).toBe(401);
  });

  it('validates bodies with 422', async () => {
    const app = await svix.application.create({ name: 'Validation' });
    const err = await svix.endpoint.create(app.id, { url: 'not a url' }).catch((e: unknown) => e);
    expect((err as ApiException<unknown>).code).toBe(422);
    await expectApiError(svix.message.create('app_missing', { eventType: 'x', payload: {} }), 404, 'not_found');
  });
});
