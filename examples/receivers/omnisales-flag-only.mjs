// CORRECT, observable only through the DUPLICATE FLAG: correct verification and
// dedup on the envelope id, answering a duplicate with
// 200 {"received": true, "duplicate": true} (the guide's best-practice snippet);
// no GET /_effects (404).
// TARGETS: dedup.redelivery → pass via the duplicate-flag observer alone (the
// redelivery is flagged). dedup.distinct-events → pass (distinct events are
// never flagged). dedup.concurrent: the losing copies are flagged → pass.
// Every other check passes.
//
// createApp({ secret })
//   HOOKGATE_SECRET=whsec_… PORT=0 node examples/receivers/omnisales-flag-only.mjs
// Webhook: POST /webhooks/omni.
import express from 'express';
import { pathToFileURL } from 'node:url';
import { verifyOmnisales } from './omnisales-correct.mjs';

export function createApp({ secret }) {
  const seen = new Set();
  const app = express();
  app.post('/webhooks/omni', express.raw({ type: () => true, limit: '20mb' }), (req, res) => {
    const problem = verifyOmnisales(secret, req.body, req.get('x-webhook-signature'), req.get('x-webhook-timestamp'));
    if (problem) return res.status(401).json({ error: problem });
    let event;
    try {
      event = JSON.parse(req.body.toString('utf8'));
    } catch {
      return res.status(400).json({ error: 'body is not JSON' });
    }
    if (seen.has(event.id)) return res.status(200).json({ received: true, duplicate: true });
    seen.add(event.id); // processed here; no test hook shows it
    res.status(200).json({ received: true });
  });
  return app;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 3000);
  const server = createApp({ secret: process.env.HOOKGATE_SECRET }).listen(port, '127.0.0.1', () => {
    console.log(`OmniSales receiver listening on http://127.0.0.1:${server.address().port}/webhooks/omni`);
  });
}
