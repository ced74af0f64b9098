import { describeActual } from './thresholds.js';
import type { LoadResults } from './types.js';

/*
 * The load run's gate (SPEC "Load"), decided once here so the exit code, summary.md and
 * junit.xml cannot disagree. A load test never reports its own limit as the receiver's:
 * when the generator was the bottleneck the figures measure hookgate, so thresholds on
 * them fail the run unless the user accepts that with --allow-invalid.
 */

export const INVALID_RUN_REASON = 'the generator could not produce the load; the figures say nothing about the receiver';

export interface LoadVerdictOptions {
  /** --allow-invalid: judge the thresholds even when the generator was the bottleneck. */
  allowInvalid: boolean;
  /** --shard K/N: thresholds are recorded, and judged only on the merged result. */
  sharded?: boolean;
}

export interface LoadVerdict {
  verdict: 'pass' | 'fail';
  reason: string;
  exitCode: 0 | 1;
}

export type VerdictInput = Pick<LoadResults, 'valid' | 'invalidReason' | 'thresholds'>;

export function loadVerdict(r: VerdictInput, opts: LoadVerdictOptions): LoadVerdict {
  const n = r.thresholds.length;
  const why = r.invalidReason ?? 'the generator was saturated';
  const invalidWarning = r.valid ? '' : `; warning: invalid run, ${INVALID_RUN_REASON} (${why})`;

  if (opts.sharded) {
    // One shard sees part of the load: judging it alone would gate on the wrong figures.
    return pass(`shard run: ${plural(n, 'threshold')} recorded, judged after \`hookgate merge\`${invalidWarning}`);
  }
  if (!r.valid && n > 0 && !opts.allowInvalid) {
    return fail(`${INVALID_RUN_REASON} (${why}); pass --allow-invalid to judge the thresholds anyway`);
  }
  if (n === 0) return pass(`no thresholds to judge${invalidWarning}`);

  const judgedAnyway = r.valid ? '' : `; warning: invalid run judged anyway (--allow-invalid): ${INVALID_RUN_REASON} (${why})`;
  const failed = r.thresholds.filter((t) => !t.pass);
  if (failed.length === 0) return pass(`${n === 1 ? 'the threshold' : `all ${n} thresholds`} held${judgedAnyway}`);
  // An unmeasured figure is explained by its note ("not observable: pass --effects-url"), not by a number.
  const list = failed.map((t) => `${t.expr} (${Number.isFinite(t.actual) ? `actual ${describeActual(t)}` : (t.note ?? 'not measured')})`).join(', ');
  return fail(`${failed.length} of ${plural(n, 'threshold')} failed: ${list}${judgedAnyway}`);
}

function pass(reason: string): LoadVerdict {
  return { verdict: 'pass', reason, exitCode: 0 };
}

function fail(reason: string): LoadVerdict {
  return { verdict: 'fail', reason, exitCode: 1 };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
