// FLAW: reads the raw body with express.raw()'s DEFAULT limit of 100 kB
// (102,400 bytes); anything larger is answered 413 Payload Too Large before the
// handler runs. Dimmy's item.scanned.full_payload messages can be megabytes.
// TARGETS: status.large-payload → fail for Dimmy item.scanned.full_payload at
// 1 MiB (MUST) and warn at 5 MiB (SHOULD); for OmniSales-sized 256 kB it would
// be a warn too. Bodies up to 100 kB are handled correctly.
//
// Everything else is correct: the official `svix` library verifies the raw
// bytes (any v1 entry, ±5-min window, headers required); refusals are 400;
// dedup on svix-id.
//
//   HOOKGATE_SECRET=whsec_… PORT=3000 node examples/receivers/svix-json-100kb.mjs
// Webhook: POST /webhook. Test hook: GET /_effects lists processed svix-ids.
import express from 'express';
import { Webhook } from 'svix';
import { pathToFileURL } from 'node:url';

export function createApp({ secret }) {
  const wh = new Webhook(secret);
  const seen = new Set();
  const effects = [];
  const app = express();

  // ← the flaw: no `limit`, so body-parser's default '100kb' applies (express answers 413 above it).
  app.post('/webhook', express.raw({ type: () => true }), (req, res) => {
    try {
      wh.verify(req.body, req.headers);
    } catch {
      return res.status(400).json({ error: 'invalid signature' });
    }
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
