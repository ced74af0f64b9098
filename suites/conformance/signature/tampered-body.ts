import fc from 'fast-check';
import type { Check, CheckContext, CheckOutcome, Delivery } from '../../types.js';
import { findEvent } from '../../../fixtures/index.js';
import { isSuccess, type Attempt } from '../../../mock-provider/sender.js';
import { applyTamper, describeTamper, effectiveTamper, tamperArb, type Tamper } from '../../property/tamper.js';
import { runProperty } from '../property.js';
import { REFUSAL, answer, processedForgeries, recordRefusal, skipBaseline } from '../verdicts.js';

interface Sample {
  type: string;
  body: Buffer;
  tamper: Tamper;
}

/**
 * Bodies are generated with a placeholder message id of the real id's length; each
 * run swaps in a fresh id so a receiver's dedup store never answers for it (OmniSales
 * carries the id in the body). Tampering plans stay valid because the length is kept.
 */
function placeholderId(ctx: CheckContext): string {
  const real = ctx.profile.newMessageId();
  return real.slice(0, 4) + '0'.repeat(real.length - 4);
}

function sampleArb(ctx: CheckContext, placeholder: string): fc.Arbitrary<Sample> {
  return fc.constantFrom(...ctx.events).chain((type) => {
    const def = findEvent(ctx.profile, type) ?? ctx.profile.events[0];
    return def.arbitrary().chain((data) => {
      const body = Buffer.from(JSON.stringify(ctx.profile.buildBody(type, data, { messageId: placeholder, createdAt: '2026-01-01T00:00:00Z' })), 'utf8');
      return tamperArb(body).map((tamper) => ({ type, body, tamper }));
    });
  });
}

function withId(buf: Buffer, placeholder: string, id: string): Buffer {
  const out = Buffer.from(buf);
  const at = out.indexOf(placeholder);
  if (at >= 0) out.write(id, at, 'utf8');
  return out;
}

export const tamperedBody: Check = {
  id: 'signature.tampered-body',
  title: 'refuses a body changed after signing',
  severity: () => 'must',
  appliesTo: () => true,
  async run(ctx): Promise<CheckOutcome> {
    const base = await ctx.baseline();
    if (!base.accepted) return skipBaseline(base.attempt);
    const placeholder = placeholderId(ctx);
    const refused = new Map<Delivery, Attempt>();
    const r = await runProperty(
      ctx,
      sampleArb(ctx, placeholder),
      async (s) => {
        const id = ctx.profile.newMessageId();
        const signed = withId(s.body, placeholder, id);
        const sent = withId(applyTamper(s.body, s.tamper), placeholder, id);
        const d = ctx.delivery(ctx.messageWithBody(s.type, signed, id), { variant: 'tampered-body', sentBody: sent.toString('base64') });
        const a = await ctx.send(d);
        recordRefusal(ctx, 'body changed after signing', d, a);
        if (!isSuccess(a)) refused.set(d, a);
        return { ok: !isSuccess(a), d, a };
      },
      (s) => ({ type: s.type, change: describeTamper(effectiveTamper(s.body, s.tamper)) }),
    );
    const acted = r.failed ? [] : await processedForgeries(ctx, [...refused.keys()]);
    if (acted.length) {
      return {
        status: 'fail',
        message: `refused every tampered body, but processed ${acted.length} of them anyway (${ctx.observation.effects?.name ?? 'fetch-back'}): verify before doing any work with the body.`,
        evidence: acted.slice(0, 3).map((d) => ctx.evidence(d, refused.get(d)!, 'tampered body: refused but processed', 'a refusal and no processing')),
      };
    }
    if (!r.failed) return { status: 'pass', message: `refused all ${r.numRuns} bodies changed after signing (values changed, keys added/removed, bits flipped, bytes appended, truncation)` };
    const change = (r.counterexample.value as { change: string }).change;
    return {
      status: 'fail',
      message: `accepted a body changed after signing (${answer(r.trial.a)}); shrunk to: ${change}. The receiver does not verify the signature over the body it received. Replay with --seed ${r.counterexample.seed}.`,
      evidence: [ctx.evidence(r.trial.d, r.trial.a, `shrunk counterexample: ${change}`, REFUSAL)],
      counterexample: r.counterexample,
    };
  },
};
