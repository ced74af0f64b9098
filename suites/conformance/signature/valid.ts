import fc from 'fast-check';
import type { Check, CheckOutcome, Evidence } from '../../types.js';
import { findEvent } from '../../../fixtures/index.js';
import { isSuccess } from '../../../mock-provider/sender.js';
import { ACCEPTANCE, answer } from '../verdicts.js';

/** Generated samples per type besides the catalog example: realistic variety without a big request count. */
const SAMPLES_PER_TYPE = 2;

export const valid: Check = {
  id: 'signature.valid',
  title: 'accepts correctly signed events of every subscribed type',
  severity: () => 'must',
  appliesTo: () => true,
  async run(ctx): Promise<CheckOutcome> {
    const failures: Evidence[] = [];
    const refusedTypes: string[] = [];
    let sent = 0;
    let firstRefusal = '';
    for (const [i, type] of ctx.events.entries()) {
      const def = findEvent(ctx.profile, type);
      const samples = def ? fc.sample(def.arbitrary(), { numRuns: SAMPLES_PER_TYPE, seed: ctx.seed + i }) : [];
      for (const [j, data] of [def?.exampleData(), ...samples].entries()) {
        const d = ctx.delivery(ctx.newMessage(type, data));
        const a = await ctx.send(d);
        sent++;
        if (!isSuccess(a)) {
          if (!refusedTypes.includes(type)) refusedTypes.push(type);
          firstRefusal ||= answer(a);
          if (failures.length < 5) failures.push(ctx.evidence(d, a, `${type}${j > 0 ? ' (generated data)' : ' (catalog example)'}`, ACCEPTANCE));
          if (failures.length === 1 && a.outcome.kind === 'error' && a.outcome.error === 'refused') {
            return { status: 'fail', message: `the receiver refused the connection (${answer(a)})`, evidence: failures };
          }
        }
      }
    }
    if (failures.length === 0) return { status: 'pass', message: `${sent} correctly signed deliveries of ${ctx.events.length} types, all answered 2xx` };
    return {
      status: 'fail',
      message: `refused correctly signed deliveries of ${refusedTypes.length} of ${ctx.events.length} types (${refusedTypes.slice(0, 6).join(', ')}${refusedTypes.length > 6 ? ', …' : ''}), e.g. ${firstRefusal}. Check the secret the receiver uses and that it verifies the raw body.`,
      evidence: failures,
    };
  },
};
