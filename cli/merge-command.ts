import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import type { Io } from './io.js';
import { MERGE_OPTIONS } from './option-specs.js';
import { resolveFor } from './context.js';
import { prepareOutDir, writeLoadReports } from './report-files.js';
import { colorEnabled } from './progress.js';
import { loadTable } from './load-text.js';
import { EXIT, HookgateError } from '../fixtures/hookgate-error.js';
import { mergeShards } from '../suites/load/merge.js';
import { loadVerdict } from '../suites/load/verdict.js';
import type { LoadResults } from '../suites/load/types.js';
import { targetsExitCode, type IndexEntry } from '../suites/targets/target-entry.js';
import { writeTargetsIndex } from './targets-index-files.js';
import { TOOL_VERSION } from '../api/version.js';

interface MergeOpts {
  out: string;
  allowInvalid: boolean;
}

export function registerMerge(program: Command, io: Io, setCode: (c: number) => void): void {
  program
    .command('merge')
    .argument('<dirs...>', 'the folders (or load.json files) the shards of one run wrote')
    .description('merge the load.json of N shards (hookgate load --shard K/N) into one run and judge its thresholds on the merged figures, or the folders of `check --targets --shard K/N` runs into one index')
    .option('--out <dir>', 'report folder for the merged run (default ./hookgate-load)')
    .option('--allow-invalid', 'judge the thresholds even when a shard\'s generator was the bottleneck')
    .addHelpText('after', '\nExit codes: as `hookgate load`: 0 every threshold held, 1 one failed, 2 the inputs are not the N shards of one run.\n\nExample:\n  $ hookgate merge results/shard-1 results/shard-2 results/shard-3 --out results/merged\n')
    .action(async (dirs: string[], flags: Record<string, unknown>) => setCode(runMerge(dirs, resolveFor<MergeOpts>(MERGE_OPTIONS, flags, io), io)));
}

function readShard(path: string, cwd: string): { name: string; r: LoadResults } {
  const abs = resolve(cwd, path);
  const file = existsSync(abs) && statSync(abs).isDirectory() ? join(abs, 'load.json') : abs;
  let r: LoadResults;
  try {
    r = JSON.parse(readFileSync(file, 'utf8')) as LoadResults;
  } catch (e) {
    const hasTargets = existsSync(join(abs, 'index.json'));
    throw new HookgateError(
      'BAD_OPTION',
      hasTargets ? `${path} is a --targets report, not a load run: merging the two kinds is not possible` : `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      'pass the --out folders of `hookgate load --shard K/N` runs',
    );
  }
  if (r?.schemaVersion !== 1 || !Array.isArray(r.timeline) || typeof r.histogram !== 'string') {
    throw new HookgateError('BAD_OPTION', `${file} is not a hookgate load.json`, 'pass the --out folders of `hookgate load --shard K/N` runs');
  }
  return { name: path, r };
}

/** What a folder holds: a `check --targets` index, a load run, or neither (then readShard says what is wrong). */
function kindOf(path: string, cwd: string): 'targets' | 'load' {
  const abs = resolve(cwd, path);
  const dir = existsSync(abs) && statSync(abs).isDirectory();
  return dir && existsSync(join(abs, 'index.json')) && !existsSync(join(abs, 'load.json')) ? 'targets' : 'load';
}

/** The shards of a `check --targets` run (one index.json each) as one index, the report links rebased onto --out. */
function mergeTargets(dirs: string[], o: MergeOpts, io: Io): number {
  const outDir = prepareOutDir(o.out, io.cwd);
  const entries: IndexEntry[] = [];
  for (const d of dirs) {
    const abs = resolve(io.cwd, d);
    let list: IndexEntry[];
    try {
      list = JSON.parse(readFileSync(join(abs, 'index.json'), 'utf8')) as IndexEntry[];
    } catch (e) {
      throw new HookgateError('BAD_OPTION', `cannot read ${join(d, 'index.json')}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'pass the --out folders of `hookgate check --targets … --shard K/N` runs');
    }
    if (!Array.isArray(list) || !list.every((e) => e && typeof e.name === 'string' && typeof e.verdict === 'string' && typeof e.report === 'string')) {
      throw new HookgateError('BAD_OPTION', `${join(d, 'index.json')} is not a hookgate --targets index`, 'pass the --out folders of `hookgate check --targets … --shard K/N` runs');
    }
    for (const e of list) entries.push({ ...e, report: relative(outDir, join(abs, e.report)).split(sep).join('/') + (e.report.endsWith('/') ? '/' : '') });
  }
  writeTargetsIndex(outDir, entries, { startedAt: new Date().toISOString(), durationMs: entries.reduce((a, e) => Math.max(a, e.durationMs ?? 0), 0), version: TOOL_VERSION });
  const pass = entries.filter((e) => e.verdict === 'pass').length;
  io.out(`merged ${dirs.length} --targets shards: ${pass} of ${entries.length} targets passed\n`);
  io.out(`index: ${join(outDir, 'index.html')} (open in a browser), index.json, summary.md\n`);
  return targetsExitCode(entries);
}

export function runMerge(dirs: string[], o: MergeOpts, io: Io): number {
  const kinds = new Set(dirs.map((d) => kindOf(d, io.cwd)));
  if (kinds.size > 1) {
    throw new HookgateError('BAD_OPTION', 'these folders mix --targets reports and load runs: merging the two kinds is not possible', 'merge the shards of one kind of run at a time');
  }
  if (kinds.has('targets')) return mergeTargets(dirs, o, io);
  const parts = dirs.map((d) => readShard(d, io.cwd));
  const merged = mergeShards(parts);
  const outDir = prepareOutDir(o.out, io.cwd);
  const verdict = loadVerdict(merged, { allowInvalid: o.allowInvalid });
  writeLoadReports(outDir, merged, { allowInvalid: o.allowInvalid });
  io.out(`merged ${parts.length} shards\n`);
  io.out(loadTable(merged, verdict, { color: colorEnabled(io) }));
  io.out(`reports: ${outDir}/report.html (open in a browser), summary.md, load.json, junit.xml\n`);
  return merged.interrupted ? EXIT.interrupted : verdict.exitCode;
}
