// FLAW: dedups on the `X-Webhook-ID` header. That header names the webhook —
// the endpoint configuration — not the event: every event sent to one endpoint
// carries the same value. So after the first event, every event to this
// endpoint is answered 200 {"received":true,"duplicate":true} and not processed.
// TARGETS: dedup.distinct-events (MUST) → fail: distinct events (distinct
// envelope ids) sharing an X-Webhook-ID are not processed (GET /_effects lists
// only the first) and are flagged as duplicates (which the duplicate-flag
// observer also counts as a failure). Note for check authors: once any event
// has reached the endpoint, even the FIRST delivery of a new message is flagged
// and not processed, so dedup.redelivery and dedup.concurrent see no processing
// under the effects URL and fall back to the flag — which is there — and pass.
//
// Everything else is correct: hex HMAC over the raw body with the whole secret,
// ±300 s window, missing/non-numeric timestamp refused, 401 on refusal.
// Effects entries are envelope ids. An absent X-Webhook-ID counts as the key ''.
//
// createApp({ secret })
//   HOOKGATE_SECRET=whsec_… PORT=0 node examples/receivers/omnisales-dedup-on-webhook-id.mjs
// Webhook: POST /webhooks/omni. Test hook: GET /_effects (one envelope id per processing).
import express from 'express';
import { pathToFileURL } from 'node:url';
import { verifyOmnisales } from './omnisales-correct.mjs';

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
    const key = req.get('x-webhook-id') ?? ''; // ← the flaw: the endpoint's id, not the event's
    if (seen.has(key)) return res.status(200).json({ received: true, duplicate: true });
    seen.add(key);
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
