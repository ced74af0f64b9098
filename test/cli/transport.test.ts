import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { hasOpenssl, makePki, startHttpsExample, type HttpsReceiver, type TestPki } from '../helpers/tls-receiver.js';
import { startExample, type Running } from '../helpers/receivers.js';
import { svixV1 } from '../../mock-provider/signing/svix-v1.js';
import type { RunResults } from '../../suites/types.js';
import type { LoadResults } from '../../suites/load/types.js';

/*
 * --header, --ca and --insecure on send, check and load, against a local HTTPS receiver whose
 * certificate a throwaway CA (made with openssl at test time) signed, and a receiver behind a
 * "gateway" that turns away requests without its key. Loopback only.
 */

const secret = svixV1.generateSecret();
const env = { HOOKGATE_SECRET: secret };
const GATEWAY_KEY = 'gw-key-5f1e0c9a-never-printed';
const tmp = () => mkdtempSync(join(tmpdir(), 'hg-transport-'));
const read = (cwd: string, path: string) => readFileSync(join(cwd, path), 'utf8');
const CHECKS = ['--only', 'signature.valid,signature.wrong-secret', '--runs', '3'];

let pki: TestPki;
let tlsReceiver: HttpsReceiver;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  pki = makePki();
  tlsReceiver = await startHttpsExample('svix-correct.mjs', secret, pki);
  closers.push(() => tlsReceiver.close());
});
afterAll(async () => {
  await Promise.all(closers.map((c) => c()));
});

// A developer without openssl gets skips; CI (CI=true) must have it, or a green run would prove nothing.
it.runIf(process.env.CI === 'true' && !hasOpenssl())('has openssl in CI (.ci/run installs it)', () => {
  throw new Error('openssl is missing: .ci/run must apt-get install openssl');
});

describe.skipIf(!hasOpenssl())('an HTTPS receiver with a certificate from a CA hookgate does not know', () => {
  it('without --ca or --insecure, send, check and load each say once that the certificate is not trusted (exit 3), with the fix', async () => {
    const before = tlsReceiver.passed;
    const runs = [
      await cli(['send', '--provider', 'optipick', '--event', 'route.optimized', '--url', tlsReceiver.url], { env }),
      await cli(['check', '--provider', 'optipick', '--url', tlsReceiver.url, ...CHECKS], { env, cwd: tmp() }),
      await cli(['load', '--provider', 'optipick', '--url', tlsReceiver.url, '--duration', '0.3', '--connections', '1'], { env, cwd: tmp() }),
    ];
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(3);
      expect(run.stderr).toMatch(new RegExp(`^error: cannot verify the TLS certificate of ${tlsReceiver.origin}: .*certificate`, 'm'));
      expect(run.stderr).toMatch(/^hint: pass --ca FILE .* or --insecure/m);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    // The handshake failed: no request reached the receiver.
    expect(tlsReceiver.passed).toBe(before);
  });

  it('with --ca (the CA that signed it), check passes and its results carry no insecure flag', async () => {
    const cwd = tmp();
    const run = await cli(['check', '--provider', 'optipick', '--url', tlsReceiver.url, '--ca', pki.caFile, ...CHECKS], { env, cwd });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^PASS/);
    expect(run.stderr).not.toMatch(/insecure/i);
    const results = JSON.parse(read(cwd, 'hookgate-report/results.json')) as RunResults;
    expect(results.summary.verdict).toBe('pass');
    expect(results).not.toHaveProperty('insecure');
  });

  it('with --insecure, check passes, says so loudly on stderr, and results.json records insecure: true', async () => {
    const cwd = tmp();
    const run = await cli(['check', '--provider', 'optipick', '--url', tlsReceiver.url, '--insecure', ...CHECKS], { env, cwd });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^hookgate: WARNING: --insecure: TLS certificates are NOT verified/m);
    // Said again after the verdict, where a CI log reader looks last.
    expect(run.stderr).toMatch(/WARNING: --insecure: the receiver's certificate was not verified in this run\n$/);
    const results = JSON.parse(read(cwd, 'hookgate-report/results.json')) as RunResults;
    expect(results.insecure).toBe(true);
    expect(Object.keys(results).indexOf('insecure')).toBe(Object.keys(results).indexOf('target') + 1);
  });

  it('send: --ca and --insecure both deliver (HTTP 200); only --insecure warns', async () => {
    const withCa = await cli(['send', '--provider', 'optipick', '--event', 'route.optimized', '--url', tlsReceiver.url, '--ca', pki.caFile], { env });
    expect(withCa.code, withCa.stderr).toBe(0);
    expect(withCa.stdout).toMatch(/← HTTP 200/);
    expect(withCa.stderr).not.toMatch(/WARNING/);
    const insecure = await cli(['send', '--provider', 'optipick', '--event', 'route.optimized', '--url', tlsReceiver.url, '--insecure'], { env });
    expect(insecure.code, insecure.stderr).toBe(0);
    expect(insecure.stdout).toMatch(/← HTTP 200/);
    expect(insecure.stderr).toMatch(/^hookgate: WARNING: --insecure/m);
  });

  it('load: --ca measures every request accepted; --insecure also, with insecure: true in load.json and the warning', async () => {
    const cwd = tmp();
    const withCa = await cli(['load', '--provider', 'optipick', '--url', tlsReceiver.url, '--ca', pki.caFile, '--duration', '0.4', '--connections', '2'], { env, cwd });
    expect(withCa.code, withCa.stderr).toBe(0);
    const a = JSON.parse(read(cwd, 'hookgate-load/load.json')) as LoadResults;
    expect(a.requests).toBeGreaterThan(0);
    expect(a.ok2xx).toBe(a.requests);
    expect(a).not.toHaveProperty('insecure');

    const cwd2 = tmp();
    const insecure = await cli(['load', '--provider', 'optipick', '--url', tlsReceiver.url, '--insecure', '--duration', '0.4', '--connections', '2'], { env, cwd: cwd2 });
    expect(insecure.code, insecure.stderr).toBe(0);
    expect(insecure.stderr).toMatch(/^hookgate: WARNING: --insecure/m);
    const b = JSON.parse(read(cwd2, 'hookgate-load/load.json')) as LoadResults;
    expect(b.insecure).toBe(true);
    expect(b.ok2xx).toBe(b.requests);
    expect(b.requests).toBeGreaterThan(0);
  });
});

describe('--ca FILE that is not a CA certificate', () => {
  it('missing, a directory, or not PEM: one line naming the file and the fix, exit 2, for send, check and load', async () => {
    const cwd = tmp();
    writeFileSync(join(cwd, 'notpem.txt'), 'this is not a certificate\n');
    writeFileSync(join(cwd, 'broken.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    const cases: Array<[string, RegExp]> = [
      ['missing.pem', /^error: cannot read --ca missing\.pem \(no such file\)$/m],
      ['.', /^error: cannot read --ca \. \(it is a directory\)$/m],
      ['notpem.txt', /^error: --ca notpem\.txt holds no PEM certificate/m],
      ['broken.pem', /^error: --ca broken\.pem: certificate 1 of 1 does not parse/m],
    ];
    const url = 'https://127.0.0.1:9/webhook';
    for (const [file, message] of cases) {
      for (const args of [
        ['send', '--provider', 'optipick', '--event', 'route.optimized', '--url', url],
        ['check', '--provider', 'optipick', '--url', url],
        ['load', '--provider', 'optipick', '--url', url],
      ]) {
        const run = await cli([...args, '--ca', file], { env, cwd });
        expect(run.code, `${args[0]} --ca ${file}: ${run.stderr}`).toBe(2);
        expect(run.stderr).toMatch(message);
        expect(run.stderr).toMatch(/^hint: .*PEM/m);
        expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(2);
      }
    }
  });
});

describe('--header K:V: a receiver behind a gateway that wants its key on every request', () => {
  let gated: Running;
  let seen: { turnedAway: number; passed: number };
  beforeAll(async () => {
    seen = { turnedAway: 0, passed: 0 };
    const inner = await startExample('svix-correct.mjs', secret, '/webhook');
    closers.push(() => inner.close());
    // A plain-HTTP gateway in front of the example receiver, forwarding only with the key.
    const { listen } = await import('../helpers/receivers.js');
    const { request } = await import('node:http');
    gated = await listen((req, res) => {
      if (req.headers['x-gateway-key'] !== GATEWAY_KEY) {
        seen.turnedAway++;
        res.writeHead(401).end('{"error":"gateway key"}');
        return;
      }
      seen.passed++;
      const fwd = request(inner.origin + req.url!, { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      fwd.on('error', () => res.writeHead(502).end());
      req.pipe(fwd);
    }, '/webhook');
    closers.push(() => gated.close());
  });

  it('check: without the header the gateway refuses (exit 1); with it every request passes, and the value is in no output or report', async () => {
    const without = await cli(['check', '--provider', 'optipick', '--url', gated.url, ...CHECKS], { env, cwd: tmp() });
    expect(without.code).toBe(1);

    const cwd = tmp();
    const before = seen.turnedAway;
    const run = await cli(['check', '--provider', 'optipick', '--url', gated.url, '--header', `X-Gateway-Key: ${GATEWAY_KEY}`, '--only', 'signature.', '--runs', '3'], { env, cwd });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(seen.turnedAway).toBe(before);
    expect(run.stderr).toContain('headers X-Gateway-Key (values hidden)');
    const files = ['results.json', 'summary.md', 'junit.xml', 'report.html'].map((f) => read(cwd, `hookgate-report/${f}`));
    for (const text of [run.stdout, run.stderr, ...files]) expect(text).not.toContain(GATEWAY_KEY);
  });

  it('check: a failing check\'s evidence shows the header was sent, its value masked; the curl line reads it from the environment', async () => {
    // Signed with another secret: signature.valid fails past the gateway, with evidence.
    const cwd = tmp();
    const run = await cli(['check', '--provider', 'optipick', '--url', gated.url, '--header', `X-Gateway-Key: ${GATEWAY_KEY}`, '--only', 'signature.valid', '--runs', '3'], { env: { HOOKGATE_SECRET: svixV1.generateSecret() }, cwd });
    expect(run.code).toBe(1);
    const text = read(cwd, 'hookgate-report/results.json');
    expect(text + run.stdout + run.stderr + read(cwd, 'hookgate-report/report.html')).not.toContain(GATEWAY_KEY);
    const ev = (JSON.parse(text) as RunResults).checks.flatMap((c) => c.evidence);
    expect(ev.length).toBeGreaterThan(0);
    for (const e of ev) {
      expect(e.request.headers['X-Gateway-Key']).toBe('***');
      expect(e.curl).toContain('"$HOOKGATE_HEADER_1"');
      expect(e.response?.status).not.toBe(401);
    }
  });

  it('send delivers through the gateway with --header; --dry-run masks it', async () => {
    const run = await cli(['send', '--provider', 'optipick', '--event', 'route.optimized', '--url', gated.url, '--header', `X-Gateway-Key: ${GATEWAY_KEY}`], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/← HTTP 200/);
    const dry = await cli(['send', '--provider', 'optipick', '--event', 'route.optimized', '--url', gated.url, '--header', `X-Gateway-Key: ${GATEWAY_KEY}`, '--dry-run'], { env });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('X-Gateway-Key: ***');
    expect(dry.stdout + dry.stderr + run.stdout + run.stderr).not.toContain(GATEWAY_KEY);
  });

  it('load sends it on every request (the gateway turns none away)', async () => {
    const before = { ...seen };
    const cwd = tmp();
    const run = await cli(['load', '--provider', 'optipick', '--url', gated.url, '--header', `X-Gateway-Key: ${GATEWAY_KEY}`, '--duration', '0.3', '--connections', '1'], { env, cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(seen.turnedAway).toBe(before.turnedAway);
    expect(seen.passed).toBeGreaterThan(before.passed);
    expect(read(cwd, 'hookgate-load/load.json')).not.toContain(GATEWAY_KEY);
  });

  it('a header hookgate frames the request with is refused by name, its value never quoted', async () => {
    for (const cmd of [['send', '--event', 'route.optimized'], ['check'], ['load']]) {
      const run = await cli([cmd[0], '--provider', 'optipick', ...cmd.slice(1), '--url', gated.url, '--header', `Content-Length: ${GATEWAY_KEY}`], { env, cwd: tmp() });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^error: --header Content-Length cannot be set/m);
      expect(run.stderr).not.toContain(GATEWAY_KEY);
    }
  });
});
