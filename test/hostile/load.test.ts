import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { KINDS, KIND_DESCRIPTIONS, KIND_NAMES, type KindName } from './kinds.js';
import { HARD_KILL_MS, PEAK_MB, expectEndedCleanly, matrix, printMatrix, requireBuild, run } from './run.js';

/*
 * Issue 13 item 5, `load --timeout 1 --duration 1 --connections 2`: every hostile receiver ends the
 * run by itself with the documented exit code (1 when the first signed request fails or is refused,
 * with a hint; 3 unreachable; 0 with no thresholds when it answers 2xx), under PEAK_MB.load (200 MB)
 * of resident memory. A 2xx is a 2xx whatever its body does: a 200 MB or endless body is not read
 * past 64 KiB, a body cut short of its Content-Length still counts as its status.
 */

interface LoadJson {
  requests: number;
  ok2xx: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
}

const NO_ANSWER = { code: 1, error: /^error: the first signed request got no answer within 1 s$/m, hint: /^hint: check that the receiver answers at --url/m };
const FAILED = (why: RegExp) => ({ code: 1, error: new RegExp(`^error: the first signed request failed: ${why.source}$`, 'm'), hint: /^hint: check that --url is the receiver's webhook/m });

/** The run went ahead and every request was a 200: the status decides. */
function all2xx(report: LoadJson, expect: ExpectStatic): string {
  expect(report.requests).toBeGreaterThan(0);
  expect(report.statusCodes).toEqual({ 200: report.requests });
  expect(report.ok2xx).toBe(report.requests);
  expect(report.errors).toBe(0);
  expect(report.timeouts).toBe(0);
  return `${report.requests} requests, all HTTP 200, 0 errors`;
}

const EXPECTED: Record<KindName, { code: number; error?: RegExp; hint?: RegExp; judge?: (r: LoadJson, expect: ExpectStatic) => string }> = {
  silent: NO_ANSWER,
  drip: NO_ANSWER,
  'slow-reader': NO_ANSWER,
  reset: FAILED(/read ECONNRESET/),
  'half-close': FAILED(/the receiver closed the connection without an answer/),
  garbage: FAILED(/not a valid HTTP response \(.+\)/),
  headers: FAILED(/response headers too large \(over 16 KiB\)/),
  redirect: {
    code: 1,
    error: /^error: the receiver answered the first correctly signed request with HTTP 302, a redirect: providers never follow one, so every delivery would fail$/m,
    hint: /^hint: point --url at the address it redirects to/m,
  },
  refused: { code: 3, error: /^error: nothing listens at 127\.0\.0\.1:\d+ \(connection refused\)$/m, hint: /^hint: is the receiver running\?/m },
  huge: { code: 0, judge: all2xx },
  endless: { code: 0, judge: all2xx },
  'short-body': { code: 0, judge: all2xx },
};

beforeAll(requireBuild);
afterAll(() => printMatrix(KIND_NAMES));

describe.concurrent('load against a hostile receiver', () => {
  it.for(KIND_NAMES.map((kind) => ({ kind, what: KIND_DESCRIPTIONS[kind] })))('$kind ($what)', async ({ kind }, { expect }) => {
    const h = await KINDS[kind]();
    const r = await run(['load', '--provider', 'optipick', '--url', h.url, '--timeout', '1', '--duration', '1', '--connections', '2', '--out', 'load'], { hardKillMs: HARD_KILL_MS }).finally(() => h.close());
    const want = EXPECTED[kind];
    try {
      expectEndedCleanly(expect, r, want.code, PEAK_MB.load);
      let outcome = '';
      if (want.error) {
        expect(r.stderr).toMatch(want.error);
        expect(r.stderr).toMatch(want.hint!);
        outcome = want.error.exec(r.stderr)![0].replace(/^error: /, '');
      }
      if (want.judge) outcome = want.judge(JSON.parse(readFileSync(join(r.cwd, 'load/load.json'), 'utf8')) as LoadJson, expect);
      matrix.push({ command: 'load', kind, code: r.code, peakMb: r.peakMb, ms: r.ms, outcome });
      // A redirect is never followed.
      expect(h.paths()).not.toContain('/followed');
    } finally {
      rmSync(r.cwd, { recursive: true, force: true });
    }
  });
});
