import type { CheckResult, RunSummary, SkipKind } from './types.js';

/*
 * The gate, decided once. Every writer (results.json, junit.xml, summary.md,
 * report.html, the terminal) renders what this returns and never re-derives it,
 * so the exit code and what each report shows can never disagree.
 */

export interface VerdictOptions {
  /** `--strict`: a MUST check that is `skip` counts against the gate. */
  strict: boolean;
  /** Ctrl-C: a partial run proves nothing, so it never passes. */
  interrupted?: boolean;
}

export interface Judged {
  summary: RunSummary;
  /** The same checks, each with `countsAgainstVerdict` set. */
  checks: CheckResult[];
  /** Every selected check was not applicable: the CLI's exit 2 ("nothing to check"). */
  nothingToCheck: boolean;
}

/** Skips that mean "the check does not concern this receiver" rather than "it could not be judged". */
const NOT_FOR_THIS_RECEIVER: ReadonlySet<SkipKind> = new Set<SkipKind>(['not-applicable', 'not-subscribed']);
/** Skips that mean "applicable, but the run produced nothing to judge it on". */
export const UNJUDGED: ReadonlySet<SkipKind> = new Set<SkipKind>(['not-observable', 'no-evidence', 'baseline-refused']);

const plural = (n: number, one: string, many = one + 's') => `${n} ${n === 1 ? one : many}`;

/** True when `c` could have been judged on this receiver but was not (what `--strict` and the "nothing judged" rule look at). */
export function unjudged(c: CheckResult): boolean {
  return c.status === 'skip' && UNJUDGED.has(c.skipKind ?? 'no-evidence');
}

/**
 * The verdict rule (SPEC "Outputs"): `fail` when a MUST check failed or errored, or
 * skipped under `--strict`, or when MUST checks were selected and applicable but none
 * could be judged; every selected check not applicable is "nothing to check"; no MUST
 * check selected passes with a notice. SHOULD checks never fail the gate.
 */
export function decideVerdict(checks: CheckResult[], opts: VerdictOptions): Judged {
  const counts = { passed: 0, failed: 0, warned: 0, skipped: 0, errored: 0 };
  for (const c of checks) {
    if (c.status === 'pass') counts.passed++;
    else if (c.status === 'fail') counts.failed++;
    else if (c.status === 'warn') counts.warned++;
    else if (c.status === 'skip') counts.skipped++;
    else counts.errored++;
  }
  const must = checks.filter((c) => c.severity === 'must');
  const applicableMust = must.filter((c) => !(c.status === 'skip' && NOT_FOR_THIS_RECEIVER.has(c.skipKind ?? 'no-evidence')));
  const noneJudged = applicableMust.length > 0 && applicableMust.every(unjudged);
  const against = (c: CheckResult): boolean => {
    if (c.severity !== 'must') return false;
    if (c.status === 'fail' || c.status === 'error') return true;
    if (c.status !== 'skip') return false;
    if (opts.strict && !NOT_FOR_THIS_RECEIVER.has(c.skipKind ?? 'no-evidence')) return true;
    return noneJudged && unjudged(c);
  };
  const judged = checks.map((c) => ({ ...c, countsAgainstVerdict: against(c) }));
  const failing = judged.filter((c) => c.countsAgainstVerdict);
  const nothingToCheck = checks.length > 0 && checks.every((c) => c.status === 'skip' && NOT_FOR_THIS_RECEIVER.has(c.skipKind ?? 'no-evidence'));

  let verdict: 'pass' | 'fail' = 'pass';
  let verdictReason: string;
  if (opts.interrupted) {
    verdict = 'fail';
    verdictReason = 'interrupted: a partial run proves nothing';
  } else if (checks.length === 0 || nothingToCheck) {
    verdict = 'fail';
    verdictReason = 'nothing to check: no selected check applies to this provider and subscription';
  } else if (noneJudged) {
    verdict = 'fail';
    verdictReason = `none of the ${plural(applicableMust.length, 'applicable MUST check')} could be judged (${describeSkips(applicableMust)})`;
  } else if (failing.length) {
    verdict = 'fail';
    const kinds = [
      failing.some((c) => c.status === 'fail') && 'failed',
      failing.some((c) => c.status === 'error') && 'errored',
      failing.some((c) => c.status === 'skip') && 'skipped under --strict',
    ].filter((k): k is string => Boolean(k));
    const said = kinds.length > 1 ? `${kinds.slice(0, -1).join(', ')} or ${kinds.at(-1)}` : kinds[0];
    verdictReason = `${plural(failing.length, 'MUST check')} ${said}: ${failing.map((c) => c.id).join(', ')}`;
  } else if (must.length === 0) {
    verdictReason = 'no MUST check was selected, so the gate cannot fail (SHOULD checks only warn)';
  } else {
    const skippedMust = applicableMust.filter((c) => c.status === 'skip');
    verdictReason = `every judged MUST check passed${skippedMust.length ? `; ${plural(skippedMust.length, 'MUST check')} could not be judged (${skippedMust.map((c) => c.id).join(', ')})` : ''}`;
  }
  return { summary: { ...counts, verdict, verdictReason, strict: opts.strict }, checks: judged, nothingToCheck };
}

function describeSkips(checks: CheckResult[]): string {
  const byKind = new Map<string, number>();
  for (const c of checks) byKind.set(c.skipKind ?? 'no-evidence', (byKind.get(c.skipKind ?? 'no-evidence') ?? 0) + 1);
  return [...byKind].map(([k, n]) => `${n} ${k}`).join(', ');
}

/** Why a check that counts against the gate does, in words for the reports ("MUST · fail", "skipped, and --strict …"). */
export function whyItCounts(c: CheckResult, s: RunSummary): string | undefined {
  if (!c.countsAgainstVerdict) return undefined;
  if (c.status === 'fail') return 'a MUST check failed';
  if (c.status === 'error') return 'a MUST check could not run';
  return s.strict ? '--strict counts a skipped MUST check as failed' : 'no applicable MUST check could be judged, so nothing shows the receiver is right';
}
