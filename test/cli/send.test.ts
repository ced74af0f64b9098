import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, execFile } from 'node:child_process';
import { promisify } from 'node:util';

// The receivers run in this process: a synchronous exec would block them and deadlock.
const run = promisify(execFile);
import { cli } from '../helpers/cli.js';
import { listen, startExample, type Running } from '../helpers/receivers.js';
import { PROVIDERS } from '../../fixtures/index.js';
import { svixV1 } from '../../mock-provider/signing/svix-v1.js';
import { omnisalesHex } from '../../mock-provider/signing/omnisales-hex.js';

const svixSecret = svixV1.generateSecret();
const omniSecret = omnisalesHex.generateSecret();

describe('hookgate send against receivers built as the guides say', () => {
  let svix: Running;
  let omni: Running;
  beforeAll(async () => {
    svix = await startExample('svix-correct.mjs', svixSecret, '/webhook');
    omni = await startExample('omnisales-correct.mjs', omniSecret, '/webhooks/omni');
  });
  afterAll(async () => {
    await svix.close();
    await omni.close();
  });

  for (const provider of ['optipick', 'dimmy'] as const) {
    for (const type of PROVIDERS[provider].events.map((e) => e.example)) {
      for (const style of ['svix', 'standard']) {
        it(`${provider} ${type} (${style} headers) is answered 2xx by the official svix verifier`, async () => {
          const r = await cli(['send', '--provider', provider, '--event', type, '--url', svix.url, '--header-style', style], { env: { HOOKGATE_SECRET: svixSecret } });
          expect(r.stderr).toBe('');
          expect(r.stdout).toMatch(/HTTP 200/);
          expect(r.code).toBe(0);
        });
      }
    }
  }

  it('all 34 OmniSales types are answered 2xx by a raw-body verifier', async () => {
    const types = PROVIDERS.omnisales.events.map((e) => e.example);
    expect(types).toHaveLength(34);
    for (const type of types) {
      const r = await cli(['send', '--provider', 'omnisales', '--event', type, '--url', omni.url, '--secret', omniSecret]);
      expect({ type, code: r.code }).toEqual({ type, code: 0 });
    }
  });

  it('exits 1 on a non-2xx answer (wrong secret) and never prints the secret', async () => {
    const other = svixV1.generateSecret();
    const r = await cli(['send', '--provider', 'optipick', '--event', 'route.optimized', '--url', svix.url, '--secret', other]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/HTTP 400/);
    expect(r.stdout + r.stderr).not.toContain(other);
    expect(r.stdout).toContain('…' + other.slice(-4));
  });

  it('sends a --data file byte for byte for Svix providers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hg-data-'));
    const file = join(dir, 'data.json');
    writeFileSync(file, '{ "request_id" : "r-1",\n  "note": "caf\\u00e9 \\/ ü" }\n');
    let got: Buffer | undefined;
    const srv = await listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got = Buffer.concat(chunks);
        res.end('ok');
      });
    });
    try {
      const r = await cli(['send', '--provider', 'optipick', '--event', 'route.optimized', '--url', srv.url, '--data', file], { env: { HOOKGATE_SECRET: svixSecret } });
      expect(r.code).toBe(0);
      expect(got?.equals(execFileSync('cat', [file]))).toBe(true);
    } finally {
      await srv.close();
    }
  });

  it('generates a secret in the provider format when none is given and prints it once, to stderr', async () => {
    const r = await cli(['send', '--provider', 'dimmy', '--event', 'items.scanned', '--url', svix.url]);
    const secrets = r.stderr.match(/whsec_[A-Za-z0-9+/=]+/g) ?? [];
    expect(secrets).toHaveLength(1);
    expect(r.stdout).not.toContain(secrets[0]);
    // A receiver configured with another secret refuses it: exit 1.
    expect(r.code).toBe(1);
  });
});

describe('hookgate send --dry-run', () => {
  it('prints headers and a curl command that reproduces the request byte for byte, without the secret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hg-dry-'));
    const file = join(dir, 'data.json');
    writeFileSync(file, `{"request_id":"it's \\"quoted\\"", "x": "ü€", "n": 1.50}\n`);
    let got: { headers: Record<string, string | string[] | undefined>; body: Buffer } | undefined;
    const srv = await listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got = { headers: req.headers, body: Buffer.concat(chunks) };
        res.end('ok');
      });
    });
    try {
      const r = await cli(['send', '--provider', 'optipick', '--event', 'cluster.optimized', '--url', srv.url, '--data', file, '--dry-run'], {
        env: { HOOKGATE_SECRET: svixSecret },
      });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^svix-signature: v1,/m);
      expect(r.stdout + r.stderr).not.toContain(svixSecret);
      const curl = r.stdout.split('\n').find((l) => l.startsWith('curl '))!;
      await run('bash', ['-c', curl + ' > /dev/null'], { timeout: 10_000 });
      expect(got!.body.equals(execFileSync('cat', [file]))).toBe(true);
      const sigLine = r.stdout.match(/^svix-signature: (.*)$/m)![1];
      expect(got!.headers['svix-signature']).toBe(sigLine);
      expect(got!.headers['accept']).toBeUndefined();
    } finally {
      await srv.close();
    }
  });
});
