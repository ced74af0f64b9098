// CORRECT (no flaw): an OptiPick / Dimmy receiver that does what the providers'
// docs describe — verify the *raw* body with the official `svix` library, dedup
// on svix-id, answer 200 at once — and then, ASYNCHRONOUSLY (after the answer is
// written), fetches the details from the provider's REST API, exactly once per
// message:
//   OptiPick (payload has `request_id`):  GET {api}/optimize/cluster/{request_id}
//                                         (GET {api}/optimize/route/{request_id} when `type` is "route")
//   Dimmy items.scanned (`item_ids`):     GET {api}/items/{id} for each id
//   Dimmy item.scanned.full_payload:      nothing to fetch (the payload is the item)
// with header `X-API-KEY`. The base URL is joined cleanly (no doubled slash).
// TARGETS: dedup.redelivery, dedup.concurrent, dedup.distinct-events under the
// FETCH-BACK observer (hookgate's API counts the fetches per id) → pass; every
// other check passes too. It also has GET /_effects (svix-ids processed), but a
// fetch-back run must not rely on it.
//
// createApp({ secret, apiUrl = $HOOKGATE_API_URL, apiKey = $HOOKGATE_API_KEY || 'hookgate-example-key' })
// Without an API URL it processes (effects, dedup) but fetches nothing.
//
//   HOOKGATE_SECRET=whsec_… HOOKGATE_API_URL=http://127.0.0.1:4000 HOOKGATE_API_KEY=k PORT=0 \
//     node examples/receivers/svix-fetchback-correct.mjs
// Webhook: POST /webhook. Test hook: GET /_effects.
import express from 'express';
import { Webhook } from 'svix';
import { pathToFileURL } from 'node:url';

/** The REST paths holding the details of one message's payload (empty when the payload is complete). */
export function detailPaths(payload) {
  if (payload && Array.isArray(payload.item_ids)) {
    return payload.item_ids.filter((id) => typeof id === 'string' || typeof id === 'number').map((id) => `/items/${encodeURIComponent(id)}`);
  }
  if (payload && (typeof payload.request_id === 'string' || typeof payload.request_id === 'number')) {
    const kind = payload.type === 'route' ? 'route' : 'cluster';
    return [`/optimize/${kind}/${encodeURIComponent(payload.request_id)}`];
  }
  return [];
}

export function createApp({
  secret,
  apiUrl = process.env.HOOKGATE_API_URL,
  apiKey = process.env.HOOKGATE_API_KEY || 'hookgate-example-key',
}) {
  const wh = new Webhook(secret);
  const base = apiUrl ? apiUrl.replace(/\/+$/, '') : null;
  const seen = new Set();
  const effects = [];
  const app = express();

  async function fetchDetails(payload) {
    if (!base) return;
    for (const path of detailPaths(payload)) {
      try {
        const r = await fetch(base + path, { headers: { 'X-API-KEY': apiKey }, signal: AbortSignal.timeout(10_000) });
        await r.arrayBuffer(); // a real receiver would store the details
        if (!r.ok) console.error(`fetch ${path}: HTTP ${r.status}`);
      } catch (e) {
        console.error(`fetch ${path}: ${e?.message ?? e}`);
      }
    }
  }

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
    // Answer first; the work (here: the fetch) runs once the answer is written.
    res.on('finish', () => void fetchDetails(payload));
    res.status(200).json({ received: true });
  });
  app.get('/_effects', (_req, res) => res.json(effects));
  return app;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 3000);
  const server = createApp({ secret: process.env.HOOKGATE_SECRET }).listen(port, '127.0.0.1', () => {
    console.log(`svix fetch-back receiver listening on http://127.0.0.1:${server.address().port}/webhook`);
  });
}
