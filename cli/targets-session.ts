import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Io } from './io.js';
import { checkRunOptions, type CheckOpts } from './check-session.js';
import { prepareOutDir, writeReports } from './report-files.js';
import { colorEnabled } from './progress.js';
import { readCaFile } from './ca-file.js';
import { parseShard } from './load-command.js';
import { EXIT, HookgateError } from '../fixtures/hookgate-error.js';
import { runCheck } from '../api/run-check.js';
import { requestHeaders } from '../api/request-headers.js';
import { TOOL_VERSION } from '../api/version.js';
import { parseTargetsText, readTargets, type Target } from '../suites/targets/targets-file.js';
import { runBounded, type Finished } from '../suites/targets/run-bounded.js';
import { indexEntry, targetsExitCode, type IndexEntry, type TargetOutcome } from '../suites/targets/target-entry.js';
import type { CheckRun } from '../api/types.js';
import { writeTargetsIndex } from './targets-index-files.js';

/*
 * `hookgate check --targets FILE`: the conformance suite against many integrators in one process
 * (its warm state — compiled code, payload arbitraries — shared by all), at most
 * --target-concurrency at once, each within --target-timeout. Every target gets its own report
 * folder; the index (index.json, index.html, summary.md) is rewritten as targets finish, so an
 * interrupted or crashed run of a thousand integrators still leaves a usable index behind.
 */

export interface TargetsOpts extends CheckOpts {
  targets: string;
  targetConcurrency: number;
  targetTimeout: number;
  safe: boolean;
  maxRate?: number;
  shard?: string;
}

/** Options that name one receiver: in a targets run each target brings its own (they may come from a config file). */
const PER_TARGET = { url: '--url', secret: '--secret', provider: '--provider', effectsUrl: '--effects-url' } as const;
/** Options that cannot apply to many remote receivers at once. */
const REFUSED = { start: '--start', readyUrl: '--ready-url', apiPort: '--api-port' } as const;

function readTargetsFile(path: string, io: Io): Target[] {
  const abs = resolve(io.cwd, path);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new HookgateError('BAD_CONFIG', `--targets file ${path} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}`, 'pass a JSON or YAML file listing {name, provider, url, secretEnv}');
  }
  return readTargets(parseTargetsText(text, path), path, io.env);
}

export async function runTargetsSession(o: TargetsOpts, io: Io): Promise<number> {
  for (const [k, flag] of Object.entries(REFUSED)) {
    if (o[k as keyof typeof REFUSED] !== undefined) throw new HookgateError('BAD_OPTION', `${flag} cannot be combined with --targets`, 'hookgate checks receivers that are already running when it checks many; start them first');
  }
  const ignored = Object.entries(PER_TARGET).filter(([k]) => o[k as keyof typeof PER_TARGET] !== undefined).map(([, flag]) => flag);
  if (ignored.length) io.err(`hookgate: ${ignored.join(', ')} ignored: with --targets each target's comes from the targets file\n`);
  const all = readTargetsFile(o.targets, io);
  const shard = o.shard !== undefined ? parseShard(o.shard) : undefined;
  const targets = shard ? all.filter((_, i) => i % shard.n === shard.k - 1) : all;
  const globalHeaders = requestHeaders(o.header);
  const ca = o.ca !== undefined ? readCaFile(o.ca, io.cwd) : undefined;
  const outDir = prepareOutDir(o.out, io.cwd);
  const color = colorEnabled(io);
  const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const startedAt = new Date();
  const started = performance.now();

  io.err(
    `hookgate check --targets: ${targets.length} target${targets.length === 1 ? '' : 's'}${shard ? ` (shard ${shard.k}/${shard.n} of ${all.length})` : ''}, ${o.targetConcurrency} at once, ${o.targetTimeout} s each at most${o.safe ? ', --safe' : ''}${o.maxRate ? `, at most ${o.maxRate} requests/s per target` : ''}\n`,
  );
  if (o.insecure) io.err('hookgate: WARNING: --insecure: certificates of the targets are not verified\n');
  if (targets.length === 0) {
    io.err(`hookgate: this shard has no targets (${all.length} targets, ${shard!.n} shards)\n`);
  }

  const entries: Array<IndexEntry | undefined> = new Array(targets.length);
  const durations: number[] = new Array(targets.length).fill(0);
  let finished = 0;
  const writeIndex = () => writeTargetsIndex(outDir, entries.filter((e): e is IndexEntry => e !== undefined), { startedAt: startedAt.toISOString(), durationMs: performance.now() - started, version: TOOL_VERSION });

  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    await runBounded<Target, { outcome: TargetOutcome; run?: CheckRun }>({
      items: targets,
      concurrency: o.targetConcurrency,
      timeoutMs: o.targetTimeout * 1000,
      signal: abort.signal,
      async run(t, signal, i) {
        const t0 = performance.now();
        try {
          const run = await runCheck({
            ...checkRunOptions(o),
            provider: t.provider,
            url: t.url,
            secret: t.secret,
            events: t.events,
            effectsUrl: t.effectsUrl,
            headers: [...globalHeaders, ...t.headers],
            ca,
            signal,
          });
          return { outcome: { kind: 'results', results: run.results }, run };
        } catch (e) {
          if (e instanceof HookgateError) return { outcome: e.exitCode === EXIT.unreachable ? { kind: 'unreachable', message: `${e.message} (${e.hint})` } : { kind: 'error', message: `${e.message} (${e.hint})` } };
          return { outcome: { kind: 'error', message: `internal error: ${(e as Error).message}` } };
        } finally {
          durations[i] = performance.now() - t0;
        }
      },
      onFinished(t, i, f) {
        const outcome = outcomeOf(f, o.targetTimeout * 1000, abort.signal.aborted);
        const dir = join(outDir, t.folder);
        mkdirSync(dir, { recursive: true });
        const done = f.kind === 'done' ? f.value : undefined;
        const results = outcome.kind === 'results' || outcome.kind === 'timed-out' ? outcome.results : undefined;
        if (results) writeReports(dir, { ...results, invocation: { url: results.target, out: join(o.out, t.folder) } }, { attachments: new Map(done?.run?.attachments ?? []) });
        const entry = indexEntry(t, outcome, durations[i]);
        if (!results) writeFileSync(join(dir, 'target.json'), JSON.stringify(entry, null, 2) + '\n');
        entries[i] = entry;
        finished++;
        const mark = entry.verdict === 'pass' ? paint('32', '✓') : paint('31', '✗');
        const word = entry.verdict.toUpperCase();
        const why = entry.verdict === 'pass' ? '' : entry.failed.length ? `  ${entry.failed.join(', ')}` : `  ${entry.reason}`;
        const width = String(targets.length).length;
        io.err(`[${String(finished).padStart(width)}/${targets.length}] ${mark} ${t.name} (${t.provider}) ${word} (${(entry.durationMs / 1000).toFixed(1)} s)${why.length > 220 ? `${why.slice(0, 217)}...` : why}\n`);
        writeIndex();
      },
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  const done = entries.filter((e): e is IndexEntry => e !== undefined);
  writeIndex();
  const count = (v: IndexEntry['verdict']) => done.filter((e) => e.verdict === v).length;
  const total = (performance.now() - started) / 1000;
  const headline = `${count('pass')} of ${done.length} passed · ${count('fail')} failed · ${count('unreachable')} unreachable · ${count('timed-out')} timed out  (${total.toFixed(1)} s)`;
  io.out(`${count('pass') === done.length && done.length > 0 ? paint('32', 'PASS') : paint('31', 'FAIL')}  targets  —  ${headline}\n`);
  io.out(`index: ${join(outDir, 'index.html')} (open in a browser), index.json, summary.md; one folder per target\n`);
  if (abort.signal.aborted) return EXIT.interrupted;
  if (done.length === 0) return EXIT.ok;
  return targetsExitCode(done);
}

function outcomeOf(f: Finished<{ outcome: TargetOutcome }>, budgetMs: number, interrupted: boolean): TargetOutcome {
  switch (f.kind) {
    case 'done': {
      const o = f.value.outcome;
      if (f.timedOut && !interrupted) return { kind: 'timed-out', budgetMs, results: o.kind === 'results' ? o.results : undefined };
      return o;
    }
    case 'rejected':
      return f.timedOut ? { kind: 'timed-out', budgetMs } : { kind: 'error', message: `internal error: ${(f.error as Error)?.message ?? String(f.error)}` };
    case 'abandoned':
      return interrupted ? { kind: 'error', message: 'interrupted: did not wind down in time' } : { kind: 'timed-out', budgetMs };
    case 'not-run':
      return { kind: 'error', message: 'interrupted before it ran' };
  }
}
