import type { Check, CheckOutcome, Delivery, Evidence } from '../../types.js';
import { isSuccess, type Attempt } from '../../../mock-provider/sender.js';
import { ACCEPTANCE, REFUSAL, answer, processedForgeries, recordRefusal, skipBaseline } from '../verdicts.js';
import { malformedVariants } from '../../../mock-provider/signing/variants.js';

/**
 * Each malformed signature value must be refused, and a valid request right after
 * it must still be served: a receiver that throws on a bad header (timingSafeEqual
 * on unequal lengths, ASCII-only decoding) may answer 500 or die altogether.
 * The non-ASCII value goes last because it is the one most likely to kill the process.
 */
export const malformedSignature: Check = {
  id: 'status.malformed-signature',
  title: 'survives malformed signature headers and keeps serving',
  severity: () => 'must',
  appliesTo: () => true,
  phase: 'last',
  async run(ctx): Promise<CheckOutcome> {
    const base = await ctx.baseline();
    if (!base.accepted) return skipBaseline(base.attempt);
    const values = malformedVariants(ctx.profile, ctx.headerStyle).sort((a, b) => Number(a.name === 'malformed:non-ascii') - Number(b.name === 'malformed:non-ascii'));
    const accepted: Evidence[] = [];
    const refused = new Map<Delivery, Attempt>();
    const answers: string[] = [];
    for (const m of values) {
      const d = ctx.delivery(ctx.newMessage(), m.change);
      const a = await ctx.send(d);
      recordRefusal(ctx, m.description, d, a);
      answers.push(`${m.name.slice('malformed:'.length)} → ${answer(a)}`);
      if (isSuccess(a)) accepted.push(ctx.evidence(d, a, m.description, REFUSAL));
      else refused.set(d, a);
      const next = ctx.delivery(ctx.newMessage());
      const after = await ctx.send(next);
      if (!isSuccess(after)) {
        return {
          status: 'fail',
          message: `stopped serving after ${m.description} (it got ${answer(a)}; the next correctly signed request got ${answer(after)}). A malformed header must be a 4xx, never an exception that breaks the connection or the process: check the value's format and length before decoding or comparing it.`,
          evidence: [...accepted, ctx.evidence(d, a, m.description, REFUSAL), ctx.evidence(next, after, 'the next correctly signed request', ACCEPTANCE)],
        };
      }
    }
    if (accepted.length) {
      return { status: 'fail', message: `accepted ${accepted.length} malformed signature header(s): ${answers.join('; ')}`, evidence: accepted };
    }
    const acted = await processedForgeries(ctx, [...refused.keys()]);
    if (acted.length) {
      return {
        status: 'fail',
        message: `refused every malformed signature but processed ${acted.length} of those messages anyway: verify before doing any work with the body`,
        evidence: acted.slice(0, 3).map((d) => ctx.evidence(d, refused.get(d)!, 'malformed signature: refused but processed', 'a refusal and no processing')),
      };
    }
    return { status: 'pass', message: `refused all ${values.length} malformed values and kept serving (${answers.join('; ')})` };
  },
};
