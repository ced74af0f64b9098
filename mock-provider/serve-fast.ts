import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { JsonObject } from '../fixtures/profile.js';
import { buildMessage, findEvent } from '../fixtures/index.js';
import type { ServeAppOptions } from './serve-app.js';
import { newSvixId } from './svix-api/ids.js';
import { createMessage, routesTo } from './svix-api/messages.js';
import { ApiError } from './svix-api/http.js';
import { sharedIdempotency } from './svix-api/idempotency.js';
import { authRefusal, bearerCheck } from './svix-api/router.js';
import { hostnameOf, isLoopbackName } from './request-guard.js';
import type { SvixApiContext } from './svix-api/context.js';

/**
 * The two emit routes without express: `POST /_hookgate/events` and the Svix API's `POST
 * /api/v1/app/{app}/msg`. Measured under `npm run bench:serve`, express's routing, body parser and
 * `res.json` (ETag included) cost more CPU per emit than storing the message and delivering it; these paths
 * read the body and answer on node:http directly, running the same route code (emitEvent, createMessage)
 * with the same refusals. They take only the plain shape clients send — exactly that path, no query,
 * `Content-Type: application/json` (charset utf-8 or none), no Content-Encoding, a Content-Length within the
 * limit — and leave everything else (chunked or compressed bodies, other charsets, a trailing slash, a
 * query, other methods) to the express routes, which answer the same.
 */

export const EMIT_PATH = '/_hookgate/events';
/** As the express route's `express.json({ limit: '20mb' })`. */
const EMIT_LIMIT = 20 * 1024 * 1024;
/** As the Svix router's `express.json({ limit: '1mb' })`. */
const SVIX_LIMIT = 1024 * 1024;
const SVIX_MSG_PATH = /^\/api\/v1\/app\/([A-Za-z0-9_.\-]+)\/msg$/;

export interface Answer {
  status: number;
  body: unknown;
}

function tokenOk(header: string | undefined, token: string): boolean {
  const given = Buffer.from((header ?? '').replace(/^Bearer\s+/i, ''));
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/**
 * The emit route on a parsed body (`undefined` when none was parsed): stores the message and its
 * deliveries (one grouped commit, resolved once durable) and answers 202, or refuses with a JSON 4xx.
 */
export async function emitEvent(o: ServeAppOptions, body: unknown, authorization: string | undefined, host: string | undefined): Promise<Answer> {
  if (o.requireTokenEverywhere && !tokenOk(authorization, o.token)) return { status: 401, body: { code: 'authentication_failed', detail: 'send Authorization: Bearer <token>' } };
  // Open on loopback, so only under a loopback name: a web page that rebinds its own DNS name to
  // 127.0.0.1 (then same-origin, no preflight) cannot emit. The token still works under any name.
  if (!o.requireTokenEverywhere && !isLoopbackName(hostnameOf(host)) && !tokenOk(authorization, o.token)) {
    return { status: 403, body: { code: 'forbidden', detail: 'on loopback, call serve as localhost or 127.0.0.1 (or send Authorization: Bearer <token>)' } };
  }
  const { type, data } = (body ?? {}) as { type?: unknown; data?: unknown };
  if (typeof type !== 'string' || !findEvent(o.profile, type)) {
    return { status: 422, body: { code: 'validation', detail: `"type" must be one of ${o.profile.displayName}'s event types (hookgate events --provider ${o.profile.name})` } };
  }
  if (data !== undefined && (data === null || typeof data !== 'object' || Array.isArray(data))) return { status: 422, body: { code: 'validation', detail: '"data" must be a JSON object' } };
  const svix = o.profile.scheme === 'svix-v1';
  const now = o.now();
  const msg = buildMessage(o.profile, type, data as JsonObject | undefined, { createdAt: new Date(now), ...(svix ? { messageId: newSvixId('msg', now) } : {}) });
  const candidates = svix ? await o.store.endpointsOf(o.appId) : await o.store.listEndpoints();
  const endpoints = candidates.filter((e) => !e.deleted && routesTo(e, { type })).map((e) => e.id);
  // Answered once the message and its deliveries are on disk (one grouped commit).
  await o.dispatcher.enqueue({ type, messageId: msg.messageId, body: msg.body, entityId: msg.entityId, at: now, ...(svix ? { appId: o.appId } : {}) }, endpoints);
  return { status: 202, body: { id: msg.messageId, type, endpoints } };
}

/** The body-parser's answer to a body that is not JSON, for the same request on the express route. */
export function invalidJson(message: string): Answer {
  return { status: 400, body: { code: 'invalid_json', detail: `the request body is not valid JSON (${message}); send {"type": "<event type>", "data": {…}}` } };
}

const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/** A plain JSON POST with a Content-Length within `limit`: what the raw paths take. */
function plainJson(req: IncomingMessage, limit: number): boolean {
  const h = req.headers;
  if (h['content-encoding'] !== undefined && h['content-encoding'].toLowerCase() !== 'identity') return false;
  if (h['transfer-encoding'] !== undefined || h['content-length'] === undefined) return false;
  const length = Number(h['content-length']);
  if (!Number.isSafeInteger(length) || length > limit) return false;
  return h['content-type'] !== undefined && JSON_TYPE.test(h['content-type']);
}

/** JSON.parse as body-parser's strict mode does it: an empty body is `{}`, only an object or array is JSON. */
function parseStrict(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // iconv strips a BOM before body-parser parses
  if (text.length === 0) return { ok: true, value: {} };
  const first = /^[\x20\x09\x0a\x0d]*([^\x20\x09\x0a\x0d]|$)/.exec(text)?.[1];
  if (first !== '{' && first !== '[') {
    // body-parser names the first character as the unexpected token, the rest of the body as context.
    const at = first ? text.indexOf(first) : -1;
    try {
      JSON.parse(at < 0 ? '' : text.slice(0, at) + '#'.repeat(text.length - at));
    } catch (e) {
      return { ok: false, message: (e as Error).message.replace(/#+/g, (p) => text.slice(at, at + p.length)) };
    }
    return { ok: false, message: 'strict violation' };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

export function sendJson(res: ServerResponse, a: Answer): void {
  const text = JSON.stringify(a.body);
  res.writeHead(a.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Reads the whole body (within the limit plainJson checked) and hands it on, parsed. */
function readJson(req: IncomingMessage, res: ServerResponse, then: (parsed: ReturnType<typeof parseStrict>) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('error', () => res.destroy());
  req.on('end', () => then(parseStrict(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'))));
}

function answerWith(res: ServerResponse, work: Promise<Answer>, onError: (err: unknown) => Answer): void {
  work.then(
    (a) => sendJson(res, a),
    (err: unknown) => {
      if (!res.headersSent) sendJson(res, onError(err));
    },
  );
}

/**
 * The server's request listener: the raw emit paths first, express for everything else. `fallback` is the
 * express app built by `serveApp(o)` on the same options.
 */
export function serveListener(o: ServeAppOptions, fallback: RequestListener): RequestListener {
  const svix = o.profile.scheme === 'svix-v1';
  const ctx: SvixApiContext = { profile: o.profile, dispatcher: o.dispatcher, store: o.store, now: o.now };
  const bearer = bearerCheck(o.token);
  const idempotency = sharedIdempotency(o, o.token, o.now);
  const internal = (err: unknown): Answer => {
    console.error('hookgate serve:', err);
    return { status: 500, body: { code: 'internal', detail: 'internal error; see the serve terminal' } };
  };

  /** As the Svix router: token, then body, then idempotency-key, then the route; its error handler's answers. */
  const svixMessage = (req: IncomingMessage, res: ServerResponse, appId: string): void => {
    const auth = bearer(req.headers.authorization);
    if (auth !== 'ok') return sendJson(res, { status: 401, body: authRefusal(auth) });
    readJson(req, res, (parsed) => {
      if (!parsed.ok) return sendJson(res, { status: 400, body: { code: 'generic_error', detail: parsed.message } });
      const key = req.headers['idempotency-key'];
      let remember: ((status: number, body: unknown) => void) | undefined;
      if (typeof key === 'string' && key) {
        const claimed = idempotency.claim(key, req.url!);
        if ('hit' in claimed) return sendJson(res, { status: claimed.hit.status, body: claimed.hit.body ?? {} });
        remember = claimed.remember;
      }
      const b = parsed.value !== null && typeof parsed.value === 'object' && !Array.isArray(parsed.value) ? (parsed.value as JsonObject) : {};
      const work = createMessage(ctx, appId, b, true).then((body): Answer => {
        remember?.(202, body);
        return { status: 202, body };
      });
      answerWith(res, work, (err) => {
        if (err instanceof ApiError) return { status: err.status, body: err.body };
        console.error('hookgate svix api:', err);
        return { status: 500, body: {} };
      });
    });
  };

  return (req, res) => {
    if (req.method === 'POST' && req.url === EMIT_PATH && plainJson(req, EMIT_LIMIT)) {
      return readJson(req, res, (parsed) => {
        if (!parsed.ok) return sendJson(res, invalidJson(parsed.message));
        answerWith(res, emitEvent(o, parsed.value, req.headers.authorization, req.headers.host), internal);
      });
    }
    if (svix && req.method === 'POST' && req.url!.startsWith('/api/v1/app/') && plainJson(req, SVIX_LIMIT)) {
      const m = SVIX_MSG_PATH.exec(req.url!);
      if (m) return svixMessage(req, res, m[1]);
    }
    fallback(req, res);
  };
}
