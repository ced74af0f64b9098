import { describe, it, expect, afterAll } from 'vitest';
import { startExample, type Running } from '../helpers/receivers.js';
import { runAgainst, statuses } from '../helpers/run-checks.js';
import { svixV1 } from '../../mock-provider/signing/svix-v1.js';
import { omnisalesHex } from '../../mock-provider/signing/omnisales-hex.js';
import { createFetchBackApi, serveFetchBack, type FetchBackServer } from '../../mock-provider/rest-api/index.js';
import { getProfile } from '../../fixtures/index.js';
import type { ProviderName } from '../../fixtures/profile.js';
import { effectsObserver } from '../../suites/observe/effects-url.js';
import { fetchBackObserver } from '../../suites/observe/fetch-back.js';
import type { Observation } from '../../suites/types.js';

const DEDUP = ['dedup.redelivery', 'dedup.concurrent', 'dedup.distinct-events'];
const svixSecret = svixV1.generateSecret();
const omniSecret = omnisalesHex.generateSecret();
const open: Running[] = [];
const apis: FetchBackServer[] = [];
afterAll(async () => {
  await Promise.all([...open.map((r) => r.close()), ...apis.map((a) => a.close())]);
});

async function receiver(file: string, provider: ProviderName, options: Record<string, unknown> = {}) {
  const path = provider === 'omnisales' ? '/webhooks/omni' : '/webhook';
  const r = await startExample(file, provider === 'omnisales' ? omniSecret : svixSecret, path, options);
  open.push(r);
  return r;
}

/** A fetch-back API for the run, as `check` serves it. */
async function fetchBack(provider: ProviderName): Promise<{ server: FetchBackServer; observation: Partial<Observation> }> {
  const api = createFetchBackApi(getProfile(provider), { seed: 1 });
  const server = await serveFetchBack(api, { port: 0 });
  apis.push(server);
  return { server, observation: { fetchBack: { observer: fetchBackObserver(api, server.url), counts: api } } };
}

const run = (provider: ProviderName, url: string, only: string[], observation: Partial<Observation> = {}) =>
  runAgainst({ provider, url, secret: provider === 'omnisales' ? omniSecret : svixSecret, only, observation });

describe('dedup under the fetch-back observer', () => {
  for (const provider of ['optipick', 'dimmy'] as const) {
    it(`${provider}: a receiver that dedups and fetches once passes all three`, async () => {
      const fb = await fetchBack(provider);
      const r = await receiver('svix-fetchback-correct.mjs', provider, { apiUrl: fb.server.url, apiKey: 'k' });
      const res = await run(provider, r.url, DEDUP, fb.observation);
      expect(statuses(res)).toEqual({ 'dedup.redelivery': 'pass', 'dedup.concurrent': 'pass', 'dedup.distinct-events': 'pass' });
      expect(res['dedup.redelivery'].message).toMatch(/fetch-back API/);
    });
    it(`${provider}: the public example (verify, fetch synchronously, no dedup) fails dedup.redelivery`, async () => {
      const fb = await fetchBack(provider);
      const r = await receiver('svix-fetchback-public-example.mjs', provider, { apiUrl: fb.server.url + '/', apiKey: 'k', log: () => {} });
      const res = await run(provider, r.url, ['dedup.redelivery'], fb.observation);
      expect(res['dedup.redelivery'].status).toBe('fail');
      expect(res['dedup.redelivery'].message).toMatch(/processed the message 2 times \(fetch-back/);
    });
  }
  it('a receiver that never calls the API and has no effects URL is skip, never pass', async () => {
    const fb = await fetchBack('optipick');
    const r = await receiver('svix-silent.mjs', 'optipick');
    const res = await run('optipick', r.url, DEDUP, fb.observation);
    expect(statuses(res)).toEqual({ 'dedup.redelivery': 'skip', 'dedup.concurrent': 'skip', 'dedup.distinct-events': 'skip' });
    expect(res['dedup.redelivery'].message).toMatch(/not observable: no --effects-url and no fetch-back seen/);
  });
});

describe('dedup under the effects URL', () => {
  const effects = (r: Running) => ({ effects: effectsObserver(r.origin + '/_effects') });
  it('the correct receiver passes all three', async () => {
    const r = await receiver('svix-correct.mjs', 'dimmy');
    expect(statuses(await run('dimmy', r.url, DEDUP, effects(r)))).toEqual({ 'dedup.redelivery': 'pass', 'dedup.concurrent': 'pass', 'dedup.distinct-events': 'pass' });
  });
  it('no dedup at all: dedup.redelivery fails, dedup.concurrent warns', async () => {
    const r = await receiver('svix-no-dedup.mjs', 'optipick');
    const res = await run('optipick', r.url, DEDUP, effects(r));
    expect(res['dedup.redelivery'].status).toBe('fail');
    expect(res['dedup.concurrent'].status).toBe('warn');
    expect(res['dedup.distinct-events'].status).toBe('pass');
  });
  it('a racy dedup: redelivery passes, concurrent copies warn', async () => {
    const r = await receiver('svix-dedup-racy.mjs', 'optipick', { gapMs: 20 });
    const res = await run('optipick', r.url, ['dedup.redelivery', 'dedup.concurrent'], effects(r));
    expect(statuses(res)).toEqual({ 'dedup.redelivery': 'pass', 'dedup.concurrent': 'warn' });
  });
  it('dedup on a hash of the body: distinct messages with identical data warn (SHOULD)', async () => {
    const r = await receiver('svix-dedup-on-body-hash.mjs', 'dimmy');
    const res = await run('dimmy', r.url, ['dedup.distinct-events'], effects(r));
    expect(res['dedup.distinct-events'].status).toBe('warn');
    expect(res['dedup.distinct-events'].message).toMatch(/byte-identical data/);
  });
  it("OmniSales dedup on X-Webhook-ID fails dedup.distinct-events", async () => {
    const r = await receiver('omnisales-dedup-on-webhook-id.mjs', 'omnisales');
    const res = await run('omnisales', r.url, ['dedup.distinct-events'], effects(r));
    expect(res['dedup.distinct-events'].status).toBe('fail');
    expect(res['dedup.distinct-events'].message).toMatch(/X-Webhook-ID/);
  });
  it('a receiver that answers 401 but processes the forgery first fails the negative checks', async () => {
    const r = await receiver('svix-processes-before-verify.mjs', 'optipick');
    const res = await run('optipick', r.url, ['signature.wrong-secret', 'signature.stale-timestamp', 'signature.tampered-body', 'status.malformed-signature'], effects(r));
    expect(statuses(res)).toEqual({ 'signature.wrong-secret': 'fail', 'signature.stale-timestamp': 'fail', 'signature.tampered-body': 'fail', 'status.malformed-signature': 'fail' });
    expect(res['signature.tampered-body'].message).toMatch(/processed \d+ of them anyway/);
    expect(res['signature.tampered-body'].evidence.length).toBeGreaterThan(0);
    expect(res['signature.wrong-secret'].message).toMatch(/HTTP 401 but processed it/);
  });
});

describe('dedup under the OmniSales duplicate flag alone', () => {
  it('a {"duplicate": true} answer to the redelivery passes', async () => {
    const r = await receiver('omnisales-flag-only.mjs', 'omnisales');
    const res = await run('omnisales', r.url, DEDUP);
    expect(res['dedup.redelivery'].status).toBe('pass');
    expect(res['dedup.redelivery'].message).toMatch(/duplicate/);
  });
  it('no dedup, no effects, no flag: skip, never pass', async () => {
    const r = await receiver('omnisales-no-dedup-no-effects.mjs', 'omnisales');
    const res = await run('omnisales', r.url, DEDUP);
    expect(statuses(res)).toEqual({ 'dedup.redelivery': 'skip', 'dedup.concurrent': 'skip', 'dedup.distinct-events': 'skip' });
  });
  it('dedup on X-Webhook-ID is caught by the flag too: a distinct event answered as a duplicate fails', async () => {
    const r = await receiver('omnisales-dedup-on-webhook-id.mjs', 'omnisales');
    const res = await run('omnisales', r.url, ['dedup.distinct-events']);
    expect(res['dedup.distinct-events'].status).toBe('fail');
  });
});

describe('timeout checks', () => {
  it('the correct receiver passes both, with p50/p99/max reported', async () => {
    const r = await receiver('svix-correct.mjs', 'optipick');
    const res = await run('optipick', r.url, ['timeout.']);
    expect(statuses(res)).toEqual({ 'timeout.latency-budget': 'pass', 'timeout.abandoned-request': 'pass' });
    expect(res['timeout.latency-budget'].message).toMatch(/p50 \d+ ms, p99 \d+ ms, max \d+ ms/);
  });
  it('a receiver that answers after 21 s fails timeout.latency-budget for OptiPick, without hanging past the timeout', { timeout: 40_000 }, async () => {
    const r = await receiver('svix-slow.mjs', 'optipick', { delayMs: 21_000 });
    const t0 = Date.now();
    const res = await run('optipick', r.url, ['timeout.latency-budget']);
    expect(res['timeout.latency-budget'].status).toBe('fail');
    expect(Date.now() - t0).toBeLessThan(25_000);
  });
  it('a receiver broken by an abandoned request: timeout.abandoned-request warns', async () => {
    const r = await receiver('svix-dies-on-abort.mjs', 'optipick');
    const res = await run('optipick', r.url, ['timeout.abandoned-request']);
    expect(res['timeout.abandoned-request'].status).toBe('warn');
  });
});

describe('delivery.retry-recovery (the engine on the documented schedule, compressed)', () => {
  const effects = (r: Running) => ({ effects: effectsObserver(r.origin + '/_effects') });
  it('a receiver that dedups ends delivered and processed once, with virtual offsets 0, 5 s, 5 min 5 s', async () => {
    const r = await receiver('svix-correct.mjs', 'optipick');
    const res = await run('optipick', r.url, ['delivery.retry-recovery'], effects(r));
    expect(res['delivery.retry-recovery'].status).toBe('pass');
    expect(res['delivery.retry-recovery'].message).toMatch(/delivered on attempt 3 and processed once/);
    expect(res['delivery.retry-recovery'].message).toMatch(/#2 at 5(\.\d+)? ?s/);
  });
  it('without dedup the retries are processed again: warn (SHOULD)', async () => {
    const r = await receiver('svix-no-dedup.mjs', 'dimmy');
    const res = await run('dimmy', r.url, ['delivery.retry-recovery'], effects(r));
    expect(res['delivery.retry-recovery'].status).toBe('warn');
    expect(res['delivery.retry-recovery'].message).toMatch(/processed 3 times/);
  });
  it('OmniSales: the duplicate flag on the retries passes; nothing observable is skip', async () => {
    const flag = await receiver('omnisales-flag-only.mjs', 'omnisales');
    expect((await run('omnisales', flag.url, ['delivery.retry-recovery']))['delivery.retry-recovery'].status).toBe('pass');
    const silent = await receiver('omnisales-no-dedup-no-effects.mjs', 'omnisales');
    expect((await run('omnisales', silent.url, ['delivery.retry-recovery']))['delivery.retry-recovery'].status).toBe('skip');
  });
});
