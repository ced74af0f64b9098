import type { Check } from '../../types.js';
import { refusalCheck } from '../verdicts.js';
import { missingHeaderVariants } from '../../../mock-provider/signing/variants.js';

export const missingHeaders: Check = {
  id: 'signature.missing-headers',
  title: 'refuses when a header verification needs is missing',
  severity: () => 'must',
  appliesTo: () => true,
  run: (ctx) => {
    const cases = missingHeaderVariants(ctx.profile, ctx.headerStyle).map((v) => ({ label: v.description, change: v.change }));
    const why =
      ctx.profile.scheme === 'omnisales-hex'
        ? 'A missing X-Webhook-Timestamp must not slip through the window test (parseInt(undefined) is NaN, and NaN > 300 is false): reject when either header is absent or not a number.'
        : 'Treat a missing header as a failed verification, never as "nothing to verify".';
    return refusalCheck(ctx, cases, why);
  },
};
