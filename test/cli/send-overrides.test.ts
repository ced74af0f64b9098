// `send` for testing by hand: --set overrides, inline --data, --id reuse (dedup by hand), --count.
// A capturing receiver keeps what arrived; the correct example receivers prove the requests stay valid.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'svix';
import { cli } from '../helpers/cli.js';
import { listen, startExample, type Running } from '../helpers/receivers.js';
import { svixV1 } from '../../mock-provider/signing/svix-v1.js';
import { omnisalesHex } from '../../mock-provider/signing/omnisales-hex.js';

const svixSecret = svixV1.generateSecret();
const omniSecret = omnisalesHex.generateSecret();

interface Got {
  headers: Record<string, string>;
  body: string;
}

describe('send --set / --data inline / --id / --count', () => {
  const got: Got[] = [];
  let capture: Running;
  let svix: Running;
  let omni: Running;
  beforeAll(async () => {
    capture = await listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
        res.end('ok');
      });
    }, '/webhook');
    svix = await startExample('svix-correct.mjs', svixSecret, '/webhook');
    omni = await startExample('omnisales-correct.mjs', omniSecret, '/webhooks/omni');
  });
  afterAll(async () => {
    await Promise.all([capture.close(), svix.close(), omni.close()]);
  });

  it('--set overrides fields of the generated payload (JSON values typed, text otherwise), still correctly signed', async () => {
    got.length = 0;
    const r = await cli(['send', '--provider', 'optipick', '--event', 'route.optimized', '--url', capture.url, '--secret', svixSecret, '--set', 'status=failed', '--set', 'meta.retries=3', '--set', 'request_id="42"']);
    expect(r.code, r.stderr).toBe(0);
    const body = JSON.parse(got[0].body);
    expect(body).toMatchObject({ status: 'failed', meta: { retries: 3 }, request_id: '42' });
    expect(() => new Webhook(svixSecret).verify(got[0].body, got[0].headers)).not.toThrow();
  });

  it('--data takes inline JSON, sent byte for byte (Svix), and --set on top re-serialises it', async () => {
    got.length = 0;
    const inline = '{ "request_id": "r1",  "status": "completed" }';
    expect((await cli(['send', '--provider', 'optipick', '--event', 'route.optimized', '--url', capture.url, '--secret', svixSecret, '--data', inline])).code).toBe(0);
    expect(got[0].body).toBe(inline);
    expect((await cli(['send', '--provider', 'optipick', '--event', 'route.optimized', '--url', capture.url, '--secret', svixSecret, '--data', inline, '--set', 'status=failed'])).code).toBe(0);
    expect(JSON.parse(got[1].body)).toEqual({ request_id: 'r1', status: 'failed' });
    const bad = await cli(['send', '--provider', 'optipick', '--event', 'route.optimized', '--url', capture.url, '--secret', svixSecret, '--data', '{"a":']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: --data is not valid JSON/);
  });

  it('--id reuses a message id: the correct receiver answers the second delivery as a duplicate (dedup by hand)', async () => {
    const args = ['send', '--provider', 'omnisales', '--event', 'order.created', '--url', omni.url, '--secret', omniSecret, '--id', 'evt_dedup_by_hand_1'];
    const first = await cli(args);
    const second = await cli(args);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(first.stdout).toContain('evt_dedup_by_hand_1');
    expect(second.stdout).toMatch(/"duplicate":\s*true/);
    expect(first.stdout).not.toMatch(/"duplicate":\s*true/);
  });

  it('--count N sends N distinct messages (ids and entity ids), each verified', async () => {
    got.length = 0;
    const r = await cli(['send', '--provider', 'dimmy', '--event', 'items.scanned', '--url', capture.url, '--secret', svixSecret, '--count', '4']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/sent 4 messages: 4 answered 2xx, 0 did not/);
    expect(new Set(got.map((g) => g.headers['svix-id'])).size).toBe(4);
    expect(new Set(got.map((g) => g.body)).size).toBe(4);
    for (const g of got) expect(() => new Webhook(svixSecret).verify(g.body, g.headers)).not.toThrow();
    const svixRun = await cli(['send', '--provider', 'optipick', '--event', 'route.optimized', '--url', svix.url, '--secret', svixSecret, '--count', '3']);
    expect(svixRun.code).toBe(0);
  });

  it('refuses contradictions and bad values with one line and a hint', async () => {
    const base = ['send', '--provider', 'optipick', '--event', 'route.optimized', '--url', capture.url, '--secret', svixSecret];
    for (const [extra, re] of [
      [['--count', '2', '--id', 'x'], /--count sends distinct messages/],
      [['--count', '2', '--dry-run'], /--dry-run shows one message/],
      [['--set', 'noequals'], /is not path=value/],
      [['--set', '__proto__.x=1'], /not a field path/],
      [['--id', 'has space'], /--id must be/],
      [['--count', '0'], /count/],
    ] as Array<[string[], RegExp]>) {
      const r = await cli([...base, ...extra]);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stderr).toMatch(/\nhint: /);
    }
  });
});
