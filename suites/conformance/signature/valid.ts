import fc from 'fast-check';
import { SEED_STREAM, streamSeed } from '../../../fixtures/prng.js';
import type { Check, CheckContext, CheckOutcome, Delivery, Evidence } from '../../types.js';
import type { HeaderStyle } from '../../../mock-provider/signing/index.js';
import { findEvent } from '../../../fixtures/index.js';
import { isSuccess } from '../../../mock-provider/sender.js';
import { ACCEPTANCE, answer } from '../verdicts.js';
import { headerPrefix, otherHeaderStyle, refusalKind, refusalMessage, shouldProbeHeaderStyle, type RefusalFacts } from '../../diagnose/refusal-kind.js';

/** Generated samples per type besides the catalog example: realistic variety without a big request count. */
const SAMPLES_PER_TYPE = 2;

/**
 * `d` with its signature headers renamed to `style`'s names (`svix-*` ↔ `webhook-*`).
 * Svix signs `{id}.{timestamp}.{body}` whatever the header names, so the request stays
 * correctly signed; the recipe records the style so `hookgate replay` rebuilds it alike.
 */
function withHeaderStyle(ctx: CheckContext, d: Delivery, style: HeaderStyle): Delivery {
  const from = ctx.scheme.headerNames({ headerStyle: ctx.headerStyle });
  const to = ctx.scheme.headerNames({ headerStyle: style });
  const headers = { ...d.request.headers };
  for (const role of ['id', 'timestamp', 'signature'] as const) {
    const value = headers[from[role]];
    delete headers[from[role]];
    if (value !== undefined) headers[to[role]] = value;
  }
  return { msg: d.msg, request: { headers, body: d.request.body }, recipe: { ...d.recipe, headerStyle: style } };
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

export const valid: Check = {
  id: 'signature.valid',
  title: 'accepts correctly signed events of every subscribed type',
  severity: () => 'must',
  appliesTo: () => true,
  async run(ctx): Promise<CheckOutcome> {
    const failures: Evidence[] = [];
    const refusedTypes: string[] = [];
    const refusedStatuses: number[] = [];
    let sent = 0;
    let refused = 0;
    let firstRefusal = '';
    for (const [i, type] of ctx.events.entries()) {
      const def = findEvent(ctx.profile, type);
      const samples = def ? fc.sample(def.arbitrary(), { numRuns: SAMPLES_PER_TYPE, seed: streamSeed(ctx.seed, SEED_STREAM.validSamples, i) }) : [];
      for (const [j, data] of [def?.exampleData(), ...samples].entries()) {
        const d = ctx.delivery(ctx.newMessage(type, data));
        const a = await ctx.send(d);
        sent++;
        if (!isSuccess(a)) {
          refused++;
          if (a.outcome.kind === 'response') refusedStatuses.push(a.outcome.status);
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

    // What kind of refusal: a missing route, the header names, or the signature itself.
    const facts: RefusalFacts = {
      sent,
      accepted: sent - refused,
      refusedStatuses,
      headerStyle: ctx.profile.scheme === 'svix-v1' ? ctx.headerStyle : undefined,
    };
    if (shouldProbeHeaderStyle(facts)) {
      const other = otherHeaderStyle(ctx.headerStyle);
      const probe = withHeaderStyle(ctx, ctx.delivery(ctx.newMessage(ctx.events[0]), { variant: 'header-style-probe' }), other);
      const pa = await ctx.send(probe);
      facts.probe = { accepted: isSuccess(pa) };
      failures.push(
        ctx.evidence(probe, pa, `probe: the same kind of delivery with ${headerPrefix(other)} headers`, `a diagnosis only: 2xx here means the receiver expects ${headerPrefix(other)} headers`),
      );
    }
    const what = `refused correctly signed deliveries of ${refusedTypes.length} of ${ctx.events.length} types (${refusedTypes.slice(0, 6).join(', ')}${refusedTypes.length > 6 ? ', …' : ''}), e.g. ${firstRefusal}`;
    return {
      status: 'fail',
      message: refusalMessage(refusalKind(facts), { path: pathOf(ctx.url), what, headerStyle: facts.headerStyle }),
      evidence: failures,
    };
  },
};
