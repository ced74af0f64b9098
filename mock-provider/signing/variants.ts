import type { SignatureScheme, SignedRequest, SignInput, SignOptions } from './scheme.js';

/**
 * Named ways to build a delivery: the correct one, ones a receiver must refuse
 * (forgeries, stale messages, missing or broken headers), and unusual ones it must
 * still accept (key rotation). Every variant starts from the same message so a
 * check changes exactly one thing relative to the baseline.
 */
export interface Variant {
  name: string;
  description: string;
  expect: 'accept' | 'refuse';
  request: SignedRequest;
}

export interface VariantContext {
  scheme: SignatureScheme;
  secret: string;
  /** The message; `timestamp` is "now" for the baseline. */
  input: SignInput;
  opts?: SignOptions;
  /** Non-signature headers every delivery carries (content-type, user-agent). */
  staticHeaders: Record<string, string>;
}

/** Offsets (seconds) the timestamp checks use: twice the 5-min window each way, and half of it. */
export const STALE_OFFSET_SEC = -600;
export const FUTURE_OFFSET_SEC = 600;
export const WITHIN_WINDOW_OFFSET_SEC = -150;

function assemble(ctx: VariantContext, sigHeaders: Record<string, string>, body: Buffer = ctx.input.body): SignedRequest {
  return { headers: { ...ctx.staticHeaders, ...sigHeaders }, body };
}

function signed(ctx: VariantContext, input: SignInput = ctx.input, secret = ctx.secret): Record<string, string> {
  return ctx.scheme.sign(secret, input, ctx.opts);
}

function withSignature(ctx: VariantContext, value: string): SignedRequest {
  const h = signed(ctx);
  h[ctx.scheme.headerNames(ctx.opts).signature] = value;
  return assemble(ctx, h);
}

function without(ctx: VariantContext, names: string[]): SignedRequest {
  const h = signed(ctx);
  for (const n of names) delete h[n];
  return assemble(ctx, h);
}

/** The correct delivery. */
export function validRequest(ctx: VariantContext): SignedRequest {
  return assemble(ctx, signed(ctx));
}

/** Signed over `ctx.input.body`, sent with `body` instead: the content changed after signing. */
export function tamperedRequest(ctx: VariantContext, body: Buffer): SignedRequest {
  return assemble(ctx, signed(ctx), body);
}

export function timestampShifted(ctx: VariantContext, offsetSec: number): SignedRequest {
  return assemble(ctx, signed(ctx, { ...ctx.input, timestamp: ctx.input.timestamp + offsetSec }));
}

export function wrongSecretRequest(ctx: VariantContext): SignedRequest {
  return assemble(ctx, signed(ctx, ctx.input, ctx.scheme.generateSecret()));
}

/** `count` signatures of which the one at `position` is valid; the others are made with other (rotated-out) secrets. */
export function multipleSignaturesRequest(ctx: VariantContext, position: number, count: number): SignedRequest {
  const join = ctx.scheme.joinSignatures;
  if (!join) throw new Error(`${ctx.scheme.name} carries one signature only`);
  const values = Array.from({ length: count }, (_, i) =>
    i === position ? ctx.scheme.signatureValue(ctx.secret, ctx.input) : ctx.scheme.signatureValue(ctx.scheme.generateSecret(), ctx.input),
  );
  return withSignature(ctx, join(values));
}

export function variantsFor(ctx: VariantContext): Variant[] {
  const { scheme, opts } = ctx;
  const needed = scheme.verificationHeaders(opts);
  const out: Variant[] = [
    { name: 'valid', description: 'correctly signed', expect: 'accept', request: validRequest(ctx) },
    { name: 'wrong-secret', description: 'signed with another secret', expect: 'refuse', request: wrongSecretRequest(ctx) },
    { name: 'stale-timestamp', description: 'timestamp 10 min in the past', expect: 'refuse', request: timestampShifted(ctx, STALE_OFFSET_SEC) },
    { name: 'future-timestamp', description: 'timestamp 10 min in the future', expect: 'refuse', request: timestampShifted(ctx, FUTURE_OFFSET_SEC) },
    { name: 'within-window', description: 'timestamp 2.5 min in the past', expect: 'accept', request: timestampShifted(ctx, WITHIN_WINDOW_OFFSET_SEC) },
    {
      name: 'tampered-body',
      description: 'one byte of the body changed after signing',
      expect: 'refuse',
      request: tamperedRequest(ctx, flipLastDigitOrByte(ctx.input.body)),
    },
  ];
  for (const h of needed) {
    out.push({ name: `missing:${h}`, description: `the ${h} header missing`, expect: 'refuse', request: without(ctx, [h]) });
  }
  out.push({ name: 'missing-all', description: `all of ${needed.join(', ')} missing`, expect: 'refuse', request: without(ctx, needed) });
  for (const m of scheme.malformedSignatures()) {
    out.push({ name: `malformed:${m.name}`, description: m.description, expect: 'refuse', request: withSignature(ctx, m.value) });
  }
  if (scheme.joinSignatures) {
    for (const [label, pos] of [['first', 0], ['middle', 1], ['last', 2]] as const) {
      out.push({
        name: `multiple-signatures:${label}`,
        description: `three signatures, the valid one ${label}`,
        expect: 'accept',
        request: multipleSignaturesRequest(ctx, pos, 3),
      });
    }
    const valid = scheme.signatureValue(ctx.secret, ctx.input);
    const b64 = valid.slice(valid.indexOf(',') + 1);
    out.push({
      name: 'unknown-versions',
      description: 'unknown versions (v1a, v2) beside the valid v1 signature',
      expect: 'accept',
      request: withSignature(ctx, scheme.joinSignatures([`v1a,${Buffer.alloc(64, 7).toString('base64')}`, `v2,${b64}`, valid])),
    });
    out.push({
      name: 'valid-under-unknown-version',
      description: 'the right signature bytes labelled v2 instead of v1 (only v1 is HMAC)',
      expect: 'refuse',
      request: withSignature(ctx, `v2,${b64}`),
    });
    out.push({
      name: 'all-signatures-wrong',
      description: 'three v1 signatures, none made with the secret',
      expect: 'refuse',
      request: withSignature(ctx, scheme.joinSignatures([0, 1, 2].map(() => scheme.signatureValue(scheme.generateSecret(), ctx.input)))),
    });
  }
  return out;
}

/** A minimal content change: flip a digit if there is one (still valid JSON), else the last byte. */
export function flipLastDigitOrByte(body: Buffer): Buffer {
  const out = Buffer.from(body);
  for (let i = out.length - 1; i >= 0; i--) {
    const c = out[i];
    if (c >= 0x30 && c <= 0x39) {
      out[i] = c === 0x39 ? 0x30 : c + 1;
      return out;
    }
  }
  if (out.length > 0) out[out.length - 1] ^= 0x01;
  return out;
}
