import type { IndexEntry } from '../suites/targets/target-entry.js';
import { mdCode, mdText } from './md-escape.js';

/*
 * summary.md of `check --targets`: the counts, then the targets that did not pass (what failed,
 * why), then one table row per target, bounded so thousands of integrators still fit a CI step
 * summary (1 MiB) — past the cap the rest are counted, and index.json has them all.
 */

const MAX_BYTES = 900 * 1024;
const IDS_MAX = 6;

export function targetsSummaryMarkdown(entries: readonly IndexEntry[]): string {
  const n = (v: IndexEntry['verdict']) => entries.filter((e) => e.verdict === v).length;
  const all = entries.length;
  const head = [
    `## hookgate check --targets: ${n('pass') === all ? '✅' : '❌'} ${n('pass')} of ${all} passed`,
    '',
    `pass ${n('pass')} · fail ${n('fail')} · unreachable ${n('unreachable')} · timed out ${n('timed-out')}`,
    '',
    '| Integrator | Provider | Verdict | Failed MUST checks | Warnings | p99 | Report |',
    '|---|---|---|---|---|---|---|',
  ];
  const ids = (xs: string[]) => (xs.length ? xs.slice(0, IDS_MAX).map(mdCode).join(' ') + (xs.length > IDS_MAX ? ` +${xs.length - IDS_MAX}` : '') : '—');
  const order: Record<IndexEntry['verdict'], number> = { fail: 0, 'timed-out': 1, unreachable: 2, pass: 3 };
  const rows = [...entries]
    .sort((a, b) => order[a.verdict] - order[b.verdict] || a.name.localeCompare(b.name))
    .map((e) => `| ${mdText(e.name)} | ${mdText(e.provider)} | ${e.verdict}${e.verdict === 'pass' ? '' : `: ${mdText(e.reason.slice(0, 160))}`} | ${ids(e.failed)} | ${ids(e.warned)} | ${e.p99Ms === null ? '—' : `${e.p99Ms} ms`} | [report](${encodeURI(e.report)}) |`);
  const out = [...head];
  let bytes = Buffer.byteLength(out.join('\n'));
  let shown = 0;
  for (const r of rows) {
    const b = Buffer.byteLength(r) + 1;
    if (bytes + b > MAX_BYTES) break;
    out.push(r);
    bytes += b;
    shown++;
  }
  if (shown < rows.length) out.push('', `${rows.length - shown} more targets not shown (size limit): see index.json or index.html.`);
  out.push('');
  return out.join('\n');
}
