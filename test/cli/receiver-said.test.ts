// "Say what the receiver said": under --start, a failing check shows the line of the receiver's own log
// that explains it, in the terminal verdict, summary.md, report.html and results.json.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import type { RunResults } from '../../suites/types.js';

const examples = resolve(import.meta.dirname, '../../examples/receivers');
const tmp = () => mkdtempSync(join(tmpdir(), 'hg-said-'));
const report = (cwd: string, file: string) => readFileSync(join(cwd, 'hookgate-report', file), 'utf8');

const PYTHON = '/usr/bin/python3';
function hasFlask(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import flask'], { stdio: 'ignore', timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

describe('receiver said', () => {
  it('a global express.json() before express.raw(): signature.valid fails, and the svix error the receiver logged is shown', async () => {
    const cwd = tmp();
    const run = await cli(
      ['check', '--start', `node ${examples}/svix-global-json-parser.mjs`, '--url', 'http://127.0.0.1:0/webhook', '--provider', 'optipick', '--only', 'signature.valid'],
      { cwd },
    );
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/^FAIL/);
    expect(run.stdout).toContain('✗ signature.valid:');
    expect(run.stdout).toContain('    receiver said: Expected payload to be of type string or Buffer');
    const md = report(cwd, 'summary.md');
    expect(md).toContain('- **Receiver said:** `Expected payload to be of type string or Buffer.`');
    expect(report(cwd, 'report.html')).toContain('<strong>Receiver said:</strong> <code>Expected payload to be of type string or Buffer.</code>');
    const results = JSON.parse(report(cwd, 'results.json')) as RunResults;
    const said = results.checks[0]?.receiverSaid;
    expect(said?.telling).toBe('Expected payload to be of type string or Buffer.');
    // Repeated per delivery, kept once; the startup line was before any check's request.
    expect(said?.lines).toEqual(['Expected payload to be of type string or Buffer.']);
  });

  it('a passing run says nothing of the sort', async () => {
    const cwd = tmp();
    const run = await cli(['check', '--start', `node ${examples}/svix-correct.mjs`, '--url', 'http://127.0.0.1:0/webhook', '--provider', 'optipick', '--only', 'signature.valid'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('receiver said');
    expect(report(cwd, 'results.json')).not.toContain('receiverSaid');
  });

  it.skipIf(!hasFlask())('a Flask receiver: the traceback\'s exception line, matched to the refusals it answered with a 500', async () => {
    const cwd = tmp();
    const run = await cli(
      ['check', '--start', `${PYTHON} ${examples}/omnisales-python-flask.py`, '--url', 'http://127.0.0.1:0/webhooks', '--provider', 'omnisales', '--only', 'signature.missing-headers,status.rejection-is-4xx'],
      { cwd },
    );
    expect(run.code, run.stderr).toBe(0); // status.rejection-is-4xx is a SHOULD: it warns
    expect(run.stdout).toContain('! status.rejection-is-4xx:');
    // Two of the refusals raise (a missing header: TypeError; a non-numeric timestamp: ValueError); either exception line is the telling one.
    expect(run.stdout).toMatch(/\n {4}receiver said: (TypeError|ValueError): /);
    const results = JSON.parse(report(cwd, 'results.json')) as RunResults;
    const said = results.checks.find((c) => c.id === 'status.rejection-is-4xx')?.receiverSaid;
    expect(said?.telling).toMatch(/^(TypeError|ValueError): /);
    expect(said?.lines.some((l) => l.startsWith('Traceback'))).toBe(true);
  });
});
