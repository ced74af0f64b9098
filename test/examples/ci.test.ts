import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startExample, type Running } from '../helpers/receivers.js';

/*
 * The CI recipes in examples/ci/ and the composite action.yml: what can be checked here is
 * checked — their structure as GitHub and GitLab read it, and their very shell steps, run in order
 * under the shell each CI uses, against a bundled receiver, with GITHUB_STEP_SUMMARY/GITHUB_OUTPUT
 * pointed at temporary files; then the files they publish must exist. Changed for the local run:
 * `npx -y hookgate` → the built CLI, RECEIVER_START → a bundled receiver, the project's own
 * `npm ci` skipped (it installs the user's receiver), and HOOKGATE_RUNS=5 in the environment
 * (fewer property runs; the command lines stay exactly as written).
 */

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'dist/cli/main.js');
const HOOKGATE = `"${process.execPath}" "${BIN}"`;
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const receiverCmd = (file: string) => `"${process.execPath}" "${join(ROOT, 'examples/receivers', file)}"`;
const CORRECT = receiverCmd('svix-fetchback-correct.mjs');
// Accepts a 10-minute-old timestamp: signature.stale-timestamp fails, deterministically.
const FLAWED = receiverCmd('svix-no-timestamp-check.mjs');

// CI documents are free-form: the test reads them as plain data.
type Doc = Record<string, any>;
const yamlOf = (file: string): Doc => parse(readFileSync(join(ROOT, file), 'utf8')) as Doc;

const open: Running[] = [];
afterAll(async () => {
  await Promise.all(open.map((r) => r.close()));
});

interface Ran {
  code: number;
  out: string;
}

/** A script as the CI runs it: GitHub's `shell: bash` is `bash --noprofile --norc -eo pipefail`, its default `bash -e`. */
function sh(script: string, env: Record<string, string>, cwd: string, shell: string[] = ['bash', '-e']): Promise<Ran> {
  const local = script.replace(/npx -y "hookgate@\$HG_VERSION"/g, HOOKGATE).replace(/npx -y hookgate/g, HOOKGATE);
  const file = join(mkdtempSync(join(tmpdir(), 'hookgate-ci-step-')), 'step.sh');
  writeFileSync(file, local);
  return new Promise((done) => {
    execFile(shell[0], [...shell.slice(1), file], { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, HOOKGATE_RUNS: '5', ...env }, timeout: 120_000 }, (err, stdout, stderr) =>
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

interface Context {
  inputs?: Record<string, string>;
  steps?: Record<string, Record<string, string>>;
}

/** A GitHub expression, for the few forms the recipes use: inputs, step outputs, status functions, ==, &&, !. */
function expr(text: string, ctx: Context): unknown {
  const js = text
    .replace(/\binputs\.([\w-]+)/g, (_, k: string) => JSON.stringify(ctx.inputs?.[k] ?? ''))
    .replace(/\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g, (_, s: string, k: string) => JSON.stringify(ctx.steps?.[s]?.[k] ?? ''))
    .replace(/\bcancelled\(\)/g, 'false')
    .replace(/\balways\(\)/g, 'true')
    .replace(/==/g, '===');
  if (/[^\s"'\w!&|=.()-]/.test(js.replace(/"(?:[^"\\]|\\.)*"/g, '""'))) throw new Error(`unsupported expression: ${text}`);
  return new Function(`return (${js});`)();
}

const interpolate = (s: string, ctx: Context): string => s.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, e: string) => String(expr(e, ctx)));
const condition = (s: string | undefined, ctx: Context, failed: boolean): boolean => {
  // No `if:` means success(): skipped once a step failed.
  if (s === undefined) return !failed;
  const e = s.replace(/^\$\{\{\s*|\s*\}\}$/g, '');
  if (!/cancelled\(\)|always\(\)|failure\(\)/.test(e) && failed) return false;
  return Boolean(expr(e, ctx));
};

/** GITHUB_OUTPUT lines `key=value` (the only form the action writes). */
function outputsOf(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  return Object.fromEntries(readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

function junitOf(file: string): { tests: number; failed: string[] } {
  const xml = new XMLParser({ ignoreAttributes: false }).parse(readFileSync(file, 'utf8')) as Doc;
  const suites = [xml.testsuites?.testsuite ?? xml.testsuite].flat();
  const cases = suites.flatMap((s: Doc) => [s.testcase].flat()).filter(Boolean) as Doc[];
  return { tests: cases.length, failed: cases.filter((c) => c.failure !== undefined).map((c) => String(c['@_name'])) };
}

// ---------------------------------------------------------------- GitHub Actions workflow

describe('GitHub Actions workflow (examples/ci/github-actions.yml)', () => {
  const wf = yamlOf('examples/ci/github-actions.yml');
  const job = wf.jobs.hookgate;
  const step = (pred: (s: Doc) => boolean) => job.steps.find(pred) as Doc;
  const check = step((s) => s.name === 'hookgate check');
  const junit = step((s) => String(s.uses).startsWith('mikepenz/action-junit-report@'));
  const upload = step((s) => String(s.uses).startsWith('actions/upload-artifact@'));

  it('starts the receiver, publishes junit.xml through a test-report action and keeps the report as an artifact, even after a failure', () => {
    expect(check.run).toContain('--start "$RECEIVER_START"');
    expect(check.run).toMatch(/--ready-url http:\/\/127\.0\.0\.1:0\//);
    expect(check.run).toContain('--out hookgate-report');
    expect(junit.with.report_paths).toBe('hookgate-report/junit.xml');
    expect(upload.with.path).toBe('hookgate-report/');
    expect(wf.permissions.checks).toBe('write');
    const after = job.steps.slice(job.steps.indexOf(check) + 1) as Doc[];
    expect(after.length).toBe(3);
    for (const s of after) expect(s.if).toBe('${{ !cancelled() }}');
    expect(step((s) => s.name === 'install').run).toBe('npm ci');
  });

  async function runJob(receiver: string) {
    const dir = mkdtempSync(join(tmpdir(), 'hookgate-gha-'));
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, '');
    const env = { ...job.env, RECEIVER_START: receiver, GITHUB_STEP_SUMMARY: summary };
    const ran: Record<string, Ran> = {};
    let failed = false;
    for (const s of job.steps as Doc[]) {
      if (s.uses || s.name === 'install' || !condition(s.if, {}, failed)) continue;
      const r = await sh(s.run, env, dir);
      ran[s.name] = r;
      failed ||= r.code !== 0;
    }
    return { dir, summary: readFileSync(summary, 'utf8'), ran, failed };
  }

  it('its steps, run here against a correct receiver: exit 0, the summary in the step summary, the files it publishes exist', { timeout: 120_000 }, async () => {
    const { dir, summary, ran, failed } = await runJob(CORRECT);
    expect(ran['hookgate check'].code, ran['hookgate check'].out).toBe(0);
    expect(failed).toBe(false);
    expect(summary).toBe(readFileSync(join(dir, 'hookgate-report/summary.md'), 'utf8'));
    expect(summary).toMatch(/PASS/);
    expect(junitOf(join(dir, junit.with.report_paths))).toEqual({ tests: 20, failed: [] });
    expect(existsSync(join(dir, upload.with.path, 'report.html'))).toBe(true);
  });

  it('against a receiver that accepts stale timestamps: the job fails, and the summary and reports still get published', { timeout: 120_000 }, async () => {
    const { dir, summary, ran, failed } = await runJob(FLAWED);
    expect(ran['hookgate check'].code).toBe(1);
    expect(failed).toBe(true);
    expect(ran['job summary'].code).toBe(0);
    expect(summary).toMatch(/FAIL/);
    expect(summary).toContain('signature.stale-timestamp');
    expect(junitOf(join(dir, junit.with.report_paths)).failed).toContain('signature.stale-timestamp');
    expect(existsSync(join(dir, upload.with.path, 'report.html'))).toBe(true);
  });
});

// ---------------------------------------------------------------- GitLab CI job

describe('GitLab CI job (examples/ci/gitlab-ci.yml)', () => {
  const job = yamlOf('examples/ci/gitlab-ci.yml').hookgate;

  it('reports junit.xml to the merge request widget and exposes report.html, keeping artifacts on failure', () => {
    expect(job.artifacts.when).toBe('always');
    expect(job.artifacts.reports.junit).toBe('hookgate-report/junit.xml');
    expect(job.artifacts.expose_as).toMatch(/^[\w\s-]+$/);
    expect(job.artifacts.paths).toContain('hookgate-report/report.html');
    // GitLab exposes only plain paths: no ./, no wildcards or variables, folders ending in /.
    for (const p of job.artifacts.paths as string[]) expect(p).toMatch(/^(?!\.\/)[\w./-]+$/);
    expect(job.script[1]).toContain('--start "$RECEIVER_START"');
  });

  async function runJob(receiver: string) {
    const dir = mkdtempSync(join(tmpdir(), 'hookgate-gitlab-'));
    const env = { ...job.variables, RECEIVER_START: receiver };
    // The runner stops at the first failing script line; after_script runs regardless.
    let failedAt = -1;
    for (const [i, line] of (job.script as string[]).entries()) {
      if (line === 'npm ci') continue;
      const r = await sh(line, env, dir, ['bash', '-eo', 'pipefail']);
      if (r.code !== 0) {
        failedAt = i;
        break;
      }
    }
    const after = await sh((job.after_script as string[]).join('\n'), env, dir, ['bash', '-eo', 'pipefail']);
    return { dir, failedAt, after };
  }

  it('its script, run here against a correct receiver, passes; the junit report and every artifact path exist', { timeout: 120_000 }, async () => {
    const { dir, failedAt, after } = await runJob(CORRECT);
    expect(failedAt, after.out).toBe(-1);
    expect(after.out).toMatch(/PASS/);
    expect(junitOf(join(dir, job.artifacts.reports.junit))).toEqual({ tests: 20, failed: [] });
    for (const p of job.artifacts.paths as string[]) expect(existsSync(join(dir, p)), p).toBe(true);
  });

  it('against a flawed receiver the job fails at the check, after_script still shows the failure, artifacts exist', { timeout: 120_000 }, async () => {
    const { dir, failedAt, after } = await runJob(FLAWED);
    expect(failedAt).toBe(1);
    expect(after.out).toContain('signature.stale-timestamp');
    for (const p of job.artifacts.paths as string[]) expect(existsSync(join(dir, p)), p).toBe(true);
  });
});

// ---------------------------------------------------------------- the composite action

describe('composite action (action.yml)', () => {
  const action = yamlOf('action.yml');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

  it('is composite, takes provider, url or start, secret and extra args, and runs the release it is tagged with', () => {
    expect(action.runs.using).toBe('composite');
    expect(action.inputs.provider.required).toBe(true);
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['provider', 'url', 'start', 'ready-url', 'secret', 'args', 'out']));
    expect(action.inputs.version.default).toBe(pkg.version);
    const text = readFileSync(join(ROOT, 'action.yml'), 'utf8');
    for (const [, name] of text.matchAll(/inputs\.([\w-]+)/g)) expect(Object.keys(action.inputs)).toContain(name);
    // Inputs reach scripts only through env: an input spliced into `run` could execute as code.
    for (const s of action.runs.steps as Doc[]) expect(String(s.run)).not.toMatch(/\$\{\{/);
  });

  /** Runs the action's steps as the runner would, with `with:` inputs over the defaults. */
  async function runAction(withInputs: Record<string, string>, extraEnv: Record<string, string> = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'hookgate-action-'));
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, '');
    const defaults = Object.fromEntries(Object.entries(action.inputs as Record<string, Doc>).map(([k, v]) => [k, String(v.default ?? '')]));
    const ctx: Context = { inputs: { ...defaults, ...withInputs }, steps: {} };
    const ran: Record<string, Ran> = {};
    let failed = false;
    for (const [i, s] of (action.runs.steps as Doc[]).entries()) {
      if (!condition(s.if, ctx, failed)) continue;
      const output = join(dir, `output-${i}`);
      const env = Object.fromEntries(Object.entries((s.env ?? {}) as Record<string, string>).map(([k, v]) => [k, interpolate(v, ctx)]));
      const r = await sh(s.run, { ...extraEnv, ...env, GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output }, dir, ['bash', '--noprofile', '--norc', '-eo', 'pipefail']);
      ran[s.id ?? s.name] = r;
      if (s.id) ctx.steps![s.id] = outputsOf(output);
      failed ||= r.code !== 0;
    }
    const outputs = Object.fromEntries(Object.entries(action.outputs as Record<string, Doc>).map(([k, v]) => [k, interpolate(v.value, ctx)]));
    return { dir, summary: readFileSync(summary, 'utf8'), ran, failed, outputs };
  }

  it('with `start`: runs the check, appends the summary, and passes', { timeout: 120_000 }, async () => {
    const r = await runAction({ provider: 'optipick', start: CORRECT, 'ready-url': 'http://127.0.0.1:0/healthz', args: '--only signature.,status. --strict' });
    expect(r.outputs['exit-code'], r.ran.check.out).toBe('0');
    expect(r.failed).toBe(false);
    expect(r.ran.check.out).toMatch(/\(14 checks/);
    expect(r.summary).toBe(readFileSync(join(r.dir, r.outputs['report-dir'], 'summary.md'), 'utf8'));
    expect(existsSync(join(r.dir, 'hookgate-report/junit.xml'))).toBe(true);
  });

  it('with `url` and `secret` for a receiver already running: passes, and never prints the secret', { timeout: 120_000 }, async () => {
    const receiver = await startExample('svix-correct.mjs', SECRET, '/webhook');
    open.push(receiver);
    const r = await runAction({ provider: 'dimmy', url: receiver.url, secret: SECRET, args: '--only signature.valid,signature.wrong-secret', out: 'gate' });
    expect(r.outputs['exit-code'], r.ran.check.out).toBe('0');
    expect(r.outputs['report-dir']).toBe('gate');
    const everything = Object.values(r.ran).map((x) => x.out).join('\n') + r.summary + readFileSync(join(r.dir, 'gate/results.json'), 'utf8');
    expect(everything).not.toContain(SECRET.slice('whsec_'.length));
  });

  it('against a flawed receiver: exit-code 1, the summary still appended, the last step fails', { timeout: 120_000 }, async () => {
    const r = await runAction({ provider: 'optipick', start: FLAWED, args: '--only signature.stale-timestamp,signature.valid' });
    expect(r.outputs['exit-code']).toBe('1');
    expect(r.ran['job summary'].code).toBe(0);
    expect(r.summary).toContain('signature.stale-timestamp');
    expect(r.ran.verdict.code).toBe(1);
  });

  it('examples/ci/github-actions-uses-action.yml uses this release of it with inputs it has, and publishes its report-dir', { timeout: 120_000 }, async () => {
    const wf = yamlOf('examples/ci/github-actions-uses-action.yml');
    const use = (wf.jobs.hookgate.steps as Doc[]).find((s) => s.id === 'hookgate')!;
    expect(use.uses).toBe(`hookgate/hookgate@v${pkg.version}`);
    for (const k of Object.keys(use.with)) expect(Object.keys(action.inputs)).toContain(k);
    const publish = (wf.jobs.hookgate.steps as Doc[]).find((s) => String(s.uses).startsWith('mikepenz/'))!;
    expect(publish.with.report_paths).toBe('${{ steps.hookgate.outputs.report-dir }}/junit.xml');
    // Its inputs, run here with the bundled receiver in place of `npm start`.
    const r = await runAction({ ...use.with, start: CORRECT });
    expect(r.outputs['exit-code'], r.ran.check.out).toBe('0');
    expect(existsSync(join(r.dir, interpolate(publish.with.report_paths, { steps: { hookgate: r.outputs } })))).toBe(true);
  });
});
