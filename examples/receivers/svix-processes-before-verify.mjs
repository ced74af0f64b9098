// FLAW: processes the message *before* verifying it — it records the effect, then
// answers 401 to a forgery. The answer looks right; the forgery was acted on anyway.
// Targets: the negative signature checks with an observer (--effects-url): each must
// also show the forged message was not processed → signature.wrong-secret etc. fail.
//
//   HOOKGATE_SECRET=whsec_… PORT=3000 node examples/receivers/svix-processes-before-verify.mjs
import express from 'express';
import { Webhook } from 'svix';
import { pathToFileURL } from 'node:url';

export function createApp({ secret }) {
  const wh = new Webhook(secret);
  const seen = new Set();
  const effects = [];
  const app = express();
  app.post('/webhook', express.raw({ type: () => true, limit: '20mb' }), (req, res) => {
    const id = req.get('svix-id') ?? req.get('webhook-id');
    if (id && !seen.has(id)) {
      seen.add(id);
      effects.push(id); // ← the flaw: the work happens before verification
    }
    try {
      wh.verify(req.body, req.headers);
    } catch {
      return res.status(401).json({ error: 'invalid signature' });
    }
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
