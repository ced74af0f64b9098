import type { Check, CheckOutcome } from '../../types.js';
import { isSuccess } from '../../../mock-provider/sender.js';
import { flaggedDuplicate } from '../../observe/duplicate-flag.js';
import { countAfterSettle, observeFirst, unobservedSkip } from '../../observe/watch.js';
import { ACCEPTANCE, answer, skipBaseline } from '../verdicts.js';

export const redelivery: Check = {
  id: 'dedup.redelivery',
  title: 'processes a message once when it is delivered again (re-signed, as a retry is)',
  severity: () => 'must',
  appliesTo: () => true,
  async run(ctx): Promise<CheckOutcome> {
    const msg = ctx.newMessage();
    const first = ctx.delivery(msg);
    const a1 = await ctx.send(first);
    if (!isSuccess(a1)) return skipBaseline(a1);
    const seen = await observeFirst(ctx, msg);
    // A retry carries the same id with a later timestamp, hence a different signature.
    const again = ctx.delivery(msg, { variant: 'redelivery', timestampOffsetSec: 1 });
    const a2 = await ctx.send(again);
    if (!isSuccess(a2)) {
      return {
        status: 'fail',
        message: `the redelivery of an already received message got ${answer(a2)}. A retry must get a 2xx (answer "already processed" with 200), or the provider keeps retrying it and eventually disables the endpoint.`,
        evidence: [ctx.evidence(again, a2, 'redelivery (same id, new timestamp)', ACCEPTANCE)],
      };
    }
    if (flaggedDuplicate(a2, ctx.profile)) ctx.observation.sawDuplicateFlag = true;
    if (seen) {
      const n = await countAfterSettle(ctx, seen.observer, msg);
      if (n > 1) {
        return {
          status: 'fail',
          message: `processed the message ${n} times (${seen.observer.name}): the redelivery (same ${ctx.profile.dedupKey}, new timestamp) was processed again. Record the ${ctx.profile.dedupKey} of every processed message and skip the ones already seen.`,
          evidence: [ctx.evidence(first, a1, 'first delivery', ACCEPTANCE), ctx.evidence(again, a2, 'redelivery (same id, new timestamp)', 'a 2xx and no second processing')],
        };
      }
      return { status: 'pass', message: `processed once (${seen.observer.name}); the redelivery got ${answer(a2)}` };
    }
    if (flaggedDuplicate(a2, ctx.profile)) return { status: 'pass', message: 'the redelivery was answered {"duplicate": true}: the receiver recognised it' };
    if (ctx.profile.scheme === 'omnisales-hex' && ctx.observation.sawDuplicateFlag) {
      return { status: 'fail', message: 'the receiver flags duplicates elsewhere in this run but did not flag this redelivery: it was processed again', evidence: [ctx.evidence(again, a2, 'redelivery (same id, new timestamp)', 'a {"duplicate": true} answer')] };
    }
    return unobservedSkip(ctx);
  },
};
