import type { Check, CheckContext, CheckResult, ProcessingProbe } from './types.js';
import { judgeProcessing } from './conformance/processing.js';
import { runningCheck } from './context.js';
import { ReceiverSilent } from './liveness.js';

export interface RunnerOptions {
  /** How many checks run at once; each check's own requests are sequential. */
  concurrency: number;
  onStart?(check: Check): void;
  onResult?(result: CheckResult, done: number, total: number): void;
}

/**
 * Runs checks with bounded concurrency and turns each outcome into a result:
 * not-applicable → skip with the reason, a SHOULD `fail` → `warn`, a thrown
 * error → `error` (a tool or transport problem, kept apart from findings), a
 * receiver taken for silent mid-check → skip `no-evidence` (suites/liveness.ts).
 * Results come back in catalog order whatever order they finished in.
 */
export async function runChecks(checks: Check[], ctx: CheckContext, opts: RunnerOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = new Array(checks.length);
  let done = 0;
  const report = (i: number) => opts.onResult?.(results[i], ++done, checks.length);
  // Main-phase checks that asked for a processing judgement wait for it until the main phase is over
  // (signature.valid's processing must have had time to show); their progress line waits with them.
  const deferred = new Map<number, ProcessingProbe[]>();
  const runAt = async (i: number, defer: boolean) => {
    opts.onStart?.(checks[i]);
    let probes: ProcessingProbe[] | undefined;
    results[i] = await runOne(checks[i], ctx, (p) => (probes = p));
    if (probes && !ctx.signal.aborted) {
      if (defer) return void deferred.set(i, probes);
      results[i] = await judgeAt(checks[i], ctx, results[i], probes);
    }
    report(i);
  };
  const inPhase = (p: Check['phase']) => checks.map((_, i) => i).filter((i) => (checks[i].phase ?? 'main') === p);
  const main = inPhase('main');
  const last = [...inPhase('last'), ...inPhase('final')];
  let next = 0;
  const worker = async () => {
    while (next < main.length && !ctx.signal.aborted) await runAt(main[next++], true);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, main.length)) }, worker));
  await Promise.all(
    [...deferred].map(async ([i, probes]) => {
      if (!ctx.signal.aborted) results[i] = await judgeAt(checks[i], ctx, results[i], probes);
      report(i);
    }),
  );
  for (const i of last) if (!ctx.signal.aborted) await runAt(i, false);
  // An interrupted run still reports every selected check, so nothing silently disappears from CI.
  return checks.map(
    (c, i) => results[i] ?? { id: c.id, title: c.title, severity: c.severity(ctx.profile), status: 'skip', skipKind: 'interrupted', message: 'interrupted before it ran', durationMs: 0, evidence: [] },
  );
}

/** The processing part of a positive check, timed into its duration; a broken observer is the check's `error`, as in `runOne`. */
async function judgeAt(check: Check, ctx: CheckContext, r: CheckResult, probes: ProcessingProbe[]): Promise<CheckResult> {
  const t0 = performance.now();
  try {
    const judged = await runningCheck.run(check.id, () => judgeProcessing({ ...ctx, checkId: check.id }, r, probes));
    return { ...judged, durationMs: r.durationMs + Math.round(performance.now() - t0) };
  } catch (e) {
    return { ...r, status: 'error', message: `the check could not judge processing: ${(e as Error)?.message ?? String(e)}`, durationMs: r.durationMs + Math.round(performance.now() - t0) };
  }
}

export async function runOne(check: Check, ctx: CheckContext, onProbes?: (probes: ProcessingProbe[]) => void): Promise<CheckResult> {
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
    if (out.processingProbes?.length) onProbes?.(out.processingProbes);
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
    // The receiver stopped answering (suites/liveness.ts): what this check needed was not there to judge.
    if (e instanceof ReceiverSilent && !interrupted) {
      return { ...base, status: 'skip', skipKind: 'no-evidence', message: e.message, durationMs: Math.round(performance.now() - t0) };
    }
    return {
      ...base,
      status: interrupted ? 'skip' : 'error',
      ...(interrupted ? { skipKind: 'interrupted' as const } : {}),
      message: interrupted ? 'interrupted before it finished' : `the check could not run: ${(e as Error)?.message ?? String(e)}`,
      durationMs: Math.round(performance.now() - t0),
    };
  }
}
