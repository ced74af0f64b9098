import type { Check, CheckContext, CheckResult } from './types.js';
import { runningCheck } from './context.js';

export interface RunnerOptions {
  /** How many checks run at once; each check's own requests are sequential. */
  concurrency: number;
  onStart?(check: Check): void;
  onResult?(result: CheckResult, done: number, total: number): void;
}

/**
 * Runs checks with bounded concurrency and turns each outcome into a result:
 * not-applicable → skip with the reason, a SHOULD `fail` → `warn`, a thrown
 * error → `error` (a tool or transport problem, kept apart from findings).
 * Results come back in catalog order whatever order they finished in.
 */
export async function runChecks(checks: Check[], ctx: CheckContext, opts: RunnerOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = new Array(checks.length);
  let done = 0;
  const runAt = async (i: number) => {
    opts.onStart?.(checks[i]);
    results[i] = await runOne(checks[i], ctx);
    opts.onResult?.(results[i], ++done, checks.length);
  };
  const inPhase = (p: Check['phase']) => checks.map((_, i) => i).filter((i) => (checks[i].phase ?? 'main') === p);
  const main = inPhase('main');
  const last = [...inPhase('last'), ...inPhase('final')];
  let next = 0;
  const worker = async () => {
    while (next < main.length && !ctx.signal.aborted) await runAt(main[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, main.length)) }, worker));
  for (const i of last) if (!ctx.signal.aborted) await runAt(i);
  // An interrupted run still reports every selected check, so nothing silently disappears from CI.
  return checks.map(
    (c, i) => results[i] ?? { id: c.id, title: c.title, severity: c.severity(ctx.profile), status: 'skip', skipKind: 'interrupted', message: 'interrupted before it ran', durationMs: 0, evidence: [] },
  );
}

export async function runOne(check: Check, ctx: CheckContext): Promise<CheckResult> {
  const severity = check.severity(ctx.profile);
  const base = { id: check.id, title: check.title, severity, evidence: [] };
  const applies = check.appliesTo(ctx.profile);
  if (applies !== true) return { ...base, status: 'skip', skipKind: 'not-applicable', message: `not applicable: ${applies}`, durationMs: 0 };
  const t0 = performance.now();
  try {
    const out = await runningCheck.run(check.id, () => check.run({ ...ctx, checkId: check.id }));
    // Requests cut short by Ctrl-C look like refusals or failures: nothing judged after it counts.
    if (ctx.signal.aborted) throw new Error('interrupted');
    const status = out.status === 'fail' && severity === 'should' ? 'warn' : out.status;
    return {
      ...base,
      status,
      ...(out.status === 'skip' ? { skipKind: out.skipKind } : {}),
      message: out.message,
      durationMs: Math.round(performance.now() - t0),
      evidence: out.evidence ?? [],
      ...(out.counterexample ? { counterexample: out.counterexample } : {}),
    };
  } catch (e) {
    const interrupted = ctx.signal.aborted;
    return {
      ...base,
      status: interrupted ? 'skip' : 'error',
      ...(interrupted ? { skipKind: 'interrupted' as const } : {}),
      message: interrupted ? 'interrupted before it finished' : `the check could not run: ${(e as Error)?.message ?? String(e)}`,
      durationMs: Math.round(performance.now() - t0),
    };
  }
}
