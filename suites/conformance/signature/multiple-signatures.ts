import type { Check } from '../../types.js';
import type { Case } from '../verdicts.js';
import { judgeCases, listAnswers, runCases } from '../verdicts.js';

/** Key rotation: the valid v1 entry in any position, unknown versions beside it; and the two ways to get it wrong. */
const CASES: Case[] = [
  { label: 'valid signature first of 3', change: { variant: 'multiple-signatures:first', signatures: ['valid', 'other', 'other'] }, expect: 'accept' },
  { label: 'valid signature second of 3', change: { variant: 'multiple-signatures:middle', signatures: ['other', 'valid', 'other'] }, expect: 'accept' },
  { label: 'valid signature last of 3', change: { variant: 'multiple-signatures:last', signatures: ['other', 'other', 'valid'] }, expect: 'accept' },
  { label: 'v1a and v2 entries before the valid v1', change: { variant: 'unknown-versions', signatures: ['v1a', 'v2-valid', 'valid'] }, expect: 'accept' },
  { label: 'three v1 entries, none valid', change: { variant: 'all-signatures-wrong', signatures: ['other', 'other', 'other'] }, expect: 'refuse' },
  { label: 'the right bytes labelled v2 (only v1 is HMAC)', change: { variant: 'valid-under-unknown-version', signatures: ['v2-valid'] }, expect: 'refuse' },
];

export const multipleSignatures: Check = {
  id: 'signature.multiple-signatures',
  title: 'accepts several signatures when one is valid; ignores unknown versions',
  severity: () => 'must',
  appliesTo: (p) => (p.scheme === 'svix-v1' ? true : `${p.displayName} sends one signature per request`),
  async run(ctx) {
    const { baseline, runs } = await runCases(ctx, CASES);
    if (baseline) return baseline;
    return judgeCases(ctx, runs, {
      pass: 'accepted the valid entry in every position and ignored unknown versions',
      fail: (bad) =>
        `wrong answer to ${bad.length} of ${runs.length} multi-signature headers: ${listAnswers(bad)}. During key rotation the header carries several space-separated entries: accept when any "v1," entry matches, skip other versions (use the official library's verify).`,
    });
  },
};
