// A correct OmniSales receiver: verifies the hex HMAC over the *raw* body with the
// whole secret as key, rejects timestamps outside ±300 s (and missing or
// non-numeric ones), answers 4xx to every refusal, dedups on the envelope id.
//
//   HOOKGATE_SECRET=whsec_… PORT=3000 node examples/receivers/omnisales-correct.mjs
//
// Webhook: POST /webhooks/omni. Test hook: GET /_effects lists processed envelope ids.
import express from 'express';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { pathToFileURL } from 'node:url';

export function verifyOmnisales(secret, rawBody, signature, timestamp, nowSec = Math.floor(Date.now() / 1000)) {
  if (typeof signature !== 'string' || typeof timestamp !== 'string') return 'missing signature or timestamp header';
  if (!/^\d+$/.test(timestamp)) return 'timestamp is not a number';
  if (Math.abs(nowSec - Number(timestamp)) > 300) return 'timestamp outside the 5-minute window';
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
    const problem = verifyOmnisales(secret, req.body, req.get('x-webhook-signature'), req.get('x-webhook-timestamp'));
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
