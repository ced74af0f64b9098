import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bareImports, nodeRefusing } from '../helpers/optional-peer.js';

/*
 * msw is an optional peer dependency of `hookgate/msw` alone: a CLI user installs it never, so the
 * CLI must never load it. Proven twice on the built dist/: the import graph from the bin (static
 * and literal dynamic imports) names no msw, and the bin runs real commands in a Node whose module
 * resolution refuses msw — the same hook makes `hookgate/msw` itself fail, so the test can fail.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'dist/cli/main.js');
const HOOKS = join(import.meta.dirname, 'refuse-msw-hooks.mjs');

const node = (args: string[], env: Record<string, string> = {}) => nodeRefusing(HOOKS, args, env);

describe('plain hookgate never loads msw', () => {
  it('package.json: msw is an optional peer (and a devDependency for the tests); hookgate/msw ships with types', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, any>>;
    expect(pkg.peerDependencies.msw).toMatch(/^\^2\./);
    expect(pkg.peerDependenciesMeta.msw).toEqual({ optional: true });
    expect(pkg.dependencies.msw).toBeUndefined();
    expect(pkg.devDependencies.msw).toMatch(/^2\.\d+\.\d+$/);
    const entry = pkg.exports['./msw'];
    expect(entry).toEqual({ types: './dist/msw/index.d.ts', import: './dist/msw/index.js' });
    for (const f of Object.values(entry) as string[]) expect(existsSync(join(ROOT, f)), f).toBe(true);
  });

  it('the import graphs of the built bin and main entry name no msw; that of hookgate/msw does', () => {
    expect(existsSync(BIN), 'run `npm run build` first').toBe(true);
    const cli = bareImports(BIN);
    expect(cli.size).toBeGreaterThan(3);
    expect([...cli].filter((s) => s === 'msw' || s.startsWith('msw/'))).toEqual([]);
    // The main entry (package.json exports "."), when the build has it.
    const main = join(ROOT, 'dist/index.js');
    if (existsSync(main)) expect([...bareImports(main)].filter((s) => s === 'msw' || s.startsWith('msw/'))).toEqual([]);
    expect([...bareImports(join(ROOT, 'dist/msw/index.js'))]).toContain('msw');
  });

  it('the built bin runs events, send --dry-run and check with msw unresolvable; hookgate/msw does not even load', { timeout: 60_000 }, async () => {
    const events = await node([BIN, 'events', '--provider', 'optipick']);
    expect(events.code, events.err).toBe(0);
    expect(events.out).toMatch(/route\.optimized/);
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const send = await node([BIN, 'send', '--provider', 'dimmy', '--event', 'items.scanned', '--url', 'http://127.0.0.1:9/webhook', '--dry-run'], { HOOKGATE_SECRET: secret });
    expect(send.code, send.err).toBe(0);
    const check = await node(
      [BIN, 'check', '--provider', 'optipick', '--url', 'http://127.0.0.1:0/webhook', '--only', 'signature.valid', '--start', `"${process.execPath}" ${join(ROOT, 'examples/receivers/svix-fetchback-correct.mjs')}`, '--out', 'r'],
      { HOOKGATE_SECRET: secret },
    );
    expect(check.code, check.out + check.err).toBe(0);
    expect(check.out).toMatch(/^PASS/m);
    for (const run of [events, send, check]) expect(run.err).not.toContain('refuse-msw');

    const entry = await node(['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist/msw/index.js')).href)})`]);
    expect(entry.code).not.toBe(0);
    // The hook's own stderr line comes from the loader thread and may be lost at exit; the error it threw is not.
    expect(entry.err).toContain("Cannot find package 'msw' (msw is not installed)");
  });
});
