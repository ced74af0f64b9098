import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * Who may call `serve`'s browser-facing and unauthenticated routes. Pure functions of request headers,
 * shared by the OmniSales API and the dashboard:
 *  - off loopback a caller proves itself with the token (a header, or the dashboard's cookie);
 *  - on loopback no token is needed, so the Host header must name loopback: a web page that rebinds its
 *    own DNS name to 127.0.0.1 then still cannot talk to `serve` under that name;
 *  - a state-changing request a browser sends carries `Origin`; one from another origin (another port
 *    counts) is refused, which is what keeps a page elsewhere from acting with the user's cookie.
 */

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time `value === token` (both hashed first, so lengths never differ). */
export function secretEquals(value: string, token: string): boolean {
  return timingSafeEqual(sha256(value), sha256(token));
}

/** `Authorization: Bearer <token>` with the right token. */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  return m !== null && secretEquals(m[1].trim(), token);
}

/** The host name of a Host header (`[::1]:8040` → `::1`), lowercased; undefined when unparsable. */
export function hostnameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::\d{1,5})?$/.exec(hostHeader.trim());
  if (!m) return undefined;
  return m[1].replace(/^\[|\]$/g, '').toLowerCase();
}

/** `localhost`, `::1` or any 127.0.0.0/8 address. */
export function isLoopbackName(name: string | undefined): boolean {
  if (name === undefined) return false;
  if (name === 'localhost' || name === '::1') return true;
  return isIP(name) === 4 && name.startsWith('127.');
}

/** The origin a same-origin browser request to this Host carries (`serve` speaks plain http). */
export function originOf(hostHeader: string | undefined): string | undefined {
  return hostHeader && hostnameOf(hostHeader) !== undefined ? `http://${hostHeader.trim().toLowerCase()}` : undefined;
}

/** The request's `Origin` names this server (as the Host header does); `null` and other origins do not. */
export function sameOrigin(origin: string | undefined, hostHeader: string | undefined): boolean {
  const own = originOf(hostHeader);
  return origin !== undefined && own !== undefined && origin.toLowerCase() === own;
}
