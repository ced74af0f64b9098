import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ProviderProfile } from '../../fixtures/profile.js';
import type { Dispatcher } from '../engine/dispatcher.js';
import { mountApps } from './apps.js';
import { mountAttempts } from './attempts.js';
import type { SvixApiContext } from './context.js';
import { mountEndpoints } from './endpoints.js';
import { ApiError, notFound } from './http.js';
import { mountMessages } from './messages.js';
import type { ServeStore } from '../engine/records.js';
import { idempotencyCache, type IdempotencyCache } from './idempotency.js';

export interface SvixApiRouterOptions {
  /** OptiPick or Dimmy: names secrets in errors and builds message bodies. */
  profile: ProviderProfile;
  /** Delivers the messages; built on `store`. */
  dispatcher: Dispatcher;
  /** The dispatcher's store, which also keeps the API's records (SQLite: `sqliteStore(path)`, or `':memory:'`). */
  store: ServeStore;
  /** The one API token accepted as `Authorization: Bearer <token>`. */
  token: string;
  /** Epoch ms for createdAt/updatedAt/timestamps and new ids. Default Date.now; pass the dispatcher's clock to share its timeline. */
  now?: () => number;
  /** The idempotency-key answers to replay; pass one to share it with another route (serve's raw message route). */
  idempotency?: IdempotencyCache;
}

const MAX_BODY = '1mb';

/**
 * The Svix REST API subset OptiPick and Dimmy users call (SVIX-API.md), for `serve` to mount at
 * `/api/v1`. The official `svix` client works against it: JSON error bodies on every refusal, 202 on
 * message create, resend and recover, 204 on rotate and delete, and idempotency-key replay on POST.
 */
export function svixApiRouter(opts: SvixApiRouterOptions): express.Router {
  const ctx: SvixApiContext = {
    profile: opts.profile,
    dispatcher: opts.dispatcher,
    store: opts.store,
    now: opts.now ?? Date.now,
  };
  // Trailing slashes are accepted (strict: false), as the Svix server trims them.
  const router = express.Router({ strict: false, caseSensitive: true });

  router.use(bearerAuth(opts.token));
  router.use(express.json({ limit: MAX_BODY, type: ['application/json', 'application/*+json'] }));
  router.use(idempotency(opts.idempotency ?? idempotencyCache(opts.token, ctx.now)));

  mountApps(router, ctx);
  mountEndpoints(router, ctx);
  mountMessages(router, ctx);
  mountAttempts(router, ctx);

  router.use((_req: Request, _res: Response, next: NextFunction) => next(notFound()));
  router.use(errorHandler);
  return router;
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** `Authorization: Bearer <token>` against the API token: ok, or which refusal (shared with serve's raw message route). */
export function bearerCheck(token: string): (header: string | undefined) => 'ok' | 'missing' | 'invalid' {
  const expected = sha256(token);
  return (header) => {
    const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
    if (!m) return 'missing';
    // Hashing first gives timingSafeEqual equal lengths whatever was sent.
    return timingSafeEqual(sha256(m[1].trim()), expected) ? 'ok' : 'invalid';
  };
}

/** The 401 answer's body for a refused bearer token. */
export const authRefusal = (why: 'missing' | 'invalid') => ({ code: 'authentication_failed', detail: why === 'invalid' ? 'Invalid token' : 'Missing or malformed Authorization header' });

function bearerAuth(token: string) {
  const check = bearerCheck(token);
  return (req: Request, res: Response, next: NextFunction): void => {
    const r = check(req.get('authorization'));
    if (r === 'ok') return next();
    res.status(401).json(authRefusal(r));
  };
}

/** POST only: a repeated idempotency-key (per token and URL) replays the first 2xx answer. */
function idempotency(cache: IdempotencyCache) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const key = req.get('idempotency-key');
    if (req.method !== 'POST' || !key) return next();
    const claimed = cache.claim(key, req.originalUrl);
    if ('hit' in claimed) {
      const { hit } = claimed;
      if (hit.status === 204) res.status(204).end();
      else res.status(hit.status).json(hit.body ?? {});
      return;
    }
    res.locals.rememberReply = claimed.remember;
    next();
  };
}

/** Every refusal as JSON: the client JSON-parses 4xx bodies and throws a SyntaxError on anything else. */
function errorHandler(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  if (res.headersSent) return;
  if (err instanceof ApiError) {
    res.status(err.status).json(err.body);
    return;
  }
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === 'entity.too.large') {
    res.status(413).json({ code: 'payload_too_large', detail: 'Request body is too large' });
  } else if (e?.type === 'entity.parse.failed' || (e?.status !== undefined && e.status >= 400 && e.status < 500)) {
    res.status(400).json({ code: 'generic_error', detail: e.message ?? 'Bad request' });
  } else {
    console.error('hookgate svix api:', err);
    // As the OSS server does.
    res.status(500).json({});
  }
}
