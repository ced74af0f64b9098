import { maskUrl } from '../../fixtures/mask.js';
import type { RunResults } from '../types.js';
import type { Target } from './targets-file.js';

/*
 * One line of the `--targets` index: what became of one integrator. Decided here, once, from
 * how its run ended; the writers (index.json, index.html, summary.md) only render it.
 */

export type TargetVerdict = 'pass' | 'fail' | 'unreachable' | 'timed-out';

/** How one target's run ended. */
export type TargetOutcome =
  | { kind: 'results'; results: RunResults }
  /** Nothing answered at all: refused, DNS, TLS untrusted (runCheck's exit-3 errors). */
  | { kind: 'unreachable'; message: string }
  /** Its time budget ran out; the checks finished by then, if any. */
  | { kind: 'timed-out'; budgetMs: number; results?: RunResults }
  /** The run could not be carried out (a bad option for this target, an internal error). */
  | { kind: 'error'; message: string };

export interface IndexEntry {
  name: string;
  provider: string;
  /** Credentials and secret-looking query values masked. */
  url: string;
  verdict: TargetVerdict;
  /** MUST checks that failed (or errored, or counted against the verdict). */
  failed: string[];
  /** SHOULD checks that warned. */
  warned: string[];
  /** p99 of the receiver's answer times to valid deliveries, ms; null with no answer to judge. */
  p99Ms: number | null;
  /** The target's report, relative to the index: `<folder>/report.html`, or its folder when there is no report. */
  report: string;
  durationMs: number;
  /** One sentence: why this verdict. */
  reason: string;
}

export function indexEntry(t: Pick<Target, 'name' | 'provider' | 'url' | 'folder'>, outcome: TargetOutcome, durationMs: number): IndexEntry {
  const base = { name: t.name, provider: t.provider, url: maskUrl(t.url), durationMs: Math.round(durationMs) };
  const results = outcome.kind === 'results' || outcome.kind === 'timed-out' ? outcome.results : undefined;
  const failed = results ? results.checks.filter((c) => c.countsAgainstVerdict).map((c) => c.id) : [];
  const warned = results ? results.checks.filter((c) => c.status === 'warn').map((c) => c.id) : [];
  const report = results ? `${t.folder}/report.html` : `${t.folder}/`;
  const p99Ms = results?.latency?.p99Ms ?? null;
  switch (outcome.kind) {
    case 'results':
      return { ...base, verdict: outcome.results.summary.verdict, failed, warned, p99Ms, report, reason: outcome.results.summary.verdictReason };
    case 'timed-out':
      return { ...base, verdict: 'timed-out', failed, warned, p99Ms, report, reason: `did not finish within its time budget of ${Math.round(outcome.budgetMs / 1000)} s (--target-timeout)` };
    case 'unreachable':
      return { ...base, verdict: 'unreachable', failed, warned, p99Ms, report, reason: outcome.message };
    case 'error':
      return { ...base, verdict: 'fail', failed, warned, p99Ms, report, reason: outcome.message };
  }
}

/** `check --targets` exit code: 0 every target passed, 3 none could be reached, 1 otherwise. */
export function targetsExitCode(entries: readonly IndexEntry[]): 0 | 1 | 3 {
  if (entries.length > 0 && entries.every((e) => e.verdict === 'pass')) return 0;
  if (entries.length > 0 && entries.every((e) => e.verdict === 'unreachable')) return 3;
  return 1;
}
