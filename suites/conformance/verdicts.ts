import { describeOutcome, isSuccess, type Attempt } from '../../mock-provider/sender.js';
import { activeObserver } from '../observe/watch.js';
import type { CheckContext, CheckOutcome, Delivery, Evidence, RecipeChange } from '../types.js';

export const REFUSAL = 'a refusal (non-2xx)';
export const ACCEPTANCE = 'a 2xx answer';

export function answer(a: Attempt): string {
  return a.outcome.kind === 'response' ? `HTTP ${a.outcome.status}` : describeOutcome(a);
}

export function skipBaseline(a: Attempt): CheckOutcome {
  return {
    status: 'skip',
    skipKind: 'baseline-refused',
    message: `baseline refused: a correctly signed, compact request got ${answer(a)}, so a refusal here would prove nothing (see signature.valid)`,
  };
}

/** One request of a table-driven check: a variant of a fresh valid message, and whether it must be accepted. */
export interface Case {
  label: string;
  change: RecipeChange;
  expect: 'accept' | 'refuse';
}

export interface CaseRun {
  c: Case;
  d: Delivery;
  a: Attempt;
  ok: boolean;
  /** Refused, but the observer saw it processed anyway. */
  processed?: boolean;
}

/**
 * The shape shared by the non-property signature checks: a baseline (the compact,
 * correctly signed request must be accepted first, else `skip`), then each case on a
 * fresh message so a receiver's dedup store cannot answer for the signature check.
 */
export async function runCases(ctx: CheckContext, cases: Case[], type?: string): Promise<{ baseline?: CheckOutcome; runs: CaseRun[] }> {
  const base = await ctx.baseline(type);
  if (!base.accepted) return { baseline: skipBaseline(base.attempt), runs: [] };
  const runs: CaseRun[] = [];
  for (const c of cases) {
    const d = ctx.delivery(ctx.newMessage(type), c.change);
    const a = await ctx.send(d);
    if (c.expect === 'refuse') recordRefusal(ctx, c.label, d, a);
    runs.push({ c, d, a, ok: isSuccess(a) === (c.expect === 'accept') });
  }
  await markProcessedForgeries(ctx, runs);
  return { runs };
}

/**
 * With an observer present, a refused forgery must also not have been processed: a
 * receiver that answers 401 but acts on the body anyway is still forgeable.
 */
async function markProcessedForgeries(ctx: CheckContext, runs: CaseRun[]): Promise<void> {
  const forged = runs.filter((r) => r.c.expect === 'refuse' && r.ok);
  const processed = new Set(await processedForgeries(ctx, forged.map((r) => r.d)));
  for (const r of forged) {
    if (processed.has(r.d)) {
      r.ok = false;
      r.processed = true;
    }
  }
}

/**
 * The refused deliveries the receiver processed anyway, when an observer can tell (after one settle
 * wait). A forgery that shares an entity id with another message of the run cannot be told apart
 * from it by a fetch-back count, so it is never blamed on that evidence.
 */
export async function processedForgeries(ctx: CheckContext, refused: Delivery[]): Promise<Delivery[]> {
  const observer = activeObserver(ctx);
  if (!observer || refused.length === 0) return [];
  await new Promise((r) => setTimeout(r, ctx.observation.settleMs));
  const out: Delivery[] = [];
  for (const d of refused) if (attributable(ctx, d) && (await observer.processed(d.msg)) > 0) out.push(d);
  return out;
}

const entityIds = (d: Delivery): string[] => (d.msg.entityId ?? '').split(',').filter(Boolean);

/** No other message sent in this run (a different message id) carries one of `d`'s entity ids. */
function attributable(ctx: CheckContext, d: Delivery): boolean {
  if (activeObserver(ctx)?.kind !== 'fetch-back') return true;
  const mine = new Set(entityIds(d));
  return !ctx.sent.some((s) => s.d.msg.messageId !== d.msg.messageId && entityIds(s.d).some((id) => mine.has(id)));
}

/**
 * Pass/fail from case runs, with evidence for every wrong answer. Accepted `accept` cases
 * become processing probes (the runner then also requires that they were processed),
 * unless `what.answerOnly` says the answer alone is the verdict (an unknown event type is
 * rightly ignored).
 */
export function judgeCases(ctx: CheckContext, runs: CaseRun[], what: { pass: string; fail: (bad: CaseRun[]) => string; answerOnly?: boolean }): CheckOutcome {
  const bad = runs.filter((r) => !r.ok);
  if (bad.length === 0) {
    const probes = what.answerOnly ? [] : runs.filter((r) => r.c.expect === 'accept').map((r) => ({ label: r.c.label, d: r.d, a: r.a }));
    return { status: 'pass', message: `${what.pass} (${runs.map((r) => `${r.c.label}: ${answer(r.a)}`).join('; ')})`, ...(probes.length ? { processingProbes: probes } : {}) };
  }
  const evidence: Evidence[] = bad.map((r) => ctx.evidence(r.d, r.a, r.c.label, r.c.expect === 'accept' ? ACCEPTANCE : REFUSAL));
  return { status: 'fail', message: what.fail(bad), evidence };
}

export function listAnswers(runs: CaseRun[]): string {
  return runs.map((r) => `${r.c.label} → ${answer(r.a)}${r.processed ? ' but processed it' : ''}`).join('; ');
}

/** Negative checks: every case must be refused. */
export async function refusalCheck(ctx: CheckContext, cases: Omit<Case, 'expect'>[], fix: string): Promise<CheckOutcome> {
  const { baseline, runs } = await runCases(ctx, cases.map((c) => ({ ...c, expect: 'refuse' as const })));
  if (baseline) return baseline;
  return judgeCases(ctx, runs, {
    pass: runs.length === 1 ? 'refused it' : `refused all ${runs.length}`,
    fail: (bad) => `${bad.some((r) => r.processed) ? "accepted or processed" : "accepted"} ${bad.length} of ${runs.length} requests it must refuse: ${listAnswers(bad)}. ${fix}`,
  });
}

/** Logs a request the check expected to be refused, for status.rejection-is-4xx. */
export function recordRefusal(ctx: CheckContext, label: string, d: Delivery, a: Attempt): void {
  ctx.refusals.push({ checkId: ctx.checkId, label, d, a });
}
