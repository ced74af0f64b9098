// FLAW (the most common receiver bug, PROVIDERS.md): parses the body with
// express.json() and verifies `JSON.stringify(req.body)` — a re-serialization —
// instead of the raw bytes that were signed.
// TARGETS: signature.raw-body (MUST) → fail. Any body that is not already in
// JSON.stringify's compact form (extra whitespace, another key order, `\u`
// escapes, escaped `/`, `1.50`, a trailing newline…) no longer matches its
// signature and is refused with 400. The compact baseline still verifies, so
// every other check behaves as on svix-correct.mjs.
//
// Everything else is correct: the official `svix` library checks the signature
// (any v1 entry), the ±5-min window and the headers; refusals are 400; 20 MB
// body limit; dedup on svix-id.
//
//   HOOKGATE_SECRET=whsec_… PORT=3000 node examples/receivers/svix-stringify.mjs
// Webhook: POST /webhook. Test hook: GET /_effects lists processed svix-ids.
import express from 'express';
import { Webhook } from 'svix';
import { pathToFileURL } from 'node:url';

export function createApp({ secret }) {
  const wh = new Webhook(secret);
  const seen = new Set();
  const effects = [];
  const app = express();

  // Any content type is parsed as JSON (so content-type variants are fine); only the bytes verified are wrong.
  app.post('/webhook', express.json({ type: () => true, limit: '20mb' }), (req, res) => {
    try {
      wh.verify(JSON.stringify(req.body), req.headers); // ← the flaw: not the bytes that were signed
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
