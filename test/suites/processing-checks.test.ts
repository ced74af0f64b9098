import { afterAll, describe, expect, it } from 'vitest';
import express from 'express';
import { Webhook } from 'svix';
import { listen, startExample, type Running } from '../helpers/receivers.js';
import { runAgainst } from '../helpers/run-checks.js';
import { effectsObserver } from '../../suites/observe/effects-url.js';
import { fetchBackObserver } from '../../suites/observe/fetch-back.js';
import { createFetchBackApi, serveFetchBack } from '../../mock-provider/rest-api/index.js';
import { getProfile } from '../../fixtures/index.js';

/*
 * Positive checks see processing, not only a 2xx (issue 10 item 3), proven both ways:
 * a receiver that answers 200 to a failed verification fails signature.raw-body once an
 * observer can see it; a correct receiver passes with its variants processed; a receiver
 * that legitimately ignores a type is never blamed for not processing variants of it.
 */

const SVIX = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OMNI = 'whsec_' + 'ef56'.repeat(12);
const POSITIVE = ['signature.valid', 'signature.raw-body', 'signature.timestamp-within-window', 'signature.multiple-signatures', 'status.content-type-variants'];

const open: Running[] = [];
afterAll(async () => {
  await Promise.all(open.map((r) => r.close()));
});
async function started(p: Promise<Running>): Promise<Running> {
  const r = await p;
  open.push(r);
  return r;
}
const effectsOf = (r: Running) => ({ settleMs: 300, effects: effectsObserver(`${r.origin}/_effects`) });

describe('a receiver that answers 200 to a failed verification', () => {
  it('fails signature.raw-body with an observer: "answered 2xx but never processed it"', async () => {
    const r = await started(startExample('svix-200-on-failed-verification.mjs', SVIX, '/webhook'));
    const res = await runAgainst({ provider: 'optipick', url: r.url, secret: SVIX, only: ['signature.valid', 'signature.raw-body'], runs: 5, observation: effectsOf(r) });
    expect(res['signature.valid'].status).toBe('pass');
    const raw = res['signature.raw-body'];
    expect(raw.status).toBe('fail');
    expect(raw.message).toMatch(/^answered 2xx but never processed it: 2 of 2 accepted variants/);
    expect(raw.evidence[0].expected).toBe('a 2xx answer and processing');
    expect(raw.evidence[0].response?.body).toContain('"success":false');
  });

  it('without any observer only the answer can be judged, and the 2xx stands', async () => {
    const r = await started(startExample('svix-200-on-failed-verification.mjs', SVIX, '/webhook'));
    const res = await runAgainst({ provider: 'optipick', url: r.url, secret: SVIX, only: ['signature.raw-body'], runs: 5 });
    expect(res['signature.raw-body'].status).toBe('pass');
  });
});

describe('a correct receiver', () => {
  it('passes every positive check with its variants processed (effects URL)', async () => {
    const r = await started(startExample('svix-correct.mjs', SVIX, '/webhook'));
    const res = await runAgainst({ provider: 'dimmy', url: r.url, secret: SVIX, only: [...POSITIVE, 'status.large-payload'], runs: 5, observation: effectsOf(r) });
    for (const id of [...POSITIVE, 'status.large-payload']) expect(res[id].status, `${id}: ${res[id].message}`).toBe('pass');
    for (const id of POSITIVE.slice(1)) expect(res[id].message).toContain('every accepted variant was also processed');
  });

  it('passes with fetch-back as the observer', async () => {
    const api = createFetchBackApi(getProfile('optipick'), { seed: 1 });
    const server = await serveFetchBack(api, { port: 0 });
    open.push({ url: server.url, origin: server.url, close: () => server.close() });
    const r = await started(startExample('svix-fetchback-correct.mjs', SVIX, '/webhook', { apiUrl: server.url, apiKey: 'k' }));
    const res = await runAgainst({ provider: 'optipick', url: r.url, secret: SVIX, only: POSITIVE, runs: 5, observation: { settleMs: 300, fetchBack: { observer: fetchBackObserver(api, server.url), counts: api } } });
    for (const id of POSITIVE) expect(res[id].status, `${id}: ${res[id].message}`).toBe('pass');
    expect(res['signature.raw-body'].message).toContain('every accepted variant was also processed (fetch-back API');
  });
});

describe('fetch-back sees entities, not messages', () => {
  it('a Dimmy receiver with nothing to fetch for a full payload is not blamed, though catalog examples of two types share an item id', async () => {
    const api = createFetchBackApi(getProfile('dimmy'), { seed: 1 });
    const server = await serveFetchBack(api, { port: 0 });
    open.push({ url: server.url, origin: server.url, close: () => server.close() });
    const r = await started(startExample('svix-fetchback-correct.mjs', SVIX, '/webhook', { apiUrl: server.url, apiKey: 'k' }));
    const res = await runAgainst({ provider: 'dimmy', url: r.url, secret: SVIX, only: ['signature.valid', 'status.large-payload'], observation: { settleMs: 300, fetchBack: { observer: fetchBackObserver(api, server.url), counts: api } } });
    expect(res['status.large-payload'].status, res['status.large-payload'].message).toBe('pass');
    expect(res['status.large-payload'].message).toContain('processing not observed for item.scanned.full_payload');
  });
});

describe('a receiver that legitimately ignores a type', () => {
  it('is never blamed: variants of the ignored type pass, saying processing was not observed', async () => {
    const r = await started(startExample('omnisales-ignores-payments.mjs', OMNI, '/webhooks/omni'));
    const res = await runAgainst({ provider: 'omnisales', url: r.url, secret: OMNI, events: ['payment.received', 'order.created'], only: ['signature.valid', 'signature.raw-body', 'status.content-type-variants'], runs: 5, observation: effectsOf(r) });
    expect(res['signature.raw-body'].status).toBe('pass');
    expect(res['signature.raw-body'].message).toContain('processing not observed for payment.received');
    expect(res['status.content-type-variants'].status).toBe('pass');
    expect(res['status.content-type-variants'].message).toContain('processing not observed for payment.received');
  });
});

/** svix-correct, except that `drop(req)` requests are answered 200 and not processed. */
function dropping(drop: (req: express.Request) => boolean) {
  const wh = new Webhook(SVIX);
  const effects: string[] = [];
  const app = express();
  app.post('/webhook', express.raw({ type: () => true, limit: '20mb' }), (req, res) => {
    try {
      wh.verify(req.body, req.headers as Record<string, string>);
    } catch {
      return res.status(400).json({ error: 'invalid signature' });
    }
    if (drop(req)) return res.status(200).json({ received: true });
    effects.push(String(req.get('svix-id')));
    res.status(200).json({ received: true });
  });
  app.get('/_effects', (_req, res) => res.json(effects));
  return app;
}

describe('the severity of the processing part follows the check', () => {
  it('a SHOULD check warns: content-type variants answered 200 and dropped', async () => {
    const r = await started(listen(dropping((req) => req.get('content-type') !== 'application/json'), '/webhook'));
    const res = await runAgainst({ provider: 'optipick', url: r.url, secret: SVIX, only: ['signature.valid', 'status.content-type-variants'], observation: effectsOf(r) });
    expect(res['status.content-type-variants'].status).toBe('warn');
    expect(res['status.content-type-variants'].message).toMatch(/^answered 2xx but never processed it: 4 of 4/);
  });

  it('a MUST check fails: Dimmy full payloads of 1 MiB answered 200 and dropped', async () => {
    const r = await started(listen(dropping((req) => Number(req.get('content-length')) > 100_000), '/webhook'));
    const res = await runAgainst({ provider: 'dimmy', url: r.url, secret: SVIX, only: ['signature.valid', 'status.large-payload'], observation: effectsOf(r) });
    expect(res['status.large-payload'].status).toBe('fail');
    expect(res['status.large-payload'].message).toMatch(/^answered 2xx but never processed it: 2 of 2/);
  });
});
