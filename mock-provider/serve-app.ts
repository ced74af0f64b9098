import express, { type NextFunction, type Request, type Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import type { ProviderProfile } from '../fixtures/profile.js';
import type { Dispatcher } from './engine/index.js';
import type { ServeStore } from './engine/records.js';
import { svixApiRouter } from './svix-api/router.js';
import { EMIT_PATH, emitEvent } from './serve-fast.js';
import { sharedIdempotency } from './svix-api/idempotency.js';
import { createFetchBackApi } from './rest-api/index.js';
import { omnisalesApiRouter } from './omnisales-api/router.js';
import { dashboardRouter } from './dashboard/dashboard-router.js';
import { serveEvents, type ServeEvents } from './serve-events.js';

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
  /**
   * What the engine and the APIs change, for the dashboard's live feed and the OmniSales test route: the
   * dispatcher's callbacks publish attempts and dead letters here, and `dispatcher` should be the
   * `observedDispatcher` publishing the APIs' changes. Without it the dashboard is not live.
   */
  events?: ServeEvents;
}

function tokenOk(header: string | undefined, token: string): boolean {
  const given = Buffer.from((header ?? '').replace(/^Bearer\s+/i, ''));
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/**
 * Everything `serve` answers on one port: the Svix REST API subset (OptiPick, Dimmy) or the OmniSales
 * management API, the hookgate-native `POST /_hookgate/events`, the web dashboard (`/`), and the
 * provider's REST API for fetch-back. Every answer is
 * JSON, refusals included (malformed JSON, unknown type, unknown route): never an HTML error page.
 */
export function serveApp(o: ServeAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const svix = o.profile.scheme === 'svix-v1';
  // The idempotency cache is shared with the raw message route (serve-fast.ts) of a listener on the same options.
  const idempotency = sharedIdempotency(o, o.token, o.now);
  if (svix) app.use('/api/v1', svixApiRouter({ profile: o.profile, dispatcher: o.dispatcher, store: o.store, token: o.token, now: o.now, idempotency }));

  // The plain emit requests never get here: serve-fast.ts answers them on node:http (the same emitEvent).
  app.post(EMIT_PATH, express.json({ limit: '20mb' }), async (req, res) => {
    const a = await emitEvent(o, req.body, req.get('authorization'), req.get('host'));
    res.status(a.status).json(a.body);
  });

  const events = o.events ?? serveEvents();
  if (!svix) {
    app.use('/api/webhooks', omnisalesApiRouter({ profile: o.profile, dispatcher: o.dispatcher, store: o.store, events, token: o.token, requireToken: o.requireTokenEverywhere, now: o.now }));
  }
  app.use(dashboardRouter({ profile: o.profile, dispatcher: o.dispatcher, store: o.store, events, token: o.token, requireToken: o.requireTokenEverywhere, now: o.now }));

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
