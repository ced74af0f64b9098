import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * examples/msw/ is run as a user runs it: its own vitest process, importing `hookgate/msw` by
 * package name (the built dist/, through package.json `exports`) and msw's setupServer. Then the
 * same tests against a receiver that never checks timestamp age, to prove they can fail — and
 * fail exactly where that flaw is.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const EXAMPLE = join(ROOT, 'examples/msw');

interface JsonReport {
  numPassedTests: number;
  numFailedTests: number;
  testResults: Array<{ assertionResults: Array<{ fullName: string; status: string; failureMessages: string[] }> }>;
}

function runExample(...args: string[]): Promise<{ report: JsonReport; out: string }> {
  const outFile = join(mkdtempSync(join(tmpdir(), 'hookgate-msw-')), 'report.json');
  return new Promise((done, fail) => {
    execFile(process.execPath, [join(ROOT, 'test/examples/run-vitest.mjs'), EXAMPLE, outFile, ...args], { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) => {
      if (!existsSync(outFile)) return fail(new Error(`no report from the example run (${String(err)}):\n${stdout}${stderr}`));
      done({ report: JSON.parse(readFileSync(outFile, 'utf8')) as JsonReport, out: stdout + stderr });
    });
  });
}

const results = (r: JsonReport) => r.testResults.flatMap((f) => f.assertionResults.map((a) => `${a.status}: ${a.fullName}`));

describe('examples/msw', () => {
  it('the README shows the example test file exactly as the suite runs it', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('```js\n' + readFileSync(join(EXAMPLE, 'receiver.test.mjs'), 'utf8') + '```\n');
  });

  it('the example receiver passes its own tests: positive, redelivery, and every negative variant', { timeout: 60_000 }, async () => {
    expect(existsSync(join(ROOT, 'dist/msw/index.js')), 'run `npm run build` first').toBe(true);
    const { report, out } = await runExample();
    expect(report.numFailedTests, out).toBe(0);
    expect(results(report)).toEqual([
      'passed: OptiPick webhook receiver accepts a signed delivery and fetches its result once',
      'passed: OptiPick webhook receiver processes a redelivery (same id, re-signed later) once',
      ...['wrong-secret', 'stale-timestamp', 'future-timestamp', 'tampered-body', 'missing-signature', 'missing-timestamp', 'missing-id', 'malformed-signature'].map(
        (v) => `passed: OptiPick webhook receiver refuses a delivery with ${v} (4xx) and fetches nothing`,
      ),
    ]);
  });

  it('the same tests fail a receiver that ignores the timestamp, on exactly the two timestamp variants', { timeout: 60_000 }, async () => {
    const { report } = await runExample('--alias', `./receiver.mjs=${join(ROOT, 'test/examples/msw-flawed-receiver.mjs')}`);
    expect(results(report).filter((r) => r.startsWith('failed'))).toEqual([
      'failed: OptiPick webhook receiver refuses a delivery with stale-timestamp (4xx) and fetches nothing',
      'failed: OptiPick webhook receiver refuses a delivery with future-timestamp (4xx) and fetches nothing',
    ]);
    expect(report.numPassedTests).toBe(8);
  });
});
