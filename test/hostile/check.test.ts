import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { KINDS, KIND_DESCRIPTIONS, KIND_NAMES, SHORT_BODY, SHORT_DECLARED, type KindName } from './kinds.js';
import { HARD_KILL_MS, PEAK_MB, expectEndedCleanly, matrix, printMatrix, requireBuild, run } from './run.js';
import type { CheckResult, Evidence, RunResults } from '../../suites/types.js';

/*
 * Issue 13 item 5, `check --timeout 1.5 --runs 3 --concurrency 4`: every hostile receiver ends the
 * run by itself with the documented exit code (1 a MUST check failed, 3 unreachable), under
 * PEAK_MB.check (200 MB) of resident memory, and results.json records what the receiver did.
 */

const evidenceOf = (r: RunResults): Evidence[] => r.checks.flatMap((c) => c.evidence ?? []);
const byId = (r: RunResults): Record<string, CheckResult> => Object.fromEntries(r.checks.map((c) => [c.id, c]));

/** No answer within the timeout: latency-budget fails on a timed-out delivery; the rest had no evidence. */
function timedOut(r: RunResults, expect: ExpectStatic): string {
  const budget = byId(r)['timeout.latency-budget'];
  expect(budget.status).toBe('fail');
  expect(budget.message).toMatch(/no answer within the 1\.5 s timeout/);
  expect(budget.evidence?.[0].error?.kind).toBe('timeout');
  return `latency-budget fail: ${budget.evidence![0].error!.message}`;
}

/** Every valid delivery failed in transport the same way: signature.valid fails with that evidence. */
function transport(kind: string, message: RegExp) {
  return (r: RunResults, expect: ExpectStatic): string => {
    const valid = byId(r)['signature.valid'];
    expect(valid.status).toBe('fail');
    const ev = valid.evidence?.[0];
    expect(ev?.response).toBeUndefined();
    expect(ev?.error?.kind).toBe(kind);
    expect(ev?.error?.message).toMatch(message);
    return `signature.valid fail: ${kind}: ${ev!.error!.message}`;
  };
}

/** A receiver that answers 200 to anything: signature.valid passes, the refusal checks fail on 200s. */
function accepts(each: (ev: Evidence, expect: ExpectStatic) => void) {
  return (r: RunResults, expect: ExpectStatic): string => {
    expect(byId(r)['signature.valid'].status).toBe('pass');
    expect(byId(r)['signature.wrong-secret'].status).toBe('fail');
    const answered = evidenceOf(r).filter((e) => e.response);
    expect(answered.length).toBeGreaterThan(0);
    for (const ev of answered) {
      expect(ev.response!.status).toBe(200);
      each(ev, expect);
    }
    return `signature.valid pass, wrong-secret fail; ${answered.length} answers HTTP 200`;
  };
}

const EXPECTED: Record<KindName, { code: number; judge?: (r: RunResults, expect: ExpectStatic) => string; stderr?: RegExp }> = {
  silent: { code: 1, judge: timedOut },
  drip: { code: 1, judge: timedOut },
  'slow-reader': { code: 1, judge: timedOut },
  reset: { code: 1, judge: transport('reset', /ECONNRESET/) },
  'half-close': { code: 1, judge: transport('reset', /socket hang up/) },
  garbage: { code: 1, judge: transport('other', /^not a valid HTTP response/) },
  headers: { code: 1, judge: transport('other', /^response headers too large/) },
  redirect: {
    code: 1,
    judge: (r, expect) => {
      const valid = byId(r)['signature.valid'];
      expect(valid.status).toBe('fail');
      expect(valid.evidence?.[0].response?.status).toBe(302);
      return 'signature.valid fail: HTTP 302';
    },
  },
  // The body is not read past the sender's 64 KiB cap: never 200 MB, never endless.
  huge: { code: 1, judge: accepts((ev, expect) => expect(ev.response!.bodyBytes).toBeLessThan(1024 * 1024)) },
  endless: { code: 1, judge: accepts((ev, expect) => expect(ev.response!.bodyBytes).toBeLessThan(1024 * 1024)) },
  'short-body': {
    code: 1,
    judge: accepts((ev, expect) => {
      expect(ev.response!.body).toBe(SHORT_BODY);
      expect(ev.response!.note).toBe(`body cut short: the receiver closed the connection after ${SHORT_BODY.length} of the ${SHORT_DECLARED} bytes its Content-Length announced`);
    }),
  },
  refused: { code: 3, stderr: /^error: cannot reach http:\/\/127\.0\.0\.1:\d+: connection refused$/m },
};

beforeAll(requireBuild);
afterAll(() => printMatrix(KIND_NAMES));

describe.concurrent('check against a hostile receiver', () => {
  it.for(KIND_NAMES.map((kind) => ({ kind, what: KIND_DESCRIPTIONS[kind] })))('$kind ($what)', async ({ kind }, { expect }) => {
    const h = await KINDS[kind]();
    const r = await run(['check', '--provider', 'optipick', '--url', h.url, '--timeout', '1.5', '--runs', '3', '--concurrency', '4'], { hardKillMs: HARD_KILL_MS }).finally(() => h.close());
    const want = EXPECTED[kind];
    try {
      expectEndedCleanly(expect, r, want.code, PEAK_MB.check);
      let outcome = '';
      if (want.judge) {
        const results = JSON.parse(readFileSync(join(r.cwd, 'hookgate-report/results.json'), 'utf8')) as RunResults;
        expect(results.summary.verdict).toBe('fail');
        outcome = want.judge(results, expect);
      }
      if (want.stderr) {
        expect(r.stderr).toMatch(want.stderr);
        outcome = want.stderr.exec(r.stderr)![0];
      }
      matrix.push({ command: 'check', kind, code: r.code, peakMb: r.peakMb, ms: r.ms, outcome });
      // A redirect is never followed: every request went to the webhook's own path.
      if (kind === 'redirect') expect(new Set(h.paths())).toEqual(new Set(['/webhook']));
    } finally {
      rmSync(r.cwd, { recursive: true, force: true });
    }
  });
});
