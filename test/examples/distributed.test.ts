import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { listen, type Running } from '../helpers/receivers.js';
import type { LoadResults } from '../../suites/load/types.js';

/*
 * The recipes in examples/distributed/: what can be checked here is checked — their structure as
 * the orchestrators require it, and the very commands they run, as a local N-process run against a
 * loopback receiver (rate and duration scaled down, `npx -y hookgate` → the built CLI), then merged.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'dist/cli/main.js');
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
// Orchestrator documents are free-form: the test reads them as plain data.
type Doc = Record<string, any>;
const docs = (file: string): Doc[] => parseAllDocuments(readFileSync(join(ROOT, 'examples/distributed', file), 'utf8')).map((d) => d.toJS() as Doc);

const open: Running[] = [];
afterAll(async () => {
  await Promise.all(open.map((r) => r.close()));
});

/** Runs a recipe's shell command locally: the real CLI, a small load, the given environment. */
function sh(command: string, env: Record<string, string>, cwd: string): Promise<{ code: number; out: string }> {
  const local = command
    // A test machine running other suites at once may make a shard late to its schedule (an invalid run);
    // the recipes' plumbing is what is tested here, so the merge judges the thresholds regardless.
    .replace(/hookgate merge (.*?) --out (\S+)/, 'hookgate merge $1 --out $2 --allow-invalid')
    .replace(/npx -y hookgate/g, `"${process.execPath}" "${BIN}"`)
    .replace(/--rate \d+/, '--rate 100')
    .replace(/--duration \d+/, '--duration 1')
    .replace(/--threshold "p99<250ms"/, '--threshold "p99<5s"');
  return new Promise((done) => {
    execFile('sh', ['-c', local], { cwd, env: { PATH: process.env.PATH ?? '', ...env } }, (err, stdout, stderr) => done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }));
  });
}

async function receiver(): Promise<{ r: Running; total: () => number }> {
  let n = 0;
  const r = await listen((req, res) => {
    req.resume();
    req.on('end', () => {
      n++;
      res.writeHead(200).end();
    });
  }, '/webhook');
  open.push(r);
  return { r, total: () => n };
}

describe('Kubernetes Indexed Job recipe', () => {
  const [pvc, job] = docs('kubernetes-indexed-job.yaml');
  const [merge] = docs('kubernetes-merge-job.yaml');

  it('is an Indexed Job that never retries a shard, with results on a ReadWriteMany volume', () => {
    expect(pvc.kind).toBe('PersistentVolumeClaim');
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']);
    expect(job.kind).toBe('Job');
    expect(job.spec.completionMode).toBe('Indexed');
    expect(job.spec.parallelism).toBe(job.spec.completions);
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    const c = job.spec.template.spec.containers[0];
    expect(c.env.find((e: Doc) => e.name === 'N').value).toBe(String(job.spec.completions));
    expect(c.args[0]).toContain('K=$((JOB_COMPLETION_INDEX + 1))');
    expect(c.args[0]).toContain('--shard "$K/$N" --start-at "$START_AT"');
    expect(merge.spec.template.spec.containers[0].args[0]).toContain('hookgate merge /results/shard-*');
  });

  it('its commands, run here as 2 local processes and merged, give one judged run', async () => {
    const { r, total } = await receiver();
    const dir = mkdtempSync(join(tmpdir(), 'hookgate-k8s-'));
    const shardCmd = (job.spec.template.spec.containers[0].args[0] as string).replace(/\/results/g, dir);
    const startAt = String(Math.ceil(Date.now() / 1000) + 2);
    const runs = await Promise.all([0, 1].map((i) => sh(shardCmd, { JOB_COMPLETION_INDEX: String(i), N: '2', START_AT: startAt, TARGET_URL: r.url, HOOKGATE_SECRET: SECRET }, dir)));
    for (const run of runs) expect(run.code, run.out).toBe(0);
    const merged = await sh((merge.spec.template.spec.containers[0].args[0] as string).replace(/\/results/g, dir), {}, dir);
    expect(merged.code, merged.out).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'merged', 'load.json'), 'utf8')) as LoadResults;
    expect(m.requests).toBe(100);
    expect(m.thresholds.map((t) => t.expr)).toEqual(['p99<5s', 'errors<0.1%']);
    expect(total()).toBe(102);
  });
});

describe('GitHub Actions matrix recipe', () => {
  const [wf] = docs('github-actions-matrix.yml');

  it('never cancels sibling shards, uploads one uniquely named artifact per shard, and merges them after', () => {
    expect(wf.jobs.shard.strategy['fail-fast']).toBe(false);
    expect(wf.jobs.shard.strategy.matrix.shard).toHaveLength(wf.env.N);
    const upload = wf.jobs.shard.steps.find((s: Doc) => String(s.uses).startsWith('actions/upload-artifact'));
    expect(upload.with.name).toContain('${{ matrix.shard }}');
    expect(wf.jobs.merge.needs).toBe('shard');
    const download = wf.jobs.merge.steps.find((s: Doc) => String(s.uses).startsWith('actions/download-artifact'));
    expect(download.with.pattern).toBe('load-shard-*');
  });

  it('its commands, run here as 2 local processes and merged, give one judged run', async () => {
    const { r } = await receiver();
    const dir = mkdtempSync(join(tmpdir(), 'hookgate-gha-'));
    const load = wf.jobs.shard.steps.find((s: Doc) => s.name === 'load');
    const startAt = String(Math.ceil(Date.now() / 1000) + 2);
    const runs = await Promise.all(
      [1, 2].map((k) => sh(`${load.run} && mkdir -p load-shard-${k} && cp shard-${k}/* load-shard-${k}/`, { K: String(k), N: '2', START_AT: startAt, TARGET_URL: r.url, HOOKGATE_SECRET: SECRET }, dir)),
    );
    for (const run of runs) expect(run.code, run.out).toBe(0);
    const mergeStep = wf.jobs.merge.steps.find((s: Doc) => s.name === 'merge');
    const merged = await sh(mergeStep.run, {}, dir);
    expect(merged.code, merged.out).toBe(0);
    expect((JSON.parse(readFileSync(join(dir, 'merged', 'load.json'), 'utf8')) as LoadResults).requests).toBe(100);
  });
});
