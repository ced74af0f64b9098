import { isSuccess } from '../../mock-provider/sender.js';
import type { Message } from '../../mock-provider/delivery.js';
import { activeObserver } from '../observe/watch.js';
import { waitForCount, type Observer } from '../observe/observer.js';
import type { CheckContext, CheckResult, Evidence, ProcessingProbe } from '../types.js';

/*
 * Positive checks see processing, not only a 2xx (SPEC "The check catalog"). A common
 * habit is to answer 200 to everything, a failed verification included, so a 2xx to a
 * varied delivery proves little. With an observer present, each accepted variant must
 * also have been processed — judged against the baseline: only a type whose compact,
 * correctly signed form was seen processed in this run can convict a variant, so a
 * receiver that legitimately ignores some types is never blamed.
 *
 * The runner calls this after the main phase, when signature.valid's deliveries have
 * had time to show their processing.
 */

/** How many of a type's accepted compact deliveries are looked at to decide the type is observable. */
const BASELINES_PER_TYPE = 8;

export const NOT_PROCESSED_EXPECTED = 'a 2xx answer and processing';

/**
 * The accepted compact deliveries of `type` in this run, newest first. Fetch-back sees
 * entities, not messages, and catalog examples of different types share entity ids (a
 * Dimmy full payload's item id is also in the items.scanned example): only a message
 * whose entities no other message carried can show that *its type* was processed.
 */
function compactAccepted(ctx: CheckContext, observer: Observer, type: string): Message[] {
  const owners = new Map<string, Set<string>>();
  if (observer.kind === 'fetch-back') {
    for (const { d } of ctx.sent) for (const id of entityIds(d.msg)) owners.set(id, (owners.get(id) ?? new Set()).add(d.msg.messageId));
  }
  const attributable = (m: Message) => entityIds(m).every((id) => (owners.get(id)?.size ?? 1) === 1);
  return ctx.sent
    .filter((s) => s.d.recipe.variant === 'valid' && s.d.msg.type === type && isSuccess(s.a) && attributable(s.d.msg))
    .map((s) => s.d.msg)
    .reverse()
    .slice(0, BASELINES_PER_TYPE);
}

const entityIds = (m: Message): string[] => (m.entityId ?? '').split(',').filter(Boolean);

/** Whether any accepted compact delivery of `type` was seen processed (waiting up to the settle time once). */
async function typeSeenProcessed(ctx: CheckContext, observer: Observer, type: string): Promise<boolean> {
  const msgs = compactAccepted(ctx, observer, type);
  if (msgs.length === 0) return false;
  const anyProcessed = async () => {
    for (const m of msgs) if ((await observer.processed(m)) > 0) return 1;
    return 0;
  };
  return (await waitForCount(anyProcessed, 1, { settleMs: ctx.observation.settleMs })) > 0;
}

/**
 * Judges the processing part of a positive check whose answers passed. Returns the
 * result unchanged when nothing can be observed; a failure (a `warn` for SHOULD) when a
 * variant of an observably processed type was answered 2xx and never processed; the
 * pass with a note when its types were never seen processed at all.
 */
export async function judgeProcessing(ctx: CheckContext, result: CheckResult, probes: ProcessingProbe[]): Promise<CheckResult> {
  if (result.status !== 'pass' && result.status !== 'warn') return result;
  const accepted = probes.filter((p) => isSuccess(p.a));
  const observer = activeObserver(ctx);
  if (!observer || accepted.length === 0) return result;

  const types = [...new Set(accepted.map((p) => p.d.msg.type))];
  const seen = new Map<string, boolean>();
  await Promise.all(types.map(async (t) => seen.set(t, await typeSeenProcessed(ctx, observer, t))));

  const judged = accepted.filter((p) => seen.get(p.d.msg.type));
  const counts = await Promise.all(judged.map((p) => waitForCount(() => observer.processed(p.d.msg), 1, { settleMs: ctx.observation.settleMs })));
  const dropped = judged.filter((_, i) => counts[i] < 1);
  const unseen = types.filter((t) => !seen.get(t));

  if (dropped.length) {
    const evidence: Evidence[] = dropped.slice(0, 3).map((p) => ctx.evidence(p.d, p.a, `${p.label}: answered 2xx, never processed`, NOT_PROCESSED_EXPECTED));
    return {
      ...result,
      status: result.severity === 'should' ? 'warn' : 'fail',
      message:
        `answered 2xx but never processed it: ${dropped.length} of ${judged.length} accepted variant${judged.length === 1 ? '' : 's'} (${dropped.slice(0, 3).map((p) => p.label).join('; ')}) ` +
        `were not processed within ${ctx.observation.settleMs} ms (${observer.name}), while the compact, correctly signed form of the same type was. ` +
        `The receiver most likely failed to verify them and answered 2xx anyway (e.g. res.json({ success: false })): answer 4xx when verification fails, so the provider and this check can see it, and verify the raw body.`,
      evidence: [...evidence, ...result.evidence],
    };
  }
  const note = unseen.length
    ? `; processing not observed for ${unseen.join(', ')} (no compact delivery of ${unseen.length === 1 ? 'that type' : 'those types'} was seen processed), so only the 2xx answer was judged`
    : `; every accepted variant was also processed (${observer.name})`;
  return { ...result, message: result.message + note };
}
