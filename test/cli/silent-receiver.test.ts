import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { drippingReceiver, silentReceiver } from '../helpers/dead-receivers.js';
import type { Running } from '../helpers/receivers.js';
import type { RunResults } from '../../suites/types.js';

/*
 * Issue 13: a dead receiver (accepts, never answers; or drips a byte a second) costs one
 * timeout, not one per request. Each command runs with a short --timeout and must end,
 * exit 1, within about twice it. (scripts/silent-check.mjs measures a full `check` with the
 * provider's own 20 s timeout; too slow for the unit suite.)
 */

const env = { HOOKGATE_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' };
const open: Running[] = [];
afterAll(async () => {
  await Promise.all(open.map((r) => r.close()));
});
const tmp = () => mkdtempSync(join(tmpdir(), 'hg-silent-'));

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; out: T }> {
  const t0 = performance.now();
  const out = await f();
  return { ms: performance.now() - t0, out };
}

const RECEIVERS = {
  'accepts and never answers': silentReceiver,
  'drips one byte a second': () => drippingReceiver(1000),
};

describe.each(Object.keys(RECEIVERS) as Array<keyof typeof RECEIVERS>)('a receiver that %s', (name) => {
  // Long enough for the dripper to send a byte or two (an idle timer would be reset by each).
  const timeoutS = 1.5;

  it(`check: ends with exit 1 within 2× --timeout; latency-budget fails on the timed-out delivery, every other check is skipped (no-evidence)`, async () => {
    const r = await RECEIVERS[name]();
    open.push(r);
    const cwd = tmp();
    const { ms, out: run } = await timed(() => cli(['check', '--provider', 'optipick', '--url', r.url, '--timeout', String(timeoutS)], { env, cwd }));
    expect(run.code, run.stderr + run.stdout).toBe(1);
    expect(ms).toBeLessThan(2 * timeoutS * 1000);
    // One request waited out the timeout; nothing else was sent to wait again.
    expect(r.connections()).toBe(1);
    expect(run.stderr).toContain('sent no answer within the 1.5 s timeout (--timeout; OptiPick waits 20 s)');

    const results = JSON.parse(readFileSync(join(cwd, 'hookgate-report/results.json'), 'utf8')) as RunResults;
    expect(results.summary.verdict).toBe('fail');
    expect(results.summary.verdictReason).toContain('timeout.latency-budget');
    const byId = Object.fromEntries(results.checks.map((c) => [c.id, c]));
    const budget = byId['timeout.latency-budget'];
    expect(budget.status).toBe('fail');
    expect(budget.message).toMatch(/no answer within the 1\.5 s timeout/);
    expect(budget.evidence).toHaveLength(1);
    expect(budget.evidence[0].error?.kind).toBe('timeout');
    expect(budget.evidence[0].recipe.variant).toBe('valid');
    for (const c of results.checks.filter((c) => c.id !== 'timeout.latency-budget')) {
      expect.soft(c.status, `${c.id}: ${c.message}`).toBe('skip');
      if (c.skipKind === 'not-applicable') continue;
      expect.soft(c.skipKind, c.id).toBe('no-evidence');
      expect.soft(c.message, c.id).toMatch(/no answer within the 1\.5 s timeout/);
    }
    expect(results.checks.filter((c) => c.skipKind === 'no-evidence').length).toBeGreaterThanOrEqual(15);
  });

  it('load: the first request ends at --timeout with exit 1 and a hint', async () => {
    const r = await RECEIVERS[name]();
    open.push(r);
    const { ms, out: run } = await timed(() => cli(['load', '--provider', 'optipick', '--url', r.url, '--timeout', '1', '--duration', '5', '--out', join(tmp(), 'load')], { env }));
    expect(run.code, run.stderr).toBe(1);
    expect(ms).toBeLessThan(2000);
    expect(run.stderr).toMatch(/^error: the first signed request got no answer within 1 s$/m);
    expect(run.stderr).toMatch(/^hint: check that the receiver answers at --url/m);
  });

  it('send: ends at --timeout with exit 1', async () => {
    const r = await RECEIVERS[name]();
    open.push(r);
    const { ms, out: run } = await timed(() => cli(['send', '--provider', 'optipick', '--event', 'cluster.optimized', '--url', r.url, '--timeout', '1'], { env }));
    expect(run.code, run.stderr).toBe(1);
    expect(ms).toBeLessThan(2000);
    expect(run.stdout).toContain('← no response within 1000 ms');
  });
});

describe('check --timeout', () => {
  it.each([['0'], ['86401'], ['soon']])('--timeout %s is a usage error (1 ms to a day)', async (value) => {
    const run = await cli(['check', '--provider', 'optipick', '--url', 'http://127.0.0.1:9/webhook', '--timeout', value], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: --timeout must be a number\b.*\b0\.001\b.*\b86400\b/m);
  });
});
