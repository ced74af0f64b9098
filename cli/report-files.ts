import { mkdirSync, writeFileSync, accessSync, constants } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { HookgateError } from '../fixtures/hookgate-error.js';
import type { RunResults } from '../suites/types.js';
import { resultsJson } from '../reports/results-json.js';
import { junitXml } from '../reports/junit.js';
import { summaryMarkdown } from '../reports/summary-md.js';
import { reportHtml } from '../reports/report-html.js';

/** Fails early (exit 2) when the report folder cannot be written, before any request is sent. */
export function prepareOutDir(out: string, cwd: string): string {
  const dir = resolve(cwd, out);
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
