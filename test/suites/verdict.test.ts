import { describe, expect, it } from 'vitest';
import { decideVerdict } from '../../suites/verdict.js';
import type { CheckResult, CheckStatus, Severity, SkipKind } from '../../suites/types.js';

function check(id: string, severity: Severity, status: CheckStatus, skipKind?: SkipKind): CheckResult {
  return { id, title: id, severity, status, ...(skipKind ? { skipKind } : {}), message: `${status}: ${id}`, durationMs: 1, evidence: [] };
}
const judge = (checks: CheckResult[], strict = false, interrupted = false) => decideVerdict(checks, { strict, interrupted });

describe('decideVerdict', () => {
  it('counts by status and carries the reason', () => {
    const r = judge([check('a.pass', 'must', 'pass'), check('a.fail', 'must', 'fail'), check('a.warn', 'should', 'warn'), check('a.skip', 'must', 'skip', 'not-observable'), check('a.err', 'must', 'error')]);
    expect(r.summary).toMatchObject({ passed: 1, failed: 1, warned: 1, skipped: 1, errored: 1, verdict: 'fail', strict: false });
    expect(r.summary.verdictReason).toBe('2 MUST checks failed or errored: a.fail, a.err');
    expect(r.checks.map((c) => c.countsAgainstVerdict)).toEqual([false, true, false, false, true]);
  });

  it('only MUST checks fail the gate; a SHOULD error or warn does not', () => {
    expect(judge([check('a.b', 'must', 'pass'), check('a.c', 'should', 'warn')]).summary.verdict).toBe('pass');
    expect(judge([check('a.b', 'must', 'pass'), check('a.c', 'should', 'error')]).summary.verdict).toBe('pass');
    expect(judge([check('a.b', 'must', 'pass'), check('a.c', 'must', 'error')]).summary.verdict).toBe('fail');
  });

  it('a MUST check that could not be judged passes beside a judged one, unless --strict', () => {
    const checks = [check('a.b', 'must', 'pass'), check('a.c', 'must', 'skip', 'not-observable')];
    const lax = judge(checks);
    expect(lax.summary.verdict).toBe('pass');
    expect(lax.summary.verdictReason).toContain('1 MUST check could not be judged (a.c)');
    const strict = judge(checks, true);
    expect(strict.summary.verdict).toBe('fail');
    expect(strict.checks[1].countsAgainstVerdict).toBe(true);
    expect(strict.summary.verdictReason).toContain('skipped under --strict');
  });

  it('--strict never counts a check that does not concern this receiver, nor a SHOULD skip', () => {
    const r = judge([check('a.b', 'must', 'pass'), check('a.c', 'must', 'skip', 'not-applicable'), check('a.d', 'must', 'skip', 'not-subscribed'), check('a.e', 'should', 'skip', 'no-evidence')], true);
    expect(r.summary.verdict).toBe('pass');
    expect(r.checks.every((c) => !c.countsAgainstVerdict)).toBe(true);
  });

  it('fails when MUST checks were selected and applicable but none could be judged', () => {
    const r = judge([check('a.b', 'must', 'skip', 'baseline-refused'), check('a.c', 'must', 'skip', 'not-observable'), check('a.d', 'must', 'skip', 'not-applicable'), check('a.e', 'should', 'pass')]);
    expect(r.summary.verdict).toBe('fail');
    expect(r.summary.verdictReason).toBe('none of the 2 applicable MUST checks could be judged (1 baseline-refused, 1 not-observable)');
    expect(r.checks.map((c) => c.countsAgainstVerdict)).toEqual([true, true, false, false]);
    expect(r.nothingToCheck).toBe(false);
  });

  it('every selected check not applicable is "nothing to check"', () => {
    const r = judge([check('a.b', 'must', 'skip', 'not-applicable'), check('a.c', 'should', 'skip', 'not-subscribed')]);
    expect(r.nothingToCheck).toBe(true);
    expect(r.summary.verdict).toBe('fail');
    expect(r.summary.verdictReason).toMatch(/^nothing to check/);
    expect(judge([]).nothingToCheck).toBe(false);
    expect(judge([]).summary.verdict).toBe('fail');
  });

  it('no MUST check selected passes, with a notice', () => {
    const r = judge([check('a.b', 'should', 'pass'), check('a.c', 'should', 'warn')]);
    expect(r.summary.verdict).toBe('pass');
    expect(r.summary.verdictReason).toContain('no MUST check was selected');
  });

  it('an interrupted run never passes', () => {
    const r = judge([check('a.b', 'must', 'pass')], false, true);
    expect(r.summary.verdict).toBe('fail');
    expect(r.summary.verdictReason).toMatch(/^interrupted/);
  });
});
