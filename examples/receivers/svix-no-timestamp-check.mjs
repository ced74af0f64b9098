// FLAW: hand-written Svix verification that never looks at how old the
// timestamp is. The signature is right (the timestamp is part of the signed
// content), but a captured message can be replayed forever.
// TARGETS: signature.stale-timestamp and signature.future-timestamp (MUST)
// → fail: a correctly signed message 10 min old or 10 min ahead gets 200.
//
// Everything else is correct: HMAC-SHA256 with node:crypto over the raw bytes
// `${id}.${timestamp}.${body}`, key = base64-decode of the part after
// `whsec_`; any `v1,` entry of the space-separated header may match, other
// versions are ignored; timing-safe comparison; all three headers required and
// the timestamp must be an integer; refusals are 400; 20 MB body limit; dedup
// on svix-id. Reads `svix-*` headers, or `webhook-*` (Standard Webhooks) ones.
//
//   HOOKGATE_SECRET=whsec_… PORT=3000 node examples/receivers/svix-no-timestamp-check.mjs
// Webhook: POST /webhook. Test hook: GET /_effects lists processed svix-ids.
import express from 'express';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { pathToFileURL } from 'node:url';

function svixKey(secret) {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

function header(req, name) {
  return req.get(`svix-${name}`) ?? req.get(`webhook-${name}`);
}

/** Returns null when the request is authentic, else the reason to refuse it. */
export function verify(key, rawBody, id, timestamp, signatureHeader) {
  if (!id || !timestamp || !signatureHeader) return 'missing svix-id, svix-timestamp or svix-signature';
  if (!/^\d+$/.test(timestamp)) return 'svix-timestamp is not a number';
  // ← the flaw: no `|now − timestamp| > 300` test here.
  const expected = Buffer.from(createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest('base64'));
  for (const entry of signatureHeader.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    const given = Buffer.from(entry.slice(comma + 1));
    if (given.length === expected.length && timingSafeEqual(given, expected)) return null;
  }
  return 'no matching signature';
}

export function createApp({ secret }) {
  const key = svixKey(secret);
  const seen = new Set();
  const effects = [];
  const app = express();

  app.post('/webhook', express.raw({ type: () => true, limit: '20mb' }), (req, res) => {
    const id = header(req, 'id');
    const problem = verify(key, req.body, id, header(req, 'timestamp'), header(req, 'signature'));
    if (problem) return res.status(400).json({ error: problem });
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
