// FLAW: never verifies anything — parses the JSON and answers 200 to every
// POST, whoever signed it (or nobody).
// TARGETS: signature.tampered-body, signature.wrong-secret,
// signature.missing-headers, signature.stale-timestamp,
// signature.future-timestamp (all MUST) → fail; also
// status.malformed-signature → fail (malformed headers get 2xx).
// Positive checks (valid, raw-body, multiple-signatures, within-window,
// content-type, large payloads) pass, as they would on a real receiver with this bug.
//
// Everything else as on svix-correct.mjs: raw body read with a 20 MB limit,
// dedup on svix-id (falls back to a fresh id when the header is missing, so an
// id-less request still counts as one processing).
//
//   HOOKGATE_SECRET=whsec_… PORT=3000 node examples/receivers/svix-accept-all.mjs
// Webhook: POST /webhook. Test hook: GET /_effects lists processed svix-ids.
import express from 'express';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';

export function createApp({ secret }) {
  void secret; // ← the flaw: the secret is never used
  const seen = new Set();
  const effects = [];
  const app = express();

  app.post('/webhook', express.raw({ type: () => true, limit: '20mb' }), (req, res) => {
    let payload = null;
    try {
      payload = JSON.parse(req.body.toString('utf8'));
    } catch {
      // not JSON: accepted all the same
    }
    void payload;
    const id = req.get('svix-id') ?? req.get('webhook-id') ?? `anon_${randomUUID()}`;
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
