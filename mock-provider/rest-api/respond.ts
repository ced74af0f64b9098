import type { FetchBackApi, FetchBackRequest, FetchBackResponse } from './fetch-back.js';

/**
 * The one answer every host (node:http, a fetch handler, msw) sends for a request: `api.handle`,
 * except that a bug in a body builder costs that request a 500 instead of the host's whole run.
 */
export function respond(api: FetchBackApi, req: FetchBackRequest): FetchBackResponse {
  try {
    return api.handle(req);
  } catch (err) {
    return { status: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ detail: String(err) }) };
  }
}
