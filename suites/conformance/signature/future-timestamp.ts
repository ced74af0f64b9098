import type { Check } from '../../types.js';
import { refusalCheck } from '../verdicts.js';
import { FUTURE_OFFSET_SEC } from '../../../mock-provider/signing/variants.js';

export const futureTimestamp: Check = {
  id: 'signature.future-timestamp',
  title: 'refuses a timestamp 10 minutes ahead',
  severity: () => 'must',
  appliesTo: () => true,
  run: (ctx) =>
    refusalCheck(
      ctx,
      [{ label: 'timestamp 10 min ahead, signature otherwise right', change: { variant: 'future-timestamp', timestampOffsetSec: FUTURE_OFFSET_SEC } }],
      'Check the window in both directions: |now − timestamp| must be at most 5 minutes.',
    ),
};
