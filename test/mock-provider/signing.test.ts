import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Webhook as SvixWebhook } from 'svix';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { createHmac } from 'node:crypto';
import { svixV1, svixSignature } from '../../mock-provider/signing/svix-v1.js';
import { omnisalesHex, omnisalesSignature } from '../../mock-provider/signing/omnisales-hex.js';
import { variantRequests } from '../../mock-provider/signing/variants.js';
import { PROVIDERS } from '../../fixtures/index.js';
import type { SignInput } from '../../mock-provider/signing/scheme.js';
import { HookgateError } from '../../fixtures/hookgate-error.js';

const now = () => Math.floor(Date.now() / 1000);

/** Asks the official svix library whether a request verifies; false on any throw. */
function svixAccepts(secret: string, headers: Record<string, string>, body: Buffer): boolean {
  try {
    new SvixWebhook(secret).verify(body, headers);
    return true;
  } catch {
    return false;
  }
}

/** The same question for standardwebhooks, which only reads `webhook-*` headers. */
function standardAccepts(secret: string, headers: Record<string, string>, body: Buffer): boolean {
  try {
    new StandardWebhook(secret).verify(body, headers);
    return true;
  } catch {
    return false;
  }
}

/** OmniSales as the guide's Python example verifies it (raw body, hex, 300 s window). */
function omnisalesAccepts(secret: string, headers: Record<string, string>, body: Buffer): boolean {
  const sig = headers['x-webhook-signature'];
  const ts = Number(headers['x-webhook-timestamp']);
  if (!sig || !Number.isFinite(ts) || Math.abs(now() - ts) > 300) return false;
  const expected = createHmac('sha256', secret).update(body).digest('hex');
  return sig.length === expected.length && Buffer.from(sig, 'latin1').equals(Buffer.from(expected));
}

const jsonBody = fc.jsonValue().map((v) => Buffer.from(JSON.stringify({ data: v }), 'utf8'));

describe('svix v1 signing', () => {
  it('reproduces the published Standard Webhooks vector', () => {
    const input: SignInput = {
      id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: 1614265330,
      body: Buffer.from('{"test": 2432232314}'),
    };
    expect(svixV1.signatureValue('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', input)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    // And the oracle agrees on the same vector.
    expect(new SvixWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').sign(input.id, new Date(input.timestamp * 1000), input.body.toString())).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('every signature it makes verifies with svix Webhook.verify (svix-* headers)', () => {
    fc.assert(
      fc.property(jsonBody, fc.stringMatching(/^msg_[A-Za-z0-9]{27}$/), (body, id) => {
        const secret = svixV1.generateSecret();
        const headers = svixV1.sign(secret, { id, timestamp: now(), body });
        expect(Object.keys(headers).sort()).toEqual(['svix-id', 'svix-signature', 'svix-timestamp']);
        expect(svixAccepts(secret, headers, body)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('webhook-* style verifies with standardwebhooks and svix', () => {
    fc.assert(
      fc.property(jsonBody, (body) => {
        const secret = svixV1.generateSecret();
        const headers = svixV1.sign(secret, { id: 'msg_abc', timestamp: now(), body }, { headerStyle: 'standard' });
        expect(Object.keys(headers).sort()).toEqual(['webhook-id', 'webhook-signature', 'webhook-timestamp']);
        expect(standardAccepts(secret, headers, body)).toBe(true);
        expect(svixAccepts(secret, headers, body)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('signs the exact bytes, not a re-serialization', () => {
    const secret = svixV1.generateSecret();
    const a = svixSignature(secret, { id: 'msg_1', timestamp: 1, body: Buffer.from('{"a":1}') });
    const b = svixSignature(secret, { id: 'msg_1', timestamp: 1, body: Buffer.from('{ "a": 1 }') });
    expect(a).not.toBe(b);
  });

  it('generated secrets are whsec_ + base64 of 24 bytes and pass validation', () => {
    const s = svixV1.generateSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(() => svixV1.validateSecret(s, 'OptiPick')).not.toThrow();
  });

  it('rejects a secret in the wrong format without echoing it', () => {
    for (const bad of ['hunter2', 'whsec_short', 'whsec_' + '!'.repeat(40), '']) {
      let err: unknown;
      try {
        svixV1.validateSecret(bad, 'OptiPick');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(HookgateError);
      expect((err as HookgateError).code).toBe('BAD_SECRET');
      if (bad) expect((err as HookgateError).message + (err as HookgateError).hint).not.toContain(bad);
    }
  });
});

describe('svix variants, built as the checks and replay build them, against the official verifier', () => {
  const arb = fc.record({ body: jsonBody, style: fc.constantFrom('svix' as const, 'standard' as const), provider: fc.constantFrom('optipick' as const, 'dimmy' as const) });

  it('every wrong variant fails Webhook.verify and every right one passes', () => {
    fc.assert(
      fc.property(arb, ({ body, style, provider }) => {
        const secret = svixV1.generateSecret();
        const variants = variantRequests({ profile: PROVIDERS[provider], secret, messageId: 'msg_2Lh1VVKJzmJwUm6VJ8Ed4ctsVLx', webhookId: 'unused', body, headerStyle: style, now: now() });
        for (const v of variants) {
          const accepted = svixAccepts(secret, v.request.headers, v.request.body);
          expect({ name: v.name, accepted }).toEqual({ name: v.name, accepted: v.expect === 'accept' });
          if (style === 'standard') {
            expect({ name: v.name, std: standardAccepts(secret, v.request.headers, v.request.body) }).toEqual({ name: v.name, std: v.expect === 'accept' });
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('offers every named variant the checks need', () => {
    const variants = variantRequests({ profile: PROVIDERS.optipick, secret: svixV1.generateSecret(), messageId: 'msg_x', webhookId: 'unused', body: Buffer.from('{"a":1}') });
    const names = variants.map((v) => v.name);
    for (const n of [
      'valid',
      'wrong-secret',
      'stale-timestamp',
      'future-timestamp',
      'within-window',
      'tampered-body',
      'missing:svix-id',
      'missing:svix-timestamp',
      'missing:svix-signature',
      'missing-all',
      'malformed:empty',
      'malformed:wrong-length',
      'malformed:not-base64',
      'malformed:huge',
      'malformed:non-ascii',
      'multiple-signatures:first',
      'multiple-signatures:middle',
      'multiple-signatures:last',
      'unknown-versions',
    ])
      expect(names).toContain(n);
    const huge = variants.find((v) => v.name === 'malformed:huge')!;
    expect(huge.request.headers['svix-signature'].length).toBeGreaterThanOrEqual(10 * 1024);
    const nonAscii = variants.find((v) => v.name === 'malformed:non-ascii')!;
    expect([...nonAscii.request.headers['svix-signature']].some((c) => c.charCodeAt(0) > 0x7f)).toBe(true);
  });
});

describe('OmniSales hex signing', () => {
  it('reproduces the hex-HMAC vector', () => {
    expect(omnisalesSignature('convoy-webhook-secret', Buffer.from('{"event":"charge.success","amount":1000,"currency":"NGN"}'))).toBe(
      '244449b7f48cbc2709060c9dcdc2b3aa47a78f540430579015c579fb12defbb4',
    );
  });

  it('keys the HMAC with the whole secret string, whsec_ included, and does not sign the timestamp', () => {
    const secret = omnisalesHex.generateSecret();
    const body = Buffer.from('{"id":"evt_1"}');
    const a = omnisalesHex.sign(secret, { id: 'wh', timestamp: 1, body });
    const b = omnisalesHex.sign(secret, { id: 'wh', timestamp: 2, body });
    expect(a['x-webhook-signature']).toBe(b['x-webhook-signature']);
    expect(a['x-webhook-signature']).toBe(createHmac('sha256', secret).update(body).digest('hex'));
    expect(a['x-webhook-signature']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('every wrong variant fails a raw-body verifier and every right one passes', () => {
    fc.assert(
      fc.property(jsonBody, (body) => {
        const secret = omnisalesHex.generateSecret();
        const variants = variantRequests({ profile: PROVIDERS.omnisales, secret, messageId: 'evt_1', webhookId: 'b6d0e8a4-0000-4000-8000-000000000000', body, now: now() });
        expect(variants.some((v) => v.name.startsWith('multiple-signatures'))).toBe(false);
        for (const v of variants) {
          expect({ name: v.name, accepted: omnisalesAccepts(secret, v.request.headers, v.request.body) }).toEqual({
            name: v.name,
            accepted: v.expect === 'accept',
          });
        }
      }),
      { numRuns: 60 },
    );
  });

  it('needs signature and timestamp, never X-Webhook-ID', () => {
    expect(omnisalesHex.verificationHeaders()).toEqual(['x-webhook-signature', 'x-webhook-timestamp']);
  });

  it('validates the secret format', () => {
    expect(() => omnisalesHex.validateSecret(omnisalesHex.generateSecret(), 'OmniSales')).not.toThrow();
    expect(() => omnisalesHex.validateSecret('sk_live_abc', 'OmniSales')).toThrow(HookgateError);
  });
});
