// FLAW: a bare node:http receiver (no express, no error handling) whose header
// sanity check THROWS on a signature header carrying non-ASCII bytes, inside
// the request handler, with no try/catch. In a bare http server that is an
// uncaught exception: the whole PROCESS dies — the offending request gets no
// answer (socket hang up / ECONNRESET) and every later request is refused
// (ECONNREFUSED) until somebody restarts the receiver. One hostile request
// takes the endpoint down.
// TARGETS: status.malformed-signature (MUST) → fail: after the non-ASCII
// signature the next valid request is not served. (status.rejection-is-4xx
// also sees a dropped connection.) The other malformed headers — empty, wrong
// length, not base64, 10 kB — are ASCII and are refused with 400 as they should be.
// Run it as a CHILD PROCESS (that is how the crash is observed): importing
// createApp into a test process and triggering the flaw kills the test process.
//
// Everything else is correct: the official `svix` library verifies the raw
// bytes (any v1 entry, ±5-min window, headers required); refusals are 400;
// 20 MB body limit (413 above); dedup on svix-id.
//
//   HOOKGATE_SECRET=whsec_… PORT=3000 node examples/receivers/svix-crash-non-ascii.mjs
// Webhook: POST /webhook. Test hook: GET /_effects lists processed svix-ids.
import { createServer } from 'node:http';
import { Webhook } from 'svix';
import { pathToFileURL } from 'node:url';

const BODY_LIMIT = 20 * 1024 * 1024;

// Header values reach JS as latin1 strings, one char per byte: UTF-8 bytes arrive as chars 0x80–0xff.
function assertAsciiHeader(name, value) {
  const i = value.search(/[^\x00-\x7f]/);
  if (i >= 0) throw new TypeError(`${name}: non-ASCII byte 0x${value.charCodeAt(i).toString(16)} at ${i}`);
}

function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A node:http request listener (not an express app): `createServer(createApp({ secret }))`. */
export function createApp({ secret }) {
  const wh = new Webhook(secret);
  const seen = new Set();
  const effects = [];

  return function handler(req, res) {
    const path = new URL(req.url ?? '/', 'http://receiver.invalid').pathname;
    if (req.method === 'GET' && path === '/_effects') return sendJson(res, 200, effects);
    if (req.method !== 'POST' || path !== '/webhook') return sendJson(res, 404, { error: 'not found' });

    const signature = req.headers['svix-signature'] ?? req.headers['webhook-signature'];
    if (typeof signature === 'string') assertAsciiHeader('svix-signature', signature); // ← the flaw: throws, uncaught

    const chunks = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > BODY_LIMIT) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) return sendJson(res, 413, { error: 'payload too large' });
      const body = Buffer.concat(chunks);
      try {
        wh.verify(body, req.headers);
      } catch {
        return sendJson(res, 400, { error: 'invalid signature' });
      }
      const id = req.headers['svix-id'] ?? req.headers['webhook-id'];
      if (seen.has(id)) return sendJson(res, 200, { received: true, duplicate: true });
      seen.add(id);
      effects.push(id);
      sendJson(res, 200, { received: true });
    });
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 3000);
  const server = createServer(createApp({ secret: process.env.HOOKGATE_SECRET })).listen(port, '127.0.0.1', () => {
    console.log(`svix receiver listening on http://127.0.0.1:${server.address().port}/webhook`);
  });
}
