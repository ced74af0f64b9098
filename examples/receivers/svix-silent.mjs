// NO OBSERVABLE PROCESSING (not a flaw in the receiver itself): correct
// verification (official `svix` library, raw body, 400 on refusal) and correct
// dedup on svix-id, but it never calls the provider's API and has no
// GET /_effects (404) — and Svix providers have no duplicate-flag observer.
// TARGETS: dedup.redelivery, dedup.concurrent, dedup.distinct-events → skip
// ("observer saw no processing" / nothing observable), never pass. Every other
// check passes. (It does answer {"received":true,"duplicate":true} to a
// duplicate, which hookgate must NOT read as an observation for Svix providers.)
//
// createApp({ secret })
//   HOOKGATE_SECRET=whsec_… PORT=0 node examples/receivers/svix-silent.mjs
// Webhook: POST /webhook.
import express from 'express';
import { Webhook } from 'svix';
import { pathToFileURL } from 'node:url';

export function createApp({ secret }) {
  const wh = new Webhook(secret);
  const seen = new Set();
  const app = express();
  app.post('/webhook', express.raw({ type: () => true, limit: '20mb' }), (req, res) => {
    try {
      wh.verify(req.body, req.headers);
    } catch {
      return res.status(400).json({ error: 'invalid signature' });
    }
    const id = req.get('svix-id') ?? req.get('webhook-id');
    if (seen.has(id)) return res.status(200).json({ received: true, duplicate: true });
    seen.add(id); // processed here, invisibly
    res.status(200).json({ received: true });
  });
  return app;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 3000);
  const server = createApp({ secret: process.env.HOOKGATE_SECRET }).listen(port, '127.0.0.1', () => {
    console.log(`svix receiver listening on http://127.0.0.1:${server.address().port}/webhook`);
  });
}
