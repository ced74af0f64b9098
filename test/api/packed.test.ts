import { describe, it, expect, beforeAll } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/*
 * The library as a user gets it: `npm pack`, install the tarball into an empty project, and
 * `import { runCheck, runLoad } from 'hookgate'` there (test/api/consumer.mjs), against the bundled
 * example receivers. Needs the built dist/ (`npm run build`), as the other packed-CLI tests do.
 */

const root = resolve(import.meta.dirname, '../..');
const receivers = join(root, 'examples/receivers');
let app: string;

beforeAll(() => {
  if (!existsSync(join(root, 'dist/index.js'))) throw new Error('dist/index.js is missing: run `npm run build` first');
  const packDir = mkdtempSync(join(tmpdir(), 'hg-apipack-'));
  // --ignore-scripts: pack the dist/ just built instead of rebuilding it under other tests' feet.
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [{ filename }] = JSON.parse(out.slice(out.indexOf('['))) as [{ filename: string }];
  app = mkdtempSync(join(tmpdir(), 'hg-apiapp-'));
  writeFileSync(join(app, 'package.json'), '{"name":"hg-api-consumer","private":true,"type":"module"}');
  // --ignore-scripts: better-sqlite3 (serve only) would compile from source; the API must not need it.
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--omit=dev', '--ignore-scripts', join(packDir, filename)], { cwd: app, stdio: 'pipe' });
  copyFileSync(join(import.meta.dirname, 'consumer.mjs'), join(app, 'consumer.mjs'));
}, 240_000);

/** Runs the consumer script in the installed project; it must end by itself (nothing left open) within `ms`. */
function consumer(mode: string, ms = 60_000): Promise<Record<string, any>> {
  return new Promise((done, fail) => {
    execFile(process.execPath, ['consumer.mjs', mode, receivers], { cwd: app, timeout: ms, env: { PATH: process.env.PATH ?? '' } }, (err, stdout, stderr) => {
      if (err) return fail(new Error(`consumer ${mode} failed (${err.code ?? err.signal}): ${stderr}`));
      done({ ...JSON.parse(stdout), stderr });
    });
  });
}

describe("import { runCheck, runLoad } from 'hookgate' (the packed tarball, installed)", () => {
  it('the package exports its entry with types, and keeps the bin', () => {
    const pkg = JSON.parse(readFileSync(join(app, 'node_modules/hookgate/package.json'), 'utf8')) as { exports: Record<string, { types: string; import: string }>; bin: Record<string, string> };
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
    expect(existsSync(join(app, 'node_modules/hookgate/dist/index.d.ts'))).toBe(true);
    expect(existsSync(join(app, 'node_modules/.bin/hookgate'))).toBe(true);
  });

  it('two runs in one process: a started receiver (generated secret) and a running one pass; progress events for every check; the receiver is stopped; nothing printed', { timeout: 90_000 }, async () => {
    const r = await consumer('check');
    expect(r.stderr).toBe('');
    expect(r.a.verdict).toBe('pass');
    expect(r.a.provider).toBe('optipick');
    expect(r.a.generatedSecret).toMatch(/^whsec_[A-Za-z0-9+/=]{20,}$/);
    expect(r.a.runStarted).toMatchObject({ type: 'run-started', provider: 'optipick', runs: 5, seed: 11, generatedSecret: r.a.generatedSecret });
    expect(r.a.receiverLog).toBe(true);
    expect(r.a.receiverAliveAfter).toBe(false);
    // run-started first; every check started once and finished once, with the status the results carry.
    expect(r.a.eventTypes[0]).toBe('run-started');
    expect(r.a.eventTypes).toEqual(expect.arrayContaining(['api-started', 'receiver-started']));
    const ids = (r.a.checks as [string, string][]).map(([id]) => id);
    expect([...r.a.started].sort()).toEqual([...ids].sort());
    const finished = r.a.finished as [string, string, number, number][];
    expect(finished.map(([, , done]) => done)).toEqual(ids.map((_, i) => i + 1));
    expect(finished.every(([, , , total]) => total === ids.length)).toBe(true);
    expect(Object.fromEntries(finished.map(([id, status]) => [id, status]))).toEqual(Object.fromEntries(r.a.checks));
    expect(r.b).toEqual({ verdict: 'pass', provider: 'dimmy', hasGeneratedSecret: false, checks: expect.any(Number) });
    expect(r.b.checks).toBeGreaterThan(3);
  });

  it('abort mid-run: not a pass, the checks not finished are interrupted skips, the receiver is stopped and the process ends', { timeout: 60_000 }, async () => {
    const r = await consumer('abort');
    expect(r.interrupted).toBe(true);
    expect(r.verdict).toBe('fail');
    const statuses = r.statuses as [string, string, string | null][];
    const interrupted = statuses.filter(([, s, kind]) => s === 'skip' && kind === 'interrupted');
    expect(interrupted.length).toBeGreaterThan(statuses.length / 2);
    expect(statuses.filter(([, s]) => s === 'pass').length).toBeLessThan(statuses.length);
    expect(r.receiverAliveAfter).toBe(false);
  });

  // Open model at a modest rate: the receiver shares the generator's thread here, so a closed model would
  // measure that thread's saturation (an invalid run) rather than the API.
  it('runLoad returns the load.json object and its verdict, with a tick event per second', { timeout: 60_000 }, async () => {
    const r = await consumer('load');
    expect(r.requests).toBeGreaterThan(0);
    expect(r.ok2xx).toBe(r.requests);
    expect(r.thresholds).toEqual([['errors<1%', true]]);
    expect(r.verdict, r.reason).toBe('pass');
    expect(r.ticks).toBeGreaterThanOrEqual(1);
  });

  it('bad input rejects with a HookgateError carrying code, hint and exit code; never prints', { timeout: 30_000 }, async () => {
    const r = await consumer('bad');
    expect(r.stderr).toBe('');
    const codes = (r.errors as Array<{ isHookgateError: boolean; code: string; exitCode: number; hint: string } | null>).map((e) => e && [e.isHookgateError, e.code, e.exitCode, e.hint.length > 0]);
    expect(codes).toEqual([
      [true, 'UNKNOWN_PROVIDER', 2, true],
      [true, 'BAD_URL', 2, true],
      [true, 'BAD_OPTION', 2, true],
      [true, 'BAD_SECRET', 2, true],
      [true, 'BAD_CA', 2, true],
    ]);
  });

  it('a TypeScript consumer type-checks against the packed declarations (and misuse does not)', { timeout: 60_000 }, () => {
    copyFileSync(join(import.meta.dirname, 'consumer-types.ts'), join(app, 'consumer-types.ts'));
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [join(root, 'node_modules/@types')] },
        files: ['consumer-types.ts'],
      }),
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      output = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(output).toBe('');
  });
});
