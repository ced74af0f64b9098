import { afterAll, beforeAll, describe, it } from 'vitest';
import { rmSync } from 'node:fs';
import { KINDS, KIND_DESCRIPTIONS, KIND_NAMES, SHORT_BODY, SHORT_DECLARED, type KindName } from './kinds.js';
import { HARD_KILL_MS, PEAK_MB, matrix, printMatrix, requireBuild, run } from './run.js';

/*
 * Issue 13 item 5, `send`: every hostile receiver ends the command by itself (within --timeout 1
 * plus start-up), with the documented exit code (0 a 2xx, 1 anything else, 3 unreachable), under
 * PEAK_MB.send (150 MB) of resident memory, and the line it prints says what happened.
 */

const EXPECTED: Record<KindName, { code: number; line: RegExp }> = {
  silent: { code: 1, line: /^← no response within 1000 ms$/m },
  drip: { code: 1, line: /^← no response within 1000 ms$/m },
  'slow-reader': { code: 1, line: /^← no response within 1000 ms$/m },
  reset: { code: 1, line: /^← connection reset after \d+ ms$/m },
  'half-close': { code: 1, line: /^← connection closed without an answer after \d+ ms$/m },
  // The status line decides (as the providers decide): a 2xx whose body we stop reading at the cap.
  huge: { code: 0, line: /^← HTTP 200 in \d+ ms \(body truncated at 65536 bytes\)$/m },
  endless: { code: 0, line: /^← HTTP 200 in \d+ ms \(body truncated at 65536 bytes\)$/m },
  redirect: { code: 1, line: /^← HTTP 302 in \d+ ms \(redirects are never followed: a 3xx is a failed delivery\)$/m },
  garbage: { code: 1, line: /^← transport error: not a valid HTTP response \(Parse Error: .+\)$/m },
  headers: { code: 1, line: /^← transport error: response headers too large \(over 16 KiB\)/m },
  refused: { code: 3, line: /^error: cannot reach http:\/\/127\.0\.0\.1:\d+: connection refused$/m },
  'short-body': {
    code: 0,
    line: new RegExp(`^← HTTP 200 in \\d+ ms \\(body cut short: the receiver closed the connection after ${SHORT_BODY.length} of the ${SHORT_DECLARED} bytes its Content-Length announced\\)$`, 'm'),
  },
};

beforeAll(requireBuild);
afterAll(() => printMatrix(KIND_NAMES));

describe.concurrent('send against a hostile receiver', () => {
  it.for(KIND_NAMES.map((kind) => ({ kind, what: KIND_DESCRIPTIONS[kind] })))('$kind ($what)', async ({ kind }, { expect }) => {
    const h = await KINDS[kind]();
    const r = await run(['send', '--provider', 'optipick', '--event', 'cluster.optimized', '--url', h.url, '--timeout', '1'], { hardKillMs: HARD_KILL_MS }).finally(() => h.close());
    rmSync(r.cwd, { recursive: true, force: true });
    const want = EXPECTED[kind];
    const all = r.stdout + r.stderr;
    matrix.push({ command: 'send', kind, code: r.code, peakMb: r.peakMb, ms: r.ms, outcome: (want.line.exec(all)?.[0] ?? all.trim().split('\n').pop() ?? '').replace(/^← /, '') });

    expect(r.killed, 'ended by itself').toBe(false);
    expect(r.code, all).toBe(want.code);
    expect(all).toMatch(want.line);
    expect(all).not.toMatch(/^\s+at /m); // never a stack trace
    expect(r.peakMb).toBeGreaterThan(0);
    expect(r.peakMb).toBeLessThan(PEAK_MB.send);
    // A redirect is never followed: the only path the receiver saw is the webhook's.
    if (kind === 'redirect') expect(h.paths()).toEqual(['/webhook']);
    if (kind === 'short-body') expect(r.stdout).toContain(SHORT_BODY);
  });
});
