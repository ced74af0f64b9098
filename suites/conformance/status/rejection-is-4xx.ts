import type { Check, CheckOutcome, Refusal } from '../../types.js';
import { isSuccess } from '../../../mock-provider/sender.js';
import { answer, recordRefusal, skipBaseline } from '../verdicts.js';
import { STALE_OFFSET_SEC } from '../../../mock-provider/signing/variants.js';

const REFUSAL_4XX = 'a 4xx refusal';

function is4xx(r: Refusal): boolean {
  return r.a.outcome.kind === 'response' && r.a.outcome.status >= 400 && r.a.outcome.status <= 499;
}

/**
 * Judges every refusal the other checks saw (it runs last), plus a few of its own
 * so it also stands alone under --only. A 5xx tells the provider "retry", so a
 * forged message is retried for days; a dropped connection looks like an outage.
 */
export const rejectionIs4xx: Check = {
  id: 'status.rejection-is-4xx',
  title: 'refuses with a 4xx, never a 5xx or a dropped connection',
  severity: () => 'should',
  appliesTo: () => true,
  phase: 'final',
  async run(ctx): Promise<CheckOutcome> {
    // The other checks' refusals were each made after their own accepted baseline, so they count
    // even when the receiver is down by now (a crash on a malformed header is exactly what to report).
    // Once the receiver is taken for silent (suites/liveness.ts) those are judged without sending more.
    const base = ctx.liveness.silence && ctx.refusals.length ? undefined : await ctx.baseline();
    if (base && !base.accepted && ctx.refusals.length === 0) return skipBaseline(base.attempt);
    const names = ctx.scheme.verificationHeaders({ headerStyle: ctx.headerStyle });
    for (const [label, change] of [
      ['signed with another secret', { variant: 'wrong-secret', wrongSecret: true }],
      ['timestamp 10 min old', { variant: 'stale-timestamp', timestampOffsetSec: STALE_OFFSET_SEC }],
      ['all verification headers missing', { variant: 'missing-all', removeHeaders: names }],
    ] as const) {
      if (!base?.accepted) break;
      const d = ctx.delivery(ctx.newMessage(), change);
      recordRefusal(ctx, label, d, await ctx.send(d));
    }
    // 2xx answers are the other checks' business; this one judges how refusals are made.
    const refusals = ctx.refusals.filter((r) => !isSuccess(r.a));
    if (refusals.length === 0) return { status: 'skip', skipKind: 'no-evidence', message: 'the receiver refused nothing, so there is no refusal to judge (see the signature checks)' };
    const bad = refusals.filter((r) => !is4xx(r));
    if (bad.length === 0) return { status: 'pass', message: `all ${refusals.length} refusals were 4xx (${[...new Set(refusals.map((r) => answer(r.a)))].join(', ')})` };
    const kinds = [...new Set(bad.map((r) => answer(r.a)))].join(', ');
    return {
      status: 'fail',
      message: `${bad.length} of ${refusals.length} refusals were not 4xx (${kinds}), e.g. ${bad.slice(0, 3).map((r) => `${r.checkId}: ${r.label} → ${answer(r.a)}`).join('; ')}. Answer 400/401 when verification fails: a 5xx makes the provider retry the forgery for days, and an exception that drops the connection looks like an outage.`,
      evidence: bad.slice(0, 5).map((r) => ctx.evidence(r.d, r.a, `${r.checkId}: ${r.label}`, REFUSAL_4XX)),
    };
  },
};
