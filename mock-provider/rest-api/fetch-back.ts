import { itemForId } from '../../fixtures/index.js';
import type { JsonObject, ProviderProfile } from '../../fixtures/index.js';
import { clusterResult, randFor, routeResult, type Rand } from './optipick-results.js';

/**
 * The providers' REST API that receivers fetch details from (SPEC "Observation", item 2). It is
 * framework-free on purpose: the check command's node:http server, `serve` (express) and the msw
 * entry all wrap this one `handle`, so every host answers and counts identically.
 */

export interface FetchBackRequest {
  method: string;
  /** Raw request target: may carry a query, may start with `//`, may be absolute-form. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface FetchBackResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON text ('' for HEAD). */
  body: string;
}

export interface FetchRecord {
  /** The profile's route pattern, e.g. `/optimize/cluster/:id`. */
  route: string;
  /** The URL-decoded id. */
  id: string;
  /** Epoch ms. */
  at: number;
  apiKey: string;
}

export interface FetchBackApi {
  /** Pure apart from recording authorised GETs. */
  handle(req: FetchBackRequest): FetchBackResponse;
  /** Authorised GETs of this id, over all routes. */
  fetchCount(id: string): number;
  fetches(): readonly FetchRecord[];
  totalFetches(): number;
  routes: readonly string[];
}

export interface FetchBackOptions {
  /** Varies the generated bodies; the same (seed, id) always gives the same body. Default 1. */
  seed?: number;
  /** Clock for `FetchRecord.at` (tests). */
  now?: () => number;
}

type BodyFor = (id: string, r: Rand) => JsonObject;

// One body builder per route pattern a profile can declare.
const BODIES: Readonly<Record<string, BodyFor>> = {
  '/optimize/cluster/:id': clusterResult,
  '/optimize/route/:id': routeResult,
  // Seed-independent on purpose: it must equal what `item.scanned.full_payload` fixtures carry for the id.
  '/items/:id': (id) => itemForId(id),
};

interface CompiledRoute {
  path: string;
  segments: readonly string[];
  body: BodyFor;
}

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

function json(status: number, value: unknown, extra: Record<string, string> = {}): FetchBackResponse {
  return { status, headers: { ...JSON_HEADERS, ...extra }, body: JSON.stringify(value) };
}

/**
 * Path segments of a raw request target. Empty segments are dropped, which is what makes
 * `//optimize/cluster/x` (example receivers join a base ending in `/`) and a trailing slash match.
 */
export function segmentsOf(target: string): string[] {
  // Absolute-form (`http://host/path`) is what a client sends through a proxy.
  let p = target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  const cut = p.search(/[?#]/);
  if (cut >= 0) p = p.slice(0, cut);
  return p.split('/').filter((s) => s !== '');
}

/** The first non-blank value of a header, whatever the case of its name. */
function headerValue(headers: FetchBackRequest['headers'], name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== name) continue;
    for (const s of Array.isArray(v) ? v : [v]) if (s !== undefined && s.trim() !== '') return s.trim();
  }
  return undefined;
}

function match(route: CompiledRoute, segs: readonly string[]): string | undefined {
  if (segs.length !== route.segments.length) return undefined;
  let raw: string | undefined;
  for (let i = 0; i < segs.length; i++) {
    const want = route.segments[i];
    if (want === ':id') raw = segs[i];
    else if (want !== segs[i]) return undefined;
  }
  return raw;
}

export function createFetchBackApi(profile: ProviderProfile, opts: FetchBackOptions = {}): FetchBackApi {
  const seed = opts.seed ?? 1;
  const now = opts.now ?? Date.now;
  const compiled: CompiledRoute[] = profile.restRoutes.map((r) => {
    const body = BODIES[r.path];
    // A route added to a profile without a body builder would silently 404: fail loudly instead.
    if (!body) throw new Error(`fetch-back: no body builder for ${profile.name} route ${r.path}`);
    return { path: r.path, segments: r.path.split('/').filter((s) => s !== ''), body };
  });
  const routes = Object.freeze(compiled.map((r) => r.path));
  const records: FetchRecord[] = [];
  const counts = new Map<string, number>();

  function handle(req: FetchBackRequest): FetchBackResponse {
    const segs = segmentsOf(req.path);
    let route: CompiledRoute | undefined;
    let rawId: string | undefined;
    for (const r of compiled) {
      rawId = match(r, segs);
      if (rawId !== undefined) {
        route = r;
        break;
      }
    }
    // Route before auth: a receiver developer with a wrong URL learns more from a 404 than a 401.
    if (!route || rawId === undefined) {
      const known = routes.length ? routes.map((r) => `GET ${r}`).join(', ') : 'none';
      return json(404, { detail: 'Not Found', routes: known });
    }
    const method = req.method.toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return json(405, { detail: 'Method Not Allowed' }, { allow: 'GET, HEAD' });
    const apiKey = headerValue(req.headers, 'x-api-key');
    if (apiKey === undefined) return json(401, { detail: 'missing X-API-KEY' });
    let id: string;
    try {
      id = decodeURIComponent(rawId);
    } catch {
      return json(400, { detail: 'malformed id' });
    }
    const res = json(200, route.body(id, randFor(seed, id)));
    // HEAD only probes: it fetches no details, so it is not a processing the observer should count.
    if (method === 'HEAD') return { ...res, body: '' };
    records.push({ route: route.path, id, at: now(), apiKey });
    counts.set(id, (counts.get(id) ?? 0) + 1);
    return res;
  }

  return {
    handle,
    fetchCount: (id) => counts.get(id) ?? 0,
    fetches: () => records.slice(),
    totalFetches: () => records.length,
    routes,
  };
}
