import type { FetchBackApi } from './fetch-back.js';
import { respond } from './respond.js';

export interface FetchHandlerOptions {
  /**
   * Where the API is mounted, e.g. `https://api.example.test/v1`: its path is removed before
   * routing, so `…/v1/optimize/cluster/x` reaches the route `/optimize/cluster/x`. Default: none.
   */
  baseUrl?: string;
}

/**
 * The fetch-back API as a fetch-style handler, `(request: Request) => Response`: the adapter for
 * hosts that speak Web requests (msw, and any fetch-style server), beside the node:http one.
 */
export function fetchHandler(api: FetchBackApi, opts: FetchHandlerOptions = {}): (request: Request) => Response {
  const prefix = opts.baseUrl ? basePath(opts.baseUrl) : '';
  return (request) => {
    const url = new URL(request.url);
    // WHATWG URLs keep `//optimize/…` in the pathname as sent, which the route matching relies on.
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
    const out = respond(api, { method: request.method, path: path + url.search, headers: Object.fromEntries(request.headers) });
    // A Response to HEAD must have no body; handle() already gives '' for it.
    return new Response(out.body === '' ? null : out.body, { status: out.status, headers: out.headers });
  };
}

/** The path of a base URL without its trailing slashes ('' for an origin). */
export function basePath(baseUrl: string): string {
  return new URL(baseUrl).pathname.replace(/\/+$/, '');
}
