// The dispatcher through the real sender against a receiver scripted with nock, in compressed time
// (scaledClock at 100,000×: the 35-minute example runs in a few tens of ms). Kept in its own file
// because nock patches node:http for the whole worker. Promise.withResolvers for nock on Node 20:
// test/setup/node20.ts.
import nock from 'nock';
import { Webhook } from 'svix';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PROVIDERS } from '../../../fixtures/index.js';
import type { ProviderProfile } from '../../../fixtures/profile.js';
import { scaledClock } from '../../../mock-provider/engine/clock.js';
import { createDispatcher } from '../../../mock-provider/engine/dispatcher.js';
import { httpDeliver } from '../../../mock-provider/engine/http-deliver.js';
import { memoryStore } from '../../../mock-provider/engine/store.js';
import { schemeFor } from '../../../mock-provider/signing/index.js';
import { MIN, SEC, message } from './kit.js';

const ORIGIN = 'http://receiver.test';
const SCALE = 100_000;

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.abortPendingRequests();
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

interface Seen {
  headers: Record<string, string>;
  body: string;
}

/** A dispatcher on a 100,000× clock delivering with the real sender; `seen` collects what the receiver got. */
async function harness(profile: ProviderProfile, opts: { timeoutMs?: number; maxAttempts?: number } = {}) {
  const secret = schemeFor(profile).generateSecret();
  const store = memoryStore();
  const dispatcher = createDispatcher({
    profile,
    clock: scaledClock(SCALE),
    store,
    deliver: httpDeliver(profile, { timeoutMs: opts.timeoutMs }),
    maxAttempts: opts.maxAttempts,
    onError: (err) => {
      throw err;
    },
  });
  await dispatcher.addEndpoint({ id: 'ep_1', url: `${ORIGIN}/hook`, secret });
  await dispatcher.start();
  const seen: Seen[] = [];
  /** Collects every request the scope matched: headers as received, body as raw text. */
  const watch = (scope: nock.Scope): void => {
    // nock 15 hands over a fetch `Headers`; iterating it gives lowercase names.
    scope.on('request', (req: { headers: Headers }, _interceptor: unknown, body: string) => {
      seen.push({ headers: Object.fromEntries(req.headers), body });
    });
  };
  const settled = async (msgId: string) => {
    await vi.waitFor(async () => {
      const [d] = await store.listDeliveries({ msgId });
      expect(d.state === 'delivered' || d.state === 'dead').toBe(true);
    }, { timeout: 5000, interval: 5 });
    return store.listAttempts({ msgId });
  };
  return { secret, store, dispatcher, seen, watch, settled };
}

describe('Svix schedule over HTTP, compressed 100,000×', () => {
  it("500, 302, reset, then 200: delivered at 35 min 5 s ± 1 s of virtual time, re-signed each attempt", async () => {
    const h = await harness(PROVIDERS.optipick);
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const scope = nock(ORIGIN)
      .post('/hook').reply(500, 'down')
      .post('/hook').reply(302, '', { Location: `${ORIGIN}/elsewhere` })
      .post('/hook').replyWithError(reset)
      .post('/hook').reply(200, 'ok');
    h.watch(scope);

    const t0 = performance.now();
    await h.dispatcher.enqueue(message('msg_nock'), ['ep_1']);
    const attempts = await h.settled('msg_nock');
    const realMs = performance.now() - t0;
    await h.dispatcher.stop();

    expect(attempts.map((a) => a.status ?? a.error)).toEqual([500, 302, 'reset', 200]);
    expect(attempts.map((a) => a.outcome)).toEqual(['fail', 'fail', 'fail', 'success']);
    const expected = [0, 5 * SEC, 5 * MIN + 5 * SEC, 35 * MIN + 5 * SEC];
    attempts.forEach((a, i) => expect(Math.abs(a.virtualOffsetMs - expected[i])).toBeLessThanOrEqual(1000));
    expect(realMs).toBeLessThan(3000); // 35 virtual minutes in ~21 ms of waiting, plus overhead
    expect(attempts[1].responseBody).toBe('');
    expect(attempts[3].responseBody).toBe('ok');

    // Same message id every time; every request verifies with the official svix library, with a
    // timestamp from the wall clock (not the 35-minutes-ahead virtual clock).
    expect(h.seen.map((s) => s.headers['svix-id'])).toEqual(['msg_nock', 'msg_nock', 'msg_nock', 'msg_nock']);
    for (const s of h.seen) {
      expect(() => new Webhook(h.secret).verify(s.body, s.headers)).not.toThrow();
      expect(Math.abs(Number(s.headers['svix-timestamp']) - Date.now() / 1000)).toBeLessThan(10);
    }
    console.log(`virtual offsets: ${attempts.map((a) => `#${a.n} ${(a.virtualOffsetMs / 1000).toFixed(3)} s`).join(', ')} (real ${realMs.toFixed(0)} ms)`);
  });

  it('gives up after 8 failed attempts: 27 h 35 min 5 s of schedule, then the dead letter', async () => {
    const h = await harness(PROVIDERS.dimmy);
    nock(ORIGIN).post('/hook').times(8).reply(503);
    await h.dispatcher.enqueue(message('msg_all'), ['ep_1']);
    const attempts = await h.settled('msg_all');
    await h.dispatcher.stop();
    expect(attempts).toHaveLength(8);
    expect(Math.abs(attempts[7].virtualOffsetMs - (27 * 3600 + 35 * 60 + 5) * SEC)).toBeLessThanOrEqual(1000);
    expect(await h.store.listDeadLetters()).toMatchObject([{ msgId: 'msg_all', reason: 'exhausted', attempts: 8, lastError: 'HTTP 503' }]);
  });
});

describe('OmniSales over HTTP', () => {
  it('a slow answer is a timeout, then refused, then 200: offsets 0, timeout + 1 s, + 2 s', async () => {
    const h = await harness(PROVIDERS.omnisales, { timeoutMs: 100 });
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:80'), { code: 'ECONNREFUSED' });
    nock(ORIGIN).post('/hook').delay(1000).reply(200).post('/hook').replyWithError(refused).post('/hook').reply(200, '{"received":true}');
    await h.dispatcher.enqueue(message('evt_nock'), ['ep_1']);
    const attempts = await h.settled('evt_nock');
    await h.dispatcher.stop();
    expect(attempts.map((a) => [a.n, a.status ?? a.error, a.outcome])).toEqual([
      [1, 'timeout', 'fail'],
      [2, 'refused', 'fail'],
      [3, 200, 'success'],
    ]);
    const [a1, a2, a3] = attempts;
    expect(a1.latencyMs).toBeGreaterThanOrEqual(95);
    // Each delay starts when the previous attempt failed: the 100 ms timeout counts, the delays are 1 s and 2 s.
    expect(a2.virtualOffsetMs).toBeCloseTo(a1.latencyMs + 1 * SEC, -2);
    expect(Math.abs(a3.virtualOffsetMs - (a1.latencyMs + a2.latencyMs + 3 * SEC))).toBeLessThan(50);
  });

  it('an unreachable target is failed attempts and a dead letter, never a throw', async () => {
    const h = await harness(PROVIDERS.omnisales);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    nock(ORIGIN).post('/hook').times(3).replyWithError(refused);
    await h.dispatcher.enqueue(message('evt_down'), ['ep_1']);
    const attempts = await h.settled('evt_down');
    await h.dispatcher.stop();
    expect(attempts.map((a) => a.error)).toEqual(['refused', 'refused', 'refused']);
    expect(await h.store.listDeadLetters()).toMatchObject([{ reason: 'exhausted', lastError: expect.stringContaining('refused') }]);
  });
});
