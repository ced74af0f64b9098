// FLAW: a timestamp window that is too tight — anything older than 60 s is
// refused (400), although Svix (and the libraries) allow 5 minutes. Delivery
// queues, retries and clock skew routinely exceed 60 s.
// TARGETS: signature.timestamp-within-window (SHOULD) → warn: a correctly
// signed message 2.5 min old is refused. Messages from the future are judged
// by the library's ±5-min window only, so future-timestamp still passes, and
// stale-timestamp (10 min) is refused as it should be.
//
// Everything else is correct: the official `svix` library verifies the raw
// body (any v1 entry, headers required); refusals are 400; 20 MB body limit;
// dedup on svix-id.
//
//   HOOKGATE_SECRET=whsec_… PORT=3000 node examples/receivers/svix-narrow-window.mjs
// Webhook: POST /webhook. Test hook: GET /_effects lists processed svix-ids.
import express from 'express';
import { Webhook } from 'svix';
import { pathToFileURL } from 'node:url';

const MAX_AGE_SEC = 60; // ← the flaw: should be 300

export function createApp({ secret }) {
  const wh = new Webhook(secret);
  const seen = new Set();
  const effects = [];
  const app = express();

  app.post('/webhook', express.raw({ type: () => true, limit: '20mb' }), (req, res) => {
    try {
      wh.verify(req.body, req.headers);
    } catch {
      return res.status(400).json({ error: 'invalid signature' });
    }
    const ts = Number(req.get('svix-timestamp') ?? req.get('webhook-timestamp'));
    if (Math.floor(Date.now() / 1000) - ts > MAX_AGE_SEC) return res.status(400).json({ error: 'message too old' });
    const id = req.get('svix-id') ?? req.get('webhook-id');
    if (seen.has(id)) return res.status(200).json({ received: true, duplicate: true });
    seen.add(id);
    effects.push(id);
    res.status(200).json({ received: true });
  });
  app.get('/_effects', (_req, res) => res.json(effects));
  return app;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 3000);
  const server = createApp({ secret: process.env.HOOKGATE_SECRET }).listen(port, '127.0.0.1', () => {
    console.log(`svix receiver listening on http://127.0.0.1:${server.address().port}/webhook`);
  });
}
