// FLAW: dedups on a SHA-256 of the raw body instead of the svix-id. A Svix
// message body is just the event data, so two DISTINCT messages whose data is
// identical are byte-identical: the second is answered as a duplicate and
// never processed.
// TARGETS: dedup.distinct-events, its SHOULD part (distinct messages with
// byte-identical data) under the EFFECTS observer → warn (only the first
// svix-id appears in GET /_effects); the MUST part (distinct entity ids, hence
// distinct bodies) passes. dedup.redelivery and dedup.concurrent pass (a
// redelivery carries the same bytes).
//
// Everything else is correct: the official `svix` library verifies the raw
// bytes; refusals are 400; 20 MB body limit. Effects entries are svix-ids.
//
// createApp({ secret })
//   HOOKGATE_SECRET=whsec_… PORT=0 node examples/receivers/svix-dedup-on-body-hash.mjs
// Webhook: POST /webhook. Test hook: GET /_effects (one svix-id per processing).
import express from 'express';
import { Webhook } from 'svix';
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';

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
    const key = createHash('sha256').update(req.body).digest('hex'); // ← the flaw: body hash, not svix-id
    if (seen.has(key)) return res.status(200).json({ received: true, duplicate: true });
    seen.add(key);
    effects.push(req.get('svix-id') ?? req.get('webhook-id'));
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
