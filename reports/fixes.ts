/*
 * What a receiver should do for each check, and the concrete change a developer
 * makes when it does not. Shared by summary.md and report.html so both say the
 * same thing. Text only (inline `code` in backticks): the writers escape it like
 * any other string and may render the backtick spans as code.
 *
 * Provider-aware because the fix differs: OptiPick and Dimmy deliver through Svix
 * (use the official `svix` library, which gets the signed content, the secret
 * decoding, the window and key rotation right), OmniSales has its own hex scheme
 * that receivers hand-roll.
 *
 * Framework-aware when the receiver's framework is known (reports/framework.ts
 * infers it from the answers): the entries that differ by framework then give that
 * framework's fix first and only its snippet; unknown, they list the common ones.
 */

import { FRAMEWORK_LABEL, type FrameworkName, type InferredFramework } from './framework.js';

export interface Fix {
  /** What a conforming receiver does. */
  should: string;
  /** The change to make, with framework-specific pointers. */
  fix: string;
}

type Kind = 'svix' | 'omnisales' | 'other';

/** The receiver's framework as fixFor takes it: a name, an inference (its reason is shown), or nothing. */
export type FrameworkHint = FrameworkName | InferredFramework | undefined;

interface Fw {
  name: FrameworkName;
  because?: string;
}

function fwOf(h: FrameworkHint): Fw | undefined {
  if (!h) return undefined;
  if (typeof h === 'string') return FRAMEWORK_LABEL[h] ? { name: h } : undefined;
  return FRAMEWORK_LABEL[h.name] ? { name: h.name, because: h.because } : undefined;
}

/** "For Express (its answers carry `x-powered-by: Express`):" — leads a framework's own fix. */
function forFw(fw: Fw): string {
  return `For ${FRAMEWORK_LABEL[fw.name]}${fw.because ? ` (recognised because ${fw.because})` : ''}:`;
}

function kindOf(provider: string): Kind {
  const p = provider.toLowerCase();
  if (p === 'optipick' || p === 'dimmy') return 'svix';
  if (p === 'omnisales') return 'omnisales';
  return 'other';
}

const SVIX_VERIFY_NODE = '`new Webhook(secret).verify(rawBody, headers)`';
const SVIX_VERIFY_PY = '`Webhook(secret).verify(raw_body, headers)`';
const SVIX_VERIFY_TAIL =
  "with the `whsec_…` secret exactly as the provider shows it — the library decodes it, checks the timestamp window and accepts any valid `v1` signature";
const OMNI_HMAC_NODE = "`crypto.createHmac('sha256', secret).update(rawBody).digest('hex')`";
const OMNI_HMAC_PY = '`hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()`';
const OMNI_HEAD = 'compute the lowercase hex HMAC-SHA256 of the raw body with the whole secret string (including `whsec_`) as the UTF-8 key';
const OMNI_CMP_NODE = '`crypto.timingSafeEqual` after checking the lengths match';
const OMNI_CMP_PY = '`hmac.compare_digest`';
const PYTHON: ReadonlySet<FrameworkName> = new Set(['flask', 'fastapi']);
const RAW_BODY =
  "Express: `app.post('/webhook', express.raw({ type: 'application/json' }), handler)` and pass `req.body` (a Buffer); Fastify: `addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => done(null, body))` (or `fastify-raw-body`'s `req.rawBody`); Flask: `request.get_data()`; FastAPI: `await request.body()`. Parse the JSON only after verification, and never verify `JSON.stringify(req.body)` / `json.dumps(request.json)`";

/** How each framework hands the handler the raw bytes. */
const RAW_BODY_BY: Record<FrameworkName, string> = {
  express: "`app.post('/webhook', express.raw({ type: 'application/json' }), handler)` and pass `req.body` (a Buffer) to the verifier",
  fastify:
    "`fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => done(null, body))` in a plugin holding the webhook route, and pass `request.body` (a Buffer) — or `fastify-raw-body` and `request.rawBody`",
  flask: '`raw = request.get_data()` (bytes) and pass `raw` to the verifier',
  fastapi: 'take `request: Request` and pass `raw = await request.body()` (bytes) to the verifier',
  hono: 'pass `const raw = await c.req.text()` to the verifier',
  nextjs:
    "App Router: `const raw = await req.text()` in the route handler; Pages Router: `export const config = { api: { bodyParser: false } }` and read the stream (`for await (const chunk of req) chunks.push(chunk)`, then `Buffer.concat(chunks)`)",
};

/** What breaks when a JSON parser ran before the verifier, in Node. */
function parsedSymptomNode(k: Kind): string {
  if (k === 'svix') return 'the `svix` library then throws "Expected payload to be of type string or Buffer" on every delivery';
  if (k === 'omnisales') return '`crypto.createHmac(…).update(req.body)` then throws on the object — a 500 — and `JSON.stringify(req.body)` is not the bytes that were signed';
  return 'the `svix` library throws "Expected payload to be of type string or Buffer", and `JSON.stringify(req.body)` is not the bytes that were signed';
}

/** The "body already parsed" mistake: a JSON parser that runs before the verifier, per framework. */
const PARSED_BY: Record<FrameworkName, (k: Kind) => string> = {
  express: (k) =>
    `a global \`app.use(express.json())\` registered before the webhook route parses the body first: \`express.raw()\` on the route then finds it already read and \`req.body\` is a parsed object — ${parsedSymptomNode(k)}. Register the webhook route, with its \`express.raw({ type: 'application/json' })\`, before \`app.use(express.json())\`, or keep the JSON parser off its path.`,
  fastify: (k) =>
    `Fastify's default JSON parser has turned the body into an object before the handler runs — ${parsedSymptomNode(k)}. Replace it for the webhook route with \`addContentTypeParser('application/json', { parseAs: 'buffer' }, …)\` registered in the route's own plugin (other routes keep JSON), or verify \`request.rawBody\` from \`fastify-raw-body\`.`,
  flask: () =>
    'read `request.get_data()` before anything touches the body (`request.json`, `request.get_json()`, `request.form`, `request.stream`) and verify those bytes — `json.dumps(request.json)` never reproduces the bytes that were signed; parse with `json.loads(raw)` only after verification.',
  fastapi: () =>
    'a pydantic body parameter (`async def webhook(event: Event)`) makes FastAPI parse and validate the JSON before your code runs: there are no raw bytes left to verify, and a body that does not fit the model is refused with `422 {"detail": …}` before any verification. Take `request: Request` instead, verify `await request.body()`, then `Event.model_validate_json(raw)`.',
  hono: (k) =>
    `read the body once with \`await c.req.text()\` and verify that string: \`JSON.stringify(await c.req.json())\` is not the bytes that were signed${k === 'svix' ? ' (and the `svix` library throws "Expected payload to be of type string or Buffer" on the parsed object)' : ''}, and after \`c.req.json()\` or a \`validator('json', …)\` middleware the native \`c.req.raw\` body is already consumed (\`c.req.raw.text()\` throws, a 500). Parse with \`JSON.parse(raw)\` after verification.`,
  nextjs: (k) =>
    `App Router: \`await req.json()\` consumes the body — read \`await req.text()\` instead, verify it, then \`JSON.parse(raw)\`. Pages Router: the built-in body parser has already made \`req.body\` an object (${parsedSymptomNode(k)}) — add \`export const config = { api: { bodyParser: false } }\` and read the raw stream.`,
};

/** The same mistake for an unknown framework: every common form of it, briefly. */
function parsedGeneric(k: Kind): string {
  return `A JSON parser that runs before the verifier leaves a parsed object instead of the bytes (${parsedSymptomNode(k)}): Express \`app.use(express.json())\` registered before the route's \`express.raw()\`; Fastify's default JSON parser; Flask \`request.json\` / \`request.get_json()\` instead of \`request.get_data()\`; FastAPI a pydantic body model instead of \`await request.body()\`; Hono \`c.req.json()\` instead of \`c.req.text()\`; Next.js \`await req.json()\` instead of \`await req.text()\` (Pages Router: \`bodyParser: false\`).`;
}

function parsedFor(k: Kind, fw: Fw): string {
  const text = PARSED_BY[fw.name](k);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** How to verify, in the framework's language when it is known (Node or Python), else both. */
function verifyHow(k: Kind, fw?: Fw): string {
  const lang = fw ? (PYTHON.has(fw.name) ? 'python' : 'node') : undefined;
  if (k === 'svix') {
    const call = lang === 'python' ? SVIX_VERIFY_PY : lang === 'node' ? SVIX_VERIFY_NODE : `${SVIX_VERIFY_NODE} (Node) or ${SVIX_VERIFY_PY} (Python)`;
    return `verify with the official \`svix\` library: ${call}, ${SVIX_VERIFY_TAIL}`;
  }
  if (k === 'omnisales') {
    const hmac = lang === 'python' ? OMNI_HMAC_PY : lang === 'node' ? OMNI_HMAC_NODE : `${OMNI_HMAC_NODE} / ${OMNI_HMAC_PY}`;
    const cmp = lang === 'python' ? OMNI_CMP_PY : lang === 'node' ? OMNI_CMP_NODE : `${OMNI_CMP_NODE}, or ${OMNI_CMP_PY}`;
    return `${OMNI_HEAD} — ${hmac} — and compare it to \`X-Webhook-Signature\` with ${cmp}`;
  }
  return 'verify with the provider\'s official library where there is one, over the raw body';
}

function dedupKey(k: Kind): string {
  if (k === 'svix') return 'the `svix-id` header (the same on every attempt of a message)';
  if (k === 'omnisales') return 'the envelope `id` (`evt_…`) — not `X-Webhook-ID`, which names the webhook configuration and is the same for every event';
  return 'the message id (`svix-id` for Svix providers, the envelope `id` for OmniSales)';
}

function refuseOnError(k: Kind): string {
  if (k === 'svix') return 'let `verify()` throw (`WebhookVerificationError`) and answer 400 or 401 from the catch — never swallow the error and carry on';
  if (k === 'omnisales') return 'answer 401 when the computed signature does not match, before reading the payload';
  return 'answer 400 or 401 when verification fails, before acting on the payload';
}

function windowFix(k: Kind, what: string): string {
  if (k === 'svix') {
    return `Keep the \`svix\` library's 5-minute tolerance (do not catch and ignore its timestamp error). Hand-rolled: reject when \`Math.abs(Date.now() / 1000 - Number(headers['svix-timestamp'])) > 300\` — seconds, not milliseconds — ${what}.`;
  }
  if (k === 'omnisales') {
    return `Reject when \`X-Webhook-Timestamp\` is missing, not an integer, or \`Math.abs(now - ts) > 300\`: \`const ts = Number(req.get('X-Webhook-Timestamp')); if (!Number.isInteger(ts) || Math.abs(Date.now() / 1000 - ts) > 300) return res.status(401).end()\` (the guide's \`parseInt\` test lets \`NaN\` through) — ${what}.`;
  }
  return `Reject timestamps more than 300 s from now in either direction — ${what}.`;
}

/** Refusing from the catch, per framework (status.rejection-is-4xx). */
const REFUSE_BY: Record<FrameworkName, string> = {
  express: "`catch (err) { return res.status(400).send('invalid signature') }` — in Express 4 an error thrown in an `async` handler never reaches Express (the request hangs or the process dies), and Express 5 answers it with a 500",
  fastify: "`catch (err) { return reply.code(400).send({ error: 'invalid signature' }) }` — an error thrown from the handler becomes a 500",
  flask: '`abort(400)` when a header is missing or verification fails — any other exception becomes a 500',
  fastapi: '`raise HTTPException(status_code=401)` from the `except` — any other exception becomes a 500',
  hono: "`catch (err) { return c.text('invalid signature', 400) }` — an uncaught error becomes Hono's 500 `Internal Server Error`",
  nextjs: "`catch (err) { return new Response('invalid signature', { status: 400 }) }` — a thrown error becomes a 500",
};

/** The 2xx answer for an event type the receiver does not handle, per framework. */
const IGNORE_BY: Record<FrameworkName, string> = {
  express: '`default: return res.sendStatus(204)`',
  fastify: '`default: return reply.code(204).send()`',
  flask: "`return '', 204`",
  fastapi: '`return Response(status_code=204)`',
  hono: '`return c.body(null, 204)`',
  nextjs: '`return new Response(null, { status: 204 })`',
};

/** Reading the body whatever the JSON content type's spelling, per framework. */
const CONTENT_TYPE_BY: Record<FrameworkName, string> = {
  express: "`express.raw({ type: 'application/json' })` matches the media type, parameters included (or use `type: () => true` on the webhook route)",
  fastify: "a parser registered for `'application/json'` also matches `application/json; charset=utf-8`: do not add a check of the whole header in the route",
  flask: 'read `request.get_data()` instead of requiring `request.is_json` or comparing `request.content_type`',
  fastapi: "read `await request.body()`; do not compare `request.headers['content-type']` with a literal",
  hono: "read `await c.req.text()`; do not compare `c.req.header('content-type')` with a literal",
  nextjs: "read `await req.text()`; do not compare `req.headers.get('content-type')` with a literal",
};

/** Raising the body limit, per framework. */
const LIMIT_BY: Record<FrameworkName, string> = {
  express: "`express.raw({ type: 'application/json', limit: '10mb' })` on the webhook route (the default is 100 kB)",
  fastify: '`Fastify({ bodyLimit: 10 * 1024 * 1024 })`, or `bodyLimit` in the webhook route\'s options (the default is 1 MiB)',
  flask: "`app.config['MAX_CONTENT_LENGTH'] = 10 * 1024 * 1024` if it is set lower (Flask sets no limit by default)",
  fastapi: 'FastAPI sets no body limit of its own: look for one in middleware and in whatever runs in front of uvicorn',
  hono: "`bodyLimit({ maxSize: 10 * 1024 * 1024 })` if the route uses Hono's `bodyLimit` middleware; the runtime or platform may cap request bodies too",
  nextjs:
    "Pages Router: `export const config = { api: { bodyParser: { sizeLimit: '10mb' } } }` (the default is 1 MB), or `bodyParser: false` and read the stream; App Router route handlers set no limit of their own, but the host may (Vercel Functions cap request bodies at 4.5 MB)",
};

/** Staying available while one request is abandoned, per framework. */
const SERVE_ON_BY: Record<FrameworkName, string> = {
  express: "Node runs every handler on one event loop: keep synchronous work (big `JSON.parse`, `*Sync` calls, CPU-heavy loops) out of the request path, and handle a client disconnect (`req.on('close')`) without crashing",
  fastify: "Node runs every handler on one event loop: keep synchronous work out of the request path, and handle a client disconnect (`request.raw.on('close')`) without crashing",
  flask: 'run several workers (`gunicorn -w 4 app:app`) rather than the single-threaded development server, and keep slow work out of the request',
  fastapi: 'never call blocking code inside an `async def` endpoint (use a plain `def` endpoint or `await run_in_threadpool(...)`), and run several workers (`uvicorn --workers 4`)',
  hono: 'keep synchronous work out of the handler (one event loop serves every request) and let an aborted request end quietly (`c.req.raw.signal`)',
  nextjs: 'keep synchronous work out of the route handler (one event loop serves every request) and let an aborted request end quietly (`req.signal`)',
};

/** Item 8: why deduplication is OmniSales receivers' only replay defence. */
const OMNI_REPLAY =
  'The OmniSales signature covers the body only, not `X-Webhook-Timestamp`: whoever captured one request can send it again with a fresh timestamp and it still verifies, so the window only stops careless replays — deduplicating on the envelope `id` is the receiver\'s only defence against a replayed request.';

type Entry = (k: Kind, fw?: Fw) => Fix;

const ENTRIES: Record<string, Entry> = {
  'signature.valid': (k, fw) => ({
    should: 'Answer 2xx to every correctly signed event of each type it is subscribed to.',
    fix:
      (fw
        ? `${forFw(fw)} ${PARSED_BY[fw.name](k)} Then, on the webhook route, ${verifyHow(k, fw)}; answer 2xx for every subscribed type.`
        : `On the webhook route, ${verifyHow(k)}; then answer 2xx for every subscribed type.`) +
      " Check that the secret configured is this endpoint's (no stray whitespace or quotes from the environment file) and that the route matches the URL hookgate calls." +
      (k === 'svix' ? ' OptiPick per-warehouse types look like `cluster.optimized.{warehouse}.{user id}`: match on the prefix, not the whole name.' : '') +
      (fw ? '' : ` ${parsedGeneric(k)}`),
  }),
  'signature.raw-body': (k, fw) => ({
    should: 'Verify the signature over the exact bytes received, so any valid JSON spelling (whitespace, key order, escapes) is accepted.',
    fix: fw
      ? `${forFw(fw)} give the verifier the raw request body — ${RAW_BODY_BY[fw.name]}. ${parsedFor(k, fw)} Then ${verifyHow(k, fw)}.`
      : `Give the verifier the raw request body — ${RAW_BODY}. ${parsedGeneric(k)} Then ${verifyHow(k)}.`,
  }),
  'signature.tampered-body': (k, fw) => ({
    should: 'Refuse (4xx) a body whose content changed after it was signed.',
    fix: `Verify the whole raw body before using any of it: ${verifyHow(k, fw)}; ${refuseOnError(k)}. Do not verify a subset of fields or skip verification when the JSON parses.`,
  }),
  'signature.wrong-secret': (k) => ({
    should: 'Refuse (4xx) a body signed with any secret but this endpoint\'s.',
    fix:
      `Load the endpoint's own secret from configuration and fail closed when it is missing; ${refuseOnError(k)}. Remove any "accept unsigned"/debug bypass.` +
      (k === 'svix' ? ' The secret is `whsec_` + base64 of the key: pass it to `new Webhook(secret)` unchanged rather than using the string as an HMAC key.' : '') +
      (k === 'omnisales' ? ' Use the whole secret string as the HMAC key, including `whsec_`.' : ''),
  }),
  'signature.missing-headers': (k) => ({
    should:
      k === 'omnisales'
        ? 'Refuse (4xx) when `X-Webhook-Signature` or `X-Webhook-Timestamp` is missing, and when both are.'
        : 'Refuse (4xx) when any of the id, timestamp and signature headers is missing, and when all are.',
    fix:
      k === 'svix'
        ? 'Pass all request headers to `new Webhook(secret).verify(rawBody, req.headers)`: it throws when `svix-id`, `svix-timestamp` or `svix-signature` (or the `webhook-*` equivalents) is absent — answer 400/401 from the catch. Hand-rolled: treat a missing header as a failed verification, never as "nothing to verify".'
        : windowFix(k, 'and answer 401 when `X-Webhook-Signature` is absent instead of skipping the comparison'),
  }),
  'signature.stale-timestamp': (k) => ({
    should: 'Refuse (4xx) a correctly signed request whose timestamp is more than 5 minutes old (replay protection).',
    fix: windowFix(k, 'checked before or together with the signature') + (k === 'omnisales' ? ` ${OMNI_REPLAY}` : ''),
  }),
  'signature.future-timestamp': (k) => ({
    should: 'Refuse (4xx) a correctly signed request whose timestamp is more than 5 minutes in the future.',
    fix: windowFix(k, 'use the absolute difference so the future is bounded too'),
  }),
  'signature.timestamp-within-window': (k) => ({
    should: 'Accept a correctly signed request whose timestamp is 2.5 minutes old: the window is 5 minutes each way.',
    fix: `Use a tolerance of 300 s, not less, and compare seconds with seconds (\`Date.now() / 1000\`, \`time.time()\`); keep the server clock synced (NTP).${k === 'svix' ? ' Do not pass a smaller tolerance to the library.' : ''}`,
  }),
  'signature.multiple-signatures': (k) =>
    k === 'omnisales'
      ? { should: 'OmniSales sends one signature: nothing to do.', fix: 'Nothing to change for OmniSales.' }
      : {
          should: 'Accept a signature header carrying several space-separated entries when any `v1` entry is valid, in any position; ignore other versions such as `v1a`.',
          fix: "Use `new Webhook(secret).verify(rawBody, headers)`, which handles key rotation. Hand-rolled: `header.split(' ')`, keep the entries starting with `v1,`, and accept when any of them matches (`timingSafeEqual` after a length check) — never only the first entry or the whole header.",
        },
  'status.rejection-is-4xx': (k, fw) => ({
    should: 'Answer every refusal with a 400–499 status — never 5xx or a dropped connection, which tell the provider to retry a forged request for hours.',
    fix:
      (fw
        ? `${forFw(fw)} wrap verification in try/catch and answer from it: ${REFUSE_BY[fw.name]}. ` +
          (PYTHON.has(fw.name)
            ? 'Check each header for `None` before using it, and compare with `hmac.compare_digest`.'
            : 'Compare lengths before `crypto.timingSafeEqual` (it throws — a 500 — on different lengths) and answer 400 for a missing header instead of dereferencing it.')
        : `Wrap verification in try/catch and answer 400 or 401 from it; compare lengths before \`crypto.timingSafeEqual\` (it throws — a 500 — on different lengths); answer 400 for a missing header instead of dereferencing it (Flask: \`abort(400)\`, FastAPI: \`raise HTTPException(status_code=401)\`).`) +
      (k === 'svix' ? ' With `svix`, catch `WebhookVerificationError`.' : '') +
      (k === 'omnisales' && (!fw || PYTHON.has(fw.name)) ? ' Python: `request.headers.get(...)` may be `None` — check it before `.encode()`.' : ''),
  }),
  'status.malformed-signature': (k) => ({
    should: 'Survive malformed signature headers (empty, wrong length, not base64/hex, 10 kB long, non-ASCII): answer non-2xx and keep serving the next valid request.',
    fix:
      (k === 'omnisales'
        ? "Check the header against `/^[0-9a-f]{64}$/` before comparing (`Buffer.from(sig, 'hex')` silently drops non-hex digits), then `timingSafeEqual` / `hmac.compare_digest`."
        : 'Let the `svix` library parse the header; hand-rolled, decode base64 inside try/catch and compare lengths before `timingSafeEqual`.') +
      ' Never let an exception in the handler kill the process (Express error handler, `process.on(\'uncaughtException\')` is not a fix); answer 400/401.',
  }),
  'status.unknown-event-type': (k, fw) => ({
    should: 'Answer 2xx to a correctly signed event of a type it does not handle, and ignore it.',
    fix:
      (fw
        ? `${forFw(fw)} add a default branch to the event dispatch that logs and answers 2xx (${IGNORE_BY[fw.name]}) — never 400/404/500: the provider retries those and, `
        : "Add a default branch to the event dispatch that logs and answers 2xx (`default: return res.sendStatus(204)`) — never 400/404/500: the provider retries those and, ") +
      (k === 'omnisales' ? 'after 3 attempts, dead-letters them.' : 'after 5 days of failures, disables the endpoint.') +
      ' New event types appear without notice.',
  }),
  'status.content-type-variants': (_k, fw) => ({
    should: 'Accept `application/json; charset=utf-8` and other case or parameter variants of the JSON content type.',
    fix: fw
      ? `${forFw(fw)} ${CONTENT_TYPE_BY[fw.name]}. Match the media type, never the whole header string.`
      : "Match the media type, not the whole header string: Express `express.raw({ type: 'application/json' })` matches parameters (or `type: () => true` on the webhook route); Fastify's `'application/json'` parser does too; Flask: read `request.get_data()` instead of requiring `request.is_json`; FastAPI: `await request.body()`. Never compare `req.headers['content-type'] === 'application/json'`.",
  }),
  'status.large-payload': (k, fw) => ({
    should: k === 'omnisales' ? 'Accept correctly signed payloads of 256 kB and more.' : 'Accept correctly signed large payloads (Dimmy `item.scanned.full_payload`: 1 MiB must, 5 MiB should).',
    fix: fw
      ? `${forFw(fw)} raise the body limit on the webhook route: ${LIMIT_BY[fw.name]}. Raise it in any proxy in front too (nginx \`client_max_body_size 10m;\`).`
      : "Raise the body limit on the webhook route: `express.raw({ type: 'application/json', limit: '10mb' })` (default 100 kB), Fastify `bodyLimit: 10 * 1024 * 1024` (default 1 MiB), Flask `MAX_CONTENT_LENGTH`, and any proxy in front (nginx `client_max_body_size 10m;`).",
  }),
  'dedup.redelivery': (k) => ({
    should: 'Process a message once when it is delivered again (re-signed, new timestamp, as a retry is), and answer the redelivery 2xx.',
    fix:
      `Deduplicate on ${dedupKey(k)}: claim it atomically before processing (\`INSERT … ON CONFLICT DO NOTHING\` on a unique column, or Redis \`SET key 1 NX EX 604800\`) and, when it was already there, answer 2xx without processing again` +
      (k === 'omnisales' ? ' (the guide answers `{"received": true, "duplicate": true}`)' : '') +
      '. Never key on the signature or timestamp: they change on every attempt. Keep keys longer than the retry schedule.' +
      (k === 'omnisales' ? ` ${OMNI_REPLAY}` : ''),
  }),
  'dedup.concurrent': (k) => ({
    should: 'Process a message once when copies arrive at the same time.',
    fix:
      `Make the claim on ${dedupKey(k)} atomic — a unique constraint or \`SET NX\` in the same transaction as the effect — instead of check-then-insert, which two concurrent requests both pass.` +
      (k === 'omnisales' ? ` ${OMNI_REPLAY}` : ''),
  }),
  'dedup.distinct-events': (k) => ({
    should: 'Process each distinct message, even when two carry identical `data` or share a header other than the message id.',
    fix: `Key deduplication on ${dedupKey(k)} only — not on a hash of the payload, the entity id or the event type.`,
  }),
  'timeout.latency-budget': (k) => ({
    should: `Answer every valid delivery well within the provider's timeout (${k === 'omnisales' ? '30 s for OmniSales' : k === 'svix' ? '20 s for Svix providers' : '20 s Svix, 30 s OmniSales'}); aim for well under a second.`,
    fix:
      'Answer 2xx fast and process asynchronously: verify, store or enqueue the event (a job queue such as BullMQ, Celery or SQS, or an outbox table), answer 2xx, and do the slow work in a worker' +
      (k === 'svix' ? ' — including the fetch-back (`GET /optimize/cluster/:id`, `/items/:id`).' : '.'),
  }),
  'timeout.abandoned-request': (_k, fw) => ({
    should: 'Keep serving other requests after the sender gives up on one mid-flight, as the provider does at its timeout.',
    fix: fw
      ? `${forFw(fw)} ${SERVE_ON_BY[fw.name]}. Answer 2xx fast and process asynchronously.`
      : 'Do not block the event loop or the only worker with synchronous processing: answer 2xx fast and process asynchronously, run several workers (gunicorn `-w`, uvicorn `--workers`), and handle a client disconnect (`req.on(\'close\')`) without crashing.',
  }),
  'delivery.retry-recovery': (k) => ({
    should: 'When the first attempts fail, end with the message delivered and processed exactly once on a later attempt.',
    fix:
      `Answer 2xx only once the event is durably stored or enqueued, 5xx on a temporary failure so the provider retries, and deduplicate on ${dedupKey(k)} so a late success is not processed twice.` +
      (k === 'omnisales' ? ' OmniSales retries after 1 s and 2 s, then dead-letters (replay with `POST /api/webhooks/:id/replay`).' : ' Svix retries after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h.'),
  }),
};

const FAMILY: Record<string, Fix> = {
  signature: { should: 'Verify every request\'s signature over the raw body and refuse what does not verify.', fix: 'Use the provider\'s official verification library over the raw request body; answer 400/401 when it fails.' },
  status: { should: 'Answer with the status the provider\'s protocol expects: 2xx to accept, 4xx to refuse.', fix: 'Map each outcome to a deliberate status; catch exceptions so they never become 5xx.' },
  dedup: { should: 'Process each message exactly once.', fix: 'Deduplicate atomically on the message id before processing.' },
  timeout: { should: 'Answer within the provider\'s timeout.', fix: 'Answer 2xx fast and process asynchronously.' },
  delivery: { should: 'End with each message delivered and processed once.', fix: 'Answer 2xx only after storing the event; deduplicate on the message id.' },
};

const GENERIC: Fix = {
  should: 'Do what this check describes (see its title and message).',
  fix: 'See the check\'s message and evidence; `hookgate replay` re-sends the request so you can debug it.',
};

/**
 * What the receiver should do for `checkId`, and the fix; a generic entry for unknown ids.
 * With the receiver's `framework` known, entries that differ by framework give only its fix, first.
 */
export function fixFor(checkId: string, provider: string, framework?: FrameworkHint): Fix {
  const entry = ENTRIES[checkId];
  if (entry) return entry(kindOf(provider), fwOf(framework));
  return FAMILY[checkId.split('.')[0] ?? ''] ?? GENERIC;
}

/** The check ids this module knows, for tests that keep it in step with SPEC's catalog. */
export const FIXED_CHECK_IDS: readonly string[] = Object.keys(ENTRIES);
