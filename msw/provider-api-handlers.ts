import { http, type HttpHandler } from 'msw';
import { getProfile } from '../fixtures/index.js';
import { createFetchBackApi, fetchHandler, type FetchRecord } from '../mock-provider/rest-api/index.js';

export interface ProviderApiHandlersOptions {
  /** `optipick` or `dimmy` (case-insensitive): the providers whose receivers fetch details back. */
  provider: string;
  /**
   * The API base URL your receiver is configured with, e.g. `https://api.optipick.test` (a path such
   * as `/v1` is allowed: it is removed before routing). Only requests under it are answered.
   */
  baseUrl: string;
  /** Varies the generated result bodies; the same (seed, id) always gives the same body. Default 1. */
  seed?: number;
}

export interface ProviderApiHandlers {
  /** Pass to `setupServer(...handlers)` or `server.use(...handlers)`. */
  handlers: HttpHandler[];
  /** Authorised GETs of this id so far (the request id, or the item id), over all routes. */
  fetchCount(id: string): number;
  /** Every authorised GET so far: route pattern, decoded id, epoch ms, the X-API-KEY sent. */
  fetches(): readonly FetchRecord[];
  /** The routes served, e.g. `/optimize/cluster/:id`. */
  routes: readonly string[];
}

/**
 * msw handlers for a provider's REST API (OptiPick optimize results, Dimmy items): the same route
 * logic, bodies and counting as the fetch-back server `hookgate check` runs, so a receiver's
 * fetch-back is tested in-process and answers exactly what it will get from hookgate later.
 */
export function providerApiHandlers(opts: ProviderApiHandlersOptions): ProviderApiHandlers {
  const profile = getProfile(opts.provider);
  const api = createFetchBackApi(profile, { seed: opts.seed });
  if (api.routes.length === 0) {
    // OmniSales receivers get everything in the delivery: an empty handler list would pass silently.
    throw new TypeError(`${profile.displayName} has no REST API to fetch details from: its deliveries carry the whole event`);
  }
  const base = new URL(opts.baseUrl);
  const root = base.origin + base.pathname.replace(/\/+$/, '');
  const answer = fetchHandler(api, { baseUrl: root });
  // A RegExp, not `${root}/*`: msw decodes a string pattern's wildcard, which throws on a malformed
  // `%` escape before the route logic could answer it with its own 400.
  const under = new RegExp(`^${escapeRegExp(root)}(?:/|$)`);
  return {
    handlers: [http.all(under, ({ request }) => answer(request))],
    fetchCount: api.fetchCount,
    fetches: api.fetches,
    routes: api.routes,
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
