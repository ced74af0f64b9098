// FLAW: "verify if present" — when svix-signature, svix-id or svix-timestamp
// is missing, verification is skipped and the message is accepted (200). When
// all three are present it verifies correctly.
// TARGETS: signature.missing-headers (MUST) → fail: dropping any one header,
// or all three, turns a refusal into 200 (even for a forged body: drop the
// signature and anything goes). Every other negative check sends all three
// headers, so those are refused as they should be. Only an ABSENT header
// skips verification: an empty one (status.malformed-signature's "empty") is
// verified and refused with 400.
//
// Everything else is correct: HMAC-SHA256 with node:crypto over the raw bytes
// `${id}.${timestamp}.${body}`, key = base64-decode of the part after
// `whsec_`; any `v1` entry may match, other versions ignored; timing-safe
// comparison; ±300 s timestamp window; refusals are 400; 20 MB body limit;
// dedup on svix-id (a fresh id when it is missing). Reads `svix-*` or
// `webhook-*` headers.
//
//   HOOKGATE_SECRET=whsec_… PORT=3000 node examples/receivers/svix-ignores-missing-headers.mjs
// Webhook: POST /webhook. Test hook: GET /_effects lists processed svix-ids.
import express from 'express';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const TOLERANCE_SEC = 300;

function svixKey(secret) {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

function header(req, name) {
  return req.get(`svix-${name}`) ?? req.get(`webhook-${name}`);
}

/** Returns null when the request is authentic (or, wrongly, unsigned), else the reason to refuse it. */
export function verify(key, rawBody, id, timestamp, signatureHeader, nowSec = Math.floor(Date.now() / 1000)) {
  // ← the flaw: a header that is absent means "nothing to verify", so "fine". (Only absence:
  // an empty header is present, goes on to verification and is refused.)
  if (id === undefined || timestamp === undefined || signatureHeader === undefined) return null;
  if (!/^\d+$/.test(timestamp)) return 'svix-timestamp is not a number';
  if (Math.abs(nowSec - Number(timestamp)) > TOLERANCE_SEC) return 'timestamp outside the 5-minute window';
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
    const problem = verify(key, req.body, header(req, 'id'), header(req, 'timestamp'), header(req, 'signature'));
    if (problem) return res.status(400).json({ error: problem });
    const id = header(req, 'id') ?? `anon_${randomUUID()}`;
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
