import express, { type NextFunction, type Request, type Response } from 'express';
import type { ProviderProfile } from '../../fixtures/profile.js';
import type { Dispatcher } from '../engine/dispatcher.js';
import type { ServeStore } from '../engine/records.js';
import { bearerMatches, hostnameOf, isLoopbackName, sameOrigin } from '../request-guard.js';
import type { ServeEvents } from '../serve-events.js';
import type { OmnisalesApiContext } from './context.js';
import { mountDeliveryRoutes } from './delivery-routes.js';
import { OmniApiError, omniErrors } from './errors.js';
import { mountWebhookRoutes } from './webhook-routes.js';

export interface OmnisalesApiRouterOptions {
  profile: ProviderProfile;
  dispatcher: Dispatcher;
  store: ServeStore;
  events: ServeEvents;
  token: string;
  /** Off loopback every call needs `Authorization: Bearer <token>`; on loopback the guide's own curl lines (no header) work. */
  requireToken: boolean;
  now: () => number;
  /** Default 35 s: the OmniSales timeout (30 s) and some room. */
  testWaitMs?: number;
  onUnexpected?: (err: unknown) => void;
}

const UNSAFE = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);

/**
 * Who may call: a right bearer token always; without one, only on loopback (as the guide's curl lines,
 * which send no header, expect) and only under a loopback Host name. A browser's cross-origin write is
 * refused by its Origin: no page elsewhere can create webhooks or send tests through a user's browser.
 */
function access(o: OmnisalesApiRouterOptions) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const authorization = req.get('authorization');
    if (authorization !== undefined) {
      if (!bearerMatches(authorization, o.token)) return next(new OmniApiError(401, 'unauthorized', 'wrong token: send Authorization: Bearer <the token serve printed>'));
      return next();
    }
    if (o.requireToken) return next(new OmniApiError(401, 'unauthorized', 'serve listens beyond loopback: send Authorization: Bearer <the token serve printed>'));
    if (!isLoopbackName(hostnameOf(req.get('host')))) return next(new OmniApiError(403, 'forbidden', 'without a token the API answers only under a loopback name (127.0.0.1, localhost, [::1])'));
    const origin = req.get('origin');
    if (UNSAFE.has(req.method) && origin !== undefined && !sameOrigin(origin, req.get('host'))) {
      return next(new OmniApiError(403, 'cross_origin', 'a request from another origin is refused'));
    }
    next();
  };
}

/** A known path asked with a method it does not have. */
const methods = (allow: string) => (_req: Request, res: Response) =>
  void res.status(405).set('allow', allow).json(new OmniApiError(405, 'method_not_allowed', `allowed: ${allow}`).body);

/**
 * The OmniSales management API as its guide lists it, for `serve` to mount at `/api/webhooks`: webhooks
 * (create, list, get, update, delete), their delivery logs and stats, a test event, and the dead-letter
 * queue with replay. Every answer is `{"success": true, "data": …}` or `{"success": false, "error": …}`.
 */
export function omnisalesApiRouter(o: OmnisalesApiRouterOptions): express.Router {
  const ctx: OmnisalesApiContext = {
    profile: o.profile,
    catalog: o.profile.events.map((e) => e.name),
    dispatcher: o.dispatcher,
    store: o.store,
    events: o.events,
    now: o.now,
    testWaitMs: o.testWaitMs ?? 35_000,
  };
  const router = express.Router({ strict: false, caseSensitive: true });
  router.use(access(o));
  // Any content type is read as JSON: the guide's replay example (`POST … {"failure_id": …}`) shows no
  // Content-Type, and curl's `-d` alone sends a form type. Cross-site writes are refused above by Origin.
  router.use(express.json({ limit: '1mb', type: () => true, strict: false }));

  mountWebhookRoutes(router, ctx);
  mountDeliveryRoutes(router, ctx);

  router.all('/', methods('GET, POST'));
  router.all('/:id', methods('GET, PUT, DELETE'));
  router.all('/:id/logs', methods('GET'));
  router.all('/:id/stats', methods('GET'));
  router.all('/:id/test', methods('POST'));
  router.all('/:id/replay', methods('GET, POST'));
  router.use((req: Request, _res: Response, next: NextFunction) => next(new OmniApiError(404, 'not_found', `no route ${req.method} /api/webhooks${req.path}`)));
  router.use(omniErrors(o.onUnexpected ?? ((err) => console.error('hookgate serve (OmniSales API):', err))));
  return router;
}
