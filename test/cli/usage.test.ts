import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';

/** Exactly one error line and one hint line on stderr, nothing on stdout. */
function errorAndHint(r: { stdout: string; stderr: string }): { error: string; hint: string } {
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(2);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[1]).toMatch(/^hint: /);
  expect(r.stdout).toBe('');
  return { error: lines[0], hint: lines[1] };
}

describe('mistyped commands and options', () => {
  it('a mistyped command suggests the command, not `--help` of the mistyped one', async () => {
    for (const argv of [['chek'], ['chek', '--provider', 'optipick'], ['chek', '--help'], ['help', 'chek'], ['--debug', 'chek']]) {
      const r = await cli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      const { error, hint } = errorAndHint(r);
      expect(error).toBe("error: unknown command 'chek'");
      expect(hint).toMatch(/did you mean `hookgate check`\?/);
      expect(hint).not.toContain('chek');
    }
    const far = errorAndHint(await cli(['xyzzy']));
    expect(far.hint).toMatch(/events, send, check, replay, serve/);
  });

  it('bare `hookgate` prints the help to stderr and exits 2', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Usage: hookgate/);
    expect(r.stderr).toMatch(/check/);
    // Asking for help is not an error.
    for (const argv of [['--help'], ['help'], ['help', 'check'], ['check', '--help']]) {
      const ok = await cli(argv);
      expect(ok.code, argv.join(' ')).toBe(0);
      expect(ok.stdout).toMatch(/^Usage: hookgate/);
    }
  });

  it("an unknown option keeps commander's suggestion, folded into the one hint line", async () => {
    const r = await cli(['check', '--provder', 'optipick']);
    expect(r.code).toBe(2);
    const { error, hint } = errorAndHint(r);
    expect(error).toBe("error: unknown option '--provder'");
    expect(hint).toMatch(/^hint: did you mean --provider\? .*`hookgate check --help`/);
    const none = errorAndHint(await cli(['events', '--bogus']));
    expect(none.hint).toMatch(/`hookgate events --help`/);
    const root = await cli(['--bogus']);
    expect(root.code).toBe(2);
    expect(errorAndHint(root).error).toBe("error: unknown option '--bogus'");
  });

  it('other commander errors (missing value, missing argument, extra argument) are one error and one hint', async () => {
    for (const [argv, what] of [
      [['send', '--timeout'], /'--timeout <seconds>' argument missing/],
      [['replay'], /missing required argument 'ref'/],
      [['check', 'extra'], /too many arguments for 'check'/],
    ] as const) {
      const r = await cli([...argv]);
      expect(r.code, argv.join(' ')).toBe(2);
      const { error, hint } = errorAndHint(r);
      expect(error).toMatch(what);
      expect(hint).toContain(`\`hookgate ${argv[0]} --help\``);
    }
  });
});

describe('hints say more than the flag name', () => {
  it('a bad option value gets an example of a good one where it came from: flag, environment, config file', async () => {
    const flag = errorAndHint(await cli(['check', '--provider', 'optipick', '--url', 'http://127.0.0.1:9/', '--runs', '0']));
    expect(flag.error).toBe('error: --runs must be an integer from 1 to 10000 (property-based runs per check)');
    expect(flag.hint).toBe('hint: e.g. --runs 50');
    const env = errorAndHint(await cli(['check', '--provider', 'optipick', '--url', 'http://127.0.0.1:9/'], { env: { HOOKGATE_SETTLE_MS: 'soon' } }));
    expect(env.hint).toBe('hint: set it like HOOKGATE_SETTLE_MS=500, or unset it');
    const cwd = mkdtempSync(join(tmpdir(), 'hg-usage-'));
    writeFileSync(join(cwd, 'hookgate.config.json'), '{"headerStyle": "fancy"}');
    const config = errorAndHint(await cli(['send', '--provider', 'optipick'], { cwd }));
    expect(config.hint).toBe('hint: write it like "headerStyle": "svix" (one of: svix, standard) in ./hookgate.config.json, or remove it');
  });

  it('no hint in the CLI is only "fix/pass --flag"', async () => {
    const runs = [
      await cli(['check', '--provider', 'optipick', '--url', 'http://127.0.0.1:9/', '--concurrency', 'x']),
      await cli(['serve', '--provider', 'optipick', '--target', 'http://127.0.0.1:9/', '--jitter', '2']),
      await cli(['send', '--provider', 'optipick', '--timeout', '-1']),
    ];
    for (const r of runs) {
      expect(r.code).toBe(2);
      expect(errorAndHint(r).hint).not.toMatch(/^hint: (fix|pass|use|set) (--[a-z-]+|HOOKGATE_[A-Z_]+)$/);
    }
  });
});
