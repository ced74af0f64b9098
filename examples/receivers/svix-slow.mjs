// FLAW: slow synchronous processing — after verifying and recording a valid
// delivery it waits `delayMs` (default 21000; `SLOW_MS` in the environment)
// before answering. Refusals (bad signature etc.) are answered at once, so the
// signature.* and status.* checks are not blurred by timeouts.
// TARGETS: timeout.latency-budget (MUST) → fail for OptiPick / Dimmy with the
// default 21 s (over the 20 s Svix timeout: the provider gives up, the attempt
// fails); with delayMs 11000 → warn (over half the budget, under 20 s).
// Duplicates are delayed too. Under a 20 s provider timeout every valid
// delivery is abandoned, so dedup.* checks see a non-2xx redelivery.
//
// Everything else is correct: official `svix` library over the raw body, 400
// on refusal, dedup on svix-id (recorded before the wait), 20 MB limit.
//
// createApp({ secret, delayMs = Number($SLOW_MS ?? 21000) })
//   HOOKGATE_SECRET=whsec_… SLOW_MS=21000 PORT=0 node examples/receivers/svix-slow.mjs
// Webhook: POST /webhook. Test hook: GET /_effects (one svix-id per processing).
import express from 'express';
import { Webhook } from 'svix';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

export function createApp({ secret, delayMs = Number(process.env.SLOW_MS ?? 21000) }) {
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
    const duplicate = seen.has(id);
    if (!duplicate) {
      seen.add(id);
      effects.push(id);
    }
    await sleep(delayMs); // ← the flaw: the answer waits for the (simulated) work
    if (res.destroyed) return; // the sender gave up
    res.status(200).json(duplicate ? { received: true, duplicate: true } : { received: true });
  });
  app.get('/_effects', (_req, res) => res.json(effects));
  return app;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 3000);
  const server = createApp({ secret: process.env.HOOKGATE_SECRET }).listen(port, '127.0.0.1', () => {
    console.log(`svix slow receiver listening on http://127.0.0.1:${server.address().port}/webhook`);
  });
}
