// Smoke tests of the flawed example receivers in examples/receivers/: each one
// shows its flaw AND otherwise behaves like the correct receiver, so that a
// hookgate check pointed at it fails (or warns) for exactly one reason.
// Requests are built by hand (./kit.ts, node:crypto), not with hookgate.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startExample, type Running } from '../helpers/receivers.js';
import {
  compact,
  effects,
  largePayload,
  latin1OfUtf8,
  msgId,
  newOmniSecret,
  newSvixSecret,
  nowSec,
  omniEnvelope,
  optipickPayload,
  postOmni,
  postSvix,
  pretty,
  spawnReceiver,
  svixSignature,
  type Child,
} from './kit.js';

const STALE = -600;
const FUTURE = 600;
const WITHIN = -150;
const NON_ASCII_SIG = latin1OfUtf8('v1,sïgnätürë€✓');

/** Starts an in-process example receiver for one describe block. */
function inProcess(file: string, secret: string, path: string) {
  const ctx = { r: undefined as unknown as Running };
  beforeAll(async () => {
    ctx.r = await startExample(file, secret, path);
  });
  afterAll(async () => {
    await ctx.r?.close();
  });
  return ctx;
}

/** Three v1 signatures, the valid one at `pos`, the others made with rotated-out secrets. */
function rotated(secret: string, id: string, ts: number, body: Buffer, pos: number): string {
  return [0, 1, 2].map((i) => svixSignature(i === pos ? secret : newSvixSecret(), id, ts, body)).join(' ');
}

// =====================================================================================
describe('svix-stringify.mjs — verifies JSON.stringify(req.body) → fails signature.raw-body', () => {
  const secret = newSvixSecret();
  const ctx = inProcess('svix-stringify.mjs', secret, '/webhook');

  it('accepts the compact JSON.stringify form', async () => {
    expect((await postSvix(ctx.r.url, secret, compact(optipickPayload()))).status).toBe(200);
  });
  it('FLAW: refuses the same value serialized with extra whitespace, signed over the bytes sent', async () => {
    const r = await postSvix(ctx.r.url, secret, pretty(optipickPayload()));
    expect(r.status).toBe(400);
  });
  it('FLAW: refuses other serializations too (\\u escapes, escaped /, 1.50, integer-like keys out of order)', async () => {
    for (const body of ['{"request_id":"caf\\u00e9"}', '{"url":"a\\/b"}', '{"n":1.50}', '{"b":1,"2":2,"1":3}', '{"a":1}\n']) {
      expect((await postSvix(ctx.r.url, secret, body)).status, body).toBe(400);
    }
  });
  it('NOTE for check authors: a plain key reorder survives JSON.parse + JSON.stringify, so it does not expose the flaw', async () => {
    // Object keys keep insertion order unless they are integer-like ("1", "2"), which JS sorts first.
    expect((await postSvix(ctx.r.url, secret, '{"status":"completed","request_id":"a1"}')).status).toBe(200);
  });
  it('otherwise correct: refuses forgeries, stale and future timestamps, missing headers with 400', async () => {
    const body = Buffer.from(compact(optipickPayload()));
    expect((await postSvix(ctx.r.url, secret, body, { signedBody: Buffer.from(compact({ x: 1 })) })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, body, { signWith: newSvixSecret() })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, body, { ts: nowSec() + STALE })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, body, { ts: nowSec() + FUTURE })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, body, { omit: ['svix-signature'] })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, body, { sig: NON_ASCII_SIG })).status).toBe(400);
  });
  it('otherwise correct: rotation, content-type variants, 1 MiB, dedup', async () => {
    const id = msgId();
    const ts = nowSec();
    const body = Buffer.from(compact(optipickPayload()));
    expect((await postSvix(ctx.r.url, secret, body, { id, ts, sig: rotated(secret, id, ts, body, 2) })).status).toBe(200);
    expect((await postSvix(ctx.r.url, secret, body, { id, contentType: 'application/json; charset=utf-8' })).status).toBe(200);
    expect((await postSvix(ctx.r.url, secret, largePayload(1024 * 1024))).status).toBe(200);
    expect((await effects(ctx.r.origin)).filter((e) => e === id)).toHaveLength(1);
  });
});

// =====================================================================================
describe('svix-global-json-parser.mjs — app.use(express.json()) left before the route\'s express.raw() → fails signature.valid', () => {
  const secret = newSvixSecret();
  const ctx = inProcess('svix-global-json-parser.mjs', secret, '/webhook');

  it('FLAW: refuses every correctly signed JSON delivery with 400, logging the svix library\'s error to stderr', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect((await postSvix(ctx.r.url, secret, compact(optipickPayload()))).status).toBe(400);
      expect((await postSvix(ctx.r.url, secret, pretty(optipickPayload()))).status).toBe(400);
      expect(logged.mock.calls).toEqual([['Expected payload to be of type string or Buffer.'], ['Expected payload to be of type string or Buffer.']]);
    } finally {
      logged.mockRestore();
    }
  });
  it('what the response says does not name the cause', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const r = await postSvix(ctx.r.url, secret, compact(optipickPayload()));
      expect(r.body).toBe('{"error":"invalid signature"}');
    } finally {
      logged.mockRestore();
    }
  });
});

// =====================================================================================
describe('svix-accept-all.mjs — never verifies → fails every signature.* negative check', () => {
  const secret = newSvixSecret();
  const ctx = inProcess('svix-accept-all.mjs', secret, '/webhook');

  it('accepts valid and differently serialized bodies', async () => {
    expect((await postSvix(ctx.r.url, secret, compact(optipickPayload()))).status).toBe(200);
    expect((await postSvix(ctx.r.url, secret, pretty(optipickPayload()))).status).toBe(200);
  });
  it('FLAW: accepts tampered, wrong-secret, stale, future, unsigned and malformed requests', async () => {
    const body = Buffer.from(compact(optipickPayload()));
    const forged = [
      { signedBody: Buffer.from('{"other":true}') },
      { signWith: newSvixSecret() },
      { ts: nowSec() + STALE },
      { ts: nowSec() + FUTURE },
      { omit: ['svix-signature' as const] },
      { omit: ['svix-id' as const, 'svix-timestamp' as const, 'svix-signature' as const] },
      { sig: '' },
      { sig: NON_ASCII_SIG },
    ];
    for (const o of forged) expect((await postSvix(ctx.r.url, secret, body, o)).status, JSON.stringify(o)).toBe(200);
  });
  it('FLAW, seen by the effects observer: a forged message is processed', async () => {
    const id = msgId();
    expect((await postSvix(ctx.r.url, secret, '{"forged":true}', { id, signWith: newSvixSecret() })).status).toBe(200);
    expect(await effects(ctx.r.origin)).toContain(id);
  });
  it('dedups on svix-id', async () => {
    const id = msgId();
    const body = compact(optipickPayload());
    await postSvix(ctx.r.url, secret, body, { id });
    expect((await postSvix(ctx.r.url, secret, body, { id })).status).toBe(200);
    expect((await effects(ctx.r.origin)).filter((e) => e === id)).toHaveLength(1);
  });
});

// =====================================================================================
describe('svix-no-timestamp-check.mjs — no window → fails stale-/future-timestamp', () => {
  const secret = newSvixSecret();
  const ctx = inProcess('svix-no-timestamp-check.mjs', secret, '/webhook');

  it('FLAW: accepts a correctly signed message 10 min old and 10 min ahead', async () => {
    const body = compact(optipickPayload());
    expect((await postSvix(ctx.r.url, secret, body, { ts: nowSec() + STALE })).status).toBe(200);
    expect((await postSvix(ctx.r.url, secret, body, { ts: nowSec() + FUTURE })).status).toBe(200);
  });
  it('otherwise correct: raw body, any v1 entry, unknown versions ignored', async () => {
    expect((await postSvix(ctx.r.url, secret, compact(optipickPayload()))).status).toBe(200);
    expect((await postSvix(ctx.r.url, secret, pretty(optipickPayload()))).status).toBe(200);
    const id = msgId();
    const ts = nowSec();
    const body = Buffer.from(compact(optipickPayload()));
    expect((await postSvix(ctx.r.url, secret, body, { id, ts, sig: rotated(secret, id, ts, body, 2) })).status).toBe(200);
    const b64 = svixSignature(secret, id, ts, body).slice(3);
    expect((await postSvix(ctx.r.url, secret, body, { id: msgId(), ts, sig: `v1a,${Buffer.alloc(64, 7).toString('base64')} v2,${b64}` })).status).toBe(400);
  });
  it('otherwise correct: refuses forgeries, missing headers and malformed signatures with 400, keeps serving', async () => {
    const body = Buffer.from(compact(optipickPayload()));
    expect((await postSvix(ctx.r.url, secret, body, { signedBody: Buffer.from('{}') })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, body, { signWith: newSvixSecret() })).status).toBe(400);
    for (const h of ['svix-id', 'svix-timestamp', 'svix-signature'] as const) {
      expect((await postSvix(ctx.r.url, secret, body, { omit: [h] })).status, h).toBe(400);
    }
    for (const sig of ['', 'v1,', `v1,${'!*~'.repeat(15)}`, `v1,${'A'.repeat(10240)}`, NON_ASCII_SIG]) {
      expect((await postSvix(ctx.r.url, secret, body, { sig })).status).toBe(400);
    }
    expect((await postSvix(ctx.r.url, secret, body)).status).toBe(200);
  });
});

// =====================================================================================
describe('svix-first-signature-only.mjs — reads the first entry only → fails multiple-signatures', () => {
  const secret = newSvixSecret();
  const ctx = inProcess('svix-first-signature-only.mjs', secret, '/webhook');
  const body = Buffer.from(compact(optipickPayload()));

  it('accepts a single valid signature, and three with the valid one first', async () => {
    expect((await postSvix(ctx.r.url, secret, body)).status).toBe(200);
    const id = msgId();
    const ts = nowSec();
    expect((await postSvix(ctx.r.url, secret, body, { id, ts, sig: rotated(secret, id, ts, body, 0) })).status).toBe(200);
  });
  it('FLAW: refuses three signatures with the valid one in the middle or last, and v1a before the valid v1', async () => {
    for (const pos of [1, 2]) {
      const id = msgId();
      const ts = nowSec();
      expect((await postSvix(ctx.r.url, secret, body, { id, ts, sig: rotated(secret, id, ts, body, pos) })).status, `pos ${pos}`).toBe(400);
    }
    const id = msgId();
    const ts = nowSec();
    const sig = `v1a,${Buffer.alloc(64, 7).toString('base64')} ${svixSignature(secret, id, ts, body)}`;
    expect((await postSvix(ctx.r.url, secret, body, { id, ts, sig })).status).toBe(400);
  });
  it('otherwise correct: raw body, window, forgeries, missing headers', async () => {
    expect((await postSvix(ctx.r.url, secret, pretty(optipickPayload()))).status).toBe(200);
    expect((await postSvix(ctx.r.url, secret, body, { ts: nowSec() + WITHIN })).status).toBe(200);
    expect((await postSvix(ctx.r.url, secret, body, { ts: nowSec() + STALE })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, body, { ts: nowSec() + FUTURE })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, body, { signedBody: Buffer.from('{}') })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, body, { omit: ['svix-timestamp'] })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, body, { sig: NON_ASCII_SIG })).status).toBe(400);
  });
});

// =====================================================================================
describe('svix-ignores-missing-headers.mjs — "verify if present" → fails signature.missing-headers', () => {
  const secret = newSvixSecret();
  const ctx = inProcess('svix-ignores-missing-headers.mjs', secret, '/webhook');
  const body = Buffer.from(compact(optipickPayload()));

  it('FLAW: accepts a request missing any one of the three headers, or all of them — even a forged body', async () => {
    for (const h of ['svix-id', 'svix-timestamp', 'svix-signature'] as const) {
      expect((await postSvix(ctx.r.url, secret, body, { omit: [h] })).status, h).toBe(200);
    }
    expect((await postSvix(ctx.r.url, secret, body, { omit: ['svix-id', 'svix-timestamp', 'svix-signature'] })).status).toBe(200);
    expect((await postSvix(ctx.r.url, secret, '{"forged":true}', { omit: ['svix-signature'] })).status).toBe(200);
  });
  it('otherwise correct when all three are present: refuses forgeries, bad timestamps, empty signature', async () => {
    expect((await postSvix(ctx.r.url, secret, body)).status).toBe(200);
    expect((await postSvix(ctx.r.url, secret, pretty(optipickPayload()))).status).toBe(200);
    expect((await postSvix(ctx.r.url, secret, body, { signedBody: Buffer.from('{}') })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, body, { signWith: newSvixSecret() })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, body, { ts: nowSec() + STALE })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, body, { ts: nowSec() + FUTURE })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, body, { sig: '' })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, body, { sig: NON_ASCII_SIG })).status).toBe(400);
    const id = msgId();
    const ts = nowSec();
    expect((await postSvix(ctx.r.url, secret, body, { id, ts, sig: rotated(secret, id, ts, body, 2) })).status).toBe(200);
  });
});

// =====================================================================================
describe('svix-narrow-window.mjs — 60 s window → warns signature.timestamp-within-window', () => {
  const secret = newSvixSecret();
  const ctx = inProcess('svix-narrow-window.mjs', secret, '/webhook');
  const body = compact(optipickPayload());

  it('FLAW: refuses a correctly signed message 2.5 min old', async () => {
    expect((await postSvix(ctx.r.url, secret, body, { ts: nowSec() + WITHIN })).status).toBe(400);
  });
  it('otherwise correct: accepts 30 s old and raw-body variants, refuses ±10 min and forgeries', async () => {
    expect((await postSvix(ctx.r.url, secret, body, { ts: nowSec() - 30 })).status).toBe(200);
    expect((await postSvix(ctx.r.url, secret, pretty(optipickPayload()))).status).toBe(200);
    expect((await postSvix(ctx.r.url, secret, body, { ts: nowSec() + 150 })).status).toBe(200);
    expect((await postSvix(ctx.r.url, secret, body, { ts: nowSec() + STALE })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, body, { ts: nowSec() + FUTURE })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, body, { signWith: newSvixSecret() })).status).toBe(400);
  });
});

// =====================================================================================
describe('svix-5xx-on-bad-signature.mjs — 500 on refusal → warns status.rejection-is-4xx', () => {
  const secret = newSvixSecret();
  const ctx = inProcess('svix-5xx-on-bad-signature.mjs', secret, '/webhook');
  const body = Buffer.from(compact(optipickPayload()));

  it('FLAW: every refusal is a 500', async () => {
    const refusals = [
      { signedBody: Buffer.from('{}') },
      { signWith: newSvixSecret() },
      { ts: nowSec() + STALE },
      { ts: nowSec() + FUTURE },
      { omit: ['svix-signature' as const] },
      { sig: '' },
      { sig: NON_ASCII_SIG },
    ];
    for (const o of refusals) expect((await postSvix(ctx.r.url, secret, body, o)).status, JSON.stringify(o)).toBe(500);
  });
  it('otherwise correct: accepts valid, raw-body variants and rotation; dedups; keeps serving', async () => {
    const id = msgId();
    expect((await postSvix(ctx.r.url, secret, body, { id })).status).toBe(200);
    expect((await postSvix(ctx.r.url, secret, body, { id })).status).toBe(200);
    expect((await effects(ctx.r.origin)).filter((e) => e === id)).toHaveLength(1);
    expect((await postSvix(ctx.r.url, secret, pretty(optipickPayload()))).status).toBe(200);
    const id2 = msgId();
    const ts = nowSec();
    expect((await postSvix(ctx.r.url, secret, body, { id: id2, ts, sig: rotated(secret, id2, ts, body, 1) })).status).toBe(200);
  });
});

// =====================================================================================
describe('svix-json-100kb.mjs — default 100 kB body limit → fails status.large-payload (Dimmy, 1 MiB)', () => {
  const secret = newSvixSecret();
  const ctx = inProcess('svix-json-100kb.mjs', secret, '/webhook');

  it('FLAW: answers 413 to a correctly signed 1 MiB payload (and to anything over 102,400 bytes)', async () => {
    expect((await postSvix(ctx.r.url, secret, largePayload(1024 * 1024))).status).toBe(413);
    expect((await postSvix(ctx.r.url, secret, largePayload(102_401))).status).toBe(413);
  });
  it('otherwise correct: accepts up to 100 kB, raw-body variants; refuses forgeries with 400; keeps serving', async () => {
    expect((await postSvix(ctx.r.url, secret, largePayload(100_000))).status).toBe(200);
    expect((await postSvix(ctx.r.url, secret, pretty(optipickPayload()))).status).toBe(200);
    const body = Buffer.from(compact(optipickPayload()));
    expect((await postSvix(ctx.r.url, secret, body, { signedBody: Buffer.from('{}') })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, body, { ts: nowSec() + STALE })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, body)).status).toBe(200);
  });
});

// =====================================================================================
describe('svix-strict-content-type.mjs — exact "application/json" only → warns status.content-type-variants', () => {
  const secret = newSvixSecret();
  const ctx = inProcess('svix-strict-content-type.mjs', secret, '/webhook');
  const body = compact(optipickPayload());

  it('FLAW: 415 for charset, case and spacing variants of application/json', async () => {
    for (const contentType of ['application/json; charset=utf-8', 'Application/JSON', 'application/json;charset=UTF-8', null]) {
      expect((await postSvix(ctx.r.url, secret, body, { contentType })).status, String(contentType)).toBe(415);
    }
  });
  it('otherwise correct with application/json: raw body, refusals are 400', async () => {
    expect((await postSvix(ctx.r.url, secret, body)).status).toBe(200);
    expect((await postSvix(ctx.r.url, secret, pretty(optipickPayload()))).status).toBe(200);
    expect((await postSvix(ctx.r.url, secret, body, { signWith: newSvixSecret() })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, body, { ts: nowSec() + FUTURE })).status).toBe(400);
    expect((await postSvix(ctx.r.url, secret, largePayload(1024 * 1024))).status).toBe(200);
  });
});

// =====================================================================================
describe('svix-crash-non-ascii.mjs (child process) — dies on a non-ASCII signature → fails status.malformed-signature', () => {
  const secret = newSvixSecret();
  let rx: Child;
  beforeAll(async () => {
    rx = await spawnReceiver(process.execPath, ['examples/receivers/svix-crash-non-ascii.mjs'], { HOOKGATE_SECRET: secret });
  });
  afterAll(async () => {
    await rx?.stop();
  });

  it('behaves correctly until the non-ASCII header, then the process dies and later requests are refused', async () => {
    const url = `${rx.origin}/webhook`;
    const body = Buffer.from(compact(optipickPayload()));
    expect((await postSvix(url, secret, body)).status).toBe(200);
    expect((await postSvix(url, secret, pretty(optipickPayload()))).status).toBe(200);
    // ASCII malformations and forgeries: 400, still serving.
    for (const sig of ['', 'v1,', `v1,${'!*~'.repeat(15)}`, `v1,${'A'.repeat(10240)}`]) {
      expect((await postSvix(url, secret, body, { sig })).status).toBe(400);
    }
    expect((await postSvix(url, secret, body, { ts: nowSec() + STALE })).status).toBe(400);
    expect((await postSvix(url, secret, body, { omit: ['svix-signature'] })).status).toBe(400);
    expect((await postSvix(url, secret, body)).status).toBe(200);

    // FLAW: the non-ASCII signature gets no answer at all…
    const crash = await postSvix(url, secret, body, { sig: NON_ASCII_SIG });
    expect(crash.status).toBeUndefined();
    expect(crash.error).toMatch(/ECONNRESET|socket hang up|EPIPE/);
    // …and the process is gone: the next valid request is refused.
    expect(await rx.exited).not.toBe(0);
    const after = await postSvix(url, secret, body);
    expect(after.status).toBeUndefined();
    expect(after.error).toBe('ECONNREFUSED');
    expect(rx.output()).toMatch(/TypeError: svix-signature: non-ASCII byte/);
  });
});

// =====================================================================================
describe('omnisales-unknown-type-400.mjs — 400 for unknown event types → warns status.unknown-event-type', () => {
  const secret = newOmniSecret();
  const ctx = inProcess('omnisales-unknown-type-400.mjs', secret, '/webhooks/omni');

  it('FLAW: 400 to a correctly signed envelope whose "event" is not in the catalog', async () => {
    const r = await postOmni(ctx.r.url, secret, compact(omniEnvelope('warehouse.teleported')));
    expect(r.status).toBe(400);
    expect(r.body).toMatch(/unknown event type/);
  });
  it('otherwise correct: catalog types accepted, raw body, dedup flag, 401 for forgeries and bad timestamps', async () => {
    for (const t of ['order.created', 'product.inventory_low', 'ticket.closed']) {
      expect((await postOmni(ctx.r.url, secret, compact(omniEnvelope(t)))).status, t).toBe(200);
    }
    expect((await postOmni(ctx.r.url, secret, pretty(omniEnvelope()))).status).toBe(200);
    const env = compact(omniEnvelope());
    expect((await postOmni(ctx.r.url, secret, env)).status).toBe(200);
    const dup = await postOmni(ctx.r.url, secret, env);
    expect(dup.status).toBe(200);
    expect(JSON.parse(dup.body)).toMatchObject({ duplicate: true });
    expect((await postOmni(ctx.r.url, secret, env, { signedBody: Buffer.from('{}') })).status).toBe(401);
    expect((await postOmni(ctx.r.url, secret, env, { ts: nowSec() + STALE })).status).toBe(401);
    expect((await postOmni(ctx.r.url, secret, env, { omit: ['x-webhook-timestamp'] })).status).toBe(401);
  });
});

// =====================================================================================
describe('omnisales-no-timestamp-check.mjs — no window → fails stale-/future-timestamp', () => {
  const secret = newOmniSecret();
  const ctx = inProcess('omnisales-no-timestamp-check.mjs', secret, '/webhooks/omni');

  it('FLAW: accepts a correctly signed body with a timestamp 10 min old or 10 min ahead', async () => {
    expect((await postOmni(ctx.r.url, secret, compact(omniEnvelope()), { ts: nowSec() + STALE })).status).toBe(200);
    expect((await postOmni(ctx.r.url, secret, compact(omniEnvelope()), { ts: nowSec() + FUTURE })).status).toBe(200);
  });
  it('otherwise correct: raw body; timestamp still required and numeric; forgeries and malformed signatures 401', async () => {
    expect((await postOmni(ctx.r.url, secret, compact(omniEnvelope()))).status).toBe(200);
    expect((await postOmni(ctx.r.url, secret, pretty(omniEnvelope()))).status).toBe(200);
    const env = compact(omniEnvelope());
    expect((await postOmni(ctx.r.url, secret, env, { omit: ['x-webhook-timestamp'] })).status).toBe(401);
    expect((await postOmni(ctx.r.url, secret, env, { ts: 'yesterday' })).status).toBe(401);
    expect((await postOmni(ctx.r.url, secret, env, { omit: ['x-webhook-signature'] })).status).toBe(401);
    expect((await postOmni(ctx.r.url, secret, env, { signedBody: Buffer.from('{}') })).status).toBe(401);
    expect((await postOmni(ctx.r.url, secret, env, { signWith: newOmniSecret() })).status).toBe(401);
    for (const sig of ['', 'ab'.repeat(16), 'zq'.repeat(32), 'a'.repeat(10240), latin1OfUtf8('sïgnätürë€✓'.padEnd(64, 'é'))]) {
      expect((await postOmni(ctx.r.url, secret, env, { sig })).status).toBe(401);
    }
    // no X-Webhook-ID is fine: it is not part of verification
    expect((await postOmni(ctx.r.url, secret, compact(omniEnvelope()), { omit: ['x-webhook-id'] })).status).toBe(200);
  });
});

// =====================================================================================
describe('omnisales-guide.cjs — the guide\'s Express example pasted unchanged (child process, port shim)', () => {
  const secret = newOmniSecret();
  let rx: Child;
  let url: string;
  beforeAll(async () => {
    rx = await spawnReceiver(process.execPath, ['--require', './examples/receivers/port-shim.cjs', 'examples/receivers/omnisales-guide.cjs'], {
      WEBHOOK_SECRET: secret,
    });
    url = `${rx.origin}/webhooks/omni`;
  });
  afterAll(async () => {
    await rx?.stop();
  });

  it('runs on the shim\'s port, loopback only, although the paste says listen(3000)', () => {
    expect(rx.output()).toMatch(/port-shim: listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(rx.origin).not.toMatch(/:3000$/);
  });
  it('answers 200 to a correctly signed compact request', async () => {
    expect((await postOmni(url, secret, compact(omniEnvelope()))).status).toBe(200);
  });
  it('FLAW (signature.raw-body): refuses a correctly signed body serialized with whitespace', async () => {
    expect((await postOmni(url, secret, pretty(omniEnvelope()))).status).toBe(401);
  });
  it('FLAW (signature.missing-headers): 200 without X-Webhook-Timestamp, and with a non-numeric one (NaN > 300 is false)', async () => {
    expect((await postOmni(url, secret, compact(omniEnvelope()), { omit: ['x-webhook-timestamp'] })).status).toBe(200);
    expect((await postOmni(url, secret, compact(omniEnvelope()), { ts: 'soon' })).status).toBe(200);
  });
  it('FLAW (status.rejection-is-4xx): 500 when the signature has the wrong length or is missing', async () => {
    expect((await postOmni(url, secret, compact(omniEnvelope()), { sig: 'ab'.repeat(16) })).status).toBe(500);
    expect((await postOmni(url, secret, compact(omniEnvelope()), { sig: '' })).status).toBe(500);
    expect((await postOmni(url, secret, compact(omniEnvelope()), { omit: ['x-webhook-signature'] })).status).toBe(500);
  });
  it('other answers the README documents: 401 for a 64-char non-hex signature, 500 for 10 kB / non-ASCII / non-JSON content type, 200 for unknown types', async () => {
    const env = compact(omniEnvelope());
    expect((await postOmni(url, secret, env, { sig: 'zq'.repeat(32) })).status).toBe(401);
    expect((await postOmni(url, secret, env, { sig: 'a'.repeat(10240) })).status).toBe(500);
    expect((await postOmni(url, secret, env, { sig: latin1OfUtf8('sïgnätürë€✓'.padEnd(64, 'é')) })).status).toBe(500);
    expect((await postOmni(url, secret, compact(omniEnvelope()), { contentType: 'text/plain' })).status).toBe(500);
    expect((await postOmni(url, secret, compact(omniEnvelope()), { contentType: 'application/json; charset=utf-8' })).status).toBe(200);
    expect((await postOmni(url, secret, compact(omniEnvelope()), { contentType: 'Application/JSON' })).status).toBe(200);
    expect((await postOmni(url, secret, compact(omniEnvelope('warehouse.teleported')))).status).toBe(200);
  });
  it('FLAW (status.large-payload, OmniSales 256 kB SHOULD): express.json()\'s 100 kB limit answers 413', async () => {
    const big = compact({ ...omniEnvelope(), data: { blob: 'x'.repeat(256 * 1024) } });
    expect((await postOmni(url, secret, big)).status).toBe(413);
  });
  it('refuses with 401 what its window and HMAC do catch: stale, future, tampered, wrong secret', async () => {
    const env = compact(omniEnvelope());
    expect((await postOmni(url, secret, env, { ts: nowSec() + STALE })).status).toBe(401);
    expect((await postOmni(url, secret, env, { ts: nowSec() + FUTURE })).status).toBe(401);
    expect((await postOmni(url, secret, env, { signedBody: Buffer.from(compact(omniEnvelope())) })).status).toBe(401);
    expect((await postOmni(url, secret, env, { signWith: newOmniSecret() })).status).toBe(401);
    // still serving after all that
    expect((await postOmni(url, secret, compact(omniEnvelope()))).status).toBe(200);
  });
});

// =====================================================================================
const hasFlask = (() => {
  try {
    execFileSync('python3', ['-c', 'import flask'], { stdio: 'ignore', timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasFlask)('omnisales-python-flask.py — the guide\'s Flask example pasted unchanged (child process)', () => {
  const secret = newOmniSecret();
  let rx: Child;
  let url: string;
  beforeAll(async () => {
    rx = await spawnReceiver('python3', ['examples/receivers/omnisales-python-flask.py'], { WEBHOOK_SECRET: secret });
    url = `${rx.origin}/webhooks`;
  });
  afterAll(async () => {
    await rx?.stop();
  });

  it('verifies the raw body: compact and whitespace-serialized bodies both 200', async () => {
    expect((await postOmni(url, secret, compact(omniEnvelope()))).status).toBe(200);
    expect((await postOmni(url, secret, pretty(omniEnvelope()))).status).toBe(200);
  });
  it('refuses forgeries and out-of-window timestamps with 401', async () => {
    const env = compact(omniEnvelope());
    expect((await postOmni(url, secret, env, { signedBody: Buffer.from('{}') })).status).toBe(401);
    expect((await postOmni(url, secret, env, { signWith: newOmniSecret() })).status).toBe(401);
    expect((await postOmni(url, secret, env, { ts: nowSec() + STALE })).status).toBe(401);
    expect((await postOmni(url, secret, env, { ts: nowSec() + FUTURE })).status).toBe(401);
    expect((await postOmni(url, secret, env, { sig: 'ab'.repeat(16) })).status).toBe(401);
  });
  it('FLAW (status.rejection-is-4xx): 500 for missing or non-numeric timestamp, missing or non-ASCII signature', async () => {
    const env = compact(omniEnvelope());
    expect((await postOmni(url, secret, env, { omit: ['x-webhook-timestamp'] })).status).toBe(500);
    expect((await postOmni(url, secret, env, { ts: 'soon' })).status).toBe(500);
    expect((await postOmni(url, secret, env, { omit: ['x-webhook-signature'] })).status).toBe(500);
    expect((await postOmni(url, secret, env, { sig: latin1OfUtf8('sïgnätürë€✓'.padEnd(64, 'é')) })).status).toBe(500);
    // …and keeps serving
    expect((await postOmni(url, secret, compact(omniEnvelope()))).status).toBe(200);
  });
  it('415 without a JSON content type (request.json), 200 for JSON variants', async () => {
    expect((await postOmni(url, secret, compact(omniEnvelope()), { contentType: null })).status).toBe(415);
    expect((await postOmni(url, secret, compact(omniEnvelope()), { contentType: 'text/plain' })).status).toBe(415);
    expect((await postOmni(url, secret, compact(omniEnvelope()), { contentType: 'Application/JSON; charset=UTF-8' })).status).toBe(200);
  });
  it('accepts a 1 MiB body (Flask sets no size limit)', async () => {
    const big = compact({ ...omniEnvelope(), data: { blob: 'x'.repeat(1024 * 1024) } });
    expect((await postOmni(url, secret, big)).status).toBe(200);
  });
});
