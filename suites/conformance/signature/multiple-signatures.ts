import type { Check } from '../../types.js';
import { multipleSignatureVariants } from '../../../mock-provider/signing/variants.js';
import { judgeCases, listAnswers, runCases } from '../verdicts.js';

export const multipleSignatures: Check = {
  id: 'signature.multiple-signatures',
  title: 'accepts several signatures when one is valid; ignores unknown versions',
  severity: () => 'must',
  appliesTo: (p) => (p.scheme === 'svix-v1' ? true : `${p.displayName} sends one signature per request`),
  async run(ctx) {
    const { baseline, runs } = await runCases(ctx, multipleSignatureVariants(ctx.profile).map((v) => ({ label: v.description, change: v.change, expect: v.expect })));
    if (baseline) return baseline;
    return judgeCases(ctx, runs, {
      pass: 'accepted the valid entry in every position and ignored unknown versions',
      fail: (bad) =>
        `wrong answer to ${bad.length} of ${runs.length} multi-signature headers: ${listAnswers(bad)}. During key rotation the header carries several space-separated entries: accept when any "v1," entry matches, skip other versions (use the official library's verify).`,
    });
  },
};
