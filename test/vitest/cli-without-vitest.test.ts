import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bareImports, nodeRefusing } from '../helpers/optional-peer.js';

/*
 * vitest is an optional peer dependency of `hookgate/vitest` alone, as msw is of `hookgate/msw`
 * (test/msw/cli-without-msw.test.ts): the built bin and main entry never load it. Proven on dist/
 * by the import graph, and by running the bin and the main entry's runCheck in a Node whose module
 * resolution refuses vitest — the same hook makes `hookgate/vitest` itself fail, so the test can fail.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'dist/cli/main.js');
const HOOKS = join(import.meta.dirname, 'refuse-vitest-hooks.mjs');
const isVitest = (s: string) => s === 'vitest' || s.startsWith('vitest/') || s.startsWith('@vitest/');

const node = (args: string[], env: Record<string, string> = {}) => nodeRefusing(HOOKS, args, env);

describe('plain hookgate never loads vitest', () => {
  it('package.json: vitest is an optional peer (and a devDependency for the tests); hookgate/vitest ships with types', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, any>>;
    expect(pkg.peerDependencies.vitest).toMatch(/^\^4\./);
    expect(pkg.peerDependenciesMeta.vitest).toEqual({ optional: true });
    expect(pkg.dependencies.vitest).toBeUndefined();
    expect(pkg.devDependencies.vitest).toMatch(/^4\.\d+\.\d+$/);
    const entry = pkg.exports['./vitest'];
    expect(entry).toEqual({ types: './dist/vitest/index.d.ts', import: './dist/vitest/index.js' });
    for (const f of Object.values(entry) as string[]) expect(existsSync(join(ROOT, f)), f).toBe(true);
  });

  it('the import graphs of the built bin, main entry and hookgate/msw name no vitest; that of hookgate/vitest does', () => {
    expect(existsSync(BIN), 'run `npm run build` first').toBe(true);
    for (const entry of [BIN, join(ROOT, 'dist/index.js'), join(ROOT, 'dist/msw/index.js')]) {
      const bare = bareImports(entry);
      expect(bare.size, entry).toBeGreaterThan(0);
      expect([...bare].filter(isVitest), entry).toEqual([]);
    }
    // The check thread the entry starts is a file of its own: it must not need vitest either.
    expect([...bareImports(join(ROOT, 'dist/vitest/check-worker.js'))].filter(isVitest)).toEqual([]);
    expect([...bareImports(join(ROOT, 'dist/vitest/index.js'))]).toContain('vitest');
  });

  it('the built bin runs events and check, and the main entry runCheck, with vitest unresolvable; hookgate/vitest does not even load', { timeout: 60_000 }, async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const events = await node([BIN, 'events', '--provider', 'dimmy']);
    expect(events.code, events.err).toBe(0);
    const receiver = `"${process.execPath}" ${join(ROOT, 'examples/receivers/svix-correct.mjs')}`;
    const check = await node([BIN, 'check', '--provider', 'optipick', '--url', 'http://127.0.0.1:0/webhook', '--only', 'signature.valid', '--start', receiver, '--out', 'r'], { HOOKGATE_SECRET: secret });
    expect(check.code, check.out + check.err).toBe(0);
    expect(check.out).toMatch(/^PASS/m);
    const main = pathToFileURL(join(ROOT, 'dist/index.js')).href;
    const api = await node([
      '--input-type=module',
      '-e',
      `const { runCheck } = await import(${JSON.stringify(main)}); const run = await runCheck({ provider: 'optipick', url: 'http://127.0.0.1:0/webhook', only: ['signature.valid'], runs: 1, start: ${JSON.stringify(receiver)} }); console.log(run.results.summary.verdict)`,
    ]);
    expect(api.out.trim(), api.err).toBe('pass');
    // A load attempt throws (the runs above would not have passed); the line is a second witness.
    for (const run of [events, check, api]) expect(run.err).not.toContain('refuse-vitest');

    const entry = await node(['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist/vitest/index.js')).href)})`]);
    expect(entry.code).not.toBe(0);
    // The hook's own stderr line comes from the loader thread and may be lost at exit; the error it threw is not.
    expect(entry.err).toContain("Cannot find package 'vitest' (vitest is not installed)");
  });
});
