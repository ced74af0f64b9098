import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { CHECK_OPTIONS, EVENTS_OPTIONS, LOAD_OPTIONS, MERGE_OPTIONS, REPLAY_OPTIONS, SEND_OPTIONS, SERVE_OPTIONS } from '../../cli/option-specs.js';
import type { OptSpec } from '../../cli/options.js';

/**
 * Every numeric option of every command, with a value just past its top (or the one issue 13 reported)
 * and one below its bottom. Each also gets NaN, Infinity and an empty value.
 */
const TABLE: Array<{ command: string; flag: string; min: number; max: number; above: string; below: string }> = [
  { command: 'send', flag: '--timeout', min: 1, max: 86_400, above: '3000000', below: '0' },
  { command: 'send', flag: '--count', min: 1, max: 10_000, above: '10001', below: '0' },
  { command: 'check', flag: '--max-rate', min: 0.01, max: 100_000, above: '100001', below: '0' },
  { command: 'check', flag: '--target-concurrency', min: 1, max: 256, above: '257', below: '0' },
  { command: 'check', flag: '--target-timeout', min: 1, max: 86_400, above: '86401', below: '0' },
  { command: 'check', flag: '--seed', min: 0, max: 2 ** 31 - 1, above: '2147483648', below: '-1' },
  { command: 'check', flag: '--runs', min: 1, max: 10_000, above: '1000000000', below: '0' },
  { command: 'check', flag: '--ready-timeout', min: 1, max: 86_400, above: '86401', below: '0' },
  { command: 'check', flag: '--large-size', min: 1, max: 256 * 1024 * 1024, above: '100000000000', below: '0' },
  { command: 'check', flag: '--concurrency', min: 1, max: 64, above: '65', below: '0' },
  { command: 'check', flag: '--api-port', min: 0, max: 65_535, above: '65536', below: '-1' },
  { command: 'check', flag: '--settle-ms', min: 0, max: 60_000, above: '60001', below: '-1' },
  { command: 'check', flag: '--timeout', min: 0.001, max: 86_400, above: '3000000', below: '0' },
  { command: 'serve', flag: '--port', min: 0, max: 65_535, above: '65536', below: '-1' },
  { command: 'serve', flag: '--time-scale', min: 0.000001, max: 1_000_000, above: '1e300', below: '0' },
  { command: 'serve', flag: '--jitter', min: 0, max: 1, above: '1.5', below: '-0.1' },
  { command: 'serve', flag: '--timeout', min: 1, max: 86_400, above: '3000000', below: '0' },
  { command: 'serve', flag: '--max-attempts', min: 1, max: 100, above: '101', below: '0' },
  { command: 'load', flag: '--duration', min: 0.1, max: 86_400, above: '86401', below: '0' },
  { command: 'load', flag: '--warmup', min: 0, max: 3_600, above: '3601', below: '-1' },
  { command: 'load', flag: '--connections', min: 1, max: 10_000, above: '10001', below: '0' },
  { command: 'load', flag: '--rate', min: 0.1, max: 1_000_000, above: '1000001', below: '0' },
  { command: 'load', flag: '--max-inflight', min: 1, max: 100_000, above: '100001', below: '0' },
  { command: 'load', flag: '--duplicates', min: 0, max: 1, above: '1.01', below: '-0.5' },
  { command: 'load', flag: '--large', min: 0, max: 1, above: '2', below: '-1' },
  { command: 'load', flag: '--large-size', min: 1, max: 256 * 1024 * 1024, above: '100000000000', below: '0' },
  { command: 'load', flag: '--settle-ms', min: 0, max: 60_000, above: '60001', below: '-1' },
  { command: 'load', flag: '--seed', min: 0, max: 2 ** 31 - 1, above: '2147483648', below: '-1' },
  { command: 'load', flag: '--workers', min: 1, max: 64, above: '65', below: '0' },
  { command: 'load', flag: '--timeout', min: 0.001, max: 86_400, above: '3000000', below: '0' },
  { command: 'load', flag: '--start-rate', min: 0.1, max: 1_000_000, above: '1000001', below: '0.01' },
  { command: 'load', flag: '--step-duration', min: 0.1, max: 3_600, above: '3601', below: '0' },
];

const SPECS: Record<string, OptSpec[]> = { events: EVENTS_OPTIONS, send: SEND_OPTIONS, check: CHECK_OPTIONS, serve: SERVE_OPTIONS, load: LOAD_OPTIONS, merge: MERGE_OPTIONS, replay: REPLAY_OPTIONS };
const flagOf = (key: string) => '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
const NUMERIC = Object.entries(SPECS).flatMap(([command, specs]) => specs.filter((s) => s.type === 'int' || s.type === 'number').map((s) => ({ command, s })));
/** The rows whose option exists (a row may be written ahead of the option it covers). */
const PRESENT = TABLE.filter((t) => NUMERIC.some(({ command, s }) => command === t.command && flagOf(s.key) === t.flag));
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Exactly one error line naming the option and its range, one hint line with a value inside it, no stack. */
function expectRangeError(r: { code: number; stdout: string; stderr: string }, row: (typeof TABLE)[number], where: string) {
  const label = `${row.command} ${row.flag} ${where}`;
  expect(r.code, label).toBe(2);
  expect(r.stdout, label).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, label).toHaveLength(2);
  expect(lines[0], label).toMatch(new RegExp(`^error: ${esc(where.startsWith('HOOKGATE_') || where.startsWith('"') ? where : row.flag)} must be (an integer|a number) from ${esc(String(row.min))} to ${esc(String(row.max))}\\b`));
  expect(lines[1], label).toMatch(/^hint: /);
  expect(r.stderr, label).not.toMatch(/\n\s+at |unexpected failure|hookgate bug/);
}

describe('every numeric option has a documented range (issue 13 item 3)', () => {
  it('the table covers every numeric option of every command, and each spec has a min and a max', () => {
    for (const { command, s } of NUMERIC) {
      const row = TABLE.find((t) => t.command === command && t.flag === flagOf(s.key));
      expect(row, `${command} ${flagOf(s.key)} is in the table`).toBeDefined();
      expect([s.min, s.max], `${command} ${flagOf(s.key)}`).toEqual([row!.min, row!.max]);
    }
    expect(PRESENT).toHaveLength(NUMERIC.length);
  });

  for (const row of PRESENT) {
    it(`${row.command} ${row.flag}: ${row.above}, ${row.below}, NaN, Infinity and empty are exit 2 with one error and one hint`, async () => {
      for (const value of [row.above, row.below, 'NaN', 'Infinity', '-Infinity', '']) {
        const r = await cli([row.command, `${row.flag}=${value}`]);
        expectRangeError(r, row, row.flag);
      }
      // The example in the hint is itself a value the option accepts.
      const hint = (await cli([row.command, `${row.flag}=${row.above}`])).stderr.split('\n')[1];
      const example = Number(/e\.g\. \S+ (\S+)/.exec(hint)?.[1]);
      expect(example >= row.min && example <= row.max, `${hint} is within ${row.min}..${row.max}`).toBe(true);
    });
  }

  it('the limits hold for values from the environment and from hookgate.config.json too', async () => {
    const row = (command: string, flag: string) => TABLE.find((t) => t.command === command && t.flag === flag)!;
    const env = await cli(['serve'], { env: { HOOKGATE_TIME_SCALE: '1e300' } });
    expectRangeError(env, row('serve', '--time-scale'), 'HOOKGATE_TIME_SCALE');
    expect(env.stderr).toContain('hint: set it like HOOKGATE_TIME_SCALE=1, or unset it');
    const timeout = await cli(['send'], { env: { HOOKGATE_TIMEOUT: '3000000' } });
    expectRangeError(timeout, row('send', '--timeout'), 'HOOKGATE_TIMEOUT');

    const cwd = mkdtempSync(join(tmpdir(), 'hg-ranges-'));
    writeFileSync(join(cwd, 'hookgate.config.json'), '{"runs": 1000000000}');
    expectRangeError(await cli(['check'], { cwd }), row('check', '--runs'), '"runs" in hookgate.config.json');
    // JSON reads 1e400 as Infinity.
    writeFileSync(join(cwd, 'hookgate.config.json'), '{"largeSize": 1e400}');
    expectRangeError(await cli(['load'], { cwd }), row('load', '--large-size'), '"largeSize" in hookgate.config.json');
  });

  it('the edges themselves are accepted (the next error is about something else)', async () => {
    for (const row of PRESENT) {
      for (const value of [row.min, row.max]) {
        const r = await cli([row.command, `${row.flag}=${value}`]);
        expect(r.stderr, `${row.command} ${row.flag}=${value}`).not.toContain(`${row.flag} must be`);
      }
    }
  });
});
