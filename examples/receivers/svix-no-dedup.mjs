// FLAW: no deduplication — every accepted delivery is processed, so a
// redelivery (a retry re-signed with a new timestamp, same svix-id) or a
// concurrent copy is processed again.
// TARGETS: dedup.redelivery under the EFFECTS observer (MUST) → fail: the
// svix-id appears twice in GET /_effects; dedup.concurrent (SHOULD) → warn
// (one processing per copy). Never answers `duplicate`.
//
// Everything else is correct: the official `svix` library verifies the raw
// bytes; refusals are 400; 20 MB body limit.
//
// createApp({ secret })
//   HOOKGATE_SECRET=whsec_… PORT=0 node examples/receivers/svix-no-dedup.mjs
// Webhook: POST /webhook. Test hook: GET /_effects (one svix-id per processing).
import express from 'express';
import { Webhook } from 'svix';
import { pathToFileURL } from 'node:url';

export function createApp({ secret }) {
  const wh = new Webhook(secret);
  const effects = [];
  const app = express();
  app.post('/webhook', express.raw({ type: () => true, limit: '20mb' }), (req, res) => {
    try {
      wh.verify(req.body, req.headers);
    } catch {
      return res.status(400).json({ error: 'invalid signature' });
    }
    effects.push(req.get('svix-id') ?? req.get('webhook-id')); // ← the flaw: no "seen" check
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
