// FLAW: answers 400 to a correctly signed event whose type it does not know —
// it accepts only OmniSales's 34 documented event types. When OmniSales adds a
// type, every such delivery fails, is retried and ends in the dead-letter queue.
// TARGETS: status.unknown-event-type (SHOULD) → warn. The type is read from
// the envelope's `event` field (`{"id","event","created_at","data"}`), so the
// check must put its unknown type THERE, in an otherwise normal, correctly
// signed envelope. Every catalog type is accepted as on omnisales-correct.mjs.
//
// Everything else is correct (verification is omnisales-correct.mjs's own
// verifyOmnisales): hex HMAC-SHA256 over the raw body keyed with the whole
// secret, ±300 s window, missing or non-numeric timestamp refused, refusals
// are 4xx (401 for signature problems, 400 for the unknown type), 20 MB body
// limit, dedup on the envelope id with `{"duplicate": true}`. The type is
// checked after verification and before dedup: a refused event is not processed.
//
//   HOOKGATE_SECRET=whsec_… PORT=3000 node examples/receivers/omnisales-unknown-type-400.mjs
// Webhook: POST /webhooks/omni. Test hook: GET /_effects lists processed envelope ids.
import express from 'express';
import { pathToFileURL } from 'node:url';
import { verifyOmnisales } from './omnisales-correct.mjs';

export const KNOWN_EVENTS = new Set([
  'order.created', 'order.updated', 'order.shipped', 'order.completed', 'order.cancelled', 'order.refunded',
  'payment.received', 'payment.failed', 'payment.refunded', 'payment.pending',
  'customer.created', 'customer.updated', 'customer.deleted',
  'product.created', 'product.updated', 'product.deleted',
  'product.inventory_low', 'product.inventory_out', 'product.inventory_restocked',
  'refund.created', 'refund.processed', 'refund.failed',
  'email.sent', 'email.delivered', 'email.failed', 'email.bounced', 'email.opened', 'email.clicked',
  'chat.escalated', 'chat.assigned', 'chat.resolved', 'ticket.created', 'ticket.updated', 'ticket.closed',
]);

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
    // ← the flaw: an unknown type should be acknowledged (2xx) and ignored
    if (!KNOWN_EVENTS.has(event?.event)) return res.status(400).json({ error: `unknown event type ${JSON.stringify(event?.event)}` });
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
