// PASS/FAIL/WARN/SKIP coloured on a terminal; off when not a terminal or with NO_COLOR; on with FORCE_COLOR.
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { startExample, type Running } from '../helpers/receivers.js';
import { colorEnabled, progressLine, verdictText } from '../../cli/progress.js';
import { svixV1 } from '../../mock-provider/signing/svix-v1.js';
import { decideVerdict } from '../../suites/verdict.js';
import type { CheckResult, RunResults } from '../../suites/types.js';

const ESC = '\u001b[';
const check = (id: string, status: CheckResult['status']): CheckResult => ({ id, title: id, severity: 'must', status, message: `${status} message`, durationMs: 3, evidence: [] });

describe('colorEnabled', () => {
  it('follows the terminal unless NO_COLOR, NODE_DISABLE_COLORS or TERM=dumb say off; FORCE_COLOR wins either way', () => {
    expect(colorEnabled({ isTTY: true, env: {} })).toBe(true);
    expect(colorEnabled({ isTTY: false, env: {} })).toBe(false);
    expect(colorEnabled({ isTTY: true, env: { NO_COLOR: '1' } })).toBe(false);
    expect(colorEnabled({ isTTY: true, env: { NO_COLOR: '' } })).toBe(true); // no-color.org: present and not empty
    expect(colorEnabled({ isTTY: true, env: { TERM: 'dumb' } })).toBe(false);
    expect(colorEnabled({ isTTY: true, env: { NODE_DISABLE_COLORS: '1' } })).toBe(false);
    expect(colorEnabled({ isTTY: false, env: { FORCE_COLOR: '1' } })).toBe(true);
    expect(colorEnabled({ isTTY: false, env: { FORCE_COLOR: '' } })).toBe(true);
    expect(colorEnabled({ isTTY: true, env: { FORCE_COLOR: '0' } })).toBe(false);
    expect(colorEnabled({ isTTY: true, env: { FORCE_COLOR: 'false' } })).toBe(false);
    expect(colorEnabled({ isTTY: false, env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).toBe(true);
  });
});

describe('progress and verdict lines', () => {
  it('colour the status words only when asked', () => {
    expect(progressLine(check('a', 'pass'), 1, 4, { color: true })).toBe(`[1/4] ✓ a ${ESC}32mPASS${ESC}39m (3 ms)\n`);
    expect(progressLine(check('a', 'fail'), 2, 4, { color: true })).toContain(`${ESC}31mFAIL${ESC}39m`);
    expect(progressLine(check('a', 'warn'), 3, 4, { color: true })).toContain(`${ESC}33mWARN${ESC}39m`);
    expect(progressLine(check('a', 'skip'), 4, 4, { color: true })).toContain(`${ESC}90mSKIP${ESC}39m`);
    expect(progressLine(check('a', 'pass'), 1, 4)).toBe('[1/4] ✓ a PASS (3 ms)\n');
    const run: RunResults = {
      schemaVersion: 1, tool: { name: 'hookgate', version: '0' }, provider: 'optipick', target: 'http://127.0.0.1:1/webhook',
      startedAt: '2026-01-01T00:00:00.000Z', durationMs: 100, seed: 1, interrupted: false, ...decideVerdict([check('a', 'fail')], { strict: false }),
    };
    expect(verdictText(run, '/out', { color: true })).toMatch(/^(?:\u001b\[\d+m)*\u001b\[31m(?:\u001b\[\d+m)*FAIL(?:\u001b\[\d+m)+ {2}optipick/);
    expect(verdictText(run, '/out')).toMatch(/^FAIL {2}optipick/);
    expect(verdictText(run, '/out')).not.toContain(ESC);
  });
});

describe('hookgate check output', () => {
  const secret = svixV1.generateSecret();
  let r: Running;
  afterAll(async () => {
    await r?.close();
  });
  const run = async (env: Record<string, string>) => {
    r ??= await startExample('svix-correct.mjs', secret, '/webhook');
    return cli(['check', '--provider', 'optipick', '--url', r.url, '--only', 'signature.valid,status.large-payload'], { env: { HOOKGATE_SECRET: secret, ...env } });
  };

  it('FORCE_COLOR=1: ANSI codes around PASS and SKIP in the progress lines and around the verdict', async () => {
    const out = await run({ FORCE_COLOR: '1' });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toContain(`signature.valid ${ESC}32mPASS${ESC}39m`);
    expect(out.stderr).toContain(`status.large-payload ${ESC}90mSKIP${ESC}39m`);
    expect(out.stdout).toMatch(/^(?:\u001b\[\d+m)*\u001b\[32m(?:\u001b\[\d+m)*PASS(?:\u001b\[\d+m)+ {2}optipick/);
  });

  it('not a terminal, or NO_COLOR: none', async () => {
    for (const env of [{}, { NO_COLOR: '1' }]) {
      const out = await run(env);
      expect(out.code, out.stderr).toBe(0);
      expect(out.stderr).toContain('signature.valid PASS');
      expect(out.stdout).toMatch(/^PASS /);
      expect(out.stdout + out.stderr).not.toContain('\u001b');
    }
  });
});
