// FLAW (a habit found in real receivers): answers 200 to everything, a failed
// verification included (`res.json({ success: false })`), and verifies a
// re-serialization (`JSON.stringify(req.body)` after express.json()).
// TARGETS: signature.raw-body (MUST) → fail with an observer: every body not
// spelled like JSON.stringify fails verification and is silently dropped, yet
// gets a 200, so only processing shows it ("answered 2xx but never processed
// it"). The negative checks fail too (a forgery gets 200), but they fail on the
// answer; the point of this receiver is the positive check.
//
//   HOOKGATE_SECRET=whsec_… PORT=3000 node examples/receivers/svix-200-on-failed-verification.mjs
// Webhook: POST /webhook. Test hook: GET /_effects lists processed svix-ids.
import express from 'express';
import { Webhook } from 'svix';
import { pathToFileURL } from 'node:url';

export function createApp({ secret }) {
  const wh = new Webhook(secret);
  const seen = new Set();
  const effects = [];
  const app = express();

  app.post('/webhook', express.json({ type: () => true, limit: '20mb' }), (req, res) => {
    try {
      wh.verify(JSON.stringify(req.body), req.headers);
    } catch {
      return res.status(200).json({ success: false }); // ← the flaw: a failed verification still gets 200
    }
    const id = req.get('svix-id') ?? req.get('webhook-id');
    if (seen.has(id)) return res.status(200).json({ success: true, duplicate: true });
    seen.add(id);
    effects.push(id);
    res.status(200).json({ success: true });
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
