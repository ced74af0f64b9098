// A small OptiPick receiver written as a fetch-style handler, `(request: Request) => Response`
// (what Next.js route handlers, Hono's app.fetch and Remix actions are): it verifies the signature
// with the official `svix` library over the raw body, deduplicates on svix-id, and fetches the
// optimization result from OptiPick's REST API, as OptiPick's own example receiver does.
import { Webhook } from 'svix';

export function createReceiver({ secret, apiUrl, apiKey }) {
  const webhook = new Webhook(secret);
  const processed = new Set();

  return async function handle(request) {
    if (request.method !== 'POST') return new Response(null, { status: 405 });
    // The raw text, never a re-serialized JSON.parse result: the signature covers these exact bytes.
    const body = await request.text();
    let event;
    try {
      event = webhook.verify(body, Object.fromEntries(request.headers));
    } catch {
      return Response.json({ error: 'invalid signature' }, { status: 400 });
    }

    const messageId = request.headers.get('svix-id');
    // A redelivery (the same svix-id, re-signed) is acknowledged without being processed again.
    if (processed.has(messageId)) return Response.json({ received: true, duplicate: true });

    const kind = event.type === 'route' ? 'route' : 'cluster';
    const res = await fetch(`${apiUrl}/optimize/${kind}/${encodeURIComponent(event.request_id)}`, {
      headers: { 'X-API-KEY': apiKey },
    });
    // Not marked processed: a 5xx makes OptiPick retry later, and the retry must do the work.
    if (!res.ok) return Response.json({ error: `OptiPick API answered ${res.status}` }, { status: 502 });
    const result = await res.json();
    processed.add(messageId);
    return Response.json({ received: true, status: result.status });
  };
}
