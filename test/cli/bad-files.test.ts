import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cli } from '../helpers/cli.js';
import { refuseSystemPath } from '../../cli/report-files.js';
import { nearest } from '../../fixtures/nearest.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const MB = 'x'.repeat(1024 * 1024);

const tmp = () => mkdtempSync(join(tmpdir(), 'hg-bad-'));

/** A user error: exit 2, one error line saying `what`, one hint line, no stack, never "a hookgate bug". */
function expectUserError(r: { code: number; stderr: string }, what: RegExp, hint: RegExp = /\S/) {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr.slice(0, 500)).toHaveLength(2);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(what);
  expect(lines[1]).toMatch(/^hint: /);
  expect(lines[1]).toMatch(hint);
  expect(r.stderr).not.toMatch(/\n\s+at |unexpected failure|hookgate bug/);
}

/** The built CLI in a child with a hard deadline: a path that hangs node's mkdir must fail the test, not hang it. */
function runBuilt(args: string[], cwd: string): Promise<{ code: number; stderr: string; ms: number }> {
  const bin = resolve(import.meta.dirname, '../../dist/cli/main.js');
  const t0 = Date.now();
  return new Promise((done) =>
    execFile(process.execPath, [bin, ...args], { cwd, env: { PATH: process.env.PATH ?? '' }, timeout: 10_000, killSignal: 'SIGKILL' }, (err, _out, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stderr: String(stderr), ms: Date.now() - t0 }),
    ),
  );
}

describe('files and errors that are not what they should be (issue 13 item 4)', () => {
  it('a hookgate.config.json that is a directory is an error, not silently ignored', async () => {
    const cwd = tmp();
    mkdirSync(join(cwd, 'hookgate.config.json'));
    expectUserError(await cli(['events', '--provider', 'optipick'], { cwd }), /hookgate\.config\.json is a directory/, /remove or rename/);
  });

  it('replay on a results file holding null, another JSON, or evidence without a request: a message and a hint', async () => {
    const cwd = tmp();
    const env = { HOOKGATE_SECRET: SECRET };
    writeFileSync(join(cwd, 'null.json'), 'null');
    expectUserError(await cli(['replay', 'null.json#signature.valid'], { cwd, env }), /null\.json is not a hookgate results\.json \(it holds null\)/, /results\.json that `hookgate check` wrote/);
    writeFileSync(join(cwd, 'array.json'), '[1, 2]');
    expectUserError(await cli(['replay', 'array.json#signature.valid'], { cwd, env }), /array\.json is not a hookgate results\.json/);
    writeFileSync(join(cwd, 'no-evidence-list.json'), JSON.stringify({ provider: 'optipick', checks: [{ id: 'signature.valid' }] }));
    expectUserError(await cli(['replay', 'no-evidence-list.json#signature.valid'], { cwd, env }), /not a hookgate results\.json/);

    const recipe = { variant: 'valid', type: 'route.optimized', messageId: 'msg_1', signedBody: Buffer.from('{}').toString('base64'), headerStyle: 'svix' };
    const results = (evidence: unknown[]) => JSON.stringify({ provider: 'optipick', checks: [{ id: 'signature.valid', evidence }] });
    writeFileSync(join(cwd, 'no-request.json'), results([{ label: 'x', expected: 'a 2xx answer', curl: '', recipe }]));
    expectUserError(await cli(['replay', 'no-request.json#signature.valid'], { cwd, env }), /evidence signature\.valid\/1 .* has no request to replay/, /rerun `hookgate check`/);
    writeFileSync(join(cwd, 'null-item.json'), results([null]));
    expectUserError(await cli(['replay', 'null-item.json#signature.valid'], { cwd, env }), /evidence signature\.valid\/1 .* has no request to replay/);
    const request = { method: 'POST', url: 'http://127.0.0.1:9/webhook', headers: {}, body: '{}', bodyBytes: 2, bodyTruncated: false };
    writeFileSync(join(cwd, 'no-recipe.json'), results([{ label: 'x', expected: 'a 2xx answer', curl: '', request }]));
    expectUserError(await cli(['replay', 'no-recipe.json#signature.valid'], { cwd, env }), /has no request to replay/);
    // The body lives in a file beside results.json that is gone.
    writeFileSync(join(cwd, 'gone-body.json'), results([{ label: 'x', expected: 'a 2xx answer', curl: '', request, recipe: { ...recipe, signedBody: '@evidence/gone.body' } }]));
    expectUserError(await cli(['replay', 'gone-body.json#signature.valid'], { cwd, env }), /cannot rebuild evidence signature\.valid\/1 from its recipe: .*ENOENT/, /evidence\/ folder/);
  });

  it('serve --host with a name that does not resolve is a user error, and no store is left behind', async () => {
    const dir = tmp();
    const store = join(dir, 'sub', 'serve.db');
    const r = await cli(['serve', '--provider', 'optipick', '--target', 'http://127.0.0.1:9/webhook', '--secret', SECRET, '--host', 'no-such-host.invalid', '--port', '0', '--store', store]);
    expectUserError(r, /--host "no-such-host\.invalid" does not resolve/, /--host 127\.0\.0\.1/);
    expect(existsSync(store)).toBe(false);
  });

  it('a 1 MB event name (or provider, command, check id, config key) is echoed cut to a readable length, quickly', async () => {
    const cwd = tmp();
    writeFileSync(join(cwd, 'hookgate.config.json'), JSON.stringify({ [MB]: 1 }));
    const runs: Array<[string, Promise<{ code: number; stderr: string }>]> = [
      ['event', cli(['send', '--provider', 'optipick', '--url', 'http://127.0.0.1:9/webhook', '--dry-run', '--event', MB])],
      ['event from the environment', cli(['send', '--provider', 'omnisales', '--url', 'http://127.0.0.1:9/webhook', '--dry-run'], { env: { HOOKGATE_EVENT: MB } })],
      ['provider', cli(['events', '--provider', MB])],
      ['command', cli([MB])],
      ['check id', cli(['check', '--provider', 'optipick', '--url', 'http://127.0.0.1:9/webhook', '--only', MB])],
      ['config key', cli(['events', '--provider', 'optipick'], { cwd })],
      ['option', cli(['send', `--${MB}`])],
    ];
    for (const [what, run] of runs) {
      const t0 = Date.now();
      const r = await run;
      expect(r.code, what).toBe(2);
      expect(r.stderr.length, `${what}: ${r.stderr.slice(0, 300)}`).toBeLessThan(1_500);
      expect(r.stderr, what).toMatch(/1048\d{3} characters/);
      expect(r.stderr, what).not.toMatch(/\n\s+at |hookgate bug/);
      expect(Date.now() - t0, what).toBeLessThan(2_000);
    }
    const event = await cli(['send', '--provider', 'optipick', '--url', 'http://127.0.0.1:9/webhook', '--dry-run', '--event', MB]);
    expect(event.stderr.split('\n')[0]).toMatch(/^error: unknown event "x{80}… \(1048576 characters\)" for OptiPick$/);
  });

  it('"did you mean" is bounded: a megabyte word gets no suggestion at once; a typo still gets one', () => {
    const t0 = Date.now();
    expect(nearest(MB, ['order.created', 'x'.repeat(1000)])).toBeUndefined();
    expect(nearest('x'.repeat(150), ['x'.repeat(151), 'order.created'])).toBe('x'.repeat(151));
    expect(nearest('order.craeted', ['payment.received.with.a.long.name', 'order.updated', 'order.created'])).toBe('order.created');
    expect(Date.now() - t0).toBeLessThan(200);
  });

  it('refuseSystemPath: /proc, /sys, /dev and links into them are refused before anything is written; ordinary paths pass', () => {
    for (const p of ['/proc/hookgate/x', '/proc', '/sys/kernel/hookgate', '/dev/hookgate']) {
      expect(() => refuseSystemPath(p, '--out', 'fix'), p).toThrow(/is under \/(proc|sys|dev), the kernel's pseudo-filesystem/);
    }
    const dir = tmp();
    symlinkSync('/proc', join(dir, 'link'));
    expect(() => refuseSystemPath(join(dir, 'link', 'reports'), '--out', 'fix')).toThrow(/really \/proc\/reports\) is under \/proc/);
    for (const p of [join(dir, 'reports'), '/tmp/hookgate-x/y', '/dev/shm/hookgate-x', '/procurement/x']) expect(() => refuseSystemPath(p, '--out', 'fix'), p).not.toThrow();
  });

  it('--out and --store under /proc (or a link to it) are exit 2 at once instead of hanging in mkdir', { timeout: 60_000 }, async () => {
    const cwd = tmp();
    symlinkSync('/proc', join(cwd, 'proc-link'));
    const target = ['--provider', 'optipick', '--url', 'http://127.0.0.1:9/webhook', '--secret', SECRET];
    for (const [args, what] of [
      [['check', ...target, '--out', '/proc/hookgate-report/x'], /--out \/proc\/hookgate-report\/x is under \/proc/],
      [['check', ...target, '--out', 'proc-link/hookgate-report'], /really \/proc\/hookgate-report\) is under \/proc/],
      [['load', ...target, '--out', '/proc/self/hookgate-load'], /--out \/proc\/self\/hookgate-load is under \/proc/],
      [['serve', '--provider', 'optipick', '--target', 'http://127.0.0.1:9/webhook', '--secret', SECRET, '--port', '0', '--store', '/proc/hookgate/serve.db'], /--store \/proc\/hookgate\/serve\.db is under \/proc/],
      [['serve', '--provider', 'optipick', '--target', 'http://127.0.0.1:9/webhook', '--secret', SECRET, '--port', '0', '--store', '/sys/hookgate/serve.db'], /--store \/sys\/hookgate\/serve\.db is under \/sys/],
    ] as const) {
      const r = await runBuilt([...args], cwd);
      expect(r.ms, `${args.join(' ')} returned in time`).toBeLessThan(5_000);
      expectUserError(r, what);
    }
  });
});
