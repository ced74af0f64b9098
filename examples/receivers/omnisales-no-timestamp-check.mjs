// FLAW: verifies the hex HMAC over the raw body correctly but never compares
// X-Webhook-Timestamp with the clock. OmniSales does not sign the timestamp,
// so the window is the only replay protection; without it a captured request
// can be replayed forever.
// TARGETS: signature.stale-timestamp and signature.future-timestamp (MUST)
// → fail: a correctly signed body with a timestamp 10 min old or 10 min ahead
// gets 200. The header is still REQUIRED and must be an integer (missing or
// non-numeric → 401), so signature.missing-headers passes: one flaw only.
//
// Everything else is correct: lowercase hex HMAC-SHA256 of the raw bytes keyed
// with the whole secret (`whsec_…` as UTF-8), timing-safe comparison after a
// 64-hex-digit format check, refusals are 401 (400 for a non-JSON body), 20 MB
// body limit, dedup on the envelope id with `{"duplicate": true}`.
//
//   HOOKGATE_SECRET=whsec_… PORT=3000 node examples/receivers/omnisales-no-timestamp-check.mjs
// Webhook: POST /webhooks/omni. Test hook: GET /_effects lists processed envelope ids.
import express from 'express';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { pathToFileURL } from 'node:url';

export function verify(secret, rawBody, signature, timestamp) {
  if (typeof signature !== 'string' || typeof timestamp !== 'string') return 'missing signature or timestamp header';
  if (!/^\d+$/.test(timestamp)) return 'timestamp is not a number';
  // ← the flaw: no `Math.abs(now − timestamp) > 300` test here.
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = /^[0-9a-f]{64}$/.test(signature) ? Buffer.from(signature, 'hex') : null;
  if (!given || !timingSafeEqual(given, expected)) return 'invalid signature';
  return null;
}

export function createApp({ secret }) {
  const seen = new Set();
  const effects = [];
  const app = express();
  app.post('/webhooks/omni', express.raw({ type: () => true, limit: '20mb' }), (req, res) => {
    const problem = verify(secret, req.body, req.get('x-webhook-signature'), req.get('x-webhook-timestamp'));
    if (problem) return res.status(401).json({ error: problem });
    let event;
    try {
      event = JSON.parse(req.body.toString('utf8'));
    } catch {
      return res.status(400).json({ error: 'body is not JSON' });
    }
    if (seen.has(event.id)) return res.status(200).json({ received: true, duplicate: true });
    seen.add(event.id);
    effects.push(event.id);
    res.status(200).json({ received: true });
  });
  app.get('/_effects', (_req, res) => res.json(effects));
  return app;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 3000);
  const server = createApp({ secret: process.env.HOOKGATE_SECRET }).listen(port, '127.0.0.1', () => {
    console.log(`OmniSales receiver listening on http://127.0.0.1:${server.address().port}/webhooks/omni`);
  });
}
