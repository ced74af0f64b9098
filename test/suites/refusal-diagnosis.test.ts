// signature.valid tells a missing route and a header-style mismatch apart from a
// signature problem: the pure classification, then over real sockets against small
// node:http receivers written here (verification with the official `svix` package).
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { Webhook } from 'svix';
import { listen, type Running } from '../helpers/receivers.js';
import { runAgainst } from '../helpers/run-checks.js';
import { svixV1 } from '../../mock-provider/signing/svix-v1.js';
import { omnisalesHex } from '../../mock-provider/signing/omnisales-hex.js';
import { inferFramework } from '../../reports/framework.js';
import {
  headerPrefix,
  otherHeaderStyle,
  refusalKind,
  refusalMessage,
  shouldProbeHeaderStyle,
  type RefusalFacts,
} from '../../suites/diagnose/refusal-kind.js';

describe('refusalKind (pure)', () => {
  const base = { sent: 9, accepted: 0 };

  it('calls all-404/405 answers a wrong path, whatever the provider, and never probes then', () => {
    const f: RefusalFacts = { ...base, refusedStatuses: Array(9).fill(404), headerStyle: 'svix' };
    expect(refusalKind(f)).toEqual({ kind: 'wrong-path', statuses: [404] });
    expect(shouldProbeHeaderStyle(f)).toBe(false);
    expect(refusalKind({ ...base, refusedStatuses: [405, 404, 405] })).toEqual({ kind: 'wrong-path', statuses: [404, 405] });
  });

  it('does not call it a wrong path when some deliveries were accepted or other statuses came back', () => {
    expect(refusalKind({ sent: 9, accepted: 3, refusedStatuses: Array(6).fill(404) }).kind).toBe('signature');
    expect(refusalKind({ ...base, refusedStatuses: [404, 401] }).kind).toBe('signature');
  });

  it('probes the other header style only for Svix providers when nothing was accepted over HTTP', () => {
    expect(shouldProbeHeaderStyle({ ...base, refusedStatuses: [401], headerStyle: 'svix' })).toBe(true);
    expect(shouldProbeHeaderStyle({ ...base, refusedStatuses: [500], headerStyle: 'standard' })).toBe(true);
    expect(shouldProbeHeaderStyle({ ...base, refusedStatuses: [401] })).toBe(false); // OmniSales: no header style
    expect(shouldProbeHeaderStyle({ sent: 9, accepted: 1, refusedStatuses: [401], headerStyle: 'svix' })).toBe(false);
    expect(shouldProbeHeaderStyle({ ...base, refusedStatuses: [], headerStyle: 'svix' })).toBe(false); // transport errors only
  });

  it('blames the header names only when the probe with the other style was accepted', () => {
    expect(refusalKind({ ...base, refusedStatuses: [401], headerStyle: 'svix', probe: { accepted: true } })).toEqual({ kind: 'header-style', expects: 'standard' });
    expect(refusalKind({ ...base, refusedStatuses: [400], headerStyle: 'standard', probe: { accepted: true } })).toEqual({ kind: 'header-style', expects: 'svix' });
    expect(refusalKind({ ...base, refusedStatuses: [401], headerStyle: 'svix', probe: { accepted: false } })).toEqual({ kind: 'signature', otherStyleRefused: 'standard' });
    expect(refusalKind({ ...base, refusedStatuses: [401], headerStyle: 'svix' })).toEqual({ kind: 'signature' });
    expect(refusalKind({ sent: 3, accepted: 3, refusedStatuses: [] })).toEqual({ kind: 'none' });
  });

  it('words each kind', () => {
    const what = 'refused correctly signed deliveries of 2 of 2 types (a, b), e.g. HTTP 401';
    expect(refusalMessage({ kind: 'wrong-path', statuses: [404] }, { path: '/hooks/in', what })).toBe(
      "wrong path or method: the receiver has no POST route at /hooks/in — every delivery got HTTP 404. Check the path in --url against the receiver's webhook route, and that the route accepts POST.",
    );
    expect(refusalMessage({ kind: 'header-style', expects: 'standard' }, { path: '/', what, headerStyle: 'svix' })).toBe(
      `${what}, all sent with svix-* headers; a probe with webhook-* headers was accepted: the receiver expects webhook-* headers: run with --header-style standard.`,
    );
    expect(refusalMessage({ kind: 'header-style', expects: 'svix' }, { path: '/', what, headerStyle: 'standard' })).toContain(
      'the receiver expects svix-* headers: run with --header-style svix.',
    );
    expect(refusalMessage({ kind: 'signature' }, { path: '/', what })).toBe(`${what}. Check the secret the receiver uses and that it verifies the raw body.`);
    expect(refusalMessage({ kind: 'signature', otherStyleRefused: 'standard' }, { path: '/', what })).toContain('A probe with webhook-* headers was refused too');
    expect(headerPrefix(otherHeaderStyle('svix'))).toBe('webhook-*');
  });
});

// ------------------------------------------------------------------ over sockets

type Style = 'svix' | 'webhook';

interface Seen {
  /** Requests that carried each family of header names. */
  svix: number;
  webhook: number;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function count(req: IncomingMessage, seen: Seen): void {
  if (req.headers['svix-signature'] !== undefined) seen.svix++;
  if (req.headers['webhook-signature'] !== undefined) seen.webhook++;
}

/**
 * A receiver that reads only `${only}-*` headers: it hands exactly those, renamed to the
 * `svix-*` names, to the official `svix` Webhook, so the other family never verifies.
 */
function onlyHeaderStyle(secret: string, only: Style, seen: Seen): RequestListener {
  const wh = new Webhook(secret);
  return (req: IncomingMessage, res: ServerResponse) => {
    count(req, seen);
    void readBody(req).then((raw) => {
      if (req.method !== 'POST' || req.url !== '/webhook') return void res.writeHead(404).end();
      const h = (role: string) => String(req.headers[`${only}-${role}`] ?? '');
      try {
        wh.verify(raw, { 'svix-id': h('id'), 'svix-timestamp': h('timestamp'), 'svix-signature': h('signature') });
      } catch {
        return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid signature"}');
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  };
}

/** Express's default answer to a path it has no route for, as Express 5 sends it. */
function notFound(seen: Seen, status = 404): RequestListener {
  return (req, res) => {
    count(req, seen);
    void readBody(req).then(() => {
      const body = `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot ${req.method} ${req.url}</pre>\n</body>\n</html>\n`;
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'x-powered-by': 'Express', 'x-content-type-options': 'nosniff' }).end(body);
    });
  };
}

const open: Running[] = [];
afterAll(async () => {
  await Promise.all(open.map((r) => r.close()));
});

async function serve(handler: RequestListener, path = '/webhook'): Promise<Running> {
  const r = await listen(handler, path);
  open.push(r);
  return r;
}

const secret = svixV1.generateSecret();
const EVENTS = ['route.optimized', 'cluster.optimized'];
/** signature.valid sends the catalog example and two generated samples per type. */
const PER_RUN = EVENTS.length * 3;

async function validCheck(url: string, headerStyle: 'svix' | 'standard', provider: 'optipick' | 'omnisales' = 'optipick', s = secret) {
  const res = await runAgainst({ provider, url, secret: s, only: ['signature.valid'], headerStyle, ...(provider === 'optipick' ? { events: EVENTS } : {}) });
  return res['signature.valid']!;
}

describe('signature.valid names a header-style mismatch, both ways', () => {
  it('a receiver reading only webhook-* headers, checked with svix-* headers: "run with --header-style standard"', async () => {
    const seen: Seen = { svix: 0, webhook: 0 };
    const r = await serve(onlyHeaderStyle(secret, 'webhook', seen));
    const c = await validCheck(r.url, 'svix');
    expect(c.status).toBe('fail');
    expect(c.message).toContain('all sent with svix-* headers; a probe with webhook-* headers was accepted');
    expect(c.message).toContain('the receiver expects webhook-* headers: run with --header-style standard');
    expect(c.message).not.toContain('Check the secret');
    // Exactly one extra request, the probe, with the other names; it is in the evidence, accepted.
    expect(seen).toEqual({ svix: PER_RUN, webhook: 1 });
    const probe = c.evidence.at(-1)!;
    expect(probe.label).toBe('probe: the same kind of delivery with webhook-* headers');
    expect(probe.response?.status).toBe(200);
    expect(Object.keys(probe.request.headers)).toEqual(expect.arrayContaining(['webhook-id', 'webhook-timestamp', 'webhook-signature']));
    expect(Object.keys(probe.request.headers).some((h) => h.startsWith('svix-'))).toBe(false);
    expect(probe.recipe.headerStyle).toBe('standard');
  });

  it('a receiver reading only svix-* headers, checked with webhook-* headers: "run with --header-style svix"', async () => {
    const seen: Seen = { svix: 0, webhook: 0 };
    const r = await serve(onlyHeaderStyle(secret, 'svix', seen));
    const c = await validCheck(r.url, 'standard');
    expect(c.status).toBe('fail');
    expect(c.message).toContain('all sent with webhook-* headers; a probe with svix-* headers was accepted');
    expect(c.message).toContain('the receiver expects svix-* headers: run with --header-style svix');
    expect(seen).toEqual({ svix: 1, webhook: PER_RUN });
  });

  it('the same receivers pass with the header style they expect, and get no probe', async () => {
    const seenW: Seen = { svix: 0, webhook: 0 };
    const w = await serve(onlyHeaderStyle(secret, 'webhook', seenW));
    expect((await validCheck(w.url, 'standard')).status).toBe('pass');
    expect(seenW).toEqual({ svix: 0, webhook: PER_RUN });
    const seenS: Seen = { svix: 0, webhook: 0 };
    const s = await serve(onlyHeaderStyle(secret, 'svix', seenS));
    expect((await validCheck(s.url, 'svix')).status).toBe('pass');
    expect(seenS).toEqual({ svix: PER_RUN, webhook: 0 });
  });

  it('keeps blaming the secret when the probe is refused too', async () => {
    const seen: Seen = { svix: 0, webhook: 0 };
    const r = await serve(onlyHeaderStyle(svixV1.generateSecret(), 'webhook', seen));
    const c = await validCheck(r.url, 'svix');
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(/^refused correctly signed deliveries of 2 of 2 types \(route\.optimized, cluster\.optimized\), e\.g\. HTTP 401\. Check the secret/);
    expect(c.message).toContain('A probe with webhook-* headers was refused too, so the header names are not the cause.');
    expect(c.message).not.toContain('--header-style');
    expect(seen).toEqual({ svix: PER_RUN, webhook: 1 });
  });
});

describe('signature.valid names a wrong path', () => {
  it('a receiver that 404s on the path: "wrong path or method", no probe', async () => {
    const seen: Seen = { svix: 0, webhook: 0 };
    const r = await serve(notFound(seen), '/hooks/optipick');
    const c = await validCheck(r.url, 'svix');
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(/^wrong path or method: the receiver has no POST route at \/hooks\/optipick — every delivery got HTTP 404\. Check the path in --url/);
    expect(seen).toEqual({ svix: PER_RUN, webhook: 0 });
    expect(c.evidence.every((e) => e.response?.status === 404)).toBe(true);
    // The same answers tell the reports which framework's advice to give.
    expect(inferFramework(c.evidence.map((e) => e.response!))?.name).toBe('express');
  });

  it('a 405 (the path exists for another method) is the same diagnosis', async () => {
    const r = await serve(notFound({ svix: 0, webhook: 0 }, 405));
    const c = await validCheck(r.url, 'standard');
    expect(c.message).toMatch(/^wrong path or method: the receiver has no POST route at \/webhook — every delivery got HTTP 405\./);
  });

  it('OmniSales too', async () => {
    const r = await serve(notFound({ svix: 0, webhook: 0 }), '/webhooks/omni');
    const c = await validCheck(r.url, 'svix', 'omnisales', omnisalesHex.generateSecret());
    expect(c.status).toBe('fail');
    expect(c.message).toMatch(/^wrong path or method: the receiver has no POST route at \/webhooks\/omni/);
  });
});
