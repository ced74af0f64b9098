import { styleText } from 'node:util';
import type { CheckResult, RunResults } from '../suites/types.js';
import type { Io } from './io.js';
import { printable } from './printable.js';
import { cut, replayCommand, rerunCommand, showInvisible } from '../reports/report-text.js';
import { countedSkips, unverifiedNotes } from '../reports/unverified.js';

const MARK: Record<CheckResult['status'], string> = { pass: '✓', fail: '✗', warn: '!', skip: '-', error: 'E' };

type Style = Parameters<typeof styleText>[0];
const STATUS_STYLE: Record<CheckResult['status'], Style> = { pass: 'green', fail: 'red', warn: 'yellow', skip: 'gray', error: 'magenta' };

export interface TextOptions {
  /** ANSI colours on the status words (see `colorEnabled`). */
  color?: boolean;
}

/**
 * Whether to colour terminal output, as node decides for itself but from the command's Io (tests pass
 * their own): FORCE_COLOR wins (0 or false: off), then NO_COLOR, NODE_DISABLE_COLORS or TERM=dumb turn it
 * off, else colour only on a terminal.
 */
export function colorEnabled(io: Pick<Io, 'env' | 'isTTY'>): boolean {
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (io.env.NO_COLOR || io.env.NODE_DISABLE_COLORS || io.env.TERM === 'dumb') return false;
  return io.isTTY;
}

/** util.styleText, told not to look at process.stdout: whether to colour was decided from the Io. */
function paint(style: Style, text: string, on: boolean | undefined): string {
  return on ? styleText(style, text, { validateStream: false }) : text;
}

/** A line the receiver logged, safe for a terminal and one line long. */
function said(text: string): string {
  return printable(showInvisible(cut(text, 200)));
}

/** One line per finished check on stderr, so CI logs show progress as it happens and stdout stays for the verdict. */
export function progressLine(r: CheckResult, done: number, total: number, opts: TextOptions = {}): string {
  const msg = printable(r.message.length > 110 ? r.message.slice(0, 107) + '…' : r.message);
  const status = paint(STATUS_STYLE[r.status], r.status.toUpperCase(), opts.color);
  return `[${String(done).padStart(String(total).length)}/${total}] ${MARK[r.status]} ${r.id} ${status} (${r.durationMs} ms) ${r.status === 'pass' ? '' : msg}`.trimEnd() + '\n';
}

/** The compact verdict at the end: what failed (and what the receiver said about it), where the reports are, how to rerun and replay. */
export function verdictText(r: RunResults, outDir: string, opts: TextOptions = {}): string {
  const s = r.summary;
  const failed = r.checks.filter((c) => c.status === 'fail' || (c.status === 'error' && c.severity === 'must'));
  const warned = r.checks.filter((c) => c.status === 'warn');
  const word = r.interrupted ? 'INTERRUPTED' : s.verdict === 'pass' ? 'PASS' : 'FAIL';
  const style: Style = r.interrupted ? ['bold', 'yellow'] : s.verdict === 'pass' ? ['bold', 'green'] : ['bold', 'red'];
  const lines = [
    `${paint(style, word, opts.color)}  ${r.provider} ${r.target}  —  ${s.passed} passed, ${s.failed} failed, ${s.warned} warned, ${s.skipped} skipped, ${s.errored} errored  (${(r.durationMs / 1000).toFixed(1)} s, seed ${r.seed}${r.interrupted ? ', INTERRUPTED' : ''})`,
  ];
  // The gate's reason when it is not the list of failures below: nothing judged, or skips counted by --strict.
  const skipsCounted = countedSkips(r);
  if (skipsCounted.length) lines.push(`  why: ${printable(s.verdictReason)}`);
  for (const c of skipsCounted) lines.push(`  ${paint('gray', '-', opts.color)} ${c.id}: skipped (${s.strict ? 'counts as failed with --strict' : 'nothing could be judged'}): ${printable(c.message)}`);
  for (const note of unverifiedNotes(r)) lines.push(`  ${paint('yellow', '!', opts.color)} ${note}`);
  const item = (c: CheckResult, mark: string) => {
    lines.push(`  ${mark} ${c.id}: ${printable(c.message)}`);
    if (c.receiverSaid) lines.push(`    receiver said: ${said(c.receiverSaid.telling)}`);
  };
  for (const c of failed) item(c, paint(STATUS_STYLE[c.status], '✗', opts.color));
  for (const c of warned) item(c, paint('yellow', '!', opts.color));
  lines.push(`reports: ${outDir}/report.html (open in a browser), summary.md, results.json, junit.xml`);
  // Lines to paste, from the directory check ran in: the same checks again, and the first failing request alone.
  const again = failed.length ? failed : warned;
  if (again.length && !r.interrupted) {
    lines.push(`rerun:  ${printable(rerunCommand(r, again.map((c) => c.id).join(','), r.seed))}`);
    const withEvidence = again.find((c) => c.evidence.length);
    if (withEvidence) lines.push(`replay: ${printable(replayCommand(r, withEvidence.id, 1))}`);
  }
  return lines.join('\n') + '\n';
}
