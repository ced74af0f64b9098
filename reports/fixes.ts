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
 */

export interface Fix {
  /** What a conforming receiver does. */
  should: string;
  /** The change to make, with framework-specific pointers. */
  fix: string;
}

type Kind = 'svix' | 'omnisales' | 'other';

function kindOf(provider: string): Kind {
  const p = provider.toLowerCase();
  if (p === 'optipick' || p === 'dimmy') return 'svix';
  if (p === 'omnisales') return 'omnisales';
  return 'other';
}

const SVIX_VERIFY =
  "verify with the official `svix` library: `new Webhook(secret).verify(rawBody, headers)` (Node) or `Webhook(secret).verify(raw_body, headers)` (Python), with the `whsec_…` secret exactly as the provider shows it — the library decodes it, checks the timestamp window and accepts any valid `v1` signature";
const OMNI_VERIFY =
  "compute the lowercase hex HMAC-SHA256 of the raw body with the whole secret string (including `whsec_`) as the UTF-8 key — `crypto.createHmac('sha256', secret).update(rawBody).digest('hex')` / `hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()` — and compare it to `X-Webhook-Signature` with `crypto.timingSafeEqual` after checking the lengths match, or `hmac.compare_digest`";
const RAW_BODY =
  "Express: `app.post('/webhook', express.raw({ type: 'application/json' }), handler)` and pass `req.body` (a Buffer); Fastify: `addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => done(null, body))` (or `fastify-raw-body`'s `req.rawBody`); Flask: `request.get_data()`; FastAPI: `await request.body()`. Parse the JSON only after verification, and never verify `JSON.stringify(req.body)` / `json.dumps(request.json)`";

function verifyHow(k: Kind): string {
  if (k === 'svix') return SVIX_VERIFY;
  if (k === 'omnisales') return OMNI_VERIFY;
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

type Entry = (k: Kind) => Fix;

const ENTRIES: Record<string, Entry> = {
  'signature.valid': (k) => ({
    should: 'Answer 2xx to every correctly signed event of each type it is subscribed to.',
    fix:
      `On the webhook route, ${verifyHow(k)}; then answer 2xx for every subscribed type. Check that the secret configured is this endpoint's (no stray whitespace or quotes from the environment file) and that the route matches the URL hookgate calls.` +
      (k === 'svix' ? ' OptiPick per-warehouse types look like `cluster.optimized.{warehouse}.{user id}`: match on the prefix, not the whole name.' : ''),
  }),
  'signature.raw-body': (k) => ({
    should: 'Verify the signature over the exact bytes received, so any valid JSON spelling (whitespace, key order, escapes) is accepted.',
    fix: `Give the verifier the raw request body — ${RAW_BODY}. Then ${verifyHow(k)}.`,
  }),
  'signature.tampered-body': (k) => ({
    should: 'Refuse (4xx) a body whose content changed after it was signed.',
    fix: `Verify the whole raw body before using any of it: ${verifyHow(k)}; ${refuseOnError(k)}. Do not verify a subset of fields or skip verification when the JSON parses.`,
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
    fix: windowFix(k, 'checked before or together with the signature'),
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
  'status.rejection-is-4xx': (k) => ({
    should: 'Answer every refusal with a 400–499 status — never 5xx or a dropped connection, which tell the provider to retry a forged request for hours.',
    fix:
      `Wrap verification in try/catch and answer 400 or 401 from it; compare lengths before \`crypto.timingSafeEqual\` (it throws — a 500 — on different lengths); answer 400 for a missing header instead of dereferencing it (Flask: \`abort(400)\`, FastAPI: \`raise HTTPException(status_code=401)\`).` +
      (k === 'svix' ? ' With `svix`, catch `WebhookVerificationError`.' : '') +
      (k === 'omnisales' ? ' Python: `request.headers.get(...)` may be `None` — check it before `.encode()`.' : ''),
  }),
  'status.malformed-signature': (k) => ({
    should: 'Survive malformed signature headers (empty, wrong length, not base64/hex, 10 kB long, non-ASCII): answer non-2xx and keep serving the next valid request.',
    fix:
      (k === 'omnisales'
        ? "Check the header against `/^[0-9a-f]{64}$/` before comparing (`Buffer.from(sig, 'hex')` silently drops non-hex digits), then `timingSafeEqual` / `hmac.compare_digest`."
        : 'Let the `svix` library parse the header; hand-rolled, decode base64 inside try/catch and compare lengths before `timingSafeEqual`.') +
      ' Never let an exception in the handler kill the process (Express error handler, `process.on(\'uncaughtException\')` is not a fix); answer 400/401.',
  }),
  'status.unknown-event-type': (k) => ({
    should: 'Answer 2xx to a correctly signed event of a type it does not handle, and ignore it.',
    fix:
      "Add a default branch to the event dispatch that logs and answers 2xx (`default: return res.sendStatus(204)`) — never 400/404/500: the provider retries those and, " +
      (k === 'omnisales' ? 'after 3 attempts, dead-letters them.' : 'after 5 days of failures, disables the endpoint.') +
      ' New event types appear without notice.',
  }),
  'status.content-type-variants': () => ({
    should: 'Accept `application/json; charset=utf-8` and other case or parameter variants of the JSON content type.',
    fix: "Match the media type, not the whole header string: Express `express.raw({ type: 'application/json' })` matches parameters (or `type: () => true` on the webhook route); Fastify's `'application/json'` parser does too; Flask: read `request.get_data()` instead of requiring `request.is_json`; FastAPI: `await request.body()`. Never compare `req.headers['content-type'] === 'application/json'`.",
  }),
  'status.large-payload': (k) => ({
    should: k === 'omnisales' ? 'Accept correctly signed payloads of 256 kB and more.' : 'Accept correctly signed large payloads (Dimmy `item.scanned.full_payload`: 1 MiB must, 5 MiB should).',
    fix: "Raise the body limit on the webhook route: `express.raw({ type: 'application/json', limit: '10mb' })` (default 100 kB), Fastify `bodyLimit: 10 * 1024 * 1024` (default 1 MiB), Flask `MAX_CONTENT_LENGTH`, and any proxy in front (nginx `client_max_body_size 10m;`).",
  }),
  'dedup.redelivery': (k) => ({
    should: 'Process a message once when it is delivered again (re-signed, new timestamp, as a retry is), and answer the redelivery 2xx.',
    fix:
      `Deduplicate on ${dedupKey(k)}: claim it atomically before processing (\`INSERT … ON CONFLICT DO NOTHING\` on a unique column, or Redis \`SET key 1 NX EX 604800\`) and, when it was already there, answer 2xx without processing again` +
      (k === 'omnisales' ? ' (the guide answers `{"received": true, "duplicate": true}`)' : '') +
      '. Never key on the signature or timestamp: they change on every attempt. Keep keys longer than the retry schedule.',
  }),
  'dedup.concurrent': (k) => ({
    should: 'Process a message once when copies arrive at the same time.',
    fix: `Make the claim on ${dedupKey(k)} atomic — a unique constraint or \`SET NX\` in the same transaction as the effect — instead of check-then-insert, which two concurrent requests both pass.`,
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
  'timeout.abandoned-request': () => ({
    should: 'Keep serving other requests after the sender gives up on one mid-flight, as the provider does at its timeout.',
    fix: 'Do not block the event loop or the only worker with synchronous processing: answer 2xx fast and process asynchronously, run several workers (gunicorn `-w`, uvicorn `--workers`), and handle a client disconnect (`req.on(\'close\')`) without crashing.',
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

/** What the receiver should do for `checkId`, and the fix; a generic entry for unknown ids. */
export function fixFor(checkId: string, provider: string): Fix {
  const entry = ENTRIES[checkId];
  if (entry) return entry(kindOf(provider));
  return FAMILY[checkId.split('.')[0] ?? ''] ?? GENERIC;
}

/** The check ids this module knows, for tests that keep it in step with SPEC's catalog. */
export const FIXED_CHECK_IDS: readonly string[] = Object.keys(ENTRIES);
