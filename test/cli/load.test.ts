import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'svix';
import { XMLValidator } from 'fast-xml-parser';
import { cli } from '../helpers/cli.js';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { listen, type Running } from '../helpers/receivers.js';
import type { LoadResults } from '../../suites/load/types.js';

/*
 * `hookgate load` end to end on loopback, a second or two per run. Receivers here verify
 * every request as real ones do (the svix library; a hex HMAC over the raw body) and keep
 * what they processed, so the tests can assert zero rejections and exactly
 * (requests − duplicates) distinct ids. Only one-sided bounds on speed.
 */

const SVIX = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
// The receivers run in the test's own thread, so the generator shares its event loop and a closed-model
// run is (rightly) `valid: false`: runs that gate on thresholds pass --allow-invalid.
const OMNI = 'whsec_' + 'a1b2'.repeat(12);
const open: Running[] = [];
afterAll(async () => {
  await Promise.all(open.map((r) => r.close()));
});
const tmp = () => mkdtempSync(join(tmpdir(), 'hookgate-load-'));

interface Seen {
  total: number;
  refused: number;
  ids: Map<string, number>;
}

function rawBody(req: import('node:http').IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/** A Svix receiver verifying with the official library; `dedup: false` processes redeliveries again. */
async function svixReceiver(dedup = true): Promise<{ r: Running; seen: Seen; effects: string[] }> {
  const wh = new Webhook(SVIX);
  const seen: Seen = { total: 0, refused: 0, ids: new Map() };
  const effects: string[] = [];
  const r = await listen(async (req, res) => {
    if (req.method === 'GET') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(effects));
    const body = await rawBody(req);
    seen.total++;
    try {
      wh.verify(body, req.headers as Record<string, string>);
    } catch {
      seen.refused++;
      return void res.writeHead(401).end();
    }
    const id = String(req.headers['svix-id']);
    seen.ids.set(id, (seen.ids.get(id) ?? 0) + 1);
    if (dedup && seen.ids.get(id)! > 1) return void res.writeHead(200).end('{"duplicate":true}');
    effects.push(id);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
  }, '/webhook');
  open.push(r);
  return { r, seen, effects };
}

/** An OmniSales receiver: lowercase hex HMAC-SHA256 of the raw body, keyed by the whole secret. */
async function omniReceiver(): Promise<{ r: Running; seen: Seen }> {
  const seen: Seen = { total: 0, refused: 0, ids: new Map() };
  const r = await listen(async (req, res) => {
    const body = await rawBody(req);
    seen.total++;
    const expected = createHmac('sha256', OMNI).update(body).digest();
    const given = Buffer.from(String(req.headers['x-webhook-signature'] ?? ''), 'hex');
    const ts = Number(req.headers['x-webhook-timestamp']);
    if (given.length !== expected.length || !timingSafeEqual(given, expected) || !Number.isInteger(ts) || Math.abs(Date.now() / 1000 - ts) > 300) {
      seen.refused++;
      return void res.writeHead(401).end();
    }
    const id = String(JSON.parse(body.toString('utf8')).id);
    seen.ids.set(id, (seen.ids.get(id) ?? 0) + 1);
    res.writeHead(200).end('{"received":true}');
  }, '/webhooks/omni');
  open.push(r);
  return { r, seen };
}

const results = (dir: string): LoadResults => JSON.parse(readFileSync(join(dir, 'hookgate-load', 'load.json'), 'utf8'));

describe('hookgate load', () => {
  it('Svix (svix library verifying): every request accepted, exactly requests − duplicates distinct ids; reports written', async () => {
    const { r, seen } = await svixReceiver();
    const dir = tmp();
    const res = await cli(['load', '--provider', 'dimmy', '--url', r.url, '--duration', '1.5', '--connections', '4', '--duplicates', '0.2', '--threshold', 'errors==0', '--allow-invalid'], { env: { HOOKGATE_SECRET: SVIX }, cwd: dir });
    expect(res.code, res.stderr + res.stdout).toBe(0);
    const out = results(dir);
    expect(seen.refused).toBe(0);
    expect(out.requests).toBeGreaterThan(20);
    expect(out.ok2xx).toBe(out.requests);
    expect(out.duplicatesSent).toBeGreaterThan(0);
    // The receiver also saw the one request sent before the run.
    expect(seen.total).toBe(out.requests + 1);
    expect(seen.ids.size).toBe(out.requests - out.duplicatesSent + 1);
    expect(out.timeline.reduce((n, s) => n + s.requests, 0)).toBe(out.requests);
    expect(XMLValidator.validate(readFileSync(join(dir, 'hookgate-load', 'junit.xml'), 'utf8'))).toBe(true);
    expect(readFileSync(join(dir, 'hookgate-load', 'summary.md'), 'utf8')).toContain('errors==0');
    expect(res.stdout).toMatch(/^PASS /);
  });

  it('OmniSales (hex HMAC over the raw body): every request accepted, ids unique but for the duplicates (open model)', async () => {
    const { r, seen } = await omniReceiver();
    const dir = tmp();
    const res = await cli(['load', '--provider', 'omnisales', '--url', r.url, '--duration', '1', '--rate', '150', '--duplicates', '0.1'], { env: { HOOKGATE_SECRET: OMNI }, cwd: dir });
    expect(res.code, res.stderr + res.stdout).toBe(0);
    const out = results(dir);
    expect(seen.refused).toBe(0);
    expect(out.requests).toBe(150);
    expect(out.missedStarts).toBe(0);
    expect(seen.ids.size).toBe(out.requests - out.duplicatesSent + 1);
  });

  it('counts duplicates a receiver without dedup processed again, and gates on it', async () => {
    const { r } = await svixReceiver(false);
    const dir = tmp();
    const res = await cli(['load', '--provider', 'optipick', '--url', r.url, '--duration', '1', '--connections', '2', '--duplicates', '0.3', '--effects-url', r.url, '--settle-ms', '50', '--threshold', 'duplicatesProcessed==0'], { env: { HOOKGATE_SECRET: SVIX }, cwd: dir });
    const out = results(dir);
    expect(out.duplicatesProcessed).toBe(out.duplicatesSent);
    expect(out.duplicatesProcessed).toBeGreaterThan(0);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/✗ duplicatesProcessed==0/);
  });

  it('a receiver with dedup processes no duplicate again', async () => {
    const { r } = await svixReceiver(true);
    const dir = tmp();
    const res = await cli(['load', '--provider', 'optipick', '--url', r.url, '--duration', '1', '--connections', '2', '--duplicates', '0.3', '--effects-url', r.url, '--settle-ms', '50', '--threshold', 'duplicatesProcessed==0', '--allow-invalid'], { env: { HOOKGATE_SECRET: SVIX }, cwd: dir });
    expect(res.code, res.stdout).toBe(0);
    expect(results(dir).duplicatesProcessed).toBe(0);
  });

  it('stops with exit 1 and a hint when the first signed request is refused (wrong secret)', async () => {
    const { r, seen } = await svixReceiver();
    const res = await cli(['load', '--provider', 'optipick', '--url', r.url, '--duration', '5'], { env: { HOOKGATE_SECRET: 'whsec_' + Buffer.alloc(24, 7).toString('base64') }, cwd: tmp() });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/error: the receiver refused the first correctly signed request with HTTP 401/);
    expect(res.stderr).toMatch(/hint: check the secret .*--header-style standard/);
    expect(seen.total).toBe(1);
  });

  it('when the generator was the bottleneck, thresholds fail the run unless --allow-invalid; without thresholds it warns and exits 0', async () => {
    const { r } = await svixReceiver();
    const gated = await cli(['load', '--provider', 'optipick', '--url', r.url, '--duration', '0.5', '--connections', '8', '--threshold', 'errors==0'], { env: { HOOKGATE_SECRET: SVIX }, cwd: tmp() });
    const plain = await cli(['load', '--provider', 'optipick', '--url', r.url, '--duration', '0.5', '--connections', '8'], { env: { HOOKGATE_SECRET: SVIX }, cwd: tmp() });
    // The in-process receiver keeps this thread's event loop busy: the run is invalid, and says why.
    expect(gated.stdout).toMatch(/INVALID: the generator's event loop was busy/);
    expect(gated.code).toBe(1);
    expect(gated.stdout).toMatch(/^FAIL .*the generator could not produce the load; the figures say nothing about the receiver/);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/warning: invalid run/);
  });

  it('a malformed threshold or an unknown metric is exit 2, before any request', async () => {
    const { r, seen } = await svixReceiver();
    for (const t of ['p99<', 'latency<250ms', 'p99 ~ 3ms']) {
      const res = await cli(['load', '--provider', 'optipick', '--url', r.url, '--threshold', t], { env: { HOOKGATE_SECRET: SVIX }, cwd: tmp() });
      expect(res.code, t).toBe(2);
      expect(res.stderr).toMatch(/^error: .*\nhint: /);
    }
    expect(seen.total).toBe(0);
  });

  it('never prints a --header value', async () => {
    const { r } = await svixReceiver();
    const dir = tmp();
    const res = await cli(['load', '--provider', 'optipick', '--url', r.url, '--duration', '0.3', '--connections', '1', '--header', 'X-Gateway-Key: sekrit-value-123'], { env: { HOOKGATE_SECRET: SVIX }, cwd: dir });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('X-Gateway-Key (values hidden)');
    for (const text of [res.stdout, res.stderr, ...['load.json', 'summary.md', 'junit.xml'].map((f) => readFileSync(join(dir, 'hookgate-load', f), 'utf8'))]) {
      expect(text).not.toContain('sekrit-value-123');
      expect(text).not.toContain(SVIX.slice(6));
    }
  });

  it('--workers 2 (the built CLI: worker threads run dist): the workers\' schedules interleave into one stream and their figures merge', async () => {
    const { r, seen } = await svixReceiver();
    const dir = tmp();
    const bin = resolve(import.meta.dirname, '../../dist/cli/main.js');
    const code = await new Promise<number>((done) => {
      execFile(process.execPath, [bin, 'load', '--provider', 'optipick', '--url', r.url, '--duration', '1', '--rate', '200', '--workers', '2', '--duplicates', '0.1'], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOOKGATE_SECRET: SVIX } }, (err) => done(err ? Number((err as { code?: number }).code ?? 1) : 0));
    });
    expect(code).toBe(0);
    const out = results(dir);
    expect(out.requests).toBe(200);
    expect(out.generatorCpu.elu).toHaveLength(2);
    expect(out.timeline.reduce((n, s) => n + s.requests, 0)).toBe(200);
    expect(seen.refused).toBe(0);
    expect(seen.ids.size).toBe(out.requests - out.duplicatesSent + 1);
  });

  it('stops with exit 1 when most of the first second is refused, after the first request was accepted', async () => {
    let n = 0;
    const r = await listen((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(++n === 1 ? 200 : 429).end());
    }, '/webhook');
    open.push(r);
    const res = await cli(['load', '--provider', 'optipick', '--url', r.url, '--duration', '5', '--rate', '50'], { env: { HOOKGATE_SECRET: SVIX }, cwd: tmp() });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/error: most requests of the first second were refused \(\d+× HTTP 429\)/);
    // It stopped after the first second instead of measuring refusals for five.
    expect(n).toBeLessThan(100);
  });

  it('--large mixes in large payloads of --large-size, correctly signed', async () => {
    const { r, seen } = await svixReceiver();
    const dir = tmp();
    const res = await cli(['load', '--provider', 'dimmy', '--url', r.url, '--duration', '0.5', '--rate', '60', '--large', '0.3', '--large-size', '200000'], { env: { HOOKGATE_SECRET: SVIX }, cwd: dir });
    expect(res.code, res.stderr).toBe(0);
    const out = results(dir);
    expect(out.largeSent).toBeGreaterThan(0);
    // Every request, the large ones included, verified with the svix library.
    expect(seen.refused).toBe(0);
    expect(seen.total).toBe(out.requests + 1);
  });

  it('--find-max on real sockets (smoke): finds the rate a receiver capped at 200/s holds, with the curve in load.json', async () => {
    // A capacity of 200 requests per second (per wall-clock second), 503 beyond: coarse enough that
    // scheduler hiccups on a busy machine do not push a 100/s step over it.
    let window = 0;
    let inWindow = 0;
    const r = await listen((req, res) => {
      req.resume();
      req.on('end', () => {
        const w = Math.floor(Date.now() / 1000);
        if (w !== window) [window, inWindow] = [w, 0];
        res.writeHead(++inWindow > 200 ? 503 : 200).end();
      });
    }, '/webhook');
    open.push(r);
    const dir = tmp();
    const bin = resolve(import.meta.dirname, '../../dist/cli/main.js');
    const stdout = await new Promise<string>((done) => {
      execFile(process.execPath, [bin, 'load', '--provider', 'optipick', '--url', r.url, '--find-max', '--start-rate', '50', '--step-duration', '0.5', '--threshold', 'errors<1%'], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOOKGATE_SECRET: SVIX } }, (_err, out) => done(String(out)));
    });
    const out = results(dir);
    expect(out.findMax, stdout).toBeDefined();
    expect(out.findMax!.curve.slice(0, 2).map((p) => p.rate), stdout).toEqual([50, 100]);
    // On a machine this busy the generator itself may be what gives out first: then the search must say so
    // instead of reporting a rate (the capacity figure on a quiet machine is npm run bench:load's job).
    if (out.findMax!.generatorBoundAt === undefined) {
      expect(out.findMax!.maxRate, stdout).not.toBeNull();
      expect(out.findMax!.maxRate!, stdout).toBeGreaterThanOrEqual(50);
      expect(out.findMax!.maxRate!).toBeLessThanOrEqual(420);
      expect(stdout).toMatch(/max rate: [\d.]+\/s held every threshold/);
    } else {
      expect(stdout).toMatch(/generator-bound at [\d.]+\/s: use --workers or shards/);
      if (out.findMax!.maxRate !== null) expect(out.findMax!.maxRate).toBeLessThan(out.findMax!.generatorBoundAt!);
    }
  });

  it('--find-max without a threshold, or with --rate, is exit 2', async () => {
    const a = await cli(['load', '--provider', 'optipick', '--url', 'http://127.0.0.1:9/webhook', '--find-max'], { env: { HOOKGATE_SECRET: SVIX }, cwd: tmp() });
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('--find-max needs at least one --threshold');
    const b = await cli(['load', '--provider', 'optipick', '--url', 'http://127.0.0.1:9/webhook', '--find-max', '--rate', '10', '--threshold', 'p99<1s'], { env: { HOOKGATE_SECRET: SVIX }, cwd: tmp() });
    expect(b.code).toBe(2);
  });

  it('two shards started together (--shard K/2 --start-at) then merged: the counts add up, ids never collide, thresholds judged once', async () => {
    const { r, seen } = await svixReceiver();
    const dir = tmp();
    const bin = resolve(import.meta.dirname, '../../dist/cli/main.js');
    const startAt = String(Math.ceil(Date.now() / 1000) + 2);
    const shardRun = (k: number) =>
      new Promise<number>((done) => {
        execFile(process.execPath, [bin, 'load', '--provider', 'optipick', '--url', r.url, '--rate', '101', '--duration', '1', '--duplicates', '0.1', '--shard', `${k}/2`, '--start-at', startAt, '--threshold', 'errors==0', '--out', `shard-${k}`], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOOKGATE_SECRET: SVIX } }, (err) => done(err ? Number((err as { code?: number }).code ?? 1) : 0));
      });
    expect(await Promise.all([shardRun(1), shardRun(2)])).toEqual([0, 0]);
    const parts = [1, 2].map((k) => JSON.parse(readFileSync(join(dir, `shard-${k}`, 'load.json'), 'utf8')) as LoadResults);
    expect(parts.map((p) => p.requests)).toEqual([51, 50]);
    // --allow-invalid: on a busy CI machine a shard may be flagged late; the merge arithmetic is what is tested here.
    const merged = await cli(['merge', 'shard-1', 'shard-2', '--out', 'merged', '--allow-invalid'], { cwd: dir });
    expect(merged.code, merged.stderr + merged.stdout).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'merged', 'load.json'), 'utf8')) as LoadResults;
    expect(m.requests).toBe(101);
    expect(m.model).toMatchObject({ kind: 'open', rate: 101 });
    expect(m.thresholds).toEqual([{ expr: 'errors==0', actual: 0, pass: true }]);
    expect(seen.refused).toBe(0);
    // Two requests before the runs (one per shard), then every id unique but the redeliveries.
    expect(seen.ids.size).toBe(m.requests - m.duplicatesSent + 2);
    const missing = await cli(['merge', 'shard-1', '--out', 'merged2'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('shard 2/2 missing');
  });

  it('--shard and --start-at are checked: bad K/N, a start more than 5 s late, --find-max with --shard', async () => {
    const base = ['load', '--provider', 'optipick', '--url', 'http://127.0.0.1:9/webhook'];
    const env = { env: { HOOKGATE_SECRET: SVIX }, cwd: tmp() };
    expect((await cli([...base, '--shard', '3/2'], env)).stderr).toMatch(/--shard "3\/2" is not K\/N/);
    const late = await cli([...base, '--shard', '1/2', '--start-at', String(Math.floor(Date.now() / 1000) - 60)], env);
    expect(late.code).toBe(2);
    expect(late.stderr).toContain('more than 5 s late');
    const fm = await cli([...base, '--shard', '1/2', '--find-max', '--threshold', 'p99<1s'], env);
    expect(fm.code).toBe(2);
  });
});
