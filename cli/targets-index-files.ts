import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IndexEntry } from '../suites/targets/target-entry.js';
import { targetsIndexHtml } from '../reports/targets-index-html.js';
import { targetsSummaryMarkdown } from '../reports/targets-summary-md.js';

/**
 * index.json, index.html and summary.md of a `--targets` run (or a merge of several). Each is
 * written to a temporary name and renamed, so a reader (a CI step, a browser refresh) never sees
 * half an index while the run rewrites it after every target.
 */
export function writeTargetsIndex(dir: string, entries: readonly IndexEntry[], meta: { startedAt: string; durationMs: number; version: string }): void {
  const files: Array<[string, string]> = [
    ['index.json', JSON.stringify(entries, null, 2) + '\n'],
    ['index.html', targetsIndexHtml(entries, meta)],
    ['summary.md', targetsSummaryMarkdown(entries)],
  ];
  for (const [name, text] of files) {
    const tmp = join(dir, `.${name}.tmp`);
    writeFileSync(tmp, text);
    renameSync(tmp, join(dir, name));
  }
}
