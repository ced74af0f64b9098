import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Webhook } from 'svix';
import { signedRequest, variantNames, type SignatureVariantName, type SignedWebhook } from '../../msw/index.js';

/*
 * Every variant is judged by an independent verifier, never by hookgate's own signing code: the
 * official `svix` library for OptiPick and Dimmy (it reads svix-* and webhook-* headers alike),
 * and for OmniSales the guide's rule written out here with node:crypto. A correct verifier must
 * accept exactly the variants marked `accept`.
 */

const SVIX_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OMNI_SECRET = 'whsec_0f1e2d3c4b5a69788796a5b4c3d2e1f0';

function svixAccepts(s: SignedWebhook, secret = SVIX_SECRET): boolean {
  try {
    new Webhook(secret).verify(s.body, s.headers);
    return true;
  } catch {
    return false;
  }
}

/** The OmniSales guide's verification: lowercase hex HMAC-SHA256 of the raw body keyed with the whole secret, and a 300 s window. */
function omnisalesAccepts(s: SignedWebhook, secret = OMNI_SECRET, now = Math.floor(Date.now() / 1000)): boolean {
  const sig = s.headers['x-webhook-signature'];
  const ts = s.headers['x-webhook-timestamp'];
  if (sig === undefined || ts === undefined || !/^\d+$/.test(ts)) return false;
  if (Math.abs(now - Number(ts)) > 300) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(s.body).digest('hex'), 'latin1');
  const given = Buffer.from(sig, 'latin1');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const SVIX_CASES = [
  { provider: 'optipick', type: 'cluster.optimized' },
  { provider: 'optipick', type: 'route.optimized.Example.673f48095739843f4de65ec9' },
  { provider: 'dimmy', type: 'items.scanned' },
  { provider: 'dimmy', type: 'item.scanned.full_payload' },
] as const;

describe('signedRequest: Svix providers, judged by the svix library', () => {
  for (const { provider, type } of SVIX_CASES) {
    for (const headerStyle of ['svix', 'standard'] as const) {
      const names = variantNames(provider, headerStyle);
      it(`${provider} ${type} (${headerStyle} headers): ${names.length} variants, each accepted or refused as it says`, () => {
        const judged = names.map((variant) => signedRequest({ provider, type, secret: SVIX_SECRET, variant, headerStyle }));
        expect(judged.map((s) => `${s.variant}: ${svixAccepts(s) ? 'accept' : 'refuse'}`)).toEqual(judged.map((s) => `${s.variant}: ${s.expect}`));
        // The oracle is not blind: the valid delivery fails under another secret.
        expect(svixAccepts(judged[0], 'whsec_' + Buffer.alloc(24, 1).toString('base64'))).toBe(false);
      });
    }
  }

  it('names every variant the issue names, with the expectation a correct receiver meets', () => {
    const expects = Object.fromEntries(variantNames('optipick').map((v) => [v, signedRequest({ provider: 'optipick', type: 'cluster.optimized', secret: SVIX_SECRET, variant: v }).expect]));
    expect(expects).toMatchObject({
      valid: 'accept',
      'within-window': 'accept',
      'stale-timestamp': 'refuse',
      'future-timestamp': 'refuse',
      'wrong-secret': 'refuse',
      'tampered-body': 'refuse',
      'missing-signature': 'refuse',
      'missing-timestamp': 'refuse',
      'missing-id': 'refuse',
      'missing-all': 'refuse',
      'malformed-signature': 'refuse',
      'multiple-signatures:middle': 'accept',
      'all-signatures-wrong': 'refuse',
    });
  });

  it('the Request carries exactly the headers and bytes that were signed (or tampered)', async () => {
    for (const variant of ['valid', 'tampered-body', 'missing-id', 'malformed:non-ascii'] as const) {
      const s = signedRequest({ provider: 'dimmy', type: 'items.scanned', secret: SVIX_SECRET, variant, url: 'http://127.0.0.1:3000/hooks/dimmy' });
      const req = s.request;
      expect(req.method).toBe('POST');
      expect(req.url).toBe('http://127.0.0.1:3000/hooks/dimmy');
      expect(Object.fromEntries(req.headers)).toEqual(s.headers);
      expect(Buffer.from(await req.arrayBuffer()).equals(s.body)).toBe(true);
      // Each read is a new Request, so a test can hand it to the handler twice.
      expect(Buffer.from(await s.request.arrayBuffer()).equals(s.body)).toBe(true);
    }
  });

  it('the body is the data, the id is svix-id, and the timestamp is the one asked for plus the variant offset', () => {
    const data = { request_id: 'req-42', type: 'cluster', status: 'completed' };
    const s = signedRequest({ provider: 'optipick', type: 'cluster.optimized', secret: SVIX_SECRET, data, id: 'msg_fixed', timestamp: new Date(1_700_000_000_500) });
    expect(JSON.parse(s.body.toString('utf8'))).toEqual(data);
    expect(s.headers['svix-id']).toBe('msg_fixed');
    expect(s.id).toBe('msg_fixed');
    expect(s.entityId).toBe('req-42');
    expect(s.headers['svix-timestamp']).toBe('1700000000');
    const stale = signedRequest({ provider: 'optipick', type: 'cluster.optimized', secret: SVIX_SECRET, data, timestamp: 1_700_000_000, variant: 'stale-timestamp' });
    expect(stale.timestamp).toBe(1_700_000_000 - 600);
    expect(stale.headers['svix-timestamp']).toBe(String(1_700_000_000 - 600));
    // Only the time is wrong: the signature is the right one for the timestamp it carries.
    const key = Buffer.from(SVIX_SECRET.slice('whsec_'.length), 'base64');
    const mac = createHmac('sha256', key).update(`${stale.id}.${stale.timestamp}.`).update(stale.body).digest('base64');
    expect(stale.headers['svix-signature']).toBe(`v1,${mac}`);
  });

  it('default data is one realistic sample with fresh ids; a seed repeats it', () => {
    const a = signedRequest({ provider: 'optipick', type: 'cluster.optimized', secret: SVIX_SECRET });
    const b = signedRequest({ provider: 'optipick', type: 'cluster.optimized', secret: SVIX_SECRET });
    expect(a.entityId).not.toBe(b.entityId);
    expect(a.id).not.toBe(b.id);
    expect(a.data).toMatchObject({ type: 'cluster', status: 'completed' });
    const s1 = signedRequest({ provider: 'optipick', type: 'cluster.optimized', secret: SVIX_SECRET, seed: 7 });
    const s2 = signedRequest({ provider: 'optipick', type: 'cluster.optimized', secret: SVIX_SECRET, seed: 7 });
    expect(s1.data).toEqual(s2.data);
  });
});

describe('signedRequest: OmniSales, judged by the guide’s HMAC hex rule', () => {
  const names = variantNames('omnisales');

  it(`${names.length} variants, each accepted or refused as it says`, () => {
    for (const type of ['order.created', 'payment.received', 'ticket.closed']) {
      for (const variant of names) {
        const s = signedRequest({ provider: 'omnisales', type, secret: OMNI_SECRET, variant });
        expect(`${type} ${variant}: ${omnisalesAccepts(s) ? 'accept' : 'refuse'}`).toBe(`${type} ${variant}: ${s.expect}`);
      }
    }
    // The oracle is not blind: the valid delivery fails under another secret.
    const valid = signedRequest({ provider: 'omnisales', type: 'order.created', secret: OMNI_SECRET });
    expect(omnisalesAccepts(valid)).toBe(true);
    expect(omnisalesAccepts(valid, OMNI_SECRET + 'x')).toBe(false);
  });

  it('wraps data in the envelope whose id is the dedup key; X-Webhook-ID is the webhook configuration', () => {
    const s = signedRequest({ provider: 'omnisales', type: 'order.created', secret: OMNI_SECRET, data: { order_id: 'ord_1' }, id: 'evt_1', webhookId: 'wh_9' });
    expect(JSON.parse(s.body.toString('utf8'))).toMatchObject({ id: 'evt_1', event: 'order.created', data: { order_id: 'ord_1' } });
    expect(s.headers).toMatchObject({ 'x-webhook-id': 'wh_9', 'user-agent': 'OmniSales-Webhook/1.0', 'content-type': 'application/json' });
    expect(s.headers['x-webhook-signature']).toBe(createHmac('sha256', OMNI_SECRET).update(s.body).digest('hex'));
  });

  it('has no missing-id: X-Webhook-ID is not signed, so its absence is no forgery', () => {
    expect(names).not.toContain('missing-id');
    expect(() => signedRequest({ provider: 'omnisales', type: 'order.created', secret: OMNI_SECRET, variant: 'missing-id' })).toThrow(/does not sign X-Webhook-ID/);
  });
});

describe('signedRequest: mistakes', () => {
  it('an unknown variant lists the known ones', () => {
    expect(() => signedRequest({ provider: 'optipick', type: 'cluster.optimized', secret: SVIX_SECRET, variant: 'stale' as SignatureVariantName })).toThrow(/unknown signature variant "stale" for OptiPick; known: valid, wrong-secret, stale-timestamp/);
  });

  it('an unknown type suggests the nearest one', () => {
    expect(() => signedRequest({ provider: 'optipick', type: 'cluster.optimised', secret: SVIX_SECRET })).toThrow(/unknown event "cluster.optimised" for OptiPick/);
  });

  it('a secret in the wrong format is refused without being echoed', () => {
    const secret = 'sk_live_not_a_webhook_secret_at_all';
    let message = '';
    try {
      signedRequest({ provider: 'dimmy', type: 'items.scanned', secret });
    } catch (err) {
      message = String(err);
    }
    expect(message).toMatch(/not in the Dimmy secret format/);
    expect(message).not.toContain(secret);
    expect(message).not.toContain('not_a_webhook');
  });

  it('the secret never appears in what it returns', () => {
    const s = signedRequest({ provider: 'omnisales', type: 'order.created', secret: OMNI_SECRET });
    expect(JSON.stringify({ ...s, body: s.body.toString('utf8') })).not.toContain(OMNI_SECRET.slice(6));
  });
});
