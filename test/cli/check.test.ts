import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { cli } from '../helpers/cli.js';
import { startExample, type Running } from '../helpers/receivers.js';
import { svixV1 } from '../../mock-provider/signing/svix-v1.js';
import { freePort } from '../../suites/receiver-process.js';
import type { RunResults } from '../../suites/types.js';

const secret = svixV1.generateSecret();
const env = { HOOKGATE_SECRET: secret };
const open: Running[] = [];
afterAll(async () => {
  await Promise.all(open.map((r) => r.close()));
});
async function receiver(file: string): Promise<Running> {
  const r = await startExample(file, secret, '/webhook');
  open.push(r);
  return r;
}
const tmp = () => mkdtempSync(join(tmpdir(), 'hg-check-'));

describe('hookgate check', () => {
  it('exit 0 on a correct receiver; writes results.json in SPEC shape and a junit.xml that parses', async () => {
    const r = await receiver('svix-correct.mjs');
    const cwd = tmp();
    const run = await cli(['check', '--provider', 'optipick', '--url', r.url, '--runs', '10', '--seed', '5'], { env, cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^PASS/);
    expect(run.stderr).toMatch(/seed 5/);
    const results = JSON.parse(readFileSync(join(cwd, 'hookgate-report/results.json'), 'utf8')) as RunResults;
    expect(Object.keys(results)).toEqual(['schemaVersion', 'tool', 'provider', 'target', 'startedAt', 'durationMs', 'seed', 'interrupted', 'latency', 'summary', 'checks', 'invocation']);
    expect(results.latency).toMatchObject({ answered: expect.any(Number), p50Ms: expect.any(Number), p99Ms: expect.any(Number), maxMs: expect.any(Number) });
    expect(results.invocation).toEqual({ url: r.url, out: './hookgate-report' });
    expect(results).toMatchObject({ schemaVersion: 1, tool: { name: 'hookgate' }, provider: 'optipick', seed: 5, interrupted: false, summary: { verdict: 'pass', failed: 0 } });
    expect(results.checks.map((c) => c.id)).toContain('signature.raw-body');
    const xml = readFileSync(join(cwd, 'hookgate-report/junit.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml);
    expect(doc.testsuites.testsuite.testcase).toHaveLength(results.checks.length);
    expect(run.stdout + run.stderr + readFileSync(join(cwd, 'hookgate-report/results.json'), 'utf8') + xml).not.toContain(secret);
  });

  it('exit 1 on a flawed receiver, with evidence that `hookgate replay` re-sends re-signed', async () => {
    const r = await receiver('svix-stringify.mjs');
    const cwd = tmp();
    const run = await cli(['check', '--provider', 'dimmy', '--url', r.url, '--runs', '10', '--only', 'signature.raw-body'], { env, cwd });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAIL/);
    expect(run.stdout).toMatch(/signature\.raw-body: refused/);
    const results = JSON.parse(readFileSync(join(cwd, 'hookgate-report/results.json'), 'utf8')) as RunResults;
    const check = results.checks[0];
    expect(check.counterexample?.seed).toBe(results.seed);
    expect(check.evidence[0].recipe.variant).toBe('raw-body');
    const xml = readFileSync(join(cwd, 'hookgate-report/junit.xml'), 'utf8');
    expect(xml).toMatch(/<failure/);
    // The reference as typed from where check ran (--out as given), so the line runs from there as it is.
    expect(xml).toContain('hookgate replay hookgate-report/results.json#signature.raw-body/1');
    // Replaying the failing request still fails (exit 1); against the fixed receiver it passes (exit 0).
    const again = await cli(['replay', 'hookgate-report/results.json#signature.raw-body/1'], { env, cwd });
    expect(again.code).toBe(1);
    const fixed = await receiver('svix-correct.mjs');
    const ok = await cli(['replay', 'hookgate-report/results.json#signature.raw-body', '--url', fixed.url], { env, cwd });
    expect(ok.stdout).toMatch(/HTTP 200/);
    expect(ok.code).toBe(0);
  });

  it('--only/--skip take prefixes; an unknown id is exit 2 with a suggestion', async () => {
    const r = await receiver('svix-correct.mjs');
    const cwd = tmp();
    const run = await cli(['check', '--provider', 'optipick', '--url', r.url, '--only', 'signature.', '--skip', 'signature.raw-body,signature.tampered-body'], { env, cwd });
    expect(run.code).toBe(0);
    const ids = (JSON.parse(readFileSync(join(cwd, 'hookgate-report/results.json'), 'utf8')) as RunResults).checks.map((c) => c.id);
    expect(ids).not.toContain('signature.raw-body');
    expect(ids).toContain('signature.valid');
    const bad = await cli(['check', '--provider', 'optipick', '--url', r.url, '--only', 'signature.raw-bdy'], { env, cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/did you mean "signature\.raw-body"/);
  });

  it('exit 3 when the receiver is unreachable; exit 2 without a secret', async () => {
    const port = await freePort();
    const run = await cli(['check', '--provider', 'optipick', '--url', `http://127.0.0.1:${port}/webhook`], { env, cwd: tmp() });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^error: cannot reach/m);
    const nosecret = await cli(['check', '--provider', 'optipick', '--url', `http://127.0.0.1:${port}/webhook`], { cwd: tmp() });
    expect(nosecret.code).toBe(2);
    expect(nosecret.stderr).toMatch(/HOOKGATE_SECRET/);
  });

  it('--start runs the receiver with PORT and HOOKGATE_SECRET, stops it, and keeps its output for the report', async () => {
    const cwd = tmp();
    const file = resolve(import.meta.dirname, '../../examples/receivers/svix-correct.mjs');
    const run = await cli(['check', '--provider', 'optipick', '--url', 'http://127.0.0.1:0/webhook', '--start', `node ${file}`, '--runs', '5'], { cwd });
    expect(run.code).toBe(0);
    const results = JSON.parse(readFileSync(join(cwd, 'hookgate-report/results.json'), 'utf8')) as RunResults & { receiverLog: { stdout: string } };
    expect(results.receiverLog.stdout).toMatch(/listening on/);
    // The generated secret is shown once, on stderr, and never written to a report.
    const generated = run.stderr.match(/whsec_[A-Za-z0-9+/=]+/)![0];
    expect(readFileSync(join(cwd, 'hookgate-report/results.json'), 'utf8')).not.toContain(generated);
  });

  it('--start: port 0 in --effects-url and --ready-url is the port picked for --url, so dedup checks are judged', async () => {
    const cwd = tmp();
    const file = resolve(import.meta.dirname, '../../examples/receivers/omnisales-correct.mjs');
    const run = await cli(
      ['check', '--provider', 'omnisales', '--url', 'http://127.0.0.1:0/webhooks/omni', '--start', `node ${file}`,
        '--effects-url', 'http://127.0.0.1:0/_effects', '--ready-url', 'http://127.0.0.1:0/_effects',
        '--only', 'dedup.redelivery,dedup.distinct-events', '--settle-ms', '100', '--runs', '3'],
      { cwd },
    );
    expect(run.stderr).not.toMatch(/not observable/);
    expect(run.code).toBe(0);
    const results = JSON.parse(readFileSync(join(cwd, 'hookgate-report/results.json'), 'utf8')) as RunResults;
    expect(results.checks.map((c) => [c.id, c.status])).toEqual([['dedup.redelivery', 'pass'], ['dedup.distinct-events', 'pass']]);
    // Port 0 stands for the receiver's port only on --url's host.
    const other = await cli(['check', '--provider', 'omnisales', '--url', 'http://127.0.0.1:0/webhooks/omni', '--start', `node ${file}`, '--effects-url', 'http://localhost:0/_effects'], { cwd: tmp() });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/^error: --effects-url .* port 0 on another host/m);
  });

  it('--start with a command that never gets ready: one clear error naming the command', async () => {
    const run = await cli(['check', '--provider', 'optipick', '--url', 'http://127.0.0.1:0/webhook', '--start', 'sleep 30', '--ready-timeout', '1'], { cwd: tmp() });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^error: .*sleep 30/m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('an unwritable --out is exit 2 before anything is sent', async () => {
    // A path under a regular file can never be a folder (root can write anywhere else).
    const cwd = tmp();
    writeFileSync(join(cwd, 'taken'), 'x');
    const run = await cli(['check', '--provider', 'optipick', '--url', 'http://127.0.0.1:9/webhook', '--out', 'taken/report'], { env, cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot write reports/);
    expect(existsSync(join(cwd, 'taken/report'))).toBe(false);
  });
});

describe('hookgate check interrupted', () => {
  it('Ctrl-C: exit 130, partial results written with "interrupted": true and never a pass', { timeout: 30_000 }, async () => {
    const { spawn } = await import('node:child_process');
    const cwd = tmp();
    const bin = resolve(import.meta.dirname, '../../dist/cli/main.js');
    const slow = resolve(import.meta.dirname, '../../examples/receivers/svix-slow.mjs');
    const child = spawn(process.execPath, [bin, 'check', '--provider', 'optipick', '--url', 'http://127.0.0.1:0/webhook', '--start', `node ${slow}`], {
      cwd,
      env: { ...process.env, SLOW_MS: '400' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
      // Interrupt once checks are under way.
      if (/\[\s*1\/\d+\]/.test(err) && child.exitCode === null && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(130);
    const results = JSON.parse(readFileSync(join(cwd, 'hookgate-report/results.json'), 'utf8')) as RunResults;
    expect(results.interrupted).toBe(true);
    expect(results.summary.verdict).toBe('fail');
    expect(results.checks.some((c) => c.message.startsWith('interrupted'))).toBe(true);
  });
});

describe('hookgate check --strict', () => {
  it('a MUST check that is skip fails the gate only with --strict', async () => {
    const omniSecret = 'whsec_' + 'ab12'.repeat(12);
    const r = await startExample('omnisales-no-dedup-no-effects.mjs', omniSecret, '/webhooks/omni');
    open.push(r);
    const args = ['check', '--provider', 'omnisales', '--url', r.url, '--only', 'dedup.redelivery,signature.valid', '--settle-ms', '100'];
    const lax = await cli(args, { env: { HOOKGATE_SECRET: omniSecret }, cwd: tmp() });
    expect(lax.code).toBe(0);
    expect(lax.stderr).toMatch(/SKIP .*not observable/);
    const strict = await cli([...args, '--strict'], { env: { HOOKGATE_SECRET: omniSecret }, cwd: tmp() });
    expect(strict.code).toBe(1);
  });

  it('fails when the only MUST check selected could not be judged, even without --strict', async () => {
    const omniSecret = 'whsec_' + 'ab12'.repeat(12);
    const r = await startExample('omnisales-no-dedup-no-effects.mjs', omniSecret, '/webhooks/omni');
    open.push(r);
    const dir = tmp();
    const res = await cli(['check', '--provider', 'omnisales', '--url', r.url, '--only', 'dedup.redelivery', '--settle-ms', '100'], { env: { HOOKGATE_SECRET: omniSecret }, cwd: dir });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('(1 check, 50 runs each,');
    const results = JSON.parse(readFileSync(join(dir, 'hookgate-report', 'results.json'), 'utf8'));
    expect(results.summary.verdictReason).toMatch(/none of the 1 applicable MUST check could be judged/);
    expect(results.checks[0]).toMatchObject({ status: 'skip', skipKind: 'not-observable', countsAgainstVerdict: true });
  });

  it('exits 2 when every selected check is not applicable', async () => {
    const omniSecret = 'whsec_' + 'ab12'.repeat(12);
    const r = await startExample('omnisales-no-dedup-no-effects.mjs', omniSecret, '/webhooks/omni');
    open.push(r);
    const res = await cli(['check', '--provider', 'omnisales', '--url', r.url, '--only', 'signature.multiple-signatures'], { env: { HOOKGATE_SECRET: omniSecret }, cwd: tmp() });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('nothing to check');
  });
});

describe('what could not be judged is loud', () => {
  it('says "deduplication not verified" in plain words with the fix, in the terminal and summary.md; --strict names the skipped MUST checks', async () => {
    const omniSecret = 'whsec_' + 'ab12'.repeat(12);
    const r = await startExample('omnisales-no-dedup-no-effects.mjs', omniSecret, '/webhooks/omni');
    open.push(r);
    const dir = tmp();
    const args = ['check', '--provider', 'omnisales', '--url', r.url, '--only', 'signature.valid,dedup.', '--settle-ms', '100'];
    const lax = await cli(args, { env: { HOOKGATE_SECRET: omniSecret }, cwd: dir });
    expect(lax.code).toBe(0);
    expect(lax.stdout).toContain('deduplication not verified: hookgate cannot see whether your receiver processes a message (dedup.redelivery, dedup.distinct-events skipped). Fix: add a 5-line test hook and pass --effects-url');
    expect(readFileSync(join(dir, 'hookgate-report', 'summary.md'), 'utf8')).toContain('> deduplication not verified');
    const strict = await cli([...args, '--strict'], { env: { HOOKGATE_SECRET: omniSecret }, cwd: tmp() });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/why: 2 MUST checks skipped under --strict: dedup.redelivery, dedup.distinct-events/);
    expect(strict.stdout).toMatch(/- dedup.redelivery: skipped \(counts as failed with --strict\)/);
  });
});
