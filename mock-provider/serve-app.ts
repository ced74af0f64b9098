import express, { type NextFunction, type Request, type Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import type { ProviderProfile, JsonObject } from '../fixtures/profile.js';
import { buildMessage, findEvent } from '../fixtures/index.js';
import type { Dispatcher } from './engine/index.js';
import type { ServeStore } from './engine/records.js';
import { svixApiRouter } from './svix-api/router.js';
import { newSvixId } from './svix-api/ids.js';
import { routesTo } from './svix-api/messages.js';
import { createFetchBackApi } from './rest-api/index.js';

export interface ServeAppOptions {
  profile: ProviderProfile;
  dispatcher: Dispatcher;
  /** The dispatcher's store; it keeps the APIs' records too. */
  store: ServeStore;
  token: string;
  /** Off loopback every API needs the token (SPEC); on loopback the native emit route is open for convenience. */
  requireTokenEverywhere: boolean;
  /** The one virtual clock every API reads (the dispatcher's). */
  now: () => number;
  /** Svix providers: the application whose endpoints `POST /_hookgate/events` fans out to. */
  appId: string;
  seed?: number;
}

function tokenOk(header: string | undefined, token: string): boolean {
  const given = Buffer.from((header ?? '').replace(/^Bearer\s+/i, ''));
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/**
 * Everything `serve` answers on one port: the Svix REST API subset (OptiPick, Dimmy), the
 * hookgate-native `POST /_hookgate/events`, and the provider's REST API for fetch-back. Every answer is
 * JSON, refusals included (malformed JSON, unknown type, unknown route): never an HTML error page.
 */
export function serveApp(o: ServeAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const svix = o.profile.scheme === 'svix-v1';
  if (svix) app.use('/api/v1', svixApiRouter({ profile: o.profile, dispatcher: o.dispatcher, store: o.store, token: o.token, now: o.now }));

  app.post('/_hookgate/events', express.json({ limit: '20mb' }), async (req, res) => {
    if (o.requireTokenEverywhere && !tokenOk(req.get('authorization'), o.token)) return res.status(401).json({ code: 'authentication_failed', detail: 'send Authorization: Bearer <token>' });
    const { type, data } = (req.body ?? {}) as { type?: unknown; data?: unknown };
    if (typeof type !== 'string' || !findEvent(o.profile, type)) {
      return res.status(422).json({ code: 'validation', detail: `"type" must be one of ${o.profile.displayName}'s event types (hookgate events --provider ${o.profile.name})` });
    }
    if (data !== undefined && (data === null || typeof data !== 'object' || Array.isArray(data))) return res.status(422).json({ code: 'validation', detail: '"data" must be a JSON object' });
    const now = o.now();
    const msg = buildMessage(o.profile, type, data as JsonObject | undefined, { createdAt: new Date(now), ...(svix ? { messageId: newSvixId('msg', now) } : {}) });
    const candidates = svix ? await o.store.endpointsOf(o.appId) : await o.store.listEndpoints();
    const endpoints = candidates.filter((e) => !e.deleted && routesTo(e, { type })).map((e) => e.id);
    // Answered once the message and its deliveries are on disk (one grouped commit).
    await o.dispatcher.enqueue({ type, messageId: msg.messageId, body: msg.body, entityId: msg.entityId, at: now, ...(svix ? { appId: o.appId } : {}) }, endpoints);
    res.status(202).json({ id: msg.messageId, type, endpoints });
  });

  // The provider's REST API for fetch-back, as `check` serves it (one module, mounted unchanged).
  const api = createFetchBackApi(o.profile, { seed: o.seed });
  if (api.routes.length) {
    app.use((req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      // Off loopback the fetch-back API wants the serve token as its X-API-KEY, like every other API.
      if (o.requireTokenEverywhere && api.routes.length && !tokenOk(req.get('x-api-key'), o.token) && req.path.match(/\/(optimize|items)\//)) {
        return res.status(401).json({ detail: 'X-API-KEY must be the serve token when serve listens beyond loopback' });
      }
      const r = api.handle({ method: req.method, path: req.originalUrl, headers: req.headers });
      if (r.status === 404) return next();
      res.status(r.status).set(r.headers).send(r.body);
    });
  }
  app.use((_req, res) => res.status(404).json({ code: 'not_found', detail: 'Entity not found' }));
  app.use(jsonErrors);
  return app;
}

/** Express's default error page is HTML with a stack trace; every refusal here is one JSON line instead. */
function jsonErrors(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  if (res.headersSent) return;
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === 'entity.parse.failed') {
    res.status(400).json({ code: 'invalid_json', detail: `the request body is not valid JSON (${e.message ?? 'parse error'}); send {"type": "<event type>", "data": {…}}` });
  } else if (e?.type === 'entity.too.large') {
    res.status(413).json({ code: 'payload_too_large', detail: 'Request body is too large' });
  } else if (e?.status !== undefined && e.status >= 400 && e.status < 500) {
    res.status(e.status).json({ code: 'bad_request', detail: e.message ?? 'Bad request' });
  } else {
    console.error('hookgate serve:', err);
    res.status(500).json({ code: 'internal', detail: 'internal error; see the serve terminal' });
  }
}
