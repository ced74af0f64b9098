import type { Check, CheckContext, CheckOutcome, Evidence } from '../../types.js';
import { isSuccess } from '../../../mock-provider/sender.js';
import { isTimeout, timeoutPhrase } from '../../liveness.js';
import { answer } from '../verdicts.js';

/** Own deliveries on top of the run's, so the check stands alone under --only. */
const OWN = 5;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function tooSlow(ctx: CheckContext, evidence: Evidence[], silent = false): CheckOutcome {
  return {
    status: 'fail',
    message:
      `a valid delivery got no answer within ${timeoutPhrase(ctx.timeoutMs, ctx.profile)}: the provider counts it as failed and retries it. ` +
      (silent
        ? 'No correctly signed delivery was answered while it waited: the receiver accepts connections but does not answer (a hung process, a blocked event loop, a proxy with nothing behind it?), so the checks that need an answer were skipped.'
        : 'Answer 2xx first and process asynchronously (a queue).'),
    evidence,
  };
}

const expectedAnswer = (ctx: CheckContext) => `an answer within ${ctx.timeoutMs / 1000} s`;

/**
 * A correctly signed delivery of this run that timed out, as evidence: the one that showed the
 * receiver silent (then nothing else is worth sending), else the first valid one that timed out.
 */
function timedOutSoFar(ctx: CheckContext): CheckOutcome | undefined {
  const silence = ctx.liveness.silence;
  const s = silence ?? ctx.sent.find((r) => r.d.recipe.variant === 'valid' && isTimeout(r.a));
  if (!s) return undefined;
  const by = s.checkId ? `valid delivery sent by ${s.checkId}` : 'the first valid delivery, sent before the checks';
  return tooSlow(ctx, [ctx.evidence(s.d, s.a, by, expectedAnswer(ctx))], Boolean(silence));
}

export const latencyBudget: Check = {
  id: 'timeout.latency-budget',
  title: "answers every valid delivery within the provider's timeout",
  severity: () => 'must',
  appliesTo: () => true,
  phase: 'final',
  async run(ctx): Promise<CheckOutcome> {
    // A delivery that already timed out is the evidence: sending more would only wait again.
    const early = timedOutSoFar(ctx);
    if (early) return early;
    for (let i = 0; i < OWN && !ctx.signal.aborted; i++) {
      const d = ctx.delivery(ctx.newMessage());
      const a = await ctx.send(d);
      // A receiver slower than the timeout costs one timeout here, not five.
      if (isTimeout(a)) return tooSlow(ctx, [ctx.evidence(d, a, 'valid delivery', expectedAnswer(ctx))], Boolean(ctx.liveness.silence));
    }
    // Evidence: valid deliveries that got an HTTP answer. A transport failure (reset, garbage,
    // refused) says nothing about how long the receiver takes, and answers to deliveries it
    // refused say nothing about how long processing takes: a pass needs at least one 2xx.
    const answered = ctx.validAttempts.filter((a) => a.outcome.kind === 'response');
    const accepted = answered.filter(isSuccess);
    if (accepted.length === 0) {
      const why =
        answered.length === 0
          ? `every one of the ${ctx.validAttempts.length} valid deliveries ended in a transport failure (${[...new Set(ctx.validAttempts.map(answer))].slice(0, 3).join(', ')})`
          : `none of the ${answered.length} valid deliveries that got an answer was accepted (${[...new Set(answered.map(answer))].slice(0, 3).join(', ')})`;
      return { status: 'skip', skipKind: 'no-evidence', message: `no evidence: ${why}, so there is no answer time to judge` };
    }
    const ms = answered.map((a) => a.latencyMs).sort((x, y) => x - y);
    const budget = ctx.profile.timeoutMs;
    const max = ms.at(-1) ?? 0;
    const figures = `p50 ${percentile(ms, 50).toFixed(0)} ms, p99 ${percentile(ms, 99).toFixed(0)} ms, max ${max.toFixed(0)} ms over ${ms.length} answered valid deliveries, ${accepted.length} accepted (timeout ${budget / 1000} s)`;
    if (max > budget) return { status: 'fail', message: `${figures}: above the timeout the provider counts the delivery as failed and retries it.` };
    if (max > budget / 2) return { status: 'warn', message: `${figures}: the slowest answer used more than half the timeout. Answer 2xx first and process asynchronously, or a slow day turns into retries.` };
    return { status: 'pass', message: figures };
  },
};
