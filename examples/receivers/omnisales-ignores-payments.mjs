// NOT A FLAW: a correct OmniSales receiver that acts on order events only and
// acknowledges every other type with 200 without processing it — legitimate,
// since a receiver may ignore types it has no use for.
// TARGETS: the processing rule of the positive checks, from the other side:
// signature.raw-body and status.content-type-variants must still pass when their
// varied deliveries are of an ignored type ("processing not observed"), because
// no compact delivery of that type is processed either.
//
//   HOOKGATE_SECRET=whsec_… PORT=3000 node examples/receivers/omnisales-ignores-payments.mjs
// Webhook: POST /webhooks/omni. Test hook: GET /_effects lists processed envelope ids.
import express from 'express';
import { pathToFileURL } from 'node:url';
import { verifyOmnisales } from './omnisales-correct.mjs';

export function createApp({ secret }) {
  const seen = new Set();
  const effects = [];
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
    if (!String(event.event).startsWith('order.')) return res.status(200).json({ received: true, ignored: true });
    if (seen.has(event.id)) return res.status(200).json({ received: true, duplicate: true });
    seen.add(event.id);
    effects.push(event.id);
    res.status(200).json({ received: true });
  });
  app.get('/_effects', (_req, res) => res.json(effects));
  return app;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 3000);
  const server = createApp({ secret: process.env.HOOKGATE_SECRET }).listen(port, '127.0.0.1', () => {
    console.log(`OmniSales receiver listening on http://127.0.0.1:${server.address().port}/webhooks/omni`);
  });
}
