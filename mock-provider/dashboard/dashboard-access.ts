import { bearerMatches, hostnameOf, isLoopbackName, sameOrigin } from '../request-guard.js';
import { hasSession } from './dashboard-session.js';

/** The headers the decision reads. */
export interface AccessHeaders {
  host?: string;
  origin?: string;
  cookie?: string;
  authorization?: string;
  contentType?: string;
}

export type Refusal = { status: 401 | 403 | 415; message: string } | undefined;

/**
 * Who may see the dashboard and act through it. Pure (headers in, a refusal or undefined out), so the
 * rules are tested without sockets:
 *  - reading (page, data, live stream): off loopback the login cookie or the bearer token; on loopback
 *    anyone local, under a loopback Host name (a rebound DNS name is not);
 *  - acting (resend, recover, replay, re-enable): the same, and — unless the bearer token was sent, which
 *    a browser never adds by itself — an `Origin` naming this server and a JSON body: a page on another
 *    origin (another port included) can neither forge the Origin nor send JSON cross-origin without a
 *    preflight this server never grants.
 */
export function readRefusal(h: AccessHeaders, token: string, requireToken: boolean): Refusal {
  if (bearerMatches(h.authorization, token)) return undefined;
  if (requireToken) return hasSession(h.cookie, token) ? undefined : { status: 401, message: 'log in first: open /login and give the token serve printed' };
  if (!isLoopbackName(hostnameOf(h.host))) return { status: 403, message: 'serve listens on loopback: open it as 127.0.0.1, localhost or [::1]' };
  return undefined;
}

export function actionRefusal(h: AccessHeaders, token: string, requireToken: boolean): Refusal {
  const read = readRefusal(h, token, requireToken);
  if (read) return read;
  if (bearerMatches(h.authorization, token)) return undefined;
  if (!sameOrigin(h.origin, h.host)) return { status: 403, message: 'refused: the request does not come from this dashboard (Origin)' };
  if (!/^application\/json\b/i.test(h.contentType ?? '')) return { status: 415, message: 'send the action as application/json' };
  return undefined;
}
