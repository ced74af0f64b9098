import { describe, it, expect, afterAll } from 'vitest';
import { resolve } from 'node:path';
import { startExample, type Running } from '../helpers/receivers.js';
import { runAgainst, statuses } from '../helpers/run-checks.js';
import { svixV1 } from '../../mock-provider/signing/svix-v1.js';
import { omnisalesHex } from '../../mock-provider/signing/omnisales-hex.js';
import { freePort, startReceiver, type ReceiverProcess } from '../../suites/receiver-process.js';

const STATUS = ['status.rejection-is-4xx', 'status.malformed-signature', 'status.unknown-event-type', 'status.content-type-variants', 'status.large-payload'];
const expected = (over: Record<string, string>) => Object.fromEntries(STATUS.map((id) => [id, over[id] ?? 'pass']));

const svixSecret = svixV1.generateSecret();
const omniSecret = omnisalesHex.generateSecret();
const open: Running[] = [];
const procs: ReceiverProcess[] = [];
afterAll(async () => {
  await Promise.all(open.map((r) => r.close()));
  await Promise.all(procs.map((p) => p.stop()));
});
async function svix(file: string) {
  const r = await startExample(file, svixSecret, '/webhook');
  open.push(r);
  return r;
}
const dir = resolve(import.meta.dirname, '../../examples/receivers');

describe('status checks on the correct receivers', () => {
  it('dimmy: all five pass, large payloads of 1 and 5 MiB included', async () => {
    const r = await svix('svix-correct.mjs');
    const res = await runAgainst({ provider: 'dimmy', url: r.url, secret: svixSecret, only: ['status.'] });
    expect(statuses(res)).toEqual(expected({}));
    expect(res['status.large-payload'].message).toMatch(/^accepted 1024 kB \(MUST\), 5120 kB \(SHOULD\)/);
  });
  it('optipick: large-payload does not apply (small payloads)', async () => {
    const r = await svix('svix-correct.mjs');
    const res = await runAgainst({ provider: 'optipick', url: r.url, secret: svixSecret, only: ['status.'] });
    expect(statuses(res)).toEqual(expected({ 'status.large-payload': 'skip' }));
  });
  it('omnisales: all five pass', async () => {
    const r = await startExample('omnisales-correct.mjs', omniSecret, '/webhooks/omni');
    open.push(r);
    expect(statuses(await runAgainst({ provider: 'omnisales', url: r.url, secret: omniSecret, only: ['status.'] }))).toEqual(expected({}));
  });
});

describe('each status check fails (or warns) on the receiver with its flaw', () => {
  it('500 on a bad signature: rejection-is-4xx warns', async () => {
    const r = await svix('svix-5xx-on-bad-signature.mjs');
    const res = await runAgainst({ provider: 'dimmy', url: r.url, secret: svixSecret, only: ['status.'] });
    expect(statuses(res)).toEqual(expected({ 'status.rejection-is-4xx': 'warn' }));
    expect(res['status.rejection-is-4xx'].message).toMatch(/HTTP 500/);
  });
  it("a body parser's 100 kB default: large-payload fails for Dimmy at 1 MiB", async () => {
    const r = await svix('svix-json-100kb.mjs');
    const res = await runAgainst({ provider: 'dimmy', url: r.url, secret: svixSecret, only: ['status.large-payload'] });
    expect(res['status.large-payload'].status).toBe('fail');
    // Refused sizes are listed apart from accepted ones.
    expect(res['status.large-payload'].message).toMatch(/^refused 1024 kB \(MUST\) → HTTP 413; 5120 kB \(SHOULD\) → HTTP 413\. /);
    // The 1 MiB body is kept beside the report, not inlined as base64.
    expect(res['status.large-payload'].evidence[0].recipe.signedBody).toMatch(/^@evidence\//);
  });
  it('exactly application/json or 415: content-type-variants warns', async () => {
    const r = await svix('svix-strict-content-type.mjs');
    expect(statuses(await runAgainst({ provider: 'optipick', url: r.url, secret: svixSecret, only: ['status.'] }))).toEqual(
      expected({ 'status.content-type-variants': 'warn', 'status.large-payload': 'skip' }),
    );
  });
  it('400 for unknown types: unknown-event-type warns', async () => {
    const r = await startExample('omnisales-unknown-type-400.mjs', omniSecret, '/webhooks/omni');
    open.push(r);
    expect(statuses(await runAgainst({ provider: 'omnisales', url: r.url, secret: omniSecret, only: ['status.'] }))).toEqual(expected({ 'status.unknown-event-type': 'warn' }));
  });
  it('accepts anything: malformed-signature fails', async () => {
    const r = await svix('svix-accept-all.mjs');
    const res = await runAgainst({ provider: 'optipick', url: r.url, secret: svixSecret, only: ['status.malformed-signature'] });
    expect(res['status.malformed-signature'].status).toBe('fail');
  });
  it('a crash on a non-ASCII header: malformed-signature fails, rejection-is-4xx warns on the dropped connection', async () => {
    const port = await freePort();
    const p = await startReceiver({ command: `node ${dir}/svix-crash-non-ascii.mjs`, env: { PORT: String(port), HOOKGATE_SECRET: svixSecret }, port });
    procs.push(p);
    const res = await runAgainst({ provider: 'optipick', url: `http://127.0.0.1:${port}/webhook`, secret: svixSecret, only: ['status.rejection-is-4xx', 'status.malformed-signature'] });
    expect(res['status.malformed-signature'].status).toBe('fail');
    expect(res['status.malformed-signature'].message).toMatch(/stopped serving after .*non-ASCII/);
    expect(res['status.rejection-is-4xx'].status).toBe('warn');
    // The process dies mid-request: the socket ends with a reset or a plain close, depending on timing.
    expect(res['status.rejection-is-4xx'].message).toMatch(/connection reset|connection closed without an answer/);
  });
  it("the OmniSales guide's example: 500s on missing/malformed headers warn, 413 at 256 kB warns", async () => {
    const port = await freePort();
    const p = await startReceiver({ command: `node --require ${dir}/port-shim.cjs ${dir}/omnisales-guide.cjs`, env: { PORT: String(port), WEBHOOK_SECRET: omniSecret }, port });
    procs.push(p);
    const res = await runAgainst({ provider: 'omnisales', url: `http://127.0.0.1:${port}/webhooks/omni`, secret: omniSecret, only: ['status.'] });
    expect(statuses(res)).toEqual(expected({ 'status.rejection-is-4xx': 'warn', 'status.large-payload': 'warn' }));
  });
});
