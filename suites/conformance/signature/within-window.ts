import type { Check } from '../../types.js';
import { WITHIN_WINDOW_OFFSET_SEC } from '../../../mock-provider/signing/variants.js';
import { judgeCases, listAnswers, runCases } from '../verdicts.js';

export const withinWindow: Check = {
  id: 'signature.timestamp-within-window',
  title: 'accepts a timestamp 2.5 minutes old',
  severity: () => 'should',
  appliesTo: () => true,
  async run(ctx) {
    const { baseline, runs } = await runCases(ctx, [
      { label: 'timestamp 2.5 min old', change: { variant: 'within-window', timestampOffsetSec: WITHIN_WINDOW_OFFSET_SEC }, expect: 'accept' },
    ]);
    if (baseline) return baseline;
    return judgeCases(ctx, runs, {
      pass: 'accepted a delivery 2.5 min old',
      fail: (bad) =>
        `refused a correctly signed delivery whose timestamp is 2.5 min old (${listAnswers(bad)}). The providers allow 5 minutes; a narrower window drops retries and deliveries from a sender with clock skew.`,
    });
  },
};
