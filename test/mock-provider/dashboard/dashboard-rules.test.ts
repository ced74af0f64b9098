// The dashboard's pure parts, without sockets: who may read and act, the login cookie, how a burst of
// engine events becomes one change, and the JSON views.
import { describe, expect, it } from 'vitest';
import { actionRefusal, readRefusal } from '../../../mock-provider/dashboard/dashboard-access.js';
import { cookieValue, hasSession, sessionCookie, sessionValue, SESSION_COOKIE } from '../../../mock-provider/dashboard/dashboard-session.js';
import { summarize } from '../../../mock-provider/dashboard/dashboard-stream.js';
import { attemptView, messageStatus, offsetText } from '../../../mock-provider/dashboard/dashboard-views.js';
import { hostnameOf, isLoopbackName, sameOrigin } from '../../../mock-provider/request-guard.js';
import type { AttemptRecord, Delivery } from '../../../mock-provider/engine/store.js';
import { dashboardPage } from '../../../mock-provider/dashboard/dashboard-page.js';
import { createHash } from 'node:crypto';

const TOKEN = 'tok_rules';
const HOST = '127.0.0.1:8040';
const OWN = 'http://127.0.0.1:8040';
const cookie = `${SESSION_COOKIE}=${sessionValue(TOKEN)}`;
const json = 'application/json';

describe('request guard', () => {
  it('reads Host names, loopback names and same-origin', () => {
    expect(hostnameOf('[::1]:8040')).toBe('::1');
    expect(hostnameOf('LocalHost:1')).toBe('localhost');
    expect(hostnameOf('a b')).toBeUndefined();
    expect(['127.0.0.1', '127.9.9.9', 'localhost', '::1'].every(isLoopbackName)).toBe(true);
    expect(['10.0.0.1', 'attacker.example', '127.0.0.1.nip.io', undefined].some(isLoopbackName)).toBe(false);
    expect(sameOrigin(OWN, HOST)).toBe(true);
    expect(sameOrigin('http://127.0.0.1:8041', HOST)).toBe(false);
    expect(sameOrigin('null', HOST)).toBe(false);
    expect(sameOrigin(undefined, HOST)).toBe(false);
    expect(sameOrigin('https://127.0.0.1:8040', HOST)).toBe(false);
  });
});

describe('dashboard access', () => {
  it('on loopback: anyone local reads under a loopback Host; a rebound name is refused', () => {
    expect(readRefusal({ host: HOST }, TOKEN, false)).toBeUndefined();
    expect(readRefusal({ host: 'localhost:8040' }, TOKEN, false)).toBeUndefined();
    expect(readRefusal({ host: 'attacker.example:8040' }, TOKEN, false)?.status).toBe(403);
  });

  it('beyond loopback: reading needs the cookie or the bearer token', () => {
    expect(readRefusal({ host: 'box:8040' }, TOKEN, true)?.status).toBe(401);
    expect(readRefusal({ host: 'box:8040', cookie: `${SESSION_COOKIE}=forged` }, TOKEN, true)?.status).toBe(401);
    expect(readRefusal({ host: 'box:8040', cookie: `${SESSION_COOKIE}=${sessionValue('another token')}` }, TOKEN, true)?.status).toBe(401);
    expect(readRefusal({ host: 'box:8040', cookie }, TOKEN, true)).toBeUndefined();
    expect(readRefusal({ host: 'box:8040', authorization: `Bearer ${TOKEN}` }, TOKEN, true)).toBeUndefined();
  });

  it('acting needs, besides, its own Origin and a JSON body — both ways, on loopback and beyond', () => {
    for (const [requireToken, host, auth] of [[false, HOST, {}], [true, 'box:8040', { cookie }]] as const) {
      const own = `http://${host}`;
      expect(actionRefusal({ host, origin: own, contentType: json, ...auth }, TOKEN, requireToken)).toBeUndefined();
      expect(actionRefusal({ host, origin: 'http://evil.example', contentType: json, ...auth }, TOKEN, requireToken)?.status).toBe(403);
      expect(actionRefusal({ host, origin: own.replace('8040', '9999'), contentType: json, ...auth }, TOKEN, requireToken)?.status).toBe(403);
      expect(actionRefusal({ host, contentType: json, ...auth }, TOKEN, requireToken)?.status).toBe(403);
      expect(actionRefusal({ host, origin: own, contentType: 'text/plain', ...auth }, TOKEN, requireToken)?.status).toBe(415);
    }
    expect(actionRefusal({ host: 'box:8040', origin: 'http://box:8040', contentType: json }, TOKEN, true)?.status).toBe(401);
    // A script holding the token needs no Origin: no browser adds the header by itself.
    expect(actionRefusal({ host: 'box:8040', authorization: `Bearer ${TOKEN}` }, TOKEN, true)).toBeUndefined();
  });

  it('the login cookie is HttpOnly, SameSite=Strict, derived from the token and not the token', () => {
    const c = sessionCookie(TOKEN);
    expect(c).toMatch(/; HttpOnly/);
    expect(c).toMatch(/; SameSite=Strict/);
    expect(c).not.toContain(TOKEN);
    expect(hasSession(`a=1; ${cookie}; b=2`, TOKEN)).toBe(true);
    expect(hasSession(undefined, TOKEN)).toBe(false);
    expect(cookieValue('x=1; y = 2', 'y')).toBe('2');
  });
});

describe('dashboard views and live feed', () => {
  const d = (state: Delivery['state'], attemptsMade = 0): Delivery => ({ id: 'd', msgId: 'm', endpointId: 'e', state, attemptsMade, dueAt: 0, nextOffsetMs: 0, nextTrigger: 'scheduled', createdAt: 0 });

  it('a message reads delivered if any delivery succeeded, else by the work still to do', () => {
    expect(messageStatus([])).toBe('no endpoint');
    expect(messageStatus([d('dead', 3), d('delivered', 1)])).toBe('delivered');
    expect(messageStatus([d('dead', 3), d('in-flight', 1)])).toBe('sending');
    expect(messageStatus([d('pending', 2)])).toBe('retrying');
    expect(messageStatus([d('pending')])).toBe('pending');
    expect(messageStatus([d('dead', 3)])).toBe('failed');
  });

  it('an attempt shows its schedule offset, latency and the first KB of the response', () => {
    const r: AttemptRecord = { id: 'a', deliveryId: 'd', msgId: 'm', endpointId: 'e', n: 3, virtualOffsetMs: 305_000, virtualAt: 0, startedAt: 0, trigger: 'scheduled', timestamp: Date.UTC(2025, 0, 1), status: 500, responseBody: 'x'.repeat(5000), latencyMs: 12.4, outcome: 'fail' };
    const v = attemptView(r);
    expect(v).toMatchObject({ n: 3, offset: '+5m 5s', latencyMs: 12, status: 500, error: null, timestamp: '2025-01-01T00:00:00.000Z' });
    expect(v.response).toHaveLength(1024);
    expect(offsetText(0)).toBe('+0s');
    expect(attemptView({ ...r, status: undefined, error: 'timeout', errorMessage: 'no response within 30000 ms' }).error).toBe('timeout: no response within 30000 ms');
  });

  it('a burst of engine events is one change naming the messages touched', () => {
    const rec = (msgId: string) => ({ kind: 'attempt' as const, record: { msgId } as AttemptRecord });
    const s = summarize([{ kind: 'message', msgId: 'm1', endpointIds: ['e'] }, rec('m1'), rec('m2'), { kind: 'endpoint', endpointId: 'e' }]);
    expect(s).toEqual({ kinds: ['attempt', 'endpoint', 'message'], msgIds: ['m1', 'm2'], more: false });
    const many = summarize(Array.from({ length: 150 }, (_, i) => rec(`m${i}`)));
    expect(many.msgIds).toHaveLength(100);
    expect(many.more).toBe(true);
  });

  it('the page allows exactly its own inline style and script by hash, requests only to itself, no framing', () => {
    const { html, csp } = dashboardPage('<Omni&Sales>', true);
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1];
    expect(csp).toBe(`default-src 'none'; style-src ${hash(style)}; script-src ${hash(script)}; connect-src 'self'; img-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`);
    expect(html).toContain('&lt;Omni&amp;Sales&gt;');
    expect(html).not.toContain('<Omni&Sales>');
    expect(html).not.toMatch(/<link|<img|<iframe|@import|url\(/i);
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
  });
});
