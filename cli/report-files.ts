import { mkdirSync, writeFileSync, accessSync, constants, realpathSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { HookgateError } from '../fixtures/hookgate-error.js';
import type { RunResults } from '../suites/types.js';
import { resultsJson } from '../reports/results-json.js';
import { junitXml } from '../reports/junit.js';
import { summaryMarkdown } from '../reports/summary-md.js';
import { reportHtml } from '../reports/report-html.js';
import type { LoadResults } from '../suites/load/types.js';
import { loadJson } from '../reports/load-json.js';
import { loadSummaryMd, type LoadSummaryOptions } from '../reports/load-summary-md.js';
import { loadReportHtml } from '../reports/load-report-html.js';
import { loadJunitXml } from '../reports/load-junit.js';

/** Kernel pseudo-filesystems: nothing hookgate writes belongs there, and node's recursive mkdir never returns under /proc. */
const SYSTEM_ROOTS = ['/proc', '/sys', '/dev'];
/** Under /dev, but a real (memory) filesystem. */
const ALLOWED_UNDER_SYSTEM = ['/dev/shm'];

const under = (path: string, root: string) => path === root || path.startsWith(root + '/');

/** `abs` with its deepest existing ancestor's symlinks resolved (a link to /proc is /proc). */
function realPathOf(abs: string): string {
  for (let p = abs; ; p = dirname(p)) {
    try {
      return join(realpathSync(p), relative(p, abs));
    } catch {
      if (dirname(p) === p) return abs;
    }
  }
}

/**
 * Refuses (exit 2) a path to write under /proc, /sys or /dev (symlinks followed), before anything
 * touches it: those are the kernel's, and mkdir there hangs or fails in confusing ways.
 */
export function refuseSystemPath(abs: string, flag: string, fix: string): void {
  for (const p of new Set([abs, realPathOf(abs)])) {
    const root = SYSTEM_ROOTS.find((r) => under(p, r));
    if (root && !ALLOWED_UNDER_SYSTEM.some((a) => under(p, a))) {
      throw new HookgateError('OUTPUT_UNWRITABLE', `${flag} ${abs}${p === abs ? '' : ` (really ${p})`} is under ${root}, the kernel's pseudo-filesystem: hookgate does not write there`, fix);
    }
  }
}

/** Fails early (exit 2) when the report folder cannot be written, before any request is sent. */
export function prepareOutDir(out: string, cwd: string): string {
  const dir = resolve(cwd, out);
  refuseSystemPath(dir, '--out', 'pass --out with a folder on a real disk, e.g. --out ./hookgate-report');
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new HookgateError('OUTPUT_UNWRITABLE', `cannot write reports to ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'pass --out with a folder you can write to');
  }
  return dir;
}

export interface WrittenReports {
  files: string[];
}

/** One writer per format; each file is written whole so a reader never sees half a report. */
export function writeReports(dir: string, r: RunResults, opts: { attachments?: Map<string, Buffer> } = {}): WrittenReports {
  for (const [rel, body] of opts.attachments ?? []) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), body);
  }
  const files: [string, string][] = [
    ['results.json', resultsJson(r)],
    ['junit.xml', junitXml(r)],
    ['summary.md', summaryMarkdown(r)],
    ['report.html', reportHtml(r)],
  ];
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  return { files: files.map(([n]) => join(dir, n)) };
}

/** The four reports of a load run (or a merged one), from one verdict rule: they cannot disagree with the exit code. */
export function writeLoadReports(dir: string, r: LoadResults, opts: LoadSummaryOptions): void {
  const files: [string, string][] = [
    ['load.json', loadJson(r)],
    ['summary.md', loadSummaryMd(r, opts)],
    ['report.html', loadReportHtml(r, opts)],
    ['junit.xml', loadJunitXml(r, opts)],
  ];
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
}
