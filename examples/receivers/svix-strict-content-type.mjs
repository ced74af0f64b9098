// FLAW: refuses with 415 Unsupported Media Type unless Content-Type is exactly
// the string `application/json` — `application/json; charset=utf-8`,
// `Application/JSON`, `application/json;charset=UTF-8` (all the same media
// type) and a missing Content-Type are refused, before the signature is looked at.
// TARGETS: status.content-type-variants (SHOULD) → warn. Every other check
// sends Svix's own `application/json` and behaves as on svix-correct.mjs.
//
// Everything else is correct: the official `svix` library verifies the raw
// body (any v1 entry, ±5-min window, headers required); signature refusals
// are 400; 20 MB body limit; dedup on svix-id.
//
//   HOOKGATE_SECRET=whsec_… PORT=3000 node examples/receivers/svix-strict-content-type.mjs
// Webhook: POST /webhook. Test hook: GET /_effects lists processed svix-ids.
import express from 'express';
import { Webhook } from 'svix';
import { pathToFileURL } from 'node:url';

export function createApp({ secret }) {
  const wh = new Webhook(secret);
  const seen = new Set();
  const effects = [];
  const app = express();

  app.post(
    '/webhook',
    (req, res, next) => {
      // ← the flaw: a string comparison instead of parsing the media type
      if (req.get('content-type') !== 'application/json') return res.status(415).json({ error: 'expected application/json' });
      next();
    },
    express.raw({ type: () => true, limit: '20mb' }),
    (req, res) => {
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
    },
  );
  app.get('/_effects', (_req, res) => res.json(effects));
  return app;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 3000);
  const server = createApp({ secret: process.env.HOOKGATE_SECRET }).listen(port, '127.0.0.1', () => {
    console.log(`svix receiver listening on http://127.0.0.1:${server.address().port}/webhook`);
  });
}
