import type { Check } from '../../types.js';
import type { Case } from '../verdicts.js';
import { judgeCases, listAnswers, runCases } from '../verdicts.js';

const VARIANTS = ['application/json; charset=utf-8', 'application/json;charset=UTF-8', 'Application/JSON', 'application/json; charset="utf-8"'];

export const contentTypeVariants: Check = {
  id: 'status.content-type-variants',
  title: 'accepts case and parameter variants of application/json',
  severity: () => 'should',
  appliesTo: () => true,
  async run(ctx) {
    const cases: Case[] = VARIANTS.map((v) => ({ label: `Content-Type: ${v}`, change: { variant: 'content-type', setHeaders: { 'content-type': v } }, expect: 'accept' }));
    const { baseline, runs } = await runCases(ctx, cases);
    if (baseline) return baseline;
    return judgeCases(ctx, runs, {
      pass: `accepted all ${runs.length} variants`,
      fail: (bad) => `refused ${bad.length} of ${runs.length} Content-Type variants: ${listAnswers(bad)}. Media types are case-insensitive and may carry parameters; match on the type, not the exact string (or parse the raw body whatever the header says).`,
    });
  },
};
