import type { Check } from '../../types.js';
import type { JsonObject } from '../../../fixtures/profile.js';
import { buildMessage } from '../../../fixtures/index.js';
import { isSuccess } from '../../../mock-provider/sender.js';
import { judgeCases, listAnswers, skipBaseline } from '../verdicts.js';

/** A type no provider sends today: what a receiver meets the day the provider adds one. */
const UNKNOWN = 'hookgate.unknown_event';

export const unknownEventType: Check = {
  id: 'status.unknown-event-type',
  title: 'answers 2xx to a correctly signed event of a type it does not know',
  severity: () => 'should',
  appliesTo: () => true,
  async run(ctx) {
    const base = await ctx.baseline();
    if (!base.accepted) return skipBaseline(base.attempt);
    // OmniSales names the type in the envelope; Svix deliveries carry no type on the wire, so for them
    // an unknown type is a payload shape the receiver has not seen, naming the type in a `type` field.
    const data: JsonObject =
      ctx.profile.scheme === 'omnisales-hex'
        ? { id: 'unk_1', note: 'a type added after this receiver was written' }
        : { type: UNKNOWN, id: 'unk_1', note: 'a payload shape added after this receiver was written' };
    const d = ctx.delivery(buildMessage(ctx.profile, UNKNOWN, data, { allowUnknownType: true }), { variant: 'unknown-event-type' });
    const a = await ctx.send(d);
    const runs = [{ c: { label: `event type ${UNKNOWN}`, change: { variant: 'unknown-event-type' }, expect: 'accept' as const }, d, a, ok: isSuccess(a) }];
    return judgeCases(ctx, runs, {
      answerOnly: true,
      pass: `answered 2xx to ${UNKNOWN}`,
      fail: (bad) =>
        `refused a correctly signed event of an unknown type (${listAnswers(bad)}). Providers add event types; acknowledge with 2xx and ignore what you do not handle, or the provider retries it for days and may disable the endpoint.`,
    });
  },
};
