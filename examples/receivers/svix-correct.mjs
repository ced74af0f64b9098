// A correct OptiPick / Dimmy receiver, written as the providers' docs and Svix's
// guide say: verify the *raw* body with the official `svix` library, answer 2xx
// fast, process each svix-id once.
//
//   HOOKGATE_SECRET=whsec_… PORT=3000 node examples/receivers/svix-correct.mjs
//
// Webhook: POST /webhook. Test hook for hookgate's effects observer: GET /_effects
// lists the svix-id of every message processed (one entry per processing).
import express from 'express';
import { Webhook } from 'svix';
import { pathToFileURL } from 'node:url';

export function createApp({ secret }) {
  const wh = new Webhook(secret);
  const seen = new Set();
  const effects = [];
  const app = express();

  // Raw bytes for every content type: the signature covers the exact body.
  app.post('/webhook', express.raw({ type: () => true, limit: '20mb' }), (req, res) => {
    let payload;
    try {
      payload = wh.verify(req.body, req.headers);
    } catch {
      return res.status(400).json({ error: 'invalid signature' });
    }
    const id = req.get('svix-id') ?? req.get('webhook-id');
    if (seen.has(id)) return res.status(200).json({ received: true, duplicate: true });
    seen.add(id);
    effects.push(id);
    void payload; // a real receiver would enqueue the work here
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
