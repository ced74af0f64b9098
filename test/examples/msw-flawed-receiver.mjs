// The example receiver with one classic flaw, for proving the example's tests can fail: it checks
// the HMAC by hand and never looks at svix-timestamp's age, so stale and future deliveries pass.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function createReceiver({ secret, apiUrl, apiKey }) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const processed = new Set();
  return async function handle(request) {
    const body = await request.text();
    const id = request.headers.get('svix-id');
    const ts = request.headers.get('svix-timestamp');
    const mac = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest();
    const ok = (request.headers.get('svix-signature') ?? '')
      .split(' ')
      .some((s) => s.startsWith('v1,') && Buffer.from(s.slice(3), 'base64').length === mac.length && timingSafeEqual(Buffer.from(s.slice(3), 'base64'), mac));
    if (!ok) return Response.json({ error: 'invalid signature' }, { status: 400 });
    if (processed.has(id)) return Response.json({ received: true, duplicate: true });
    const event = JSON.parse(body);
    const res = await fetch(`${apiUrl}/optimize/${event.type === 'route' ? 'route' : 'cluster'}/${encodeURIComponent(event.request_id)}`, { headers: { 'X-API-KEY': apiKey } });
    if (!res.ok) return Response.json({ error: 'fetch failed' }, { status: 502 });
    processed.add(id);
    return Response.json({ received: true });
  };
}
