import type { Check, CheckOutcome } from '../../types.js';
import { isSuccess, type Attempt } from '../../../mock-provider/sender.js';
import { createDispatcher, memoryStore, scaledClock, formatDuration, type AttemptResult } from '../../../mock-provider/engine/index.js';
import { flaggedDuplicate } from '../../observe/duplicate-flag.js';
import { countAfterSettle, observeFirst, unobservedSkip } from '../../observe/watch.js';
import { ACCEPTANCE, answer, skipBaseline } from '../verdicts.js';
import { ReceiverSilent } from '../../liveness.js';

/** The first attempts reach the receiver but count as failed, as when the provider's timeout fires first. */
const FORCED_FAILURES = 2;
/** Virtual time runs this much faster: Svix's 5 s + 5 min of delays take about 3 ms. */
const TIME_SCALE = 100_000;
/** Real time the whole delivery may take before the check gives up waiting. */
const REAL_BUDGET_MS = 15_000;

function toResult(a: Attempt): AttemptResult {
  return a.outcome.kind === 'response'
    ? { status: a.outcome.status, latencyMs: a.latencyMs, startedAt: a.startedAt }
    : { error: a.outcome.error, message: a.outcome.message, latencyMs: a.latencyMs, startedAt: a.startedAt };
}

export const retryRecovery: Check = {
  id: 'delivery.retry-recovery',
  title: 'ends delivered and processed once when the first attempts count as failed (documented schedule, compressed time)',
  severity: () => 'should',
  appliesTo: () => true,
  async run(ctx): Promise<CheckOutcome> {
    const base = await ctx.baseline();
    if (!base.accepted) return skipBaseline(base.attempt);
    const msg = ctx.newMessage();
    const sent: { d: ReturnType<typeof ctx.delivery>; a: Attempt }[] = [];
    // The engine records a throwing deliver as a failed attempt and retries; a receiver taken for silent must end the check instead.
    let silent: ReceiverSilent | undefined;
    const dispatcher = createDispatcher({
      profile: ctx.profile,
      clock: scaledClock(TIME_SCALE),
      store: memoryStore(),
      onError: () => {},
      // Each attempt goes through the check's own sender: re-signed now, same id, evidence-ready.
      deliver: async (job) => {
        const d = ctx.delivery(msg, { variant: `retry-attempt-${job.attempt}` });
        const a = await ctx.send(d).catch((e: unknown) => {
          if (e instanceof ReceiverSilent) silent ??= e;
          throw e;
        });
        sent.push({ d, a });
        if (job.attempt <= FORCED_FAILURES) return { error: 'timeout', message: 'treated as failed by the provider', latencyMs: a.latencyMs, startedAt: a.startedAt };
        return toResult(a);
      },
    });
    await dispatcher.addEndpoint({ id: 'ep_hookgate_check', url: ctx.url });
    await dispatcher.start();
    await dispatcher.enqueue(msg, ['ep_hookgate_check']);
    // Done when the store says so: the dispatcher's counters dip to zero between an attempt and its reschedule.
    const deadline = Date.now() + REAL_BUDGET_MS;
    const finished = async () => (await dispatcher.store.listDeliveries()).every((d) => d.state === 'delivered' || d.state === 'dead');
    while (!(await finished()) && Date.now() < deadline && !ctx.signal.aborted && !silent) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await dispatcher.stop();
    if (silent) throw silent;
    const records = await dispatcher.store.listAttempts();
    const schedule = records.map((r) => `#${r.n} at ${formatDuration(r.virtualOffsetMs)}${r.status ? ` HTTP ${r.status}` : ''}`).join(', ');
    const last = sent.at(-1);
    if (!last || !isSuccess(last.a) || sent.length <= FORCED_FAILURES) {
      return {
        status: 'fail',
        message: `after ${FORCED_FAILURES} attempts the provider counted as failed, the retries never got a 2xx (${schedule}; last: ${last ? answer(last.a) : 'none'}). A retry of a message already received must still be answered 2xx.`,
        evidence: last ? [ctx.evidence(last.d, last.a, 'last retry', ACCEPTANCE)] : [],
      };
    }
    const seen = await observeFirst(ctx, msg);
    if (seen) {
      const n = await countAfterSettle(ctx, seen.observer, msg);
      if (n > 1) {
        return {
          status: 'fail',
          message: `delivered on attempt ${sent.length} but processed ${n} times (${seen.observer.name}); schedule: ${schedule}. Deduplicate retries on the ${ctx.profile.dedupKey}.`,
          evidence: sent.slice(0, 2).map((s, i) => ctx.evidence(s.d, s.a, `attempt ${i + 1}`, 'one processing in all')),
        };
      }
      return { status: 'pass', message: `delivered on attempt ${sent.length} and processed once (${seen.observer.name}); schedule (virtual): ${schedule}` };
    }
    if (sent.slice(1).some((s) => flaggedDuplicate(s.a, ctx.profile))) {
      return { status: 'pass', message: `delivered on attempt ${sent.length}; the retries were answered {"duplicate": true}; schedule (virtual): ${schedule}` };
    }
    return unobservedSkip(ctx, ` (delivered on attempt ${sent.length}; schedule: ${schedule})`);
  },
};
