// FLAW: modelled on the providers' public Flask example receivers (OptiPick and
// Dimmy docs): it verifies correctly (official `svix` library over the raw body,
// 400 on refusal), then fetches the details SYNCHRONOUSLY, before answering,
// and has NO DEDUP — every delivery of a message, redeliveries and concurrent
// copies included, fetches again. Like the example, the API base ends in `/`
// and the path is appended with its own leading `/`, so OptiPick fetches go to
// `{api}//optimize/cluster/{request_id}` (`//optimize/route/…` when `type` is
// "route"); Dimmy items.scanned fetches `{api}/items/{id}` per id (PROVIDERS.md
// documents the doubled slash for OptiPick only).
// TARGETS: dedup.redelivery under the FETCH-BACK observer (MUST) → fail: two
// fetches for one message; dedup.concurrent warns (one fetch per copy).
// No GET /_effects (404): only fetch-back can see its processing. If the API
// cannot be reached the fetch throws and the webhook answers 500 (as the Flask
// example's unhandled `requests` exception would); with no API URL configured
// it fetches nothing and answers 200. No duplicate flag.
//
// createApp({ secret, apiUrl = $HOOKGATE_API_URL, apiKey = $HOOKGATE_API_KEY || 'hookgate-example-key',
//             log = console.log })   (the example prints what it fetched; `log` receives one line per fetch)
//
//   HOOKGATE_SECRET=whsec_… HOOKGATE_API_URL=http://127.0.0.1:4000 PORT=0 \
//     node examples/receivers/svix-fetchback-public-example.mjs
// Webhook: POST /webhook.
import express from 'express';
import { Webhook } from 'svix';
import { pathToFileURL } from 'node:url';

export function createApp({
  secret,
  apiUrl = process.env.HOOKGATE_API_URL,
  apiKey = process.env.HOOKGATE_API_KEY || 'hookgate-example-key',
  log = console.log,
}) {
  const wh = new Webhook(secret);
  // As in the public example: `api_url = "https://…/"`, then `api_url + "/optimize/cluster/" + id`.
  const API_URL = apiUrl ? (apiUrl.endsWith('/') ? apiUrl : apiUrl + '/') : null;
  const app = express();

  app.post('/webhook', express.raw({ type: () => true, limit: '20mb' }), async (req, res) => {
    let msg;
    try {
      msg = wh.verify(req.body, req.headers);
    } catch {
      return res.status(400).json({ error: 'invalid signature' });
    }
    // ← the flaw: no dedup; every delivery fetches, and the answer waits for it.
    const urls = [];
    if (API_URL && msg && Array.isArray(msg.item_ids)) {
      for (const id of msg.item_ids) urls.push(API_URL + 'items/' + id);
    } else if (API_URL && msg && msg.request_id !== undefined) {
      const kind = msg.type === 'route' ? 'route' : 'cluster';
      urls.push(API_URL + '/optimize/' + kind + '/' + msg.request_id);
    }
    try {
      for (const url of urls) {
        const r = await fetch(url, { headers: { 'X-API-KEY': apiKey } });
        log(`GET ${url} → ${r.status} ${(await r.text()).slice(0, 200)}`);
      }
    } catch (e) {
      console.error(`fetch failed: ${e?.message ?? e}`);
      return res.status(500).json({ error: 'internal server error' });
    }
    res.status(200).json({ received: true });
  });
  return app;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 3000);
  const server = createApp({ secret: process.env.HOOKGATE_SECRET }).listen(port, '127.0.0.1', () => {
    console.log(`svix public-example receiver listening on http://127.0.0.1:${server.address().port}/webhook`);
  });
}
