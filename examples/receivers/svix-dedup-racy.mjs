// FLAW: check-then-act dedup with an async gap. It checks the "seen" set, then
// awaits a slow store round trip (`gapMs`, default 200 ms, standing in for a
// database lookup plus the work), and only then records the svix-id. Copies
// that arrive within the gap all pass the check and are all processed. (With
// 20 ms the race shows when the copies arrive together, but a loaded sender —
// a full `hookgate check` at --concurrency 4 — spreads them by more than that,
// and the check then sees one processing.)
// TARGETS: dedup.concurrent under the EFFECTS observer (SHOULD) → warn: N
// simultaneous copies give N entries in GET /_effects. dedup.redelivery → pass
// (a retry arrives after the first delivery was recorded and answered, and is
// answered 200 {"received":true,"duplicate":true}).
//
// Everything else is correct: the official `svix` library verifies the raw
// bytes; refusals are 400; 20 MB body limit.
//
// createApp({ secret, gapMs = 200 })
//   HOOKGATE_SECRET=whsec_… PORT=0 node examples/receivers/svix-dedup-racy.mjs
// Webhook: POST /webhook. Test hook: GET /_effects (one svix-id per processing).
import express from 'express';
import { Webhook } from 'svix';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

export function createApp({ secret, gapMs = 200 }) {
  const wh = new Webhook(secret);
  const seen = new Set();
  const effects = [];
  const app = express();
  app.post('/webhook', express.raw({ type: () => true, limit: '20mb' }), async (req, res) => {
    try {
      wh.verify(req.body, req.headers);
    } catch {
      return res.status(400).json({ error: 'invalid signature' });
    }
    const id = req.get('svix-id') ?? req.get('webhook-id');
    const known = seen.has(id); // check …
    await sleep(gapMs); //         … ← the flaw: the store round trip opens a window …
    if (known) return res.status(200).json({ received: true, duplicate: true });
    seen.add(id); //               … then act
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
