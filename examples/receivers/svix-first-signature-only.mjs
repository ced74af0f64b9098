// FLAW: hand-written Svix verification that reads only the FIRST
// space-separated entry of svix-signature. During key rotation (or when Svix
// adds a `v1a` asymmetric signature) the valid v1 signature need not be first,
// and the message is refused.
// TARGETS: signature.multiple-signatures (MUST for OptiPick/Dimmy) → fail:
// three signatures with the valid one in the middle or last are refused (400);
// valid one first still passes. "Unknown versions beside a valid v1" is refused
// too when the unknown entry comes first.
//
// Everything else is correct: HMAC-SHA256 with node:crypto over the raw bytes
// `${id}.${timestamp}.${body}`, key = base64-decode of the part after
// `whsec_`; only a `v1` entry can match; timing-safe comparison; all three
// headers required; ±300 s timestamp window; refusals are 400; 20 MB body
// limit; dedup on svix-id. Reads `svix-*` or `webhook-*` headers.
//
//   HOOKGATE_SECRET=whsec_… PORT=3000 node examples/receivers/svix-first-signature-only.mjs
// Webhook: POST /webhook. Test hook: GET /_effects lists processed svix-ids.
import express from 'express';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const TOLERANCE_SEC = 300;

function svixKey(secret) {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

function header(req, name) {
  return req.get(`svix-${name}`) ?? req.get(`webhook-${name}`);
}

/** Returns null when the request is authentic, else the reason to refuse it. */
export function verify(key, rawBody, id, timestamp, signatureHeader, nowSec = Math.floor(Date.now() / 1000)) {
  if (!id || !timestamp || !signatureHeader) return 'missing svix-id, svix-timestamp or svix-signature';
  if (!/^\d+$/.test(timestamp)) return 'svix-timestamp is not a number';
  if (Math.abs(nowSec - Number(timestamp)) > TOLERANCE_SEC) return 'timestamp outside the 5-minute window';
  const expected = Buffer.from(createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest('base64'));
  const first = signatureHeader.split(' ')[0]; // ← the flaw: the other entries are never looked at
  const comma = first.indexOf(',');
  if (comma < 0 || first.slice(0, comma) !== 'v1') return 'unsupported signature version';
  const given = Buffer.from(first.slice(comma + 1));
  if (given.length === expected.length && timingSafeEqual(given, expected)) return null;
  return 'invalid signature';
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
