import type { Check, CheckOutcome } from '../../types.js';
import { isSuccess } from '../../../mock-provider/sender.js';
import { flaggedDuplicate } from '../../observe/duplicate-flag.js';
import { countAfterSettle, observeFirst, unobservedSkip } from '../../observe/watch.js';

const COPIES = 5;

export const concurrent: Check = {
  id: 'dedup.concurrent',
  title: 'processes a message once when copies arrive at the same time',
  severity: () => 'should',
  appliesTo: () => true,
  async run(ctx): Promise<CheckOutcome> {
    const msg = ctx.newMessage();
    const copies = Array.from({ length: COPIES }, (_, i) => ctx.delivery(msg, { variant: 'concurrent-copy', timestampOffsetSec: i === 0 ? 0 : 1 }));
    const attempts = await Promise.all(copies.map((d) => ctx.send(d)));
    const accepted = attempts.filter(isSuccess);
    if (accepted.length === 0) return { status: 'skip', skipKind: 'baseline-refused', message: `baseline refused: none of ${COPIES} correctly signed copies got a 2xx` };
    const flagged = attempts.filter((a) => flaggedDuplicate(a, ctx.profile)).length;
    if (flagged) ctx.observation.sawDuplicateFlag = true;
    const seen = await observeFirst(ctx, msg);
    if (seen) {
      const n = await countAfterSettle(ctx, seen.observer, msg);
      if (n > 1) {
        return {
          status: 'fail',
          message: `${COPIES} copies sent at once were processed ${n} times (${seen.observer.name}). The dedup check and the record of the id are not atomic: use an atomic insert (unique key, SETNX, INSERT … ON CONFLICT DO NOTHING) before processing.`,
          evidence: copies.slice(0, 2).map((d, i) => ctx.evidence(d, attempts[i], `copy ${i + 1} of ${COPIES}`, 'one processing in all')),
        };
      }
      return { status: 'pass', message: `${COPIES} simultaneous copies processed once (${seen.observer.name})` };
    }
    // Duplicate flags count processings too: every 2xx copy not flagged as a duplicate was processed.
    if (flagged) {
      const processed = accepted.length - flagged;
      return processed <= 1
        ? { status: 'pass', message: `${flagged} of ${COPIES} simultaneous copies answered {"duplicate": true}, one processed` }
        : { status: 'fail', message: `${processed} of ${COPIES} simultaneous copies were answered as new (only ${flagged} flagged as duplicates): processed more than once` };
    }
    return unobservedSkip(ctx);
  },
};
