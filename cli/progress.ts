import type { CheckResult, RunResults } from '../suites/types.js';
import { printable } from './printable.js';

const MARK: Record<CheckResult['status'], string> = { pass: '✓', fail: '✗', warn: '!', skip: '-', error: 'E' };

/** One line per finished check on stderr, so CI logs show progress as it happens and stdout stays for the verdict. */
export function progressLine(r: CheckResult, done: number, total: number): string {
  const msg = printable(r.message.length > 110 ? r.message.slice(0, 107) + '…' : r.message);
  return `[${String(done).padStart(String(total).length)}/${total}] ${MARK[r.status]} ${r.id} ${r.status.toUpperCase()} (${r.durationMs} ms) ${r.status === 'pass' ? '' : msg}`.trimEnd() + '\n';
}

/** The compact verdict at the end: what failed, where the reports are, how to replay. */
export function verdictText(r: RunResults, outDir: string): string {
  const s = r.summary;
  const failed = r.checks.filter((c) => c.status === 'fail' || (c.status === 'error' && c.severity === 'must'));
  const warned = r.checks.filter((c) => c.status === 'warn');
  const lines = [
    `${r.interrupted ? 'INTERRUPTED' : s.verdict === 'pass' ? 'PASS' : 'FAIL'}  ${r.provider} ${r.target}  —  ${s.passed} passed, ${s.failed} failed, ${s.warned} warned, ${s.skipped} skipped, ${s.errored} errored  (${(r.durationMs / 1000).toFixed(1)} s, seed ${r.seed}${r.interrupted ? ', INTERRUPTED' : ''})`,
  ];
  for (const c of failed) lines.push(`  ✗ ${c.id}: ${printable(c.message)}`);
  for (const c of warned) lines.push(`  ! ${c.id}: ${printable(c.message)}`);
  lines.push(`reports: ${outDir}/report.html (open in a browser), summary.md, results.json, junit.xml`);
  return lines.join('\n') + '\n';
}
