import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { PROVIDERS, findEvent, isHookgateError } from '../../../fixtures/index.js';
import type { JsonObject, ProviderName, ProviderProfile } from '../../../fixtures/profile.js';
import type { HeaderStyle } from '../../../mock-provider/signing/scheme.js';
import { createTraffic, type OutgoingRequest, type TrafficOptions } from '../../../suites/load/traffic.js';

const SVIX_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OMNI_SECRET = 'whsec_3f9a1c7e5b2d4a6c8e0f1a3b5c7d9e1f';
const WEBHOOK_ID = '6f1c2b9e-3a4d-4e5f-8a7b-9c0d1e2f3a4b';
const URL_ = new URL('http://127.0.0.1:8080/hooks/in?tenant=acme');
const KiB = 1024;

function secretOf(p: ProviderProfile): string {
  return p.scheme === 'svix-v1' ? SVIX_SECRET : OMNI_SECRET;
}

function traffic(name: ProviderName, over: Partial<TrafficOptions> = {}) {
  const profile = PROVIDERS[name];
  return createTraffic({
    profile, secret: secretOf(profile), url: URL_, headerStyle: 'svix', seed: 42, duplicates: 0, large: 0,
    headers: [], webhookId: WEBHOOK_ID, ...over,
  });
}

interface Parsed {
  method: string;
  target: string;
  version: string;
  headers: Record<string, string>;
  names: string[];
  body: Buffer;
}

/** A strict little HTTP/1.1 request parser: CRLF lines, one value per header, body after the blank line. */
function parse(bytes: Buffer): Parsed {
  const end = bytes.indexOf('\r\n\r\n');
  if (end <= 0) throw new Error('no end of head');
  const lines = bytes.toString('latin1', 0, end).split('\r\n');
  const [method, target, version] = lines[0].split(' ');
  const headers: Record<string, string> = {};
  const names: string[] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`bad header line ${JSON.stringify(line)}`);
    const name = line.slice(0, colon).toLowerCase();
    if (name in headers) throw new Error(`header ${name} repeated`);
    headers[name] = line.slice(colon + 1).trim();
    names.push(name);
  }
  return { method, target, version, headers, names, body: bytes.subarray(end + 4) };
}

function omnisalesValid(secret: string, body: Buffer, sig: string): boolean {
  const want = createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('hex');
  return /^[0-9a-f]{64}$/.test(sig) && timingSafeEqual(Buffer.from(want), Buffer.from(sig));
}

/** Verifies with the official libraries; returns the parsed body. Throws when any signature is wrong. */
function verify(profile: ProviderProfile, style: HeaderStyle, req: Parsed): JsonObject {
  if (profile.scheme === 'omnisales-hex') {
    if (!omnisalesValid(OMNI_SECRET, req.body, req.headers['x-webhook-signature'])) throw new Error('OmniSales signature does not verify');
    if (req.headers['x-webhook-id'] !== WEBHOOK_ID) throw new Error('wrong X-Webhook-ID');
    if (!(Math.abs(Number(req.headers['x-webhook-timestamp']) - Date.now() / 1000) < 300)) throw new Error('stale X-Webhook-Timestamp');
    return JSON.parse(req.body.toString('utf8')) as JsonObject;
  }
  const parsed = new Webhook(SVIX_SECRET).verify(req.body, req.headers) as JsonObject;
  if (style === 'standard') new StandardWebhook(SVIX_SECRET).verify(req.body, req.headers);
  return parsed;
}

/** The entity ids a receiver acts on (each of Dimmy's item_ids separately). */
function entityIds(profile: ProviderProfile, json: JsonObject): string[] {
  const data = profile.scheme === 'omnisales-hex' ? (json.data as JsonObject) : json;
  if (profile.scheme === 'omnisales-hex') return [findEvent(profile, json.event as string)!.entityId(data)];
  for (const e of profile.events) {
    const id = e.entityId(data);
    if (id) return id.split(',');
  }
  return [];
}

interface Run {
  out: Array<{ r: OutgoingRequest; req: Parsed; json: JsonObject }>;
}

/**
 * `n` requests, the clock moving one second every 50, each request answered 200 after 60
 * newer ones were sent (so a duplicate always goes out in a later second than its original).
 */
function drive(name: ProviderName, style: HeaderStyle, n: number, over: Partial<TrafficOptions> = {}): Run & { stats: ReturnType<ReturnType<typeof traffic>['stats']> } {
  const t = traffic(name, { headerStyle: style, ...over });
  const profile = PROVIDERS[name];
  const start = Math.floor(Date.now() / 1000) - 100;
  const pending: number[] = [];
  const answeredIds = new Set<string>();
  const out: Run['out'] = [];
  const byHandle = new Map<number, string>();
  for (let i = 0; i < n; i++) {
    const r = t.next(start + Math.floor(i / 50));
    if (r.duplicate && !answeredIds.has(r.messageId)) throw new Error(`duplicate ${r.messageId} of a message not answered yet`);
    const req = parse(r.bytes);
    out.push({ r, req, json: verify(profile, style, req) });
    byHandle.set(r.handle, r.messageId);
    pending.push(r.handle);
    if (pending.length > 60) {
      const h = pending.shift()!;
      t.answered(h, 200);
      answeredIds.add(byHandle.get(h)!);
    }
  }
  return { out, stats: t.stats() };
}

const CASES: Array<[ProviderName, HeaderStyle]> = [
  ['optipick', 'svix'], ['optipick', 'standard'], ['dimmy', 'svix'], ['dimmy', 'standard'], ['omnisales', 'svix'],
];

describe('load traffic: every request signed, unique, well-formed', () => {
  it.each(CASES)('%s (%s headers): 10,000 requests verify with the official library, ids and entities unique, duplicates re-signed', (name, style) => {
    const profile = PROVIDERS[name];
    const { out, stats } = drive(name, style, 10_000, { duplicates: 0.1, headers: [['x-tenant', 'acme'], ['Authorization', 'Bearer t0k']] });
    const idHeader = profile.scheme === 'omnisales-hex' ? null : style === 'standard' ? 'webhook-id' : 'svix-id';
    const originals = new Map<string, (typeof out)[number]>();
    const entities = new Set<string>();
    const problems: string[] = [];
    // Plain comparisons per request (10,000 × a dozen expect() calls would dominate the run); one expect at the end.
    const check = (ok: boolean, what: string) => {
      if (!ok && problems.length < 20) problems.push(what);
    };
    const ts = profile.scheme === 'omnisales-hex' ? 'x-webhook-timestamp' : `${style === 'standard' ? 'webhook' : 'svix'}-timestamp`;
    const sig = profile.scheme === 'omnisales-hex' ? 'x-webhook-signature' : `${style === 'standard' ? 'webhook' : 'svix'}-signature`;
    let dups = 0;
    for (const o of out) {
      const { r, req, json } = o;
      const h = req.headers;
      check(req.method === 'POST' && req.target === '/hooks/in?tenant=acme' && req.version === 'HTTP/1.1', `request line ${req.method} ${req.target} ${req.version}`);
      check(h.host === '127.0.0.1:8080', `host ${h.host}`);
      check(h['content-type'] === 'application/json', `content-type ${h['content-type']}`);
      check(h['user-agent'] === profile.staticHeaders['user-agent'], `user-agent ${h['user-agent']}`);
      check(h.connection === 'keep-alive', `connection ${h.connection}`);
      check(h['x-tenant'] === 'acme' && h.authorization === 'Bearer t0k', 'extra headers missing');
      check(h['content-length'] === String(req.body.length), `content-length ${h['content-length']} for ${req.body.length} bytes`);
      // The dedup key, as the provider's own reader finds it, is the id the generator reports.
      check(profile.dedupKeyOf(h, req.body) === r.messageId, `dedup key ${profile.dedupKeyOf(h, req.body)} ≠ ${r.messageId}`);
      check(idHeader ? /^msg_[0-9A-Za-z]{27}$/.test(h[idHeader]) : /^evt_[0-9a-f]{32}$/.test(r.messageId), `id format ${r.messageId}`);
      if (!r.duplicate) {
        check(!originals.has(r.messageId), `id ${r.messageId} reused`);
        originals.set(r.messageId, o);
        const ids = entityIds(profile, json);
        check(ids.length > 0, `no entity id in ${req.body.toString('utf8', 0, 200)}`);
        for (const id of ids) {
          check(!entities.has(id), `entity ${id} reused`);
          entities.add(id);
        }
        continue;
      }
      dups++;
      const first = originals.get(r.messageId);
      if (!first) {
        check(false, `duplicate ${r.messageId} redelivers no original`);
        continue;
      }
      check(req.body.equals(first.req.body), `duplicate ${r.messageId} has another body`);
      check(Number(h[ts]) > Number(first.req.headers[ts]), `duplicate ${r.messageId} not re-timestamped`);
      // OmniSales signs the body alone: a redelivery's signature is the original's.
      if (profile.scheme === 'svix-v1') check(h[sig] !== first.req.headers[sig], `duplicate ${r.messageId} not re-signed`);
    }
    expect(problems).toEqual([]);
    expect(originals.size + dups).toBe(10_000);
    expect(dups).toBe(stats.duplicates);
    expect(stats.sent).toBe(10_000);
    expect(dups / 10_000).toBeGreaterThan(0.08);
    expect(dups / 10_000).toBeLessThan(0.12);
  });

  it('a real HTTP/1.1 parser reads pipelined requests off one keep-alive connection, raw bodies verify', async () => {
    const t = traffic('dimmy', { large: 0.2, largeSize: 300 * KiB });
    const seen: Array<{ headers: http.IncomingHttpHeaders; body: Buffer }> = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const n = 40;
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const allAnswered = new Promise<void>((resolve) => {
      socket.on('data', (d: Buffer) => {
        received += d.toString('latin1');
        if (received.split('HTTP/1.1 200 OK\r\n').length - 1 >= n) resolve();
      });
    });
    for (let i = 0; i < n; i++) socket.write(t.next(Math.floor(Date.now() / 1000)).bytes);
    await allAnswered;
    socket.destroy();
    await new Promise((r) => server.close(r));
    expect(seen).toHaveLength(n);
    for (const s of seen) new Webhook(SVIX_SECRET).verify(s.body, s.headers as Record<string, string>);
    expect(seen.some((s) => s.body.length === 300 * KiB)).toBe(true);
  });
});

describe('load traffic: duplicates', () => {
  it('are never drawn before an original is answered 2xx, then redeliver answered originals only', () => {
    const t = traffic('optipick', { duplicates: 1 });
    const now = Math.floor(Date.now() / 1000);
    const first = Array.from({ length: 20 }, () => t.next(now));
    expect(first.every((r) => !r.duplicate)).toBe(true);
    t.answered(first[0].handle, 500);
    t.answered(first[1].handle, 404);
    expect(t.next(now).duplicate).toBe(false);
    t.answered(first[2].handle, 204);
    t.answered(first[2].handle, 204); // a second answer to one request counts once
    const later = Array.from({ length: 10 }, () => t.next(now + 1));
    expect(later.every((r) => r.duplicate && r.messageId === first[2].messageId)).toBe(true);
    // An answer to a duplicate never makes it an original to redeliver.
    for (const r of later) t.answered(r.handle, 200);
    t.answered(first[3].handle, 200);
    const ids = new Set(Array.from({ length: 200 }, () => t.next(now + 2).messageId));
    expect([...ids].sort()).toEqual([first[2].messageId, first[3].messageId].sort());
    expect(t.stats()).toEqual({ sent: 231, duplicates: 210, large: 0 });
  });
});

describe('load traffic: large payloads', () => {
  it.each([
    ['dimmy', 1024 * KiB],
    ['omnisales', 256 * KiB],
    ['optipick', 256 * KiB],
  ] as const)('%s: the default large body is %i bytes, signed, its share as asked', (name, size) => {
    const profile = PROVIDERS[name];
    const { out, stats } = drive(name, 'svix', 400, { large: 0.25 });
    const large = out.filter((o) => o.r.large);
    expect(large.length).toBe(stats.large);
    expect(large.length / out.length).toBeGreaterThan(0.17);
    expect(large.length / out.length).toBeLessThan(0.33);
    for (const o of large) expect(o.req.body.length).toBe(size);
    for (const o of out.filter((x) => !x.r.large)) expect(o.req.body.length).toBeLessThan(16 * KiB);
    if (name === 'dimmy') expect(large.every((o) => typeof o.json.id === 'string' && Array.isArray(o.json.steps))).toBe(true);
    if (name === 'omnisales') expect(large.every((o) => o.json.event === 'order.created')).toBe(true);
    // Each large message is its own entity too.
    const ids = large.flatMap((o) => entityIds(profile, o.json));
    expect(new Set(ids).size).toBe(large.length);
  });

  it('honours largeSize exactly', () => {
    for (const name of ['dimmy', 'omnisales', 'optipick'] as const) {
      const { out } = drive(name, 'svix', 60, { large: 0.5, largeSize: 100_000 });
      const large = out.filter((o) => o.r.large);
      expect(large.length).toBeGreaterThan(0);
      for (const o of large) expect(o.req.body.length).toBe(100_000);
    }
  });
});

describe('load traffic: payload pool', () => {
  /** The body with the per-run parts (entity ids, envelope id and created_at) blanked. */
  function shapeOf(profile: ProviderProfile, o: Run['out'][number]): string {
    let text = o.req.body.toString('utf8');
    for (const id of entityIds(profile, o.json)) text = text.replaceAll(id, 'E');
    if (profile.scheme === 'omnisales-hex') text = text.replace(o.r.messageId, 'I').replace(o.json.created_at as string, 'C');
    return `${o.r.duplicate}|${o.r.large}|${text}`;
  }

  it.each(['optipick', 'dimmy', 'omnisales'] as const)('%s: deterministic per seed (bodies, duplicates, large), ids unique per run', (name) => {
    const profile = PROVIDERS[name];
    const a = drive(name, 'svix', 600, { duplicates: 0.2, large: 0.05, largeSize: 20_000 }).out;
    const b = drive(name, 'svix', 600, { duplicates: 0.2, large: 0.05, largeSize: 20_000 }).out;
    const c = drive(name, 'svix', 600, { duplicates: 0.2, large: 0.05, largeSize: 20_000, seed: 43 }).out;
    expect(a.map((o) => shapeOf(profile, o))).toEqual(b.map((o) => shapeOf(profile, o)));
    expect(a.map((o) => shapeOf(profile, o))).not.toEqual(c.map((o) => shapeOf(profile, o)));
    const idsA = new Set(a.map((o) => o.r.messageId));
    expect(b.some((o) => idsA.has(o.r.messageId))).toBe(false);
    const entA = new Set(a.flatMap((o) => entityIds(profile, o.json)));
    expect(b.flatMap((o) => entityIds(profile, o.json)).some((e) => entA.has(e))).toBe(false);
  });

  it('walks the subscribed types round-robin, over a varied pool of 64–256 bodies', () => {
    const t = traffic('omnisales', { events: ['order.created', 'payment.received', 'ticket.created'] });
    expect(t.poolSize).toBeGreaterThanOrEqual(64);
    expect(t.poolSize).toBeLessThanOrEqual(256);
    const now = Math.floor(Date.now() / 1000);
    const events = Array.from({ length: 9 }, () => JSON.parse(t.next(now).bytes.toString('utf8').split('\r\n\r\n')[1]).event);
    expect(events).toEqual(Array.from({ length: 3 }, () => ['order.created', 'payment.received', 'ticket.created']).flat());

    const all = traffic('omnisales');
    const types = new Set(Array.from({ length: 34 }, () => JSON.parse(all.next(now).bytes.toString('utf8').split('\r\n\r\n')[1]).event));
    expect(types.size).toBe(34);
    for (const name of ['optipick', 'dimmy'] as const) {
      const p = traffic(name).poolSize;
      expect(p).toBeGreaterThanOrEqual(64);
      expect(p).toBeLessThanOrEqual(256);
    }
    // Variety: the pool's bodies differ beyond their ids.
    const { out } = drive('dimmy', 'svix', 128);
    const shapes = new Set(out.map((o) => shapeOf(PROVIDERS.dimmy, o)));
    expect(shapes.size).toBeGreaterThan(100);
  });

  it('Dimmy items.scanned: every item id of every message is new', () => {
    const { out } = drive('dimmy', 'svix', 2000, { events: ['items.scanned'] });
    const ids = out.flatMap((o) => o.json.item_ids as string[]);
    expect(ids.length).toBeGreaterThan(2000);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{24}$/);
  });

  it('namespaces ids per shard/worker', () => {
    const now = Math.floor(Date.now() / 1000);
    const a = traffic('omnisales', { idPrefix: 's1w1' }).next(now).messageId;
    const b = traffic('omnisales', { idPrefix: 's1w2' }).next(now).messageId;
    expect(a.slice(18, 26)).not.toBe(b.slice(18, 26));
    expect(a).toMatch(/^evt_[0-9a-f]{32}$/);
  });
});

describe('load traffic: options', () => {
  function refused(over: Partial<TrafficOptions>, name: ProviderName = 'optipick'): string {
    try {
      traffic(name, over);
    } catch (e) {
      expect(isHookgateError(e)).toBe(true);
      return (e as Error).message;
    }
    throw new Error('accepted');
  }

  it('refuses bad shares, sizes, headers, namespaces, secrets and events with a usage error', () => {
    expect(refused({ duplicates: 1.5 })).toMatch(/duplicates/);
    expect(refused({ large: -0.1 })).toMatch(/large/);
    expect(refused({ large: 0.1, largeSize: 0 })).toMatch(/large-size/);
    expect(refused({ headers: [['content-length', '5']] })).toMatch(/content-length/);
    expect(refused({ headers: [['svix-signature', 'v1,x']] })).toMatch(/svix-signature/);
    expect(refused({ headers: [['x-a', 'b\r\nx-evil: 1']] })).toMatch(/invalid --header/);
    expect(refused({ idPrefix: 'Shard-1' })).toMatch(/namespace/);
    expect(refused({ secret: 'not-a-secret' })).toMatch(/secret/);
    expect(refused({ events: ['order.created'] })).toMatch(/unknown event/);
    expect(refused({ url: new URL('ftp://example.com/hook') })).toMatch(/ftp:/);
    expect(refused({ webhookId: 'id\r\nx-evil: 1' }, 'omnisales')).toMatch(/webhook id/);
  });

  it('lets --header replace a default header', () => {
    const t = traffic('optipick', { headers: [['User-Agent', 'my-agent/2'], ['Host', 'hooks.example.com']] });
    const req = parse(t.next(Math.floor(Date.now() / 1000)).bytes);
    expect(req.headers['user-agent']).toBe('my-agent/2');
    expect(req.headers.host).toBe('hooks.example.com');
    expect(req.names.filter((n) => n === 'user-agent')).toHaveLength(1);
  });
});
