import { createHmac } from 'node:crypto';
import { secretEquals } from '../request-guard.js';

/**
 * The dashboard's login cookie. A browser's EventSource cannot send an Authorization header, so off
 * loopback the token is exchanged once (`/login`) for this cookie: `HttpOnly` (no script reads it),
 * `SameSite=Strict` (no other site's request carries it). Its value is derived from the token, so no
 * session table is kept and a restart with the same token keeps the user logged in; another token
 * invalidates it.
 */

export const SESSION_COOKIE = 'hookgate_session';

export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('hookgate dashboard session v1').digest('base64url');
}

export function sessionCookie(token: string): string {
  return `${SESSION_COOKIE}=${sessionValue(token)}; HttpOnly; SameSite=Strict; Path=/`;
}

export const clearedSessionCookie = `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;

/** A cookie's value from a Cookie header (the first of that name). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function hasSession(cookieHeader: string | undefined, token: string): boolean {
  const v = cookieValue(cookieHeader, SESSION_COOKIE);
  return v !== undefined && secretEquals(v, sessionValue(token));
}
