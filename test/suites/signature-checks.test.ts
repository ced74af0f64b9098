import { describe, it, expect, afterAll } from 'vitest';
import { startExample, type Running } from '../helpers/receivers.js';
import { runAgainst, statuses } from '../helpers/run-checks.js';
import { svixV1 } from '../../mock-provider/signing/svix-v1.js';
import { omnisalesHex } from '../../mock-provider/signing/omnisales-hex.js';
import { freePort, startReceiver, type ReceiverProcess } from '../../suites/receiver-process.js';
import { resolve } from 'node:path';

const SIGNATURE = [
  'signature.valid',
  'signature.raw-body',
  'signature.tampered-body',
  'signature.wrong-secret',
  'signature.missing-headers',
  'signature.stale-timestamp',
  'signature.future-timestamp',
  'signature.timestamp-within-window',
  'signature.multiple-signatures',
];

/** Every signature check passes except the ones named, which get the status given. */
function expected(overrides: Record<string, string>, base = 'pass'): Record<string, string> {
  return Object.fromEntries(SIGNATURE.map((id) => [id, overrides[id] ?? base]));
}

const svixSecret = svixV1.generateSecret();
const omniSecret = omnisalesHex.generateSecret();
const open: Running[] = [];
afterAll(async () => {
  await Promise.all(open.map((r) => r.close()));
});

async function svixReceiver(file: string): Promise<Running> {
  const r = await startExample(file, svixSecret, '/webhook');
  open.push(r);
  return r;
}

describe('signature checks on the correct receivers', () => {
  for (const provider of ['optipick', 'dimmy'] as const) {
    for (const headerStyle of ['svix', 'standard'] as const) {
      it(`${provider} (${headerStyle} headers): all nine pass on the official svix verifier`, async () => {
        const r = await svixReceiver('svix-correct.mjs');
        expect(statuses(await runAgainst({ provider, url: r.url, secret: svixSecret, only: ['signature.'], headerStyle }))).toEqual(expected({}));
      });
    }
  }
  it('omnisales: all pass; multiple-signatures does not apply', async () => {
    const r = await startExample('omnisales-correct.mjs', omniSecret, '/webhooks/omni');
    open.push(r);
    const res = await runAgainst({ provider: 'omnisales', url: r.url, secret: omniSecret, only: ['signature.'] });
    expect(statuses(res)).toEqual(expected({ 'signature.multiple-signatures': 'skip' }));
    expect(res['signature.multiple-signatures'].message).toMatch(/not applicable/);
  });
});

describe('each signature check fails on the receiver with exactly its flaw', () => {
  const cases: [string, Record<string, string>][] = [
    ['svix-stringify.mjs', { 'signature.raw-body': 'fail' }],
    [
      'svix-accept-all.mjs',
      {
        'signature.tampered-body': 'fail',
        'signature.wrong-secret': 'fail',
        'signature.missing-headers': 'fail',
        'signature.stale-timestamp': 'fail',
        'signature.future-timestamp': 'fail',
        'signature.multiple-signatures': 'fail',
      },
    ],
    ['svix-no-timestamp-check.mjs', { 'signature.stale-timestamp': 'fail', 'signature.future-timestamp': 'fail' }],
    ['svix-first-signature-only.mjs', { 'signature.multiple-signatures': 'fail' }],
    ['svix-ignores-missing-headers.mjs', { 'signature.missing-headers': 'fail' }],
    ['svix-narrow-window.mjs', { 'signature.timestamp-within-window': 'warn' }],
  ];
  for (const [file, flaws] of cases) {
    it(`${file}: ${Object.keys(flaws).join(', ')}`, async () => {
      const r = await svixReceiver(file);
      const res = await runAgainst({ provider: 'optipick', url: r.url, secret: svixSecret, only: ['signature.'] });
      expect(statuses(res)).toEqual(expected(flaws));
      for (const id of Object.keys(flaws)) {
        expect(res[id].evidence.length).toBeGreaterThan(0);
        const ev = res[id].evidence[0];
        expect(ev.curl).toMatch(/^curl /);
        expect(ev.curl).not.toContain(svixSecret);
        expect(JSON.stringify(res[id])).not.toContain(svixSecret);
      }
    });
  }

  it('raw-body gives a shrunk counterexample and the seed that replays it, identically', async () => {
    const r = await svixReceiver('svix-stringify.mjs');
    const a = await runAgainst({ provider: 'dimmy', url: r.url, secret: svixSecret, only: ['signature.raw-body'], seed: 7 });
    const b = await runAgainst({ provider: 'dimmy', url: r.url, secret: svixSecret, only: ['signature.raw-body'], seed: 7 });
    const ca = a['signature.raw-body'].counterexample!;
    expect(ca.seed).toBe(7);
    expect(ca.path).not.toBe('');
    expect(ca.value).toEqual(b['signature.raw-body'].counterexample!.value);
    expect(ca.path).toBe(b['signature.raw-body'].counterexample!.path);
    expect(a['signature.raw-body'].message).toMatch(/JSON\.stringify\(req\.body\)/);
    expect(a['signature.raw-body'].message).toMatch(/express\.raw/);
  });

  it('a receiver with the wrong secret: signature.valid fails and every negative check is skip ("baseline refused"), never pass', async () => {
    const r = await startExample('svix-correct.mjs', svixV1.generateSecret(), '/webhook');
    open.push(r);
    const res = await runAgainst({ provider: 'optipick', url: r.url, secret: svixSecret, only: ['signature.'] });
    expect(res['signature.valid'].status).toBe('fail');
    for (const id of SIGNATURE.filter((i) => i !== 'signature.valid')) {
      expect({ id, status: res[id].status }).toEqual({ id, status: 'skip' });
      expect(res[id].message).toMatch(/baseline refused/);
    }
  });
});

describe("the OmniSales guide's Node.js example, pasted unchanged", () => {
  let proc: ReceiverProcess | undefined;
  afterAll(async () => {
    await proc?.stop();
  });
  it('fails signature.raw-body and signature.missing-headers and says why', async () => {
    const port = await freePort();
    const dir = resolve(import.meta.dirname, '../../examples/receivers');
    proc = await startReceiver({
      command: `node --require ${dir}/port-shim.cjs ${dir}/omnisales-guide.cjs`,
      env: { PORT: String(port), WEBHOOK_SECRET: omniSecret },
      port,
    });
    const res = await runAgainst({ provider: 'omnisales', url: `http://127.0.0.1:${port}/webhooks/omni`, secret: omniSecret, only: ['signature.'] });
    expect(statuses(res)).toEqual(expected({ 'signature.raw-body': 'fail', 'signature.missing-headers': 'fail', 'signature.multiple-signatures': 'skip' }));
    expect(res['signature.raw-body'].message).toMatch(/re-serialized body/);
    expect(res['signature.missing-headers'].message).toMatch(/x-webhook-timestamp missing → HTTP 200/);
    expect(res['signature.missing-headers'].message).toMatch(/NaN/);
  });
});
