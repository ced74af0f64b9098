// NOT OBSERVABLE (and, in fact, no dedup): correct verification, but it
// processes every delivery, has no GET /_effects (404) and never answers
// {"duplicate": true} — so nothing shows hookgate whether it processed a
// message once or twice.
// TARGETS: dedup.redelivery, dedup.concurrent, dedup.distinct-events → skip
// (no observer: no effects URL, no fetch-back for OmniSales, no duplicate flag
// anywhere in the run) — never pass, and not fail either: hookgate cannot see
// the missing dedup. Every other check passes.
//
// createApp({ secret })
//   HOOKGATE_SECRET=whsec_… PORT=0 node examples/receivers/omnisales-no-dedup-no-effects.mjs
// Webhook: POST /webhooks/omni.
import express from 'express';
import { pathToFileURL } from 'node:url';
import { verifyOmnisales } from './omnisales-correct.mjs';

export function createApp({ secret }) {
  const app = express();
  app.post('/webhooks/omni', express.raw({ type: () => true, limit: '20mb' }), (req, res) => {
    const problem = verifyOmnisales(secret, req.body, req.get('x-webhook-signature'), req.get('x-webhook-timestamp'));
    if (problem) return res.status(401).json({ error: problem });
    try {
      JSON.parse(req.body.toString('utf8'));
    } catch {
      return res.status(400).json({ error: 'body is not JSON' });
    }
    res.status(200).json({ received: true }); // every delivery processed, none flagged
  });
  return app;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 3000);
  const server = createApp({ secret: process.env.HOOKGATE_SECRET }).listen(port, '127.0.0.1', () => {
    console.log(`OmniSales receiver listening on http://127.0.0.1:${server.address().port}/webhooks/omni`);
  });
}
