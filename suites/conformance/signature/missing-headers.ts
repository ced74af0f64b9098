import type { Check } from '../../types.js';
import { refusalCheck } from '../verdicts.js';

export const missingHeaders: Check = {
  id: 'signature.missing-headers',
  title: 'refuses when a header verification needs is missing',
  severity: () => 'must',
  appliesTo: () => true,
  run: (ctx) => {
    const needed = ctx.scheme.verificationHeaders({ headerStyle: ctx.headerStyle });
    const cases = needed.map((h) => ({ label: `${h} missing`, change: { variant: `missing:${h}`, removeHeaders: [h] } }));
    cases.push({ label: `all of ${needed.join(', ')} missing`, change: { variant: 'missing-all', removeHeaders: needed } });
    const why =
      ctx.profile.scheme === 'omnisales-hex'
        ? 'A missing X-Webhook-Timestamp must not slip through the window test (parseInt(undefined) is NaN, and NaN > 300 is false): reject when either header is absent or not a number.'
        : 'Treat a missing header as a failed verification, never as "nothing to verify".';
    return refusalCheck(ctx, cases, why);
  },
};
