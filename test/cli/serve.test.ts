import { describe, it, expect, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Svix } from 'svix';
import { startExample, listen, type Running } from '../helpers/receivers.js';
import { svixV1 } from '../../mock-provider/signing/svix-v1.js';
import { cli } from '../helpers/cli.js';

const bin = resolve(import.meta.dirname, '../../dist/cli/main.js');
const secret = svixV1.generateSecret();
const open: Running[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await Promise.all(open.map((r) => r.close()));
});

/** Starts `hookgate serve` from the build and resolves once it printed its API base URL. */
function serve(args: string[]): Promise<{ child: ChildProcess; base: string; out: () => string }> {
  const child = spawn(process.execPath, [bin, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: mkdtempSync(join(tmpdir(), 'hg-serve-')) });
  children.push(child);
  let out = '';
  return new Promise((res, rej) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /emit events:\s+(http:\/\/\S+)\/_hookgate\/events/.exec(out);
      if (m) res({ child, base: m[1], out: () => out });
    });
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => rej(new Error(`serve exited ${code}: ${out}`)));
  });
}

describe('hookgate serve', () => {
  it('delivers an emitted event, re-signed, to a receiver built with the svix library; the official svix client reads it back; Ctrl-C exits 0', { timeout: 30_000 }, async () => {
    const r = await startExample('svix-correct.mjs', secret, '/webhook');
    open.push(r);
    const { child, base } = await serve(['--provider', 'optipick', '--target', r.url, '--secret', secret, '--port', '0', '--token', 'tok_test', '--store', 'serve.db']);
    const emitted = await fetch(`${base}/_hookgate/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'cluster.optimized' }) });
    expect(emitted.status).toBe(202);
    const { id } = (await emitted.json()) as { id: string };
    const svix = new Svix('tok_test', { serverUrl: base });
    const apps = await svix.application.list();
    const appId = apps.data[0].id;
    let attempts = await svix.messageAttempt.listByMsg(appId, id);
    for (let i = 0; i < 50 && attempts.data.length === 0; i++) {
      await new Promise((res) => setTimeout(res, 50));
      attempts = await svix.messageAttempt.listByMsg(appId, id);
    }
    expect(attempts.data[0].responseStatusCode).toBe(200);
    const effects = (await (await fetch(`${r.origin}/_effects`)).json()) as string[];
    expect(effects).toContain(id);
    child.kill('SIGINT');
    const code = await new Promise((res) => child.on('exit', res));
    expect(code).toBe(0);
  });

  it('bad input: a malformed target and a port in use are one clear line and exit 2', async () => {
    const bad = await cli(['serve', '--provider', 'dimmy', '--target', 'not a url']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: --target "not a url" is not a valid URL/m);
    const taken = await listen((_req, res) => res.end());
    open.push(taken);
    const port = new URL(taken.origin).port;
    const inUse = await cli(['serve', '--provider', 'dimmy', '--target', 'http://127.0.0.1:9/webhook', '--port', port, '--store', join(mkdtempSync(join(tmpdir(), 'hg-s-')), 's.db')]);
    expect(inUse.code).toBe(2);
    expect(inUse.stderr).toMatch(/port \d+ is already in use/);
  });
});

/** Polls `check` until it returns true; on the deadline, fails with what `state` says was last seen. Never a fixed wait. */
async function waitFor(what: string, check: () => boolean | Promise<boolean>, state: () => unknown, deadlineMs: number): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}; last seen: ${JSON.stringify(state())}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('hookgate serve after kill -9', () => {
  it('restarted on the same store, delivers every message; an attempt in flight is recorded interrupted; no completed attempt repeats', { timeout: 120_000 }, async () => {
    const { sqliteStore } = await import('../../mock-provider/engine/sqlite-store.js');
    // A receiver that fails each message's first attempt and answers slowly, so the kill finds
    // deliveries both pending (waiting for a retry) and in flight.
    const seen = new Map<string, number>();
    const processed: string[] = [];
    let held = 0; // requests the receiver is holding open right now: each is an attempt in flight
    let failed = 0; // first attempts answered 500: their deliveries wait for a retry
    const receiver = await listen((req, res) => {
      const id = String(req.headers['svix-id']);
      held++;
      req.resume();
      req.on('end', () => {
        const n = (seen.get(id) ?? 0) + 1;
        seen.set(id, n);
        setTimeout(() => {
          held--;
          if (n === 1) {
            failed++;
            return res.writeHead(500).end();
          }
          if (!processed.includes(id)) processed.push(id);
          res.writeHead(200).end('{}');
        }, 150);
      });
    }, '/webhook');
    open.push(receiver);
    const dir = mkdtempSync(join(tmpdir(), 'hg-kill-'));
    const store = join(dir, 'serve.db');
    const args = ['--provider', 'dimmy', '--target', receiver.url, '--secret', secret, '--port', '0', '--store', store, '--time-scale', '100', '--token', 'tok_k'];
    const first = await serve(args);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await fetch(`${first.base}/_hookgate/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'items.scanned' }) });
      ids.push(((await r.json()) as { id: string }).id);
    }
    // Kill once a first attempt has failed (its retry is pending) while the receiver holds a request open: that
    // attempt's in-flight marker was stored before the request left, so the restart must record it interrupted.
    await waitFor('a failed first attempt and a request in flight', () => failed > 0 && held > 0, () => ({ failed, held, processed: processed.length }), 30_000);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.on('exit', r));
    expect(processed.length).toBeLessThan(ids.length);

    const second = await serve(args);
    // Wait for the state asserted below, not for the receiver alone: a request the receiver finished after the
    // kill counts as processed there, yet its attempt is recorded interrupted and retried (up to 5 min virtual,
    // 3 s real, later). So: every message processed, every delivery delivered, a success recorded for each
    // message, nothing in flight — read from the store itself (WAL: a second connection reads alongside serve).
    const watch = sqliteStore(store);
    let last: unknown;
    try {
      await waitFor(
        'every delivery to be recorded delivered',
        async () => {
          const [deliveries, attempts, inFlight] = await Promise.all([watch.listDeliveries(), watch.listAttempts(), watch.listInFlight()]);
          last = { processed: processed.length, states: deliveries.map((d) => `${d.msgId}:${d.state}#${d.attemptsMade}`), inFlight: inFlight.length };
          return (
            ids.every((id) => processed.includes(id)) &&
            inFlight.length === 0 &&
            deliveries.length === ids.length &&
            deliveries.every((d) => d.state === 'delivered') &&
            ids.every((id) => attempts.some((a) => a.msgId === id && a.outcome === 'success'))
          );
        },
        () => last,
        60_000,
      );
    } finally {
      watch.close();
    }
    // The Svix API still answers for what was created before the crash.
    const client = new Svix('tok_k', { serverUrl: second.base });
    const app = await client.application.get('hookgate');
    expect((await client.message.get(app.id, ids[0])).id).toBe(ids[0]);
    second.child.kill('SIGINT');
    await new Promise((r) => second.child.on('exit', r));
    expect([...processed].sort()).toEqual([...ids].sort());

    const s = sqliteStore(store);
    const attempts = await s.listAttempts();
    s.close();
    const keys = attempts.map((a) => `${a.deliveryId}#${a.n}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const id of ids) expect(attempts.some((a) => a.msgId === id && a.outcome === 'success')).toBe(true);
    // The receiver answers in 150 ms, so requests were in flight at the kill: recorded, then retried.
    expect(attempts.some((a) => a.outcome === 'interrupted')).toBe(true);
  });
});

describe('hookgate serve: unwritable store', () => {
  it('is one clear line and exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hg-s-'));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'taken'), 'x');
    const r = await cli(['serve', '--provider', 'optipick', '--target', 'http://127.0.0.1:9/webhook', '--store', join(dir, 'taken', 'serve.db')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: cannot open the store/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('hookgate serve: one clock (socket)', () => {
  it('under --time-scale 1000, three failures then a success read +0 s, +5 s, +5 min 5 s, +35 min 5 s (± 1 s) from the message timestamp, and the log names each attempt', { timeout: 60_000 }, async () => {
    const seen = new Map<string, number>();
    const receiver = await listen((req, res) => {
      const id = String(req.headers['svix-id']);
      const n = (seen.get(id) ?? 0) + 1;
      seen.set(id, n);
      req.resume();
      // Each answer takes ~15 ms of real time: 15 s of clock time at 1000×, which the timestamps must not carry.
      req.on('end', () => setTimeout(() => res.writeHead(n <= 3 ? 500 : 200).end(), 15));
    }, '/webhook');
    open.push(receiver);
    const dir = mkdtempSync(join(tmpdir(), 'hg-clock-'));
    const s = await serve(['--provider', 'optipick', '--target', receiver.url, '--secret', secret, '--port', '0', '--store', join(dir, 's.db'), '--time-scale', '1000', '--token', 'tok_c']);
    const emitted = await fetch(`${s.base}/_hookgate/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"route.optimized"}' });
    const { id } = (await emitted.json()) as { id: string };
    const client = new Svix('tok_c', { serverUrl: s.base });
    const app = await client.application.get('hookgate');
    let attempts = await client.messageAttempt.listByMsg(app.id, id);
    await waitFor('four attempts', async () => (attempts = await client.messageAttempt.listByMsg(app.id, id)).data.length === 4, () => attempts.data.length, 30_000);
    const msg = await client.message.get(app.id, id);
    const offsets = attempts.data.map((a) => a.timestamp.getTime() - msg.timestamp.getTime()).reverse();
    const want = [0, 5_000, 305_000, 2_105_000];
    offsets.forEach((got, i) => expect(Math.abs(got - want[i])).toBeLessThanOrEqual(1_000));
    await waitFor('the log line of the 4th attempt', () => /attempt 4 at \+35m 5[.\d]*s: HTTP 200 delivered/.test(s.out()), () => s.out().slice(-500), 5_000);
    s.child.kill('SIGINT');
    await new Promise((r) => s.child.on('exit', r));
  });
});

describe('hookgate serve: the store remembers', () => {
  it('--secret for a target already in the store replaces its secret and says so; the receiver with the new secret then verifies', { timeout: 60_000 }, async () => {
    const newSecret = svixV1.generateSecret();
    const statuses: number[] = [];
    const receiver = await listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const { Webhook } = await import('svix');
        let code = 204;
        try {
          new Webhook(newSecret).verify(Buffer.concat(chunks).toString('utf8'), req.headers as Record<string, string>);
        } catch {
          code = 401;
        }
        statuses.push(code);
        res.writeHead(code).end();
      });
    }, '/webhook');
    open.push(receiver);
    const store = join(mkdtempSync(join(tmpdir(), 'hg-secret-')), 's.db');
    const args = (s: string) => ['--provider', 'optipick', '--target', receiver.url, '--secret', s, '--port', '0', '--store', store, '--token', 'tok_s'];
    const emit = (base: string) => fetch(`${base}/_hookgate/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"route.optimized"}' });
    // Both ways: the first run signs with the old secret, which this receiver refuses.
    const first = await serve(args(secret));
    await emit(first.base);
    await waitFor('a refused delivery', () => statuses.includes(401), () => statuses, 10_000);
    first.child.kill('SIGINT');
    await new Promise((r) => first.child.on('exit', r));
    const second = await serve(args(newSecret));
    expect(second.out()).toMatch(/its secret is now the one --secret gives/);
    expect(second.out()).not.toContain(newSecret);
    await emit(second.base);
    await waitFor('a verified delivery', () => statuses.includes(204), () => statuses, 10_000);
    second.child.kill('SIGINT');
    await new Promise((r) => second.child.on('exit', r));
  });

  it('a store created for one provider is refused for another: one line, exit 2', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'hg-owner-')), 's.db');
    const first = await serve(['--provider', 'optipick', '--target', 'http://127.0.0.1:9/webhook', '--port', '0', '--store', store, '--token', 'tok_o']);
    first.child.kill('SIGINT');
    await new Promise((r) => first.child.on('exit', r));
    const r = await cli(['serve', '--provider', 'dimmy', '--target', 'http://127.0.0.1:9/webhook', '--port', '0', '--store', store]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: the store .* was created for OptiPick and cannot serve Dimmy/m);
    expect(r.stderr).toMatch(/--provider optipick/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // The owner itself still opens it.
    const again = await serve(['--provider', 'optipick', '--target', 'http://127.0.0.1:9/webhook', '--port', '0', '--store', store, '--token', 'tok_o']);
    again.child.kill('SIGINT');
    await new Promise((r2) => again.child.on('exit', r2));
  });
});
