// FLAW (a real mistake, made while fixing the one in svix-stringify.mjs): the route now asks for the raw
// body with `express.raw({ type: 'application/json' })`, but the app-wide `app.use(express.json())` from
// before is still in place and runs first. It has already parsed the body into an object, so
// express.raw() leaves it alone, and the `svix` library gets an object instead of the bytes:
// `verify()` throws "Expected payload to be of type string or Buffer." for every delivery. The
// handler's catch logs the error message to stderr and answers 400, as a developer's catch does.
// TARGETS: signature.valid (MUST) → fail; the response says only "invalid signature", the cause is on
// the receiver's stderr (hookgate check --start shows it: "receiver said: …"). With no delivery
// accepted, the negative checks have no baseline and skip.
//
//   HOOKGATE_SECRET=whsec_… PORT=3000 node examples/receivers/svix-global-json-parser.mjs
// Webhook: POST /webhook. Test hook: GET /_effects lists processed svix-ids.
import express from 'express';
import { Webhook } from 'svix';
import { pathToFileURL } from 'node:url';

export function createApp({ secret }) {
  const wh = new Webhook(secret);
  const seen = new Set();
  const effects = [];
  const app = express();

  app.use(express.json()); // ← the flaw: left over, so the body below is already an object

  app.post('/webhook', express.raw({ type: 'application/json', limit: '20mb' }), (req, res) => {
    try {
      wh.verify(req.body, req.headers);
    } catch (err) {
      console.error(err.message);
      return res.status(400).json({ error: 'invalid signature' });
    }
    const id = req.get('svix-id') ?? req.get('webhook-id');
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
