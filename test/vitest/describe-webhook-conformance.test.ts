import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

/*
 * `hookgate/vitest` run as a user runs it: test files in their own vitest process, importing the
 * entry by package name (the built dist/, through package.json `exports`). examples/vitest/ must
 * pass as shipped and fail on a flawed receiver exactly where the flaw is; the fixtures in
 * project/ cover every target kind, SHOULD warnings, -t narrowing and a strict msw setupServer.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const EXAMPLE = join(ROOT, 'examples/vitest');
const PROJECT = join(import.meta.dirname, 'project');

interface Assertion { fullName: string; ancestorTitles: string[]; title: string; status: string; failureMessages: string[] }
interface Report {
  numFailedTests: number;
  testResults: Array<{ name: string; status: string; message: string; assertionResults: Assertion[] }>;
}
interface Extra { logs: Array<{ type: string; content: string }>; annotations: Array<{ test: string; type: string; message: string }> }

function runProject(root: string, args: string[], env: Record<string, string> = {}): Promise<{ report: Report; extra: Extra; out: string }> {
  const outFile = join(mkdtempSync(join(tmpdir(), 'hookgate-vitest-')), 'report.json');
  return new Promise((done, fail) => {
    execFile(process.execPath, [join(import.meta.dirname, 'run-project.mjs'), root, outFile, ...args], { cwd: ROOT, timeout: 120_000, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      if (!existsSync(outFile)) return fail(new Error(`no report from the vitest run (${String(err)}):\n${stdout}${stderr}`));
      done({ report: JSON.parse(readFileSync(outFile, 'utf8')) as Report, extra: JSON.parse(readFileSync(outFile + '.extra.json', 'utf8')) as Extra, out: stdout + stderr });
    });
  });
}

const all = (r: Report) => r.testResults.flatMap((f) => f.assertionResults);
const byStatus = (r: Report, status: string) => all(r).filter((a) => a.status === status).map((a) => a.title.split(' — ')[0]);
const fileErrors = (r: Report) => r.testResults.map((f) => f.message).filter(Boolean).join('\n');

beforeAll(() => {
  expect(existsSync(join(ROOT, 'dist/vitest/index.js')), 'run `npm run build` first').toBe(true);
});

describe('examples/vitest', () => {
  it('the README shows the example test file exactly as the suite runs it', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('```js\n' + readFileSync(join(EXAMPLE, 'receiver.conformance.test.mjs'), 'utf8') + '```\n');
  });

  it('the example receiver passes: one test per check, every one passed or skipped with a reason', { timeout: 120_000 }, async () => {
    const { report, out } = await runProject(EXAMPLE, []);
    expect(fileErrors(report), out).toBe('');
    const tests = all(report);
    expect(tests).toHaveLength(20);
    expect(tests.filter((t) => t.status !== 'passed' && t.status !== 'skipped')).toEqual([]);
    // Judged, not skipped: the signature checks, and dedup through the fetch-back API the factory was given.
    expect(byStatus(report, 'passed')).toEqual(expect.arrayContaining(['signature.valid', 'signature.raw-body', 'signature.wrong-secret', 'dedup.redelivery', 'dedup.concurrent', 'timeout.latency-budget']));
    expect(tests.filter((t) => t.title.endsWith('(SHOULD)')).map((t) => t.title.split(' — ')[0])).toContain('status.content-type-variants');
  });

  it('the same file fails a receiver that verifies JSON.stringify(req.body): signature.raw-body, naming the raw body, with the counterexample and a curl line', { timeout: 120_000 }, async () => {
    const { report, out } = await runProject(EXAMPLE, ['--alias', `./receiver.mjs=${join(ROOT, 'examples/receivers/svix-stringify.mjs')}`]);
    expect(fileErrors(report), out).toBe('');
    expect(byStatus(report, 'failed')).toEqual(['signature.raw-body']);
    const message = all(report).find((t) => t.title.startsWith('signature.raw-body'))!.failureMessages[0];
    expect(message).toMatch(/^WebhookCheckFailed: signature\.raw-body \(MUST\)/);
    expect(message).toMatch(/verify the raw request body/);
    expect(message).toMatch(/Counterexample \(after \d+ runs, shrunk \d+ times\):/);
    expect(message).toMatch(/seed: \d+/);
    expect(message).toMatch(/reproduce:\n +curl -sS -i -X POST 'http:\/\/127\.0\.0\.1:\d+\/webhook'/);
    expect(message).not.toMatch(/whsec_/);
  });
});

describe('hookgate/vitest fixtures', () => {
  it('every target kind — URL, Express app, http.Server, createApp, fetch handler on a custom path, createHandler — passes the same checks', { timeout: 120_000 }, async () => {
    const { report, out } = await runProject(PROJECT, ['targets']);
    expect(fileErrors(report), out).toBe('');
    const suites = ['url', 'express app', 'http.Server', 'createApp', 'fetch handler', 'createHandler'];
    expect(all(report).map((t) => `${t.status}: ${t.ancestorTitles.join(' > ')} ${t.title.split(' — ')[0]}`)).toEqual(
      suites.flatMap((s) => ['signature.valid', 'signature.raw-body', 'signature.wrong-secret'].map((id) => `passed: ${s} ${id}`)),
    );
  });

  it("a SHOULD finding: '(SHOULD)' in the name, a passing test with a warning annotation, one afterAll line; should: 'fail' fails it", { timeout: 120_000 }, async () => {
    const warned = await runProject(PROJECT, ['should']);
    expect(fileErrors(warned.report), warned.out).toBe('');
    const test = all(warned.report).find((t) => t.title.startsWith('status.content-type-variants'))!;
    expect(test.title).toMatch(/\(SHOULD\)$/);
    expect(test.status).toBe('passed');
    expect(warned.extra.annotations).toEqual([expect.objectContaining({ type: 'warning', test: expect.stringContaining('status.content-type-variants') })]);
    expect(warned.extra.annotations[0].message).toMatch(/HTTP 415/);
    const lines = warned.extra.logs.filter((l) => l.content.startsWith('hookgate: '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ type: 'stderr' });
    expect(lines[0].content).toMatch(/^hookgate: 1 SHOULD warning \(OptiPick\): status\.content-type-variants: refused/);
    expect(lines[0].content.trim().split('\n')).toHaveLength(1);

    const strict = await runProject(PROJECT, ['should'], { HOOKGATE_FIXTURE_SHOULD: 'fail' });
    expect(byStatus(strict.report, 'failed')).toEqual(['status.content-type-variants']);
    expect(byStatus(strict.report, 'passed')).toEqual(['signature.valid']);
    expect(strict.extra.logs.filter((l) => l.content.startsWith('hookgate: '))).toEqual([]);
  });

  it('-t narrows the one run to the selected checks: fewer deliveries, the others skipped by vitest', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookgate-vitest-count-'));
    const full = await runProject(PROJECT, ['filter'], { HOOKGATE_FIXTURE_OUT: join(dir, 'full.json') });
    expect(fileErrors(full.report), full.out).toBe('');
    expect(byStatus(full.report, 'failed')).toEqual([]);
    const narrowed = await runProject(PROJECT, ['filter', '--t', 'signature.wrong-secret'], { HOOKGATE_FIXTURE_OUT: join(dir, 'narrowed.json') });
    expect(byStatus(narrowed.report, 'passed')).toEqual(['signature.wrong-secret']);
    expect(byStatus(narrowed.report, 'skipped')).toHaveLength(19);
    const count = (f: string) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { requests: number }).requests;
    // Every check at 5 runs sends about a hundred; wrong-secret alone: the reachability probe and its forgery.
    expect(count('full.json')).toBeGreaterThan(50);
    expect(count('narrowed.json')).toBeLessThan(10);
  });

  it("a strict msw setupServer (onUnhandledRequest: 'error') in the same file: deliveries reach the apps, the fetch-back gets through with msw: server", { timeout: 120_000 }, async () => {
    const { report, out } = await runProject(PROJECT, ['msw']);
    expect(fileErrors(report), out).toBe('');
    expect(all(report).map((t) => `${t.status}: ${t.ancestorTitles.join(' > ')} ${t.title.split(' — ')[0]}`)).toEqual([
      'passed: control: msw is active in this thread answers the mocked API',
      'passed: control: msw is active in this thread refuses an unhandled node:http request to the local receiver',
      'passed: url under msw signature.valid',
      'passed: url under msw signature.wrong-secret',
      // No fetch-back and no effects URL from a receiver elsewhere: dedup is not observable.
      'skipped: url under msw dedup.redelivery',
      'passed: createApp with fetch-back under msw signature.valid',
      'passed: createApp with fetch-back under msw signature.wrong-secret',
      'passed: createApp with fetch-back under msw dedup.redelivery',
    ]);
  });
});
