// FLAW: a bare node:http receiver that BREAKS when a sender gives up on a
// request mid-flight. Each POST does ~`workMs` (default 200 ms) of simulated
// work before answering; if the client disconnects before the response is
// written (the response 'close's before 'finish': an abandoned wait, or a body
// cut off half way), the receiver enters a broken state: from then on it never
// answers a request again — every later connection is accepted and dropped at
// once without a response (ECONNRESET / "socket hang up"), GET /_effects
// included, and requests already in flight are dropped when their work ends.
// The process stays up. (A stand-in for e.g. a lock or pool slot leaked on the
// abort path.) Dropping rather than hanging keeps the failure fast and keeps
// timeout.latency-budget (which runs afterwards) free of timeouts.
// TARGETS: timeout.abandoned-request (SHOULD) → warn (the check fails; SHOULD):
// after a request abandoned ~50 ms in (well inside the 200 ms of work), the
// next valid request gets no answer. Exchanges that finish normally never break
// it, whatever their status.
//
// Everything else is correct: the official `svix` library verifies the raw
// bytes; refusals are 400; 20 MB body limit (413); dedup on svix-id.
//
// createApp({ secret, workMs = 200 }) → a node:http request listener (not an
// express app): `createServer(createApp({ secret }))`.
//   HOOKGATE_SECRET=whsec_… PORT=0 node examples/receivers/svix-dies-on-abort.mjs
// Webhook: POST /webhook. Test hook: GET /_effects lists processed svix-ids.
import { createServer } from 'node:http';
import { Webhook } from 'svix';
import { pathToFileURL } from 'node:url';

const BODY_LIMIT = 20 * 1024 * 1024;

function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function createApp({ secret, workMs = 200 }) {
  const wh = new Webhook(secret);
  const seen = new Set();
  const effects = [];
  let broken = false;

  return function handler(req, res) {
    if (broken) return req.socket.destroy(); // ← broken: no answer, the connection is dropped
    const path = new URL(req.url ?? '/', 'http://receiver.invalid').pathname;
    if (req.method === 'GET' && path === '/_effects') return sendJson(res, 200, effects);
    if (req.method !== 'POST' || path !== '/webhook') return sendJson(res, 404, { error: 'not found' });

    // ← the flaw: a sender that leaves before the answer is written breaks the receiver.
    res.on('close', () => {
      if (!res.writableFinished && !broken) {
        broken = true;
        console.error('svix-dies-on-abort: client went away mid-request; no longer answering');
      }
    });

    const chunks = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > BODY_LIMIT) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      setTimeout(() => {
        if (res.destroyed) return;
        if (broken) return req.socket.destroy();
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
      }, workMs);
    });
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 3000);
  const server = createServer(createApp({ secret: process.env.HOOKGATE_SECRET })).listen(port, '127.0.0.1', () => {
    console.log(`svix receiver listening on http://127.0.0.1:${server.address().port}/webhook`);
  });
}
