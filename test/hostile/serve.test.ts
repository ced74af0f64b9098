import { afterAll, beforeAll, describe, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { KINDS, KIND_DESCRIPTIONS, KIND_NAMES, SHORT_BODY, type KindName } from './kinds.js';
import { HARD_KILL_MS, PEAK_MB, matrix, printMatrix, requireBuild, start, tmp } from './run.js';

/*
 * Issue 13 item 5, `serve --time-scale 1000 --timeout 1` with the hostile receiver as --target: one
 * event emitted through POST /_hookgate/events; once its first attempt is recorded (polled through
 * the Svix API) with the right outcome, SIGINT stops serve with exit 0, under PEAK_MB.serve (200 MB)
 * of resident memory. serve never exits for an unreachable target: refused is a failed attempt.
 */

interface AttemptOut {
  status: number; // Svix: 0 success, 2 fail
  responseStatusCode: number;
  response: string;
  timestamp: string;
}

const FAILED = (response: RegExp, statusCode = 0) => ({ success: false, statusCode, response });
const DELIVERED = (response?: RegExp) => ({ success: true, statusCode: 200, response });

const EXPECTED: Record<KindName, { success: boolean; statusCode: number; response?: RegExp }> = {
  silent: FAILED(/^no response within 1000 ms$/),
  drip: FAILED(/^no response within 1000 ms$/),
  'slow-reader': FAILED(/^no response within 1000 ms$/),
  reset: FAILED(/ECONNRESET/),
  'half-close': FAILED(/^socket hang up$/),
  garbage: FAILED(/^not a valid HTTP response \(Parse Error: .+\)$/),
  headers: FAILED(/^response headers too large \(over 16 KiB\)/),
  refused: FAILED(/ECONNREFUSED/),
  redirect: FAILED(/^$/, 302),
  huge: DELIVERED(/^x+$/),
  endless: DELIVERED(/^x+$/),
  // A delivered attempt (Svix decides on the status line), with the body as far as it came.
  'short-body': DELIVERED(new RegExp(`^${SHORT_BODY.replace(/[{}]/g, '\\$&')}$`)),
};

beforeAll(requireBuild);
afterAll(() => printMatrix(KIND_NAMES));

describe.concurrent('serve delivering to a hostile receiver', () => {
  it.for(KIND_NAMES.map((kind) => ({ kind, what: KIND_DESCRIPTIONS[kind] })))('$kind ($what)', async ({ kind }, { expect }) => {
    const h = await KINDS[kind]();
    const dir = tmp('hg-hostile-serve-');
    const s = start(['serve', '--provider', 'optipick', '--target', h.url, '--time-scale', '1000', '--timeout', '1', '--port', '0', '--store', join(dir, 'serve.db')], { hardKillMs: HARD_KILL_MS, cwd: dir });
    try {
      const [, token] = await s.waitFor(/^API token: (\S+)$/m);
      const [, emitUrl] = await s.waitFor(/^emit events:\s+(\S+)/m);
      const auth = { authorization: `Bearer ${token}` };
      const emitted = await fetch(emitUrl, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'cluster.optimized' }) });
      expect(emitted.status).toBe(202);
      const { id } = (await emitted.json()) as { id: string };

      // Poll the Svix API until the first attempt is recorded (the test's own timeout bounds the wait).
      let first: AttemptOut | undefined;
      while (!first) {
        const page = (await (await fetch(`${new URL(emitUrl).origin}/api/v1/app/hookgate/attempt/msg/${id}`, { headers: auth })).json()) as { data: AttemptOut[] };
        first = page.data.sort((a, b) => a.timestamp.localeCompare(b.timestamp))[0];
        if (!first) await delay(25);
      }
      s.child.kill('SIGINT');
      const r = await s.done;
      const want = EXPECTED[kind];
      matrix.push({
        command: 'serve',
        kind,
        code: r.code,
        peakMb: r.peakMb,
        ms: r.ms,
        outcome: `${first.status === 0 ? 'succeeded' : 'failed'}, HTTP ${first.responseStatusCode}${first.response ? `, ${JSON.stringify(first.response.slice(0, 60))}` : ''}`,
      });

      expect(r.killed, 'stopped by SIGINT').toBe(false);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('hookgate serve: stopped; pending deliveries stay in the store');
      expect(r.stdout + r.stderr).not.toMatch(/^\s+at /m); // never a stack trace
      expect(r.peakMb).toBeGreaterThan(0);
      expect(r.peakMb).toBeLessThan(PEAK_MB.serve);
      expect(first.status, 'Svix attempt status: 0 success, 2 fail').toBe(want.success ? 0 : 2);
      expect(first.responseStatusCode).toBe(want.statusCode);
      if (want.response) expect(first.response).toMatch(want.response);
      // The log line serve printed for it agrees.
      expect(r.stderr).toMatch(new RegExp(`^ep_\\w+ ${id} attempt 1 at \\+0s: ${want.statusCode ? `HTTP ${want.statusCode}` : '(timeout|reset|refused|other)'} ${want.success ? 'delivered' : 'failed'} \\(\\d+ ms\\)$`, 'm'));
      // A redirect is never followed.
      expect(h.paths()).not.toContain('/followed');
    } finally {
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
      await s.done;
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
