// FLAW: answers 500 (instead of a 4xx) to every request it refuses — forged,
// stale, missing or malformed headers alike. Svix treats 5xx as "try again",
// so a forgery is retried on schedule, and monitoring sees server errors.
// TARGETS: status.rejection-is-4xx (SHOULD) → warn. Every signature.* check
// still passes (500 is a refusal), and status.malformed-signature passes (500 is
// non-2xx and the next valid request is served).
//
// Everything else is correct: the official `svix` library verifies the raw
// body (any v1 entry, ±5-min window, headers required); 20 MB body limit;
// dedup on svix-id.
//
//   HOOKGATE_SECRET=whsec_… PORT=3000 node examples/receivers/svix-5xx-on-bad-signature.mjs
// Webhook: POST /webhook. Test hook: GET /_effects lists processed svix-ids.
import express from 'express';
import { Webhook } from 'svix';
import { pathToFileURL } from 'node:url';

export function createApp({ secret }) {
  const wh = new Webhook(secret);
  const seen = new Set();
  const effects = [];
  const app = express();

  app.post('/webhook', express.raw({ type: () => true, limit: '20mb' }), (req, res) => {
    try {
      wh.verify(req.body, req.headers);
    } catch (err) {
      return res.status(500).json({ error: String(err.message ?? err) }); // ← the flaw: should be 400/401
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
