// Issue 15 item 3: recover sends only what ended failed; rotation signs with every secret in its grace
// period; every API refusal is JSON. Engine parts on a ManualClock (pure), HTTP parts on real loopback sockets.
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'svix';
import { afterAll, describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../fixtures/index.js';
import { ManualClock } from '../../mock-provider/engine/clock.js';
import { createDispatcher } from '../../mock-provider/engine/dispatcher.js';
import { httpDeliver } from '../../mock-provider/engine/http-deliver.js';
import { memoryStore } from '../../mock-provider/engine/store.js';
import { sqliteStore } from '../../mock-provider/engine/sqlite-store.js';
import type { DeliveryStore } from '../../mock-provider/engine/store.js';
import { svixV1 } from '../../mock-provider/signing/svix-v1.js';
import { retireSecret, DEFAULT_GRACE_SECONDS } from '../../mock-provider/svix-api/endpoints.js';
import { serveApp } from '../../mock-provider/serve-app.js';
import { HOUR, SEC, message, status } from './engine/kit.js';

const { optipick } = PROVIDERS;
const servers: http.Server[] = [];
afterAll(async () => {
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function listen(handler: http.RequestListener): Promise<string> {
  const s = http.createServer(handler);
  servers.push(s);
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

const stores: Array<[string, () => DeliveryStore]> = [
  ['memory', () => memoryStore()],
  ['sqlite', () => sqliteStore(':memory:', { commit: 'immediate' })],
];

describe.each(stores)('recover (%s store)', (_name, makeStore) => {
  it('re-sends only messages in the window whose delivery ended failed: not delivered ones, not a resend that succeeded, not one waiting for a retry', async () => {
    const clock = new ManualClock(Date.UTC(2025, 0, 1));
    const store = makeStore();
    // Per message: how its attempts answer. Two attempts in all, so a failure is dead after the 5 s retry.
    const plan: Record<string, number[]> = { ok: [200], dead: [500, 500], resent: [500, 500, 200], waiting: [500, 500], early: [500, 500] };
    const used = new Map<string, number>();
    const sent: string[] = [];
    const d = createDispatcher({
      profile: optipick,
      clock,
      store,
      maxAttempts: 2,
      deliver: async ({ message: m }) => {
        sent.push(m.id);
        const i = used.get(m.id) ?? 0;
        used.set(m.id, i + 1);
        return status(plan[m.id]?.[i] ?? 500);
      },
    });
    await d.addEndpoint({ id: 'ep_1', url: 'http://receiver.test/' });
    await d.start();
    await d.enqueue(message('early'), ['ep_1']);
    await clock.advance(1 * HOUR);
    const since = clock.now();
    for (const id of ['ok', 'dead', 'resent']) await d.enqueue(message(id), ['ep_1']);
    await clock.advance(10 * SEC); // ok delivered; dead and resent dead after 2 attempts
    await d.resend('resent', 'ep_1');
    await clock.advance(0); // the manual resend succeeds
    await d.enqueue(message('waiting'), ['ep_1']);
    await clock.advance(0); // its first attempt failed; the retry is 5 s away
    sent.length = 0;

    const requeued = await d.recover('ep_1', since);
    await clock.advance(0);
    expect(requeued).toHaveLength(1);
    expect(sent).toEqual(['dead']);
    // Both ways: once `waiting` has exhausted its retries it is recoverable too, and `early` when the window covers it.
    await clock.advance(10 * SEC);
    sent.length = 0;
    await d.recover('ep_1', since - 2 * HOUR);
    await clock.advance(0);
    expect(sent.sort()).toEqual(['dead', 'early', 'waiting']);
    await d.stop();
  });
});

describe('rotation grace period', () => {
  it('retireSecret keeps the old secret for the grace period (24 h by default), drops expired ones, keeps none for 0', () => {
    const now = 1_000_000;
    const e = { secret: 'whsec_new', previousSecrets: [{ secret: 'whsec_older', until: now + 5 }, { secret: 'whsec_gone', until: now - 1 }] };
    expect(retireSecret(e, now, DEFAULT_GRACE_SECONDS)).toEqual([
      { secret: 'whsec_new', until: now + 24 * HOUR },
      { secret: 'whsec_older', until: now + 5 },
    ]);
    expect(retireSecret(e, now, 0)).toEqual([{ secret: 'whsec_older', until: now + 5 }]);
  });

  it('a receiver verifying only with the old secret accepts during the grace period and refuses after it; one with the new secret accepts both', async () => {
    const oldKey = svixV1.generateSecret();
    const newKey = svixV1.generateSecret();
    const headersSeen: string[] = [];
    const verifier = (key: string) => (req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        headersSeen.push(String(req.headers['svix-signature']));
        try {
          new Webhook(key).verify(Buffer.concat(chunks).toString('utf8'), req.headers as Record<string, string>);
          res.writeHead(204).end();
        } catch {
          res.writeHead(400).end('bad signature');
        }
      });
    };
    const oldOnly = await listen(verifier(oldKey));
    const newOnly = await listen(verifier(newKey));
    const deliver = httpDeliver(optipick, { timeoutMs: 5000 });
    const until = Date.UTC(2025, 0, 2);
    const job = (url: string, at: number) => ({
      delivery: { id: 'dlv_1', msgId: 'msg_1', endpointId: 'ep_1', state: 'in-flight' as const, attemptsMade: 0, dueAt: 0, nextOffsetMs: 0, nextTrigger: 'scheduled' as const, createdAt: 0 },
      message: { id: 'msg_1', type: 'route.optimized', body: Buffer.from('{"request_id":"r1"}'), createdAt: 0 },
      endpoint: { id: 'ep_1', url, secret: newKey, previousSecrets: [{ secret: oldKey, until }], disabled: false, failingSince: null },
      attempt: 1,
      trigger: 'scheduled' as const,
      at,
      signal: new AbortController().signal,
    });
    expect(await deliver(job(oldOnly, until - 1))).toMatchObject({ status: 204 });
    expect(headersSeen.at(-1)!.split(' ')).toHaveLength(2); // both signatures, space-separated
    expect(await deliver(job(oldOnly, until))).toMatchObject({ status: 400 });
    expect(headersSeen.at(-1)!.split(' ')).toHaveLength(1);
    expect(await deliver(job(newOnly, until - 1))).toMatchObject({ status: 204 });
    expect(await deliver(job(newOnly, until + 1))).toMatchObject({ status: 204 });
  });
});

describe('every API refuses with JSON', () => {
  it('malformed JSON, an unknown type, a wrong body and an unknown route: JSON 4xx with a message; a good emit is 202', async () => {
    const store = sqliteStore(':memory:');
    const clock = new ManualClock(Date.UTC(2025, 0, 1));
    const dispatcher = createDispatcher({ profile: optipick, clock, store, deliver: async () => status(200) });
    await store.putApp({ id: 'app_1', uid: 'hookgate', name: 'hookgate', attrs: {}, createdAt: 0, updatedAt: 0 });
    const base = await listen(serveApp({ profile: optipick, dispatcher, store, token: 'tok', requireTokenEverywhere: false, now: () => clock.now(), appId: 'app_1' }));
    const post = (path: string, body: string, type = 'application/json', auth = false) =>
      fetch(base + path, { method: 'POST', headers: { 'content-type': type, ...(auth ? { authorization: 'Bearer tok' } : {}) }, body });
    const cases: Array<[Response, number]> = [
      [await post('/_hookgate/events', '{"type":'), 400],
      [await post('/_hookgate/events', '{"type":"no.such.type"}'), 422],
      [await post('/_hookgate/events', 'type=route.optimized', 'text/plain'), 422],
      [await post('/api/v1/app/hookgate/msg', '{"eventType":', 'application/json', true), 400],
      [await post('/nothing/here', '{}'), 404],
    ];
    for (const [res, code] of cases) {
      expect(res.status).toBe(code);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      const body = (await res.json()) as { detail?: unknown };
      expect(body.detail).toBeTruthy();
    }
    const ok = await post('/_hookgate/events', '{"type":"route.optimized"}');
    expect(ok.status).toBe(202);
    store.close();
  });
});

