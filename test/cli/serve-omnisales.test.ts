// `hookgate serve --provider omnisales` from the build, driven by the OmniSales guide's own curl lines
// (real curl, only the host and the receiver URL replaced), beside the emit route.
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { listen, type Running } from '../helpers/receivers.js';

const bin = resolve(import.meta.dirname, '../../dist/cli/main.js');
const CURL = '/usr/bin/curl';
const hasCurl = existsSync(CURL);
const run = promisify(execFile);

interface Hit {
  path: string;
  webhookId: string;
  event: string;
  id: string;
}

/** The guide's curl lines, run by curl itself; answers parsed as JSON. */
async function curl(args: string[]): Promise<{ success: boolean; data: any; error?: { code: string; message: string } }> {
  if (hasCurl) {
    const { stdout } = await run(CURL, ['-sS', ...args]);
    return JSON.parse(stdout);
  }
  // Without curl, the same requests through fetch.
  let method = 'GET';
  const headers: Record<string, string> = {};
  let body: string | undefined;
  let url = '';
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-X') method = args[++i];
    else if (args[i] === '-H') {
      const [k, ...v] = args[++i].split(':');
      headers[k.trim()] = v.join(':').trim();
    } else if (args[i] === '-d') {
      body = args[++i];
      if (method === 'GET') method = 'POST';
      headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
    } else url = args[i];
  }
  return (await fetch(url, { method, headers, body })).json() as never;
}

describe('serve --provider omnisales: the guide\'s curl examples', () => {
  const hits: Hit[] = [];
  let receiver: Running;
  let child: ChildProcess;
  let base = '';
  let out = '';

  beforeAll(async () => {
    receiver = await listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const env = JSON.parse(Buffer.concat(chunks).toString()) as { id: string; event: string };
        const path = (req.url ?? '').split('?')[0];
        hits.push({ path, webhookId: String(req.headers['x-webhook-id']), event: env.event, id: env.id });
        res.writeHead(path === '/webhooks/broken' ? 503 : 200, { 'content-type': 'application/json' }).end('{"received": true}');
      });
    });
    child = spawn(process.execPath, [bin, 'serve', '--provider', 'omnisales', '--target', `${receiver.origin}/webhook`, '--port', '0', '--store', 'serve.db', '--time-scale', '1000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: mkdtempSync(join(tmpdir(), 'hg-omni-')),
    });
    await new Promise<void>((res, rej) => {
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /emit events:\s+(http:\/\/\S+)\/_hookgate\/events/.exec(out);
        if (m) ((base = m[1]), res());
      });
      child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
      child.on('exit', (code) => rej(new Error(`serve exited ${code}: ${out}`)));
    });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGINT');
      await new Promise((r) => child.on('exit', r));
    }
    await receiver?.close();
  });

  const waitFor = async <T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> => {
    const end = Date.now() + 15_000;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; serve said: ${out.slice(-800)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('prints where the OmniSales API and the dashboard are', () => {
    expect(out).toContain(`OmniSales API: ${base}/api/webhooks  (no token needed on loopback)`);
    expect(out).toContain(`dashboard:    ${base}/`);
  });

  it('creates a webhook (Via API), sends it a test (Using the API), and an emit reaches it only for its events', { timeout: 30_000 }, async () => {
    // Getting Started → Via API, verbatim but for the host and the receiver's URL.
    const created = await curl([
      '-X', 'POST', `${base}/api/webhooks`,
      '-H', 'Content-Type: application/json',
      '-d', JSON.stringify({
        name: 'Order Notifications',
        url: `${receiver.origin}/webhooks/orders`,
        events: ['order.created', 'order.updated', 'order.shipped'],
        description: 'Receive order events in real-time',
      }),
    ]);
    expect(created.success).toBe(true);
    expect(created.data).toMatchObject({ name: 'Order Notifications', url: `${receiver.origin}/webhooks/orders`, events: ['order.created', 'order.updated', 'order.shipped'], is_active: true });
    expect(created.data.secret).toMatch(/^whsec_/);
    expect(created.data.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const webhookId = created.data.id as string;

    // Testing Webhooks → Using the API.
    const tested = await curl(['-X', 'POST', `${base}/api/webhooks/${webhookId}/test`]);
    expect(tested).toMatchObject({ success: true, data: { webhook_id: webhookId, event: 'order.created', delivered: true, status_code: 200 } });
    expect(hits.find((h) => h.id === tested.data.event_id)).toMatchObject({ path: '/webhooks/orders', webhookId });

    // The native emit: order.created goes to the --target (every type) and to this webhook; payment.received only to the target.
    const emit = async (type: string) => (await (await fetch(`${base}/_hookgate/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type }) })).json()) as { id: string };
    const order = await emit('order.created');
    const payment = await emit('payment.received');
    await waitFor('three deliveries', () => hits.filter((h) => h.id === order.id || h.id === payment.id).length === 3);
    const got = hits.filter((h) => h.id === order.id || h.id === payment.id).map((h) => `${h.path} ${h.event}`).sort();
    expect(got).toEqual(['/webhook order.created', '/webhook payment.received', '/webhooks/orders order.created']);
    // The secret went to the API's answer only: never to the terminal.
    expect(out).not.toContain(created.data.secret);
  });

  it('IP whitelist example; a failing webhook\'s dead-letter queue (GET …/replay) and replay (POST …/replay {"failure_id"})', { timeout: 30_000 }, async () => {
    // Security → IP Whitelist: the guide's create body.
    const created = await curl([
      '-X', 'POST', `${base}/api/webhooks`,
      '-H', 'Content-Type: application/json',
      '-d', JSON.stringify({ name: 'My Webhook', url: `${receiver.origin}/webhooks/broken`, events: ['order.created'], ip_whitelist: ['192.168.1.100', '203.0.113.0/24'] }),
    ]);
    expect(created.data.ip_whitelist).toEqual(['192.168.1.100', '203.0.113.0/24']);
    const id = created.data.id as string;
    await fetch(`${base}/_hookgate/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"order.created"}' });
    // Dead Letter Queue → "Get failed deliveries": GET /api/webhooks/{webhook_id}/replay
    const failed = await waitFor('the dead letter', async () => {
      const q = await curl([`${base}/api/webhooks/${id}/replay`]);
      return q.data.length > 0 && q;
    });
    expect(failed.data[0]).toMatchObject({ webhook_id: id, event: 'order.created', reason: 'retries_exhausted', attempts: 3, last_error: 'HTTP 503' });
    expect(failed.data[0].failure_id).toMatch(/^fail_/);
    // "Replay a failed event": POST with {"failure_id": …} — the guide shows no Content-Type, so none is sent.
    const replayed = await curl(['-X', 'POST', `${base}/api/webhooks/${id}/replay`, '-d', JSON.stringify({ failure_id: failed.data[0].failure_id })]);
    expect(replayed).toMatchObject({ success: true, data: { failure_id: failed.data[0].failure_id, status: 'queued' } });
    const logs = await waitFor('the replayed attempt', async () => {
      const l = await curl([`${base}/api/webhooks/${id}/logs`]);
      return l.data.some((x: { trigger: string }) => x.trigger === 'manual') && l;
    });
    // The replay's own attempt (a replayed delivery then retries on schedule, so it need not be the newest entry).
    expect(logs.data.find((x: { trigger: string }) => x.trigger === 'manual')).toMatchObject({ trigger: 'manual', status_code: 503 });
    const stats = await curl([`${base}/api/webhooks/${id}/stats`]);
    expect(stats.data).toMatchObject({ webhook_id: id, total_events: 1 });
    // Troubleshooting → "Check webhook is active: GET /api/webhooks/:id"
    expect((await curl([`${base}/api/webhooks/${id}`])).data.is_active).toBe(true);
  });
});
