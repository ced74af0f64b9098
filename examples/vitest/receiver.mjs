// A small OptiPick receiver as an Express app: it verifies the signature with the official `svix`
// library over the raw body, deduplicates on svix-id, and fetches the optimization result from
// OptiPick's REST API once per message, as OptiPick's own example receiver does.
import express from 'express';
import { Webhook } from 'svix';

export function createApp({ secret, apiUrl, apiKey }) {
  const webhook = new Webhook(secret);
  const processed = new Set();
  const app = express();

  // The raw bytes, never a re-serialized JSON.parse result: the signature covers these exact bytes.
  app.post('/webhook', express.raw({ type: () => true, limit: '10mb' }), async (req, res) => {
    let event;
    try {
      event = webhook.verify(req.body, req.headers);
    } catch {
      return res.status(400).json({ error: 'invalid signature' });
    }
    const messageId = req.get('svix-id');
    // A redelivery (the same svix-id, re-signed) is acknowledged without being processed again.
    if (processed.has(messageId)) return res.json({ received: true, duplicate: true });
    if (event.request_id === undefined) return res.json({ received: true }); // nothing to fetch
    const kind = event.type === 'route' ? 'route' : 'cluster';
    const api = await fetch(`${apiUrl}/optimize/${kind}/${encodeURIComponent(event.request_id)}`, { headers: { 'X-API-KEY': apiKey } });
    // Not marked processed: a 5xx makes OptiPick retry later, and the retry must do the work.
    if (!api.ok) return res.status(502).json({ error: `OptiPick API answered ${api.status}` });
    processed.add(messageId);
    res.json({ received: true, status: (await api.json()).status });
  });
  return app;
}
