import type { Check } from '../../types.js';
import { refusalCheck } from '../verdicts.js';
import { STALE_OFFSET_SEC } from '../../../mock-provider/signing/variants.js';

export const staleTimestamp: Check = {
  id: 'signature.stale-timestamp',
  title: 'refuses a timestamp 10 minutes old',
  severity: () => 'must',
  appliesTo: () => true,
  run: (ctx) =>
    refusalCheck(
      ctx,
      [{ label: 'timestamp 10 min old, signature otherwise right', change: { variant: 'stale-timestamp', timestampOffsetSec: STALE_OFFSET_SEC } }],
      `Reject timestamps more than ${ctx.profile.timestampToleranceSec / 60} minutes from now: without the window a captured request can be replayed forever.` +
        (ctx.profile.scheme === 'omnisales-hex' ? ' OmniSales signs the body only, not X-Webhook-Timestamp, so a captured request can also be replayed with a fresh timestamp: deduplicating on the envelope id is the only defence against that.' : ''),
    ),
};
