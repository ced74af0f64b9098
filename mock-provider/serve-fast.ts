import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { JsonObject } from '../fixtures/profile.js';
import { buildMessage, findEvent } from '../fixtures/index.js';
import type { ServeAppOptions } from './serve-app.js';
import { newSvixId } from './svix-api/ids.js';
import { routesTo } from './svix-api/messages.js';

/**
 * `POST /_hookgate/events` without express. Measured under `npm run bench:serve`, express's routing, body
 * parser and `res.json` (ETag included) cost more CPU per emit than storing the message and delivering it;
 * this path reads the body and answers on node:http directly. It takes only the plain shape every client
 * sends — exactly that path, `Content-Type: application/json` (charset utf-8 or none), no
 * Content-Encoding, a Content-Length within the limit — and leaves everything else (chunked or compressed
 * bodies, other charsets, a trailing slash, other methods) to the express route, which answers the same.
 */

export const EMIT_PATH = '/_hookgate/events';
/** As the express route's `express.json({ limit: '20mb' })`. */
const EMIT_LIMIT = 20 * 1024 * 1024;

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
export async function emitEvent(o: ServeAppOptions, body: unknown, authorization: string | undefined): Promise<Answer> {
  if (o.requireTokenEverywhere && !tokenOk(authorization, o.token)) return { status: 401, body: { code: 'authentication_failed', detail: 'send Authorization: Bearer <token>' } };
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

/** The plain requests this path takes; anything else goes to express. */
function takes(req: IncomingMessage): boolean {
  if (req.method !== 'POST' || req.url !== EMIT_PATH) return false;
  const h = req.headers;
  if (h['content-encoding'] !== undefined && h['content-encoding'].toLowerCase() !== 'identity') return false;
  if (h['transfer-encoding'] !== undefined || h['content-length'] === undefined) return false;
  const length = Number(h['content-length']);
  if (!Number.isSafeInteger(length) || length > EMIT_LIMIT) return false;
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

/**
 * The server's request listener: the raw emit path first, express for everything else. `fallback` is the
 * express app (`serveApp`).
 */
export function serveListener(o: ServeAppOptions, fallback: RequestListener): RequestListener {
  return (req, res) => {
    if (!takes(req)) return fallback(req, res);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const parsed = parseStrict(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
      if (!parsed.ok) return sendJson(res, invalidJson(parsed.message));
      emitEvent(o, parsed.value, req.headers.authorization).then(
        (a) => sendJson(res, a),
        (err: unknown) => {
          console.error('hookgate serve:', err);
          if (!res.headersSent) sendJson(res, { status: 500, body: { code: 'internal', detail: 'internal error; see the serve terminal' } });
        },
      );
    });
  };
}
